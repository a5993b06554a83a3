/*
 * mapfix.c: the map fixtures' manifest (expected-outputs/map-fixtures),
 * read strictly because it is a file the suite trusts to say what to run,
 * and the fixtures made from it with the reference's qemu-img and qemu-io.
 *
 *     fixture  NAME  FORMAT  SIZE  OPTIONS  STEPS
 *     image    NAME  FORMAT  PATH  SHA256
 *     window   NAME  START   LENGTH
 *
 * Everything given to qemu-img and qemu-io is rebuilt from parsed numbers
 * and checked words, never passed on as written: a manifest cannot reach
 * a shell, another file or another qemu-io command.  An image's PATH is
 * only ever opened for reading (ddp_copy_image): it reaches no argv.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"

#include "map/map.h"

const char *const ddp_map_formats[] = {"raw", "qcow2", "qcow", "vmdk", "vpc",
                                       "vhdx", "qed", "vdi", NULL};

/* Manifests are small; a bigger file is not one. */
#define MANIFEST_MAX (1 << 20)
#define MAX_FIXTURES 256
#define MAX_WINDOWS 64

typedef struct cursor {
	const char *line;     /* start of the line */
	const char *p;        /* next unread byte */
	const char *end;      /* end of the line */
	int lineno;
	const char *source;
	ddp_error *err;
} cursor;

static int fail_at(cursor *c, const char *at, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ddp_error_vset(c->err, DDP_EINVAL, c->source, c->lineno, (int)(at - c->line) + 1,
	                    0, fmt, ap);
	va_end(ap);
	return rc;
}

/* The next blank-separated word (or, with stop, up to it); 0 at the end. */
static size_t word(cursor *c, const char **start, int stop)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
	*start = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t' && *c->p != stop)
		c->p++;
	return (size_t)(c->p - *start);
}

static int is_name_char(int ch)
{
	return isalnum(ch) || ch == '-' || ch == '_' || ch == '.';
}

/* A name of [A-Za-z0-9._-], starting with a letter or digit, shorter than size. */
static int read_name_to(cursor *c, char *buf, size_t size, const char *what, int stop)
{
	const char *s;
	size_t n = word(c, &s, stop);

	if (!n)
		return fail_at(c, s, "missing %s", what);
	if (n >= size)
		return fail_at(c, s, "%s longer than %zu characters", what, size - 1);
	if (!isalnum((unsigned char)s[0]))
		return fail_at(c, s, "%s must start with a letter or digit", what);
	for (size_t i = 0; i < n; i++)
		if (!is_name_char((unsigned char)s[i]))
			return fail_at(c, s + i, "%s may hold only letters, digits, '.', '-' and '_'",
			               what);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return DDP_OK;
}

static int read_name(cursor *c, char *buf, size_t size, const char *what)
{
	return read_name_to(c, buf, size, what, 0);
}

/* A size in bytes, or with k, M or G: the dd-cases sizes' rule. */
static int parse_size(cursor *c, const char *s, size_t n, int64_t *out, const char *what)
{
	char tmp[32];

	if (!n)
		return fail_at(c, s, "missing %s", what);
	if (n >= sizeof(tmp))
		return fail_at(c, s, "%s is too long to be a size", what);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if ((*out = ddp_ddcase_parse_size(tmp)) < 0)
		return fail_at(c, s, "%s '%s' is not a size (bytes, or with k, M or G)", what, tmp);
	/* Far beyond any image the suite makes; keeps every sum in range. */
	if (*out > (INT64_C(1) << 40))
		return fail_at(c, s, "%s '%s' is over 1T", what, tmp);
	return DDP_OK;
}

