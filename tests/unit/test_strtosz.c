/*
 * Numbers per version: qemu_strtosz (ddp_strtosz) and img_dd's reading of
 * bs=, count= and skip= (ddp_parse_number).  The 7.2 rows were observed on
 * Debian's qemu-img 7.2.22; the 8.0 and 8.1 rows are upstream history
 * (those profiles were never measured); the version matrix below is every
 * value probe of ci/probe-versions on 5.2.0, 7.2.22, 10.0.2, 10.0.13 and
 * 11.1.3 (docs/qemu-versions.md), with cvtnum's range check applied.
 */
#include <stdlib.h>

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
	/* 8.0 (upstream history, never measured): hex with a suffix is a parse error. */
	{"8.0", "0x10k", PARSE, 0, 0},
	{"8.0", "0x10", OK, 16, 0},
	{"8.0", "1.9999999999999999999999k", OK, 1024, 0},
	/* 8.1 (upstream history; 10.0.x and 11.1.3 confirm it for bs): negatives are
	 * range errors, ".5k" works, the 1.99..k bug is gone. */
	{"8.1", "-1", RANGE, 0, 0},
	{"8.1", "-0", RANGE, 0, 0},
	{"8.1", "-1k", PARSE, 0, 0},
	{"8.1", ".5k", OK, 512, 0},
	{"8.1", "1.9999999999999999999999k", OK, 2048, 0},
	{"8.1", "0x10k", PARSE, 0, 0},
	{"8.1", "1.3k", OK, 1331, 0},
	{"8.1", "1.5e", OK, 1729382256910270464ULL, 0},
	/* 5.2.0: the whole number is a double, truncated. */
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

enum { BS, COUNT, SKIP };

/*
 * Each row: the operand's value, then what bs=, count= or skip= did in
 * 5.2.0, 7.2.22, 10.0.2 and 10.0.13 (alike), 11.1.3: P parse error,
 * R range error, a number the value read, >=N a value of at least N (the
 * probe's input capped the window), W before any of them: the 7.2 hex
 * warning was printed first.
 */
