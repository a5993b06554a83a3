/*
 * minimise.c: a finding shrunk to the smallest dd case that still shows
 * the same divergence signature, as a dd-cases line.
 *
 * "Still interesting" means the same signature, never merely "diverges":
 * otherwise the reduction drifts onto another bug.  Every step re-runs
 * both tools through the engine (ddp_case_run), on inputs made by
 * ddp_fixture_adhoc, so the result is a case the baselines can carry.
 * Cases already tried are remembered, so a pass that changes nothing
 * costs nothing the second time.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "suite/suite.h"

/* What a case showed: its signature ("(same)"...) and the reference's rules. */
typedef struct shown {
	char sig[512];
	char rules[400];
	int modelled;
	char differs[96];  /* model:all: the versions it differs from */
} shown;

typedef struct tried {
	char *key;
	shown got;
} tried;

typedef struct mctx {
	const ddp_config *cfg;
	const ddp_minimise_opts *opts;
	ddp_fixtures fx;         /* the inputs made so far */
	size_t fx_cap;
	tried *memo;
	size_t nmemo, memo_cap;
	double start, deadline;
	int runs;
	int out_of_time;
	ddp_error *err;
	int failed;              /* a run could not be made (err is set) */
	/*
	 * Keeping the group (opts->keep_group): the original's rules, and the
	 * best case's count of them, which no step may raise (the rules-only
	 * pass must lower it), so the passes cannot undo each other.
	 */
	shown orig, best;
	int fewer_rules;         /* the step under way must go through fewer rules */
} mctx;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *pattern_of(const ddp_ddcase *d)
{
	return d->pattern[0] ? d->pattern : "random";
}

/* The input of a case, made once per size, format and pattern. */
static const ddp_fixture *input(mctx *m, const ddp_ddcase *d, ddp_error *err)
{
	ddp_fixture f;

	for (size_t i = 0; i < m->fx.count; i++)
		if (m->fx.items[i].size == d->size && !strcmp(m->fx.items[i].format, d->in_fmt) &&
		    !strcmp(m->fx.items[i].pattern, pattern_of(d)))
			return &m->fx.items[i];
	if (ddp_fixture_adhoc(&f, m->opts->fixdir, m->cfg->reference.argv[0], d->size, d->in_fmt,
			      pattern_of(d), err))
		return NULL;
	if (m->fx.count == m->fx_cap) {
		size_t cap = m->fx_cap ? m->fx_cap * 2 : 16;
		ddp_fixture *items = realloc(m->fx.items, cap * sizeof(*items));
		if (!items)
			return NULL;
		m->fx.items = items;
		m->fx_cap = cap;
	}
	m->fx.items[m->fx.count] = f;
	return &m->fx.items[m->fx.count++];
}

static uint64_t run_numbers = 1ULL << 61;

/* Runs an engine case: what it showed ("(same)" and so on when it agrees). */
static int run_case(mctx *m, const ddp_config *cfg, const ddp_case *c, shown *got)
{
	ddp_result res;
	ddp_error err;
	int rc;

	m->runs++;
	/* Numbers of its own: a campaign's cases and other minimisers run beside it. */
	rc = ddp_case_run(&res, cfg, c, __atomic_add_fetch(&run_numbers, 1, __ATOMIC_RELAXED), &err);
	if (rc) {
		if (m->err)
			*m->err = err;
		m->failed = 1;
		ddp_result_free(&res);
		return rc;
	}
	snprintf(got->sig, sizeof(got->sig), "%s", res.verdict == DDP_DIVERGES ? res.signature
		 : res.verdict == DDP_SAME ? "(same)" : res.verdict == DDP_UNSUPPORTED
		 ? "(unmodelled)" : res.verdict == DDP_REFUSED ? "(refused)" : "(inconclusive)");
	snprintf(got->rules, sizeof(got->rules), "%s", res.ref_rules);
	snprintf(got->differs, sizeof(got->differs), "%s", res.differs);
	got->modelled = res.verdict == DDP_DIVERGES && res.ref_modelled;
	ddp_result_free(&res);
	return DDP_OK;
}

/* How many ids a rules list ("a,b,c") holds. */
static int rule_count(const char *rules)
{
	int n = *rules != '\0';
	for (; *rules; rules++)
		n += *rules == ',';
	return n;
}

/*
 * Whether what a trial showed keeps what minimising keeps.  The signature:
 * the same signature.  The group: still a divergence, through none of the
 * reference's rules the original did not go through (so the reduction
 * cannot drift onto a bug of another rule), through no more rules than the
 * best so far; the signature alone when the model does not know the case.
 */
