/*
 * skip-warning-exit: exits 1 instead of 0 after printing the skip-past-EOF
 * warning (`qemu-img: <if>: cannot skip to specified offset`): a
 * reimplementation that treats the warning as an error for its exit code,
 * while printing the same text and leaving the same empty output.
 *
 * Implementation: run the real dd with stderr captured; pass stderr on
 * byte for byte; when qemu exited 0 and its last line is that warning,
 * exit 1.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	static const char warn[] = ": cannot skip to specified offset\n";
	mq_dd dd;
	char *err;
	size_t len, wl = sizeof(warn) - 1;
	int rc;

	mq_start(argc, argv, "skip-warning-exit");
	mq_parse_dd(&dd, argc - 1, argv + 1);
	rc = mq_run_qemu(argv + 1, MQ_CAPTURE_ERR, &err, &len);
	if (rc < 0)
		mq_exit(1);
	mq_write_stderr(err, len);
	if (rc == 0 && len >= wl && !memcmp(err + len - wl, warn, wl))
		rc = 1;
	free(err);
	mq_exit(rc);
}
