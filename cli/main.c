/* main.c: the ddparity command, a table of subcommands. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine/engine.h"

static const struct {
	const char *name;
	ddp_cmd_fn fn;
	const char *summary;
} commands[] = {
	{"fuzz", ddp_cmd_fuzz, "differential campaign: qemu-img against a candidate"},
	{"reproduce", ddp_cmd_reproduce, "run a saved finding again"},
	{"predict", ddp_cmd_predict, "predict what qemu-img dd does (exit code, stderr, output info)"},
	{"normalise", ddp_cmd_normalise, "print the canonical form of qemu-img info JSON"},
	{"compare", ddp_cmd_compare, "compare two qemu-img info JSON outputs field by field"},
	{"baselines", ddp_cmd_baselines, "generate per-version baselines of dd-cases; fold them into profiles"},
	{"replay", ddp_cmd_replay, "check a candidate against the committed baselines"},
	{"minimise", ddp_cmd_minimise, "shrink a finding to the smallest dd case with its signature"},
	{"promote", ddp_cmd_promote, "add a minimised finding to dd-cases with its baselines"},
	{"report", ddp_cmd_report, "write an HTML report: case x version matrix, campaign findings"},
	{"versions", ddp_cmd_versions, "list the qemu-img versions Debian ships: profile, measured or not"},
	{"findings", ddp_cmd_findings, "merge findings directories from many machines (findings merge)"},
};

static void usage(FILE *f)
{
	fputs("usage: ddparity COMMAND [ARGS...]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'ddparity help COMMAND' (or 'ddparity COMMAND --help') describes one command.\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return DDP_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return DDP_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ddparity %s\n", DDP_VERSION_STRING);
		return DDP_EXIT_OK;
	}
	/* SIGINT, SIGTERM: private work directories go with us (fuzz stops its campaign instead). */
	ddp_remove_private_dirs_on_signal();
	/* help CMD: CMD --help. */
	if (!strcmp(argv[1], "help")) {
		static char help[] = "--help";
		char *hargv[] = {argc > 2 ? argv[2] : NULL, help, NULL};
		if (argc < 3) {
			usage(stdout);
			return DDP_EXIT_OK;
		}
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[2], commands[i].name)) {
				ddp_cli_set_command(commands[i].name);
				return commands[i].fn(2, hargv);
			}
		ddp_cli_set_command("help");
		return ddp_cli_fail("no command '%s' (try 'ddparity help')", argv[2]);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			ddp_cli_set_command(commands[i].name);
			return commands[i].fn(argc - 1, argv + 1);
		}
	return ddp_cli_fail("unknown command '%s' (try 'ddparity --help')", argv[1]);
}