static int keeps(const mctx *m, const shown *got)
{
	int n;

	/* model:all: the same versions differ, or it is another finding. */
	if (strcmp(got->differs, m->orig.differs))
		return 0;
	if (!m->opts->keep_group || !m->orig.modelled)
		return !strcmp(got->sig, m->orig.sig);
	if (got->sig[0] == '(' || !got->modelled || !ddp_rules_subset(got->rules, m->orig.rules))
		return 0;
	n = rule_count(got->rules);
	return m->fewer_rules ? n < rule_count(m->best.rules) : n <= rule_count(m->best.rules);
}

static char *case_key(const ddp_ddcase *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fprintf(f, "%lld\x01%s\x01%s\x01%s", (long long)d->size, d->in_fmt, pattern_of(d), d->out_fmt);
	for (int i = 0; i < d->nops; i++)
		fprintf(f, "\x01%s", d->ops[i]);
	fclose(f);
	return buf;
}

/* Does the dd-cases form d still keep what minimising keeps?  *got: what it showed. */
static int interesting(mctx *m, const ddp_ddcase *d, shown *got)
{
	ddp_config cfg = *m->cfg;
	ddp_case c;
	const ddp_fixture *f;
	char **args, *key = case_key(d);
	double left = m->deadline - now();
	int nargs, rc;
	ddp_error ferr;

	memset(got, 0, sizeof(*got));
	snprintf(got->sig, sizeof(got->sig), "(not run)");
	for (size_t i = 0; key && i < m->nmemo; i++)
		if (!strcmp(m->memo[i].key, key)) {
			free(key);
			*got = m->memo[i].got;
			return keeps(m, got);
		}
	if (now() > m->deadline || (m->opts->stop && *m->opts->stop)) {
		m->out_of_time = 1;
		free(key);
		return 0;
	}
	if (!(f = input(m, d, &ferr))) {
		/* No such input (a vmdk of 0 bytes, say): not interesting. */
		snprintf(got->sig, sizeof(got->sig), "(no input: %s)", ferr.message);
	} else {
		cfg.fixtures = &m->fx;
		/* A slow trial must not eat the budget: it times out (inconclusive, not kept). */
		if (cfg.timeout > left / 2)
			cfg.timeout = left / 2 > 2 ? left / 2 : 2;
		memset(&c, 0, sizeof(c));
		snprintf(c.fixture, sizeof(c.fixture), "%s", f->name);
		if (ddp_ddcase_args(d, &args, &nargs) || nargs > DDP_CASE_MAX_ARGS) {
			free(key);
			return 0;
		}
		for (int i = 0; i < nargs; i++)
			c.argv[i] = args[i];
		c.argc = nargs;
		rc = run_case(m, &cfg, &c, got);
		ddp_ddcase_args_free(args, nargs);
		if (rc) {
			free(key);
			return 0;
		}
	}
	if (key && m->nmemo == m->memo_cap) {
		size_t cap = m->memo_cap ? m->memo_cap * 2 : 64;
		tried *memo = realloc(m->memo, cap * sizeof(*memo));
		if (memo) {
			m->memo = memo;
			m->memo_cap = cap;
		}
	}
	if (key && m->nmemo < m->memo_cap)
		m->memo[m->nmemo++] = (tried){key, *got};
	else
		free(key);
	return keeps(m, got);
}

static void note(mctx *m, const char *what, const ddp_ddcase *d)
{
	char sizecol[48];

	if (!m->opts->log)
		return;
	ddp_ddcase_size_column(sizecol, sizeof(sizecol), d);
	fprintf(m->opts->log, "minimise: %-20s %s %s -> %s:", what, sizecol, d->in_fmt, d->out_fmt);
	for (int i = 0; i < d->nops; i++)
		fprintf(m->opts->log, " %s", d->ops[i]);
	fprintf(m->opts->log, "  (%d runs, %.1f s)\n", m->runs, now() - m->start);
}

/* Whether d can be a dd-cases line (an -O the operands give must stay OUT's, ...). */
static int line_ok(ddp_ddcase *d)
{
	ddp_error e;

	ddp_ddcase_default_name(d->name, sizeof(d->name), d);
	return !ddp_ddcase_check(d, "minimise", &e);
}

