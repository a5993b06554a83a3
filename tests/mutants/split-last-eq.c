/*
 * split-last-eq: an operand split at its last '=' (rpartition, strrchr)
 * rather than its first, as qemu's img_dd does (strchr).  `of=a=b.img` is
 * then the key "of=a" and an error, where qemu writes the file a=b.img.
 * The generator's paths hold no '='; one comes from below it.
 *
 * Implementation: an operand with a second '=' whose key before the last
 * one is not an operand is reported as qemu reports an unknown one
 * ("unrecognized operand KEY", exit 1); anything else is the real dd.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	mq_dd dd;

	mq_start(argc, argv, "split-last-eq");
	mq_parse_dd(&dd, argc - 1, argv + 1);
	if (!dd.options_ok || dd.help || dd.object)
		mq_exec_qemu(argv + 1);
	for (int n = 0; n < dd.noperands; n++) {
		const char *t = dd.args[dd.operands[n]], *last = strrchr(t, '=');

		if (last && last != strchr(t, '=')) {
			fprintf(stderr, "qemu-img: unrecognized operand %.*s\n", (int)(last - t), t);
			mq_exit(1);
		}
	}
	mq_exec_qemu(argv + 1);
}
