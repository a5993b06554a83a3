/*
 * campaign.c: the seeded driver.  Case n of seed S is generated from its
 * own stream, so the same seed gives the same cases whatever --jobs is;
 * workers take case numbers from a shared counter.
 *
 * Below the generator (--explore): most cases get token havoc (mutate.c),
 * and, guided, four cases in five are, of GUIDE_CANDIDATES candidates, one
 * chosen by the model's behaviour on it (in microseconds): the rules
 * ddp_predict records and the marks it sets (how the case was spelled,
 * where its sizes fell).  Two cases in five take a candidate whose
 * behaviour (its set of rules) this campaign has not run, one with a rule
 * never run before all, else the one whose rarest feature (a rule or a
 * mark) it has run least, as FairFuzz targets rare branches: then with
 * most features that rare, then the rarer behaviour with its marks.  One
 * case in ten counts a rule in an output format as a feature too (an empty
 * window met in raw is not met in vhdx, whose writer is other code); not
 * more, since an empty vhdx costs qemu seconds a side and the spellings
 * of options would wait behind every new pair.  Two take, of the
 * candidates one havoc edit from a case the model says qemu accepts (the
 * edit meets the edge of what it accepts), the one with the rarest
 * feature, where a mark on either side of that edge is a feature of its
 * own: of=a=b copies to "a=b", and a reader that splits at the last '='
 * refuses it; `-- -U` is refused, and a reader that skips `--` accepts
 * it.  Argument-reading mistakes mostly share one rule, `operand-unknown`,
 * with every other typo; the marks tell an abbreviated key or another
 * case of it apart.  A
 * qemu run costs milliseconds, so a model run per candidate is nearly
 * free.  The candidates of case n come from streams of n alone; which one
 * runs depends on the behaviours run before, so guided cases repeat for
 * one job (in case order) but not across jobs, where workers interleave.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "engine/engine.h"

/* Candidates per guided case; every GUIDE_EVERY-th case is unguided (candidate 0). */
#define GUIDE_CANDIDATES 128
#define GUIDE_EVERY 5
/* Cases havocked: the rest stay as the generator made them. */
#define HAVOC_PERCENT 80
/* A havocked window of more blocks than this is undone (qemu copies ~0.2 ms a block). */
#define HAVOC_MAX_BLOCKS 8192

/*
 * The output formats a rule is crossed with: each format's writer sizes
 * and fills its output in code of its own, so an empty window or a
 * partial sector met in raw is not met in vhdx.
 */
static const char *const out_formats[] = {"raw", "qcow2", "qcow", "qed", "vdi",
                                          "vmdk", "vpc", "vhdx", "parallels"};
#define OUT_FORMATS (sizeof(out_formats) / sizeof(out_formats[0]))

/*
 * A case's side of the edge of what qemu accepts: accepted (any case), or
 * refused after one edit from a case qemu accepts; else none.
 */
enum { SIDE_NONE = -1, SIDE_ACCEPTED, SIDE_REFUSED };

typedef struct shared {
	const ddp_config *cfg;
	const ddp_command *command; /* what the campaign's cases run (cfg->generate's) */
	ddp_findings *findings;
	const ddp_campaign_opts *opts;
	pthread_mutex_t lock;
	uint64_t next;
	int workers;          /* started so far: each its own number */
	double deadline;
	ddp_campaign_stats st;
	json_t *behaviours;   /* behaviour (rules as hex bits) -> how many cases run had it */
	json_t *marked;       /* the same with the marks (the rules' and marks' ids) */
	uint64_t rule_runs[64], mark_runs[64]; /* cases run with each rule, each mark */
	uint64_t pair_runs[OUT_FORMATS][64];  /* cases run with each rule, by output format */
	uint64_t side_runs[SIDE_REFUSED + 1][64]; /* cases run with each mark, by side */
	uint64_t picked;      /* cases picked (dd) */
	int failed;
	int stopped_by_finding;
	ddp_error err;
} shared;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int should_stop(shared *sh)
{
	return sh->failed || sh->stopped_by_finding || (sh->opts->stop && *sh->opts->stop) ||
	       (sh->deadline && now() >= sh->deadline);
}

