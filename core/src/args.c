/*
 * args.c: the arguments of `qemu-img dd`, read as img_dd reads them.
 *
 * First getopt_long(":hf:O:U", help/object/image-opts/force-share) over
 * the whole vector, permuting as glibc does; then the operands, left to
 * right, each through its callback.  Only the first error is printed.
 */
#include <limits.h>
#include <string.h>

#include "internal.h"

enum { OPT_OBJECT = 256, OPT_IMAGE_OPTS };

static const struct {
	const char *name;
	int has_arg;
	int val;
} long_options[] = {
	{"help", 0, 'h'},
	{"object", 1, OPT_OBJECT},
	{"image-opts", 0, OPT_IMAGE_OPTS},
	{"force-share", 0, 'U'},
};

/* One step of getopt: an option (with its argument) or an error. */
typedef struct getopt_event {
	int c;              /* option value, '?' unrecognized, ':' missing argument, 0 end */
	const char *optarg;
	const char *token;  /* what qemu prints for '?' and ':' (argv[optind - 1]) */
} getopt_event;

typedef struct getopt_state {
	int argc;
	const char *const *argv;
	int idx;              /* the element being read */
	const char *nextchar; /* inside a short-option cluster, or NULL */
	int last_nonopt;      /* the last non-option skipped so far, or -1 */
	int dashdash;         /* index just after "--", or argc + 1 */
} getopt_state;

