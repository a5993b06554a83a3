/*
 * The arguments of qemu-img dd: getopt_long with glibc's permutation, then
 * the operands.  Each row is what a real Debian qemu-img printed: the
 * profile column names the build (5.2: 5.2.0; 7.2: 7.2.22; 10.0: 10.0.2
 * and 10.0.13; 11.1: 11.1.3).
 */
#include "testutil.h"

#define MAXA 8

#define TRY_OLD "Try 'qemu-img --help' for more information"
#define TRY_10 "Try 'qemu-img dd --help' for more info"
#define TRY_11 "Try 'qemu-img dd --help' for more information"
#define P2_A "qemu-img: Invalid bs specified. You may use k, M, G, T, P or E suffixes for"
#define P2_B "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes."

static const struct {
	const char *profile;
	const char *argv[MAXA];
	int exit_code;
	const char *lines[4];
} rows[] = {
	{"7.2", {"-xU", "if=a", "of=b"}, 1, {"qemu-img: unrecognized option 'dd'", TRY_OLD}},
	{"7.2", {"-Ux", "if=a", "of=b"}, 1, {"qemu-img: unrecognized option '-Ux'", TRY_OLD}},
	{"7.2", {"if=a", "-U", "-xU", "of=b"}, 1, {"qemu-img: unrecognized option 'if=a'", TRY_OLD}},
	{"7.2", {"--foo", "if=a", "of=b"}, 1, {"qemu-img: unrecognized option '--foo'", TRY_OLD}},
	{"7.2", {"--force-share=1", "if=a", "of=b"}, 1,
	 {"qemu-img: unrecognized option '--force-share=1'", TRY_OLD}},
	{"7.2", {"if=a", "of=b", "-O"}, 1, {"qemu-img: missing argument for option '-O'", TRY_OLD}},
	{"7.2", {"if=a", "of=b", "-UO"}, 1, {"qemu-img: missing argument for option '-UO'", TRY_OLD}},
	{"7.2", {"bs=x", "-Z"}, 1, {"qemu-img: unrecognized option '-Z'", TRY_OLD}},
	{"7.2", {"=5", "if=a"}, 1, {"qemu-img: unrecognized operand "}},
	{"7.2", {"bs==5", "if=a"}, 1, {P2_A, P2_B}},
	{"7.2", {"if", "of=b"}, 1, {"qemu-img: unrecognized operand if"}},
	{"7.2", {"seek=1", "if=a", "of=b"}, 1, {"qemu-img: unrecognized operand seek"}},
	{"7.2", {"if=a", "of=b", "--", "-O"}, 1, {"qemu-img: unrecognized operand -O"}},
	{"7.2", {"if=a", "of=b", "-"}, 1, {"qemu-img: unrecognized operand -"}},
	{"7.2", {"if=a"}, 1, {"qemu-img: Must specify both input and output files"}},
	{"7.2", {"bs=0", "if=a", "of=b"}, 1,
	 {"qemu-img: Invalid bs specified. Must be between 1 and 2147483647."}},
	{"7.2", {"count=99999999999999999999", "if=a", "of=b"}, 1,
	 {"qemu-img: Invalid count specified. Must be between 0 and 9223372036854775807."}},
	{"7.2", {"bs=0x10kk", "if=a", "of=b"}, 1,
	 {"qemu-img: warning: Using a multiplier suffix on hex numbers is deprecated: 0x10kk",
	  P2_A, P2_B}},
	{"7.2", {"if=a", "of=b", "-h"}, 0, {NULL}},
	{"7.2", {"-O", "raw", "--", "if=a", "of=b", "-O", "qcow2"}, 1,
	 {"qemu-img: unrecognized operand -O"}},
	{"7.2", {"--ob", "if=a", "of=b"}, 1, {"qemu-img: Parameter 'qom-type' is missing"}},
	{"7.2", {"--object", "Foo", "-x", "if=a", "of=b"}, 1,
	 {"qemu-img: Parameter 'qom-type' does not accept value 'Foo'"}},
	{"7.2", {"--fo=x", "if=a", "of=b"}, 1, {"qemu-img: unrecognized option '--fo=x'", TRY_OLD}},
	{"7.2", {"--output-format=qcow2", "if=a", "of=b"}, 1,
	 {"qemu-img: unrecognized option '--output-format=qcow2'", TRY_OLD}},
	/* 5.2: the same getopt texts; --object is created after the operands. */
	{"5.2", {"-Wfoo", "if=a", "of=b"}, 1, {"qemu-img: unrecognized option 'dd'", TRY_OLD}},
	{"5.2", {"--ob", "if=a", "of=b"}, 1, {"qemu-img: Must specify both input and output files"}},
	{"5.2", {"--object", "foo", "bs=x", "if=a", "of=b"}, 1, {P2_A, P2_B}},
	{"5.2", {"--object", "foo", "if=a", "of=b"}, 1, {"qemu-img: Parameter 'id' is missing"}},
	{"5.2", {"--object", "Foo", "-x", "if=a", "of=b"}, 1,
	 {"qemu-img: unrecognized option '-x'", TRY_OLD}},
	{"5.2", {"--object", "a b", "-h"}, 0, {NULL}},
	{"5.2", {"--object", "", "if=a", "of=b"}, 1, {"qemu-img: Parameter 'qom-type' is missing"}},
	/* 10.0: glibc prints getopt's errors, "more info"; count is an integer. */
	{"10.0", {"-xU", "if=a", "of=b"}, 1, {"qemu-img dd: invalid option -- 'x'", TRY_10}},
	{"10.0", {"-:", "if=a", "of=b"}, 1, {"qemu-img dd: invalid option -- ':'", TRY_10}},
	{"10.0", {"-Wfoo", "if=a", "of=b"}, 1, {"qemu-img dd: invalid option -- 'W'", TRY_10}},
	{"10.0", {"--foo=1", "if=a", "of=b"}, 1,
	 {"qemu-img dd: unrecognized option '--foo=1'", TRY_10}},
	{"10.0", {"--forc=1", "if=a", "of=b"}, 1,
	 {"qemu-img dd: option '--force-share' doesn't allow an argument", TRY_10}},
	{"10.0", {"--h=1", "if=a", "of=b"}, 1,
	 {"qemu-img dd: option '--help' doesn't allow an argument", TRY_10}},
	{"10.0", {"--f", "if=a", "of=b"}, 1,
	 {"qemu-img dd: option '--f' is ambiguous; possibilities: '--format' '--force-share'", TRY_10}},
	{"10.0", {"--o", "if=a", "of=b"}, 1,
	 {"qemu-img dd: option '--o' is ambiguous; possibilities: '--object' '--output-format'", TRY_10}},
	{"10.0", {"--=", "if=a", "of=b"}, 1,
	 {"qemu-img dd: option '--=' is ambiguous; possibilities: '--help' '--object' '--format' "
	  "'--output-format' '--image-opts' '--force-share'", TRY_10}},
	{"10.0", {"if=a", "of=b", "--out"}, 1,
	 {"qemu-img dd: option '--output-format' requires an argument", TRY_10}},
	{"10.0", {"if=a", "of=b", "--ob"}, 1,
	 {"qemu-img dd: option '--object' requires an argument", TRY_10}},
	{"10.0", {"if=a", "of=b", "-UO"}, 1,
	 {"qemu-img dd: option requires an argument -- 'O'", TRY_10}},
	{"10.0", {"--ou", "if=a", "of=b"}, 1, {"qemu-img: Must specify both input and output files"}},
	{"10.0", {"bs=x", "if=a", "of=b"}, 1, {"qemu-img: Invalid bs specified: 'x'."}},
	{"10.0", {"count=1k", "if=a", "of=b"}, 1, {"qemu-img: Invalid count specified: '1k'."}},
	{"10.0", {"skip=08", "if=a", "of=b"}, 1, {"qemu-img: Invalid skip specified: '08'."}},
	{"10.0", {"count=16E", "if=a", "of=b"}, 1, {"qemu-img: Invalid count specified: '16E'."}},
	{"10.0", {"count=-1", "if=a", "of=b"}, 1,
	 {"qemu-img: Invalid count specified. Must be between 0 and 9223372036854775807."}},
	{"10.0", {"bs=512\n", "if=a", "of=b"}, 1, {"qemu-img: Invalid bs specified: '512\n'."}},
	{"10.0", {"--object", "a b", "-h"}, 1,
	 {"qemu-img: Parameter 'qom-type' does not accept value 'a b'"}},
	/* 11.1: the merged series: reordered options, "more information", no period. */
	{"11.1", {"-x", "if=a", "of=b"}, 1, {"qemu-img dd: invalid option -- 'x'", TRY_11}},
	{"11.1", {"--o", "if=a", "of=b"}, 1,
	 {"qemu-img dd: option '--o' is ambiguous; possibilities: '--output-format' '--object'", TRY_11}},
	{"11.1", {"--=", "if=a", "of=b"}, 1,
	 {"qemu-img dd: option '--=' is ambiguous; possibilities: '--help' '--format' "
	  "'--image-opts' '--output-format' '--force-share' '--object'", TRY_11}},
	{"11.1", {"--image-opts=1", "if=a", "of=b"}, 1,
	 {"qemu-img dd: option '--image-opts' doesn't allow an argument", TRY_11}},
	{"11.1", {"bs=x", "if=a", "of=b"}, 1, {"qemu-img: Invalid bs specified: 'x'"}},
	{"11.1", {"count=1k", "if=a", "of=b"}, 0, {NULL}},
	{"11.1", {"--object", "if=a", "of=b"}, 1, {"qemu-img: Parameter 'qom-type' is missing"}},
};

