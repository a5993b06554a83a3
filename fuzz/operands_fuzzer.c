/*
 * operands_fuzzer.c: arbitrary argument vectors through ddp_parse_args.
 *
 * Input: byte 0 picks the profile (its top bit: reprint options after the
 * operands); the rest, split at NUL bytes, is the argv after `qemu-img dd`.
 * Properties: the parser answers (a request, help, or qemu's error with
 * exit 1: any hex warnings, then one option error and the Try line, or
 * one operand, number or --object error), never anything else; every
 * number line agrees with ddp_parse_number on the value it quotes; every
 * line renders as qemu-img's; the same vector parses
 * the same twice; and a request printed back to canonical arguments
 * (-O, -f, -U, --image-opts, if=, of=, bs=, count=, skip= in decimal)
 * parses to the same request.
 */
#include <inttypes.h>
#include <limits.h>

#define FUZZ_TARGET "operands"
#include "fuzz.h"
#include "internal.h" /* the profile's second INVALID_NUMBER line */

static fuzz_argv args;

/* The canonical arguments of a request. */
typedef struct reprint {
	int argc;
	const char *argv[16];
	char buf[2 * FUZZ_MAX_TEXT + 256];
	size_t used;
} reprint;

static const char *rp_add(reprint *r, const char *prefix, const char *value)
{
	char *s = r->buf + r->used;
	int n = snprintf(s, sizeof(r->buf) - r->used, "%s%s", prefix, value);

	FUZZ_CHECK(n >= 0 && (size_t)n < sizeof(r->buf) - r->used, "reprint fits");
	r->used += (size_t)n + 1;
	r->argv[r->argc++] = s;
	return s;
}

static void rp_num(reprint *r, const char *key, int64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRId64, v);
	rp_add(r, key, num);
}

static void rp_options(reprint *r, const ddp_request *req)
{
	r->argv[r->argc++] = "-O";
	r->argv[r->argc++] = req->out_fmt;
	if (req->in_fmt) {
		r->argv[r->argc++] = "-f";
		r->argv[r->argc++] = req->in_fmt;
	}
	if (req->force_share)
		r->argv[r->argc++] = "-U";
	if (req->image_opts)
		r->argv[r->argc++] = "--image-opts";
}

static void reprint_request(reprint *r, const ddp_request *req, int options_last)
{
	r->argc = 0;
	r->used = 0;
	if (!options_last)
		rp_options(r, req);
	rp_add(r, "if=", req->in_path);
	rp_add(r, "of=", req->out_path);
	rp_num(r, "bs=", req->bs);
	if (req->has_count)
		rp_num(r, "count=", req->count);
	if (req->has_skip)
		rp_num(r, "skip=", req->skip);
	if (options_last)
		rp_options(r, req);
}

static int same_request(const ddp_request *a, const ddp_request *b)
{
	return fuzz_streq(a->in_path, b->in_path) && fuzz_streq(a->out_path, b->out_path) &&
	       fuzz_streq(a->in_fmt, b->in_fmt) && fuzz_streq(a->out_fmt, b->out_fmt) &&
	       a->bs == b->bs && a->has_count == b->has_count &&
	       a->has_skip == b->has_skip &&
	       (!a->has_count || a->count == b->count) &&
	       (!a->has_skip || a->skip == b->skip) &&
	       a->force_share == b->force_share && a->image_opts == b->image_opts &&
	       a->help == b->help && a->failed == b->failed;
}

/* The operand a number line names, or -1. */
static int number_kind(const ddp_slice *key)
{
	if (key->len == 2 && !memcmp(key->ptr, "bs", 2))
		return DDP_NUMBER_BS;
	if (key->len == 5 && !memcmp(key->ptr, "count", 5))
		return DDP_NUMBER_COUNT;
	if (key->len == 4 && !memcmp(key->ptr, "skip", 4))
		return DDP_NUMBER_SKIP;
	return -1;
}

