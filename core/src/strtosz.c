/*
 * strtosz.c: qemu_strtosz as each era of qemu reads a size.
 *
 * glibc's strtoull and strtod are the parsers qemu itself calls, so they
 * are used here too; everything around them (where the integer part ends,
 * the fraction, the suffix, rounding, the error paths) is modelled per era.
 * Status: DDP_OK, DDP_EINVAL (qemu's -EINVAL: "parse error"), DDP_ERANGE.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef unsigned __int128 u128;

/* suffix_mul() with unit 1024; 0 when c is not a suffix. */
static uint64_t suffix_mul(char c)
{
	switch (c) {
	case 'b': case 'B': return 1;
	case 'k': case 'K': return 1ULL << 10;
	case 'm': case 'M': return 1ULL << 20;
	case 'g': case 'G': return 1ULL << 30;
	case 't': case 'T': return 1ULL << 40;
	case 'p': case 'P': return 1ULL << 50;
	case 'e': case 'E': return 1ULL << 60;
	}
	return 0;
}

/*
 * qemu_strtou64(): strtoull plus qemu's error mapping.  *end always gets
 * strtoull's end, as check_strtox_error sets it before judging.
 */
static int strtou64(uint64_t *out, const char **end, const char *s, int base)
{
	char *ep;

	errno = 0;
	*out = strtoull(s, &ep, base);
	*end = ep;
	if (errno == ERANGE)
		return DDP_ERANGE;
	if (ep == s)
		return DDP_EINVAL;
	return DDP_OK;
}

/* qemu_strtod_finite(): strtod, with no conversion and inf/nan as EINVAL. */
static int strtod_finite(double *out, const char **end, const char *s)
{
	char *ep;
	double d;

	errno = 0;
	d = strtod(s, &ep);
	*end = ep;
	if (errno == ERANGE) {
		*out = d;
		return DDP_ERANGE;
	}
	if (ep == s)
		return DDP_EINVAL;
	if (!isfinite(d)) {
		*end = s;
		return DDP_EINVAL;
	}
	*out = d;
	return DDP_OK;
}

/*
 * val + valf * mul, rounding the 64-bit fixed-point fraction half up:
 * the 128-bit exact product qemu computes.  DDP_ERANGE past 64 bits.
 */
static int scale(uint64_t *out, uint64_t val, uint64_t valf, uint64_t mul)
{
	u128 whole = (u128)val * mul;
	u128 frac = (u128)valf * mul; /* 64.64 fixed point */
	u128 sum = whole + (frac >> 64) + ((frac >> 63) & 1);

	if (sum >> 64)
		return DDP_ERANGE;
	*out = (uint64_t)sum;
	return DDP_OK;
}

/* Before 6.0: the whole number is a double, truncated after scaling. */
static int parse_strtod(uint64_t *out, const char *nptr)
{
	const char *end;
	double val, integral;
	uint64_t mul;
	int rc = strtod_finite(&val, &end, nptr);

	if (rc)
		goto out;
	mul = suffix_mul(*end);
	if (mul)
		end++;
	else
		mul = 1;
	if (mul == 1 && modf(val, &integral) != 0) {
		rc = DDP_EINVAL;
		goto out;
	}
	/* The largest double below 2^64 is the last size it accepts. */
	if (val * (double)mul > nextafter(0x1p64, 0) || val < 0) {
		rc = DDP_ERANGE;
		goto out;
	}
	*out = (uint64_t)(val * (double)mul);
out:
	if (*end)
		rc = DDP_EINVAL;
	return rc;
}

/*
 * 6.0 to 8.0: a base-10 integer part, hex after "0x", a strtod fraction.
 * Returns DDP_EUNMODELLED where qemu reads past the string's end.
 */