/* Whether signature (components joined by '+') has component. */
int ddp_signature_has(const char *signature, const char *component)
{
	size_t n = strlen(component);
	for (const char *p = signature; (p = strstr(p, component)); p++)
		if ((p == signature || p[-1] == '+') && (p[n] == '\0' || p[n] == '+'))
			return 1;
	return 0;
}

/* The key of the group in directory path (path: findings dir/group dir). */
static int group_key_of(ddp_findings *f, const char *path, char *key, size_t size)
{
	const char *base = strrchr(path, '/'), *k;
	json_t *v;
	int found = 0;

	base = base ? base + 1 : path;
	pthread_mutex_lock(&f->lock);
	json_object_foreach((json_t *)f->signatures, k, v)
		if (!found && !strcmp(json_string_value(json_object_get(v, "dir")) ?: "", base)) {
			snprintf(key, size, "%s", k);
			found = 1;
		}
	pthread_mutex_unlock(&f->lock);
	return found;
}

/* One more case run of key in counts (sh->lock held); how many keys it has. */
static uint64_t runs_add(json_t *counts, const char *key)
{
	json_t *v = json_object_get(counts, key);

	if (v)
		json_integer_set(v, json_integer_value(v) + 1);
	else
		json_object_set_new(counts, key, json_integer(1));
	return json_object_size(counts);
}

/* A behaviour's key in shared.behaviours: its set of rules, or "unmodelled" (key's). */
static void rules_key(char *buf, size_t size, uint64_t rules, const char *key)
{
	if (!strcmp(key, "unmodelled"))
		snprintf(buf, size, "%s", key);
	else
		snprintf(buf, size, "%llx", (unsigned long long)rules);
}

/*
 * Candidate k of case n (0: the generator's case n, as without --explore),
 * havocked unless explore is off or its stream says not; its behaviour into
 * key.  Havoc that makes a window too long for a fast case is undone.
 * *edge: one havoc edit from a case the model says qemu accepts, so the
 * edit meets the edge of what qemu accepts (a typo it refuses, a spelling
 * it tolerates) rather than a case failing already; of two edits, one
 * qemu refuses hides whether it would refuse the other (`c=1` behind a
 * stray `--`).
 */
static void make_candidate(ddp_case *c, char *key, size_t size, ddp_outcome *o,
                           const shared *sh, uint64_t n, unsigned k, int *havocked, int *edge)
{
	ddp_source src;
	ddp_case plain;
	int accepted, modelled, edits;

	ddp_source_seed(&src, sh->opts->seed, k ? n ^ ((uint64_t)k << 56) : n);
	sh->command->generate(c, &src, sh->cfg);
	*havocked = *edge = 0;
	if (sh->opts->explore != DDP_EXPLORE_OFF && ddp_source_chance(&src, HAVOC_PERCENT) &&
	    ddp_case_copy(&plain, c) == DDP_OK) {
		accepted = ddp_case_behaviour(key, size, o, sh->cfg, c) == DDP_OK && o->exit_code == 0;
		edits = ddp_case_havoc(c, &src);
		modelled = ddp_case_behaviour(key, size, o, sh->cfg, c) == DDP_OK;
		if (modelled && o->exit_code == 0 && o->has_window && o->request.bs > 0 &&
		    o->window.out_size / o->request.bs > HAVOC_MAX_BLOCKS) {
			ddp_case_free(c);
			*c = plain;
		} else {
			ddp_case_free(&plain);
			*havocked = 1;
			*edge = accepted && edits == 1;
			if (!modelled)
				o->nrules = 0, o->marks = 0;
			return;
		}
	}
	if (ddp_case_behaviour(key, size, o, sh->cfg, c) != DDP_OK)
		o->nrules = 0, o->marks = 0;
}

_Static_assert(DDP_RULE__COUNT <= 64 && DDP_MARK__COUNT <= 64, "features are the bits of a uint64_t");

