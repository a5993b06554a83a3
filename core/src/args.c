/*
 * args.c: the arguments of `qemu-img dd`, read as img_dd reads them.
 *
 * First getopt_long over the whole vector, permuting as glibc does, with
 * the profile's long options: either silenced (":hf:O:U", qemu prints
 * the element) or printing glibc's own errors ("hf:O:U", 10.0 on); then
 * the operands, left to right, each through its callback.  Only the
 * first error is printed.
 */
#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* One step of getopt: an option (with its argument) or an error. */
typedef struct getopt_event {
	int c;              /* option value, 1 a non-option, '?' an error, 0 end */
	const char *optarg; /* the option's argument; a non-option's text */
	ddp_msg_id err;     /* for '?': the line printed */
	const char *s0;     /* what it quotes */
	size_t len0;
	int64_t n0;         /* the ambiguous long options, as bits */
} getopt_event;

typedef struct getopt_state {
	const ddp_profile *p;
	int argc;
	const char *const *argv;
	int idx;              /* the element being read */
	const char *nextchar; /* inside a short-option cluster, or NULL */
	int last_nonopt;      /* the last non-option skipped so far, or -1 */
	int dashdash;         /* index just after "--", or argc + 1 */
	ddp_outcome *out;     /* where the spellings met are marked */
} getopt_state;

static int is_nonopt(const char *s)
{
	return s[0] != '-' || s[1] == '\0';
}

static void mark(getopt_state *st, ddp_mark m)
{
	ddp_outcome_mark(st->out, m);
}

static getopt_event error_event(ddp_msg_id id, const char *s, size_t len, int64_t n0)
{
	getopt_event ev = {'?', NULL, id, s, len, n0};
	return ev;
}

/*
 * argv[optind - 1] while a cluster is read and optind has not moved: the
 * element just before the current one once glibc has permuted, which is
 * the last non-option skipped, or else the element before, or "dd".
 */
static const char *element_before(const getopt_state *st)
{
	if (st->last_nonopt >= 0)
		return st->argv[st->last_nonopt];
	return st->idx > 0 ? st->argv[st->idx - 1] : "dd";
}

/*
 * glibc's process_long_option(): an exact name, else a unique prefix
 * (prefixes of options that differ only in name are not ambiguous).
 * qemu's ":" silences glibc and prints the element itself; without it
 * glibc prints its own line.
 */
static getopt_event long_option(getopt_state *st)
{
	const ddp_long_option *lo = st->p->long_options;
	int glibc = st->p->getopt == DDP_GETOPT_GLIBC;
	const char *arg = st->argv[st->idx];
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int found = -1;
	int64_t ambiguous = 0;
	getopt_event ev = {0, NULL, DDP_MSG__COUNT, NULL, 0, 0};

	for (int i = 0; lo[i].name; i++)
		if (strlen(lo[i].name) == len && !strncmp(lo[i].name, name, len)) {
			found = i;
			break;
		}
	for (int i = 0, exact = found >= 0; !exact && lo[i].name; i++) {
		if (strncmp(lo[i].name, name, len))
			continue;
		if (found < 0)
			found = i;
		else if (lo[i].has_arg != lo[found].has_arg || lo[i].val != lo[found].val)
			ambiguous |= (int64_t)1 << i | (int64_t)1 << found;
	}
	st->idx++;
	if (found < 0) {
		for (int i = 0; lo[i].name; i++)
			if (!strncasecmp(lo[i].name, name, len))
				mark(st, DDP_MARK_OPTION_CASE);
		return error_event(DDP_MSG_UNRECOGNIZED_OPTION, arg, strlen(arg), 0);
	}
	if (strlen(lo[found].name) != len)
		mark(st, DDP_MARK_OPTION_LONG_PREFIX);
	if (eq)
		mark(st, DDP_MARK_OPTION_LONG_EQ);
	if (ambiguous)
		return glibc ? error_event(DDP_MSG_AMBIGUOUS_OPTION, arg, strlen(arg), ambiguous)
		             : error_event(DDP_MSG_UNRECOGNIZED_OPTION, arg, strlen(arg), 0);
	if (eq) {
		if (!lo[found].has_arg)
			return glibc ? error_event(DDP_MSG_OPTION_NO_ARGUMENT, lo[found].name,
			                           strlen(lo[found].name), 0)
			             : error_event(DDP_MSG_UNRECOGNIZED_OPTION, arg, strlen(arg), 0);
		ev.optarg = eq + 1;
	} else if (lo[found].has_arg) {
		if (st->idx >= st->argc)
			return glibc ? error_event(DDP_MSG_OPTION_NEEDS_ARGUMENT, lo[found].name,
			                           strlen(lo[found].name), 0)
			             : error_event(DDP_MSG_MISSING_ARGUMENT, arg, strlen(arg), 0);
		ev.optarg = st->argv[st->idx++];
	}
	ev.c = lo[found].val;
	return ev;
}