static int parse_options(cursor *c, ddp_map_fixture *f, const ddp_map_manifest *m)
{
	const char *s;
	size_t n = word(c, &s, 0), used = 0;
	const char *p = s, *end = s + n;

	if (!n)
		return fail_at(c, s, "missing OPTIONS (`-` for none)");
	if (n == 1 && *s == '-')
		return DDP_OK;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p)), *eq;
		const char *e = comma ? comma : end;

		eq = memchr(p, '=', (size_t)(e - p));
		if (!eq || eq == p || eq + 1 == e)
			return fail_at(c, p, "an option must be key=value");
		for (const char *q = p; q < e; q++)
			if (q != eq && !is_name_char((unsigned char)*q))
				return fail_at(c, q, "option characters are letters, digits, '.', '-' "
				                     "and '_'");
		if (eq - p == 7 && !memcmp(p, "backing", 7)) {
			size_t bl = (size_t)(e - eq - 1);
			const ddp_map_fixture *b;
			if (bl >= sizeof(f->backing))
				return fail_at(c, eq + 1, "backing fixture name too long");
			memcpy(f->backing, eq + 1, bl);
			f->backing[bl] = '\0';
			if (!(b = ddp_map_manifest_find(m, f->backing)))
				return fail_at(c, eq + 1, "backing '%s' is not a fixture above this line",
				               f->backing);
		} else {
			if (used + (size_t)(e - p) + 2 > sizeof(f->options))
				return fail_at(c, p, "options too long");
			used += (size_t)snprintf(f->options + used, sizeof(f->options) - used, "%s%.*s",
			                         used ? "," : "", (int)(e - p), p);
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end)
			return fail_at(c, comma, "an option list cannot end with ','");
	}
	return DDP_OK;
}

#define STEP_FORMS "`write [-P N] [-z [-u]] [-c] OFFSET LENGTH`, `discard OFFSET LENGTH`, " \
                   "`shrink SIZE` or `map NAME`"

/* Whether name is a fixture's already: above, f itself, or a map step of f's before. */
static int name_taken(const ddp_map_manifest *m, const ddp_map_fixture *f, const char *name)
{
	if (ddp_map_manifest_find(m, name) || !strcmp(f->name, name))
		return 1;
	for (int i = 0; i < f->nwrites; i++)
		if (f->writes[i].op == DDP_MAP_STEP_MAP && !strcmp(f->writes[i].name, name))
			return 1;
	return 0;
}

/* OFFSET LENGTH of a write or a discard, inside the image's size now. */
static int parse_range(cursor *c, ddp_map_write *w, const char *s, size_t n, int64_t size)
{
	int64_t v[2];
	int nv = 0, rc;
	const char *at = s; /* the OFFSET */

	do {
		if (*s == '-')
			return fail_at(c, s, "unknown %s flag '%.*s'%s", w->op ? "discard" : "write",
			               (int)n, s, w->op ? "" : " (-P N, -z, -u, -c)");
		if (nv == 2)
			return fail_at(c, s, "a %s takes one OFFSET and one LENGTH",
			               w->op ? "discard" : "write");
		if ((rc = parse_size(c, s, n, &v[nv], nv ? "LENGTH" : "OFFSET")))
			return rc;
		nv++;
	} while ((n = word(c, &s, ';')));
	if (nv < 2)
		return fail_at(c, c->p, "a %s needs OFFSET and LENGTH", w->op ? "discard" : "write");
	w->offset = v[0];
	w->length = v[1];
	if (!w->length)
		return fail_at(c, at, "a %s of 0 bytes does nothing", w->op ? "discard" : "write");
	if (w->offset > size || w->length > size - w->offset)
		return fail_at(c, at, "the %s ends past the image's %" PRId64 " bytes",
		               w->op ? "discard" : "write", size);
	return DDP_OK;
}

/* A write's flags, then its range. */
static int parse_write(cursor *c, ddp_map_write *w, int64_t size)
{
	const char *s;
	size_t n;

	while ((n = word(c, &s, ';'))) {
		if (n == 2 && !memcmp(s, "-P", 2)) {
			char tmp[8], *e;
			unsigned long b;
			const char *flag = s;
			if (w->pattern >= 0)
				return fail_at(c, s, "-P given twice");
			n = word(c, &s, ';');
			if (!n || n >= sizeof(tmp))
				return fail_at(c, n ? s : flag, "-P needs a byte (0 to 255)");
			memcpy(tmp, s, n);
			tmp[n] = '\0';
			errno = 0;
			b = strtoul(tmp, &e, 0);
			if (*e || errno || b > 255 || !isdigit((unsigned char)tmp[0]))
				return fail_at(c, s, "-P needs a byte (0 to 255), not '%s'", tmp);
			w->pattern = (int)b;
		} else if (n == 2 && !memcmp(s, "-z", 2)) {
			w->zero = 1;
		} else if (n == 2 && !memcmp(s, "-u", 2)) {
			w->unmap = 1;
		} else if (n == 2 && !memcmp(s, "-c", 2)) {
			w->compressed = 1;
		} else {
			break;
		}
	}
	if (!n)
		return fail_at(c, c->p, "a write needs OFFSET and LENGTH");
	if (w->zero && (w->pattern >= 0 || w->compressed))
		return fail_at(c, s, "-z writes zeros: no -P or -c with it");
	if (w->unmap && !w->zero)
		return fail_at(c, s, "-u unmaps a zeroed range: only with -z");
	return parse_range(c, w, s, n, size);
}