/* An outcome's rules as bits. */
static uint64_t rule_bits(const ddp_outcome *o)
{
	uint64_t bits = 0;

	for (size_t i = 0; i < o->nrules; i++)
		bits |= (uint64_t)1 << o->rules[i];
	return bits;
}

/* Whether any of these rules was never run (sh->lock held). */
static int never_run(const shared *sh, uint64_t rules)
{
	for (int b = 0; b < 64; b++)
		if ((rules >> b & 1) && !sh->rule_runs[b])
			return 1;
	return 0;
}

/* The output format's index in out_formats, or -1 (no output info reads, another format). */
static int format_index(const ddp_outcome *o)
{
	if (o->has_info && o->format)
		for (size_t i = 0; i < OUT_FORMATS; i++)
			if (!strcmp(o->format, out_formats[i]))
				return (int)i;
	return -1;
}

/*
 * How often the campaign has run the rarest of these features (sh->lock
 * held; UINT64_MAX for none), and in *ties how many of them were run that
 * rarely.  The features: each rule, each mark, each rule in the output
 * format fmt (none when fmt is -1) and each mark on its side of the edge
 * (none when side is SIDE_NONE).
 */
static uint64_t rarest_feature(const shared *sh, uint64_t rules, uint64_t marks, int fmt,
                               int side, int *ties)
{
	uint64_t least = UINT64_MAX;

	*ties = 0;
	for (int b = 0; b < 64; b++) {
		int rule = rules >> b & 1, mark = marks >> b & 1;
		const int has[4] = {rule, mark, rule && fmt >= 0, mark && side != SIDE_NONE};
		const uint64_t runs[4] = {sh->rule_runs[b], sh->mark_runs[b],
		                          fmt >= 0 ? sh->pair_runs[fmt][b] : 0,
		                          side != SIDE_NONE ? sh->side_runs[side][b] : 0};
		for (int kind = 0; kind < 4; kind++) {
			if (!has[kind])
				continue;
			if (runs[kind] < least)
				least = runs[kind], *ties = 0;
			*ties += runs[kind] == least;
		}
	}
	return least;
}

/*
 * Case n of the campaign: candidate 0 (the plain stream's: the generator's
 * and havoc's), or, guided, of GUIDE_CANDIDATES candidates: for cases
 * n % 5 = 1, 2 one whose set of rules was never run (with a rule never
 * run first), then the one whose rarest feature (rule or mark; for n % 10
 * = 2, a rule in its output format too) was run least, with the most
 * features that rare, whose behaviour with its marks was run least; for
 * 3, 4, of those one edit from a case qemu accepts, the one whose rarest
 * feature (a mark in a case qemu accepts, and a mark in one the edit made
 * it refuse, too) was run least (the same order).  Its behaviour and
 * features are counted as run.
 */
