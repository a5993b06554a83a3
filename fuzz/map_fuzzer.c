/*
 * map_fuzzer.c: arbitrary bytes as `qemu-img map --output=json`, through
 * ddp_map_normalise and ddp_map_compare (a candidate's map output is
 * hostile input: the engine and replay read it).
 *
 * Input: the text.  Properties: normalise answers with a map or a
 * documented error naming the source and a line of the text; a map's
 * canonical form is a fixed point, compares equal to the text it came
 * from and to itself, and a map that lost its last extent differs in
 * "extents".  Nothing leaks.
 */
#define _POSIX_C_SOURCE 200809L
#define FUZZ_TARGET "map"
#include "fuzz.h"

static const char source[] = "map.json";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, *again = NULL;
	ddp_map_diff d;
	ddp_error err;
	size_t lines = 1, extents = 0;
	int rc;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	rc = ddp_map_normalise(&out, (const char *)data, size, source, &err);
	FUZZ_CHECK(rc == DDP_OK || rc == DDP_EINVAL || rc == DDP_EJSON || rc == DDP_ERANGE ||
	           rc == DDP_ENOMEM,
	           "normalise answers with a map or a documented error");
	if (rc) {
		FUZZ_CHECK(!out, "a failed normalise returns no text");
		FUZZ_CHECK(err.code == rc && err.message[0], "an error says why");
		FUZZ_CHECK(!strcmp(err.source, source), "an error names the file");
		/* Extent errors count extents, which can outnumber the text's lines. */
		FUZZ_CHECK(err.line >= 1, "an error names a line");
		return 0;
	}
	FUZZ_CHECK(ddp_map_normalise(&again, out, strlen(out), "again", &err) == DDP_OK &&
	           !strcmp(out, again), "the canonical form is a fixed point");
	FUZZ_CHECK(ddp_map_compare(&d, (const char *)data, size, out, strlen(out), &err) == DDP_OK &&
	           !d.signature[0] && d.first == -1, "a map equals its canonical form");
	for (const char *p = out; *p; p++)
		extents += *p == '\n';
	extents -= 2; /* "[" and "]" */
	if (extents > 0) {
		/* The canonical form has one extent a line: keep all but the last. */
		char *cut = strdup(out);
		char *end = cut + 2; /* after "[\n" */
		for (size_t k = 0; k + 1 < extents; k++)
			end = strchr(end, '\n') + 1;
		if (extents > 1)
			end[-2] = '\n', end--; /* the kept last line loses its ',' */
		strcpy(end, "]\n");
		rc = ddp_map_compare(&d, out, strlen(out), cut, strlen(cut), &err);
		FUZZ_CHECK(rc == DDP_OK, "a shorter map still parses");
		FUZZ_CHECK(!strncmp(d.signature, "extents", 7) && d.extents_a == extents &&
		           d.extents_b == extents - 1, "a lost extent is an \"extents\" difference");
		free(cut);
	}
	ddp_map_free(out);
	ddp_map_free(again);
	return 0;
}
