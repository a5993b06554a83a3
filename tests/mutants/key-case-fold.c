/*
 * key-case-fold: operand keys compared without regard to case (strcasecmp,
 * or keys lowered before a lookup), so `BS=4096` or `Count=1` are read as
 * bs and count where qemu's img_dd compares them exactly and stops at
 * "unrecognized operand BS".  The generator writes keys only in lower
 * case; a key in capitals comes from below it.
 *
 * Implementation: every operand whose key is bs, count, skip, if or of in
 * another case is given the lower-case key before the real dd sees it.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const keys[] = {"bs", "count", "skip", "if", "of"};

int main(int argc, char **argv)
{
	mq_dd dd;
	char **args;

	mq_start(argc, argv, "key-case-fold");
	mq_parse_dd(&dd, argc - 1, argv + 1);
	if (!dd.options_ok)
		mq_exec_qemu(argv + 1);
	args = mq_args_copy(&dd);
	for (int n = 0; n < dd.noperands; n++) {
		int i = dd.operands[n];
		const char *eq = strchr(args[i], '=');
		size_t klen = eq ? (size_t)(eq - args[i]) : 0;

		for (size_t k = 0; eq && k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (strlen(keys[k]) == klen && !strncasecmp(args[i], keys[k], klen)) {
				char *t = strdup(args[i]);
				if (!t)
					abort();
				for (size_t j = 0; j < klen; j++)
					t[j] = (char)tolower((unsigned char)t[j]);
				args[i] = t;
			}
		}
	}
	mq_exec_qemu(args);
}