/* One step up to ';' or the end of the line; *size is the image's size there. */
static int parse_step(cursor *c, ddp_map_write *w, int64_t *size, const ddp_map_fixture *f,
                      const ddp_map_manifest *m)
{
	const char *s, *at;
	size_t n = word(c, &s, ';');
	int rc;

	memset(w, 0, sizeof(*w));
	w->pattern = -1;
	if (n == 5 && !memcmp(s, "write", 5))
		return parse_write(c, w, *size);
	if (n == 7 && !memcmp(s, "discard", 7)) {
		w->op = DDP_MAP_STEP_DISCARD;
		if (!(n = word(c, &s, ';')))
			return fail_at(c, s, "a discard needs OFFSET and LENGTH");
		return parse_range(c, w, s, n, *size);
	}
	if (n == 6 && !memcmp(s, "shrink", 6)) {
		w->op = DDP_MAP_STEP_SHRINK;
		if (strcmp(f->format, "raw") && strcmp(f->format, "qcow2"))
			return fail_at(c, s, "shrink: qemu-img resize --shrink here is for raw and qcow2, "
			                     "not %s", f->format);
		n = word(c, &at, ';');
		if ((rc = parse_size(c, at, n, &w->offset, "SIZE")))
			return rc;
		if (w->offset > *size)
			return fail_at(c, at, "shrink to %" PRId64 " bytes: the image has %" PRId64,
			               w->offset, *size);
		*size = w->offset;
		return DDP_OK;
	}
	if (n == 3 && !memcmp(s, "map", 3)) {
		w->op = DDP_MAP_STEP_MAP;
		while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
			c->p++;
		at = c->p;
		if ((rc = read_name_to(c, w->name, sizeof(w->name), "map step NAME", ';')))
			return rc;
		if (name_taken(m, f, w->name))
			return fail_at(c, at, "fixture '%s' is already named above", w->name);
		return DDP_OK;
	}
	return fail_at(c, s, "a step is " STEP_FORMS);
}

/* The fixture made by f's steps before its step k, a map step: a snapshot named by it. */
static void snapshot_of(ddp_map_fixture *out, const ddp_map_fixture *f, int k)
{
	*out = *f;
	out->kind = DDP_MAP_SNAPSHOT;
	snprintf(out->name, sizeof(out->name), "%s", f->writes[k].name);
	snprintf(out->snapshot_of, sizeof(out->snapshot_of), "%s", f->name);
	out->nwrites = 0;
	memset(out->writes, 0, sizeof(out->writes));
	for (int i = 0; i < k; i++)
		if (f->writes[i].op != DDP_MAP_STEP_MAP)
			out->writes[out->nwrites++] = f->writes[i];
}

/* `image NAME FORMAT PATH SHA256`. */
static int parse_image(cursor *c, ddp_map_fixture *f)
{
	const char *s;
	size_t n = word(c, &s, 0);

	if (!n)
		return fail_at(c, s, "missing PATH (the image file)");
	if (n >= sizeof(f->path))
		return fail_at(c, s, "PATH longer than %zu characters", sizeof(f->path) - 1);
	memcpy(f->path, s, n);
	f->path[n] = '\0';
	f->path_column = (int)(s - c->line) + 1;
	n = word(c, &s, 0);
	if (n != 64 || strspn(s, "0123456789abcdef") < 64)
		return fail_at(c, s, "SHA256 must be 64 lowercase hex digits (as sha256sum prints)");
	memcpy(f->sha256, s, 64);
	f->sha256[64] = '\0';
	f->sha256_column = (int)(s - c->line) + 1;
	return DDP_OK;
}

