/*
 * map-merge-extents: a `qemu-img map` that merges adjacent extents whenever
 * their flags agree, without asking whether their data is also adjacent in
 * the file.  qemu merges two extents only when the second one's host
 * offset continues the first's; a reimplementation that compares only
 * depth/present/zero/data reports one extent where qemu reports two, for
 * clusters written out of order (qcow2, qed, vmdk) or around metadata.
 *
 * Implementation: run the real map with stdout captured (stderr passed
 * on); in JSON output join consecutive extents whose fields other than
 * start, length and offset are equal, keeping the first offset; in human
 * output join consecutive rows that are adjacent in the guest and name
 * the same file.  Exit code as qemu's.  Every other subcommand runs the
 * real qemu-img.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct extent {
	int64_t start, length, offset;
	int has_offset;
	char flags[256];   /* the fields between length and offset, as printed */
} extent;

/* One JSON extent line: { "start": S, "length": L, FLAGS[, "offset": O]} */
static int parse_json(const char *line, extent *e)
{
	const char *l = strstr(line, "\"length\": "), *f, *o, *end = strrchr(line, '}');

	if (sscanf(line, "%*[[{ ]\"start\": %" SCNd64, &e->start) != 1 || !l || !end ||
	    sscanf(l, "\"length\": %" SCNd64, &e->length) != 1)
		return -1;
	f = strchr(l, ',');
	if (!f)
		return -1;
	f += 2;
	o = strstr(f, ", \"offset\": ");
	e->has_offset = o != NULL;
	if (o && sscanf(o, ", \"offset\": %" SCNd64, &e->offset) != 1)
		return -1;
	snprintf(e->flags, sizeof(e->flags), "%.*s", (int)((o ? o : end) - f), f);
	return 0;
}

static void print_json(const extent *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("%s{ \"start\": %" PRId64 ", \"length\": %" PRId64 ", %s", i ? "" : "[",
		       v[i].start, v[i].length, v[i].flags);
		if (v[i].has_offset)
			printf(", \"offset\": %" PRId64, v[i].offset);
		printf("}%s\n", i + 1 < n ? "," : "]");
	}
}

static int mergeable(const extent *a, const extent *b)
{
	return a->start + a->length == b->start && !strcmp(a->flags, b->flags) &&
	       a->has_offset == b->has_offset;
}

static void json(char *out)
{
	extent *v = calloc(strlen(out) / 16 + 1, sizeof(*v));
	size_t n = 0;

	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		extent e;
		if (!v || parse_json(line, &e)) {
			/* Not the shape expected: print what qemu printed. */
			fputs(line, stdout);
			fputc('\n', stdout);
			continue;
		}
		if (n && mergeable(&v[n - 1], &e))
			v[n - 1].length += e.length;
		else
			v[n++] = e;
	}
	print_json(v, n);
	free(v);
}

static void human(char *out)
{
	char *line = strtok(out, "\n");
	uint64_t start = 0, length = 0, mapped = 0;
	char file[4096] = "";
	int open_row = 0;

	if (line) {
		puts(line); /* the header */
		line = strtok(NULL, "\n");
	}
	for (; line; line = strtok(NULL, "\n")) {
		uint64_t s, l, m;
		char f[4096];
		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64 " %4095[^\n]", &s, &l, &m, f) != 4) {
			puts(line);
			continue;
		}
		if (open_row && start + length == s && !strcmp(file, f)) {
			length += l;
			continue;
		}
		if (open_row)
			printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n", start, length, mapped, file);
		start = s, length = l, mapped = m, open_row = 1;
		snprintf(file, sizeof(file), "%s", f);
	}
	if (open_row)
		printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n", start, length, mapped, file);
}

int main(int argc, char **argv)
{
	char *out = NULL;
	size_t len = 0;
	int rc, is_json = 0;

	mq_start_for(argc, argv, "map-merge-extents", "map");
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--output=json") ||
		    (!strcmp(argv[i], "--output") && i + 1 < argc && !strcmp(argv[i + 1], "json")))
			is_json = 1;
	rc = mq_run_qemu(argv + 1, MQ_CAPTURE_STDOUT, &out, &len);
	if (rc < 0)
		mq_exit(1);
	if (out && len) {
		if (is_json)
			json(out);
		else
			human(out);
	}
	free(out);
	mq_exit(rc);
}
