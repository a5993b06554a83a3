/*
 * dashdash-ignored: `--` skipped as noise by a hand-written option loop
 * that goes on reading options after it, where getopt stops there and
 * qemu reads everything after `--` as an operand (`-- -U` is
 * "unrecognized operand -U", exit 1).  The generator puts `--` only
 * between its options and its operands, where skipping it changes
 * nothing; `--` before an option comes from below it.
 *
 * Implementation: every `--` is removed before the real dd sees the
 * arguments.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int n = 0;

	mq_start(argc, argv, "dashdash-ignored");
	if (!args)
		mq_exec_qemu(argv + 1);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--"))
			args[n++] = argv[i];
	args[n] = NULL;
	mq_exec_qemu(args);
}
