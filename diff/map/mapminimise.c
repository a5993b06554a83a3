/*
 * mapminimise.c: a map finding shrunk to its smallest case, keeping its
 * group.
 *
 * A map case is a fixture of the manifest and a few options, so the
 * search is small: the options in a plain form, then fewer options,
 * plainer and smaller window values, a fixture with fewer rules.  The
 * rules are known before running (ddp_map_rules is pure), so a step that
 * would go through a rule the finding did not, or through more rules than
 * the best so far, is never run; the rest re-run both tools through the
 * engine, as the dd minimiser does.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "map/map.h"

/* A map case in plain form: [--output=X] [--start-offset S] [--max-length L]. */
typedef struct mstate {
	const ddp_map_fixture *f;
	char output[40];          /* "" for none (human), else --output's value */
	char start[48], length[48]; /* "" when not given */
} mstate;

typedef struct shown {
	char sig[512];
	char rules[400];
	int modelled;
} shown;

typedef struct tried {
	char *key;
	int kept;
} tried;

typedef struct mctx {
	const ddp_config *cfg;
	const ddp_minimise_opts *opts;
	double start, deadline;
	int runs, out_of_time, failed;
	ddp_error *err;
	shown orig, best;
	tried *memo;
	size_t nmemo, memo_cap;
} mctx;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int rule_count(const char *rules)
{
	int n = *rules != '\0';
	for (; *rules; rules++)
		n += *rules == ',';
	return n;
}

/* The options of s (pointers into s), NULL-terminated; their count. */
static int state_args(const char **argv, char *obuf, size_t osize, const mstate *s)
{
	int n = 0;

	if (s->output[0]) {
		snprintf(obuf, osize, "--output=%s", s->output);
		argv[n++] = obuf;
	}
	if (s->start[0]) {
		argv[n++] = "--start-offset";
		argv[n++] = s->start;
	}
	if (s->length[0]) {
		argv[n++] = "--max-length";
		argv[n++] = s->length;
	}
	argv[n] = NULL;
	return n;
}

static void state_rules(char *buf, size_t size, const mstate *s)
{
	const char *argv[8];
	char o[64];
	int n = state_args(argv, o, sizeof(o), s);

	ddp_map_rules(buf, size, s->f, argv, n);
}

/* The engine's case of s (strings malloc'd). */
static int state_case(ddp_case *c, const mstate *s)
{
	const char *argv[8];
	char o[64];
	int n = state_args(argv, o, sizeof(o), s);

	memset(c, 0, sizeof(*c));
	c->kind = DDP_CASE_MAP;
	snprintf(c->fixture, sizeof(c->fixture), "%s", s->f->name);
	for (int i = 0; i < n; i++)
		if (!(c->argv[c->argc++] = strdup(argv[i]))) {
			ddp_case_free(c);
			return -1;
		}
	return 0;
}

static void describe(char *buf, size_t size, const mstate *s)
{
	const char *argv[8];
	char o[64];
	int n = state_args(argv, o, sizeof(o), s), used;

	used = snprintf(buf, size, "%s:", s->f->name);
	for (int i = 0; i < n && used > 0 && (size_t)used < size; i++)
		used += snprintf(buf + used, size - (size_t)used, " %s", argv[i]);
}

static uint64_t run_numbers = (1ULL << 61) + (1ULL << 60);

static int run_state(mctx *m, const mstate *s, shown *got)
{
	ddp_config cfg = *m->cfg;
	ddp_result res;
	ddp_case c;
	ddp_error err;
	double left = m->deadline - now();
	int rc;

	memset(got, 0, sizeof(*got));
	if (state_case(&c, s))
		return ddp_error_set(m->err, DDP_ENOMEM, "minimise", 0, 0, "out of memory");
	/* A slow trial must not eat the budget: it times out (inconclusive, not kept). */
	if (cfg.timeout > left / 2)
		cfg.timeout = left / 2 > 2 ? left / 2 : 2;
	m->runs++;
	rc = ddp_case_run(&res, &cfg, &c, __atomic_add_fetch(&run_numbers, 1, __ATOMIC_RELAXED),
	                  &err);
	ddp_case_free(&c);
	if (rc) {
		if (m->err)
			*m->err = err;
		m->failed = 1;
		ddp_result_free(&res);
		return rc;
	}
	snprintf(got->sig, sizeof(got->sig), "%s", res.verdict == DDP_DIVERGES ? res.signature
	         : res.verdict == DDP_SAME ? "(same)" : "(inconclusive)");
	snprintf(got->rules, sizeof(got->rules), "%s", res.ref_rules);
	got->modelled = res.ref_modelled;
	ddp_result_free(&res);
	return DDP_OK;
}

