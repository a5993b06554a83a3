/*
 * The rules ddp_predict records.  Each row is what a real Debian qemu-img
 * did (exit code, stderr, the output's virtual size) with in.raw (or
 * in.qcow2, a fresh 1 MiB qcow2 of 196616 bytes) of the given length in a
 * directory holding nothing else (5.2: 5.2.0; 7.2: 7.2.22; 10.0: 10.0.13;
 * 11.1: 11.1.3), and the rules the model says decided it.  Every rule is
 * reached by at least one row.
 */
#include "testutil.h"

static const struct {
	const char *profile;
	int64_t size;
	const char *argv[8];
	int exit_code;
	const char *rules[4];
} rows[] = {
	{"7.2", 10240, {"-x", "if=in.raw", "of=out.img"}, 1, {"option-unrecognized"}},
	{"10.0", 10240, {"--f", "raw", "if=in.raw", "of=out.img"}, 1, {"option-ambiguous"}},
	{"7.2", 10240, {"if=in.raw", "of=out.img", "-f"}, 1, {"option-needs-argument"}},
	{"10.0", 10240, {"--force-share=1", "if=in.raw", "of=out.img"}, 1, {"option-takes-no-argument"}},
	{"7.2", 10240, {"-h"}, 0, {"help"}},
	{"7.2", 10240, {"--object", "x=1", "if=in.raw", "of=out.img"}, 1, {"object-invalid"}},
	{"7.2", 10240, {"foo", "if=in.raw", "of=out.img"}, 1, {"operand-unknown"}},
	{"5.2", 10240, {"bs=1x", "if=in.raw", "of=out.img"}, 1, {"number-parse-strtod"}},
	{"7.2", 10240, {"bs=1x", "if=in.raw", "of=out.img"}, 1, {"number-parse-u64"}},
	{"11.1", 10240, {"bs=1x", "if=in.raw", "of=out.img"}, 1, {"number-parse-uint"}},
	{"10.0", 10240, {"count=1k", "if=in.raw", "of=out.img"}, 1, {"number-parse-strtou64"}},
	{"7.2", 10240, {"bs=0", "if=in.raw", "of=out.img"}, 1, {"number-range"}},
	{"7.2", 10240, {"bs=0x1k", "if=in.raw", "of=out.img"}, 0, {"hex-suffix-warning"}},
	{"7.2", 10240, {"if=in.raw"}, 1, {"need-if-of"}},
	{"10.0", 10240, {"--image-opts", "-f", "raw", "if=in.raw", "of=out.img"}, 1, {"image-opts-with-format"}},
	{"7.2", 10240, {"--image-opts", "if=in.raw", "of=out.img"}, 1, {"image-opts-open"}},
	{"7.2", 10240, {"-f", "foo", "if=in.raw", "of=out.img"}, 1, {"input-unknown-driver"}},
	{"7.2", 10240, {"if=", "of=out.img"}, 1, {"input-empty-name"}},
	{"7.2", 10240, {"if=x:y", "of=out.img"}, 1, {"input-unknown-protocol"}},
	{"7.2", 10240, {"if=nope", "of=out.img"}, 1, {"input-path"}},
	{"7.2", 10240, {"-f", "qcow2", "if=in.raw", "of=out.img"}, 1, {"input-format-mismatch"}},
	{"7.2", -1, {"-f", "raw", "skip=1", "if=in.qcow2", "of=out.img"}, 0,
	 {"input-read-as-raw", "window-input-sectors", "window-skip"}},
	{"7.2", 10240, {"-O", "foo", "if=in.raw", "of=out.img"}, 1, {"output-unknown-format"}},
	{"7.2", 10240, {"if=in.raw", "of=x:y"}, 1, {"output-unknown-protocol"}},
	{"7.2", 10240, {"-O", "dmg", "if=in.raw", "of=out.img"}, 1, {"output-no-create"}},
	{"7.2", 10240, {"-O", "luks", "if=in.raw", "of=out.img"}, 1, {"output-create-fails"}},
	{"7.2", 10240, {"-O", "qcow2", "if=in.raw", "of="}, 1, {"output-path"}},
	{"7.2", 10241, {"if=in.raw", "of=out.img"}, 0, {"window-input-sectors"}},
	{"7.2", 10240, {"bs=1000", "count=3", "if=in.raw", "of=out.img"}, 0,
	 {"window-count-caps-end", "round-512"}},
	{"7.2", 10240, {"bs=1M", "count=9223372036854775807", "if=in.raw", "of=out.img"}, 0,
	 {"window-count-overflow"}},
	{"7.2", 10240, {"skip=1", "if=in.raw", "of=out.img"}, 0, {"window-skip"}},
	{"7.2", 10240, {"skip=100", "if=in.raw", "of=out.img"}, 0,
	 {"window-skip-past-eof", "window-empty"}},
	{"7.2", 3298534883328, {"-O", "vpc", "if=in.raw", "of=out.img"}, 1, {"vhd-too-large"}},
	{"7.2", 10240, {"-O", "qcow", "count=0", "if=in.raw", "of=out.img"}, 1,
	 {"window-count-caps-end", "window-empty", "zero-create-fails"}},
	{"7.2", 10240, {"-O", "vmdk", "count=0", "if=in.raw", "of=out.img"}, 1,
	 {"window-count-caps-end", "window-empty", "zero-reopen-fails"}},
	{"7.2", 10240, {"-O", "vpc", "bs=1000", "count=3", "if=in.raw", "of=out.img"}, 0,
	 {"window-count-caps-end", "vhd-chs"}},
	{"7.2", 10240, {"-O", "vhdx", "if=in.raw", "of=out.img"}, 0, {"vhdx-block-size"}},
	/* An empty VHD (0/0/0) is above no floor. */
	{"7.2", 10240, {"-O", "vpc", "count=0", "if=in.raw", "of=out.img"}, 0,
	 {"window-count-caps-end", "window-empty", "vhd-chs"}},
	/* info reads 877/7/17 back as 53433856; calculate_geometry(104363) is 1023/6/17 */
	{"7.2", 62914560, {"-O", "vpc", "bs=53426688", "count=1", "if=in.raw", "of=out.img"}, 0,
	 {"window-count-caps-end", "vhd-chs", "vhd-chs-above-floor"}},
};

