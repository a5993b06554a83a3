/*
 * unit_data.h: what the unit tests read from the source tree (committed
 * observations), found through $DDP_SOURCE_DIR, which ctest sets.  Include
 * after cmocka.h.
 */
#ifndef DDP_UNIT_DATA_H
#define DDP_UNIT_DATA_H

#include <stdio.h>
#include <stdlib.h>

/* The file at rel under the source tree, NUL-terminated; *len (optional) its length. */
static char *read_data(const char *rel, size_t *len)
{
	const char *root = getenv("DDP_SOURCE_DIR");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	if (!root)
		fail_msg("DDP_SOURCE_DIR is not set");
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!(f = fopen(path, "rb")))
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

#endif
