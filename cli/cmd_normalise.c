/* cmd_normalise.c: `ddparity normalise`, the canonical form of info JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Larger inputs are refused: no info is anywhere near this. */
#define DDP_CLI_MAX_INPUT (64u << 20)

int ddp_cli_read_file(char **out, size_t *len, const char *path)
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

int ddp_cli_fail_error(const char *name, const ddp_error *err)
{
	if (err->line > 0)
		return ddp_cli_fail("%s:%d:%d: %s", name, err->line, err->column,
		                    err->message);
	return ddp_cli_fail("%s: %s", name, err->message);
}

static void normalise_usage(FILE *f)
{
	fputs("usage: ddparity normalise [--path P]... [FILE|-]\n"
	      "\n"
	      "Prints the canonical form of `qemu-img info --output=json` FILE\n"
	      "(standard input when FILE is - or missing): keys sorted, four-space\n"
	      "indent, and the fields that vary per run replaced:\n\n", f);
	for (size_t i = 0; i < ddp_info_volatile_count(); i++) {
		const ddp_info_volatile *v = ddp_info_volatile_at(i);
		fprintf(f, "  %s -> \"%s\" (in %s)\n      %s\n", v->key, v->marker,
		        v->scope, v->why);
	}
	fputs("\n"
	      "  --path P   a path given to qemu-img for this image, exactly as given;\n"
	      "             filenames equal to one become $FILENAME (repeatable).\n"
	      "             Without --path, the top-level filename is the path.\n"
	      "\n"
	      "Exit status: 0 printed, 2 error (invalid JSON, an integer above\n"
	      "INT64_MAX, duplicate keys, nesting deeper than 64 levels, ...).\n", f);
}

int ddp_cmd_normalise(int argc, char **argv)
{
	const char **paths = calloc((size_t)argc, sizeof(*paths));
	const char *file = NULL;
	size_t n_paths = 0, len;
	char *text, *canon;
	ddp_error err;
	int rc, options = 1;

	if (!paths)
		return ddp_cli_fail("out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			normalise_usage(stdout);
			free(paths);
			return DDP_EXIT_OK;
		} else if (options && !strcmp(a, "--path")) {
			if (++i == argc) {
				free(paths);
				return ddp_cli_fail("normalise: --path needs a value");
			}
			paths[n_paths++] = argv[i];
		} else if (options && !strncmp(a, "--path=", 7)) {
			paths[n_paths++] = a + 7;
		} else if (options && !strcmp(a, "--")) {
			options = 0;
		} else if (options && a[0] == '-' && a[1]) {
			free(paths);
			return ddp_cli_fail("normalise: unknown option '%s' (try "
			                    "'ddparity normalise --help')", a);
		} else if (file) {
			free(paths);
			return ddp_cli_fail("normalise: one FILE at most (got '%s' "
			                    "and '%s')", file, a);
		} else {
			file = a;
		}
	}
	if (!file)
		file = "-";
	if ((rc = ddp_cli_read_file(&text, &len, file))) {
		free(paths);
		return rc;
	}
	ddp_error_clear(&err);
	if (ddp_info_normalise(&canon, text, len, paths, n_paths, &err)) {
		rc = ddp_cli_fail_error(strcmp(file, "-") ? file : "standard input",
		                        &err);
	} else {
		fputs(canon, stdout);
		ddp_info_free(canon);
		rc = fflush(stdout) ? ddp_cli_fail("normalise: write error")
		                    : DDP_EXIT_OK;
	}
	free(text);
	free(paths);
	return rc;
}