static const struct {
	int kind;
	const char *text;
	const char *seen[4];
} matrix[] = {
	{BS, "1e3", {"1000", "P", "P", "P"}},
	{BS, "1e3k", {">=16384", "P", "P", "P"}},
	{BS, "-0", {"R", "P", "R", "R"}},
	{COUNT, "9223372036854775807", {"R", ">=2048", ">=2048", ">=2048"}},
	{COUNT, "16E", {"R", "R", "P", "R"}},
	{COUNT, "8E", {"R", "R", "P", "R"}},
	{COUNT, "7E", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "9223372036854774784", {">=2048", ">=2048", ">=2048", ">=2048"}},
	{COUNT, "9223372036854775295", {">=2048", ">=2048", ">=2048", ">=2048"}},
	{COUNT, "9223372036854775296", {"R", ">=2048", ">=2048", ">=2048"}},
	{COUNT, "9007199254740993", {">=2048", ">=2048", ">=2048", ">=2048"}},
	{SKIP, "9223372036854775807", {"R", ">=2048", ">=2048", ">=2048"}},
	{SKIP, "8E", {"R", "R", "P", "R"}},
	{SKIP, "7E", {">=2048", ">=2048", "P", ">=2048"}},
	{SKIP, "9223372036854774784", {">=2048", ">=2048", ">=2048", ">=2048"}},
	{SKIP, "9223372036854775295", {">=2048", ">=2048", ">=2048", ">=2048"}},
	{SKIP, "9223372036854775296", {"R", ">=2048", ">=2048", ">=2048"}},
	{BS, "0x10", {"16", "16", "16", "16"}},
	{BS, "0X10", {"16", "16", "16", "16"}},
	{BS, "0x10k", {">=16384", "W>=16384", "P", "P"}},
	{BS, "0x1b", {"27", "27", "27", "27"}},
	{BS, "0x1B", {"27", "27", "27", "27"}},
	{BS, "0x1E", {"30", "30", "30", "30"}},
	{BS, "0x1e", {"30", "30", "30", "30"}},
	{BS, "0x200", {"512", "512", "512", "512"}},
	{BS, "0x1p10", {"1024", "WP", "P", "P"}},
	{BS, "0x1.8p10", {"1536", "P", "P", "P"}},
	{BS, "0x7fffffff", {">=16384", ">=16384", ">=16384", ">=16384"}},
	{BS, "010", {"10", "10", "10", "10"}},
	{BS, "0x1k", {"1024", "W1024", "P", "P"}},
	{BS, "0x1K", {"1024", "W1024", "P", "P"}},
	{COUNT, "0x10", {"16", "16", "16", "16"}},
	{COUNT, "0x10k", {">=2048", "W>=2048", "P", "P"}},
	{COUNT, "0x1b", {"27", "27", "27", "27"}},
	{COUNT, "0X1E", {"30", "30", "30", "30"}},
	{SKIP, "0x10", {"16", "16", "16", "16"}},
	{SKIP, "0x1b", {"27", "27", "27", "27"}},
	{SKIP, "0x1k", {"1024", "W1024", "P", "P"}},
	{SKIP, "010", {"10", "10", "8", "10"}},
	{COUNT, "010", {"10", "10", "8", "10"}},
	{COUNT, "08", {"8", "8", "P", "8"}},
	{COUNT, "00", {"0", "0", "0", "0"}},
	{COUNT, "0x7fffffffffffffff", {"R", ">=2048", ">=2048", ">=2048"}},
	{BS, "-1", {"R", "P", "R", "R"}},
	{BS, "-1k", {"R", "P", "P", "P"}},
	{BS, "-512", {"R", "P", "R", "R"}},
	{BS, "-0x10", {"R", "P", "P", "P"}},
	{BS, " -1", {"R", "P", "R", "R"}},
	{BS, "-0k", {"R", "P", "P", "P"}},
	{BS, "-.5k", {"R", "P", "P", "P"}},
	{BS, "-0x0", {"R", "P", "P", "P"}},
	{COUNT, "-1", {"R", "P", "R", "R"}},
	{COUNT, "-0", {"0", "P", "0", "R"}},
	{COUNT, "-1k", {"R", "P", "P", "P"}},
	{COUNT, "-0k", {"0", "P", "P", "P"}},
	{COUNT, "-1b", {"R", "P", "P", "P"}},
	{COUNT, "-9223372036854775808", {"R", "P", "R", "R"}},
	{COUNT, "-0x0", {"0", "P", "0", "P"}},
	{COUNT, " -0", {"0", "P", "0", "R"}},
	{COUNT, "-0.0", {"0", "P", "P", "P"}},
	{COUNT, "-0x1", {"R", "P", "R", "P"}},
	{SKIP, "-1", {"R", "P", "R", "R"}},
	{SKIP, "-0", {"0", "P", "0", "R"}},
	{SKIP, "-1k", {"R", "P", "P", "P"}},
	{SKIP, "-0k", {"0", "P", "P", "P"}},
	{BS, "1.3k", {"1331", "1331", "1331", "1331"}},
	{BS, "1.0005k", {"1024", "1025", "1025", "1025"}},
	{BS, ".5k", {"512", "P", "512", "512"}},
	{BS, "1.k", {"1024", "1024", "1024", "1024"}},
	{BS, "1.0k", {"1024", "1024", "1024", "1024"}},
	{BS, "1.9999999999999999999999k", {"2048", "1024", "2048", "2048"}},
	{BS, "1.99999999999999k", {"2047", "2048", "2048", "2048"}},
	{BS, "0.0005k", {"R", "1", "1", "1"}},
	{BS, "1.5k", {"1536", "1536", "1536", "1536"}},
	{BS, "1.0", {"1", "1", "1", "1"}},
	{BS, "1.", {"1", "1", "1", "1"}},
	{BS, "1.00", {"1", "1", "1", "1"}},
	{BS, "0.5k", {"512", "512", "512", "512"}},
	{BS, "0.1k", {"102", "102", "102", "102"}},
	{BS, "0.9999k", {"1023", "1024", "1024", "1024"}},
	{BS, "2.5k", {"2560", "2560", "2560", "2560"}},
	{BS, "3.5k", {"3584", "3584", "3584", "3584"}},
	{BS, "1.0001k", {"1024", "1024", "1024", "1024"}},
	{BS, "1.00049k", {"1024", "1025", "1025", "1025"}},
	{BS, "1.00048828125k", {"1024", "1025", "1025", "1025"}},
	{BS, "1.000488281k", {"1024", "1024", "1024", "1024"}},
	{BS, "1.000488282k", {"1024", "1025", "1025", "1025"}},
	{BS, "1.4999999999999999k", {"1536", "1536", "1536", "1536"}},
	{BS, "0.00048828125k", {"R", "1", "1", "1"}},
	{BS, "1.5e3", {"1500", "P", "P", "P"}},
	{BS, "1.5e3k", {">=16384", "P", "P", "P"}},
	{BS, "15.999999999999999999k", {">=16384", "15360", ">=16384", ">=16384"}},
	{BS, "1.1k", {"1126", "1126", "1126", "1126"}},
	{BS, "1.7k", {"1740", "1741", "1741", "1741"}},
	{BS, "1.25k", {"1280", "1280", "1280", "1280"}},
	{BS, "1.75k", {"1792", "1792", "1792", "1792"}},
	{COUNT, "1.5k", {"1536", "1536", "P", "1536"}},
	{COUNT, "0.5k", {"512", "512", "P", "512"}},
	{COUNT, "1.0", {"1", "1", "P", "1"}},
	{COUNT, "1.", {"1", "1", "P", "1"}},
	{COUNT, ".5k", {"512", "P", "P", "512"}},
	{COUNT, "1.3k", {"1331", "1331", "P", "1331"}},
	{COUNT, "1.0005k", {"1024", "1025", "P", "1025"}},
	{COUNT, "0.0004k", {"0", "0", "P", "0"}},
	{COUNT, "0.0005k", {"0", "1", "P", "1"}},
	{COUNT, "1.9999999999999999999999k", {">=2048", "1024", "P", ">=2048"}},
	{COUNT, "0.k", {"0", "0", "P", "0"}},
	{SKIP, "1.5k", {"1536", "1536", "P", "1536"}},
	{SKIP, "0.5k", {"512", "512", "P", "512"}},
	{SKIP, "1.3k", {"1331", "1331", "P", "1331"}},
	{SKIP, "1.0", {"1", "1", "P", "1"}},
	{BS, "1b", {"1", "1", "1", "1"}},
	{BS, "1B", {"1", "1", "1", "1"}},
	{BS, "1k", {"1024", "1024", "1024", "1024"}},
	{BS, "1K", {"1024", "1024", "1024", "1024"}},
	{BS, "1m", {">=16384", ">=16384", ">=16384", ">=16384"}},
	{BS, "1M", {">=16384", ">=16384", ">=16384", ">=16384"}},
	{BS, "1g", {">=16384", ">=16384", ">=16384", ">=16384"}},
	{BS, "2k", {"2048", "2048", "2048", "2048"}},
	{BS, "2K", {"2048", "2048", "2048", "2048"}},
	{BS, "4096b", {"4096", "4096", "4096", "4096"}},
	{BS, "16b", {"16", "16", "16", "16"}},
	{BS, "31b", {"31", "31", "31", "31"}},
	{COUNT, "1b", {"1", "1", "P", "1"}},
	{COUNT, "1B", {"1", "1", "P", "1"}},
	{COUNT, "1k", {"1024", "1024", "P", "1024"}},
	{COUNT, "1K", {"1024", "1024", "P", "1024"}},
	{COUNT, "1m", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1M", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1g", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1G", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1t", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1T", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1p", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1P", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1e", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "1E", {">=2048", ">=2048", "P", ">=2048"}},
	{COUNT, "20b", {"20", "20", "P", "20"}},
	{COUNT, "3k", {">=2048", ">=2048", "P", ">=2048"}},
	{SKIP, "1b", {"1", "1", "P", "1"}},
	{SKIP, "1B", {"1", "1", "P", "1"}},
	{SKIP, "1k", {"1024", "1024", "P", "1024"}},
	{SKIP, "1K", {"1024", "1024", "P", "1024"}},
	{SKIP, "1M", {">=2048", ">=2048", "P", ">=2048"}},
	{SKIP, "10b", {"10", "10", "P", "10"}},
	{SKIP, "3b", {"3", "3", "P", "3"}},
	{BS, " 512", {"512", "512", "512", "512"}},
	{BS, "  512", {"512", "512", "512", "512"}},
	{BS, "\t512", {"512", "512", "512", "512"}},
	{BS, "\n512", {"512", "512", "512", "512"}},
	{BS, "\v512", {"512", "512", "512", "512"}},
	{BS, "\f512", {"512", "512", "512", "512"}},
	{BS, "\r512", {"512", "512", "512", "512"}},
	{BS, "+512", {"512", "512", "512", "512"}},
	{BS, " +512", {"512", "512", "512", "512"}},
	{BS, " 1k", {"1024", "1024", "1024", "1024"}},
	{BS, " 0x10", {"16", "16", "16", "16"}},
	{BS, " .5k", {"512", "P", "512", "512"}},
	{BS, "+.5k", {"512", "P", "512", "512"}},
	{BS, "+0x10", {"16", "16", "16", "16"}},
	{COUNT, " 1", {"1", "1", "1", "1"}},
	{COUNT, "+1", {"1", "1", "1", "1"}},
	{COUNT, " +1", {"1", "1", "1", "1"}},
	{COUNT, "\t1", {"1", "1", "1", "1"}},
	{COUNT, " 1k", {"1024", "1024", "P", "1024"}},
	{SKIP, " 1", {"1", "1", "1", "1"}},
	{SKIP, "+1", {"1", "1", "1", "1"}},
	{SKIP, " 1k", {"1024", "1024", "P", "1024"}},
	{BS, "1E3", {"1000", "P", "P", "P"}},
	{BS, "1e+3", {"1000", "P", "P", "P"}},
	{BS, "1e-3k", {"1", "P", "P", "P"}},
	{BS, "0x1P10", {"1024", "WP", "P", "P"}},
	{BS, "1.5e0k", {"1536", "P", "P", "P"}},
	{BS, "0x1.8p1k", {"3072", "P", "P", "P"}},
	{BS, "1e10", {"R", "P", "P", "P"}},
	{BS, "3e9", {"R", "P", "P", "P"}},
	{BS, "1e0", {"1", "P", "P", "P"}},
	{BS, "0x1p-1k", {"512", "WP", "P", "P"}},
	{BS, "1e1", {"10", "P", "P", "P"}},
	{BS, "1.5e-1k", {"153", "P", "P", "P"}},
	{BS, "2.9999999999999999", {"3", "P", "P", "P"}},
	{BS, "0x1.8p9", {"768", "P", "P", "P"}},
	{COUNT, "1e1", {"10", "P", "P", "P"}},
	{COUNT, "1e18", {">=2048", "P", "P", "P"}},
	{COUNT, "9.3e18", {"R", "P", "P", "P"}},
	{COUNT, "1e1k", {">=2048", "P", "P", "P"}},
	{COUNT, "1.5e1", {"15", "P", "P", "P"}},
	{SKIP, "1e1", {"10", "P", "P", "P"}},
	{SKIP, "1e1k", {">=2048", "P", "P", "P"}},
	{BS, "x", {"P", "P", "P", "P"}},
	{BS, "1kb", {"P", "P", "P", "P"}},
	{BS, "1.5", {"P", "P", "P", "P"}},
	{BS, "", {"P", "P", "P", "P"}},
	{BS, "1.5b", {"P", "P", "P", "P"}},
	{BS, "1 k", {"P", "P", "P", "P"}},
	{BS, "512 ", {"P", "P", "P", "P"}},
	{BS, "512x", {"P", "P", "P", "P"}},
	{BS, "512kk", {"P", "P", "P", "P"}},
	{BS, "1k5", {"P", "P", "P", "P"}},
	{BS, "0x", {"P", "P", "P", "P"}},
	{BS, "k", {"P", "P", "P", "P"}},
	{BS, "b", {"P", "P", "P", "P"}},
	{BS, ".", {"P", "P", "P", "P"}},
	{BS, "-", {"P", "P", "P", "P"}},
	{BS, "1.2.3", {"P", "P", "P", "P"}},
	{BS, "1k ", {"P", "P", "P", "P"}},
	{BS, "1kB", {"P", "P", "P", "P"}},
	{BS, "1KiB", {"P", "P", "P", "P"}},
	{BS, "1Ki", {"P", "P", "P", "P"}},
	{BS, "0x10z", {"P", "P", "P", "P"}},
	{COUNT, "x", {"P", "P", "P", "P"}},
	{COUNT, "", {"P", "P", "P", "P"}},
	{COUNT, "1.5", {"P", "P", "P", "P"}},
	{COUNT, "1kb", {"P", "P", "P", "P"}},
	{COUNT, "1 ", {"P", "P", "P", "P"}},
	{COUNT, "1x", {"P", "P", "P", "P"}},
	{SKIP, "x", {"P", "P", "P", "P"}},
	{SKIP, "", {"P", "P", "P", "P"}},
	{SKIP, "1.5", {"P", "P", "P", "P"}},
	{SKIP, "1kb", {"P", "P", "P", "P"}},
	{BS, "0xg", {"P", "P", "P", "P"}},
	{BS, "00x10", {"P", "P", "P", "P"}},
	{BS, "0b1", {"P", "P", "P", "P"}},
	{BS, "0x10.8", {"P", "P", "P", "P"}},
	{COUNT, "0x", {"P", "P", "P", "P"}},
	{BS, "+-1", {"P", "P", "P", "P"}},
	{BS, "-+1", {"P", "P", "P", "P"}},
	{BS, "0.5", {"P", "P", "P", "P"}},
	{BS, ".k", {"P", "P", "P", "P"}},
	{BS, "1.5B", {"P", "P", "P", "P"}},
	{BS, "1kk", {"P", "P", "P", "P"}},
	{COUNT, "1kk", {"P", "P", "P", "P"}},
	{BS, "+ 512", {"P", "P", "P", "P"}},
	{BS, "++512", {"P", "P", "P", "P"}},
	{BS, "512\n", {"P", "P", "P", "P"}},
	{BS, "inf", {"P", "P", "P", "P"}},
	{BS, "INF", {"P", "P", "P", "P"}},
	{BS, "infinity", {"P", "P", "P", "P"}},
	{BS, "nan", {"P", "P", "P", "P"}},
	{BS, "NAN", {"P", "P", "P", "P"}},
	{BS, "nan(1)", {"P", "P", "P", "P"}},
	{BS, "2147483647.5", {"P", "P", "P", "P"}},
	{BS, "2147483647.9", {"P", "P", "P", "P"}},
	{BS, "2147483646.5", {"P", "P", "P", "P"}},
	{BS, ".5", {"P", "P", "P", "P"}},
	{BS, "1k0", {"P", "P", "P", "P"}},
	{BS, "1000.9", {"P", "P", "P", "P"}},
	{COUNT, "inf", {"P", "P", "P", "P"}},
	{COUNT, "nan", {"P", "P", "P", "P"}},
	{SKIP, "inf", {"P", "P", "P", "P"}},
	{SKIP, "nan", {"P", "P", "P", "P"}},
	{BS, "0", {"R", "R", "R", "R"}},
	{BS, "2147483648", {"R", "R", "R", "R"}},
	{BS, "2G", {"R", "R", "R", "R"}},
	{BS, "1T", {"R", "R", "R", "R"}},
	{BS, "1E", {"R", "R", "R", "R"}},
	{BS, "16E", {"R", "R", "R", "R"}},
	{BS, "99999999999999999999", {"R", "R", "R", "R"}},
	{COUNT, "99999999999999999999", {"R", "R", "R", "R"}},
	{COUNT, "9223372036854775808", {"R", "R", "R", "R"}},
	{COUNT, "18446744073709551615", {"R", "R", "R", "R"}},
	{COUNT, "18446744073709551616", {"R", "R", "R", "R"}},
	{SKIP, "99999999999999999999", {"R", "R", "R", "R"}},
	{SKIP, "9223372036854775808", {"R", "R", "R", "R"}},
	{BS, "0x0", {"R", "R", "R", "R"}},
	{BS, "0x10000000000000000", {"R", "R", "R", "R"}},
	{BS, "0x80000000", {"R", "R", "R", "R"}},
	{COUNT, "0x8000000000000000", {"R", "R", "R", "R"}},
	{BS, "0.0004k", {"R", "R", "R", "R"}},
	{BS, "0.k", {"R", "R", "R", "R"}},
	{BS, "0.000244140625k", {"R", "R", "R", "R"}},
	{BS, "1t", {"R", "R", "R", "R"}},
	{BS, "1p", {"R", "R", "R", "R"}},
	{BS, "1P", {"R", "R", "R", "R"}},
	{BS, "1e", {"R", "R", "R", "R"}},
	/* More observations (predict_vs_qemu, by hand), same columns. */
	{COUNT, "0b", {"0", "0", "P", "0"}},
	{COUNT, "-18446744073709551615", {"R", "P", "1", "R"}},
	{COUNT, "-18446744073709551616", {"R", "R", "R", "R"}}, /* 7.2: strtoull overflows first */
	{COUNT, "+-1", {"P", "P", "P", "P"}},
	{COUNT, "0x-1", {"P", "P", "P", "P"}},
	{COUNT, "0o7", {"P", "P", "P", "P"}},
	{COUNT, "1_000", {"P", "P", "P", "P"}},
	{COUNT, " +0x10", {"16", "16", "16", "16"}},
	{COUNT, "0x1f", {"31", "31", "31", "31"}},
};