static void pick_case(ddp_case *c, shared *sh, uint64_t n, uint64_t i)
{
	/* The rotation by this machine's own count i (n itself with no --shard). */
	int guided = sh->opts->explore == DDP_EXPLORE_GUIDED && i % GUIDE_EVERY != 0;
	/* Of the guided, half seek rare features first, half the edge first. */
	int rare_first = i % GUIDE_EVERY <= GUIDE_EVERY / 2;
	int by_format = i % (2 * GUIDE_EVERY) == 2;
	unsigned want = guided ? GUIDE_CANDIDATES : 1;
	char key[DDP_BEHAVIOUR_TEXT_MAX], best_key[DDP_BEHAVIOUR_TEXT_MAX];
	char set[20];
	json_int_t best_runs = 0;
	uint64_t best_rarest = UINT64_MAX, best_rules = 0, best_marks = 0;
	int havocked, edge, ties, best_havocked = 0, best_edge = 0, best_ties = 0, best_novelty = 0;
	int fmt, best_fmt = -1, side, best_side = SIDE_NONE;

	for (unsigned k = 0; k < want; k++) {
		ddp_case cand;
		ddp_outcome o;
		json_int_t runs;
		uint64_t rules, rarest;
		int better, rarer, novelty, modelled;

		make_candidate(&cand, key, sizeof(key), &o, sh, n, k, &havocked, &edge);
		rules = rule_bits(&o);
		rules_key(set, sizeof(set), rules, key);
		pthread_mutex_lock(&sh->lock);
		/* 1: a set of rules never run; 2: with a rule never run (qemu code no case reached). */
		modelled = strcmp(key, "unmodelled") != 0;
		novelty = modelled && !json_object_get(sh->behaviours, set);
		novelty += novelty && never_run(sh, rules);
		runs = json_integer_value(json_object_get(sh->marked, key));
		fmt = format_index(&o);
		side = !modelled ? SIDE_NONE : o.exit_code == 0 ? SIDE_ACCEPTED
		                         : edge ? SIDE_REFUSED : SIDE_NONE;
		rarest = rarest_feature(sh, rules, o.marks, by_format ? fmt : -1,
		                        rare_first ? SIDE_NONE : side, &ties);
		pthread_mutex_unlock(&sh->lock);
		/* Rarer: the feature run least, more features that rare, the behaviour with marks. */
		rarer = rarest < best_rarest ||
		        (rarest == best_rarest && (ties > best_ties || (ties == best_ties && runs < best_runs)));
		if (k == 0)
			better = 1;
		else if (rare_first)
			better = novelty > best_novelty || (novelty == best_novelty && rarer);
		else
			better = edge && (!best_edge || rarer);
		if (better) {
			if (k)
				ddp_case_free(c);
			*c = cand;
			memcpy(best_key, key, sizeof(key));
			best_runs = runs;
			best_rarest = rarest;
			best_ties = ties;
			best_novelty = novelty;
			best_rules = rules;
			best_marks = o.marks;
			best_fmt = fmt;
			best_side = side;
			best_edge = edge;
			best_havocked = havocked;
		} else {
			ddp_case_free(&cand);
		}
	}
	pthread_mutex_lock(&sh->lock);
	sh->picked++;
	rules_key(set, sizeof(set), best_rules, best_key);
	sh->st.behaviours = runs_add(sh->behaviours, set);
	sh->st.marked = runs_add(sh->marked, best_key);
	for (int b = 0; b < 64; b++) {
		sh->rule_runs[b] += best_rules >> b & 1;
		sh->mark_runs[b] += best_marks >> b & 1;
		if (best_fmt >= 0)
			sh->pair_runs[best_fmt][b] += best_rules >> b & 1;
		if (best_side != SIDE_NONE)
			sh->side_runs[best_side][b] += best_marks >> b & 1;
	}
	sh->st.havocked += (uint64_t)best_havocked;
	pthread_mutex_unlock(&sh->lock);
}