/* Tries trial in place of *best; keeps it when it still shows the signature. */
static int try_case(mctx *m, ddp_ddcase *best, ddp_ddcase *trial, const char *what)
{
	shown got;

	if (!m->failed && line_ok(trial) && interesting(m, trial, &got)) {
		ddp_ddcase_free(best);
		*best = *trial;
		m->best = got;
		note(m, what, best);
		return 1;
	}
	ddp_ddcase_free(trial);
	return 0;
}

/* A copy of best with operand i replaced by key=value. */
static int with_value(ddp_ddcase *t, const ddp_ddcase *best, int i, const char *key,
                      const char *value)
{
	if (ddp_ddcase_copy(t, best))
		return -1;
	free(t->ops[i]);
	if (asprintf(&t->ops[i], "%s=%s", key, value) < 0) {
		t->ops[i] = strdup("");
		ddp_ddcase_free(t);
		return -1;
	}
	return 0;
}

/* ---- the passes ------------------------------------------------------------ */

static int drop_ops(mctx *m, ddp_ddcase *best)
{
	int changed = 0;

	for (int i = best->nops - 1; i >= 0 && !m->out_of_time && !m->failed; i--) {
		/* An option and its argument go together (-f qcow2); then the token alone. */
		for (int width = 2; width >= 1; width--) {
			ddp_ddcase t;
			if (i >= best->nops || i + width > best->nops)
				continue;
			if (width == 2 && (best->ops[i][0] != '-' || best->ops[i][1] == '-' ||
					   strlen(best->ops[i]) != 2))
				continue;
			if (ddp_ddcase_copy(&t, best))
				return changed;
			for (int k = 0; k < width; k++)
				free(t.ops[i + k]);
			memmove(&t.ops[i], &t.ops[i + width], (size_t)(t.nops - i - width) * sizeof(char *));
			t.nops -= width;
			if (try_case(m, best, &t, "dropped an operand")) {
				changed = 1;
				break;
			}
		}
	}
	return changed;
}

/*
 * Option clusters (-UO, -Uxqcow) one letter fewer at a time, while the
 * group keeps: a cluster left in a minimal case is one the divergence
 * needs (a candidate that does not read clusters), not one the generator
 * happened to write.
 */
static int split_clusters(mctx *m, ddp_ddcase *best)
{
	int changed = 0;

	for (int i = 0; i < best->nops && !m->out_of_time && !m->failed; i++) {
		const char *op = best->ops[i];
		/* Short options only; their letters, up to one that takes a value (f, O). */
		size_t letters = op[0] == '-' && op[1] && op[1] != '-' ? strcspn(op + 1, "fO") + 1 : 0;
		for (size_t k = 1; k < letters && strlen(best->ops[i]) > 2 && !m->out_of_time; k++) {
			ddp_ddcase t;
			if (ddp_ddcase_copy(&t, best))
				return changed;
			/* Drop letter k (1-based, never the dash). */
			memmove(t.ops[i] + k, t.ops[i] + k + 1, strlen(t.ops[i] + k));
			if (try_case(m, best, &t, "split a cluster")) {
				changed = 1;
				letters--;
				k--;
			}
		}
	}
	return changed;
}

/* The most blocks a bs candidate may make of the input (each costs a read and a write). */
#define MAX_BLOCKS 8192

typedef struct vcand {
	char text[96];
	uint64_t value;   /* UINT64_MAX when it does not parse */
} vcand;

/* Simpler first: shorter, then smaller, then by the text. */
static int cmp_vcand(const void *a, const void *b)
{
	const vcand *x = a, *y = b;
	size_t lx = strlen(x->text), ly = strlen(y->text);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->text, y->text);
}

static void add_cand(vcand *v, size_t *n, size_t max, const char *text, ddp_number_kind kind,
		     const ddp_profile *p)
{
	uint64_t val;
	int warn;

	if (*n >= max || strlen(text) >= sizeof(v->text))
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i].text, text))
			return;
	snprintf(v[*n].text, sizeof(v->text), "%s", text);
	v[*n].value = ddp_parse_number(&val, &warn, kind, text, p) == DDP_OK ? val : UINT64_MAX;
	(*n)++;
}

/*
 * Simpler spellings of a number's value, each strictly simpler than it:
 * the plain decimal of what it parses to, the same spelling with its
 * digits cut down (to 1, 0, half as many), a plainer suffix (k, or none),
 * no fraction, and a few small plain numbers.
 */