/* A value quoted by a number line: the rest of its argv element. */
static int number_status(const ddp_slice *val, ddp_number_kind kind, const ddp_profile *p,
                         uint64_t *v, int *hex)
{
	FUZZ_CHECK(fuzz_argv_owns(&args, val->ptr) && val->ptr[val->len] == '\0',
	           "a quoted value is the end of an argument");
	return ddp_parse_number(v, hex, kind, val->ptr, p);
}

static void check_number_line(const ddp_msg *m, const ddp_profile *p)
{
	uint64_t v = 0;
	int hex = 0, rc, kind = number_kind(&m->s[0]);
	int is_bs = kind == DDP_NUMBER_BS;

	FUZZ_CHECK(kind >= 0, "a number line names bs, count or skip");
	rc = number_status(&m->s[1], (ddp_number_kind)kind, p, &v, &hex);
	if (m->id == DDP_MSG_INVALID_NUMBER) {
		FUZZ_CHECK(rc == DDP_EINVAL, "an invalid-number line means a parse error");
		return;
	}
	FUZZ_CHECK(rc == DDP_ERANGE ||
	           (rc == DDP_OK && (is_bs ? (v < 1 || v > INT_MAX) : v > INT64_MAX)),
	           "a range line means a range error or a value out of range");
	FUZZ_CHECK(m->n[0] == (is_bs ? 1 : 0) && m->n[1] == (is_bs ? INT_MAX : INT64_MAX),
	           "a range line quotes the operand's range");
}

/* A hex warning quotes a value that warns (as bs, count or skip). */
static void check_hex_line(const ddp_msg *m, const ddp_profile *p)
{
	uint64_t v;
	int hex = 0;

	for (int kind = DDP_NUMBER_BS; kind <= DDP_NUMBER_SKIP && !hex; kind++)
		number_status(&m->s[0], (ddp_number_kind)kind, p, &v, &hex);
	FUZZ_CHECK(hex, "a hex warning quotes a value that warns");
}

static int is_option_error(ddp_msg_id id)
{
	switch (id) {
	case DDP_MSG_UNRECOGNIZED_OPTION:
	case DDP_MSG_MISSING_ARGUMENT:
	case DDP_MSG_INVALID_OPTION:
	case DDP_MSG_AMBIGUOUS_OPTION:
	case DDP_MSG_OPTION_NO_ARGUMENT:
	case DDP_MSG_OPTION_NEEDS_ARGUMENT:
		return 1;
	default:
		return 0;
	}
}

/* A rejected vector: exit 1, any hex warnings, then exactly one error. */
static void check_failed(const ddp_outcome *out, const ddp_profile *p)
{
	size_t i = 0, rest;

	FUZZ_CHECK(out->exit_code == 1, "a rejected vector exits 1");
	FUZZ_CHECK(!out->help, "a rejected vector prints no help");
	while (i < out->nmsgs && out->msgs[i].id == DDP_MSG_HEX_SUFFIX)
		check_hex_line(&out->msgs[i++], p);
	FUZZ_CHECK(i < out->nmsgs, "a rejected vector prints its error");
	rest = out->nmsgs - i;
	if (is_option_error(out->msgs[i].id)) {
		FUZZ_CHECK(i == 0 && rest == 2 && out->msgs[1].id == DDP_MSG_TRY_HELP,
		           "an option error is the only error, then Try help");
		return;
	}
	switch (out->msgs[i].id) {
	case DDP_MSG_UNRECOGNIZED_OPERAND:
	case DDP_MSG_NEED_IF_OF:
		FUZZ_CHECK(rest == 1, "an operand error is one line");
		break;
	case DDP_MSG_OBJECT_MISSING:
	case DDP_MSG_OBJECT_BAD_TYPE:
		FUZZ_CHECK(rest == 1, "an --object error is one line");
		break;
	case DDP_MSG_NUMBER_RANGE:
		FUZZ_CHECK(rest == 1, "a range error is one line");
		check_number_line(&out->msgs[i], p);
		break;
	case DDP_MSG_INVALID_NUMBER:
		if (p->msg[DDP_MSG_INVALID_NUMBER_2])
			FUZZ_CHECK(rest == 2 && out->msgs[i + 1].id == DDP_MSG_INVALID_NUMBER_2,
			           "a parse error is two lines where the profile has two");
		else
			FUZZ_CHECK(rest == 1, "a parse error is one line where the profile has one");
		check_number_line(&out->msgs[i], p);
		break;
	default:
		FUZZ_CHECK(0, "a rejected vector ends on an argument error");
	}
}

