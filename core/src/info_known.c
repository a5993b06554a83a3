/*
 * info_known.c: the known-divergences file, parsed and matched against
 * the signature of a diff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Fails at line/column of the file being parsed. */
static int known_fail(ddp_error *err, const char *source, int line, int column,
                      size_t position, const char *what)
{
	return ddp_fail(err, DDP_EINVAL, source, line, column, position, "%s", what);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A character allowed in a case pattern or a field: printable, no blank. */
static int is_word(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static char *dup_range(const char *s, size_t n)
{
	char *t = malloc(n + 1);
	if (t) {
		memcpy(t, s, n);
		t[n] = '\0';
	}
	return t;
}

static void entry_free(ddp_known_divergence *e)
{
	free(e->case_pattern);
	for (size_t i = 0; i < e->n_fields; i++)
		free(e->fields[i]);
	free(e->fields);
	free(e->reason);
}

void ddp_known_divergences_free(ddp_known_divergences *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		entry_free(&list->entries[i]);
	free(list->entries);
	free(list->source);
	free(list);
}

/*
 * Splits the FIELDS column text[0..n) into e->fields.  Returns DDP_OK, or
 * DDP_EINVAL with *bad at the offending offset and *why set.
 */
static int split_fields(ddp_known_divergence *e, const char *text, size_t n,
                        size_t *bad, const char **why)
{
	size_t count = 1, start = 0;

	for (size_t i = 0; i < n; i++)
		count += text[i] == ',';
	if (!(e->fields = calloc(count, sizeof(*e->fields))))
		return DDP_ENOMEM;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && text[i] != ',')
			continue;
		*bad = start;
		if (i == start) {
			*why = "empty field in the field list";
			return DDP_EINVAL;
		}
		if (text[start] == '/') {
			*why = "a field is written without its leading '/' (as in a "
			       "signature: virtual-size, format-specific/data/cid)";
			return DDP_EINVAL;
		}
		for (size_t j = start; j + 1 < i; j++) {
			if (text[j] == '/' && text[j + 1] == '/') {
				*bad = j + 1;
				*why = "empty segment in a field";
				return DDP_EINVAL;
			}
		}
		if (text[i - 1] == '/') {
			*bad = i - 1;
			*why = "a field ends with '/'";
			return DDP_EINVAL;
		}
		if (!(e->fields[e->n_fields] = dup_range(text + start, i - start)))
			return DDP_ENOMEM;
		e->n_fields++;
		start = i + 1;
	}
	return DDP_OK;
}

/* One entry's columns, as [start, end) offsets into the text. */
typedef struct known_cols {
	size_t p0, p1; /* CASE-PATTERN */
	size_t f0, f1; /* FIELDS */
	size_t r0, r1; /* REASON, without trailing blanks */
} known_cols;

/*
 * Reads line number line, text[bol, eol): DDP_OK with its columns in *c,
 * 1 for a blank line or a comment, else DDP_EINVAL with err at the byte.
 */
static int known_line(known_cols *c, const char *text, size_t bol, size_t eol, int line,
                      const char *source, ddp_error *err)
{
	char msg[160];
	size_t i;

	for (i = bol; i < eol; i++) {
		unsigned char ch = (unsigned char)text[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			snprintf(msg, sizeof(msg), "control character 0x%02x", ch);
			return known_fail(err, source, line, (int)(i - bol) + 1, i, msg);
		}
	}
	for (i = bol; i < eol && is_blank(text[i]); i++)
		;
	if (i == eol || text[i] == '#')
		return 1;
	for (c->p0 = i; i < eol && !is_blank(text[i]); i++)
		if (!is_word((unsigned char)text[i]))
			return known_fail(err, source, line, (int)(i - bol) + 1, i,
			                  "a case pattern is printable ASCII without blanks");
	c->p1 = i;
	while (i < eol && is_blank(text[i]))
		i++;
	if (i == eol)
		return known_fail(err, source, line, (int)(i - bol) + 1, i,
		                  "expected FIELD[,FIELD...] after the case pattern "
		                  "(line format: CASE-PATTERN FIELDS REASON)");
	for (c->f0 = i; i < eol && !is_blank(text[i]); i++)
		if (!is_word((unsigned char)text[i]))
			return known_fail(err, source, line, (int)(i - bol) + 1, i,
			                  "a field is printable ASCII without blanks");
	c->f1 = i;
	while (i < eol && is_blank(text[i]))
		i++;
	if (i == eol)
		return known_fail(err, source, line, (int)(i - bol) + 1, i,
		                  "expected a reason after the fields (line format: "
		                  "CASE-PATTERN FIELDS REASON)");
	c->r0 = i;
	for (c->r1 = eol; c->r1 > c->r0 && is_blank(text[c->r1 - 1]); c->r1--)
		;
	return DDP_OK;
}

/* Room for one more entry (and its raw FIELDS column); DDP_ENOMEM when there is none. */
static int known_grow(ddp_known_divergences *list, size_t *cap, const char ***field_cols,
                      size_t **field_lens)
{
	size_t ncap = *cap ? 2 * *cap : 8;
	void *a, *b, *c;

	if (list->count < *cap)
		return DDP_OK;
	a = realloc(list->entries, ncap * sizeof(*list->entries));
	b = a ? realloc(*field_cols, ncap * sizeof(**field_cols)) : NULL;
	c = b ? realloc(*field_lens, ncap * sizeof(**field_lens)) : NULL;
	if (a)
		list->entries = a;
	if (b)
		*field_cols = b;
	if (c)
		*field_lens = c;
	if (!c)
		return DDP_ENOMEM;
	*cap = ncap;
	return DDP_OK;
}