static int is_nonopt(const char *s)
{
	return s[0] != '-' || s[1] == '\0';
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

static getopt_event long_option(getopt_state *st)
{
	const char *arg = st->argv[st->idx];
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	getopt_event ev = {'?', NULL, arg};
	int found = -1, matches = 0;

	for (size_t i = 0; i < DDP_ARRAY_SIZE(long_options); i++)
		if (strlen(long_options[i].name) == len && !strncmp(long_options[i].name, name, len))
			found = (int)i;
	if (found < 0) {
		for (size_t i = 0; i < DDP_ARRAY_SIZE(long_options); i++)
			if (!strncmp(long_options[i].name, name, len)) {
				found = (int)i;
				matches++;
			}
		if (matches != 1) { /* unknown, or an ambiguous abbreviation */
			st->idx++;
			return ev;
		}
	}
	st->idx++;
	if (eq) {
		if (!long_options[found].has_arg)
			return ev; /* "doesn't allow an argument" */
		ev.optarg = eq + 1;
	} else if (long_options[found].has_arg) {
		if (st->idx >= st->argc) {
			ev.c = ':';
			return ev;
		}
		ev.optarg = st->argv[st->idx++];
	}
	ev.c = long_options[found].val;
	return ev;
}

static getopt_event short_option(getopt_state *st)
{
	const char *elem = st->argv[st->idx];
	char c = *st->nextchar++;
	int last = *st->nextchar == '\0';
	getopt_event ev = {c, NULL, NULL};

	if (last)
		st->idx++;
	if (c == 'h' || c == 'U') {
		if (last)
			st->nextchar = NULL;
		return ev;
	}
	if (c == 'f' || c == 'O') {
		if (!last) {
			ev.optarg = st->nextchar;
			st->idx++;
		} else if (st->idx >= st->argc) {
			ev.c = ':';
			ev.token = elem;
		} else {
			ev.optarg = st->argv[st->idx++];
		}
		st->nextchar = NULL;
		return ev;
	}
	ev.c = '?';
	ev.token = last ? elem : element_before(st);
	if (last)
		st->nextchar = NULL;
	return ev;
}

/*
 * The next event in argv order: an option, or (c == 1, token) a
 * non-option, which img_dd reads as an operand once all options are done.
 * Everything after "--" is a non-option.
 */
static getopt_event next_event(getopt_state *st)
{
	getopt_event ev = {0, NULL, NULL};

	if (st->nextchar && *st->nextchar)
		return short_option(st);
	st->nextchar = NULL;
	if (st->idx >= st->argc)
		return ev;
	if (st->idx >= st->dashdash || is_nonopt(st->argv[st->idx])) {
		if (st->idx < st->dashdash)
			st->last_nonopt = st->idx;
		ev.c = 1;
		ev.token = st->argv[st->idx++];
		return ev;
	}
	if (!strcmp(st->argv[st->idx], "--")) {
		st->dashdash = ++st->idx;
		return next_event(st);
	}
	if (st->argv[st->idx][1] == '-')
		return long_option(st);
	st->nextchar = st->argv[st->idx] + 1;
	return short_option(st);
}

static void fail_line(ddp_request *req, ddp_outcome *out, ddp_msg_id id,
                      const char *s0, size_t len0, const char *s1, size_t len1)
{
	ddp_outcome_add(out, id, s0, len0, s1, len1);
	req->failed = 1;
	out->exit_code = 1;
}

/* cvtnum_full(): a size operand with qemu's messages on failure. */
static int number_operand(int64_t *dst, ddp_request *req, ddp_outcome *out,
                          const ddp_profile *p, const char *key, size_t keylen,
                          const char *value, int64_t min, int64_t max,
                          ddp_error *err, int operand_no)
{
	uint64_t res = 0;
	int hex_warning = 0;
	int rc = ddp_strtosz(&res, &hex_warning, value, p);

	if (rc == DDP_EUNMODELLED)
		return ddp_fail(err, rc, "operand", (size_t)operand_no,
		                "qemu reads past the end of '%.100s' (undefined)", value);
	if (hex_warning)
		ddp_outcome_add(out, DDP_MSG_HEX_SUFFIX, value, strlen(value), NULL, 0);
	if (rc == DDP_EINVAL) {
		fail_line(req, out, DDP_MSG_INVALID_NUMBER, key, keylen, value, strlen(value));
		if (p->msg[DDP_MSG_INVALID_NUMBER_2])
			ddp_outcome_add(out, DDP_MSG_INVALID_NUMBER_2, NULL, 0, NULL, 0);
		return DDP_OK;
	}
	if (rc == DDP_ERANGE || res > (uint64_t)max || res < (uint64_t)min) {
		fail_line(req, out, DDP_MSG_NUMBER_RANGE, key, keylen, value, strlen(value));
		out->msgs[out->nmsgs - 1].n[0] = min;
		out->msgs[out->nmsgs - 1].n[1] = max;
		return DDP_OK;
	}
	*dst = (int64_t)res;
	return DDP_OK;
}

static int operand(ddp_request *req, ddp_outcome *out, const ddp_profile *p,
                   const char *arg, int operand_no, ddp_error *err)
{
	const char *eq = strchr(arg, '=');
	size_t keylen;
	const char *value;

	if (!eq) {
		fail_line(req, out, DDP_MSG_UNRECOGNIZED_OPERAND, arg, strlen(arg), NULL, 0);
		return DDP_OK;
	}
	keylen = (size_t)(eq - arg);
	value = eq + 1;
#define KEY(k) (keylen == sizeof(k) - 1 && !memcmp(arg, k, keylen))
	if (KEY("bs"))
		return number_operand(&req->bs, req, out, p, arg, keylen, value, 1,
		                      INT_MAX, err, operand_no);
	if (KEY("count")) {
		int rc = number_operand(&req->count, req, out, p, arg, keylen, value,
		                        0, INT64_MAX, err, operand_no);
		req->has_count |= !req->failed;
		return rc;
	}
	if (KEY("skip")) {
		int rc = number_operand(&req->skip, req, out, p, arg, keylen, value,
		                        0, INT64_MAX, err, operand_no);
		req->has_skip |= !req->failed;
		return rc;
	}
	if (KEY("if")) {
		req->in_path = value;
		return DDP_OK;
	}
	if (KEY("of")) {
		req->out_path = value;
		return DDP_OK;
	}
#undef KEY
	fail_line(req, out, DDP_MSG_UNRECOGNIZED_OPERAND, arg, keylen, NULL, 0);
	return DDP_OK;
}

int ddp_parse_args(ddp_request *req, ddp_outcome *out, const ddp_profile *p,
                   int argc, const char *const *argv, ddp_error *err)
{
	getopt_state st = {argc, argv, 0, NULL, -1, argc + 1};
	getopt_event ev;
	int operand_no = 0;

	memset(req, 0, sizeof(*req));
	memset(out, 0, sizeof(*out));
	req->bs = 512;
	req->out_fmt = "raw";
	if (argc < 0 || (argc > 0 && !argv))
		return ddp_fail(err, DDP_EINVAL, "arguments", 0, "no argument vector");
	for (int i = 0; i < argc; i++)
		if (!argv[i])
			return ddp_fail(err, DDP_EINVAL, "arguments", (size_t)i,
			                "argument %d is NULL", i);

	while ((ev = next_event(&st)).c) {
		switch (ev.c) {
		case 1: /* a non-option: read in the second pass */
			break;
		case 'h':
			req->help = 1;
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
		case OPT_IMAGE_OPTS:
			req->image_opts = 1;
			break;
		case OPT_OBJECT:
			return ddp_fail(err, DDP_EUNMODELLED, "arguments", (size_t)st.idx,
			                "--object creates QOM objects; the model does not follow them");
		default: /* '?' or ':' ends qemu-img at once */
			fail_line(req, out, ev.c == ':' ? DDP_MSG_MISSING_ARGUMENT
			                                : DDP_MSG_UNRECOGNIZED_OPTION,
			          ev.token, strlen(ev.token), NULL, 0);
			ddp_outcome_add(out, DDP_MSG_TRY_HELP, NULL, 0, NULL, 0);
			return DDP_OK;
		}
	}

	/* Operands: the same scan again, reading only the non-options. */
	st = (getopt_state){argc, argv, 0, NULL, -1, argc + 1};
	while (!req->failed && (ev = next_event(&st)).c) {
		int rc;

		if (ev.c != 1)
			continue;
		rc = operand(req, out, p, ev.token, ++operand_no, err);
		if (rc)
			return rc;
	}
	if (!req->failed && !(req->in_path && req->out_path))
		fail_line(req, out, DDP_MSG_NEED_IF_OF, NULL, 0, NULL, 0);
	return DDP_OK;
}