static int parse_fixture(cursor *c, ddp_map_fixture *f, const ddp_map_manifest *m, int image)
{
	const char *s;
	size_t n;
	int rc, known = 0;
	int64_t size;

	memset(f, 0, sizeof(*f));
	f->kind = image ? DDP_MAP_IMAGE : DDP_MAP_MADE;
	f->line = c->lineno;
	if ((rc = read_name(c, f->name, sizeof(f->name), "fixture NAME")))
		return rc;
	if (ddp_map_manifest_find(m, f->name))
		return fail_at(c, c->p - strlen(f->name), "fixture '%s' is already named above",
		               f->name);
	if ((rc = read_name(c, f->format, sizeof(f->format), "FORMAT")))
		return rc;
	for (int i = 0; ddp_map_formats[i]; i++)
		known |= !strcmp(f->format, ddp_map_formats[i]);
	if (!known)
		return fail_at(c, c->p - strlen(f->format),
		               "FORMAT '%s' is not one map reads here (raw, qcow2, qcow, vmdk, "
		               "vpc, vhdx, qed, vdi)", f->format);
	if (image)
		return parse_image(c, f);
	n = word(c, &s, 0);
	if (n >= sizeof(f->size_text))
		return fail_at(c, s, "SIZE too long");
	if ((rc = parse_size(c, s, n, &f->size, "SIZE")))
		return rc;
	memcpy(f->size_text, s, n);
	f->size_text[n] = '\0';
	if ((rc = parse_options(c, f, m)))
		return rc;
	if (!strcmp(f->format, "raw") && (f->options[0] || f->backing[0]))
		return fail_at(c, s, "a raw fixture takes no OPTIONS");
	n = word(c, &s, 0);
	if (!n)
		return fail_at(c, s, "missing STEPS (`-` for none)");
	if (n == 1 && *s == '-') {
		if (word(c, &s, 0))
			return fail_at(c, s, "nothing may follow `-`");
		return DDP_OK;
	}
	c->p = s;
	size = f->size;
	for (;;) {
		ddp_map_write w;
		if (f->nwrites == DDP_MAP_MAX_WRITES)
			return fail_at(c, c->p, "more than %d steps", DDP_MAP_MAX_WRITES);
		if ((rc = parse_step(c, &w, &size, f, m)))
			return rc;
		f->writes[f->nwrites++] = w;
		if (c->p >= c->end)
			return DDP_OK;
		c->p++; /* the ';' */
	}
}

static int parse_start(cursor *c, ddp_map_window *w)
{
	const char *s;
	size_t n = word(c, &s, 0);
	int sign = 0;
	size_t base = 0;

	if (n >= 3 && !memcmp(s, "mid", 3)) {
		w->at = DDP_MAP_AT_MID;
		base = 3;
	} else if (n >= 3 && !memcmp(s, "end", 3)) {
		w->at = DDP_MAP_AT_END;
		base = 3;
	} else {
		w->at = DDP_MAP_AT_ZERO;
	}
	if (base && n > base) {
		if (s[base] != '+' && s[base] != '-')
			return fail_at(c, s + base, "START is N, mid, end, mid+N, mid-N, end+N or end-N");
		sign = s[base] == '-' ? -1 : 1;
		base++;
	} else if (base) {
		return DDP_OK;
	}
	if (parse_size(c, s + base, n - base, &w->delta, "START"))
		return DDP_EINVAL;
	if (sign < 0)
		w->delta = -w->delta;
	return DDP_OK;
}

static int parse_window(cursor *c, ddp_map_window *w, const ddp_map_manifest *m)
{
	const char *s;
	size_t n;
	int rc;

	memset(w, 0, sizeof(*w));
	w->line = c->lineno;
	if ((rc = read_name(c, w->name, sizeof(w->name), "window NAME")))
		return rc;
	for (size_t i = 0; i < m->nwindows; i++)
		if (!strcmp(m->windows[i].name, w->name))
			return fail_at(c, c->p - strlen(w->name), "window '%s' is already named above",
			               w->name);
	if ((rc = parse_start(c, w)))
		return rc;
	n = word(c, &s, 0);
	if (n == 1 && *s == '-')
		w->length = -1;
	else if ((rc = parse_size(c, s, n, &w->length, "LENGTH")))
		return rc;
	return DDP_OK;
}

static int grow(void **items, size_t n, size_t each, size_t max, cursor *c)
{
	void *p;

	if (n == max)
		return fail_at(c, c->line, "more than %zu lines of this kind", max);
	if (!(p = realloc(*items, (n + 1) * each)))
		return ddp_error_set(c->err, DDP_ENOMEM, c->source, c->lineno, 0, "out of memory");
	*items = p;
	return DDP_OK;
}