static const char *const matrix_profiles[4] = {"5.2", "7.2", "10.0", "11.1"};

static void version_matrix(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(matrix); i++) {
		for (int col = 0; col < 4; col++) {
			const char *want = matrix[i].seen[col];
			const ddp_profile *p = profile_named(matrix_profiles[col]);
			uint64_t v = 0;
			int warn = 0, want_warn = want[0] == 'W';
			int rc = ddp_parse_number(&v, &warn, (ddp_number_kind)matrix[i].kind,
			                          matrix[i].text, p);
			char got[32];

			if (want_warn)
				want++;
			if (rc == OK && (matrix[i].kind == BS ? v < 1 || v > INT32_MAX : v > INT64_MAX))
				rc = RANGE; /* cvtnum_full's range check */
			if (rc == PARSE)
				snprintf(got, sizeof(got), "P");
			else if (rc == RANGE)
				snprintf(got, sizeof(got), "R");
			else if (rc == OK)
				snprintf(got, sizeof(got), "%llu", (unsigned long long)v);
			else
				snprintf(got, sizeof(got), "status %d", rc);
			if (warn != want_warn ||
			    (strncmp(want, ">=", 2) ? strcmp(got, want)
			                            : rc != OK || v < strtoull(want + 2, NULL, 10)))
				fail_msg("%s %s='%s': seen %s, model %s%s", matrix_profiles[col],
				         matrix[i].kind == BS ? "bs" : matrix[i].kind == COUNT ? "count" : "skip",
				         matrix[i].text, matrix[i].seen[col], warn ? "W" : "", got);
		}
	}
}