static size_t value_candidates(vcand *v, size_t max, const char *value, ddp_number_kind kind,
			       const ddp_profile *p)
{
	vcand self;
	size_t n = 0, k = 0;
	uint64_t parsed;
	int warn;
	const char *d, *e;
	char buf[160];

	snprintf(self.text, sizeof(self.text), "%s", value);
	self.value = ddp_parse_number(&parsed, &warn, kind, value, p) == DDP_OK ? parsed : UINT64_MAX;
	if (self.value != UINT64_MAX) {
		snprintf(buf, sizeof(buf), "%" PRIu64, self.value);
		add_cand(v, &n, max, buf, kind, p);
	}
	/* The first run of digits (hex digits after 0x) in the spelling. */
	d = value;
	while (*d && !isdigit((unsigned char)*d))
		d++;
	if (*d) {
		int hex = d[0] == '0' && (d[1] == 'x' || d[1] == 'X');
		const char *digits = hex ? d + 2 : d;
		e = digits;
		while (*e && (hex ? isxdigit((unsigned char)*e) : isdigit((unsigned char)*e)))
			e++;
		if (e > digits) {
			int pre = (int)(digits - value), len = (int)(e - digits);
			snprintf(buf, sizeof(buf), "%.*s1%s", pre, value, e);
			add_cand(v, &n, max, buf, kind, p);
			snprintf(buf, sizeof(buf), "%.*s0%s", pre, value, e);
			add_cand(v, &n, max, buf, kind, p);
			if (len > 1) {
				snprintf(buf, sizeof(buf), "%.*s%.*s%s", pre, value, (len + 1) / 2, digits, e);
				add_cand(v, &n, max, buf, kind, p);
			}
			/* A fraction dropped (1.0005k -> 1k), or cut to half its digits. */
			if (*e == '.') {
				const char *f = e + 1;
				while (isdigit((unsigned char)*f))
					f++;
				snprintf(buf, sizeof(buf), "%.*s%s", (int)(e - value), value, f);
				add_cand(v, &n, max, buf, kind, p);
				if (f - e > 2) {
					snprintf(buf, sizeof(buf), "%.*s%s", (int)(e + 1 + (f - e) / 2 - value),
						 value, f);
					add_cand(v, &n, max, buf, kind, p);
				}
				e = f;
			}
			/* A plainer suffix: k, or none. */
			if (*e && strchr("bBkKmMgGtTpPeE", *e)) {
				snprintf(buf, sizeof(buf), "%.*sk%s", (int)(e - value), value, e + 1);
				add_cand(v, &n, max, buf, kind, p);
				snprintf(buf, sizeof(buf), "%.*s%s", (int)(e - value), value, e + 1);
				add_cand(v, &n, max, buf, kind, p);
			}
		}
	} else if (*value) {
		/* No digits at all (bs=x): shorter nonsense. */
		add_cand(v, &n, max, "x", kind, p);
		snprintf(buf, sizeof(buf), "%.*s", (int)strlen(value) - 1, value);
		add_cand(v, &n, max, buf, kind, p);
	}
	{
		static const char *const small[] = {"0", "1", "512", "1024"};
		for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
			add_cand(v, &n, max, small[i], kind, p);
	}
	/* Only what is strictly simpler than the value itself. */
	for (size_t i = 0; i < n; i++)
		if (cmp_vcand(&v[i], &self) < 0)
			v[k++] = v[i];
	qsort(v, k, sizeof(*v), cmp_vcand);
	return k;
}

