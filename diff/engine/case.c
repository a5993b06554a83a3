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

/* The options whose value is the next element (or the rest of the element). */
static int takes_value(const char *opt)
{
	static const char *const valued[] = {"-f", "-O", "--object", "--start-offset",
	                                     "--max-length", "--output"};
	for (size_t i = 0; i < sizeof(valued) / sizeof(*valued); i++)
		if (!strcmp(opt, valued[i]))
			return 1;
	return 0;
}

/* Appends name (its first n bytes) to the set in out, kept sorted and without repeats. */
static void cause_add(char names[][40], size_t *count, size_t max, const char *name, size_t n)
{
	char item[40];
	size_t at = 0;

	snprintf(item, sizeof(item), "%.*s", (int)(n < sizeof(item) - 1 ? n : sizeof(item) - 1), name);
	while (at < *count && strcmp(names[at], item) < 0)
		at++;
	if ((at < *count && !strcmp(names[at], item)) || *count == max)
		return;
	memmove(names[at + 1], names[at], (*count - at) * sizeof(*names));
	memcpy(names[at], item, sizeof(item));
	(*count)++;
}

/* Not dd's own operands (bs, count, skip, if, of) nor the formats given to -O and -f. */
static int name_is_odd(const char *name)
{
	static const char *const plain[] = {"bs", "count", "skip", "if", "of", "-O", "-f"};

	for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++) {
		size_t n = strlen(plain[i]);
		if (!strncmp(name, plain[i], n) && (!name[n] || (name[0] == '-' && name[n] == ' ')))
			return 0;
	}
	return 1;
}

void ddp_case_cause(char *out, size_t size, const ddp_case *c)
{
	char names[DDP_CASE_MAX_ARGS][40];
	size_t count = 0, n = 0;
	int operands_only = 0;

	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		char opt[40];
		const char *value = NULL;

		if (operands_only || a[0] != '-' || !a[1]) {
			/* An operand: its key ("count" of count=0x1k), or the word itself. */
			cause_add(names, &count, DDP_CASE_MAX_ARGS, a, strcspn(a, "="));
			continue;
		}
		if (!strcmp(a, "--")) {
			operands_only = 1;
			cause_add(names, &count, DDP_CASE_MAX_ARGS, a, 2);
			continue;
		}
		if (a[1] == '-') {
			/* --name or --name=value */
			snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(a, "="), a);
			if (a[strlen(opt)] == '=')
				value = a + strlen(opt) + 1;
		} else {
			/*
			 * -U, -Ovpc: the option (and its value's word).  A cluster
			 * of two letters or more (-xU, -UO vpc) is "cluster", whatever
			 * its letters: the minimiser splits those a divergence does not
			 * need, so one left is the point (its value is still taken).
			 */
			size_t letters = strcspn(a + 1, "fO") + 1;
			if (letters < strlen(a) && a[letters] && letters > 1) {
				if (!a[letters + 1] && i + 1 < c->argc)
					i++;
				cause_add(names, &count, DDP_CASE_MAX_ARGS, "cluster", 7);
				continue;
			}
			if (letters >= strlen(a) && strlen(a) > 2) {
				cause_add(names, &count, DDP_CASE_MAX_ARGS, "cluster", 7);
				continue;
			}
			snprintf(opt, sizeof(opt), "-%c", a[1]);
			if (takes_value(opt) && a[2])
				value = a + 2;
		}
		if (takes_value(opt) && !value && i + 1 < c->argc)
			value = c->argv[++i];
		if (value && ((*value >= 'a' && *value <= 'z') || (*value >= 'A' && *value <= 'Z'))) {
			/* A word's name: "-O vpc", "-O count" for -O count=1, "--object secret"
			 * (a number, --start-offset's, is a value like an operand's). */
			char both[40];
			snprintf(both, sizeof(both), "%s %.*s", opt, (int)strcspn(value, "=,"), value);
			cause_add(names, &count, DDP_CASE_MAX_ARGS, both, strlen(both));
		} else {
			cause_add(names, &count, DDP_CASE_MAX_ARGS, opt, strlen(opt));
		}
	}
	/*
	 * An odd name (a cluster, "--", a flag, a word that is no operand of
	 * dd's) is what a minimal case is about when it has one: the operands
	 * beside it only make the divergence show (bs=0x628K next to -UO
	 * parallels, for a candidate that does not read clusters).  Then the
	 * cause is the odd names alone.
	 */
	size_t odd = 0;
	for (size_t i = 0; i < count; i++)
		if (name_is_odd(names[i]))
			memmove(names[odd++], names[i], sizeof(*names));
	if (odd)
		count = odd;
	out[0] = '\0';
	for (size_t i = 0; i < count && n + 1 < size; i++) {
		int w = snprintf(out + n, size - n, "%s%s", i ? "," : "", names[i]);
		n += w > 0 ? (size_t)w : 0;
	}
	if (n >= size && size)
		out[size - 1] = '\0';
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
