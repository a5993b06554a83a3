/*
 * long-option-exact: long options matched only when spelled in full, where
 * getopt_long accepts any unambiguous prefix (`--force` and `--f` are
 * --force-share, `--image-opt` is --image-opts).  The generator spells
 * them in full; a shortened one comes from below it.
 *
 * Implementation: a token before any `--` that is `--NAME` (no '='), NAME
 * a proper prefix of exactly one of qemu 7.2's long options, is reported
 * as qemu reports an unknown option ("unrecognized option '--force'", its
 * hint, exit 1); anything else is the real dd.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdio.h>
#include <string.h>

static const char *const names[] = {"help", "object", "image-opts", "force-share"};

int main(int argc, char **argv)
{
	mq_start(argc, argv, "long-option-exact");
	for (int i = 2; i < argc; i++) {
		const char *t = argv[i];
		size_t len = strlen(t), full = 0, prefix = 0;

		if (!strcmp(t, "--"))
			break;
		if (t[0] == '-' && (t[1] == 'O' || t[1] == 'f') && t[2] == '\0') {
			i++; /* its argument, whatever it looks like */
			continue;
		}
		if (strncmp(t, "--", 2) || strchr(t, '=') || len == 2)
			continue;
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			if (!strcmp(t + 2, names[k]))
				full++;
			else if (!strncmp(t + 2, names[k], len - 2))
				prefix++;
		}
		if (!full && prefix == 1) {
			fprintf(stderr, "qemu-img: unrecognized option '%s'\n"
			        "Try 'qemu-img --help' for more information\n", t);
			mq_exit(1);
		}
		if (!strcmp(t, "--object"))
			i++;
	}
	mq_exec_qemu(argv + 1);
}
