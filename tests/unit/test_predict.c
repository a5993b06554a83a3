/*
 * ddp_predict end to end: the acceptance cases, and per-version
 * texts.  Each row is what a real Debian qemu-img did with a 10240-byte
 * in.raw in a directory holding nothing else; the profile column names the
 * build (5.2: 5.2.0; 7.2: 7.2.22; 10.0: 10.0.2 and 10.0.13; 11.1: 11.1.3).
 */
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
	/* a ':' first is the empty protocol (found by a 300 s campaign of 7.2.22 against its model) */
	{"7.2", {"if=in.raw", "of=:ut.img"}, 1, 0, {"qemu-img: Unknown protocol ''"}},
	{"11.1", {"if=:x", "of=out.img"}, 1, 0, {"qemu-img: Could not open ':x': Unknown protocol ''"}},
	{"7.2", {"if=x:y", "of=out.img"}, 1, 0, {"qemu-img: Could not open 'x:y': Unknown protocol 'x'"}},
	{"7.2", {"if=", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open '': The 'file' block driver requires a file name"}},
	{"7.2", {"if=nope", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'nope': Could not open 'nope': No such file or directory"}},
	{"7.2", {"-f", "qcow2", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'in.raw': Image is not in qcow2 format"}},
	{"7.2", {"-f", "foo", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'in.raw': Unknown driver 'foo'"}},
	/* Formats per version. */
	{"5.2", {"-O", "parallels", "if=in.raw", "of=out.img"}, 1, 0, {"qemu-img: Unknown file format"}},
	{"7.2", {"-O", "parallels", "if=in.raw", "of=out.img"}, 0, 10240, {NULL}},
	{"5.2", {"-f", "parallels", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'in.raw': Unknown driver 'parallels'"}},
	{"5.2", {"-O", "preallocate", "if=in.raw", "of=out.img"}, 1, 0, {"qemu-img: Unknown file format"}},
	{"10.0", {"-O", "preallocate", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Format driver 'preallocate' does not support image creation"}},
	{"11.1", {"-O", "gluster", "if=in.raw", "of=out.img"}, 1, 0, {"qemu-img: Unknown file format"}},
	{"7.2", {"-O", "nbd", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: out.img: error while creating output image: Protocol driver 'nbd' does not "
	  "support image creation, and opening the image failed: File name string for NBD must "
	  "start with 'nbd:'"}},
	{"10.0", {"-O", "nvme", "if=in.raw", "of=."}, 1, 0,
	 {"qemu-img: .: error while creating output image: Protocol driver 'nvme' does not support "
	  "creating new images, so an existing image must be selected as the target; however, "
	  "opening the given target as an existing image failed: 'device' option is required"}},
	{"11.1", {"-O", "luks", "if=in.raw", "of="}, 1, 0,
	 {"qemu-img: : error while creating output image: Could not create '': No such file or directory"}},
	{"5.2", {"-O", "vmdk", "if=in.raw", "of="}, 1, 0,
	 {"qemu-img: : error while creating output image: No filename provided"}},
	{"7.2", {"-O", "qcow2", "if=in.raw", "of="}, 1, 0,
	 {"qemu-img: : error while creating output image: Could not create '': No such file or directory"}},
	/* --image-opts */
	{"5.2", {"--image-opts", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'in.raw': Cannot find device=in.raw nor node_name=in.raw"}},
	{"11.1", {"--image-opts", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'in.raw': Cannot find device='in.raw' nor node-name='in.raw'"}},
	{"10.0", {"--image-opts", "-f", "raw", "if=in.raw", "of=out.img"}, 1, 0,
	 {"qemu-img: --image-opts and --format are mutually exclusive"}},
	/* Paths, in a directory holding the input only. */
	{"5.2", {"if=.", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open '.': A regular file was expected by the 'file' driver, but "
	  "something else was given"}},
	{"10.0", {"-f", "qcow2", "if=./", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open './': 'file' driver requires './' to be a regular file"}},
	{"7.2", {"if=in.raw/", "of=out.img"}, 1, 0,
	 {"qemu-img: Could not open 'in.raw/': Could not open 'in.raw/': Not a directory"}},
	{"7.2", {"if=.//in.raw", "of=./out.img"}, 0, 10240, {NULL}},
	{"11.1", {"if=in.raw", "of=sub/../out.img"}, 1, 0,
	 {"qemu-img: sub/../out.img: error while creating output image: Could not create "
	  "'sub/../out.img': No such file or directory"}},
	{"5.2", {"-O", "qcow2", "if=in.raw", "of=."}, 1, 0,
	 {"qemu-img: .: error while creating output image: Could not create '.': Is a directory"}},
	{"10.0", {"if=in.raw", "of=out.img/"}, 1, 0,
	 {"qemu-img: out.img/: error while creating output image: Could not create 'out.img/': "
	  "Is a directory"}},
	{"10.0", {"if=in.raw", "of=in.raw/x"}, 1, 0,
	 {"qemu-img: in.raw/x: error while creating output image: Could not create 'in.raw/x': "
	  "Not a directory"}},
	/* Numbers through to the window: 10.0 reads count in base 0. */
	{"10.0", {"bs=512", "count=010", "if=in.raw", "of=out.img"}, 0, 4096, {NULL}},
	{"11.1", {"bs=512", "count=010", "if=in.raw", "of=out.img"}, 0, 5120, {NULL}},
	{"5.2", {"bs=1.0005k", "count=1", "if=in.raw", "of=out.img"}, 0, 1024, {NULL}},
	{"7.2", {"bs=1.0005k", "count=1", "if=in.raw", "of=out.img"}, 0, 1536, {NULL}},
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

/* -f naming another format than the file's (all five alike, parallels aside). */
static const struct {
	const char *profile, *real, *name;
	int64_t length, file_length;
	const char *fmt;
	const char *line; /* NULL: unmodelled */
} mismatch_rows[] = {
	{"7.2", "raw", "e.raw", 0, 0, "vmdk", "qemu-img: Could not open 'e.raw': File is too small, not a valid image"},
	{"10.0", "raw", "e.raw", 0, 0, "vpc", "qemu-img: Could not open 'e.raw': File too small for a VHD header"},
	{"5.2", "raw", "t.raw", 3, 3, "vmdk", "qemu-img: Could not open 't.raw': invalid VMDK image descriptor"},
	{"11.1", "raw", "s.raw", 511, 511, "vpc", "qemu-img: Could not open 's.raw': invalid VPC image"},
	{"7.2", "raw", "e.raw", 0, 0, "vhdx",
	 "qemu-img: Could not open 'e.raw': Could not open 'e.raw': Invalid argument"},
	{"7.2", "vmdk", "in.vmdk", 1048576, 196608, "vpc", "qemu-img: Could not open 'in.vmdk': invalid VPC image"},
	{"10.0", "vhdx", "in.vhdx", 1048576, 8388608, "qcow", "qemu-img: Could not open 'in.vhdx': Image not in qcow format"},
	{"11.1", "vpc", "in.vpc", 1079296, 1083904, "parallels",
	 "qemu-img: Could not open 'in.vpc': Image not in Parallels format"},
	{"5.2", "vpc", "in.vpc", 1079296, 1083904, "parallels",
	 "qemu-img: Could not open 'in.vpc': Unknown driver 'parallels'"},
	{"7.2", "qcow2", "in.qcow2", 1048576, 393216, "qcow", NULL},
	{"7.2", "vmdk", "in.vmdk", 1048576, 196608, "vdi", NULL},
};

static void predict_open_mismatch(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(mismatch_rows); i++) {
		const ddp_profile *p = profile_named(mismatch_rows[i].profile);
		ddp_input in = {mismatch_rows[i].length, mismatch_rows[i].real, mismatch_rows[i].name,
		                mismatch_rows[i].file_length};
		char ifarg[64], line[512];
		const char *argv[] = {"-f", mismatch_rows[i].fmt, ifarg, "of=out.img"};
		ddp_outcome o;
		ddp_error err;
		int rc;

		snprintf(ifarg, sizeof(ifarg), "if=%s", mismatch_rows[i].name);
		rc = ddp_predict(&o, p, &in, 4, argv, &err);
		if (!mismatch_rows[i].line) {
			assert_int_equal(rc, DDP_EUNMODELLED);
			continue;
		}
		assert_int_equal(rc, DDP_OK);
		assert_int_equal(o.exit_code, 1);
		assert_int_equal(o.nmsgs, 1);
		ddp_msg_render(line, sizeof(line), &o.msgs[0], p);
		if (strcmp(line, mismatch_rows[i].line))
			fail_msg("row %zu: '%s', want '%s'", i, line, mismatch_rows[i].line);
	}
}

/*
 * of= longer than a path may be (each a real run, every version alike): the
 * error names the whole name, but vmdk's names the part it created, cut to
 * PATH_MAX - 1 bytes.  Found by a 300 s campaign of 10.0.13 against its model.
 */
static const struct {
	const char *profile, *fmt;
	size_t len;     /* of='s length: that many 'a' */
	size_t named;   /* the length "Could not create '...'" names */
} long_name_rows[] = {
	{"7.2", "vmdk", 4095, 4095}, {"7.2", "vmdk", 4096, 4095}, {"5.2", "vmdk", 5000, 4095},
	{"10.0", "vmdk", 65536, 4095}, {"11.1", "vmdk", 5000, 4095},
	{"7.2", "raw", 4096, 4096}, {"10.0", "qcow2", 5000, 5000}, {"11.1", "vpc", 5000, 5000},
};

static void predict_long_output_name(void **state)
{
	static char name[65536 + 4];
	(void)state;
	for (size_t i = 0; i < N_ROWS(long_name_rows); i++) {
		const ddp_profile *p = profile_named(long_name_rows[i].profile);
		const char *argv[] = {"-O", long_name_rows[i].fmt, "if=in.raw", name};
		ddp_input in = {512, "raw", "in.raw", 512};
		size_t len = long_name_rows[i].len, named = long_name_rows[i].named;
		static char line[2 * 65536 + 256], want[2 * 65536 + 256];
		ddp_outcome o;
		ddp_error err;
		int n;

		memcpy(name, "of=", 3);
		memset(name + 3, 'a', len);
		name[3 + len] = '\0';
		if (ddp_predict(&o, p, &in, 4, argv, &err))
			fail_msg("row %zu: %s", i, err.message);
		assert_int_equal(o.exit_code, 1);
		assert_int_equal(o.nmsgs, 1);
		ddp_msg_render(line, sizeof(line), &o.msgs[0], p);
		n = snprintf(want, sizeof(want), "qemu-img: %s: error while creating output image: "
		             "Could not create '%.*s': File name too long", name + 3, (int)named, name + 3);
		assert_true(n > 0);
		if (strcmp(line, want))
			fail_msg("row %zu (%s, %zu bytes): the error names %zu bytes", i, long_name_rows[i].fmt,
			         len, strlen(line) - strlen(want) + named);
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
		cmocka_unit_test(predict_open_mismatch),
		cmocka_unit_test(predict_long_output_name),
		cmocka_unit_test(predict_vpc_geometry),
		cmocka_unit_test(predict_rejects_bad_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