/* The smallest plain value in (lo, hi] on multiples of g that keeps the signature. */
static uint64_t bisect_value(mctx *m, ddp_ddcase *best, int i, const char *key, uint64_t lo,
			     uint64_t hi, uint64_t g)
{
	while (hi - lo > g && !m->out_of_time && !m->failed) {
		uint64_t mid = lo + (hi - lo) / 2;
		char text[32];
		ddp_ddcase t;
		mid -= mid % g;
		if (mid <= lo)
			mid = lo + g;
		if (mid >= hi)
			break;
		snprintf(text, sizeof(text), "%" PRIu64, mid);
		if (with_value(&t, best, i, key, text))
			break;
		if (try_case(m, best, &t, "a smaller number"))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* bs=, count=, skip=: plainer and smaller values. */
static int shrink_numbers(mctx *m, ddp_ddcase *best)
{
	int changed = 0;

	for (int i = 0; i < best->nops && !m->out_of_time && !m->failed; i++) {
		const char *op = best->ops[i], *eq = strchr(op, '=');
		ddp_number_kind kind;
		vcand v[24];
		size_t n;
		char key[8];
		uint64_t val;
		int warn, accepted = 0;

		if (!eq || eq - op > 5)
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)(eq - op), op);
		if (!strcmp(key, "bs"))
			kind = DDP_NUMBER_BS;
		else if (!strcmp(key, "count"))
			kind = DDP_NUMBER_COUNT;
		else if (!strcmp(key, "skip"))
			kind = DDP_NUMBER_SKIP;
		else
			continue;
		n = value_candidates(v, sizeof(v) / sizeof(v[0]), eq + 1, kind, m->cfg->model_profile);
		for (size_t k = 0; k < n && !accepted && !m->out_of_time; k++) {
			ddp_ddcase t;
			/* Each block is a synchronous read and write: no tiny bs on a big input. */
			if (kind == DDP_NUMBER_BS && v[k].value && v[k].value != UINT64_MAX &&
			    (uint64_t)best->size / v[k].value > MAX_BLOCKS)
				continue;
			if (with_value(&t, best, i, key, v[k].text))
				break;
			accepted = try_case(m, best, &t, "a simpler number");
		}
		changed |= accepted;
		op = best->ops[i];
		eq = strchr(op, '=');
		/* A plain decimal: the smallest that keeps the signature, by bisection. */
		if (!accepted && eq[1] && strspn(eq + 1, "0123456789") == strlen(eq + 1) &&
		    ddp_parse_number(&val, &warn, kind, eq + 1, m->cfg->model_profile) == DDP_OK &&
		    val > 1024) {
			uint64_t g = val >= 8192 ? 512 : 1, lo = 1024;
			uint64_t got;
			if (kind == DDP_NUMBER_BS && (uint64_t)best->size / MAX_BLOCKS > lo)
				lo = (uint64_t)best->size / MAX_BLOCKS;
			got = lo < val ? bisect_value(m, best, i, key, lo, val, g) : val;
			changed |= got < val;
		}
	}
	return changed;
}

/* raw output (the runner's -O raw) when the format is not what shows it. */
static int plainer_output(mctx *m, ddp_ddcase *best)
{
	ddp_ddcase t;

	if (!strcmp(best->out_fmt, "raw") || m->out_of_time || m->failed || ddp_ddcase_copy(&t, best))
		return 0;
	snprintf(t.out_fmt, sizeof(t.out_fmt), "raw");
	return try_case(m, best, &t, "raw output");
}

/*
 * Keeping the group: a count or skip of 1 where that takes a rule away
 * (count=0 goes through window-empty too; count=1 shows the same bug
 * through fewer).  Smaller values never come back to what this removed:
 * no step may add a rule.
 */
static int fewer_rules(mctx *m, ddp_ddcase *best)
{
	int changed = 0;

	if (!m->opts->keep_group || !m->orig.modelled)
		return 0;
	m->fewer_rules = 1;
	for (int i = 0; i < best->nops && !m->out_of_time && !m->failed; i++) {
		ddp_ddcase t;
		const char *key = !strncmp(best->ops[i], "count=", 6) ? "count"
		                  : !strncmp(best->ops[i], "skip=", 5) ? "skip" : NULL;
		if (!key || !strcmp(strchr(best->ops[i], '=') + 1, "1") || with_value(&t, best, i, key, "1"))
			continue;
		changed |= try_case(m, best, &t, "fewer rules");
	}
	m->fewer_rules = 0;
	return changed;
}

static int simpler_input(mctx *m, ddp_ddcase *best)
{
	int changed = 0;
	ddp_ddcase t;

	/* The plain pattern, then raw. */
	if (strcmp(pattern_of(best), "random") && !m->out_of_time && !ddp_ddcase_copy(&t, best)) {
		t.pattern[0] = '\0';
		changed |= try_case(m, best, &t, "the plain pattern");
	}
	if (strcmp(best->in_fmt, "raw") && !m->out_of_time && !ddp_ddcase_copy(&t, best)) {
		strcpy(t.in_fmt, "raw");
		changed |= try_case(m, best, &t, "raw input");
	}
	return changed;
}

static int set_size(ddp_ddcase *t, const ddp_ddcase *best, int64_t size)
{
	if (ddp_ddcase_copy(t, best))
		return -1;
	t->size = size;
	ddp_ddcase_size_text(t->size_text, sizeof(t->size_text), size);
	return 0;
}

