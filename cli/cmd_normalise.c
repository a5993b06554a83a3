/* cmd_normalise.c: `ddparity normalise`, the canonical form of info JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
	      "INT64_MAX, duplicate keys, nesting deeper than 64 levels, ...).\n"
	      "\n"
	      "Example:\n"
	      "  qemu-img info --output=json out.vpc | ddparity normalise --path out.vpc\n", f);
}

int ddp_cmd_normalise(int argc, char **argv)
{
	ddp_opt_list pl = {{0}, 0};
	const char **paths = pl.v, *file = NULL;
	size_t n_paths, len;
	char *text, *canon;
	ddp_error err;
	int rc, first;
	const ddp_opt opts[] = {{"path", DDP_OPT_LIST, &pl}};

	if ((rc = ddp_cli_parse(&first, argc, argv, DDP_OPTS(opts), 0)))
		return rc;
	if (first < 0) {
		normalise_usage(stdout);
		return DDP_EXIT_OK;
	}
	n_paths = (size_t)pl.n;
	if (argc - first > 1)
		return ddp_cli_fail("normalise: one FILE at most (got '%s' and '%s')", argv[first],
		                    argv[first + 1]);
	if (first < argc)
		file = argv[first];
	if (!file)
		file = "-";
	if ((rc = ddp_cli_read_file(&text, &len, file)))
		return rc;
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
	return rc;
}