/* Debian's 10.0 reads count=0b11 as 3 when built on C23 glibc (10.0.13), not on 2.36 (10.0.2). */
static void count_binary_prefix_is_build_dependent(void **state)
{
	uint64_t v;
	(void)state;
	assert_int_equal(ddp_parse_number(&v, NULL, DDP_NUMBER_COUNT, "0b11", profile_named("10.0")),
	                 DDP_EUNMODELLED);
	assert_int_equal(ddp_parse_number(&v, NULL, DDP_NUMBER_SKIP, " -0B1", profile_named("10.0")),
	                 DDP_EUNMODELLED);
	assert_int_equal(ddp_parse_number(&v, NULL, DDP_NUMBER_BS, "0b11", profile_named("10.0")),
	                 DDP_EINVAL);
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

/* exact: a version measured with that profile (the five Debian builds). */
static const struct {
	const char *version;
	const char *profile;
	int exact;
} choice_rows[] = {
	{"7.2.22", "7.2", 1},
	{"6.2.0", "7.2", 0},
	{"5.2.0", "5.2", 1},
	{"4.2.1", "5.2", 0},
	{"8.0.4", "8.0", 0},
	{"9.1.0", "8.1", 0},
	{"10.0.2", "10.0", 1},
	{"10.0.13", "10.0", 1},
	{"10.1.0", "11.1", 0},
	{"11.1.3", "11.1", 1},
	{"12.0.0", "11.1", 0},
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
		assert_true((strstr(rule, "no profile of its own") != NULL) == !choice_rows[i].exact);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strtosz_rows),
		cmocka_unit_test(version_matrix),
		cmocka_unit_test(count_binary_prefix_is_build_dependent),
		cmocka_unit_test(strtosz_reads_past_end),
		cmocka_unit_test(versions),
		cmocka_unit_test(profile_choice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
