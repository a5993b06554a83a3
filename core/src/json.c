/*
 * json.c: the one JSON reader of the core (info.c's and map.c's input):
 * NUL bytes, duplicate keys, numbers out of int64 range and nesting too
 * deep are refused with an error that says what and where (line, column,
 * byte, and the member or pointer), as jansson's own messages do not.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

static int is_number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	       c == 'e' || c == 'E';
}

/*
 * Finds the object member name just before the value starting at start
 * ("virtual-size" in `"virtual-size": 1`); writes "" when there is none.
 */
static void member_before(char *buf, size_t size, const char *text, size_t start)
{
	size_t i = start, end;

	buf[0] = '\0';
	while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' ||
	                 text[i - 1] == '\n' || text[i - 1] == '\r'))
		i--;
	if (i == 0 || text[i - 1] != ':')
		return;
	i--;
	while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' ||
	                 text[i - 1] == '\n' || text[i - 1] == '\r'))
		i--;
	if (i == 0 || text[i - 1] != '"')
		return;
	end = --i;
	while (i > 0 && end - i < size - 1) {
		if (text[i - 1] == '"' && (i < 2 || text[i - 2] != '\\'))
			break;
		i--;
	}
	if (i == 0 || text[i - 1] != '"')
		return;
	snprintf(buf, size, "%.*s", (int)(end - i), text + i);
}

/* Turns a jansson parse error into a ddp_error that says what and where. */
static int json_fail(ddp_error *err, const json_error_t *je, const char *text,
                     size_t len, const char *source)
{
	enum json_error_code code = json_error_code(je);
	size_t pos = je->position < 0 ? 0 : (size_t)je->position;

	if (pos > len)
		pos = len;
	if (code == json_error_numeric_overflow) {
		/* jansson stops just past the number: find where it starts. */
		size_t start = pos, n;
		char member[64], where[96] = "";
		const char *what;

		while (start > 0 && is_number_char(text[start - 1]))
			start--;
		n = pos - start;
		if (memchr(text + start, '.', n) || memchr(text + start, 'e', n) ||
		    memchr(text + start, 'E', n))
			what = "real number out of range (not a finite double)";
		else if (n > 0 && text[start] == '-')
			what = "integer out of range (below INT64_MIN)";
		else
			what = "integer out of range (above INT64_MAX, which jansson "
			       "cannot represent)";
		member_before(member, sizeof(member), text, start);
		if (member[0])
			snprintf(where, sizeof(where), " in member \"%s\"", member);
		return ddp_fail(err, DDP_ERANGE, source, je->line,
		                je->column - (int)n + 1 > 0 ? je->column - (int)n + 1 : je->column,
		                start, "%s: %.*s%s", what, n > 40 ? 40 : (int)n, text + start, where);
	}
	if (code == json_error_stack_overflow)
		return ddp_fail(err, DDP_EJSON, source, je->line, je->column, pos,
		                "nesting too deep (more than %d levels)", DDP_INFO_MAX_DEPTH);
	if (code == json_error_out_of_memory)
		return ddp_fail(err, DDP_ENOMEM, source, je->line, je->column, pos, "out of memory");
	return ddp_fail(err, DDP_EJSON, source, je->line, je->column, pos, "invalid JSON: %s",
	                je->text);
}

/* Fails on a NUL byte at pos, with its line and column as jansson counts. */
static int nul_fail(ddp_error *err, const char *text, size_t pos,
                    const char *source)
{
	int line = 1, column = 1;

	for (size_t i = 0; i < pos; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			column++;
		}
	}
	return ddp_fail(err, DDP_EJSON, source, line, column, pos, "invalid JSON: NUL byte");
}

/* Appends a JSON pointer segment (escaped ~0 ~1) to buf, truncating. */
static void pointer_append(char *buf, size_t size, const char *seg)
{
	size_t n = strlen(buf);

	if (n + 1 < size)
		buf[n++] = '/';
	for (; *seg && n + 2 < size; seg++) {
		if (*seg == '~' || *seg == '/') {
			buf[n++] = '~';
			buf[n++] = *seg == '~' ? '0' : '1';
		} else {
			buf[n++] = *seg;
		}
	}
	buf[n] = '\0';
}

static int check_depth(const json_t *v, int depth, char *where, size_t size,
                       const char *source, ddp_error *err)
{
	size_t mark = strlen(where);
	const char *key;
	json_t *child;
	size_t i;
	int rc;

	if (!json_is_object(v) && !json_is_array(v))
		return DDP_OK;
	if (depth > DDP_INFO_MAX_DEPTH)
		return ddp_fail(err, DDP_EJSON, source, 0, 0, 0,
		                "nesting too deep (more than %d levels) at %s",
		                DDP_INFO_MAX_DEPTH, where[0] ? where : "the top");
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, child) {
			pointer_append(where, size, key);
			if ((rc = check_depth(child, depth + 1, where, size, source, err)))
				return rc;
			where[mark] = '\0';
		}
	} else {
		json_array_foreach(v, i, child) {
			char idx[24];
			snprintf(idx, sizeof(idx), "%zu", i);
			pointer_append(where, size, idx);
			if ((rc = check_depth(child, depth + 1, where, size, source, err)))
				return rc;
			where[mark] = '\0';
		}
	}
	return DDP_OK;
}

int ddp_json_parse(json_t **out, const char *text, size_t len, const char *source,
                   ddp_error *err)
{
	json_error_t je;
	const char *nul;

	*out = NULL;
	if (!text && len)
		return ddp_fail(err, DDP_EINVAL, source, 0, 0, 0, "no text given");
	/* jansson reads {"a": 1<NUL>} as {"a": 1}: refuse NUL bytes first. */
	if (len && (nul = memchr(text, '\0', len)))
		return nul_fail(err, text, (size_t)(nul - text), source);
	*out = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!*out)
		return json_fail(err, &je, text ? text : "", len, source);
	return DDP_OK;
}

/* Fails when v nests deeper than DDP_INFO_MAX_DEPTH, naming where (a JSON pointer). */
int ddp_json_check_depth(const json_t *v, const char *source, ddp_error *err)
{
	char where[256] = "";

	return check_depth(v, 1, where, sizeof(where), source, err);
}
