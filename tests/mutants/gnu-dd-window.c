/*
 * gnu-dd-window: GNU dd's window.  In GNU dd, count counts blocks after
 * the skipped ones; qemu-img dd caps the ABSOLUTE end at count*bs first and
 * then subtracts skip (`bs=512 count=2 skip=1` copies one block, not two).
 *
 * Implementation: when both count and skip are given (and valid) and skip
 * is not 0 (where the two windows are the same), run the real dd with
 * count = count + skip (left alone if the sum overflows).  The count is
 * passed on as a decimal number, so a hex count with a suffix (0x1K) loses
 * qemu's warning about it: a second mistake, seen only with a skip.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <inttypes.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	mq_dd dd;
	char **args, buf[32];

	mq_start(argc, argv, "gnu-dd-window");
	mq_parse_dd(&dd, argc - 1, argv + 1);
	if (!mq_dd_clean(&dd) || !dd.has_count || !dd.has_skip || dd.skip == 0 ||
	    dd.count > MQ_INT64_MAX - dd.skip)
		mq_exec_qemu(argv + 1);
	args = mq_args_copy(&dd);
	snprintf(buf, sizeof(buf), "%" PRId64, dd.count + dd.skip);
	mq_args_set_operand(args, dd.op_index[MQ_OP_COUNT], buf);
	mq_exec_qemu(args);
}