static void *worker(void *arg)
{
	shared *sh = arg;
	int me;

	pthread_mutex_lock(&sh->lock);
	me = sh->workers++;
	pthread_mutex_unlock(&sh->lock);
	for (;;) {
		ddp_case c;
		ddp_source src;
		ddp_result res;
		ddp_error err;
		uint64_t n, i;
		int rc, unsaved = 0;

		pthread_mutex_lock(&sh->lock);
		if (should_stop(sh) || (sh->opts->cases && sh->next >= sh->opts->cases)) {
			pthread_mutex_unlock(&sh->lock);
			break;
		}
		i = sh->next++;
		pthread_mutex_unlock(&sh->lock);
		/* --shard K/N: this machine's i-th case is case i*N + K-1 of the campaign. */
		n = sh->opts->shard_n > 1 ? i * sh->opts->shard_n + sh->opts->shard_k : i;

		double t0 = now();
		if (sh->cfg->generate == DDP_CASE_DD) {
			/* The model's behaviours guide (and count) dd cases only. */
			pick_case(&c, sh, n, i);
		} else {
			ddp_source_seed(&src, sh->opts->seed, n);
			sh->command->generate(&c, &src, sh->cfg);
		}
		rc = ddp_case_run(&res, sh->cfg, &c, n, &err);
		if (sh->opts->log) {
			static const char *const names[] = {"same", "diverges", "unmodelled", "inconclusive",
			                                    "refused", "cut-short"};
			char *d = ddp_case_describe(&c);
			pthread_mutex_lock(&sh->lock);
			fprintf(sh->opts->log, "%llu\t%s\t%.3f\t%s\t%s\n", (unsigned long long)n,
			        rc ? "error" : names[res.verdict], now() - t0,
			        rc ? err.message : res.signature, d);
			fflush(sh->opts->log);
			pthread_mutex_unlock(&sh->lock);
			free(d);
		}
		if (rc == DDP_OK && res.verdict == DDP_DIVERGES) {
			int is_new = 0;
			char where[4300];
			rc = ddp_findings_add(sh->findings, sh->cfg, &c, &res, sh->opts->seed, n,
			                      &is_new, where, sizeof(where), &err);
			unsaved = rc != DDP_OK;
			if (rc == DDP_OK && is_new && !sh->opts->tty)
				fprintf(stderr, "ddparity: new finding %s: %s\n", res.signature, where);
			/* A new group: its first case minimised now (other workers go on). */
			if (rc == DDP_OK && is_new) {
				ddp_triage_stats ts = {0};
				char key[DDP_GROUP_KEY_MAX];
				rc = ddp_triage(sh->findings, sh->cfg, &c, &res, sh->opts->minimise_seconds,
				                sh->opts->stop, me, &ts, where, sizeof(where), &err);
				pthread_mutex_lock(&sh->lock);
				sh->st.triage.minimised += ts.minimised;
				sh->st.triage.unminimised += ts.unminimised;
				sh->st.triage.runs += ts.runs;
				sh->st.triage.seconds += ts.seconds;
				pthread_mutex_unlock(&sh->lock);
				if (rc == DDP_OK && ts.minimised && !sh->opts->tty &&
				    group_key_of(sh->findings, where, key, sizeof(key)))
					fprintf(stderr, "ddparity: minimised in %.1f s: %s: %s\n", ts.seconds,
					        key, where);
			}
		}
		pthread_mutex_lock(&sh->lock);
		sh->st.cases++;
		if (rc == DDP_OK && res.verdict == DDP_DIVERGES &&
		    (sh->opts->stop_on_finding ||
		     (sh->opts->stop_on && ddp_signature_has(res.signature, sh->opts->stop_on))))
			sh->stopped_by_finding = 1;
		if (rc) {
			/* The suite's own trouble (a full disk, say): stop, keep what is saved. */
			sh->st.errors++;
			/* Found all the same: counted, and told apart from what was saved. */
			sh->st.diverged += unsaved;
			sh->st.unsaved += unsaved;
			snprintf(sh->st.last_error, sizeof(sh->st.last_error), "%s: %s",
			         err.source, err.message);
			if (!sh->failed) {
				sh->failed = 1;
				sh->err = err;
			}
		} else {
			sh->st.real_answered += (uint64_t)res.ref_real_ran;
			if (res.note)
				ddp_campaign_note(&sh->st, &res, &c);
			switch (res.verdict) {
			case DDP_SAME: sh->st.same++; break;
			case DDP_DIVERGES: sh->st.diverged++; break;
			case DDP_UNSUPPORTED: sh->st.unsupported++; break;
			case DDP_INCONCLUSIVE: sh->st.inconclusive++; break;
			case DDP_REFUSED: sh->st.refused++; break;
			case DDP_CUT_SHORT: sh->st.cut_short++; break;
			}
		}
		pthread_mutex_unlock(&sh->lock);
		ddp_result_free(&res);
		ddp_case_free(&c);
	}
	return NULL;
}

