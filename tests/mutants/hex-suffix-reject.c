/*
 * hex-suffix-reject: rejects a hex number with a multiplier suffix
 * (`bs=0x10k`) as a parse error, as qemu 8.0 and later do, where 7.2
 * accepts it with `qemu-img: warning: Using a multiplier suffix on hex
 * numbers is deprecated: 0x10k` (a version-drift mistake: following a newer
 * qemu's rule while claiming to match an older one).
 *
 * Implementation: every bs=, count= and skip= operand whose value is hex
 * followed by a suffix letter gets the value "x" instead, so the real dd
 * prints its own parse error for that operand (in its own version's text)
 * when it reaches it, after any earlier operand's error.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <ctype.h>
#include <string.h>

/* qemu_strtosz's path to the deprecation warning: [space][+]0x HEX SUFFIX. */
static int hex_with_suffix(const char *s)
{
	const char *p = s;
	size_t digits = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+')
		p++;
	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return 0;
	p += 2;
	while (p[0] == '0' && isxdigit((unsigned char)p[1]))
		p++;
	while (isxdigit((unsigned char)*p)) {
		digits++;
		p++;
	}
	if (digits == 0 || digits > 16) /* none: a parse error anyway; > 16: a range error */
		return 0;
	return *p && strchr("kKmMgGtTpP", *p) != NULL;
}

int main(int argc, char **argv)
{
	mq_dd dd;
	char **args;

	args = mq_dd_edit_start(&dd, argc, argv, "hex-suffix-reject");
	for (int n = 0; n < dd.noperands; n++) {
		int i = dd.operands[n];
		const char *t = args[i], *eq = strchr(t, '=');

		if (!eq)
			continue;
		if (strncmp(t, "bs=", 3) != 0 && strncmp(t, "count=", 6) != 0 &&
		    strncmp(t, "skip=", 5) != 0)
			continue;
		if (hex_with_suffix(eq + 1))
			mq_args_set_operand(args, i, "x");
	}
	mq_exec_qemu(args);
}
