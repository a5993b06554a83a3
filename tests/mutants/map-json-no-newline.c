/*
 * map-json-no-newline: a `qemu-img map --output=json` whose JSON lacks its
 * trailing newline, the bug instar's map work fixed (its tests compare map
 * output byte for byte).  The map is the same map: only a comparison of
 * bytes, not of parsed JSON, sees it.
 *
 * Implementation: the real map, stdout captured; when the options ask for
 * JSON output (--output=json, --output json) and qemu-img succeeded, the
 * final '\n' is left out.  Everything else (human output, errors, other
 * subcommands) passes through unchanged.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int json = 0, rc;
	char *out = NULL;
	size_t len = 0;

	mq_start_for(argc, argv, "map-json-no-newline", "map");
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--output=json") ||
		    (!strcmp(argv[i], "--output") && i + 1 < argc && !strcmp(argv[i + 1], "json")))
			json = 1;
	if (!json)
		mq_exec_qemu(argv + 1);
	rc = mq_run_qemu(argv + 1, MQ_CAPTURE_STDOUT, &out, &len);
	if (rc < 0)
		mq_exit(1);
	if (rc == 0 && len && out[len - 1] == '\n')
		len--;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(1, out + off, len - off);
		if (w <= 0)
			mq_exit(1);
		off += (size_t)w;
	}
	mq_exit(rc);
}
