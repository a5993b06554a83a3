/*
 * Rounding rules: VHD's CHS search, 512-byte sectors, vhdx block sizes.
 * Each row is an observation of qemu-img (the facts' verified pairs, and
 * runs of Debian's 7.2.22 in tests/integration).
 */
#include "testutil.h"

static const struct {
	uint64_t request, result;
	unsigned c, h, s;
} vhd_rows[] = {
	{0, 0, 0, 0, 0},
	{1, 34816, 1, 4, 17},
	{512, 34816, 1, 4, 17},
	{3000, 34816, 1, 4, 17},
	{34816, 34816, 1, 4, 17},
	{34817, 69632, 2, 4, 17},
	{65536, 69632, 2, 4, 17},
	{69632, 69632, 2, 4, 17},
	{131072, 139264, 4, 4, 17},
	{1048576, 1079296, 31, 4, 17},
	{10485760, 10514432, 302, 4, 17},
	{35651584, 35686400, 820, 5, 17},
	{35553280, 35581952, 1022, 4, 17},
	{53426191, 53433856, 877, 7, 17},
	{1073741824, 1073995776, 2081, 16, 63},
	{10737418240ULL, 10737893376ULL, 20806, 16, 63},
};

static void vhd_rounding(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(vhd_rows); i++) {
		uint64_t got = 0;
		ddp_chs chs = {9, 9, 9};
		int rc = ddp_vhd_round(&got, &chs, vhd_rows[i].request);

		if (rc || got != vhd_rows[i].result || chs.cyls != vhd_rows[i].c ||
		    chs.heads != vhd_rows[i].h || chs.secs != vhd_rows[i].s)
			fail_msg("vhd %llu: want %llu %u/%u/%u, got rc %d %llu %u/%u/%u",
			         (unsigned long long)vhd_rows[i].request,
			         (unsigned long long)vhd_rows[i].result, vhd_rows[i].c,
			         vhd_rows[i].h, vhd_rows[i].s, rc, (unsigned long long)got,
			         chs.cyls, chs.heads, chs.secs);
	}
}

/* Past 65535x16x255 sectors the footer's own size is used, up to 2040 GiB. */
static void vhd_limits(void **state)
{
	uint64_t got;
	ddp_chs chs;
	const uint64_t max_geometry = 65535ULL * 16 * 255 * 512;

	(void)state;
	assert_int_equal(ddp_vhd_round(&got, &chs, max_geometry), DDP_OK);
	assert_int_equal(got, max_geometry);
	assert_int_equal(ddp_vhd_round(&got, &chs, 0xff000000ULL * 512), DDP_OK);
	assert_int_equal(got, 0xff000000ULL * 512);
	assert_int_equal(ddp_vhd_round(&got, &chs, 0xff000000ULL * 512 + 1), DDP_ERANGE);
}

/* The instar mutants' mistakes are not what the core does. */
static void vhd_not_the_known_mistakes(void **state)
{
	uint64_t got;
	ddp_chs chs;

	(void)state;
	/* a one-pass ceil approximation gives 35807232 at 69632 sectors */
	assert_int_equal(ddp_vhd_round(&got, &chs, 69632ULL * 512), DDP_OK);
	assert_int_equal(got, 35686400);
	/* the footer is the search's geometry, not the floor geometry of the result */
	assert_int_equal(ddp_vhd_round(&got, &chs, 104349ULL * 512), DDP_OK);
	ddp_chs floor_g;
	ddp_vhd_geometry(&floor_g, got / 512);
	assert_true((uint64_t)chs.cyls * chs.heads * chs.secs * 512 == got);
	assert_true(floor_g.cyls != chs.cyls || floor_g.heads != chs.heads ||
	            floor_g.secs != chs.secs);
}

