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

#include <string.h>
#include <strings.h>

static const char *const keys[] = {"bs", "count", "skip", "if", "of"};

static const char *folded(const char *key, size_t len)
{
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (strlen(keys[k]) == len && !strncasecmp(key, keys[k], len))
			return keys[k];
	return NULL;
}

int main(int argc, char **argv)
{
	mq_exec_keys_read_as(argc, argv, "key-case-fold", folded);
}