static int parse_line(cursor *c, ddp_map_manifest *m)
{
	const char *s;
	size_t n = word(c, &s, 0);
	int rc;

	if (!n || *s == '#')
		return DDP_OK;
	if ((n == 7 && !memcmp(s, "fixture", 7)) || (n == 5 && !memcmp(s, "image", 5))) {
		ddp_map_fixture f;
		if ((rc = parse_fixture(c, &f, m, n == 5)) ||
		    (rc = grow((void **)&m->fixtures, m->nfixtures, sizeof(f), MAX_FIXTURES, c)))
			return rc;
		m->fixtures[m->nfixtures++] = f;
		/* Each map step's snapshot, after its fixture (made with it). */
		for (int k = 0; k < f.nwrites; k++) {
			if (f.writes[k].op != DDP_MAP_STEP_MAP)
				continue;
			if ((rc = grow((void **)&m->fixtures, m->nfixtures, sizeof(f), MAX_FIXTURES, c)))
				return rc;
			snapshot_of(&m->fixtures[m->nfixtures++], &f, k);
		}
	} else if (n == 6 && !memcmp(s, "window", 6)) {
		ddp_map_window w;
		if ((rc = parse_window(c, &w, m)) ||
		    (rc = grow((void **)&m->windows, m->nwindows, sizeof(w), MAX_WINDOWS, c)))
			return rc;
		m->windows[m->nwindows++] = w;
	} else {
		return fail_at(c, s, "a line is `fixture ...`, `image ...`, `window ...` or a # comment");
	}
	if (word(c, &s, 0))
		return fail_at(c, s, "unexpected text at the end of the line");
	return DDP_OK;
}

void ddp_map_images_dir(char *buf, size_t size, const char *source)
{
	const char *slash = strrchr(source, '/');

	if (slash)
		snprintf(buf, size, "%.*s", (int)(slash - source) + !(slash - source), source);
	else
		snprintf(buf, size, ".");
}

int ddp_map_manifest_parse(ddp_map_manifest *out, const char *text, size_t len,
                           const char *source, ddp_error *err)
{
	cursor c = {NULL, NULL, NULL, 0, source, err};
	const char *p = text, *end = text + len;
	int rc = DDP_OK;

	memset(out, 0, sizeof(*out));
	snprintf(out->source, sizeof(out->source), "%s", source);
	ddp_map_images_dir(out->images_dir, sizeof(out->images_dir), source);
	if (len > MANIFEST_MAX)
		return ddp_error_set(err, DDP_EINVAL, source, 1, 0,
		                     "larger than %d bytes: not a fixture manifest", MANIFEST_MAX);
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		c.line = c.p = p;
		c.end = nl ? nl : end;
		c.lineno++;
		for (const char *q = p; q < c.end; q++)
			if ((unsigned char)*q < 0x20 && *q != '\t') {
				rc = fail_at(&c, q, "control character 0x%02x", (unsigned char)*q);
				break;
			} else if ((unsigned char)*q >= 0x7f) {
				rc = fail_at(&c, q, "byte 0x%02x: the manifest is ASCII", (unsigned char)*q);
				break;
			}
		if (!rc)
			rc = parse_line(&c, out);
		p = nl ? nl + 1 : end;
	}
	if (!rc && !out->nfixtures)
		rc = ddp_error_set(err, DDP_EINVAL, source, c.lineno ? c.lineno : 1, 0,
		                   "no fixture or image lines");
	if (rc)
		ddp_map_manifest_free(out);
	return rc;
}

int ddp_map_manifest_load(ddp_map_manifest *out, const char *path, ddp_error *err)
{
	char *text;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ddp_read_own_file(&text, &len, path, MANIFEST_MAX, err))
		return DDP_EINVAL;
	rc = ddp_map_manifest_parse(out, text, len, path, err);
	free(text);
	return rc;
}

void ddp_map_manifest_free(ddp_map_manifest *m)
{
	free(m->fixtures);
	free(m->windows);
	memset(m, 0, sizeof(*m));
}

const ddp_map_fixture *ddp_map_manifest_find(const ddp_map_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->nfixtures; i++)
		if (!strcmp(m->fixtures[i].name, name))
			return &m->fixtures[i];
	return NULL;
}