/* One character of a short-option cluster, against "hf:O:U". */
static getopt_event short_option(getopt_state *st)
{
	int glibc = st->p->getopt == DDP_GETOPT_GLIBC;
	const char *elem = st->argv[st->idx];
	const char *at = st->nextchar++;
	char c = *at;
	int last = *st->nextchar == '\0';
	getopt_event ev = {c, NULL, DDP_MSG__COUNT, NULL, 0, 0};

	if (at != elem + 1)
		mark(st, DDP_MARK_OPTION_CLUSTER);
	if (last) {
		st->idx++;
		st->nextchar = NULL;
	}
	if (c == 'h' || c == 'U')
		return ev;
	if (c == 'f' || c == 'O') {
		if (!last) {
			mark(st, DDP_MARK_OPTION_ATTACHED);
			ev.optarg = st->nextchar;
			st->idx++;
			st->nextchar = NULL;
		} else if (st->idx >= st->argc) {
			return glibc ? error_event(DDP_MSG_MISSING_ARGUMENT, at, 1, 0)
			             : error_event(DDP_MSG_MISSING_ARGUMENT, elem, strlen(elem), 0);
		} else {
			ev.optarg = st->argv[st->idx++];
		}
		return ev;
	}
	if (c && strchr("hfOU", isupper((unsigned char)c) ? tolower((unsigned char)c)
	                                                 : toupper((unsigned char)c)))
		mark(st, DDP_MARK_OPTION_CASE);
	if (glibc)
		return error_event(DDP_MSG_INVALID_OPTION, at, 1, 0);
	elem = last ? elem : element_before(st);
	return error_event(DDP_MSG_UNRECOGNIZED_OPTION, elem, strlen(elem), 0);
}

/*
 * The next event in argv order: an option, or (c == 1, token) a
 * non-option, which img_dd reads as an operand once all options are done.
 * Everything after "--" is a non-option.
 */
static getopt_event next_event(getopt_state *st)
{
	getopt_event ev = {0, NULL, DDP_MSG__COUNT, NULL, 0, 0};

	if (st->nextchar && *st->nextchar)
		return short_option(st);
	st->nextchar = NULL;
	if (st->idx >= st->argc)
		return ev;
	if (st->idx >= st->dashdash || is_nonopt(st->argv[st->idx])) {
		if (st->idx < st->dashdash)
			st->last_nonopt = st->idx;
		else if (st->argv[st->idx][0] == '-')
			mark(st, DDP_MARK_DASHDASH_DASH);
		ev.c = 1;
		ev.optarg = st->argv[st->idx++];
		return ev;
	}
	if (!strcmp(st->argv[st->idx], "--")) {
		mark(st, DDP_MARK_DASHDASH);
		st->dashdash = ++st->idx;
		return next_event(st);
	}
	if (st->last_nonopt >= 0)
		mark(st, DDP_MARK_OPTION_PERMUTED);
	if (st->argv[st->idx][1] == '-')
		return long_option(st);
	st->nextchar = st->argv[st->idx] + 1;
	return short_option(st);
}

static void fail_line(ddp_request *req, ddp_outcome *out, ddp_rule rule, ddp_msg_id id,
                      const char *s0, size_t len0, const char *s1, size_t len1)
{
	ddp_outcome_rule(out, rule);
	ddp_outcome_add(out, id, s0, len0, s1, len1);
	req->failed = 1;
	out->exit_code = 1;
}

