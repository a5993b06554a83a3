/*
 * first-option-wins: of a repeated -O or -f the first is used (a lookup
 * that stops at the first match), where getopt hands qemu every one and
 * the last wins: `-f qcow2 -f raw` opens the input as raw, `-O raw -O foo`
 * is an unknown format.  The generator gives each option once; a second
 * comes from below it.
 *
 * Implementation: after the first -O (and the first -f), every later one
 * (separate or joined, `-O x` or `-Ox`, before any `--`) is removed with
 * its argument before the real dd sees them.  Clusters and long options
 * pass through unchanged.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int n = 0, seen_O = 0, seen_f = 0, dashdash = 0;

	mq_start(argc, argv, "first-option-wins");
	if (!args)
		mq_exec_qemu(argv + 1);
	for (int i = 1; i < argc; i++) {
		const char *t = argv[i];

		if (!dashdash && !strcmp(t, "--"))
			dashdash = 1;
		if (!dashdash && t[0] == '-' && (t[1] == 'O' || t[1] == 'f')) {
			int *seen = t[1] == 'O' ? &seen_O : &seen_f;
			int joined = t[2] != '\0';
			if ((*seen)++) {
				if (!joined)
					i++; /* its argument goes too */
				continue;
			}
			if (!joined && i + 1 < argc) {
				args[n++] = argv[i++];
				t = argv[i];
			}
		}
		args[n++] = (char *)t;
	}
	args[n] = NULL;
	mq_exec_qemu(args);
}