static int smaller_input(mctx *m, ddp_ddcase *best)
{
	static const int64_t nice[] = {0, 512, 1024, 4096, 65536, 1024 * 1024};
	int64_t s = best->size, lo = -1, hi, g;

	/* Round sizes first, smallest first. */
	for (size_t k = 0; k < sizeof(nice) / sizeof(nice[0]) && nice[k] < s; k++) {
		ddp_ddcase t;
		if (m->out_of_time || m->failed || set_size(&t, best, nice[k]))
			return 0;
		if (try_case(m, best, &t, "a smaller input"))
			return 1;
		lo = nice[k];
	}
	/* Then the smallest in between, by bisection on round steps. */
	hi = s;
	g = s >= 4 << 20 ? 1 << 20 : s >= 256 << 10 ? 64 << 10 : 512;
	if (lo < 0)
		return 0;
	while (hi - lo > g && !m->out_of_time && !m->failed) {
		int64_t mid = lo + (hi - lo) / 2;
		ddp_ddcase t;
		mid -= mid % g;
		if (mid <= lo)
			mid = lo + g;
		if (mid >= hi || set_size(&t, best, mid))
			break;
		if (try_case(m, best, &t, "a smaller input"))
			hi = mid;
		else
			lo = mid;
	}
	return hi < s;
}

/* ---- the finding in dd-cases form --------------------------------------- */

/*
 * The finding's arguments as a dd-cases line: -O taken out into OUT, the
 * rest kept in order; the input the fixture's size, format and pattern
 * (ddp_fixture_adhoc remakes the engine's fixture byte for byte).
 * Plainly (literal 0) every if= and of= is dropped, the runner giving
 * its own; literally (1) they stay where they were, the fixture's link as
 * if=IN and every other name as written (the runner then adds none), for
 * a finding whose files matter: an of= twice or missing, a bad operand
 * before them, another name.  Verbatim (2) the -O options stay too, the
 * one that applies (by the core's parser, under profile p) giving OUT: a
 * finding whose -O are read another way (twice, in a cluster).
 */
static int to_ddcase(ddp_ddcase *d, const ddp_case *c, const ddp_fixture *f, int literal,
                     const ddp_profile *p)
{
	int after_dashdash = 0;

	memset(d, 0, sizeof(*d));
	d->size = f->size;
	ddp_ddcase_size_text(d->size_text, sizeof(d->size_text), d->size);
	snprintf(d->in_fmt, sizeof(d->in_fmt), "%s", f->format);
	if (f->pattern && strcmp(f->pattern, "random"))
		snprintf(d->pattern, sizeof(d->pattern), "%s", f->pattern);
	snprintf(d->out_fmt, sizeof(d->out_fmt), "raw");
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (!after_dashdash && literal < 2) {
			if (!strcmp(a, "--")) {
				after_dashdash = 1;
			} else if ((!strcmp(a, "-O") || !strcmp(a, "--output-format")) && i + 1 < c->argc) {
				snprintf(d->out_fmt, sizeof(d->out_fmt), "%s", c->argv[++i]);
				continue;
			} else if (!strncmp(a, "-O", 2) && a[2]) {
				snprintf(d->out_fmt, sizeof(d->out_fmt), "%s", a + 2);
				continue;
			} else if (!strncmp(a, "--output-format=", 16)) {
				snprintf(d->out_fmt, sizeof(d->out_fmt), "%s", a + 16);
				continue;
			} else if ((!strcmp(a, "-f") || !strcmp(a, "--format") || !strcmp(a, "--object")) &&
				   i + 1 < c->argc) {
				/* An option's argument is never an operand. */
				if (d->nops + 2 > DDP_DDCASE_MAX_OPS)
					return DDP_ERANGE;
				d->ops[d->nops++] = strdup(a);
				d->ops[d->nops++] = strdup(c->argv[++i]);
				continue;
			}
		}
		if (!strncmp(a, "if=", 3) || !strncmp(a, "of=", 3)) {
			if (!literal)
				continue;
			if (!strncmp(a, "if=", 3) && f->file && !strcmp(a + 3, f->file)) {
				if (d->nops == DDP_DDCASE_MAX_OPS)
					return DDP_ERANGE;
				d->ops[d->nops++] = strdup("if=IN");
				continue;
			}
		}
		if (d->nops == DDP_DDCASE_MAX_OPS)
			return DDP_ERANGE;
		d->ops[d->nops++] = strdup(a);
	}
	if (literal == 2) {
		ddp_request req;
		ddp_outcome out;
		ddp_parse_args(&req, &out, p, c->argc, (const char *const *)c->argv, NULL);
		snprintf(d->out_fmt, sizeof(d->out_fmt), "%s", req.out_fmt);
	}
	return DDP_OK;
}