/*
 * --object ARG, when qemu creates the object: the error it prints, where
 * the model knows it.  Nothing, or a single KEY=VALUE with a plain key
 * other than qom-type and id, misses the type in every version.  A bare
 * word is the type: 5.2's QemuOpts then miss the id; 6.0 on (keyval and
 * QAPI) check the type first, and a word with a character no QOM type
 * name has (they are [a-z0-9_-]) is no type in any build.  Whether a
 * lowercase word names a type is the build's business.
 */
static int object_option(ddp_request *req, ddp_outcome *out, const ddp_profile *p,
                         const char *arg, ddp_error *err)
{
	static const char type_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-_";

	static const char key_chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
	const char *eq = strchr(arg, '=');
	size_t keylen = eq ? (size_t)(eq - arg) : 0;

	/* Nothing, or one plain KEY=VALUE that is neither the type nor the id. */
	if (!*arg || (eq && !strchr(arg, ',') && keylen && isalpha((unsigned char)*arg) &&
	              strspn(arg, key_chars) == keylen &&
	              !(keylen == 8 && !memcmp(arg, "qom-type", 8)) &&
	              !(keylen == 2 && !memcmp(arg, "id", 2)))) {
		fail_line(req, out, DDP_RULE_OBJECT_INVALID, DDP_MSG_OBJECT_MISSING, "qom-type", 8, NULL, 0);
		return DDP_OK;
	}
	if (strpbrk(arg, ",=") || *arg == '{' || !strcmp(arg, "help") || !strcmp(arg, "?"))
		return ddp_fail(err, DDP_EUNMODELLED, "--object", 0, 0, 0,
		                "--object with an object definition or help; the model follows "
		                "only a bare type name or one other parameter");
	if (p->object == DDP_OBJECT_AFTER_OPERANDS) {
		fail_line(req, out, DDP_RULE_OBJECT_INVALID, DDP_MSG_OBJECT_MISSING, "id", 2, NULL, 0);
		return DDP_OK;
	}
	if (strspn(arg, type_chars) == strlen(arg))
		return ddp_fail(err, DDP_EUNMODELLED, "--object", 0, 0, 0,
		                "--object '%.60s': whether it names a QOM type depends on the build", arg);
	fail_line(req, out, DDP_RULE_OBJECT_INVALID, DDP_MSG_OBJECT_BAD_TYPE, arg, strlen(arg), NULL, 0);
	return DDP_OK;
}

/* The rule of the parser that reads a kind of number in profile p. */
static ddp_rule parse_rule(const ddp_profile *p, ddp_number_kind kind)
{
	if (kind != DDP_NUMBER_BS && p->count_parser == DDP_COUNT_STRTOU64)
		return DDP_RULE_NUMBER_PARSE_STRTOU64;
	switch (p->parser) {
	case DDP_PARSER_STRTOD:
		return DDP_RULE_NUMBER_PARSE_STRTOD;
	case DDP_PARSER_U64:
		return DDP_RULE_NUMBER_PARSE_U64;
	case DDP_PARSER_UINT:
		break;
	}
	return DDP_RULE_NUMBER_PARSE_UINT;
}

/* The rule of a getopt error, by the line it prints. */
static ddp_rule option_rule(ddp_msg_id id)
{
	switch (id) {
	case DDP_MSG_AMBIGUOUS_OPTION:
		return DDP_RULE_OPTION_AMBIGUOUS;
	case DDP_MSG_MISSING_ARGUMENT:
	case DDP_MSG_OPTION_NEEDS_ARGUMENT:
		return DDP_RULE_OPTION_NEEDS_ARGUMENT;
	case DDP_MSG_OPTION_NO_ARGUMENT:
		return DDP_RULE_OPTION_TAKES_NO_ARGUMENT;
	default:
		return DDP_RULE_OPTION_UNRECOGNIZED;
	}
}

/*
 * The marks of a number's spelling, read from its text alone (so the same
 * for every parser): blanks, sign, hex, a leading zero, a fraction, an
 * exponent, the unit letter and its case.
 */
