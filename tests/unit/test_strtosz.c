/*
 * qemu_strtosz per version.  Rows for 7.2 were observed on Debian's
 * qemu-img 7.2.22 (through bs=/count= in tests/integration); rows for the
 * other eras come from qemu's history in the facts and are re-measured on
 * real binaries by the version matrix.
 */
#include "testutil.h"

#define OK DDP_OK
#define PARSE DDP_EINVAL
#define RANGE DDP_ERANGE

static const struct {
	const char *profile;
	const char *text;
	int rc;
	uint64_t value;
	int hex_warning;
} rows[] = {
	/* 6.0 to 7.2: integer part, hex, fraction, one suffix. */
	{"7.2", "512", OK, 512, 0},
	{"7.2", "+512", OK, 512, 0},
	{"7.2", " 512", OK, 512, 0},
	{"7.2", "512 ", PARSE, 0, 0},
	{"7.2", "", PARSE, 0, 0},
	{"7.2", "k", PARSE, 0, 0},
	{"7.2", "1k", OK, 1024, 0},
	{"7.2", "1K", OK, 1024, 0},
	{"7.2", "1b", OK, 1, 0},
	{"7.2", "1B", OK, 1, 0},
	{"7.2", "1M", OK, 1048576, 0},
	{"7.2", "1E", OK, 1ULL << 60, 0},
	{"7.2", "16E", RANGE, 0, 0},
	{"7.2", "1kb", PARSE, 0, 0},
	{"7.2", "1 k", PARSE, 0, 0},
	{"7.2", "0x10", OK, 16, 0},
	{"7.2", "0x1b", OK, 27, 0},
	{"7.2", "0X1E", OK, 30, 0},
	{"7.2", "0x10k", OK, 16384, 1},
	{"7.2", "0x10kk", PARSE, 0, 1},
	{"7.2", "0x", PARSE, 0, 0},
	{"7.2", "0x.5", PARSE, 0, 0},
	{"7.2", "1.", OK, 1, 0},
	{"7.2", "1.0", OK, 1, 0},
	{"7.2", "1.k", OK, 1024, 0},
	{"7.2", "1.5", PARSE, 0, 0},
	{"7.2", "1.5b", PARSE, 0, 0},
	{"7.2", "1.3k", OK, 1331, 0},
	{"7.2", "1.0005k", OK, 1025, 0},
	{"7.2", "0.0004k", OK, 0, 0},
	{"7.2", "1.5e3k", PARSE, 0, 0},
	{"7.2", "1.5e", OK, 1729382256910270464ULL, 0},
	{"7.2", "1.9999999999999999999999k", OK, 1024, 0},
	{"7.2", ".5k", PARSE, 0, 0},
	{"7.2", "-1", PARSE, 0, 0},
	{"7.2", "-0", PARSE, 0, 0},
	{"7.2", "-1k", PARSE, 0, 0},
	{"7.2", "99999999999999999999", RANGE, 0, 0},
	{"7.2", "18446744073709551616k", PARSE, 0, 0},
	{"7.2", "1e3", PARSE, 0, 0},
	{"7.2", "inf", PARSE, 0, 0},
	/* 8.0: a multiplier suffix on hex is a parse error. */
	{"8.0", "0x10k", PARSE, 0, 0},
	{"8.0", "0x10", OK, 16, 0},
	{"8.0", "1.9999999999999999999999k", OK, 1024, 0},
	/* 8.1 on: negatives are range errors, ".5k" works, the 1.99..k bug is gone. */
	{"8.1", "-1", RANGE, 0, 0},
	{"8.1", "-0", RANGE, 0, 0},
	{"8.1", "-1k", PARSE, 0, 0},
	{"8.1", ".5k", OK, 512, 0},
	{"8.1", "1.9999999999999999999999k", OK, 2048, 0},
	{"8.1", "0x10k", PARSE, 0, 0},
	{"8.1", "1.3k", OK, 1331, 0},
	{"8.1", "1.5e", OK, 1729382256910270464ULL, 0},
	/* Before 6.0: the whole number is a double, truncated. */
	{"5.2", "1e3", OK, 1000, 0},
	{"5.2", ".5k", OK, 512, 0},
	{"5.2", "0x10k", OK, 16384, 0},
	{"5.2", "-1", RANGE, 0, 0},
	{"5.2", "-0", OK, 0, 0},
	{"5.2", "1.5", PARSE, 0, 0},
	{"5.2", "1.9999k", OK, 2047, 0},
	{"5.2", "inf", PARSE, 0, 0},
};