static int parse_u64(uint64_t *out, int *hex_warning, const char *nptr,
                     const ddp_profile *p)
{
	const char *end, *f;
	uint64_t val, valf = 0, mul;
	int hex = 0;
	int rc = strtou64(&val, &end, nptr, 10);

	if (rc)
		goto out;
	if (memchr(nptr, '-', (size_t)(end - nptr))) {
		end = nptr;
		rc = DDP_EINVAL;
		goto out;
	}
	if (val == 0 && (*end == 'x' || *end == 'X')) {
		rc = strtou64(&val, &end, nptr, 16);
		if (rc)
			goto out;
		if (*end == '.' ||
		    (p->hex_suffix == DDP_HEX_SUFFIX_ERROR && suffix_mul(*end))) {
			end = nptr;
			rc = DDP_EINVAL;
			goto out;
		}
		hex = 1;
	} else if (*end == '.') {
		double fraction = 0;

		f = end;
		if (strtod_finite(&fraction, &end, f) != DDP_OK) {
			/* qemu steps over one byte, even the terminating NUL. */
			if (*end == '\0')
				return DDP_EUNMODELLED;
			end++;
		} else if (memchr(f, 'e', (size_t)(end - f)) ||
		           memchr(f, 'E', (size_t)(end - f))) {
			end = nptr;
			rc = DDP_EINVAL;
			goto out;
		} else if (fraction >= 1.0) {
			/* (uint64_t)(1.0 * 2^64) is 0 on x86-64: the 1.99...k bug. */
			valf = p->fraction_one_bug ? 0 : UINT64_MAX;
		} else {
			valf = (uint64_t)(fraction * 0x1p64);
		}
	}
	mul = suffix_mul(*end);
	if (mul) {
		if (hex && hex_warning)
			*hex_warning = 1;
		end++;
	} else {
		mul = 1;
	}
	if (mul == 1) {
		if (valf) {
			end = nptr;
			rc = DDP_EINVAL;
			goto out;
		}
	} else if ((rc = scale(&val, val, valf, mul))) {
		goto out;
	}
	rc = DDP_OK;
out:
	if (*end)
		rc = DDP_EINVAL;
	if (rc == DDP_OK)
		*out = val;
	return rc;
}

/* 8.1's parse_uint(): strtoull that calls any leading '-' a range error. */
static int parse_uint(uint64_t *out, const char **end, const char *s)
{
	int rc = strtou64(out, end, s, 10);
	const char *q = s;

	if (rc)
		return rc;
	while (*q == ' ' || (*q >= '\t' && *q <= '\r'))
		q++;
	if (*q == '-') {
		*out = 0;
		return DDP_ERANGE;
	}
	return DDP_OK;
}

/*
 * 8.1 on: negatives are range errors, ".5k" is accepted, a fraction that
 * rounds to 1.0 carries into the integer, hex takes no suffix.
 */
