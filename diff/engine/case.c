/* case.c: a case (dd or map) as JSON, and as a line for people; the command a case runs through. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

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

/* The subcommand each kind runs, as a case's file and line for people name it. */
static const char *const kind_names[DDP_CASE_KINDS] = {
	[DDP_CASE_DD] = "dd",
	[DDP_CASE_MAP] = "map",
};

const char *ddp_case_kind_name(ddp_case_kind kind)
{
	return (unsigned)kind < DDP_CASE_KINDS ? kind_names[kind] : NULL;
}

int ddp_case_kind_from_name(ddp_case_kind *out, const char *name, size_t len)
{
	for (int k = 0; k < DDP_CASE_KINDS; k++)
		if (strlen(kind_names[k]) == len && !memcmp(kind_names[k], name, len)) {
			*out = (ddp_case_kind)k;
			return DDP_OK;
		}
	return DDP_EINVAL;
}

const ddp_command *ddp_case_command(const ddp_config *cfg, const ddp_case *c, ddp_error *err)
{
	const ddp_command *cmd = (unsigned)c->kind < DDP_CASE_KINDS ? cfg->commands[c->kind] : NULL;

	if (!cmd)
		ddp_error_set(err, DDP_EINVAL, "case", 0, 0, "no %s cases in this run",
		              ddp_case_kind_name(c->kind) ? ddp_case_kind_name(c->kind) : "such");
	return cmd;
}

char *ddp_case_to_json(const ddp_case *c)
{
	json_t *args = json_array();
	json_t *j;
	char *text;

	for (int i = 0; i < c->argc; i++)
		json_array_append_new(args, arg_json(c->argv[i]));
	/* A dd case has no "command": its files read as they always did. */
	if (c->kind == DDP_CASE_DD)
		j = json_pack("{s:s,s:o}", "fixture", c->fixture, "args", args);
	else
		j = json_pack("{s:s,s:s,s:o}", "command", ddp_case_kind_name(c->kind), "fixture",
		              c->fixture, "args", args);
	text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return text;
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

	fprintf(f, "qemu-img %s", ddp_case_kind_name(c->kind));
	for (int i = 0; i < c->argc; i++) {
		fputc(' ', f);
		ddp_fput_quoted(f, c->argv[i]);
	}
	/* dd names its input in its operands (if=in.raw); map is given the fixture's file last. */
	if (c->kind == DDP_CASE_DD)
		fprintf(f, "   # input %s", c->fixture);
	else
		fprintf(f, " '<%s>'", c->fixture);
	fclose(f);
	return buf;
}

void ddp_minimal_free(ddp_minimal *m)
{
	ddp_case_free(&m->head);
}