/* Whether what s would go through may be kept at all (no run needed to say no). */
static int rules_allow(const mctx *m, const char *rules)
{
	if (!m->opts->keep_group || !m->orig.modelled)
		return 1;
	return ddp_rules_subset(rules, m->orig.rules) &&
	       rule_count(rules) <= rule_count(m->best.rules);
}

static int keeps(const mctx *m, const shown *got)
{
	if (!m->opts->keep_group || !m->orig.modelled)
		return !strcmp(got->sig, m->orig.sig);
	return got->sig[0] != '(' && got->modelled && rules_allow(m, got->rules);
}

static char *state_key(const mstate *s)
{
	char *k = NULL;
	if (asprintf(&k, "%s\x01%s\x01%s\x01%s", s->f->name, s->output, s->start, s->length) < 0)
		return NULL;
	return k;
}

/* Does s keep the group?  *got: what it showed when it ran. */
static int interesting(mctx *m, const mstate *s, shown *got)
{
	char rules[400], *key;
	int kept;

	memset(got, 0, sizeof(*got));
	state_rules(rules, sizeof(rules), s);
	if (m->failed || !rules_allow(m, rules))
		return 0;
	key = state_key(s);
	for (size_t i = 0; key && i < m->nmemo; i++)
		if (!strcmp(m->memo[i].key, key)) {
			free(key);
			return 0; /* kept ones became the best: tried again only as a failure */
		}
	if (now() > m->deadline || (m->opts->stop && *m->opts->stop)) {
		m->out_of_time = 1;
		free(key);
		return 0;
	}
	if (run_state(m, s, got)) {
		free(key);
		return 0;
	}
	kept = keeps(m, got);
	if (key && m->nmemo == m->memo_cap) {
		size_t cap = m->memo_cap ? m->memo_cap * 2 : 64;
		tried *memo = realloc(m->memo, cap * sizeof(*memo));
		if (memo) {
			m->memo = memo;
			m->memo_cap = cap;
		}
	}
	if (key && m->nmemo < m->memo_cap)
		m->memo[m->nmemo++] = (tried){key, kept};
	else
		free(key);
	return kept;
}

static void note(mctx *m, const char *what, const mstate *s)
{
	char d[300];

	if (!m->opts->log)
		return;
	describe(d, sizeof(d), s);
	fprintf(m->opts->log, "minimise: %-20s %s  [%s] (%d runs, %.1f s)\n", what, d,
	        m->best.rules, m->runs, now() - m->start);
}

static int try_state(mctx *m, mstate *best, const mstate *trial, const char *what)
{
	shown got;

	if (!interesting(m, trial, &got))
		return 0;
	*best = *trial;
	m->best = got;
	note(m, what, best);
	return 1;
}

/* ---- the passes ------------------------------------------------------------ */

static int drop_options(mctx *m, mstate *best)
{
	mstate t;
	int changed = 0;

	t = *best;
	if (t.length[0] && (t.length[0] = '\0', try_state(m, best, &t, "drop --max-length")))
		changed = 1;
	t = *best;
	if (t.start[0] && (t.start[0] = '\0', try_state(m, best, &t, "drop --start-offset")))
		changed = 1;
	t = *best;
	if (t.output[0] && (t.output[0] = '\0', try_state(m, best, &t, "drop --output")))
		changed = 1;
	return changed;
}

