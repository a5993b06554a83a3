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

#include <string.h>

static int is_dashdash(const char *arg)
{
	return !strcmp(arg, "--");
}

int main(int argc, char **argv)
{
	mq_exec_dropping(argc, argv, "dashdash-ignored", is_dashdash);
}
