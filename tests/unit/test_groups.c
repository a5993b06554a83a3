/*
 * The engine's names for a divergence: its signature's components, its
 * group key (kinds @ the reference's rules) and the rule lists the grouping
 * compares.  The keys are those campaigns printed for the mutants on qemu
 * 7.2.22 (drop-count, stderr-reworded, gnu-dd-window, map-drop-window),
 * with the edges each rule has.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "testutil.h"

#include "engine/engine.h"
#include "suite/suite.h"

static const struct {
	const char *kinds, *rules;
	int modelled;
	const char *key;
} keys[] = {
	{"info:virtual-size+data", "window-count-caps-end", 1,
	 "info:virtual-size+data @ window-count-caps-end"},
	{"exit+stderr+output", "number-parse-u64", 1, "exit+stderr+output @ number-parse-u64"},
	{"stderr:text", "operand-unknown", 1, "stderr:text @ operand-unknown"},
	{"stderr", "window-count-caps-end,window-skip-past-eof,window-empty", 1,
	 "stderr @ window-count-caps-end,window-skip-past-eof,window-empty"},
	/* Which JSON fields of map's output differ is one bug seen twice. */
	{"map:/0/start,/0/length", "output-json,window", 1, "map @ output-json,window"},
	{"exit+map:/1/offset", "output-json", 1, "exit+map @ output-json"},
	/* Only a command's own kind folds: map-invalid and info keep what follows. */
	{"stdout+map:length,offset", "output-json", 1, "stdout+map @ output-json"},
	{"map-invalid:candidate", "output-json", 1, "map-invalid:candidate @ output-json"},
	{"info:virtual-size+map:zero", "output-json", 1, "info:virtual-size+map @ output-json"},
	/* The model does not know the case: the kinds alone. */
	{"info:virtual-size", "", 0, "info:virtual-size @ unmodelled"},
	{"info:virtual-size", "window-count-caps-end", 0, "info:virtual-size @ unmodelled"},
	/* Known, but through no rule (a plain copy of the whole input). */
	{"data", "", 1, "data @ no-rule"},
};

static void test_group_key(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(keys); i++) {
		char out[DDP_GROUP_KEY_MAX];
		ddp_group_key(out, sizeof(out), keys[i].kinds, keys[i].modelled, keys[i].rules);
		if (strcmp(out, keys[i].key))
			fail_msg("row %zu: '%s' for %s / %s, want '%s'", i, out, keys[i].kinds,
			         keys[i].rules, keys[i].key);
		assert_true(ddp_group_key_ok(out));
	}
}

static void test_group_key_cut(void **state)
{
	char small[24];
	(void)state;
	/* Cut to its buffer, still a string. */
	ddp_group_key(small, sizeof(small), "info:virtual-size+data", 1, "window-count-caps-end");
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

static const struct {
	const char *key;
	int ok;
} key_ok[] = {
	{"exit+stderr @ number-parse-u64", 1},
	{"stderr", 1},                   /* an old file's key: its signature */
	{"", 0},
	{"stderr\n@ x", 0},
	{"stderr @ \x7f", 0},
	{"info:virtual-size @ caf\xc3\xa9", 0},
};

static void test_group_key_ok(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(key_ok); i++)
		if (ddp_group_key_ok(key_ok[i].key) != key_ok[i].ok)
			fail_msg("row %zu: '%s' ok %d, want %d", i, key_ok[i].key, !key_ok[i].ok,
			         key_ok[i].ok);
}

static const struct {
	const char *a, *b;
	int subset;
} subsets[] = {
	/* A minimised group's rules against a later divergence's. */
	{"window-count-caps-end", "window-count-caps-end,window-skip,vpc-chs", 1},
	{"window-count-caps-end,window-skip", "window-skip,window-count-caps-end", 1},
	{"window-count-caps-end,window-skip", "window-count-caps-end,window-skip-past-eof", 0},
	{"window-skip", "window-skip-past-eof", 0},          /* ids, not prefixes */
	{"window-skip-past-eof", "window-skip", 0},
	{"", "number-parse-u64", 1},
	{"", "", 1},
	{"number-parse-u64", "", 0},
};

static void test_rules_subset(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(subsets); i++)
		if (ddp_rules_subset(subsets[i].a, subsets[i].b) != subsets[i].subset)
			fail_msg("row %zu: '%s' in '%s': %d, want %d", i, subsets[i].a, subsets[i].b,
			         !subsets[i].subset, subsets[i].subset);
}

static const struct {
	const char *signature, *component;
	int has;
} has[] = {
	{"exit+stderr+output", "stderr", 1},
	{"exit+stderr+output", "exit", 1},
	{"exit+stderr+output", "output", 1},
	{"stderr:text", "stderr", 0},        /* components, not prefixes */
	{"stderr:text", "stderr:text", 1},
	{"info:virtual-size+data", "info:virtual-size", 1},
	{"info:virtual-size,cluster-size+data", "info:virtual-size", 0},
	{"output-too-large:candidate", "output", 0},
	{"info-failed:candidate", "info-failed:candidate", 1},
};

static void test_signature_has(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(has); i++)
		if (ddp_signature_has(has[i].signature, has[i].component) != has[i].has)
			fail_msg("row %zu: '%s' has '%s': %d, want %d", i, has[i].signature,
			         has[i].component, !has[i].has, has[i].has);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_key),
		cmocka_unit_test(test_group_key_cut),
		cmocka_unit_test(test_group_key_ok),
		cmocka_unit_test(test_rules_subset),
		cmocka_unit_test(test_signature_has),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