static int parse_uint_era(uint64_t *out, const char *nptr)
{
	const char *end;
	uint64_t val = 0, valf = 0, mul;
	int rc = parse_uint(&val, &end, nptr);

	if (rc == DDP_ERANGE)
		goto out;
	if (rc == DDP_OK && val == 0 && (*end == 'x' || *end == 'X')) {
		rc = strtou64(&val, &end, nptr, 16);
		if (rc)
			goto out;
		if (*end == '.' || suffix_mul(*end)) {
			end = nptr;
			rc = DDP_EINVAL;
			goto out;
		}
	} else if (*end == '.' || (end == nptr && strchr(nptr, '.'))) {
		double fraction = 0.0;

		if (rc == DDP_OK && *end == '.' &&
		    !(end[1] >= '0' && end[1] <= '9')) {
			end++; /* "1." or "1.k": digits were already read */
		} else {
			/*
			 * strtod on the text up to the first 'e' or 'E', which
			 * are suffixes here, never exponents.
			 */
			size_t n = strcspn(end, "eE");
			char copy[4096];
			const char *tail;

			if (n >= sizeof(copy))
				return DDP_EUNMODELLED;
			memcpy(copy, end, n);
			copy[n] = '\0';
			rc = strtod_finite(&fraction, &tail, copy);
			end += tail - copy;
			if (signbit(fraction)) {
				rc = DDP_ERANGE;
				goto out;
			}
		}
		if (fraction == 1.0) {
			if (val == UINT64_MAX) {
				rc = DDP_ERANGE;
				goto out;
			}
			val++;
		} else if (rc == DDP_ERANGE) {
			valf = 1; /* underflow: a tiny but non-zero fraction */
			rc = DDP_OK;
		} else {
			valf = (uint64_t)(fraction * 0x1p64);
			if (valf == 0 && fraction > 0.0)
				valf = 1;
		}
	}
	if (rc)
		goto out;
	if (memchr(nptr, '-', (size_t)(end - nptr))) {
		end = nptr;
		rc = DDP_EINVAL;
		goto out;
	}
	mul = suffix_mul(*end);
	if (mul)
		end++;
	else
		mul = 1;
	if (mul == 1) {
		if (valf) {
			end = nptr;
			rc = DDP_EINVAL;
			goto out;
		}
	} else if ((rc = scale(&val, val, valf, mul))) {
		goto out;
	}
	rc = DDP_OK;
out:
	if (*end)
		rc = DDP_EINVAL;
	if (rc == DDP_OK)
		*out = val;
	return rc;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * qemu_strtou64(text, NULL, 0): glibc's strtoull in base 0 (leading
 * blanks, a sign that negates modulo 2^64, 0x hex, octal after a 0;
 * overflow is ERANGE, but only once the whole text was read), then
 * qemu's check: nothing read or anything left is a parse error.
 * Written out rather than called, because glibc 2.38 on reads "0b101"
 * as binary for programs built with _GNU_SOURCE (C23) and older glibc
 * does not: what a qemu-img does there depends on the glibc it was
 * built against, which its version does not tell (DDP_EUNMODELLED).
 */
static int strtou64_base0(uint64_t *out, const char *nptr)
{
	const char *s = nptr;
	uint64_t v = 0;
	int base = 10, neg = 0, overflow = 0;
	const char *digits;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B') && digit_value(s[2]) < 2) {
		return DDP_EUNMODELLED;
	} else if (s[0] == '0') {
		base = 8;
	}
	digits = s;
	for (; digit_value(*s) < base; s++) {
		unsigned d = (unsigned)digit_value(*s);
		if (v > (UINT64_MAX - d) / (unsigned)base)
			overflow = 1;
		v = v * (unsigned)base + d;
	}
	if (s == digits || *s)
		return DDP_EINVAL; /* nothing converted, or text after the number */
	if (overflow)
		return DDP_ERANGE;
	*out = neg ? 0 - v : v;
	return DDP_OK;
}

int ddp_parse_number(uint64_t *out, int *hex_warning, ddp_number_kind kind,
                     const char *text, const ddp_profile *p)
{
	uint64_t v = 0;
	int rc;

	if (kind == DDP_NUMBER_BS || p->count_parser == DDP_COUNT_STRTOSZ)
		return ddp_strtosz(out, hex_warning, text, p);
	if (hex_warning)
		*hex_warning = 0;
	rc = strtou64_base0(&v, text);
	if (rc == DDP_OK)
		*out = v;
	return rc;
}

int ddp_strtosz(uint64_t *out, int *hex_warning, const char *text,
                const ddp_profile *p)
{
	uint64_t v = 0;
	int rc;

	if (hex_warning)
		*hex_warning = 0;
	switch (p->parser) {
	case DDP_PARSER_STRTOD:
		rc = parse_strtod(&v, text);
		break;
	case DDP_PARSER_U64:
		rc = parse_u64(&v, hex_warning, text, p);
		break;
	default:
		rc = parse_uint_era(&v, text);
		break;
	}
	if (rc == DDP_OK)
		*out = v;
	return rc;
}
