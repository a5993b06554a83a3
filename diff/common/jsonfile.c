/*
 * jsonfile.c: what the parsers of the suite's files share (common.h):
 * errors naming the file, a line and a column, members checked by kind,
 * files read whole and refused when they hold a NUL.
 *
 * jansson keeps no positions of values, so an error about a member points
 * at where its name is written (found in the text), else at the object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctype.h>
#include <stddef.h>

#include "common/common.h"

/* ---- where, and failing there --------------------------------------------- */

int ddp_jf_fail_at(ddp_error *err, const char *source, const char *text, size_t len,
                   size_t pos, const char *fmt, ...)
{
	int line = 1, column = 1;
	va_list ap;

	if (pos > len)
		pos = len;
	for (size_t i = 0; i < pos; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	va_start(ap, fmt);
	ddp_error_vset(err, DDP_EINVAL, source, line, column, pos, fmt, ap);
	va_end(ap);
	return DDP_EINVAL;
}

int ddp_jf_out_of_memory(ddp_error *err, const char *source)
{
	return ddp_error_set(err, DDP_ENOMEM, source, 1, 0, "out of memory");
}

/*
 * Where member key is written at or after from: its quoted name followed
 * by a colon; from itself when it is not found (an escaped name, say).
 */
size_t ddp_jf_member_pos(const char *text, size_t len, size_t from, const char *key)
{
	size_t klen = strlen(key), at = from;

	while (at < len) {
		const char *q = memchr(text + at, '"', len - at);
		size_t p, e;

		if (!q)
			break;
		p = (size_t)(q - text);
		e = p + 1 + klen;
		if (e < len && !memcmp(text + p + 1, key, klen) && text[e] == '"') {
			size_t c = e + 1;
			while (c < len && (text[c] == ' ' || text[c] == '\t' || text[c] == '\n' ||
			                   text[c] == '\r'))
				c++;
			if (c < len && text[c] == ':')
				return p;
		}
		at = p + 1;
	}
	return from;
}

/* The first byte that is not a blank: where a value starts. */
size_t ddp_jf_value_start(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	return i;
}

/* msg kept to one printable line ('?' for the rest), cut to size - 1 bytes. */
const char *ddp_jf_printable(char *buf, size_t size, const char *msg)
{
	size_t n = 0;

	for (; *msg && n + 1 < size; msg++)
		buf[n++] = (unsigned char)*msg >= 0x20 && (unsigned char)*msg < 0x7f ? *msg : '?';
	buf[n] = '\0';
	return buf;
}

/* A value quoted in a message: 40 printable bytes at most, then "...". */
const char *ddp_jf_shown(char buf[48], const char *s)
{
	ddp_jf_printable(buf, 41, s);
	if (strlen(s) > 40)
		strcpy(buf + 40, "...");
	return buf;
}

/* ---- JSON --------------------------------------------------------------------- */

const char *ddp_jf_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/*
 * text as a JSON object, no duplicate keys: jansson's error, at its line
 * and column, when it is not.  A NUL byte is refused first (jansson would
 * stop reading there).  *out is a new reference.
 */
int ddp_jf_load_object(json_t **out, const char *text, size_t len, const char *source,
                       ddp_error *err)
{
	json_error_t je;
	const char *nul;
	json_t *j;

	*out = NULL;
	if (!text && len)
		return ddp_error_set(err, DDP_EINVAL, source, 1, 0, "no text given");
	if (len && (nul = memchr(text, '\0', len)))
		return ddp_jf_fail_at(err, source, text, len, (size_t)(nul - text),
		               "a NUL byte: not a text file");
	if (!(j = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &je))) {
		char msg[sizeof(je.text)];
		size_t lines = 1;
		int line, column;

		if (json_error_code(&je) == json_error_out_of_memory)
			return ddp_jf_out_of_memory(err, source);
		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		line = je.line < 1 ? 1 : (size_t)je.line > lines ? (int)lines : je.line;
		column = je.column < 0 ? 0 : je.column;
		/* jansson quotes the token it stopped at. */
		return ddp_error_set(err, DDP_EINVAL, source, line, column, "invalid JSON: %s",
		                     ddp_jf_printable(msg, sizeof(msg), je.text));
	}
	if (!json_is_object(j)) {
		const char *what = ddp_jf_type_name(j);
		json_decref(j);
		return ddp_jf_fail_at(err, source, text, len, ddp_jf_value_start(text, len),
		               "not a JSON object but %s", what);
	}
	*out = j;
	return DDP_OK;
}

/* ---- members ----------------------------------------------------------------- */

static const char *const member_text[] = {
	"a string",
	"a string that is not empty",
	"a name (no '/' or control characters, not . or .., under 256 bytes)",
	"a case name (letters, digits, '.', '_' and '-', not first, at most 100; a map "
	"case's window after '@')",
	"a version (a digit, then digits, '.', '-' and a-z; under 32 bytes)",
	"an exit status (0 to 255)",
	"an exit status (0 to 255) or null",
	"an integer",
	"an integer >= 0",
	"an array of strings",
	"an array of names (no '/' or control characters, not . or ..)",
	"an object",
	"a sha256 (64 lowercase hex digits)",
	"an object of counts (integers >= 0)",
};

const char *ddp_jf_member_text(int what)
{
	return member_text[what];
}

/* A file name (a finding's directory) or a name compared with one. */
int ddp_jf_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 256 || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '/')
			return 0;
	return 1;
}