static const struct {
	uint64_t in, out;
	int rc;
} r512_rows[] = {
	{0, 0, DDP_OK}, {1, 512, DDP_OK}, {511, 512, DDP_OK}, {512, 512, DDP_OK},
	{513, 1024, DDP_OK}, {3000, 3072, DDP_OK}, {5000, 5120, DDP_OK},
	{(uint64_t)INT64_MAX - 511, (uint64_t)INT64_MAX - 511, DDP_OK},
	{(uint64_t)INT64_MAX - 510, 0, DDP_ERANGE},
};

static void round512(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(r512_rows); i++) {
		uint64_t got = 0;
		int rc = ddp_round512(&got, r512_rows[i].in);
		if (rc != r512_rows[i].rc || (rc == DDP_OK && got != r512_rows[i].out))
			fail_msg("round512 %llu: want %d %llu, got %d %llu",
			         (unsigned long long)r512_rows[i].in, r512_rows[i].rc,
			         (unsigned long long)r512_rows[i].out, rc, (unsigned long long)got);
	}
}

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)
#define TiB (1024 * GiB)

static const struct {
	uint64_t size, block;
	int rc;
} vhdx_rows[] = {
	{0, 8 * MiB, DDP_OK},
	{512, 8 * MiB, DDP_OK},
	{3072, 8 * MiB, DDP_OK},
	{1 * GiB, 8 * MiB, DDP_OK},
	{1 * GiB + 512, 16 * MiB, DDP_OK},
	{100 * GiB, 16 * MiB, DDP_OK},
	{100 * GiB + 512, 32 * MiB, DDP_OK},
	{32 * TiB, 32 * MiB, DDP_OK},
	{32 * TiB + 512, 64 * MiB, DDP_OK},
	{64 * TiB, 64 * MiB, DDP_OK},
	{64 * TiB + 512, 0, DDP_ERANGE},
};

static void vhdx_block_size(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(vhdx_rows); i++) {
		uint64_t got = 0;
		int rc = ddp_vhdx_block_size(&got, vhdx_rows[i].size);
		if (rc != vhdx_rows[i].rc || (rc == DDP_OK && got != vhdx_rows[i].block))
			fail_msg("vhdx %llu: want %llu, got rc %d %llu",
			         (unsigned long long)vhdx_rows[i].size,
			         (unsigned long long)vhdx_rows[i].block, rc, (unsigned long long)got);
	}
}

/*
 * Per output format, what info reports for a created size: runs of 7.2.22,
 * and the same in 5.2.0, 10.0.2, 10.0.13 and 11.1.3 (ci/probe-versions'
 * format table), except parallels, which 5.2.0 does not have.
 */
static const struct {
	const char *fmt;
	const char *count; /* with bs=1 on a 10240-byte input */
	int exit_code;
	uint64_t vsize;
	const char *info_format;
	int64_t cluster; /* -1: none */
} format_rows[] = {
	{"raw", "0", 0, 0, "raw", -1},
	{"raw", "3000", 0, 3072, "raw", -1},
	{"file", "3000", 0, 3072, "raw", -1},
	{"qcow2", "0", 0, 0, "qcow2", 65536},
	{"qcow2", "1", 0, 512, "qcow2", 65536},
	{"vmdk", "0", 1, 0, NULL, -1},
	{"vmdk", "1", 0, 512, "vmdk", 65536},
	{"vpc", "0", 0, 0, "vpc", 2097152},
	{"vpc", "1", 0, 34816, "vpc", 2097152},
	{"vhdx", "0", 0, 0, "vhdx", 8388608},
	{"vhdx", "3000", 0, 3072, "vhdx", 8388608},
	{"qcow", "0", 1, 0, NULL, -1},
	{"qcow", "1", 0, 512, "qcow", 4096},
	{"qed", "0", 0, 0, "qed", 65536},
	{"qed", "3000", 0, 3072, "qed", 65536},
	{"vdi", "0", 0, 0, "vdi", 1048576},
	{"vdi", "1", 0, 512, "vdi", 1048576},
	{"parallels", "0", 0, 0, "parallels", -1},
	{"parallels", "3000", 0, 3072, "parallels", -1},
	/* the probes' 1 MiB window (bs=64k), all five */
	{"raw", "1048576", 0, 1048576, "raw", -1},
	{"vpc", "1048576", 0, 1079296, "vpc", 2097152},
	{"vpc", "2097152", 0, 2123776, "vpc", 2097152},
	{"vhdx", "1048576", 0, 1048576, "vhdx", 8388608},
	{"qcow", "1048576", 0, 1048576, "qcow", 4096},
	{"vdi", "1048576", 0, 1048576, "vdi", 1048576},
	{"parallels", "1048576", 0, 1048576, "parallels", -1},
};

