/*
 * sizes_fuzzer.c: ddp_strtosz on arbitrary text, in every profile at once.
 *
 * Input: the text (up to its first NUL, as argv would carry it).
 * Properties, per profile: the answer is a value, a parse error, a range
 * error, or "unmodelled" where qemu itself reads past the string; it is
 * deterministic; blank text is a parse error; nothing may follow a suffix;
 * hex warnings come only from the era that prints them, for hex text.
 * ddp_parse_number reads bs as qemu_strtosz, count and skip alike (as
 * qemu_strtosz, or as a plain integer where the profile says so).
 * Against an independent reading of the simple grammars the facts pin
 * down (decimal or 0x hex with one optional suffix; -N; a short non-zero
 * fraction with no scaling suffix): the same answer in every era they
 * hold for.  Across profiles: those that share every strtosz rule agree
 * everywhere, and the era that warns on hex with a suffix agrees with the
 * era that rejects it except exactly there.
 */
#define FUZZ_TARGET "sizes"
#include "fuzz.h"
#include "internal.h" /* each profile's parser era and hex rule */

#define MAX_PROFILES 16

static char text[FUZZ_MAX_TEXT + 2];

static uint64_t suffix_of(char c)
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

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* What the simple grammars say, where they apply. */
typedef struct oracle {
	int plain;      /* [ws][+]DIGITS[SUFFIX] */
	int hex;        /* [ws][+]0xHEX[SUFFIX] */
	int negative;   /* [ws]-DIGITS, at most 18 digits */
	int fraction;   /* [ws][+]DIGITS.DIGITS[b], non-zero, 15 digits at most */
	int digits;     /* decimal digits read (plain, fraction) */
	int octal;      /* plain, and a 0 before more digits (base 0 reads octal) */
	int has_suffix;
	int overflow;   /* the digits alone overflow 64 bits */
	int rc;         /* plain and hex: the modern eras' answer */
	int rc_suffix_rejected; /* hex with a suffix where that is an error */
	uint64_t value;
} oracle;

static void read_oracle(oracle *o, const char *s)
{
	const char *p = s;
	unsigned __int128 v = 0;
	int over = 0;
	uint64_t mul = 1;

	memset(o, 0, sizeof(*o));
	while (is_space(*p))
		p++;
	if (*p == '-') {
		const char *d = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		o->negative = p > d && p - d <= 18 && !*p;
		return;
	}
	if (*p == '+')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hex_digit(p[2]) >= 0) {
		p += 2;
		for (; hex_digit(*p) >= 0; p++) {
			v = v * 16 + (unsigned)hex_digit(*p);
			over |= v > UINT64_MAX;
		}
		if (*p && (mul = suffix_of(*p)) && !p[1]) {
			o->has_suffix = 1;
			p++;
		}
		if (*p)
			return;
		o->hex = 1;
	} else {
		const char *d = p;
		for (; *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (unsigned)(*p - '0');
			over |= v > UINT64_MAX;
		}
		o->digits = (int)(p - d);
		o->octal = o->digits > 1 && d[0] == '0';
		if (p == d)
			return;
		if (*p == '.') {
			const char *f = ++p;
			int nonzero = 0;
			for (; *p >= '0' && *p <= '9'; p++)
				nonzero |= *p != '0';
			if (*p == 'b' || *p == 'B')
				p++;
			o->fraction = !*p && nonzero && p - f <= 15 && o->digits <= 15;
			o->digits += (int)(p - f);
			return;
		}
		if (*p && (mul = suffix_of(*p)) && !p[1]) {
			o->has_suffix = 1;
			p++;
		}
		if (*p)
			return;
		o->plain = 1;
	}
	o->overflow = over;
	if (over) {
		/* strtoull's ERANGE, unless text follows the number */
		o->rc = o->has_suffix ? DDP_EINVAL : DDP_ERANGE;
	} else if (v * mul > UINT64_MAX) {
		o->rc = DDP_ERANGE;
	} else {
		o->rc = DDP_OK;
		o->value = (uint64_t)(v * mul);
	}
	o->rc_suffix_rejected = o->has_suffix ? DDP_EINVAL : o->rc;
}

typedef struct answer {
	int rc, hex;
	uint64_t value;
} answer;

static int same_answer(const answer *a, const answer *b)
{
	return a->rc == b->rc && (a->rc != DDP_OK || a->value == b->value);
}

static int same_rules(const ddp_profile *a, const ddp_profile *b)
{
	return a->parser == b->parser && a->hex_suffix == b->hex_suffix &&
	       a->fraction_one_bug == b->fraction_one_bug;
}