/* Plain decimal value of text, or -1 when it is not digits alone. */
static int64_t decimal(const char *text)
{
	int64_t v = 0;

	if (!*text)
		return -1;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9' || v > (INT64_MAX - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Smaller and plainer values of one option: the smallest that keeps the group. */
static int shrink_value(mctx *m, mstate *best, int length)
{
	char *field = length ? best->length : best->start;
	int64_t v = decimal(field), vs = best->f->virtual_size, c[16];
	size_t n = 0;
	int parsed = v >= 0;

	if (!field[0])
		return 0;
	/* Not plain digits (a suffix, hex, not a number): every candidate is plainer. */
	if (!parsed) {
		int64_t big = INT64_MAX;
		v = big;
	}
	c[n++] = 0;
	c[n++] = 1;
	c[n++] = 512;
	c[n++] = 4096;
	c[n++] = 65536;
	c[n++] = 1 << 20;
	c[n++] = vs / 2 / 512 * 512;
	c[n++] = vs;
	if (parsed) {
		c[n++] = v / 2 / 512 * 512;
		c[n++] = v / 512 * 512;
		c[n++] = v / 65536 * 65536;
		c[n++] = v - 1;
	}
	qsort(c, n, sizeof(c[0]), cmp_i64);
	for (size_t i = 0; i < n; i++) {
		mstate t = *best;
		char *tf = length ? t.length : t.start, rules[400];
		if (c[i] < 0 || (i && c[i] == c[i - 1]) || (parsed && c[i] == v))
			continue;
		snprintf(tf, sizeof(t.start), "%" PRId64, c[i]);
		/* A larger value only when it goes through fewer rules (an empty window made whole). */
		state_rules(rules, sizeof(rules), &t);
		if (parsed && c[i] > v && rule_count(rules) >= rule_count(m->best.rules))
			continue;
		if (try_state(m, best, &t, length ? "smaller --max-length" : "smaller --start-offset"))
			return 1;
	}
	return 0;
}

static int shrink_values(mctx *m, mstate *best)
{
	int changed = shrink_value(m, best, 0);
	changed |= shrink_value(m, best, 1);
	return changed;
}

/* A fixture with fewer rules, or as few and smaller (then earlier in the manifest). */
static int simpler_fixture(mctx *m, mstate *best)
{
	const ddp_map_manifest *man = m->cfg->map;
	char rules[400];
	int best_n = rule_count(m->best.rules);
	size_t best_i = (size_t)(best->f - man->fixtures);

	for (int want = 0; want <= best_n; want++)
		for (size_t i = 0; i < man->nfixtures; i++) {
			const ddp_map_fixture *g = &man->fixtures[i];
			mstate t = *best;
			if (g == best->f || !g->virtual_size)
				continue;
			t.f = g;
			state_rules(rules, sizeof(rules), &t);
			if (rule_count(rules) != want)
				continue;
			/* As many rules: only a smaller image, or an earlier one as large. */
			if (want == best_n && (g->virtual_size > best->f->virtual_size ||
			                       (g->virtual_size == best->f->virtual_size && i > best_i)))
				continue;
			if (try_state(m, best, &t, "simpler fixture"))
				return 1;
		}
	return 0;
}

/* The finding's options in plain form; DDP_EINVAL when they are not map's. */
static int plain_form(mstate *s, const ddp_case *c, const ddp_map_fixture *f)
{
	memset(s, 0, sizeof(*s));
	s->f = f;
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i], *v = NULL;
		char *dst = NULL;
		size_t size = 0;
		if (!strncmp(a, "--output=", 9))
			v = a + 9, dst = s->output, size = sizeof(s->output);
		else if (!strcmp(a, "--output") && i + 1 < c->argc)
			v = c->argv[++i], dst = s->output, size = sizeof(s->output);
		else if (!strcmp(a, "--start-offset") && i + 1 < c->argc)
			v = c->argv[++i], dst = s->start, size = sizeof(s->start);
		else if (!strcmp(a, "--max-length") && i + 1 < c->argc)
			v = c->argv[++i], dst = s->length, size = sizeof(s->length);
		/* An empty value would read as "not given": the plain form cannot say it. */
		if (!dst || !*v || strlen(v) >= size)
			return DDP_EINVAL;
		snprintf(dst, size, "%s", v);
	}
	/* human is the default: the plain form says nothing. */
	if (!strcmp(s->output, "human"))
		s->output[0] = '\0';
	return DDP_OK;
}

