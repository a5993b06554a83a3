/*
 * ddcases.c: expected-outputs/dd-cases, the curated list of dd cases
 * baselined for every qemu-img version, one case a line:
 *
 *     NAME  SIZE  IN-FORMAT  OUT-FORMAT  [OPERAND...]
 *
 * run as `qemu-img dd -O OUT OPERAND... if=in.IN of=out.OUT`.  A line whose
 * operands hold an if= or of= of their own names its files itself (so any
 * finding has a line: an of= twice, none, in the middle, of=out.img): the
 * runner then adds neither, and the value IN or OUT of an if= or of=
 * stands for the runner's in.IN or out.OUT.  Every other value is kept as
 * written, and must pass the engine's own ddp_case_is_safe.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite/suite.h"

static const char *const in_formats[] = {"raw", "qcow2", "vmdk", "vpc", "vhdx", NULL};

int64_t ddp_ddcase_parse_size(const char *text)
{
	int64_t n = 0, mul = 1;
	const char *p = text;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (*p == 'k' || *p == 'K')
		mul = 1024;
	else if (*p == 'M')
		mul = 1024 * 1024;
	else if (*p == 'G')
		mul = 1024 * 1024 * 1024;
	else if (*p)
		return -1;
	if (*p && p[1])
		return -1;
	if (n > INT64_MAX / mul)
		return -1;
	return n * mul;
}

void ddp_ddcase_size_column(char *buf, size_t size, const ddp_ddcase *c)
{
	int plain = !c->pattern[0] || !strcmp(c->pattern, "random");
	snprintf(buf, size, "%s%s%s", c->size_text, plain ? "" : ":", plain ? "" : c->pattern);
}

void ddp_ddcase_size_text(char *buf, size_t size, int64_t bytes)
{
	if (bytes > 0 && bytes % (1024 * 1024 * 1024) == 0)
		snprintf(buf, size, "%lldG", (long long)(bytes >> 30));
	else if (bytes > 0 && bytes % (1024 * 1024) == 0)
		snprintf(buf, size, "%lldM", (long long)(bytes >> 20));
	else if (bytes > 0 && bytes % 1024 == 0)
		snprintf(buf, size, "%lldk", (long long)(bytes >> 10));
	else
		snprintf(buf, size, "%lld", (long long)bytes);
}

/* Any -O a finding had ("RAW", "foo": qemu refuses them itself), as long as it names a file safely. */
static int out_format_ok(const char *s)
{
	if (!*s || strlen(s) > 31)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

static int is_file_op(const char *s)
{
	return !strncmp(s, "if=", 3) || !strncmp(s, "of=", 3);
}

int ddp_ddcase_literal_files(const ddp_ddcase *c)
{
	for (int i = 0; i < c->nops; i++)
		if (is_file_op(c->ops[i]))
			return 1;
	return 0;
}

static int holder(const char *const *argv, int argc, const char *s);

int ddp_ddcase_literal_format(const ddp_ddcase *c)
{
	const char *v[DDP_DDCASE_MAX_OPS];

	for (int i = 0; i < c->nops; i++)
		v[i] = c->ops[i];
	for (size_t pi = 0; pi < ddp_profile_count(); pi++) {
		ddp_request req;
		ddp_outcome out;
		/* Any status: an -O read before an error is still one the operands give. */
		ddp_parse_args(&req, &out, ddp_profile_at(pi), c->nops, v, NULL);
		if (holder(v, c->nops, req.out_fmt) >= 0)
			return 1;
	}
	return 0;
}

/* An operand as the dd gets it: if=IN, of=OUT (and of=IN, if=OUT) the runner's names. */
static char *op_text(const ddp_ddcase *c, const char *op)
{
	char name[64], *s;

	if (is_file_op(op) && (!strcmp(op + 3, "IN") || !strcmp(op + 3, "OUT"))) {
		if (op[3] == 'I')
			ddp_ddcase_in_name(name, sizeof(name), c);
		else
			ddp_ddcase_runner_out_name(name, sizeof(name), c);
		return asprintf(&s, "%.3s%s", op, name) < 0 ? NULL : s;
	}
	return strdup(op);
}

/*
 * A line's own if= and of= values, judged as the engine judges a case
 * before running it (ddp_case_is_safe: relative, inside the case's
 * directory, not the input's link, no outward protocol; with
 * --image-opts only local options).  Each file operand alone, with the
 * line's --image-opts, so *bad names the one refused.
 */
static const char *files_problem(const ddp_ddcase *c, int *bad)
{
	ddp_case one;
	const char *why = NULL;
	int image_opts = -1;

	for (int i = 0; i < c->nops; i++)
		if (!strncmp(c->ops[i], "--image-opts", strcspn(c->ops[i], "=")) &&
		    strcspn(c->ops[i], "=") >= 3)
			image_opts = i;
	for (int i = 0; i < c->nops && !why; i++) {
		if (!is_file_op(c->ops[i]))
			continue;
		/* The runner keeps names in buffers of DDP_DDCASE_NAME_MAX. */
		if (strlen(c->ops[i] + 3) > 100) {
			*bad = i;
			return "a file name longer than 100 characters";
		}
		memset(&one, 0, sizeof(one));
		if (image_opts >= 0)
			one.argv[one.argc++] = c->ops[image_opts];
		if (!(one.argv[one.argc] = op_text(c, c->ops[i])))
			return NULL; /* out of memory: the line is not refused for it */
		one.argc++;
		if (!ddp_case_is_safe(&one, &why))
			*bad = i;
		else
			why = NULL;
		free(one.argv[one.argc - 1]);
	}
	return why;
}

/* Which element of argv (argc of them) holds the byte at s; -1 if none. */
static int holder(const char *const *argv, int argc, const char *s)
{
	for (int k = 0; s && k < argc; k++)
		if (s >= argv[k] && s <= argv[k] + strlen(argv[k]))
			return k;
	return -1;
}

/*
 * What the operands mean to qemu-img, by the core's own parser under every
 * profile: in the argv the runner gives (-O OUT-FORMAT, the operands, then
 * if= and of= unless the line names its own), the -O (and then the if= and
 * of=) that apply must be the runner's, and no operand may give --object,
 * help or a -f that is not a local image format, however spelt ("-UOqcow2",
 * "--output-f=qcow2", "--obj=x", "-Uh", a trailing "-f" taking the
 * runner's if=).  The operands from each position on are parsed too, so an
 * option error earlier in the line hides nothing after it.  Returns why,
 * *bad the operand (0-based), or NULL.
 */
static const char *ops_meaning(const ddp_ddcase *c, int *bad)
{
	char **args;
	const char *v[DDP_DDCASE_MAX_OPS + 6];
	int nargs, literal = ddp_ddcase_literal_files(c);
	/* The runner's -O OUT first (two elements), unless the operands give their own. */
	int pre = ddp_ddcase_literal_format(c) ? 0 : 2;

	if (ddp_ddcase_args(c, &args, &nargs))
		return NULL; /* out of memory: the line is not refused for it */
	/* After a "--" every element is an operand to qemu: no later start hides anything. */
	int last = c->nops ? 0 : -1;
	while (last >= 0 && last < c->nops - 1 && strcmp(c->ops[last], "--"))
		last++;
	for (int from = last; from >= 0; from--)
		for (size_t pi = 0; pi < ddp_profile_count(); pi++) {
			ddp_request req;
			ddp_outcome out;
			int n = 0, k;
			const char *why = NULL;

			for (int i = 0; i < pre; i++)
				v[n++] = args[i];
			for (int i = pre + from; i < nargs; i++)
				v[n++] = args[i];
			/* Any status: what was read before an unmodelled part is still read. */
			ddp_parse_args(&req, &out, ddp_profile_at(pi), n, v, NULL);
			/* The element that gave it: an option's own, when the value is the next element. */
			if (req.help || req.object) {
				k = req.object ? holder(v, n, req.object) : -1;
				k = k < 0 ? 2 : k - (k > 2 && req.object == v[k]);
				why = req.help ? "-h or --help prints help and copies nothing: not a dd case"
				      : "--object is refused by the engine (it creates objects, which may "
				        "read or write files)";
			} else if (pre && req.out_fmt != args[1] && holder(v, n, req.out_fmt) >= 2) {
				k = holder(v, n, req.out_fmt);
				k -= req.out_fmt == v[k];
				why = "the output format is the OUT-FORMAT column, not an operand (or the "
				      "operands give every -O and the one that applies is OUT-FORMAT)";
			} else if (!pre && !from && strcmp(req.out_fmt, c->out_fmt)) {
				/* The operands' own -O (twice, in a cluster): it must name OUT-FORMAT. */
				k = holder(v, n, req.out_fmt);
				k = k < 0 ? 0 : k - (k > 0 && req.out_fmt == v[k]);
				why = "the -O that applies must be the OUT-FORMAT column's format";
			} else if (req.in_fmt && !ddp_local_driver(req.in_fmt)) {
				/* A local format reads in.IN as another (a finding's -f raw on qcow2). */
				k = holder(v, n, req.in_fmt);
				k -= req.in_fmt == v[k];
				why = "-f or --format: only a local image format (raw, qcow2, vmdk, vpc, "
				      "vhdx, vdi, qed, qcow, parallels, ...), as the engine runs";
			} else if (!literal && ((req.in_path && req.in_path != v[n - 2] + 3) ||
			                        (req.out_path && req.out_path != v[n - 1] + 3))) {
				k = holder(v, n, req.in_path != v[n - 2] + 3 ? req.in_path : req.out_path);
				why = "if= and of= are given by the runner (in.<IN-FORMAT>, out.<OUT-FORMAT>)";
			}
			if (why) {
				/* v[2] is operand from; the runner's own elements are not operands. */
				*bad = k < pre ? from : k - pre + from < c->nops ? k - pre + from : c->nops - 1;
				ddp_ddcase_args_free(args, nargs);
				return why;
			}
		}
	ddp_ddcase_args_free(args, nargs);
	return NULL;
}

/* Checks a case; *field (optional) gets the bad field: 0 name, 1 size, 2 IN, 3 OUT, 4+ operands. */
/* cols: each field's column on its line (NULL: not from a file), for the error. */
static int check(const ddp_ddcase *c, const char *source, const int *cols, ddp_error *err)
{
	int known = 0, bad, field = 0;
	const char *why = NULL;

#define COLUMN (cols ? cols[field] : 0)
	if (!ddp_case_name_ok(c->name))
		return ddp_error_set(err, DDP_EINVAL, source, c->line, COLUMN,
				     "bad case name '%s' (use letters, digits, '.', "
				     "'_' and '-', not first, at most 100)", c->name);
	field = 1;
	if (c->size < 0 || c->size > (int64_t)1 << 30)
		return ddp_error_set(err, DDP_EINVAL, source, c->line, COLUMN,
				     "%s: bad input size '%s' (bytes, or k, M, G; "
				     "at most 1G)", c->name, c->size_text);
	if (c->pattern[0] && strcmp(c->pattern, "random") && strcmp(c->pattern, "sparse") &&
	    strcmp(c->pattern, "zero"))
		return ddp_error_set(err, DDP_EINVAL, source, c->line, COLUMN,
				     "%s: unknown input pattern '%s' (after the size: "
				     ":sparse or :zero; random is the default)", c->name, c->pattern);
	field = 2;
	for (const char *const *f = in_formats; *f; f++)
		known |= !strcmp(*f, c->in_fmt);
	if (!known)
		return ddp_error_set(err, DDP_EINVAL, source, c->line, COLUMN,
				     "%s: input format '%s' is not one of raw, qcow2, "
				     "vmdk, vpc, vhdx", c->name, c->in_fmt);
	field = 3;
	if (!out_format_ok(c->out_fmt))
		return ddp_error_set(err, DDP_EINVAL, source, c->line, COLUMN,
				     "%s: bad output format '%s'", c->name, c->out_fmt);
	/* What the operands mean together (any bytes but NUL: ddp_ddcase_line quotes). */
	why = ops_meaning(c, &bad);
	if (!why)
		why = files_problem(c, &bad);
	field = 4 + bad;
	if (why)
		return ddp_error_set(err, DDP_EINVAL, source, c->line, COLUMN,
				     "%s: operand %d '%s': %s", c->name, bad + 1,
				     c->ops[bad], why);
	return DDP_OK;
#undef COLUMN
}

int ddp_ddcase_check(const ddp_ddcase *c, const char *source, ddp_error *err)
{
	return check(c, source, NULL, err);
}

void ddp_ddcase_free(ddp_ddcase *c)
{
	for (int i = 0; i < c->nops; i++)
		free(c->ops[i]);
	c->nops = 0;
}

int ddp_ddcase_copy(ddp_ddcase *dst, const ddp_ddcase *src)
{
	*dst = *src;
	for (int i = 0; i < src->nops; i++)
		if (!(dst->ops[i] = strdup(src->ops[i]))) {
			dst->nops = i;
			ddp_ddcase_free(dst);
			return DDP_ENOMEM;
		}
	return DDP_OK;
}

void ddp_ddcases_free(ddp_ddcases *list)
{
	for (size_t i = 0; i < list->count; i++)
		ddp_ddcase_free(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* Splits a line on blanks; *cols gets the 1-based column of each field. */
static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * A quoted field ('- O', '', 'a\x01b'), decoded in place from p (its
 * opening quote): \\, \' and \xNN (not 00).  Returns where the field ends
 * (after its closing quote), or NULL with *bad at the offending byte.
 */
static char *unquote(char *p, char **bad)
{
	char *w = p, *r = p + 1;

	for (;;) {
		if (!*r) {
			*bad = p;
			return NULL; /* no closing quote */
		}
		if (*r == '\'') {
			*w = '\0';
			r++;
			if (*r && *r != ' ' && *r != '\t') {
				*bad = r;
				return NULL;
			}
			return r;
		}
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		if (r[1] == '\\' || r[1] == '\'') {
			*w++ = r[1];
			r += 2;
		} else if (r[1] == 'x' && hexval(r[2]) >= 0 && hexval(r[3]) >= 0 &&
		           hexval(r[2]) * 16 + hexval(r[3])) {
			*w++ = (char)(hexval(r[2]) * 16 + hexval(r[3]));
			r += 4;
		} else {
			*bad = r;
			return NULL;
		}
	}
}

/* The line's fields; -1 when there are more than max, -2 (*badcol) for a bad quoted one. */
static int split(char *line, char **fields, int *cols, int max, int *badcol)
{
	int n = 0;
	char *p = line, *bad;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == max)
			return -1;
		cols[n] = (int)(p - line) + 1;
		fields[n++] = p;
		/* A quoted operand (not the name, which starts a comment with '#'). */
		if (*p == '\'' && n > 4 && fields[0][0] != '#') {
			char *end = unquote(p, &bad);
			if (!end) {
				*badcol = (int)(bad - line) + 1;
				return -2;
			}
			p = end;
			continue;
		}
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

int ddp_ddcases_parse(ddp_ddcases *out, const char *text, const char *source, ddp_error *err)
{
	const char *p = text;
	int lineno = 0;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len), *fields[DDP_DDCASE_MAX_OPS + 5];
		int cols[DDP_DDCASE_MAX_OPS + 5], n, rc = DDP_OK, badcol = 0;
		ddp_ddcase c;

		lineno++;
		p += len + (p[len] == '\n');
		if (!line) {
			ddp_ddcases_free(out);
			return ddp_error_set(err, DDP_ENOMEM, source, lineno, 0, "out of memory");
		}
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		for (char *q = line; *q; q++)
			if (((unsigned char)*q < 0x20 && *q != '\t') || (unsigned char)*q >= 0x7f) {
				rc = ddp_error_set(err, DDP_EINVAL, source, lineno, (int)(q - line) + 1,
					 "a control or non-ASCII byte (0x%02x)", (unsigned char)*q);
				break;
			}
		n = rc ? 0 : split(line, fields, cols, DDP_DDCASE_MAX_OPS + 4, &badcol);
		if (!rc && n == -1)
			rc = ddp_error_set(err, DDP_EINVAL, source, lineno, 0,
					   "more than %d operands", DDP_DDCASE_MAX_OPS);
		else if (!rc && n == -2)
			rc = ddp_error_set(err, DDP_EINVAL, source, lineno, badcol,
					   "a quoted operand: '...' with \\\\, \\' and \\xNN (not 00) "
					   "inside, closed, then a blank");
		if (rc || n == 0 || fields[0][0] == '#') {
			free(line);
			if (rc) {
				ddp_ddcases_free(out);
				return rc;
			}
			continue;
		}
		if (n < 4) {
			free(line);
			ddp_ddcases_free(out);
			return ddp_error_set(err, DDP_EINVAL, source, lineno, 1,
					     "expected NAME SIZE IN-FORMAT OUT-FORMAT "
					     "[OPERAND...], got %d field%s", n, n == 1 ? "" : "s");
		}
		memset(&c, 0, sizeof(c));
		c.line = lineno;
		if (strlen(fields[0]) >= sizeof(c.name) || strlen(fields[1]) >= sizeof(c.size_text) ||
		    strlen(fields[2]) >= sizeof(c.in_fmt) || strlen(fields[3]) >= sizeof(c.out_fmt)) {
			free(line);
			ddp_ddcases_free(out);
			return ddp_error_set(err, DDP_EINVAL, source, lineno, 1,
					     "a field is too long");
		}
		strcpy(c.name, fields[0]);
		strcpy(c.size_text, fields[1]);
		if (strchr(c.size_text, ':')) {
			char *colon = strchr(c.size_text, ':');
			snprintf(c.pattern, sizeof(c.pattern), "%.7s", colon + 1);
			if (strlen(colon + 1) >= sizeof(c.pattern))
				strcpy(c.pattern, "?");
			*colon = '\0';
		}
		strcpy(c.in_fmt, fields[2]);
		strcpy(c.out_fmt, fields[3]);
		c.size = ddp_ddcase_parse_size(c.size_text);
		for (int i = 4; i < n; i++)
			c.ops[c.nops++] = strdup(fields[i]);
		rc = check(&c, source, cols, err);
		if (!rc && ddp_ddcases_find(out, c.name))
			rc = ddp_error_set(err, DDP_EINVAL, source, lineno, 1,
					   "a second case named '%s' (first on line %d)",
					   c.name, ddp_ddcases_find(out, c.name)->line);
		free(line);
		if (rc) {
			ddp_ddcase_free(&c);
			ddp_ddcases_free(out);
			return rc;
		}
		if (out->count == cap) {
			ddp_ddcase *items = realloc(out->items, (cap ? cap * 2 : 32) * sizeof(*items));
			if (!items) {
				ddp_ddcase_free(&c);
				ddp_ddcases_free(out);
				return ddp_error_set(err, DDP_EINVAL, source, lineno, 0,
						     "out of memory");
			}
			out->items = items;
			cap = cap ? cap * 2 : 32;
		}
		out->items[out->count++] = c;
	}
	/* A file cut to its comments would replay nothing and pass. */
	if (!out->count)
		return ddp_error_set(err, DDP_EINVAL, source, lineno ? lineno : 1, 0,
				     "no cases (one a line: NAME SIZE IN-FORMAT OUT-FORMAT "
				     "[OPERAND...])");
	return DDP_OK;
}

int ddp_ddcases_load(ddp_ddcases *out, const char *path, ddp_error *err)
{
	char *text;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ddp_suitefile_read(&text, NULL, path, 4 << 20, err)))
		return rc;
	rc = ddp_ddcases_parse(out, text, path, err);
	free(text);
	return rc;
}

