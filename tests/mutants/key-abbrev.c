/*
 * key-abbrev: operand keys matched by prefix, as GNU tools match long
 * options (`strncmp(key, "count", strlen(key))`), so `c=1`, `coun=1` or
 * `sk=2` are read as count and skip where qemu's img_dd compares keys
 * exactly and stops at "unrecognized operand c".  Every prefix of a key
 * is unambiguous among bs, count, skip, if and of.  The generator writes
 * whole keys only; a shortened one comes from below it.
 *
 * Implementation: an operand whose key is a proper, non-empty prefix of
 * one of those keys is given the whole key before the real dd sees it.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const keys[] = {"bs", "count", "skip", "if", "of"};

int main(int argc, char **argv)
{
	mq_dd dd;
	char **args;

	mq_start(argc, argv, "key-abbrev");
	mq_parse_dd(&dd, argc - 1, argv + 1);
	if (!dd.options_ok)
		mq_exec_qemu(argv + 1);
	args = mq_args_copy(&dd);
	for (int n = 0; n < dd.noperands; n++) {
		int i = dd.operands[n];
		const char *eq = strchr(args[i], '=');
		size_t klen = eq ? (size_t)(eq - args[i]) : 0;

		for (size_t k = 0; klen && k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (klen < strlen(keys[k]) && !strncmp(args[i], keys[k], klen)) {
				char *t = malloc(strlen(keys[k]) + strlen(eq) + 1);
				if (!t)
					abort();
				sprintf(t, "%s%s", keys[k], eq);
				args[i] = t;
				break;
			}
		}
	}
	mq_exec_qemu(args);
}