static void args_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		const ddp_profile *p = profile_named(rows[i].profile);
		int argc = 0;
		ddp_request req;
		ddp_outcome o;
		size_t n = 0;

		while (argc < MAXA && rows[i].argv[argc])
			argc++;
		assert_int_equal(ddp_parse_args(&req, &o, p, argc, rows[i].argv, NULL), DDP_OK);
		while (n < 4 && rows[i].lines[n])
			n++;
		if (o.exit_code != rows[i].exit_code || o.nmsgs != n)
			fail_msg("row %zu (%s %s ...): exit %d with %zu lines, want %d with %zu", i,
			         rows[i].profile, rows[i].argv[0], o.exit_code, o.nmsgs,
			         rows[i].exit_code, n);
		for (size_t l = 0; l < n; l++) {
			char line[512];
			ddp_msg_render(line, sizeof(line), &o.msgs[l], p);
			if (strcmp(line, rows[i].lines[l]))
				fail_msg("row %zu line %zu: '%s', want '%s'", i, l, line, rows[i].lines[l]);
		}
	}
}

/* Options are permuted: -O after the operands still counts; the last wins. */
static void args_permutation_and_duplicates(void **state)
{
	const char *argv[] = {"bs=1k", "if=a", "-O", "qcow2", "bs=512", "of=b", "-Ovpc", "count=3"};
	ddp_request req;
	ddp_outcome o;

	(void)state;
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("7.2"), 8, argv, NULL), DDP_OK);
	assert_false(req.failed);
	assert_string_equal(req.out_fmt, "vpc");
	assert_int_equal(req.bs, 512);
	assert_true(req.has_count);
	assert_int_equal(req.count, 3);
	assert_string_equal(req.in_path, "a");
	assert_string_equal(req.out_path, "b");
}

