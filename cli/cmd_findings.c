/*
 * cmd_findings.c: `ddparity findings merge OUT DIR...`, the findings of many
 * machines (a campaign split with fuzz --shard, nightly jobs) in one
 * directory, groups and counts added up.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "engine/engine.h"

static const char usage[] =
	"usage: ddparity findings merge OUT DIR...\n"
	"\n"
	"Merges findings directories (each a fuzz --findings DIR, from any machine)\n"
	"into OUT (created if missing): a group OUT already has, by key or alias,\n"
	"gains the directory's count, keys, examples (while it has fewer than 3)\n"
	"and a headline if it has none; any other group is copied in whole.  Each\n"
	"source's share is recorded, so merging the same directory twice changes\n"
	"nothing, and merging it again after its campaign went on adds only what\n"
	"is new.  OUT is a findings directory like any other: report, reproduce,\n"
	"minimise and promote read it.  Nothing is written outside OUT.\n"
	"\n"
	"Example, the shards of one campaign:\n"
	"  ddparity fuzz --shard 1/2 --seed 7 --findings f1 ...   # machine 1\n"
	"  ddparity fuzz --shard 2/2 --seed 7 --findings f2 ...   # machine 2\n"
	"  ddparity findings merge all f1 f2\n";

int ddp_cmd_findings(int argc, char **argv)
{
	ddp_findings f;
	ddp_error err;
	char **dirs;
	int rc = DDP_EXIT_OK, first, n;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return DDP_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "merge"))
		return ddp_cli_fail("findings: %s (usage: ddparity findings merge OUT DIR...)",
		                    argc < 2 ? "no subcommand" : "the subcommand is merge");
	{
		static char name[] = "findings merge";
		argv[1] = name;
		/* No options yet: the parser says so of any, in the one form. */
		if ((rc = ddp_cli_parse(&first, argc - 1, argv + 1, NULL, 0, 0)))
			return rc;
		if (first < 0)
			return fputs(usage, stdout) < 0 ? DDP_EXIT_USAGE : DDP_EXIT_OK;
	}
	/* The operands: OUT, then the directories to merge. */
	dirs = argv + 1 + first;
	n = argc - 1 - first;
	if (n < 2)
		return ddp_cli_fail("findings merge: %s", n < 1 ? "no OUT directory" : "no directory to merge");
	for (int i = 1; i < n; i++)
		if (!strcmp(dirs[i], dirs[0]))
			return ddp_cli_fail("findings merge: %s is OUT itself", dirs[i]);
	if (ddp_findings_open(&f, dirs[0], &err))
		return ddp_cli_fail("findings merge: %s: %s", err.source, err.message);
	for (int i = 1; i < n; i++) {
		ddp_merge_stats st;
		if (ddp_findings_merge(&f, dirs[i], &st, &err)) {
			rc = ddp_cli_fail("findings merge: %s: %s", err.source, err.message);
			continue;
		}
		printf("findings merge: %s: %zu groups, %zu new, %zu merged, %zu divergences added\n",
		       dirs[i], st.groups, st.new_groups, st.merged_groups, st.count);
	}
	printf("findings merge: %s: %zu groups, %zu divergences\n", dirs[0], f.unique, f.total);
	ddp_findings_close(&f);
	return rc;
}
