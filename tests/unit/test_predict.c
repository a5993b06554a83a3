/* ddp_predict end to end: the acceptance cases, and per-version texts. */
#include "testutil.h"

static const struct {
	const char *profile;
	const char *argv[8];
	int exit_code;
	uint64_t vsize; /* when exit 0 */
	const char *lines[3];
} rows[] = {
	{"7.2", {"-O", "vpc", "bs=1000", "count=3", "if=in.raw", "of=out.img"}, 0, 34816, {NULL}},
	{"7.2", {"-O", "vmdk", "count=0", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'out.img': Unsupported image type 'monolithicSparse'"}},
	{"7.2", {"bs=0x10k", "count=0", "if=in.raw", "of=out.img"}, 0, 0,
	 {"qemu-img: warning: Using a multiplier suffix on hex numbers is deprecated: 0x10k"}},
	{"10.0", {"bs=0x10k", "count=0", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Invalid bs specified: '0x10k'."}},
	{"7.2", {"bs=-1", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Invalid bs specified. You may use k, M, G, T, P or E suffixes for",
	  "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes."}},
	{"7.2", {"skip=100", "if=in.raw", "of=out.img"}, 0, 0,
	 {"qemu-img: in.raw: cannot skip to specified offset"}},
	{"7.2", {"-O", "qcow", "count=0", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: out.img: error while creating output image: Image size is too small, cannot be zero length"}},
	{"7.2", {"-O", "foo", "if=in.raw", "of=out.img"}, 1, 0, {"qemu-img: Unknown file format"}},
	{"7.2", {"-O", "dmg", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Format driver 'dmg' does not support image creation"}},
	{"7.2", {"if=in.raw", "of=x:y"}, 1, 0, {"qemu-img: Unknown protocol 'x'"}},
	{"7.2", {"if=x:y", "of=out.img"}, 1, 0, {"qemu-img: Could not open 'x:y': Unknown protocol 'x'"}},
	{"7.2", {"if=", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open '': The 'file' block driver requires a file name"}},
	{"7.2", {"if=nope", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'nope': Could not open 'nope': No such file or directory"}},
	{"7.2", {"-f", "qcow2", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'in.raw': Image is not in qcow2 format"}},
	{"7.2", {"-f", "foo", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'in.raw': Unknown driver 'foo'"}},
};

static void predict_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		const ddp_profile *p = profile_named(rows[i].profile);
		ddp_input in = {10240, "raw", "in.raw", 10240};
		ddp_outcome o;
		ddp_error err;
		int argc = 0;
		size_t n = 0;

		while (argc < 8 && rows[i].argv[argc])
			argc++;
		while (n < 3 && rows[i].lines[n])
			n++;
		if (ddp_predict(&o, p, &in, argc, rows[i].argv, &err))
			fail_msg("row %zu: %s", i, err.message);
		if (o.exit_code != rows[i].exit_code || o.nmsgs != n ||
		    (o.exit_code == 0 && o.virtual_size != rows[i].vsize))
			fail_msg("row %zu: exit %d, %zu lines, size %llu", i, o.exit_code, o.nmsgs,
			         (unsigned long long)o.virtual_size);
		for (size_t l = 0; l < n; l++) {
			char line[512];
			ddp_msg_render(line, sizeof(line), &o.msgs[l], p);
			if (strcmp(line, rows[i].lines[l]))
				fail_msg("row %zu line %zu: '%s', want '%s'", i, l, line, rows[i].lines[l]);
		}
	}
}

static void predict_vpc_geometry(void **state)
{
	const char *argv[] = {"-O", "vpc", "bs=1000", "count=3", "if=in.raw", "of=out.img"};
	ddp_input in = {10240, NULL, NULL, -1};
	ddp_outcome o;

	(void)state;
	assert_int_equal(ddp_predict(&o, profile_named("7.2"), &in, 6, argv, NULL), DDP_OK);
	assert_true(o.has_chs);
	assert_int_equal(o.chs.cyls, 1);
	assert_int_equal(o.chs.heads, 4);
	assert_int_equal(o.chs.secs, 17);
	assert_int_equal(o.window.out_size, 3000);
	assert_int_equal(o.cluster_size, 2097152);
}

static void predict_rejects_bad_calls(void **state)
{
	ddp_input in = {-5, NULL, NULL, -1};
	ddp_outcome o;
	ddp_error err;
	const char *argv[] = {"if=a", "of=b"};

	(void)state;
	assert_int_equal(ddp_predict(&o, profile_named("7.2"), &in, 2, argv, &err), DDP_EINVAL);
	assert_string_equal(err.source, "input");
	assert_int_equal(ddp_predict(NULL, NULL, NULL, 0, NULL, &err), DDP_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(predict_rows),
		cmocka_unit_test(predict_vpc_geometry),
		cmocka_unit_test(predict_rejects_bad_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