static void rules_rows(void **state)
{
	int reached[DDP_RULE__COUNT] = {0};
	(void)state;

	for (size_t i = 0; i < N_ROWS(rows); i++) {
		/* -1: the 1 MiB qcow2, whose file is 196616 bytes. */
		ddp_input in = rows[i].size < 0
		               ? (ddp_input){1048576, "qcow2", "in.qcow2", 196616}
		               : (ddp_input){rows[i].size, "raw", "in.raw", rows[i].size};
		ddp_outcome o;
		ddp_error err;
		int argc = 0, nrules = 0;

		while (rows[i].argv[argc])
			argc++;
		assert_int_equal(ddp_predict(&o, profile_named(rows[i].profile), &in, argc,
		                             rows[i].argv, &err), DDP_OK);
		assert_int_equal(o.exit_code, rows[i].exit_code);
		while (nrules < 4 && rows[i].rules[nrules])
			nrules++;
		if ((int)o.nrules != nrules)
			fail_msg("row %zu (%s): %zu rules, expected %d (first: %s)", i, rows[i].argv[0],
			         o.nrules, nrules, o.nrules ? ddp_rule_id(o.rules[0]) : "none");
		for (int r = 0; r < nrules; r++) {
			assert_string_equal(ddp_rule_id(o.rules[r]), rows[i].rules[r]);
			reached[o.rules[r]] = 1;
		}
		/* A failing run ends on the rule that failed it. */
		assert_int_equal(o.exit_code == 1, nrules && ddp_rule_fails(o.rules[nrules - 1]));
	}
	for (int r = 0; r < DDP_RULE__COUNT; r++)
		if (!reached[r])
			fail_msg("no row reaches rule %s", ddp_rule_id(r));
}

/*
 * The marks: how a case was spelled and where its sizes fell.  Each row's
 * exit code is what 7.2.22 did with in.raw of that length (every row but
 * one was run); the marks are the model's reading of it, the whole set.  Every
 * mark is set by at least one row.
 */
