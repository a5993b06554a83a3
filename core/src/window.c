/* window.c: the part of the input img_dd copies, and the size it creates. */
#include "internal.h"

int ddp_window_compute(ddp_window *out, int64_t input_length, int64_t bs,
                       int has_count, int64_t count, int has_skip,
                       int64_t skip, ddp_error *err)
{
	int64_t size;
	int past;

	if (input_length < 0 || input_length > INT64_MAX - 511)
		return ddp_fail(err, DDP_EINVAL, "input", 0, 0, 0,
		                "input length %lld is not a length qemu can read",
		                (long long)input_length);
	if (bs < 1 || count < 0 || skip < 0)
		return ddp_fail(err, DDP_EINVAL, "operands", 0, 0, 0,
		                "bs must be positive and count, skip not negative");
	/* blk_getlength counts whole sectors: a partial last sector is read. */
	size = (input_length + 511) / 512 * 512;
	/* count caps the absolute end; an overflowing count*bs is ignored. */
	out->count_overflow = has_count && count > INT64_MAX / bs;
	out->count_capped = has_count && !out->count_overflow && count * bs < size;
	if (out->count_capped)
		size = count * bs;
	/* Then skip is subtracted; an overflowing skip*bs is past the end. */
	past = has_skip && (skip > INT64_MAX / bs || size < skip * bs);
	out->size = size;
	out->past_eof = past;
	out->start = past ? size : (has_skip ? skip * bs : 0);
	out->end = size;
	out->out_size = out->end - out->start;
	return DDP_OK;
}