static void check_profile(const ddp_profile *p, const answer *a, const oracle *o,
                          size_t len)
{
	answer again = {0, 0, 0};
	int blank = 1;

	FUZZ_CHECK(a->rc == DDP_OK || a->rc == DDP_EINVAL || a->rc == DDP_ERANGE ||
	           a->rc == DDP_EUNMODELLED, "a value, a parse or range error, or unmodelled");
	again.rc = ddp_strtosz(&again.value, NULL, text, p);
	FUZZ_CHECK(same_answer(a, &again), "deterministic, with or without the warning flag");
	FUZZ_CHECK(!a->hex || p->hex_suffix == DDP_HEX_SUFFIX_WARN,
	           "only the era that warns on hex suffixes warns");
	FUZZ_CHECK(!a->hex || strpbrk(text, "xX"), "a hex warning needs hex text");
	for (size_t i = 0; i < len; i++)
		blank &= is_space(text[i]);
	FUZZ_CHECK(!blank || a->rc == DDP_EINVAL, "blank text is a parse error");

	/*
	 * In the 6.0-8.0 era a fraction strtod cannot read (overflow,
	 * underflow) makes qemu step over the next byte, suffix or not:
	 * 7.2 reads "1.5e999Bb" as 1.  There the last letter may be no suffix.
	 */
	if (a->rc == DDP_OK && len && suffix_of(text[len - 1]) && !strpbrk(text, "xX") &&
	    !(p->parser == DDP_PARSER_U64 && strchr(text, '.'))) {
		answer more = {0, 0, 0};
		text[len] = 'b';
		text[len + 1] = '\0';
		more.rc = ddp_strtosz(&more.value, NULL, text, p);
		text[len] = '\0';
		FUZZ_CHECK(more.rc == DDP_EINVAL, "nothing may follow a suffix");
	}

	if (p->parser == DDP_PARSER_STRTOD) {
		/* Short decimals are exact doubles: the same as the integer reading. */
		if (o->plain && o->digits <= 15) {
			FUZZ_CHECK(a->rc == o->rc && (a->rc || a->value == o->value),
			           "5.2 era: a short decimal reads as an integer");
		}
		if (o->fraction && o->digits <= 15)
			FUZZ_CHECK(a->rc == DDP_EINVAL, "a non-zero fraction needs a scaling suffix");
		return;
	}
	if (o->plain)
		FUZZ_CHECK(a->rc == o->rc && (a->rc || a->value == o->value) && !a->hex,
		           "a decimal with an optional suffix reads exactly");
	if (o->hex) {
		int want = p->hex_suffix == DDP_HEX_SUFFIX_ERROR ? o->rc_suffix_rejected : o->rc;
		FUZZ_CHECK(a->rc == want && (a->rc || a->value == o->value),
		           "hex reads exactly, with a suffix where the era allows one");
		FUZZ_CHECK(a->hex == (p->hex_suffix == DDP_HEX_SUFFIX_WARN && o->has_suffix &&
		                      !o->overflow),
		           "hex with a suffix warns where the era warns, unless it overflows");
	}
	if (o->negative)
		FUZZ_CHECK(a->rc == (p->parser == DDP_PARSER_UINT ? DDP_ERANGE : DDP_EINVAL),
		           "-N is a parse error before 8.1 and a range error from 8.1");
	if (o->fraction)
		FUZZ_CHECK(a->rc == DDP_EINVAL, "a non-zero fraction needs a scaling suffix");
}

/*
 * ddp_parse_number: bs is always qemu_strtosz; count and skip read alike,
 * through qemu_strtosz or, where the profile says so, as a plain base-0
 * integer: decimal or 0x hex as read above, and never a suffix.
 */
static void check_numbers(const ddp_profile *p, const answer *sz, const oracle *o)
{
	answer bs = {0, 0, 0}, count = {0, 0, 0}, skip = {0, 0, 0};

	bs.rc = ddp_parse_number(&bs.value, &bs.hex, DDP_NUMBER_BS, text, p);
	count.rc = ddp_parse_number(&count.value, &count.hex, DDP_NUMBER_COUNT, text, p);
	skip.rc = ddp_parse_number(&skip.value, &skip.hex, DDP_NUMBER_SKIP, text, p);
	FUZZ_CHECK(same_answer(&bs, sz) && bs.hex == sz->hex, "bs is read by qemu_strtosz");
	FUZZ_CHECK(same_answer(&count, &skip) && count.hex == skip.hex,
	           "count and skip are read alike");
	if (p->count_parser == DDP_COUNT_STRTOSZ) {
		FUZZ_CHECK(same_answer(&count, sz) && count.hex == sz->hex,
		           "count is read by qemu_strtosz where the profile says so");
		return;
	}
	FUZZ_CHECK(!count.hex, "a plain integer never warns");
	FUZZ_CHECK(count.rc == DDP_OK || count.rc == DDP_EINVAL || count.rc == DDP_ERANGE ||
	           count.rc == DDP_EUNMODELLED, "a plain integer: a value or an error");
	if ((o->plain && !o->octal) || o->hex) {
		int want = o->has_suffix ? DDP_EINVAL : o->rc;
		FUZZ_CHECK(count.rc == want && (want || count.value == o->value),
		           "a plain integer reads decimal and 0x hex, and takes no suffix");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	answer ans[MAX_PROFILES];
	size_t n = ddp_profile_count(), len;
	oracle o;

	if (size > FUZZ_MAX_TEXT)
		return 0;
	FUZZ_CHECK(n <= MAX_PROFILES, "the target knows enough profiles");
	memcpy(text, data, size);
	text[size] = '\0';
	len = strlen(text);
	read_oracle(&o, text);

	for (size_t i = 0; i < n; i++) {
		const ddp_profile *p = ddp_profile_at(i);
		ans[i].value = 0;
		ans[i].hex = 0;
		ans[i].rc = ddp_strtosz(&ans[i].value, &ans[i].hex, text, p);
		check_profile(p, &ans[i], &o, len);
		check_numbers(p, &ans[i], &o);
	}

	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			const ddp_profile *a = ddp_profile_at(i), *b = ddp_profile_at(j);
			if (same_rules(a, b))
				FUZZ_CHECK(same_answer(&ans[i], &ans[j]) && ans[i].hex == ans[j].hex,
				           "profiles with the same rules agree");
			if (a->parser == DDP_PARSER_U64 && b->parser == DDP_PARSER_U64 &&
			    a->fraction_one_bug == b->fraction_one_bug &&
			    a->hex_suffix == DDP_HEX_SUFFIX_WARN &&
			    b->hex_suffix == DDP_HEX_SUFFIX_ERROR)
				FUZZ_CHECK(ans[i].hex ? ans[j].rc == DDP_EINVAL
				                      : same_answer(&ans[i], &ans[j]),
				           "8.0 differs from 7.2 only on hex with a suffix");
		}
	}
	return 0;
}
