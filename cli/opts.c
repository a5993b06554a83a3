/*
 * opts.c: the one option parser of the ddparity commands, on getopt_long:
 * `--opt value` and `--opt=value`, `--` ending the options, and one form
 * for every mistake, naming the command:
 *   ddparity fuzz: unknown option '--secs' (did you mean '--seconds'?)
 *   ddparity fuzz: option '--seconds' needs a value
 *   ddparity predict: 'if=a' is a dd operand: put the dd arguments after '--'
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Edit distance of a and b (insert, delete, replace, swap two neighbours), capped at 9. */
static int distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int d[48][48];

	if (n > 46 || m > 46)
		return 9;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m] > 9 ? 9 : d[n][m];
}

/* Whether a's letters appear in b in order (--secs in --seconds: letters left out). */
static int subsequence(const char *a, const char *b)
{
	for (; *a && *b; b++)
		if (*a == *b)
			a++;
	return !*a;
}

/* The option nearest to what was typed (its name before any '='), if near enough. */
static const char *nearest(const char *typed, const ddp_opt *opts, size_t n)
{
	char name[64];
	const char *best = NULL;
	int best_d = 3;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(typed, "="), typed);
	if (!strcmp("help", name) || distance(name, "help") < best_d) {
		best = "help";
		best_d = distance(name, "help");
	}
	for (size_t i = 0; i < n; i++) {
		int d = distance(name, opts[i].name);
		/* A longer name with letters left out (--min, --secs, --minsecs) is near too. */
		if (strlen(name) >= 3 && name[0] == opts[i].name[0] && subsequence(name, opts[i].name))
			d = 1;
		if (d < best_d) {
			best = opts[i].name;
			best_d = d;
		}
	}
	return best;
}

static ddp_exit say(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ddp_exit say(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ddparity %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'ddparity help %s')\n", cmd);
	return DDP_EXIT_USAGE;
}

int ddp_cli_parse(int *first, int argc, char **argv, const ddp_opt *opts, size_t n, int flags)
{
	struct option lo[DDP_CLI_MAX_OPTS + 2];
	const char *cmd = argv[0];
	int c, idx;

	if (n > DDP_CLI_MAX_OPTS) {
		fprintf(stderr, "ddparity %s: too many options for the parser\n", cmd);
		return DDP_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		lo[i] = (struct option){opts[i].name,
		                        opts[i].kind == DDP_OPT_FLAG ? no_argument : required_argument,
		                        NULL, (int)(i + 1) + 256};
	lo[n] = (struct option){"help", no_argument, NULL, 'h'};
	lo[n + 1] = (struct option){0};
	optind = 0; /* 0: getopt starts afresh (and sees POSIXLY_CORRECT anew) */
	opterr = 0;
	/* '-': operands stay where they are, returned as 1, so dd operands before '--' are caught. */
	while ((c = getopt_long(argc, argv, flags & DDP_OPT_DD_AFTER ? "-:h" : ":h", lo, &idx)) != -1) {
		const char *typed = argv[optind - 1];
		if (c == 'h') {
			*first = -1;
			return DDP_EXIT_OK;
		}
		if (c == 1) {
			return say(cmd, "'%s' is %s: put the dd arguments after '--'", optarg,
			           strchr(optarg, '=') ? "a dd operand" : "not an option");
		}
		if (c == ':')
			return say(cmd, "option '%s' needs a value", typed);
		if (c == '?') {
			const char *near;
			if (optopt && optopt != '?')
				return say(cmd, "unknown option '-%c'", optopt);
			/* getopt_long's unknown, or an abbreviation that fits two names. */
			if (strncmp(typed, "--", 2))
				return say(cmd, "unknown option '%s'", typed);
			near = nearest(typed + 2, opts, n);
			if (near)
				return say(cmd, "unknown option '%.*s' (did you mean '--%s'?)",
				           (int)strcspn(typed, "="), typed, near);
			return say(cmd, "unknown option '%.*s'", (int)strcspn(typed, "="), typed);
		}
		if (c > 256 && c <= 256 + (int)n) {
			const ddp_opt *o = &opts[c - 257];
			switch (o->kind) {
			case DDP_OPT_FLAG:
				*(int *)o->dest = 1;
				break;
			case DDP_OPT_STRING:
				*(const char **)o->dest = optarg;
				break;
			case DDP_OPT_LIST: {
				ddp_opt_list *l = o->dest;
				if (l->n >= DDP_CLI_MAX_LIST)
					return say(cmd, "'--%s' given more than %d times", o->name, DDP_CLI_MAX_LIST);
				l->v[l->n++] = optarg;
				break;
			}
			}
		}
	}
	if ((flags & DDP_OPT_DD_AFTER) && (optind < 1 || strcmp(argv[optind - 1], "--")))
		return say(cmd, "no '--': put the dd arguments after '--'");
	*first = optind;
	return DDP_EXIT_OK;
}

ddp_exit ddp_cli_uint(unsigned long long *out, const char *cmd, const char *opt, const char *text,
                 unsigned long long min, unsigned long long max)
{
	char *end;
	unsigned long long v;

	if (!text || text[0] < '0' || text[0] > '9')
		return say(cmd, "%s '%s' is not a whole number", opt, text ? text : "");
	v = strtoull(text, &end, 10);
	if (*end || v < min || v > max)
		return say(cmd, "%s '%s' is not a whole number from %llu to %llu", opt, text, min, max);
	*out = v;
	return DDP_EXIT_OK;
}

int ddp_cli_options(int *first, int argc, char **argv, const ddp_opt *opts, size_t n,
                    const char *usage, int max_operands, int flags)
{
	int rc = ddp_cli_parse(first, argc, argv, opts, n, flags);

	if (rc)
		return rc;
	if (*first < 0) {
		if (usage)
			fputs(usage, stdout);
		return -1;
	}
	if (max_operands >= 0 && argc - *first > max_operands)
		return say(argv[0], "unexpected '%s'", argv[*first + max_operands]);
	return DDP_EXIT_OK;
}

ddp_exit ddp_cli_seconds(double *out, const char *cmd, const char *opt, const char *text, int zero_ok)
{
	char *end;
	double d = strtod(text, &end);

	if (end == text || *end || !(zero_ok ? d >= 0 : d > 0) || d > 1e7)
		return say(cmd, "%s '%s' is not a %snumber of seconds", opt, text,
		           zero_ok ? "" : "positive ");
	*out = d;
	return DDP_EXIT_OK;
}
