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

#include <string.h>

static const char *const keys[] = {"bs", "count", "skip", "if", "of"};

static const char *expanded(const char *key, size_t len)
{
	for (size_t k = 0; len && k < sizeof(keys) / sizeof(keys[0]); k++)
		if (len < strlen(keys[k]) && !strncmp(key, keys[k], len))
			return keys[k];
	return NULL;
}

int main(int argc, char **argv)
{
	mq_exec_keys_read_as(argc, argv, "key-abbrev", expanded);
}
