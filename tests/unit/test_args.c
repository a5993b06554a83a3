/*
 * The arguments of qemu-img dd: getopt_long with glibc's permutation, then
 * the operands.  Each row is what Debian's qemu-img 7.2.22 printed.
 */
#include "testutil.h"

#define MAXA 8

static const struct {
	const char *argv[MAXA];
	int exit_code;
	const char *lines[4];
} rows[] = {
	{{"-xU", "if=a", "of=b"}, 1,
	 {"qemu-img: unrecognized option 'dd'", "Try 'qemu-img --help' for more information"}},
	{{"-Ux", "if=a", "of=b"}, 1,
	 {"qemu-img: unrecognized option '-Ux'", "Try 'qemu-img --help' for more information"}},
	{{"if=a", "-U", "-xU", "of=b"}, 1,
	 {"qemu-img: unrecognized option 'if=a'", "Try 'qemu-img --help' for more information"}},
	{{"--foo", "if=a", "of=b"}, 1,
	 {"qemu-img: unrecognized option '--foo'", "Try 'qemu-img --help' for more information"}},
	{{"--force-share=1", "if=a", "of=b"}, 1,
	 {"qemu-img: unrecognized option '--force-share=1'", "Try 'qemu-img --help' for more information"}},
	{{"if=a", "of=b", "-O"}, 1,
	 {"qemu-img: missing argument for option '-O'", "Try 'qemu-img --help' for more information"}},
	{{"if=a", "of=b", "-UO"}, 1,
	 {"qemu-img: missing argument for option '-UO'", "Try 'qemu-img --help' for more information"}},
	{{"bs=x", "-Z"}, 1,
	 {"qemu-img: unrecognized option '-Z'", "Try 'qemu-img --help' for more information"}},
	{{"=5", "if=a"}, 1, {"qemu-img: unrecognized operand "}},
	{{"bs==5", "if=a"}, 1,
	 {"qemu-img: Invalid bs specified. You may use k, M, G, T, P or E suffixes for",
	  "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes."}},
	{{"if", "of=b"}, 1, {"qemu-img: unrecognized operand if"}},
	{{"seek=1", "if=a", "of=b"}, 1, {"qemu-img: unrecognized operand seek"}},
	{{"if=a", "of=b", "--", "-O"}, 1, {"qemu-img: unrecognized operand -O"}},
	{{"if=a", "of=b", "-"}, 1, {"qemu-img: unrecognized operand -"}},
	{{"if=a"}, 1, {"qemu-img: Must specify both input and output files"}},
	{{"bs=0", "if=a", "of=b"}, 1,
	 {"qemu-img: Invalid bs specified. Must be between 1 and 2147483647."}},
	{{"count=99999999999999999999", "if=a", "of=b"}, 1,
	 {"qemu-img: Invalid count specified. Must be between 0 and 9223372036854775807."}},
	{{"bs=0x10kk", "if=a", "of=b"}, 1,
	 {"qemu-img: warning: Using a multiplier suffix on hex numbers is deprecated: 0x10kk",
	  "qemu-img: Invalid bs specified. You may use k, M, G, T, P or E suffixes for",
	  "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes."}},
	{{"if=a", "of=b", "-h"}, 0, {NULL}},
	{{"-O", "raw", "--", "if=a", "of=b", "-O", "qcow2"}, 1,
	 {"qemu-img: unrecognized operand -O"}},
};

static void args_rows(void **state)
{
	const ddp_profile *p = profile_named("7.2");
	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
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
			fail_msg("row %zu (%s ...): exit %d with %zu lines, want %d with %zu", i,
			         rows[i].argv[0], o.exit_code, o.nmsgs, rows[i].exit_code, n);
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

static void args_object_is_unmodelled(void **state)
{
	const char *argv[] = {"--object", "secret,id=s0,data=x", "if=a", "of=b"};
	ddp_request req;
	ddp_outcome o;
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_parse_args(&req, &o, profile_named("7.2"), 4, argv, &err),
	                 DDP_EUNMODELLED);
	assert_non_null(strstr(err.message, "--object"));
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
		cmocka_unit_test(render_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
