/*
 * fail.c: how every command says a mistake (ddp_cli_fail and its forms,
 * cli.h) and reads a whole file; below every command, so that none calls
 * up into main.c or another command for them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The command running (NULL before one is chosen): every error names it. */
static const char *command;

void ddp_cli_set_command(const char *name)
{
	command = name;
}

ddp_exit ddp_cli_fail(const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	size_t n = command ? strlen(command) : 0;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		fprintf(stderr, "ddparity: out of memory\n");
	else if (!command)
		fprintf(stderr, "ddparity: %s\n", msg);
	/* "fuzz: ..." and "baselines generate: ..." name it already. */
	else if (!strncmp(msg, command, n) && (msg[n] == ':' || msg[n] == ' '))
		fprintf(stderr, "ddparity %s\n", msg);
	else
		fprintf(stderr, "ddparity %s: %s\n", command, msg);
	free(msg);
	return DDP_EXIT_USAGE;
}

/* Larger inputs are refused: no info is anywhere near this. */
#define DDP_CLI_MAX_INPUT (64u << 20)

ddp_exit ddp_cli_read_file(char **out, size_t *len, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	const char *name = strcmp(path, "-") ? path : "standard input";
	size_t cap = 65536, n = 0;
	char *buf;

	*out = NULL;
	*len = 0;
	if (!f)
		return ddp_cli_fail("%s: %s", path, strerror(errno));
	if (!(buf = malloc(cap + 1))) {
		if (f != stdin)
			fclose(f);
		return ddp_cli_fail("%s: out of memory", name);
	}
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f)) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return ddp_cli_fail("%s: read error", name);
			}
			if (feof(f) || got == 0)
				break;
			continue;
		}
		if (cap >= DDP_CLI_MAX_INPUT) {
			free(buf);
			if (f != stdin)
				fclose(f);
			return ddp_cli_fail("%s: larger than %u MiB", name,
			                    DDP_CLI_MAX_INPUT >> 20);
		}
		char *bigger = realloc(buf, 2 * cap + 1);
		if (!bigger) {
			free(buf);
			if (f != stdin)
				fclose(f);
			return ddp_cli_fail("%s: out of memory", name);
		}
		buf = bigger;
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return DDP_EXIT_OK;
}

ddp_exit ddp_cli_fail_error(const char *name, const ddp_error *err)
{
	if (err->line > 0)
		return ddp_cli_fail("%s:%d:%d: %s", name, err->line, err->column,
		                    err->message);
	return ddp_cli_fail("%s: %s", name, err->message);
}

ddp_exit ddp_cli_status(int status, const ddp_error *err)
{
	return status == DDP_OK ? DDP_EXIT_OK : ddp_cli_fail("%s", err->message);
}