/* A step as the manifest spells it (sizes with k, M, G when exact). */
static void step_text(char *buf, size_t size, const ddp_map_write *w)
{
	char off[24], len[24], pat[16] = "";

	ddp_ddcase_size_text(off, sizeof(off), w->offset);
	ddp_ddcase_size_text(len, sizeof(len), w->length);
	if (w->op == DDP_MAP_STEP_DISCARD) {
		snprintf(buf, size, "discard %s %s", off, len);
		return;
	}
	if (w->op == DDP_MAP_STEP_SHRINK || w->op == DDP_MAP_STEP_MAP) {
		snprintf(buf, size, "%s %s", w->op == DDP_MAP_STEP_MAP ? "map" : "shrink",
		         w->op == DDP_MAP_STEP_MAP ? w->name : off);
		return;
	}
	if (w->pattern >= 0)
		snprintf(pat, sizeof(pat), "-P %d ", w->pattern);
	snprintf(buf, size, "write %s%s%s%s%s %s", pat, w->zero ? "-z " : "", w->unmap ? "-u " : "",
	         w->compressed ? "-c " : "", off, len);
}

void ddp_map_fixture_line(char *buf, size_t size, const ddp_map_fixture *f)
{
	char opts[256];
	size_t used;

	if (f->kind == DDP_MAP_IMAGE) {
		snprintf(buf, size, "image   %-22s %-6s %s %s", f->name, f->format, f->path, f->sha256);
		return;
	}
	if (f->backing[0])
		snprintf(opts, sizeof(opts), "backing=%s%s%s", f->backing, f->options[0] ? "," : "",
		         f->options);
	else
		snprintf(opts, sizeof(opts), "%s", f->options[0] ? f->options : "-");
	used = (size_t)snprintf(buf, size, "fixture %-22s %-6s %-6s %-22s ", f->name, f->format,
	                        f->size_text, opts);
	if (!f->nwrites && used < size)
		snprintf(buf + used, size - used, "-");
	for (int i = 0; i < f->nwrites && used < size; i++) {
		char w[96];
		step_text(w, sizeof(w), &f->writes[i]);
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "; " : "", w);
	}
}

void ddp_map_window_resolve(int64_t *start, int64_t *length, const ddp_map_window *w,
                            int64_t virtual_size)
{
	int64_t base = w->at == DDP_MAP_AT_MID ? virtual_size / 2 / 512 * 512
	             : w->at == DDP_MAP_AT_END ? virtual_size : 0;

	*start = base + w->delta < 0 ? 0 : base + w->delta;
	*length = w->length;
}

/* Runs argv in dir: anything but exit 0 (with quiet, or a word on stderr) is an error. */
static int run_tool(const char *const *argv, const char *dir, const char *what, int quiet,
                    ddp_error *err)
{
	ddp_proc_opts o = {dir, 300, 1 << 16, 0, 0};
	ddp_proc_result r;
	int ok;

	if (ddp_proc_run(&r, argv, &o, err))
		return DDP_ERROR;
	ok = r.exited && !r.exit_code && (!quiet || !r.err_len);
	if (!ok)
		ddp_error_set(err, DDP_ERROR, what, 0, 0, "%s %s failed: %.200s", argv[0], argv[1],
		              r.err ? r.err : "");
	ddp_proc_result_free(&r);
	return ok ? DDP_OK : DDP_ERROR;
}

/* qemu-io's commands on f's file, five a run; it exits 0 even when one fails: stderr says so. */
static int run_io(const char *qemu_io, const ddp_map_fixture *f, char (*cmds)[96], int n,
                  const char *dir, const char *what, ddp_error *err)
{
	const char *argv[16];

	for (int i = 0; i < n;) {
		int k = 0;
		argv[k++] = qemu_io;
		argv[k++] = "-f";
		argv[k++] = f->format;
		while (i < n && k < 13) {
			argv[k++] = "-c";
			argv[k++] = cmds[i++];
		}
		argv[k++] = f->file;
		argv[k] = NULL;
		if (run_tool(argv, dir, what, 1, err))
			return DDP_ERROR;
	}
	return DDP_OK;
}