/*
 * The finding c (on fixture f) in dd-cases form, on a dd-cases input just
 * like the fixture: with the runner's if= and of= first, else the
 * finding's own (to_ddcase), whatever budget is left: without it there is
 * no case.  DDP_OK with *best and what it shows (*got); else *best freed
 * and an error saying what the form shows instead of signature.
 */
static int ddcases_form(mctx *m, ddp_ddcase *best, shown *got, const ddp_case *c,
                        const ddp_fixture *f, const char *signature)
{
	ddp_ddcase lit;
	shown lgot;
	int ok, bad;
	double deadline = m->deadline;

	if (m->deadline < now() + 60)
		m->deadline = now() + 60;
	bad = to_ddcase(best, c, f, 0, m->cfg->model_profile);
	if (bad) {
		ddp_ddcase_free(best);
		return ddp_error_set(m->err, DDP_EINVAL, "minimise", 0, 0,
				     "more than %d operands", DDP_DDCASE_MAX_OPS);
	}
	memset(&lgot, 0, sizeof(lgot));
	ok = line_ok(best) && interesting(m, best, got);
	/*
	 * Else its own if= and of= (1), then its -O as they were too (2),
	 * each when the form differs from the one before (it names files,
	 * it gives more -O than the runner's).
	 */
	for (int literal = 1; literal <= 2 && !ok && !m->failed; literal++) {
		if (to_ddcase(&lit, c, f, literal, m->cfg->model_profile)) {
			ddp_ddcase_free(&lit);
			continue;
		}
		if ((literal == 1 ? ddp_ddcase_literal_files(&lit) : ddp_ddcase_literal_format(&lit)) &&
		    line_ok(&lit) && interesting(m, &lit, &lgot)) {
			ddp_ddcase_free(best);
			*best = lit;
			*got = lgot;
			ok = 1;
		} else {
			ddp_ddcase_free(&lit);
		}
	}
	m->deadline = deadline;
	if (!ok) {
		char sizecol[48], own[600] = "";
		ddp_ddcase_size_column(sizecol, sizeof(sizecol), best);
		if (lgot.sig[0])
			snprintf(own, sizeof(own), ", with its own %s", lgot.sig);
		ddp_ddcase_free(best);
		return m->failed ? DDP_ERROR
		     : ddp_error_set(m->err, DDP_EINVAL, "minimise", 0, 0,
				     "in dd-cases form (-O %s, a %s %s input) the finding shows, "
				     "with the runner's if= and of=, %s%s%s%s%s, not %s%s%s%s",
				     best->out_fmt, sizecol, best->in_fmt, got->sig,
				     got->rules[0] ? " (rules " : "", got->rules,
				     got->rules[0] ? ")" : "", own, signature,
				     m->orig.rules[0] ? " (rules " : "", m->orig.rules,
				     m->orig.rules[0] ? ")" : "");
	}
	return DDP_OK;
}

