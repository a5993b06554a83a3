/*
 * vhdx-32m-blocks: `-O vhdx` outputs use 32 MiB blocks where qemu picks the
 * block size from the disk size (8 MiB up to 1 GiB, 16 MiB up to 100 GiB);
 * `qemu-img info` shows it as cluster-size.
 *
 * Implementation: run the real dd; when the output's block size is not
 * 32 MiB, convert it into a new vhdx made with `-o block_size=32M` and put
 * that in its place.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	mq_dd dd;
	int rc;
	const char *out;
	char *json, tmp[4096];
	int64_t cluster;

	out = mq_run_dd_for_format(&dd, argc, argv, "vhdx-32m-blocks", "vhdx");
	rc = 0;

	json = mq_info_json(out, "vhdx");
	if (!json || mq_json_int(json, "cluster-size", &cluster) != 0 ||
	    cluster == (INT64_C(32) << 20))
		mq_exit(rc);
	free(json);
	if (mq_sibling_temp(out, tmp, sizeof(tmp)) != 0)
		mq_exit(rc);
	{
		char *conv[] = {"convert", "-f", "vhdx", "-O", "vhdx", "-o", "block_size=32M",
		                (char *)out, tmp, NULL};
		if (mq_run_qemu(conv, MQ_QUIET, NULL, NULL) != 0 || mq_replace(tmp, out) != 0)
			unlink(tmp);
	}
	mq_exit(rc);
}