static void check_request(const ddp_request *req, const ddp_outcome *out,
                          const ddp_profile *p)
{
	FUZZ_CHECK(out->exit_code == 0, "an accepted vector has no exit code yet");
	FUZZ_CHECK(req->in_path && req->out_path, "an accepted vector has if= and of=");
	FUZZ_CHECK(fuzz_argv_owns(&args, req->in_path) && fuzz_argv_owns(&args, req->out_path),
	           "paths point into the arguments");
	FUZZ_CHECK(req->out_fmt && (fuzz_argv_owns(&args, req->out_fmt) ||
	                            !strcmp(req->out_fmt, "raw")),
	           "the output format is given or raw");
	FUZZ_CHECK(!req->in_fmt || fuzz_argv_owns(&args, req->in_fmt),
	           "the input format is given or absent");
	FUZZ_CHECK(req->bs >= 1 && req->bs <= INT_MAX, "bs is within 1..INT_MAX");
	FUZZ_CHECK(!req->has_count || req->count >= 0, "count is not negative");
	FUZZ_CHECK(!req->has_skip || req->skip >= 0, "skip is not negative");
	for (size_t i = 0; i < out->nmsgs; i++) {
		FUZZ_CHECK(out->msgs[i].id == DDP_MSG_HEX_SUFFIX,
		           "an accepted vector prints only hex warnings");
		check_hex_line(&out->msgs[i], p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static reprint rp;
	static ddp_outcome out, again;
	ddp_request req, req2;
	const ddp_profile *p;
	ddp_error err;
	int rc, rc2, options_last;

	if (size < 1)
		return 0;
	p = fuzz_profile(data[0] & 0x7f);
	options_last = data[0] >> 7;
	if (fuzz_argv_split(&args, data + 1, size - 1))
		return 0;

	rc = ddp_parse_args(&req, &out, p, args.argc, args.argv, &err);
	FUZZ_CHECK(rc == DDP_OK || rc == DDP_EUNMODELLED,
	           "the parser answers or says unmodelled");
	if (rc) {
		FUZZ_CHECK(err.code == rc && err.message[0], "unmodelled says why");
		return 0;
	}
	rc2 = ddp_parse_args(&req2, &again, p, args.argc, args.argv, NULL);
	FUZZ_CHECK(rc2 == rc && !memcmp(&req, &req2, sizeof(req)) &&
	           !memcmp(&out, &again, sizeof(out)), "parsing is deterministic");
	fuzz_check_msgs(&out, p, &args);

	if (req.failed) {
		check_failed(&out, p);
		return 0;
	}
	if (req.help) {
		FUZZ_CHECK(out.exit_code == 0 && out.nmsgs == 0, "help is exit 0, silent");
		return 0;
	}
	check_request(&req, &out, p);

	reprint_request(&rp, &req, options_last);
	rc = ddp_parse_args(&req2, &again, p, rp.argc, rp.argv, &err);
	FUZZ_CHECK(rc == DDP_OK, "a reprinted request parses");
	FUZZ_CHECK(!req2.failed && again.nmsgs == 0, "a reprinted request is clean");
	FUZZ_CHECK(same_request(&req, &req2), "a reprinted request parses the same");
	return 0;
}