/* An object definition, or a word that may name a QOM type, is the build's. */
static void args_object_is_unmodelled(void **state)
{
	const char *argv[] = {"--object", "secret,id=s0,data=x", "if=a", "of=b"};
	const char *word[] = {"--object", "foo", "if=a", "of=b"};
	ddp_request req;
	ddp_outcome o;
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("7.2"), 4, argv, &err),
	                 DDP_EUNMODELLED);
	assert_non_null(strstr(err.message, "--object"));
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("11.1"), 4, word, &err),
	                 DDP_EUNMODELLED);
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("5.2"), 4, word, &err), DDP_OK);
}

/*
 * 7.2 warns once per hex operand with a suffix: six warnings and the
 * two-line parse error fill an outcome; more are unmodelled, never cut.
 */
static void args_hex_warnings_fill_the_outcome(void **state)
{
	const char *argv[] = {"bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k",
	                      "bs=0x1k", "bs=0x1k", "bs=x", "if=a", "of=b"};
	ddp_request req;
	ddp_outcome o;
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("7.2"), 10, argv, &err),
	                 DDP_EUNMODELLED);
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("7.2"), 9, argv + 1, &err), DDP_OK);
	assert_int_equal(o.nmsgs, DDP_MAX_MSGS);
	assert_int_equal(o.msgs[6].id, DDP_MSG_INVALID_NUMBER);
}

/* 10.0 and 11.1 take --format and --output-format; the last -O wins. */
static void args_new_long_options(void **state)
{
	const char *argv[] = {"-O", "qcow2", "--output-format", "vpc", "--form=raw", "if=a", "of=b"};
	ddp_request req;
	ddp_outcome o;

	(void)state;
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("10.0"), 7, argv, NULL), DDP_OK);
	assert_false(req.failed);
	assert_string_equal(req.out_fmt, "vpc");
	assert_string_equal(req.in_fmt, "raw");
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("7.2"), 7, argv, NULL), DDP_OK);
	assert_true(req.failed);
}

/* The message renderer truncates like snprintf and reports the full length. */
static void render_truncates(void **state)
{
	const char *argv[] = {"averyveryverylongoperand"};
	ddp_request req;
	ddp_outcome o;
	char small[8];
	const ddp_profile *p = profile_named("7.2");

	(void)state;
	ddp_parse_args(&req, &o, p, 1, argv, NULL);
	assert_int_equal(ddp_msg_render(small, sizeof(small), &o.msgs[0], p),
	                 strlen("qemu-img: unrecognized operand averyveryverylongoperand"));
	assert_string_equal(small, "qemu-im");
	assert_int_equal(ddp_msg_render(NULL, 0, &o.msgs[0], p), 55);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(args_rows),
		cmocka_unit_test(args_permutation_and_duplicates),
		cmocka_unit_test(args_object_is_unmodelled),
		cmocka_unit_test(args_new_long_options),
		cmocka_unit_test(args_hex_warnings_fill_the_outcome),
		cmocka_unit_test(render_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
