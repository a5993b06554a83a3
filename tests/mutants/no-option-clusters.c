/*
 * no-option-clusters: short options read one to a token, so a cluster of
 * flags (`-UU`, `-Uh`, `-UOraw`) is an unknown option, where getopt reads
 * each letter in turn.  `-Oraw` and `-fraw` (an option and its argument
 * joined) are read right.  The generator writes flags alone; a cluster
 * comes from below it.
 *
 * Implementation: a token before any `--` that is `-U` or `-h` followed
 * by more letters is reported as qemu 7.2 reports an unknown option
 * ("unrecognized option '-UU'", its hint, exit 1); anything else is the
 * real dd.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	mq_start(argc, argv, "no-option-clusters");
	for (int i = 2; i < argc; i++) {
		const char *t = argv[i];

		if (!strcmp(t, "--"))
			break;
		if (t[0] == '-' && (t[1] == 'U' || t[1] == 'h') && t[2] != '\0') {
			fprintf(stderr, "qemu-img: unrecognized option '%s'\n"
			        "Try 'qemu-img --help' for more information\n", t);
			mq_exit(1);
		}
		if (t[0] == '-' && (t[1] == 'O' || t[1] == 'f') && t[2] == '\0')
			i++; /* its argument, whatever it looks like */
	}
	mq_exec_qemu(argv + 1);
}