int ddp_known_divergences_parse(ddp_known_divergences **out, const char *text,
                                size_t len, const char *source,
                                ddp_error *err)
{
	ddp_known_divergences *list;
	size_t cap = 0, pos = 0;
	const char **field_cols = NULL; /* raw FIELDS column of each entry */
	size_t *field_lens = NULL;
	int line = 0, rc = DDP_OK;
	char msg[160];

	if (!out)
		return ddp_fail(err, DDP_EINVAL, source, 0, 0, 0, "no output given");
	*out = NULL;
	if (!source)
		source = "known-divergences";
	if (!text && len)
		return ddp_fail(err, DDP_EINVAL, source, 0, 0, 0, "no text given");
	if (!(list = calloc(1, sizeof(*list))) || !(list->source = dup_range(source, strlen(source)))) {
		free(list);
		return ddp_fail(err, DDP_ENOMEM, source, 0, 0, 0, "out of memory");
	}
	while (pos < len && !rc) {
		size_t bol = pos, eol = pos;
		known_cols c = {0, 0, 0, 0, 0, 0};
		ddp_known_divergence *e;

		while (eol < len && text[eol] != '\n')
			eol++;
		pos = eol < len ? eol + 1 : eol;
		line++;
		if (eol > bol && text[eol - 1] == '\r')
			eol--;
		if ((rc = known_line(&c, text, bol, eol, line, source, err)) == 1) {
			rc = DDP_OK;
			continue;
		}
		if (rc)
			break;
		/* a duplicate: the same pattern and the same field list */
		for (size_t k = 0; k < list->count; k++) {
			ddp_known_divergence *o = &list->entries[k];
			if (strlen(o->case_pattern) == c.p1 - c.p0 &&
			    !memcmp(o->case_pattern, text + c.p0, c.p1 - c.p0) &&
			    field_lens[k] == c.f1 - c.f0 &&
			    !memcmp(field_cols[k], text + c.f0, c.f1 - c.f0)) {
				snprintf(msg, sizeof(msg),
				         "duplicate entry (the same pattern and fields as "
				         "line %d)", o->line);
				rc = known_fail(err, source, line, (int)(c.p0 - bol) + 1, c.p0, msg);
				break;
			}
		}
		if (rc || (rc = known_grow(list, &cap, &field_cols, &field_lens)))
			break;
		e = &list->entries[list->count];
		memset(e, 0, sizeof(*e));
		e->line = line;
		field_cols[list->count] = text + c.f0;
		field_lens[list->count] = c.f1 - c.f0;
		list->count++;
		if (!(e->case_pattern = dup_range(text + c.p0, c.p1 - c.p0)) ||
		    !(e->reason = dup_range(text + c.r0, c.r1 - c.r0))) {
			rc = DDP_ENOMEM;
			break;
		}
		{
			size_t bad = 0;
			const char *why = NULL;
			rc = split_fields(e, text + c.f0, c.f1 - c.f0, &bad, &why);
			if (rc == DDP_EINVAL)
				rc = known_fail(err, source, line, (int)(c.f0 + bad - bol) + 1,
				                c.f0 + bad, why);
		}
	}
	free(field_cols);
	free(field_lens);
	if (rc) {
		ddp_known_divergences_free(list);
		if (rc == DDP_ENOMEM)
			return ddp_fail(err, rc, source, 0, 0, 0, "out of memory");
		return rc;
	}
	*out = list;
	return DDP_OK;
}

/* Glob match: '*' any run of characters, '?' any one. */
static int glob_match(const char *pat, const char *s, size_t n)
{
	const char *star = NULL;
	size_t i = 0, mark = 0;

	while (i < n) {
		if (*pat == '*') {
			star = pat++;
			mark = i;
		} else if (*pat && (*pat == '?' || *pat == s[i])) {
			pat++;
			i++;
		} else if (star) {
			pat = star + 1;
			i = ++mark;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static int entry_covers(const ddp_known_divergence *e, const char *signature)
{
	const char *p = signature;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int ok = 0;

		for (size_t f = 0; f < e->n_fields && !ok; f++)
			ok = glob_match(e->fields[f], p, n);
		if (!ok)
			return 0;
		if (!end)
			return 1;
		p = end + 1;
	}
}

int ddp_known_divergences_match(const ddp_known_divergence **out,
                                const ddp_known_divergences *list,
                                const char *case_name, const char *signature,
                                ddp_error *err)
{
	if (!out)
		return ddp_fail(err, DDP_EINVAL, "known divergences", 0, 0, 0,
		                "no output given");
	*out = NULL;
	if (!list || !case_name || !signature)
		return ddp_fail(err, DDP_EINVAL, "known divergences", 0, 0, 0,
		                "no list, case name or signature given");
	if (!signature[0])
		return DDP_OK;
	for (size_t i = 0; i < list->count; i++) {
		const ddp_known_divergence *e = &list->entries[i];
		if (glob_match(e->case_pattern, case_name, strlen(case_name)) &&
		    entry_covers(e, signature)) {
			*out = e;
			return DDP_OK;
		}
	}
	return DDP_OK;
}
