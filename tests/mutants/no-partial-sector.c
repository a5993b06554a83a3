/*
 * no-partial-sector: the input's length is not rounded up to 512.  qemu
 * reads a 5000-byte raw file as 5120 bytes (the block layer counts whole
 * sectors), so `bs=512 skip=10` is exactly the end (empty output, no
 * warning); this mutant computes the window on 5000 bytes, finds the skip
 * past the end and prints `qemu-img: <if>: cannot skip to specified offset`.
 * Without a cap from count, its raw output is also the unrounded length
 * (5000 - skip*bs bytes where qemu writes a zero-padded last sector).
 *
 * Implementation: only for a raw input (as `qemu-img info` probes it) held
 * in a plain file whose length is not a multiple of 512.  When the window
 * on the unrounded length is past the end and qemu's is not, the real dd
 * runs with skip=INT64_MAX (so it prints its own warning and makes its own
 * empty output); otherwise the real dd runs unchanged and a raw output is
 * cut to the unrounded window's length.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	mq_dd dd;
	const char *in, *out;
	char *json, fmt[64], **args;
	int64_t len, q_len, m_len;
	int q_past, m_past, rc;

	mq_start(argc, argv, "no-partial-sector");
	mq_parse_dd(&dd, argc - 1, argv + 1);
	if (!mq_dd_clean(&dd) || !mq_plain_path(dd.op_value[MQ_OP_IF]))
		mq_exec_qemu(argv + 1);
	in = dd.op_value[MQ_OP_IF];
	out = dd.op_value[MQ_OP_OF];
	len = mq_file_size(in);
	if (len <= 0 || len % 512 == 0)
		mq_exec_qemu(argv + 1);
	json = mq_info_json(in, dd.fmt);
	if (!json || mq_json_str(json, "format", fmt, sizeof(fmt)) != 0 || strcmp(fmt, "raw") != 0)
		mq_exec_qemu(argv + 1);
	free(json);

	mq_window(&dd, (len + 511) / 512 * 512, &q_past, &q_len);
	mq_window(&dd, len, &m_past, &m_len);

	if (m_past && !q_past) {
		args = mq_args_copy(&dd);
		mq_args_set_operand(args, dd.op_index[MQ_OP_SKIP], "9223372036854775807");
		mq_exec_qemu(args);
	}
	if (m_len == q_len || !mq_dd_ofmt_is(&dd, "raw") || !mq_plain_path(out))
		mq_exec_qemu(argv + 1);
	rc = mq_run_qemu(argv + 1, MQ_INHERIT, NULL, NULL);
	if (rc != 0)
		mq_exit(rc < 0 ? 1 : rc);
	if (mq_file_size(out) == q_len) {
		if (truncate(out, (off_t)m_len) != 0)
			mq_exit(rc);
	}
	mq_exit(rc);
}