static void number_marks(ddp_outcome *out, const char *v)
{
	static const char units[] = "bBkKmMgGtTpPeE";
	const char *p = v, *end = v + strlen(v);

	if (strpbrk(v, " \t\n\v\f\r"))
		ddp_outcome_mark(out, DDP_MARK_NUMBER_BLANK);
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-') {
		ddp_outcome_mark(out, DDP_MARK_NUMBER_SIGN);
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		ddp_outcome_mark(out, DDP_MARK_NUMBER_HEX);
	else if (p[0] == '0' && isdigit((unsigned char)p[1]))
		ddp_outcome_mark(out, DDP_MARK_NUMBER_ZERO_LEAD);
	if (strchr(p, '.'))
		ddp_outcome_mark(out, DDP_MARK_NUMBER_FRACTION);
	for (const char *e = p; (e = strpbrk(e, "eE")); e++)
		if (e > p && isdigit((unsigned char)e[-1]) &&
		    (isdigit((unsigned char)e[1]) || ((e[1] == '+' || e[1] == '-') && isdigit((unsigned char)e[2]))))
			ddp_outcome_mark(out, DDP_MARK_NUMBER_EXPONENT);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end > p && strchr(units, end[-1]) && (end - 1 == p || isdigit((unsigned char)end[-2]) ||
	                                          end[-2] == '.' || isspace((unsigned char)end[-2]))) {
		ddp_outcome_mark(out, DDP_MARK_NUMBER_SUFFIX);
		if (islower((unsigned char)end[-1]))
			ddp_outcome_mark(out, DDP_MARK_NUMBER_SUFFIX_LOWER);
		if (end[-1] == 'b' || end[-1] == 'B')
			ddp_outcome_mark(out, DDP_MARK_NUMBER_SUFFIX_BYTES);
	}
}

/* cvtnum_full(): a number operand with qemu's messages on failure. */
static int number_operand(int64_t *dst, ddp_request *req, ddp_outcome *out,
                          const ddp_profile *p, ddp_number_kind kind,
                          const char *key, size_t keylen, const char *value,
                          int64_t min, int64_t max, ddp_error *err, int operand_no)
{
	uint64_t res = 0;
	int hex_warning = 0;
	int rc = ddp_parse_number(&res, &hex_warning, kind, value, p);

	number_marks(out, value);
	if (rc == DDP_EUNMODELLED)
		return ddp_fail(err, rc, "operand", 0, 0, (size_t)operand_no,
		                kind != DDP_NUMBER_BS && p->count_parser == DDP_COUNT_STRTOU64
		                ? "'%.100s': a 0b prefix reads as binary only with C23 glibc (build-dependent)"
		                : "qemu reads past the end of '%.100s' (undefined)", value);
	if (hex_warning) {
		/* Room for this line and the two qemu may still print after it. */
		if (out->nmsgs + 3 > DDP_MAX_MSGS)
			return ddp_fail(err, DDP_EUNMODELLED, "operand", 0, 0, (size_t)operand_no,
			                "more hex-suffix warnings than an outcome holds (%d lines)",
			                DDP_MAX_MSGS);
		ddp_outcome_rule(out, DDP_RULE_HEX_SUFFIX_WARNING);
		ddp_outcome_add(out, DDP_MSG_HEX_SUFFIX, value, strlen(value), NULL, 0);
	}
	if (rc == DDP_EINVAL) {
		fail_line(req, out, parse_rule(p, kind), DDP_MSG_INVALID_NUMBER, key, keylen, value, strlen(value));
		if (p->msg[DDP_MSG_INVALID_NUMBER_2])
			ddp_outcome_add(out, DDP_MSG_INVALID_NUMBER_2, NULL, 0, NULL, 0);
		return DDP_OK;
	}
	if (rc == DDP_ERANGE || res > (uint64_t)max || res < (uint64_t)min) {
		fail_line(req, out, DDP_RULE_NUMBER_RANGE, DDP_MSG_NUMBER_RANGE, key, keylen, value, strlen(value));
		out->msgs[out->nmsgs - 1].n[0] = min;
		out->msgs[out->nmsgs - 1].n[1] = max;
		return DDP_OK;
	}
	if (res == 0)
		ddp_outcome_mark(out, DDP_MARK_NUMBER_ZERO);
	if (res == (uint64_t)max)
		ddp_outcome_mark(out, DDP_MARK_NUMBER_MAX);
	*dst = (int64_t)res;
	return DDP_OK;
}

