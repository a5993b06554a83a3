/*
 * empty-vhdx: for `-O vhdx` with an empty window, writes a file that
 * `qemu-img info` rejects: only the first 4 KiB (the file type identifier)
 * of what qemu writes, without the headers and region tables (a writer
 * that "has nothing to write" and stops after the signature).
 *
 * Implementation: run the real dd; when the output's virtual size is 0,
 * truncate it to 4096 bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	mq_dd dd;
	int rc;
	const char *out;
	char *json;
	int64_t vsize;

	out = mq_run_dd_for_format(&dd, argc, argv, "empty-vhdx", "vhdx");
	rc = 0;
	json = mq_info_json(out, "vhdx");
	if (json && mq_json_int(json, "virtual-size", &vsize) == 0 && vsize == 0) {
		if (truncate(out, 4096) != 0)
			mq_exit(rc);
	}
	free(json);
	mq_exit(rc);
}