int ddp_map_minimise(ddp_map_minimise_result *out, const ddp_config *cfg, const ddp_case *c,
                     const char *signature, const ddp_minimise_opts *opts, ddp_error *err)
{
	const ddp_map_fixture *f;
	mctx m;
	mstate best;
	shown got;
	ddp_case orig;
	int changed, rc = DDP_OK;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	m.cfg = cfg;
	m.opts = opts;
	m.err = err;
	m.start = now();
	m.deadline = m.start + (opts->seconds > 0 ? opts->seconds : 50);
	if (!cfg->map || c->kind != DDP_CASE_MAP || !(f = ddp_map_manifest_find(cfg->map, c->fixture)))
		return ddp_error_set(err, DDP_EINVAL, "minimise", 0, 0,
		                     "'%s' is not a fixture of the map manifest", c->fixture);
	out->orig_args = c->argc;
	/* 1. The finding as it was: it must still show its signature. */
	memset(&orig, 0, sizeof(orig));
	m.runs++;
	{
		ddp_result res;
		ddp_error e;
		if (ddp_case_run(&res, cfg, c, __atomic_add_fetch(&run_numbers, 1, __ATOMIC_RELAXED),
		                 &e)) {
			if (err)
				*err = e;
			ddp_result_free(&res);
			return DDP_ERROR;
		}
		snprintf(m.orig.sig, sizeof(m.orig.sig), "%s",
		         res.verdict == DDP_DIVERGES ? res.signature : "(same)");
		snprintf(m.orig.rules, sizeof(m.orig.rules), "%s", res.ref_rules);
		m.orig.modelled = res.ref_modelled;
		ddp_result_free(&res);
	}
	if (strcmp(m.orig.sig, signature))
		return ddp_error_set(err, DDP_EINVAL, "minimise", 0, 0,
		                     "the finding does not reproduce its signature %s (this run: %s)",
		                     signature, m.orig.sig);
	m.best = m.orig;
	snprintf(out->orig_rules, sizeof(out->orig_rules), "%s", m.orig.rules);
	out->modelled = m.orig.modelled;
	/* 2. Its options in plain form. */
	if (plain_form(&best, c, f))
		return ddp_error_set(err, DDP_EINVAL, "minimise", 0, 0,
		                     "its options are not map's --output, --start-offset and "
		                     "--max-length, each with a value");
	if (!interesting(&m, &best, &got)) {
		rc = m.failed ? DDP_ERROR
		     : ddp_error_set(err, DDP_EINVAL, "minimise", 0, 0,
		                     "in plain form the finding shows %s (rules %s), not %s (rules %s)",
		                     got.sig[0] ? got.sig : "(not run)", got.rules, signature,
		                     m.orig.rules);
		goto out;
	}
	m.best = got;
	note(&m, "plain form", &best);
	/* 3. Shrink until nothing changes (or the time is up). */
	do {
		changed = drop_options(&m, &best);
		changed |= simpler_fixture(&m, &best);
		changed |= shrink_values(&m, &best);
	} while (changed && !m.out_of_time && !m.failed);
	if (m.failed) {
		rc = DDP_ERROR;
		goto out;
	}
	if (state_case(&out->mcase, &best)) {
		rc = ddp_error_set(err, DDP_ENOMEM, "minimise", 0, 0, "out of memory");
		goto out;
	}
	snprintf(out->signature, sizeof(out->signature), "%s", m.best.sig);
	snprintf(out->rules, sizeof(out->rules), "%s", m.best.rules);
	out->out_of_time = m.out_of_time;
	if (opts->log && m.out_of_time)
		fprintf(opts->log, "minimise: the time is up (%.0f s); this is the smallest case so far\n",
		        opts->seconds);
out:
	out->runs = m.runs;
	out->seconds = now() - m.start;
	for (size_t i = 0; i < m.nmemo; i++)
		free(m.memo[i].key);
	free(m.memo);
	return rc;
}

void ddp_map_minimise_result_free(ddp_map_minimise_result *r)
{
	ddp_case_free(&r->mcase);
}

/* The map command's minimise (ddp_command.minimise): the manifest's fixtures are the inputs. */
static int map_minimal(ddp_minimal *out, const ddp_config *cfg, const ddp_case *c,
                       const char *signature, const ddp_minimise_opts *opts, ddp_error *err)
{
	ddp_map_minimise_result mr;
	int rc = ddp_map_minimise(&mr, cfg, c, signature, opts, err);

	memset(out, 0, sizeof(*out));
	out->runs = mr.runs;
	out->cfg = *cfg;
	if (!rc) {
		out->head = mr.mcase; /* the case's strings are out's now */
		memset(&mr.mcase, 0, sizeof(mr.mcase));
	}
	ddp_map_minimise_result_free(&mr);
	return rc;
}

const ddp_command ddp_map_command = {
	.kind = DDP_CASE_MAP,
	.generate = ddp_map_case_generate,
	.run = ddp_map_case_run,
	.minimise = map_minimal,
	.not_by_hand = "a qemu-img map finding",
};

void ddp_map_attach(ddp_config *cfg, const ddp_map_manifest *m)
{
	cfg->map = m;
	cfg->commands[DDP_CASE_MAP] = &ddp_map_command;
	cfg->generate = DDP_CASE_MAP;
}
