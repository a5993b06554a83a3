/*
 * drop-count: a reimplementation that never reads count=.  Every count
 * operand is dropped before the real dd runs, so a count that caps the
 * window copies the whole input, and a count qemu refuses to parse is no
 * error.  One mistake that the engine meets through many kinds and rules:
 * the grouping test's candidate.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <string.h>

static int is_count(const char *arg)
{
	return !strncmp(arg, "count=", 6);
}

int main(int argc, char **argv)
{
	mq_exec_dropping(argc, argv, "drop-count", is_count);
}