static const struct {
	int64_t size;
	const char *argv[8];
	int exit_code;
	const char *marks[6];
} mark_rows[] = {
	{10240, {"-UO", "qcow2", "if=in.raw", "of=out.img"}, 0, {"option-cluster", "size-sector-exact"}},
	{10240, {"-Oqcow2", "if=in.raw", "of=out.img"}, 0, {"option-attached", "size-sector-exact"}},
	{10240, {"--force", "if=in.raw", "of=out.img"}, 0, {"option-long-prefix", "size-sector-exact"}},
	{10240, {"--object=x=1", "if=in.raw", "of=out.img"}, 1, {"option-long-eq"}},
	{10240, {"-f", "raw", "-f", "raw", "if=in.raw", "of=out.img"}, 0,
	 {"option-repeated", "size-sector-exact"}},
	{10240, {"if=in.raw", "-U", "of=out.img"}, 0, {"option-permuted", "size-sector-exact"}},
	{10240, {"-u", "if=in.raw", "of=out.img"}, 1, {"option-case"}},
	{10240, {"--Force-share", "if=in.raw", "of=out.img"}, 1, {"option-case"}},
	{10240, {"if=in.raw", "of=out.img", "--", "bs=1k"}, 0,
	 {"dashdash", "number-suffix", "number-suffix-lower", "size-sector-exact"}},
	{10240, {"if=in.raw", "of=out.img", "--", "-U"}, 1, {"dashdash", "dashdash-dash"}},
	{10240, {"bs=1k", "bs=2k", "if=in.raw", "of=out.img"}, 0,
	 {"operand-repeated", "number-suffix", "number-suffix-lower", "size-sector-exact"}},
	{10240, {"if=in.raw", "of=o=ut.img"}, 0, {"operand-value-eq", "size-sector-exact"}},
	{10240, {"count=", "if=in.raw", "of=out.img"}, 1, {"operand-empty-value"}},
	{10240, {"c=1", "if=in.raw", "of=out.img"}, 1, {"key-abbrev"}},
	{10240, {"counts=1", "if=in.raw", "of=out.img"}, 1, {"key-extended"}},
	{10240, {"BS=1k", "if=in.raw", "of=out.img"}, 1, {"key-case"}},
	{10240, {"cuont=1", "if=in.raw", "of=out.img"}, 1, {"key-near"}},
	{10240, {" bs=1k", "if=in.raw", "of=out.img"}, 1, {"key-blank"}},
	{10240, {"bs= 1k", "if=in.raw", "of=out.img"}, 0,
	 {"number-blank", "number-suffix", "number-suffix-lower", "size-sector-exact"}},
	{10240, {"bs=+1k", "if=in.raw", "of=out.img"}, 0,
	 {"number-sign", "number-suffix", "number-suffix-lower", "size-sector-exact"}},
	{10240, {"bs=0x200", "if=in.raw", "of=out.img"}, 0, {"number-hex", "size-sector-exact"}},
	{10240, {"count=010", "if=in.raw", "of=out.img"}, 0, {"number-zero-lead", "size-sector-exact"}},
	{10240, {"bs=1.5k", "if=in.raw", "of=out.img"}, 0,
	 {"number-fraction", "number-suffix", "number-suffix-lower", "window-partial-block",
	  "size-sector-exact"}},
	{10240, {"bs=1e3", "if=in.raw", "of=out.img"}, 1, {"number-exponent"}},
	{10240, {"bs=1K", "if=in.raw", "of=out.img"}, 0, {"number-suffix", "size-sector-exact"}},
	{10240, {"bs=512b", "if=in.raw", "of=out.img"}, 0,
	 {"number-suffix", "number-suffix-lower", "number-suffix-bytes", "size-sector-exact"}},
	{10240, {"count=0", "if=in.raw", "of=out.img"}, 0, {"number-zero"}},
	{10240, {"bs=2147483647", "if=in.raw", "of=out.img"}, 0,
	 {"number-max", "window-partial-block", "window-one-block", "size-sector-exact"}},
	{10240, {"bs=1k", "count=10", "if=in.raw", "of=out.img"}, 0,
	 {"number-suffix", "number-suffix-lower", "window-count-at-end", "size-sector-exact"}},
	{10240, {"bs=1k", "skip=10", "if=in.raw", "of=out.img"}, 0,
	 {"number-suffix", "number-suffix-lower", "window-skip-at-end"}},
	{10240, {"bs=1000", "count=1", "if=in.raw", "of=out.img"}, 0, {"window-one-block"}},
	/* 5000 bytes read as 5120: skip 5120 is the end (no warning), count 5100 caps it. */
	{5000, {"skip=10", "if=in.raw", "of=out.img"}, 0, {"window-skip-at-end", "window-skip-in-tail"}},
	{5000, {"bs=100", "count=51", "if=in.raw", "of=out.img"}, 0, {"window-count-in-tail"}},
	{10240, {"-O", "vpc", "if=in.raw", "of=out.img"}, 0, {"size-sector-exact", "vhd-spt-17"}},
	/* 69631 sectors: the search begins on 4 heads and ends on 820/5/17. */
	{35651072, {"-O", "vpc", "if=in.raw", "of=out.img"}, 0,
	 {"size-sector-exact", "vhd-searched", "vhd-spt-17"}},
	/* 1032/16/63 exactly; 17 and 31 sectors run out of cylinders first. */
	{532611072, {"-O", "vpc", "if=in.raw", "of=out.img"}, 0,
	 {"size-sector-exact", "vhd-exact", "vhd-spt-63"}},
	/* 400000 sectors: 807/16/31 (204939264 bytes, as info read it back). */
	{204800000, {"-O", "vpc", "if=in.raw", "of=out.img"}, 0,
	 {"size-sector-exact", "vhd-spt-31"}},
	/* Not run (a 32 GiB copy): the exit code is the model's. */
	{34359738368, {"-O", "vpc", "if=in.raw", "of=out.img"}, 0,
	 {"size-sector-exact", "vhd-spt-255"}},
	{1073741824, {"-O", "vhdx", "if=in.raw", "of=out.img"}, 0,
	 {"size-sector-exact", "vhdx-tier-edge"}},
};