/* A shrink (qemu-img resize --shrink) or a map step's copy, between qemu-io's runs. */
static int other_step(const ddp_map_write *w, const ddp_map_fixture *f, const char *dir,
                      const char *qemu_img, const char *what, ddp_error *err)
{
	char size[24], from[4200], to[4200];

	if (w->op == DDP_MAP_STEP_SHRINK) {
		const char *argv[] = {qemu_img, "resize", "-q", "-f", f->format, "--shrink", f->file,
		                      size, NULL};
		snprintf(size, sizeof(size), "%" PRId64, w->offset);
		return run_tool(argv, dir, what, 0, err);
	}
	/* A copy that keeps the file's holes: what map reads of it is the same. */
	snprintf(from, sizeof(from), "%s/%s", dir, f->file);
	snprintf(to, sizeof(to), "%s/%s.%s", dir, w->name, f->format);
	return ddp_copy_image(from, to, err);
}

static int make_one(ddp_map_fixture *f, const ddp_map_manifest *m, const char *dir,
                    const char *qemu_img, const char *qemu_io, ddp_error *err)
{
	char size[24], backing[80] = "", what[96];
	const char *argv[16];
	int n = 0, ncmds = 0, raw = !strcmp(f->format, "raw");
	char cmds[DDP_MAP_MAX_WRITES + 1][96];
	const ddp_map_fixture *b = f->backing[0] ? ddp_map_manifest_find(m, f->backing) : NULL;

	snprintf(f->file, sizeof(f->file), "%s.%s", f->name, f->format);
	snprintf(what, sizeof(what), "map fixture %s (line %d)", f->name, f->line);
	/* A raw fixture starts empty: qemu-io's truncate gives any length. */
	snprintf(size, sizeof(size), "%" PRId64, raw ? (int64_t)0 : f->size);
	argv[n++] = qemu_img;
	argv[n++] = "create";
	argv[n++] = "-q";
	argv[n++] = "-f";
	argv[n++] = f->format;
	if (f->options[0]) {
		argv[n++] = "-o";
		argv[n++] = f->options;
	}
	if (b) {
		snprintf(backing, sizeof(backing), "%s", b->file);
		argv[n++] = "-b";
		argv[n++] = backing;
		argv[n++] = "-F";
		argv[n++] = b->format;
	}
	argv[n++] = f->file;
	argv[n++] = size;
	argv[n] = NULL;
	if (run_tool(argv, dir, what, 0, err))
		return DDP_ERROR;

	if (raw)
		snprintf(cmds[ncmds++], sizeof(cmds[0]), "truncate %" PRId64, f->size);
	for (int i = 0; i <= f->nwrites; i++) {
		const ddp_map_write *w = i < f->nwrites ? &f->writes[i] : NULL;
		char pat[16] = "";
		if (w && w->op == DDP_MAP_STEP_DISCARD) {
			snprintf(cmds[ncmds++], sizeof(cmds[0]), "discard %" PRId64 " %" PRId64, w->offset,
			         w->length);
			continue;
		}
		if (w && w->op == DDP_MAP_STEP_WRITE) {
			if (w->pattern >= 0)
				snprintf(pat, sizeof(pat), "-P %d ", w->pattern);
			snprintf(cmds[ncmds++], sizeof(cmds[0]), "write %s%s%s%s%" PRId64 " %" PRId64, pat,
			         w->zero ? "-z " : "", w->unmap ? "-u " : "", w->compressed ? "-c " : "",
			         w->offset, w->length);
			continue;
		}
		/* The end, a shrink or a map: qemu-io's commands so far first. */
		if (run_io(qemu_io, f, cmds, ncmds, dir, what, err) ||
		    (w && other_step(w, f, dir, qemu_img, what, err)))
			return DDP_ERROR;
		ncmds = 0;
	}
	return ddp_image_probe(&f->virtual_size, f->probed_format, sizeof(f->probed_format),
	                       qemu_img, NULL, f->file, dir, what, err);
}

/* An error about image f's line, at column col: what e said. */
static int image_fail(ddp_error *err, const ddp_map_manifest *m, const ddp_map_fixture *f,
                      int col, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ddp_error_set(err, DDP_EINVAL, m->source, f->line, col, "image %s: %s", f->name, msg);
}

/* What names a file other than the image itself in info's JSON, or NULL. */
static const char *other_file(json_t *info, const char *self)
{
	json_t *data = json_object_get(json_object_get(info, "format-specific"), "data"), *x;
	size_t i;

	if (json_object_get(info, "backing-filename"))
		return "a backing file";
	if (json_object_get(data, "data-file"))
		return "an external data file";
	json_array_foreach(json_object_get(data, "extents"), i, x)
		if (!json_is_string(json_object_get(x, "filename")) ||
		    strcmp(json_string_value(json_object_get(x, "filename")), self))
			return "an extent in another file";
	return NULL;
}