/* As `baselines profiles` names version directories ("7.2.22", "10.0.2-rc1"). */
int ddp_jf_version_ok(const char *s)
{
	if (!(*s >= '0' && *s <= '9') || strlen(s) >= 32)
		return 0;
	for (; *s; s++)
		if (!(*s >= '0' && *s <= '9') && !(*s >= 'a' && *s <= 'z') && *s != '.' && *s != '-')
			return 0;
	return 1;
}

/* n lowercase hex digits, no more, no fewer. */
static int hex_ok(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (; *s; s++)
		if (!(*s >= '0' && *s <= '9') && !(*s >= 'a' && *s <= 'f'))
			return 0;
	return 1;
}

/* profile-<8 lowercase hex digits>, as `baselines profiles` names them. */
int ddp_jf_profile_ok(const char *s)
{
	return !strncmp(s, "profile-", 8) && hex_ok(s + 8, 8);
}

static int ddp_jf_is_status(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 255;
}

static int member_ok(const json_t *v, int what)
{
	const char *s = json_string_value(v);
	size_t i;
	json_t *e;

	switch (what) {
	case DDP_JF_STRING: return s != NULL;
	case DDP_JF_TEXT: return s && *s;
	case DDP_JF_NAME: return s && ddp_jf_name_ok(s);
	case DDP_JF_CASE: return s && ddp_baseline_case_name_ok(s);
	case DDP_JF_VERSION: return s && ddp_jf_version_ok(s);
	case DDP_JF_SHA256: return s && hex_ok(s, 64);
	case DDP_JF_COUNTS: {
		const char *k;
		json_t *c;
		if (!json_is_object(v))
			return 0;
		json_object_foreach((json_t *)v, k, c)
			if (!json_is_integer(c) || json_integer_value(c) < 0)
				return 0;
		return 1;
	}
	case DDP_JF_STATUS: return ddp_jf_is_status(v);
	case DDP_JF_STATUS_NULL: return ddp_jf_is_status(v) || json_is_null(v);
	case DDP_JF_INTEGER: return json_is_integer(v);
	case DDP_JF_COUNT: return json_is_integer(v) && json_integer_value(v) >= 0;
	case DDP_JF_STRINGS:
	case DDP_JF_NAMES:
		if (!json_is_array(v))
			return 0;
		json_array_foreach(v, i, e)
			if (!json_is_string(e) || (what == DDP_JF_NAMES && !ddp_jf_name_ok(json_string_value(e))))
				return 0;
		return 1;
	default: return json_is_object(v);
	}
}

/* Checks object o (written at byte at of text) against its members' rules. */
int ddp_jf_check_members(const json_t *o, const ddp_jf_member *rules, size_t n, const char *text,
                         size_t len, size_t at, const char *source, ddp_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(o, rules[i].key);

		if (!v && rules[i].required)
			return ddp_jf_fail_at(err, source, text, len, at, "no \"%s\": it must be %s",
			               rules[i].key, member_text[rules[i].what]);
		if (v && !member_ok(v, rules[i].what)) {
			char buf[48];
			const char *q = json_is_string(v) ? "'" : "";
			if (json_is_integer(v))
				snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
			return ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, rules[i].key),
			               "\"%s\" must be %s, not %s%s%s", rules[i].key,
			               member_text[rules[i].what], q, json_is_string(v)
			               ? ddp_jf_shown(buf, json_string_value(v)) : json_is_integer(v) ? buf
			               : ddp_jf_type_name(v), q);
		}
	}
	return DDP_OK;
}

/* ---- names ------------------------------------------------------------------- */

int ddp_case_name_ok(const char *s)
{
	if (!*s || *s == '.' || *s == '-' || strlen(s) > 100)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
			return 0;
	return 1;
}

int ddp_baseline_case_name_ok(const char *s)
{
	const char *at = strchr(s, '@');
	char name[128];

	if (!at)
		return ddp_case_name_ok(s);
	if (at - s >= (ptrdiff_t)sizeof(name) || !at[1] || strlen(at + 1) > 100)
		return 0;
	memcpy(name, s, (size_t)(at - s));
	name[at - s] = '\0';
	for (const char *p = at + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-+", *p))
			return 0;
	return ddp_case_name_ok(name);
}

/* ---- reading ---------------------------------------------------------------- */

/* own: a file the suite wrote (no link, a regular file: ddp_read_own_file). */
int ddp_jf_read_text(char **out, size_t *len, const char *path, size_t max, int own,
                     ddp_error *err)
{
	const char *nul;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = (own ? ddp_read_own_file : ddp_read_file)(out, &n, path, max, err)))
		return rc;
	if ((nul = memchr(*out, '\0', n))) {
		ddp_jf_fail_at(err, path, *out, n, (size_t)(nul - *out), "a NUL byte: not a text file");
		free(*out);
		*out = NULL;
		return DDP_EINVAL;
	}
	if (len)
		*len = n;
	return DDP_OK;
}

int ddp_suitefile_read(char **out, size_t *len, const char *path, size_t max, ddp_error *err)
{
	return ddp_jf_read_text(out, len, path, max, 0, err);
}

/* Reads path, a file the suite wrote (at most max bytes, no link), and parses it. */
int ddp_jf_load(void *out, const char *path, size_t max, ddp_jf_parse_fn parse, const void *arg,
                ddp_error *err)
{
	char *text;
	size_t len;
	int rc;

	if ((rc = ddp_jf_read_text(&text, &len, path, max, 1, err)))
		return rc;
	rc = parse(out, text, len, path, arg, err);
	free(text);
	return rc;
}

char *ddp_suitefile_dumps(const json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS), *out = NULL;

	if (text && asprintf(&out, "%s\n", text) < 0)
		out = NULL;
	free(text);
	return out;
}