static void marks_rows(void **state)
{
	uint64_t reached = 0;
	(void)state;

	for (size_t i = 0; i < N_ROWS(mark_rows); i++) {
		ddp_input in = {mark_rows[i].size, "raw", "in.raw", mark_rows[i].size};
		uint64_t want = 0;
		ddp_outcome o;
		ddp_error err;
		int argc = 0;

		while (mark_rows[i].argv[argc])
			argc++;
		assert_int_equal(ddp_predict(&o, profile_named("7.2"), &in, argc, mark_rows[i].argv, &err),
		                 DDP_OK);
		assert_int_equal(o.exit_code, mark_rows[i].exit_code);
		for (int m = 0; m < 6 && mark_rows[i].marks[m]; m++) {
			int found = -1;
			for (int k = 0; k < DDP_MARK__COUNT; k++)
				if (!strcmp(ddp_mark_id(k), mark_rows[i].marks[m]))
					found = k;
			if (found < 0)
				fail_msg("mark row %zu: no mark %s", i, mark_rows[i].marks[m]);
			want |= (uint64_t)1 << found;
		}
		if (o.marks != want)
			for (int k = 0; k < DDP_MARK__COUNT; k++)
				if ((o.marks ^ want) >> k & 1)
					fail_msg("mark row %zu (%s): %s %s", i, mark_rows[i].argv[0], ddp_mark_id(k),
					         o.marks >> k & 1 ? "set, not expected" : "expected, not set");
		reached |= o.marks;
	}
	for (int k = 0; k < DDP_MARK__COUNT; k++)
		if (!(reached >> k & 1))
			fail_msg("no row sets mark %s", ddp_mark_id(k));
	assert_null(ddp_mark_id(DDP_MARK__COUNT));
}

static void rules_table(void **state)
{
	(void)state;
	for (int r = 0; r < DDP_RULE__COUNT; r++) {
		assert_non_null(ddp_rule_id(r));
		assert_non_null(ddp_rule_text(r));
		assert_int_equal(ddp_rule_lookup(ddp_rule_id(r)), r);
	}
	assert_null(ddp_rule_id(DDP_RULE__COUNT));
	assert_int_equal(ddp_rule_lookup("no-such-rule"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules_rows),
		cmocka_unit_test(rules_table),
		cmocka_unit_test(marks_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
