/*
 * drop-count: a reimplementation that never reads count=.  Every count
 * operand is dropped before the real dd runs, so a count that caps the
 * window copies the whole input, and a count qemu refuses to parse is no
 * error.  One mistake that the engine meets through many kinds and rules:
 * the grouping test's candidate.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int n = 0;

	mq_start(argc, argv, "drop-count");
	if (!args)
		mq_exec_qemu(argv + 1);
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "count=", 6))
			args[n++] = argv[i];
	args[n] = NULL;
	mq_exec_qemu(args);
}
