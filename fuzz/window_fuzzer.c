/*
 * window_fuzzer.c: ddp_window_compute on arbitrary (length, bs, count,
 * skip, flags).
 *
 * Input: byte 0 has_count (bit 0) and has_skip (bit 1); bytes 1..4 shift
 * each of the four numbers right (low 6 bits), so that every magnitude is
 * as easy to reach as every other; then length, bs, count and skip, 8
 * bytes each, little-endian, as int64.
 * Properties: invalid arguments are refused; otherwise the window is the
 * one img_dd computes, redone here in 128-bit arithmetic from the facts,
 * and the window algebra holds on its own: start <= end <= the length
 * rounded up to 512, out_size = end - start, count caps the absolute end
 * unless count*bs overflows, past the end means empty with the warning,
 * skip*bs == size is empty without it, an overflowing skip*bs is past.
 */
#define FUZZ_TARGET "window"
#include "fuzz.h"

typedef __int128 i128;

FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t flags = fuzz_u8(&data, &size);
	int shift[4], has_count = flags & 1, has_skip = (flags >> 1) & 1;
	int64_t v[4], len, bs, count, skip;
	ddp_window w;
	ddp_error err;
	i128 rounded, want_size, want_start;
	int rc, invalid, want_past;

	for (int i = 0; i < 4; i++)
		shift[i] = fuzz_u8(&data, &size) & 63;
	for (int i = 0; i < 4; i++)
		v[i] = (int64_t)(fuzz_u64(&data, &size) >> shift[i]);
	len = v[0];
	bs = v[1];
	count = v[2];
	skip = v[3];

	rc = ddp_window_compute(&w, len, bs, has_count, count, has_skip, skip, &err);
	FUZZ_CHECK(rc == DDP_OK || rc == DDP_EINVAL, "a window or EINVAL");
	invalid = len < 0 || len > INT64_MAX - 511 || bs < 1 ||
	          (has_count && count < 0) || (has_skip && skip < 0);
	if (invalid) {
		FUZZ_CHECK(rc == DDP_EINVAL && err.code == rc && err.message[0],
		           "invalid arguments are refused, saying why");
		return 0;
	}
	if (rc) {
		/* Only an absent count or skip may still be negative here. */
		FUZZ_CHECK((!has_count && count < 0) || (!has_skip && skip < 0),
		           "valid arguments give a window");
		return 0;
	}

	/* img_dd, in arithmetic that cannot overflow. */
	rounded = ((i128)len + 511) / 512 * 512;
	want_size = rounded;
	if (has_count && (i128)count * bs < want_size)
		want_size = (i128)count * bs;
	want_past = has_skip && (i128)skip * bs > want_size;
	want_start = want_past ? want_size : has_skip ? (i128)skip * bs : 0;
	FUZZ_CHECK(w.size == want_size && w.end == want_size && w.start == want_start &&
	           w.past_eof == want_past, "the window is img_dd's");

	/* The algebra, stated on its own. */
	FUZZ_CHECK(0 <= w.start && w.start <= w.end, "0 <= start <= end");
	FUZZ_CHECK(w.end <= rounded && w.end == w.size, "end = size <= length rounded up");
	FUZZ_CHECK(w.out_size == w.end - w.start && w.out_size <= rounded,
	           "out_size = end - start <= length rounded up");
	FUZZ_CHECK(!w.past_eof || w.out_size == 0, "past the end means empty");
	FUZZ_CHECK(!w.past_eof || has_skip, "only skip goes past the end");
	if (has_count && (i128)count * bs > INT64_MAX)
		FUZZ_CHECK(w.size == rounded, "an overflowing count*bs is ignored");
	else if (has_count)
		FUZZ_CHECK(w.size == ((i128)count * bs < rounded ? count * bs : rounded),
		           "count caps the absolute end");
	else
		FUZZ_CHECK(w.size == rounded, "without count the window ends at the rounded length");
	if (has_skip && (i128)skip * bs > INT64_MAX)
		FUZZ_CHECK(w.past_eof, "an overflowing skip*bs is past the end");
	if (has_skip && (i128)skip * bs == w.size)
		FUZZ_CHECK(!w.past_eof && w.out_size == 0, "skip*bs == size is empty, no warning");
	if (!has_skip)
		FUZZ_CHECK(w.start == 0, "without skip the copy starts at 0");
	return 0;
}