const ddp_ddcase *ddp_ddcases_find(const ddp_ddcases *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++)
		if (!strcmp(list->items[i].name, name))
			return &list->items[i];
	return NULL;
}

const ddp_ddcase *ddp_ddcases_same(const ddp_ddcases *list, const ddp_ddcase *c)
{
	for (size_t i = 0; i < list->count; i++) {
		const ddp_ddcase *o = &list->items[i];
		int same = o != c && o->size == c->size && !strcmp(o->in_fmt, c->in_fmt) &&
			   !strcmp(o->pattern[0] ? o->pattern : "random", c->pattern[0] ? c->pattern : "random") &&
			   !strcmp(o->out_fmt, c->out_fmt) && o->nops == c->nops;
		for (int k = 0; same && k < c->nops; k++)
			same = !strcmp(o->ops[k], c->ops[k]);
		if (same)
			return o;
	}
	return NULL;
}

void ddp_ddcase_default_name(char *buf, size_t size, const ddp_ddcase *c)
{
	char tmp[512];
	size_t n;

	snprintf(tmp, sizeof(tmp), "%s-%s%s%s-", c->size_text[0] ? c->size_text : "0",
		 c->pattern[0] && strcmp(c->pattern, "random") ? c->pattern : "",
		 c->pattern[0] && strcmp(c->pattern, "random") ? "-" : "", c->in_fmt);
	n = strlen(tmp);
	if (!c->nops)
		n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "whole-");
	for (int i = 0; i < c->nops && n + 2 < sizeof(tmp); i++) {
		size_t start = n;
		for (const char *p = c->ops[i]; *p && n + 2 < sizeof(tmp); p++) {
			if (isalnum((unsigned char)*p) || *p == '.')
				tmp[n++] = *p;
			else if (*p != '=' && *p != '-')
				tmp[n++] = '_';
		}
		if (n == start)
			tmp[n++] = '_';
		tmp[n++] = '-';
	}
	tmp[n] = '\0';
	snprintf(tmp + n, sizeof(tmp) - n, "%s", c->out_fmt);
	if (strlen(tmp) > 100)
		tmp[100] = '\0';
	snprintf(buf, size, "%s", tmp);
}