static void format_sizes(void **state)
{
	static const char *const measured[] = {"5.2", "7.2", "10.0", "11.1"};
	(void)state;
	for (size_t i = 0; i < N_ROWS(format_rows) * N_ROWS(measured); i++) {
		const ddp_profile *p = profile_named(measured[i / N_ROWS(format_rows)]);
		size_t row = i % N_ROWS(format_rows);
		int absent = !strcmp(ddp_profile_name(p), "5.2") &&
		             !strcmp(format_rows[row].fmt, "parallels");
		char count[64];
		const char *argv[] = {"-O", format_rows[row].fmt, "bs=1", count, "if=in.raw", "of=out.img"};
		ddp_input in = {2 << 20, "raw", NULL, -1};
		ddp_outcome o;
		ddp_error err;

		snprintf(count, sizeof(count), "count=%s", format_rows[row].count);
		assert_int_equal(ddp_predict(&o, p, &in, 6, argv, &err), DDP_OK);
		if (o.exit_code != (absent ? 1 : format_rows[row].exit_code))
			fail_msg("%s -O %s count=%s: exit %d, want %d", ddp_profile_name(p),
			         format_rows[row].fmt, format_rows[row].count, o.exit_code,
			         format_rows[row].exit_code);
		if (absent || !format_rows[row].info_format) {
			assert_false(o.has_info);
			continue;
		}
		assert_true(o.has_info);
		if (o.virtual_size != format_rows[row].vsize ||
		    strcmp(o.format, format_rows[row].info_format) ||
		    (format_rows[row].cluster < 0 ? o.has_cluster_size
		                                  : (int64_t)o.cluster_size != format_rows[row].cluster))
			fail_msg("%s -O %s count=%s: got %llu %s %lld", ddp_profile_name(p),
			         format_rows[row].fmt, format_rows[row].count,
			         (unsigned long long)o.virtual_size, o.format,
			         o.has_cluster_size ? (long long)o.cluster_size : -1LL);
	}
}

/* vmdk of size 0: created, then qemu cannot reopen it, and says so. */
static void vmdk_zero(void **state)
{
	const ddp_profile *p = profile_named("7.2");
	const char *argv[] = {"-O", "vmdk", "count=0", "if=in.raw", "of=out.img"};
	ddp_input in = {10240, "raw", NULL, -1};
	ddp_outcome o;
	char line[256];

	(void)state;
	assert_int_equal(ddp_predict(&o, p, &in, 5, argv, NULL), DDP_OK);
	assert_int_equal(o.exit_code, 1);
	assert_true(o.output_created);
	assert_int_equal(o.nmsgs, 1);
	ddp_msg_render(line, sizeof(line), &o.msgs[0], p);
	assert_string_equal(line, "qemu-img: Could not open 'out.img': Unsupported image type 'monolithicSparse'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vhd_rounding),
		cmocka_unit_test(vhd_limits),
		cmocka_unit_test(vhd_not_the_known_mistakes),
		cmocka_unit_test(round512),
		cmocka_unit_test(vhdx_block_size),
		cmocka_unit_test(format_sizes),
		cmocka_unit_test(vmdk_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
