/*
 * fraction-truncate: a size with a fraction and a scaling suffix is
 * truncated instead of rounded half up.  qemu 6.0 to 7.2 computes the
 * product exactly and rounds 0.5 upward (`bs=1.0005k` is 1025, `1.3k` is
 * 1331); this mutant, like a reimplementation that multiplies and casts
 * (or like 5.2's strtod parser), makes them 1024 and 1331.
 *
 * Implementation: every bs=, count= and skip= operand of the form
 * DIGITS '.' DIGITS SUFFIX (SUFFIX one of kKmMgGtTpPeE) is replaced by the
 * truncated integer before the real dd sees it; everything else passes
 * through unchanged.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int shift_of(char c)
{
	const char *s = strchr("kmgtpe", tolower((unsigned char)c));
	return s && c ? 10 * (int)(s - "kmgtpe" + 1) : -1;
}

/* The truncated value of "I.F<suffix>", or -1 when s is not of that form. */
static int truncated(const char *s, uint64_t *out)
{
	uint64_t ip = 0, fp = 0, den = 1, q = 0, r;
	size_t ni = 0, nf = 0;
	const char *p = s;
	int shift;

	while (isdigit((unsigned char)*p)) {
		if (++ni > 18)
			return -1;
		ip = ip * 10 + (uint64_t)(*p++ - '0');
	}
	if (ni == 0 || *p++ != '.')
		return -1;
	while (isdigit((unsigned char)*p)) {
		if (++nf > 18)
			return -1;
		fp = fp * 10 + (uint64_t)(*p - '0');
		den *= 10;
		p++;
	}
	if (nf == 0 || (shift = shift_of(*p)) < 0 || p[1] != '\0')
		return -1;
	/* floor(fp * 2^shift / den), one bit at a time (den <= 10^18). */
	r = fp;
	for (int i = 0; i < shift; i++) {
		q <<= 1;
		r <<= 1;
		if (r >= den) {
			q++;
			r -= den;
		}
	}
	if (ip > (UINT64_MAX - q) >> shift)
		return -1;
	*out = (ip << shift) + q;
	return 0;
}

int main(int argc, char **argv)
{
	mq_dd dd;
	char **args;

	args = mq_dd_edit_start(&dd, argc, argv, "fraction-truncate");
	for (int n = 0; n < dd.noperands; n++) {
		int i = dd.operands[n];
		const char *t = args[i], *eq = strchr(t, '=');
		uint64_t v;
		char buf[32];

		if (!eq)
			continue;
		if (strncmp(t, "bs=", 3) != 0 && strncmp(t, "count=", 6) != 0 &&
		    strncmp(t, "skip=", 5) != 0)
			continue;
		if (truncated(eq + 1, &v) != 0)
			continue;
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		mq_args_set_operand(args, i, buf);
	}
	mq_exec_qemu(args);
}