/* An operand as a field: as it is, or quoted when it has blanks, other bytes, or none. */
static void write_op(FILE *f, const char *op)
{
	int plain = *op && *op != '\'';

	for (const char *p = op; *p && plain; p++)
		plain = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f;
	if (plain) {
		fputs(op, f);
		return;
	}
	fputc('\'', f);
	for (const char *p = op; *p; p++) {
		if (*p == '\'' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			fprintf(f, "\\x%02x", (unsigned char)*p);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

char *ddp_ddcase_line(const ddp_ddcase *c)
{
	char *buf = NULL, sizecol[48];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ddp_ddcase_size_column(sizecol, sizeof(sizecol), c);
	fprintf(f, "%-35s %-6s %-6s %-6s", c->name, sizecol, c->in_fmt, c->out_fmt);
	for (int i = 0; i < c->nops; i++) {
		fputc(' ', f);
		write_op(f, c->ops[i]);
	}
	fclose(f);
	while (len && buf[len - 1] == ' ')
		buf[--len] = '\0';
	buf = realloc(buf, len + 2);
	strcpy(buf + len, "\n");
	return buf;
}

static void py_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s >= 0x80)
			fprintf(f, "\\udc%02x", (unsigned char)*s); /* the byte, as os.fsencode makes it */
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

void ddp_ddcase_instar_name(char *buf, size_t size, const ddp_ddcase *c)
{
	size_t n = strlen(c->name);

	if (!strcmp(c->out_fmt, "vpc") && n > 4 && !strcmp(c->name + n - 4, "-vpc"))
		snprintf(buf, size, "%.*s-vhd", (int)(n - 4), c->name);
	else
		snprintf(buf, size, "%s", c->name);
}

char *ddp_ddcase_python(const ddp_ddcase *c)
{
	char name[sizeof(c->name)];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	/* instar's DD_CASES name VHD output 'vhd' (its -O translates it to vpc). */
	ddp_ddcase_instar_name(name, sizeof(name), c);
	fputc('(', f);
	py_string(f, name);
	fputs(", ", f);
	py_string(f, c->size_text);
	fputs(", ", f);
	py_string(f, c->in_fmt);
	fputs(", [", f);
	for (int i = 0; i < c->nops; i++) {
		if (i)
			fputs(", ", f);
		py_string(f, c->ops[i]);
	}
	fputs("], ", f);
	py_string(f, !strcmp(c->out_fmt, "vpc") ? "vhd" : c->out_fmt);
	fputs("),", f);
	if (c->pattern[0] && strcmp(c->pattern, "random"))
		fprintf(f, "  # input pattern: %s", c->pattern);
	if (ddp_ddcase_literal_files(c))
		fprintf(f, "  # its own if= and of= (IN, OUT: in.%s, out.%s); no others added",
		        c->in_fmt, c->out_fmt);
	if (ddp_ddcase_literal_format(c))
		fprintf(f, "  # its own -O: no -O %s added before the operands", c->out_fmt);
	fputc('\n', f);
	fclose(f);
	return buf;
}

void ddp_ddcase_in_name(char *buf, size_t size, const ddp_ddcase *c)
{
	snprintf(buf, size, "in.%s", c->in_fmt);
}

void ddp_ddcase_runner_out_name(char *buf, size_t size, const ddp_ddcase *c)
{
	snprintf(buf, size, "out.%s", out_format_ok(c->out_fmt) ? c->out_fmt : "img");
}

/*
 * The last of= written is the one qemu-img writes (the last of a kind
 * wins), and the one a candidate that reads on past a bad operand writes:
 * the engine's choice too (run.c, output_name).
 */
void ddp_ddcase_out_name(char *buf, size_t size, const ddp_ddcase *c)
{
	for (int i = c->nops - 1; i >= 0; i--)
		if (!strncmp(c->ops[i], "of=", 3)) {
			if (!strcmp(c->ops[i] + 3, "IN"))
				ddp_ddcase_in_name(buf, size, c);
			else if (!strcmp(c->ops[i] + 3, "OUT"))
				ddp_ddcase_runner_out_name(buf, size, c);
			else
				snprintf(buf, size, "%s", c->ops[i] + 3);
			return;
		}
	ddp_ddcase_runner_out_name(buf, size, c);
}

int ddp_ddcase_args(const ddp_ddcase *c, char ***argv_out, int *argc_out)
{
	char **argv = calloc((size_t)c->nops + 6, sizeof(char *));
	char in[64], outn[64];
	int n = 0;

	if (!argv)
		return DDP_ENOMEM;
	ddp_ddcase_in_name(in, sizeof(in), c);
	ddp_ddcase_runner_out_name(outn, sizeof(outn), c);
	if (!ddp_ddcase_literal_format(c)) {
		argv[n++] = strdup("-O");
		argv[n++] = strdup(c->out_fmt);
	}
	for (int i = 0; i < c->nops; i++)
		argv[n++] = op_text(c, c->ops[i]);
	if (!ddp_ddcase_literal_files(c) &&
	    (asprintf(&argv[n++], "if=%s", in) < 0 || asprintf(&argv[n++], "of=%s", outn) < 0))
		argv[n - 1] = NULL;
	for (int i = 0; i < n; i++)
		if (!argv[i]) {
			ddp_ddcase_args_free(argv, n);
			return DDP_ENOMEM;
		}
	*argv_out = argv;
	*argc_out = n;
	return DDP_OK;
}

void ddp_ddcase_args_free(char **argv, int argc)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
