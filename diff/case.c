/* case.c: a dd case as JSON, and as a line for people. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suitefiles.h"

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

/* The inverse of ddp_case_to_json, with the checks of a file read back. */
int ddp_case_from_json(ddp_case *c, const char *text, const char *source, ddp_error *err)
{
	return ddp_case_parse(c, text, text ? strlen(text) : 0, source, err);
}

void ddp_fput_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", (unsigned char)*p);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

char *ddp_case_describe(const ddp_case *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	int map = !strncmp(c->fixture, "map:", 4);

	fputs(map ? "qemu-img map" : "qemu-img dd", f);
	for (int i = 0; i < c->argc; i++) {
		fputc(' ', f);
		ddp_fput_quoted(f, c->argv[i]);
	}
	if (map)
		fprintf(f, " '<%s>'", c->fixture + 4);
	else
		fprintf(f, "   # input %s", c->fixture);
	fclose(f);
	return buf;
}