/* The operand keys img_dd knows; operand() dispatches on the index, *seen has its bits. */
enum { KEY_BS, KEY_COUNT, KEY_SKIP, KEY_IF, KEY_OF, KEY__COUNT };
static const char *const operand_keys[KEY__COUNT] = {"bs", "count", "skip", "if", "of"};

/* Whether a and b (lengths na, nb) are one insertion, deletion, change or swap apart. */
static int one_edit(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0;

	if (na < nb)
		return one_edit(b, nb, a, na);
	if (na - nb > 1)
		return 0;
	while (i < nb && a[i] == b[i])
		i++;
	if (na > nb)
		return !memcmp(a + i + 1, b + i, nb - i);
	if (i == na)
		return 0;
	if (!memcmp(a + i + 1, b + i + 1, na - i - 1))
		return 1;
	return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] && !memcmp(a + i + 2, b + i + 2, na - i - 2);
}

/*
 * An unknown key's near misses of the known ones: the comparisons a
 * reimplementation might make looser (a prefix, no case, blanks trimmed),
 * marked as a comparison-splitting fuzzer would see them.
 */
static void key_marks(ddp_outcome *out, const char *key, size_t len)
{
	size_t b = 0, e = len;

	while (b < e && isspace((unsigned char)key[b]))
		b++;
	while (e > b && isspace((unsigned char)key[e - 1]))
		e--;
	for (size_t i = 0; i < KEY__COUNT; i++) {
		const char *k = operand_keys[i];
		size_t n = strlen(k);

		/* Apart: matching by abbreviation and by strncmp(key, k, n) are different slips. */
		if (len && len < n && !memcmp(k, key, len))
			ddp_outcome_mark(out, DDP_MARK_KEY_ABBREV);
		else if (len > n && !memcmp(k, key, n))
			ddp_outcome_mark(out, DDP_MARK_KEY_EXTENDED);
		else if (len == n && !strncasecmp(k, key, n))
			ddp_outcome_mark(out, DDP_MARK_KEY_CASE);
		else if ((b || e < len) && e - b == n && !memcmp(k, key + b, n))
			ddp_outcome_mark(out, DDP_MARK_KEY_BLANK);
		else if (one_edit(k, n, key, len))
			ddp_outcome_mark(out, DDP_MARK_KEY_NEAR);
	}
}

static int operand(ddp_request *req, ddp_outcome *out, const ddp_profile *p,
                   const char *arg, int operand_no, unsigned *seen, ddp_error *err)
{
	const char *eq = strchr(arg, '=');
	size_t keylen;
	const char *value;
	unsigned key = 0;

	if (!eq) {
		key_marks(out, arg, strlen(arg));
		fail_line(req, out, DDP_RULE_OPERAND_UNKNOWN, DDP_MSG_UNRECOGNIZED_OPERAND, arg, strlen(arg), NULL, 0);
		return DDP_OK;
	}
	keylen = (size_t)(eq - arg);
	value = eq + 1;
	while (key < KEY__COUNT &&
	       !(keylen == strlen(operand_keys[key]) && !memcmp(arg, operand_keys[key], keylen)))
		key++;
	if (key < KEY__COUNT) {
		if (*seen & 1u << key)
			ddp_outcome_mark(out, DDP_MARK_OPERAND_REPEATED);
		*seen |= 1u << key;
		if (strchr(value, '='))
			ddp_outcome_mark(out, DDP_MARK_OPERAND_VALUE_EQ);
		if (!*value)
			ddp_outcome_mark(out, DDP_MARK_OPERAND_EMPTY_VALUE);
	}
	switch (key) {
	case KEY_BS:
		return number_operand(&req->bs, req, out, p, DDP_NUMBER_BS, arg, keylen,
		                      value, 1, INT_MAX, err, operand_no);
	case KEY_COUNT: {
		int rc = number_operand(&req->count, req, out, p, DDP_NUMBER_COUNT, arg,
		                        keylen, value, 0, INT64_MAX, err, operand_no);
		req->has_count |= !req->failed;
		return rc;
	}
	case KEY_SKIP: {
		int rc = number_operand(&req->skip, req, out, p, DDP_NUMBER_SKIP, arg,
		                        keylen, value, 0, INT64_MAX, err, operand_no);
		req->has_skip |= !req->failed;
		return rc;
	}
	case KEY_IF:
		req->in_path = value;
		return DDP_OK;
	case KEY_OF:
		req->out_path = value;
		return DDP_OK;
	}
	key_marks(out, arg, keylen);
	fail_line(req, out, DDP_RULE_OPERAND_UNKNOWN, DDP_MSG_UNRECOGNIZED_OPERAND, arg, keylen, NULL, 0);
	return DDP_OK;
}