static void strtosz_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		uint64_t v = 0;
		int warn = -1;
		int rc = ddp_strtosz(&v, &warn, rows[i].text, profile_named(rows[i].profile));

		if (rc != rows[i].rc || (rc == OK && v != rows[i].value) || warn != rows[i].hex_warning)
			fail_msg("%s '%s': want rc %d value %llu warn %d, got rc %d value %llu warn %d",
			         rows[i].profile, rows[i].text, rows[i].rc,
			         (unsigned long long)rows[i].value, rows[i].hex_warning, rc,
			         (unsigned long long)v, warn);
	}
}

/* 7.2 steps over the NUL after "1.<underflow>": undefined, so not modelled. */
static void strtosz_reads_past_end(void **state)
{
	uint64_t v;
	(void)state;
	assert_int_equal(ddp_strtosz(&v, NULL, "1.5e999", profile_named("7.2")), DDP_EUNMODELLED);
}

static const struct {
	const char *text;
	int rc;
	int major, minor, micro;
} version_rows[] = {
	{"7.2", OK, 7, 2, 0},
	{"10.0.13", OK, 10, 0, 13},
	{"qemu-img version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)", OK, 7, 2, 22},
	{"qemu-img version 11.1.3 (Debian 1:11.1.3+ds-1)", OK, 11, 1, 3},
	{"7", DDP_EINVAL, 0, 0, 0},
	{"seven", DDP_EINVAL, 0, 0, 0},
	{"7.2x", DDP_EINVAL, 0, 0, 0},
	{"", DDP_EINVAL, 0, 0, 0},
};

static void versions(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(version_rows); i++) {
		ddp_version v = {0, 0, 0};
		ddp_error err;
		int rc = ddp_version_parse(&v, version_rows[i].text, &err);
		if (rc != version_rows[i].rc ||
		    (rc == OK && (v.major != version_rows[i].major || v.minor != version_rows[i].minor ||
		                  v.micro != version_rows[i].micro)))
			fail_msg("version '%s': got rc %d %d.%d.%d", version_rows[i].text, rc,
			         v.major, v.minor, v.micro);
	}
}

static const struct {
	const char *version;
	const char *profile;
	int exact;
} choice_rows[] = {
	{"7.2.22", "7.2", 1},
	{"6.2.0", "7.2", 1},
	{"5.2.0", "5.2", 1},
	{"4.2.1", "5.2", 0},
	{"8.0.4", "8.0", 1},
	{"9.1.0", "8.1", 1},
	{"10.0.2", "10.0", 1},
};

static void profile_choice(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(choice_rows); i++) {
		ddp_version v;
		int exact = -1;
		const ddp_profile *p;
		char rule[256];

		assert_int_equal(ddp_version_parse(&v, choice_rows[i].version, NULL), OK);
		p = ddp_profile_for(v, &exact);
		if (strcmp(ddp_profile_name(p), choice_rows[i].profile) || exact != choice_rows[i].exact)
			fail_msg("%s: got profile %s exact %d", choice_rows[i].version,
			         ddp_profile_name(p), exact);
		assert_true(ddp_profile_explain(rule, sizeof(rule), v) > 0);
		assert_non_null(strstr(rule, ddp_profile_name(p)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strtosz_rows),
		cmocka_unit_test(strtosz_reads_past_end),
		cmocka_unit_test(versions),
		cmocka_unit_test(profile_choice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
