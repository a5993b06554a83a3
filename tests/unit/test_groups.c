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

/* A minimal case's names: the cause two groups share when they are one mistake. */
static const struct {
	const char *args[8];
	const char *cause;
} causes[] = {
	/* drop-count's minimal cases: the window, a parse error, a warning: one cause. */
	{{"count=1", "if=in.raw", "of=out.img"}, "count,if,of"},
	{{"count=x", "if=in.raw", "of=out.img"}, "count,if,of"},
	{{"of=out.img", "count=0x1k", "if=in.raw", "count=2"}, "count,if,of"},
	/* An option's value is named up to '=' or ',', attached or not. */
	{{"-O", "count=0.0019k", "if=in.raw", "of=out.img"}, "-O count,if,of"},
	{{"-Ovpc", "if=in.raw", "of=out.img"}, "-O vpc,if,of"},
	{{"-O", "vpc", "if=in.raw", "of=out.img"}, "-O vpc,if,of"},
	{{"--object", "secret,id=s0", "if=a"}, "--object secret"},
	{{"--object=secret,id=s0", "if=a"}, "--object secret"},
	/* A cluster is "cluster", whatever its letters (its value still taken);
	 * after "--" everything is an operand.  An odd name (a cluster, "--", a
	 * flag, a word no dd operand) is the cause alone: what is beside it
	 * only makes the divergence show (no-option-clusters' four groups). */
	{{"-xU", "if=a", "of=b"}, "cluster"},
	{{"-UO", "vpc", "if=in.raw", "of=out.raw"}, "cluster"},
	{{"bs=0x628K", "-UO", "parallels", "if=in.vmdk", "of=out.raw"}, "cluster"},
	{{"bs=0.5000k", "-UOqcow", "count=1", "if=in.raw", "of=out.raw"}, "cluster"},
	{{"-hO", "", "if=in.raw", "of=out.raw"}, "cluster"},
	{{"-U", "-x", "if=a"}, "-U,-x"},
	{{"--", "-U", "skip=1"}, "--,-U"},
	{{"foo", "COUNT=1", "count=2"}, "COUNT,foo"},
	{{"-f", "qcow2", "-O", "vmdk", "skip=1", "if=a"}, "-O vmdk,-f qcow2,if,skip"},
	/* map's options. */
	{{"--start-offset=512", "--output=json"}, "--output json,--start-offset"},
	{{"-f"}, "-f"},
};

static void test_case_cause(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(causes); i++) {
		ddp_case c = {.argc = 0};
		char out[256];
		while (c.argc < 8 && causes[i].args[c.argc]) {
			c.argv[c.argc] = (char *)causes[i].args[c.argc];
			c.argc++;
		}
		ddp_case_cause(out, sizeof(out), &c);
		if (strcmp(out, causes[i].cause))
			fail_msg("row %zu: cause '%s', want '%s'", i, out, causes[i].cause);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_key),
		cmocka_unit_test(test_group_key_cut),
		cmocka_unit_test(test_group_key_ok),
		cmocka_unit_test(test_rules_subset),
		cmocka_unit_test(test_signature_has),
		cmocka_unit_test(test_case_cause),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