int ddp_minimise(ddp_minimise_result *out, const ddp_config *cfg, const ddp_case *c,
		 const char *signature, const ddp_minimise_opts *opts, ddp_error *err)
{
	mctx m;
	const ddp_fixture *f = ddp_fixtures_find(cfg->fixtures, c->fixture);
	ddp_ddcase best;
	shown got;
	int changed, rc = DDP_OK;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	m.cfg = cfg;
	m.opts = opts;
	m.err = err;
	m.start = now();
	m.deadline = m.start + (opts->seconds > 0 ? opts->seconds : 50);
	if (!f)
		return ddp_error_set(err, DDP_EINVAL, "minimise", 0, 0,
				     "the finding's input '%s' is not an engine fixture", c->fixture);
	out->orig_size = f->size;
	snprintf(out->orig_fixture, sizeof(out->orig_fixture), "%s", c->fixture);

	/* 1. The finding as it was: it must still show its signature. */
	if (run_case(&m, cfg, c, &m.orig))
		return DDP_ERROR;
	if (strcmp(m.orig.sig, signature))
		return ddp_error_set(err, DDP_EINVAL, "minimise", 0, 0,
				     "the finding does not reproduce its signature %s "
				     "(this run: %s)", signature, m.orig.sig);
	m.best = m.orig;
	snprintf(out->orig_rules, sizeof(out->orig_rules), "%s", m.orig.rules);
	out->modelled = m.orig.modelled;
	/* 2. The same in dd-cases form. */
	if ((rc = ddcases_form(&m, &best, &got, c, f, signature)))
		goto out;
	m.best = got;
	note(&m, "dd-cases form", &best);
	out->orig_args = best.nops;
	for (int i = 0; i < best.nops; i++)
		out->orig_chars += strlen(best.ops[i]);
	/* 3. Shrink until nothing changes (or the time is up). */
	do {
		changed = drop_ops(&m, &best);
		changed |= split_clusters(&m, &best);
		changed |= plainer_output(&m, &best);
		changed |= fewer_rules(&m, &best);
		changed |= simpler_input(&m, &best);
		changed |= smaller_input(&m, &best);
		changed |= shrink_numbers(&m, &best);
	} while (changed && !m.out_of_time && !m.failed);
	if (m.failed) {
		ddp_ddcase_free(&best);
		rc = DDP_ERROR;
		goto out;
	}
	ddp_ddcase_default_name(best.name, sizeof(best.name), &best);
	out->ddcase = best;
	snprintf(out->signature, sizeof(out->signature), "%s", m.best.sig);
	snprintf(out->rules, sizeof(out->rules), "%s", m.best.rules);
	out->runs = m.runs;
	out->seconds = now() - m.start;
	out->out_of_time = m.out_of_time;
	if (opts->log && m.out_of_time)
		fprintf(opts->log, "minimise: the time is up (%.0f s); this is the smallest case so far\n",
			opts->seconds);
out:
	for (size_t i = 0; i < m.nmemo; i++)
		free(m.memo[i].key);
	free(m.memo);
	free(m.fx.items);
	return rc;
}

void ddp_minimise_result_free(ddp_minimise_result *r)
{
	ddp_ddcase_free(&r->ddcase);
}

/* The minimal case in the engine's form: an ad hoc fixture and its arguments. */
static int headline_case(ddp_case *hc, ddp_fixture *fx, const ddp_minimise_result *mr,
                         const char *fixdir, const char *qemu_img, ddp_error *err)
{
	char **args;
	int nargs;

	memset(hc, 0, sizeof(*hc));
	if (ddp_fixture_adhoc(fx, fixdir, qemu_img, mr->ddcase.size, mr->ddcase.in_fmt,
	                      mr->ddcase.pattern, err))
		return DDP_ERROR;
	if (ddp_ddcase_args(&mr->ddcase, &args, &nargs))
		return ddp_error_set(err, DDP_ERROR, "triage", 0, 0, "out of memory");
	if (nargs > DDP_CASE_MAX_ARGS) {
		ddp_ddcase_args_free(args, nargs);
		return ddp_error_set(err, DDP_ERROR, "triage", 0, 0, "too many arguments");
	}
	snprintf(hc->fixture, sizeof(hc->fixture), "%s", fx->name);
	for (int i = 0; i < nargs; i++)
		hc->argv[i] = args[i];
	hc->argc = nargs;
	free(args); /* the strings are the case's now */
	return DDP_OK;
}

/*
 * The dd command's minimise (ddp_command.minimise): ddp_minimise keeping
 * the group, its minimal case on an ad hoc input made in opts->fixdir, the
 * configuration out->cfg running it with that input alone.
 */
static int dd_minimal(ddp_minimal *out, const ddp_config *cfg, const ddp_case *c,
                      const char *signature, const ddp_minimise_opts *opts, ddp_error *err)
{
	ddp_minimise_result mr;
	int rc = ddp_minimise(&mr, cfg, c, signature, opts, err);

	memset(out, 0, sizeof(*out));
	out->runs = mr.runs;
	if (!rc) {
		out->cfg = *cfg;
		rc = headline_case(&out->head, &out->fx, &mr, opts->fixdir, cfg->reference.argv[0], err);
		out->one.items = &out->fx;
		out->one.count = 1;
		out->cfg.fixtures = &out->one;
		/* Not ddp_minimise's DDP_EINVAL (it did not reproduce): making the input failed. */
		if (rc)
			rc = DDP_ERROR;
	}
	ddp_minimise_result_free(&mr);
	return rc;
}

const ddp_command ddp_dd_command = {
	.kind = DDP_CASE_DD,
	.generate = ddp_dd_generate,
	.run = ddp_dd_run,
	.minimise = dd_minimal,
	.not_by_hand = NULL,
};

void ddp_dd_attach(ddp_config *cfg)
{
	cfg->commands[DDP_CASE_DD] = &ddp_dd_command;
}
