/*
 * What promote decides before it writes anything (diff/promote.c), as
 * tables: whether a case or a map window may join its list, and the list
 * with one more line.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "testutil.h"

#include "map/map.h"

static const char cases_text[] =
	"1M-raw-whole-raw     1M  raw  raw\n"
	"1M-raw-count2-qcow2  1M  raw  qcow2  bs=512 count=2\n";

/* A case line, and what promote says of it against cases_text (NULL: it may join). */
static const struct {
	const char *line, *refusal;
} case_rows[] = {
	{"new-case  1M  raw  raw  count=1\n", NULL},
	{"1M-raw-whole-raw  1M  raw  vmdk\n", "already has a case named 1M-raw-whole-raw (line 1)"},
	{"other-name  1M  raw  raw\n", "line 1, 1M-raw-whole-raw, is the same case"},
	{"again  1M  raw  qcow2  bs=512 count=2\n", "line 2, 1M-raw-count2-qcow2, is the same case"},
	{"order  1M  raw  qcow2  count=2 bs=512\n", NULL},        /* another dd: operands in order */
	{"input  1M:sparse  raw  qcow2  bs=512 count=2\n", NULL}, /* another input */
	{"bigger  2M  raw  raw\n", NULL},
};

static void test_check_case(void **state)
{
	ddp_ddcases cases, one;
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_ddcases_parse(&cases, cases_text, "dd-cases", &err), DDP_OK);
	for (size_t i = 0; i < N_ROWS(case_rows); i++) {
		int rc;
		assert_int_equal(ddp_ddcases_parse(&one, case_rows[i].line, "row", &err), DDP_OK);
		memset(&err, 0, sizeof(err));
		rc = ddp_promote_check_case(&cases, &one.items[0], "dd-cases", &err);
		if (!case_rows[i].refusal) {
			if (rc)
				fail_msg("row %zu (%s): refused: %s", i, case_rows[i].line, err.message);
		} else {
			assert_int_equal(rc, DDP_EINVAL);
			if (!strstr(err.message, case_rows[i].refusal))
				fail_msg("row %zu: '%s' does not say '%s'", i, err.message, case_rows[i].refusal);
			assert_string_equal(err.source, "dd-cases");
			assert_true(err.line > 0);
		}
		ddp_ddcases_free(&one);
	}
	ddp_ddcases_free(&cases);
}

static const char manifest_text[] =
	"fixture raw-zero  raw  1M  -  -\n"
	"window  mid       mid-64k  128k\n"
	"window  unaligned 4097     12345\n";

/* A window (name, delta from the start, length) and promote's answer against manifest_text. */
static const struct {
	const char *name;
	int64_t delta, length;
	const char *refusal;
} window_rows[] = {
	{"s8192-l4096", 8192, 4096, NULL},
	{"mid", 8192, 4096, "already has a window named mid (line 2)"},
	{"unaligned", 1, 1, "already has a window named unaligned"},
	{"again", 4097, 12345, "line 3, window unaligned, is the same window"},
	{"longer", 4097, 12346, NULL},
	{"whole", 4097, -1, NULL}, /* no --max-length is another window */
};

static void test_check_window(void **state)
{
	ddp_map_manifest m = {0};
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_map_manifest_parse(&m, manifest_text, strlen(manifest_text), "map-fixtures",
	                                        &err), DDP_OK);
	for (size_t i = 0; i < N_ROWS(window_rows); i++) {
		ddp_map_window w = {.at = DDP_MAP_AT_ZERO, .delta = window_rows[i].delta,
		                    .length = window_rows[i].length};
		int rc;
		snprintf(w.name, sizeof(w.name), "%s", window_rows[i].name);
		memset(&err, 0, sizeof(err));
		rc = ddp_promote_check_window(&m, &w, "map-fixtures", &err);
		if (!window_rows[i].refusal) {
			if (rc)
				fail_msg("row %zu (%s): refused: %s", i, w.name, err.message);
		} else {
			assert_int_equal(rc, DDP_EINVAL);
			if (!strstr(err.message, window_rows[i].refusal))
				fail_msg("row %zu: '%s' does not say '%s'", i, err.message, window_rows[i].refusal);
		}
	}
	ddp_map_manifest_free(&m);
}

/* A file's text, the line promote adds, and the file after. */
static const struct {
	const char *text, *line, *joined;
} join_rows[] = {
	{"", "a\n", "a\n"},
	{"x\n", "a\n", "x\na\n"},
	{"x", "a\n", "x\na\n"},       /* a last line without its newline gets one */
	{"x\n\n", "a\n", "x\n\na\n"}, /* blank lines kept */
	{"# c\nx\n", "window w 1 2", "# c\nx\nwindow w 1 2"},
};

static void test_joined(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(join_rows); i++) {
		char *j = ddp_promote_joined(join_rows[i].text, strlen(join_rows[i].text), join_rows[i].line);
		assert_non_null(j);
		assert_string_equal(j, join_rows[i].joined);
		free(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_case),
		cmocka_unit_test(test_check_window),
		cmocka_unit_test(test_joined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