void ddp_campaign_note(ddp_campaign_stats *st, const ddp_result *res, const ddp_case *c)
{
	size_t i;

	st->notes++;
	for (i = 0; i < st->nnote_sets && strcmp(st->note_sets[i].differs, res->differs); i++)
		;
	if (i == st->nnote_sets) {
		char *d;
		if (i == sizeof(st->note_sets) / sizeof(st->note_sets[0]))
			return; /* counted in notes */
		st->nnote_sets++;
		snprintf(st->note_sets[i].differs, sizeof(st->note_sets[i].differs), "%s", res->differs);
		d = ddp_case_describe(c);
		snprintf(st->note_sets[i].first, sizeof(st->note_sets[i].first), "%s", d ? d : "");
		free(d);
	}
	st->note_sets[i].count++;
}

static void progress(shared *sh, double start, int final)
{
	ddp_campaign_stats st;
	double el;

	pthread_mutex_lock(&sh->lock);
	st = sh->st;
	pthread_mutex_unlock(&sh->lock);
	el = now() - start;
	fprintf(stderr, "%scases %llu  %.1f/s  findings %zu (%zu new groups)  unmodelled %llu  "
	        "inconclusive %llu  %.0fs%s",
	        sh->opts->tty ? "\r\033[K" : "ddparity: ", (unsigned long long)st.cases,
	        el > 0 ? (double)st.cases / el : 0.0, sh->findings->total, sh->findings->new_unique,
	        (unsigned long long)st.unsupported, (unsigned long long)st.inconclusive, el,
	        sh->opts->tty && !final ? "" : "\n");
}

int ddp_campaign_run(ddp_campaign_stats *out, const ddp_config *cfg, ddp_findings *f,
                     const ddp_campaign_opts *opts, ddp_error *err)
{
	shared sh;
	ddp_config timed;
	pthread_t th[64];
	int jobs = opts->jobs < 1 ? 1 : opts->jobs > 64 ? 64 : opts->jobs;
	double start = now(), last = start;
	int running;

	memset(&sh, 0, sizeof(sh));
	sh.findings = f;
	sh.opts = opts;
	pthread_mutex_init(&sh.lock, NULL);
	sh.behaviours = json_object();
	sh.marked = json_object();
	if (!sh.behaviours || !sh.marked) {
		json_decref(sh.behaviours);
		json_decref(sh.marked);
		pthread_mutex_destroy(&sh.lock);
		return ddp_error_set(err, DDP_ERROR, "campaign", 0, 0, "out of memory");
	}
	sh.deadline = opts->seconds > 0 ? start + opts->seconds : 0;
	/* Tool runs in flight at the deadline are killed, their cases cut short. */
	timed = *cfg;
	timed.deadline = sh.deadline;
	sh.cfg = &timed;
	/* The one command this campaign generates cases of, chosen once. */
	if (!(sh.command = cfg->commands[cfg->generate])) {
		json_decref(sh.behaviours);
		json_decref(sh.marked);
		pthread_mutex_destroy(&sh.lock);
		return ddp_error_set(err, DDP_EINVAL, "campaign", 0, 0, "no %s command to run",
		                     ddp_case_kind_name(cfg->generate));
	}
	for (int i = 0; i < jobs; i++)
		pthread_create(&th[i], NULL, worker, &sh);
	/* Report while they work; they stop by themselves. */
	do {
		usleep(100000);
		pthread_mutex_lock(&sh.lock);
		running = !should_stop(&sh) && !(opts->cases && sh.next >= opts->cases);
		pthread_mutex_unlock(&sh.lock);
		if (now() - last >= (opts->tty ? 0.5 : 10.0)) {
			progress(&sh, start, 0);
			last = now();
		}
	} while (running);
	for (int i = 0; i < jobs; i++)
		pthread_join(th[i], NULL);
	if (opts->tty)
		progress(&sh, start, 1);
	sh.st.seconds = now() - start;
	*out = sh.st;
	json_decref(sh.behaviours);
	json_decref(sh.marked);
	pthread_mutex_destroy(&sh.lock);
	if (sh.failed) {
		if (err)
			*err = sh.err;
		return DDP_ERROR;
	}
	return DDP_OK;
}