int ddp_parse_args(ddp_request *req, ddp_outcome *out, const ddp_profile *p,
                   int argc, const char *const *argv, ddp_error *err)
{
	getopt_state st = {p, argc, argv, 0, NULL, -1, argc + 1, out};
	getopt_event ev;
	const char *object = NULL; /* the first --object, created after the operands */
	int operand_no = 0;
	unsigned seen_keys = 0;
	uint64_t seen_options = 0; /* by option value, to mark one given again */

	memset(req, 0, sizeof(*req));
	memset(out, 0, sizeof(*out));
	req->bs = 512;
	req->out_fmt = "raw";
	if (!p)
		return ddp_fail(err, DDP_EINVAL, "arguments", 0, 0, 0, "no profile");
	if (argc < 0 || (argc > 0 && !argv))
		return ddp_fail(err, DDP_EINVAL, "arguments", 0, 0, 0, "no argument vector");
	for (int i = 0; i < argc; i++)
		if (!argv[i])
			return ddp_fail(err, DDP_EINVAL, "arguments", 0, 0, (size_t)i,
			                "argument %d is NULL", i);

	while ((ev = next_event(&st)).c) {
		/* The option values in use ('f', 'O', 'U', 'h', 256, 257) differ mod 64. */
		if (ev.c > 1 && ev.c != '?') {
			if (seen_options & (uint64_t)1 << (ev.c & 63))
				mark(&st, DDP_MARK_OPTION_REPEATED);
			seen_options |= (uint64_t)1 << (ev.c & 63);
		}
		switch (ev.c) {
		case 1: /* a non-option: read in the second pass */
			break;
		case 'h':
			req->help = 1;
			ddp_outcome_rule(out, DDP_RULE_HELP);
			return DDP_OK;
		case 'f':
			req->in_fmt = ev.optarg;
			break;
		case 'O':
			req->out_fmt = ev.optarg;
			break;
		case 'U':
			req->force_share = 1;
			break;
		case DDP_OPT_IMAGE_OPTS:
			req->image_opts = 1;
			break;
		case DDP_OPT_OBJECT:
			if (!req->object)
				req->object = ev.optarg;
			if (p->object == DDP_OBJECT_AT_OPTION)
				return object_option(req, out, p, ev.optarg, err);
			if (!object)
				object = ev.optarg;
			break;
		default: /* an option error ends qemu-img at once */
			fail_line(req, out, option_rule(ev.err), ev.err, ev.s0, ev.len0, NULL, 0);
			out->msgs[out->nmsgs - 1].n[0] = ev.n0;
			ddp_outcome_add(out, DDP_MSG_TRY_HELP, NULL, 0, NULL, 0);
			return DDP_OK;
		}
	}

	/* Operands: the same scan again, reading only the non-options (its marks are the first's). */
	st = (getopt_state){p, argc, argv, 0, NULL, -1, argc + 1, out};
	while (!req->failed && (ev = next_event(&st)).c) {
		int rc;

		if (ev.c != 1)
			continue;
		rc = operand(req, out, p, ev.optarg, ++operand_no, &seen_keys, err);
		if (rc)
			return rc;
	}
	if (!req->failed && !(req->in_path && req->out_path))
		fail_line(req, out, DDP_RULE_NEED_IF_OF, DDP_MSG_NEED_IF_OF, NULL, 0, NULL, 0);
	if (!req->failed && object)
		return object_option(req, out, p, object, err);
	return DDP_OK;
}
