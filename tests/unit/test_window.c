/*
 * img_dd's window: each row as Debian's qemu-img ran it.  The window is the
 * same in every version measured; rows marked "all five" were probed on
 * 5.2.0, 7.2.22, 10.0.2, 10.0.13 and 11.1.3 (ci/probe-versions), the
 * others on 7.2.22.
 */
#include "testutil.h"

#define NONE -1

static const struct {
	int64_t input, bs, count, skip; /* NONE: operand absent */
	int64_t start, end;
	int past;
} rows[] = {
	{10240, 512, NONE, NONE, 0, 10240, 0},
	{5000, 512, NONE, NONE, 0, 5120, 0},        /* a partial sector reads whole */
	{10240, 512, 2, 1, 512, 1024, 0},           /* count caps the absolute end */
	{10240, 512, 1, 2, 512, 512, 1},            /* then skip lands past it */
	{5000, 512, NONE, 10, 5120, 5120, 0},       /* skip*bs == size: empty, no warning */
	{5000, 512, NONE, 11, 5120, 5120, 1},
	{5000, 5119, 1, NONE, 0, 5119, 0},
	{5000, 5121, 1, NONE, 0, 5120, 0},
	{10240, 1000, 3, NONE, 0, 3000, 0},
	{1048576, 65536, 4, 2, 131072, 262144, 0},
	{10240, 512, 0, NONE, 0, 0, 0},
	{10240, 512, 0, 0, 0, 0, 0},
	{10240, 512, NONE, 100, 10240, 10240, 1},
	{10240, 1024, 9007199254740992LL, NONE, 0, 10240, 0}, /* count*bs overflows: ignored */
	{10240, 4096, NONE, 2251799813685248LL, 10240, 10240, 1}, /* skip*bs overflows: past */
	{10240, 2147483647, 4294967299LL, NONE, 0, 10240, 0},
	{0, 512, NONE, 1, 0, 0, 1},
	{0, 512, NONE, 0, 0, 0, 0},
	/* all five */
	{5000, 1000, NONE, 5, 5000, 5120, 0},       /* skip against the rounded size */
	{5000, 1000, NONE, 6, 5120, 5120, 1},
	{10240, 512, NONE, 20, 10240, 10240, 0},
	{10240, 512, NONE, 21, 10240, 10240, 1},
	{10240, 1000, 3, 2, 2000, 3000, 0},         /* 1000 bytes, a 1024-byte output */
	{10240, 1000, NONE, 10, 10000, 10240, 0},
	{10240, 1000, NONE, 11, 10240, 10240, 1},
	{10240, 20000, NONE, NONE, 0, 10240, 0},
	{10240, 3000, NONE, NONE, 0, 10240, 0},
	{10240, 512, 0, 1, 0, 0, 1},                /* count=0 skip=1 warns */
	{10240, 1024, 9007199254740991LL, NONE, 0, 10240, 0},
	{10240, 1024, NONE, 9007199254740991LL, 10240, 10240, 1},
	{5000, 5000, NONE, NONE, 0, 5120, 0},
};

static void window_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		ddp_window w;
		int rc = ddp_window_compute(&w, rows[i].input, rows[i].bs, rows[i].count != NONE,
		                            rows[i].count == NONE ? 0 : rows[i].count,
		                            rows[i].skip != NONE,
		                            rows[i].skip == NONE ? 0 : rows[i].skip, NULL);
		if (rc || w.start != rows[i].start || w.end != rows[i].end ||
		    w.past_eof != rows[i].past || w.out_size != w.end - w.start)
			fail_msg("row %zu: want [%lld,%lld) past %d, got rc %d [%lld,%lld) past %d",
			         i, (long long)rows[i].start, (long long)rows[i].end, rows[i].past, rc,
			         (long long)w.start, (long long)w.end, w.past_eof);
	}
}

static void window_rejects_nonsense(void **state)
{
	ddp_window w;
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_window_compute(&w, -1, 512, 0, 0, 0, 0, &err), DDP_EINVAL);
	assert_non_null(strstr(err.message, "-1"));
	assert_int_equal(ddp_window_compute(&w, 512, 0, 0, 0, 0, 0, &err), DDP_EINVAL);
	assert_int_equal(ddp_window_compute(&w, INT64_MAX, 512, 0, 0, 0, 0, &err), DDP_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_rows),
		cmocka_unit_test(window_rejects_nonsense),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