/*
 * An image line: PATH (from the manifest's directory when relative) copied
 * into dir, its copy's sha256 checked, then read by qemu-img info -f FORMAT.
 */
static int make_image(ddp_map_fixture *f, const ddp_map_manifest *m, const char *dir,
                      const char *qemu_img, ddp_error *err)
{
	char src[8200], dst[4200], sum[65], what[96];
	const char *other;
	json_t *info;
	ddp_error e;

	if (f->path[0] == '/')
		snprintf(src, sizeof(src), "%s", f->path);
	else
		snprintf(src, sizeof(src), "%s/%s", m->images_dir, f->path);
	snprintf(f->file, sizeof(f->file), "%s.%s", f->name, f->format);
	snprintf(dst, sizeof(dst), "%s/%s", dir, f->file);
	snprintf(what, sizeof(what), "map image %s (line %d)", f->name, f->line);
	if (ddp_copy_image(src, dst, &e))
		return image_fail(err, m, f, f->path_column, "%s: %s", e.source, e.message);
	if (ddp_sha256sum(sum, dst, &e))
		return image_fail(err, m, f, f->path_column, "%s", e.message);
	if (strcmp(sum, f->sha256))
		return image_fail(err, m, f, f->sha256_column,
		                  "%s has sha256 %s, not the %.12s... this line gives", src, sum, f->sha256);
	if (ddp_image_info(&info, qemu_img, f->format, f->file, dir, what, &e))
		return image_fail(err, m, f, f->path_column, "not one %s file qemu-img reads alone: %s",
		                  f->format, e.message);
	f->virtual_size = json_integer_value(json_object_get(info, "virtual-size"));
	snprintf(f->probed_format, sizeof(f->probed_format), "%s", f->format);
	other = other_file(info, f->file);
	json_decref(info);
	if (other)
		return image_fail(err, m, f, f->path_column,
		                  "%s names %s: an image fixture is one file, read alone", src, other);
	return DDP_OK;
}

int ddp_map_fixtures_make(ddp_map_manifest *m, const char *dir, const char *qemu_img,
                          ddp_error *err)
{
	char *qemu_io = ddp_qemu_io_for(qemu_img);
	int rc = DDP_OK;

	if (!qemu_io)
		return ddp_error_set(err, DDP_ENOMEM, dir, 0, 0, "out of memory");
	for (size_t i = 0; i < m->nfixtures && !rc; i++) {
		ddp_map_fixture *f = &m->fixtures[i];
		char what[96];
		if (f->kind == DDP_MAP_IMAGE) {
			rc = make_image(f, m, dir, qemu_img, err);
		} else if (f->kind == DDP_MAP_SNAPSHOT) {
			/* Its fixture, just above, copied it at its map step. */
			snprintf(f->file, sizeof(f->file), "%s.%s", f->name, f->format);
			snprintf(what, sizeof(what), "map fixture %s (line %d)", f->name, f->line);
			rc = ddp_image_probe(&f->virtual_size, f->probed_format, sizeof(f->probed_format),
			                     qemu_img, NULL, f->file, dir, what, err);
		} else {
			rc = make_one(f, m, dir, qemu_img, qemu_io, err);
		}
	}
	free(qemu_io);
	return rc;
}

void ddp_map_window_line(char *buf, size_t size, const ddp_map_window *w)
{
	char start[40], delta[24], length[24];
	const char *base = w->at == DDP_MAP_AT_MID ? "mid" : w->at == DDP_MAP_AT_END ? "end" : "";

	ddp_ddcase_size_text(delta, sizeof(delta), w->delta < 0 ? -w->delta : w->delta);
	if (!base[0])
		snprintf(start, sizeof(start), "%s", delta);
	else if (!w->delta)
		snprintf(start, sizeof(start), "%s", base);
	else
		snprintf(start, sizeof(start), "%s%c%s", base, w->delta < 0 ? '-' : '+', delta);
	if (w->length < 0)
		snprintf(length, sizeof(length), "-");
	else
		ddp_ddcase_size_text(length, sizeof(length), w->length);
	snprintf(buf, size, "window  %-22s %-9s %s", w->name, start, length);
}
