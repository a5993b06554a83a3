/*
 * test_map_rules.c: the rules ddp_map_rules gives map cases (the group
 * key's rules), on fixtures of the committed manifest.  The window rows
 * are what real qemu-img map does at each edge (7.2.22, all five versions
 * for the window: docs/qemu-versions.md, `qemu-img map`).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "map/map.h"
#include "unit_data.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *fixture;
	const char *args[7];
	const char *rules;
	int modelled;
} rows[] = {
	/* The whole image: the output type, and the format's logic (raw adds none). */
	{"raw-sparse", {NULL}, "output-human", 1},
	{"raw-sparse", {"--output=json", NULL}, "output-json", 1},
	{"raw-sparse", {"--output", "json", NULL}, "output-json", 1},
	{"raw-sparse", {"--output=json", "--output=human", NULL}, "output-human", 1},
	{"raw-sparse", {"--output=xml", NULL}, "output-unknown", 1},
	{"qcow2-sparse", {NULL}, "output-human,format-qcow2", 1},
	{"qcow2-compressed", {"--output=json", NULL}, "output-json,format-qcow2,compressed-clusters", 1},
	{"qcow2-reordered", {NULL}, "output-human,format-qcow2,host-order", 1},
	{"qcow2-cluster512", {NULL}, "output-human,format-qcow2,cluster-size,zero-clusters,host-order", 1},
	{"vmdk-stream", {NULL}, "output-human,format-vmdk,vmdk-stream", 1},
	{"vpc-fixed", {NULL}, "output-human,format-vpc,vpc-fixed", 1},
	{"raw-odd-length", {NULL}, "output-human,image-end-unaligned", 1},
	/* Zeroed with unmap, discarded, shrunk; a map step's fixture has the steps before it. */
	{"qcow2-trimmed", {NULL},
	 "output-human,format-qcow2,zero-clusters,unmapped-zero,discarded", 1},
	{"qcow2-trimmed", {"--start-offset", "192k", "--max-length", "64k", NULL},
	 "output-human,window,format-qcow2", 1},
	{"qcow2-trimmed-before", {NULL}, "output-human,format-qcow2", 1},
	{"qcow2-shrunk", {"--start-offset", "4M", NULL},
	 "output-human,window,window-past-end", 1},
	{"qcow2-shrunk", {"--output=json", NULL}, "output-json,format-qcow2,shrunk", 1},
	/* An image line's file: its extents are its own. */
	{"qcow2-tiny", {NULL}, "output-human,format-qcow2,image-file", 1},
	/* The window: only what it covers counts. */
	{"qcow2-compressed", {"--start-offset", "128k", "--max-length", "64k", NULL},
	 "output-human,window,format-qcow2", 1},
	{"qcow2-overlay", {"--start-offset", "32768", "--max-length", "65536", NULL},
	 "output-human,window,format-qcow2", 1},
	{"qcow2-overlay", {"--max-length", "65536", NULL}, "output-human,window,format-qcow2,backing", 1},
	{"raw-odd-length", {"--max-length", "512", NULL}, "output-human,window", 1},
	/* The window's edges. */
	{"raw-zero", {"--start-offset", "2M", NULL}, "output-human,window,window-past-end", 1},
	{"raw-zero", {"--start-offset", "1048576", NULL}, "output-human,window,window-past-end", 1},
	{"raw-zero", {"--max-length", "0", NULL}, "output-human,window,window-empty", 1},
	{"raw-zero", {"--start-offset", "512", "--max-length", "9223372036854775807", NULL},
	 "output-human,window,window-end-overflow", 1},
	{"raw-zero", {"--start-offset", "512", "--max-length", "2M", NULL},
	 "output-human,window,window-clipped", 1},
	{"raw-zero", {"--start-offset", "4097", "--max-length", "12345", NULL},
	 "output-human,window,window-unaligned", 1},
	{"raw-zero", {"--start-offset", "1b", NULL}, "output-human,window,window-unaligned", 1},
	/* Values qemu_strtosz decides by version, or cvtnum refuses. */
	{"raw-zero", {"--start-offset", "0x200", NULL}, "output-human,window,window-number-syntax", 1},
	{"raw-zero", {"--max-length", ".5k", NULL}, "output-human,window,window-number-syntax", 1},
	{"raw-zero", {"--start-offset", "-1", NULL}, "output-human,window,window-number-syntax", 1},
	{"raw-zero", {"--start-offset", "9223372036854775808", NULL},
	 "output-human,window,window-number-range", 1},
	{"raw-zero", {"--start-offset", "8E", NULL}, "output-human,window,window-number-range", 1},
	/* Not what map's cases give: not modelled. */
	{"raw-zero", {"-f", "raw", NULL}, "output-human,option-other", 0},
};

static ddp_map_manifest manifest;

static int setup(void **state)
{
	size_t len;
	char *text = read_data("expected-outputs/map-fixtures", &len);
	ddp_error err;
	(void)state;
	if (ddp_map_manifest_parse(&manifest, text, len, "map-fixtures", &err)) {
		free(text);
		return -1;
	}
	free(text);
	/* What qemu-img info says of them once made (no qemu-img here). */
	for (size_t i = 0; i < manifest.nfixtures; i++)
		manifest.fixtures[i].virtual_size = (manifest.fixtures[i].size + 511) / 512 * 512;
	/* An image's size is its file's (qcow2-tiny: 64k). */
	for (size_t i = 0; i < manifest.nfixtures; i++)
		if (manifest.fixtures[i].kind == DDP_MAP_IMAGE)
			manifest.fixtures[i].virtual_size = 65536;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ddp_map_manifest_free(&manifest);
	return 0;
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const ddp_map_fixture *f = ddp_map_manifest_find(&manifest, rows[i].fixture);
		char buf[400];
		int n = 0, modelled;
		assert_non_null(f);
		while (rows[i].args[n])
			n++;
		modelled = ddp_map_rules(buf, sizeof(buf), f, rows[i].args, n);
		if (strcmp(buf, rows[i].rules) || modelled != rows[i].modelled)
			fail_msg("row %zu (%s): rules '%s' (modelled %d), want '%s' (%d)", i,
			         rows[i].fixture, buf, modelled, rows[i].rules, rows[i].modelled);
	}
}

/* Every id given has a text (the report and the README list them). */
static void test_texts(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char copy[400], *save = NULL;
		snprintf(copy, sizeof(copy), "%s", rows[i].rules);
		for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save))
			if (!ddp_map_rule_text(id))
				fail_msg("rule '%s' has no text", id);
	}
	assert_null(ddp_map_rule_text("no-such-rule"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_texts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
