/*
 * stderr-reworded: words every message its own way ("error: invalid block
 * size" for qemu's "Invalid bs specified. You may use k, M, G, ..."), while
 * keeping exit codes and outputs exactly.  A reimplementation like this is
 * compared by stderr class (nothing / warning / error), not text: it is a
 * finding with exact stderr comparison and must not be one under
 * `--stderr class`.  Silent runs stay silent; a run that printed something
 * prints something.
 *
 * Implementation: run the real dd with stderr captured and rewrite it line
 * by line.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *what(const char *key)
{
	if (!strncmp(key, "bs ", 3))
		return "block size";
	if (!strncmp(key, "count ", 6))
		return "block count";
	if (!strncmp(key, "skip ", 5))
		return "skip count";
	return NULL;
}

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static int ends(const char *s, const char *p)
{
	size_t a = strlen(s), b = strlen(p);
	return a >= b && !strcmp(s + a - b, p);
}

static char prefix[256]; /* qemu's "PROG: " (PROG: basename of its argv[0]) */

static void reword(const char *line)
{
	const char *m = line, *w;

	if (!strncmp(line, prefix, strlen(prefix)))
		m = line + strlen(prefix);

	if (starts(m, "Invalid ") && (w = what(m + 8)) != NULL) {
		if (strstr(m, "Must be between"))
			fprintf(stderr, "error: %s out of range (%s)\n", w, strstr(m, "between") + 8);
		else
			fprintf(stderr, "error: invalid %s\n", w);
	} else if (starts(m, "kilobytes, megabytes")) {
		/* the second line of the parse error: already said */
	} else if (starts(m, "unrecognized operand ")) {
		fprintf(stderr, "error: unknown operand '%s'\n", m + 21);
	} else if (starts(m, "Must specify both input and output files")) {
		fprintf(stderr, "error: both if= and of= are required\n");
	} else if (ends(m, ": cannot skip to specified offset")) {
		fprintf(stderr, "dd: %.*s: skip offset lies beyond the end of the input\n",
		        (int)(strlen(m) - strlen(": cannot skip to specified offset")), m);
	} else if (starts(m, "warning: ")) {
		fprintf(stderr, "warning (dd): %s\n", m + 9);
	} else if (starts(m, "Try '")) {
		fprintf(stderr, "error: see --help\n");
	} else {
		fprintf(stderr, "error: %s\n", m);
	}
}

int main(int argc, char **argv)
{
	char *err, *p;
	size_t len;
	int rc;

	mq_start(argc, argv, "stderr-reworded");
	{
		const char *q = mq_qemu_img(), *b = strrchr(q, '/');
		snprintf(prefix, sizeof(prefix), "%s: ", b ? b + 1 : q);
	}
	rc = mq_run_qemu(argv + 1, MQ_CAPTURE_ERR, &err, &len);
	if (rc < 0)
		mq_exit(1);
	for (p = err; p < err + len;) {
		char *nl = memchr(p, '\n', (size_t)(err + len - p));
		if (nl)
			*nl = '\0';
		reword(p);
		p = nl ? nl + 1 : err + len;
	}
	fflush(stderr);
	free(err);
	mq_exit(rc);
}
