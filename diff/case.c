/* case.c: a dd case as JSON, and as a line for people. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void ddp_case_free(ddp_case *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	c->argc = 0;
}

static json_t *arg_json(const char *s)
{
	json_t *j = json_string(s);
	char *hex;

	if (j)
		return j;
	/* Not UTF-8: kept exactly, as hex. */
	hex = malloc(strlen(s) * 2 + 1);
	for (size_t i = 0; s[i]; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)s[i]);
	hex[strlen(s) * 2] = '\0';
	j = json_pack("{s:s}", "hex", hex);
	free(hex);
	return j;
}

char *ddp_case_to_json(const ddp_case *c)
{
	json_t *args = json_array();
	json_t *j;
	char *text;

	for (int i = 0; i < c->argc; i++)
		json_array_append_new(args, arg_json(c->argv[i]));
	j = json_pack("{s:s,s:o}", "fixture", c->fixture, "args", args);
	text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return text;
}

static char *unhex(const char *hex)
{
	size_t n = strlen(hex);
	char *s;

	if (n % 2)
		return NULL;
	s = malloc(n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || v == 0) {
			free(s);
			return NULL;
		}
		s[i] = (char)v;
	}
	s[n / 2] = '\0';
	return s;
}

int ddp_case_from_json(ddp_case *c, const char *text, const char *source, ddp_error *err)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	json_t *args, *fixture, *a;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!j) {
		return ddp_error_set(err, DDP_EINVAL, source, je.line, je.column, "%s", je.text);
	}
	fixture = json_object_get(j, "fixture");
	args = json_object_get(j, "args");
	if (!json_is_string(fixture) || strlen(json_string_value(fixture)) >= sizeof(c->fixture) ||
	    !json_is_array(args) || json_array_size(args) > DDP_CASE_MAX_ARGS) {
		json_decref(j);
		return ddp_error_set(err, DDP_EINVAL, source, 0, 0,
		                     "a case needs \"fixture\" (a name) and \"args\" (at most 48)");
	}
	snprintf(c->fixture, sizeof(c->fixture), "%s", json_string_value(fixture));
	json_array_foreach(args, i, a) {
		char *s = NULL;
		if (json_is_string(a) && !memchr(json_string_value(a), 0, json_string_length(a)))
			s = strdup(json_string_value(a));
		else if (json_is_string(json_object_get(a, "hex")))
			s = unhex(json_string_value(json_object_get(a, "hex")));
		if (!s) {
			ddp_case_free(c);
			json_decref(j);
			return ddp_error_set(err, DDP_EINVAL, source, 0, 0,
			                     "args[%zu] is neither a string nor {\"hex\": ...}", i);
		}
		c->argv[c->argc++] = s;
	}
	json_decref(j);
	return DDP_OK;
}

char *ddp_case_describe(const ddp_case *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fputs("qemu-img dd", f);
	for (int i = 0; i < c->argc; i++) {
		fputs(" '", f);
		for (const char *p = c->argv[i]; *p; p++) {
			if (*p == '\'')
				fputs("'\\''", f);
			else if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02x", (unsigned char)*p);
			else
				fputc(*p, f);
		}
		fputc('\'', f);
	}
	fprintf(f, "   # input %s", c->fixture);
	fclose(f);
	return buf;
}
