/*
 * campaign.c: the seeded driver.  Case n of seed S is generated from its
 * own stream, so the same seed gives the same cases whatever --jobs is;
 * workers take case numbers from a shared counter.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "engine.h"
#include "map.h"

typedef struct shared {
	const ddp_config *cfg;
	ddp_findings *findings;
	const ddp_campaign_opts *opts;
	pthread_mutex_t lock;
	uint64_t next;
	int workers;          /* started so far: each its own number */
	double deadline;
	ddp_campaign_stats st;
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
		uint64_t n;
		int rc, unsaved = 0;

		pthread_mutex_lock(&sh->lock);
		if (should_stop(sh) || (sh->opts->cases && sh->next >= sh->opts->cases)) {
			pthread_mutex_unlock(&sh->lock);
			break;
		}
		n = sh->next++;
		pthread_mutex_unlock(&sh->lock);

		double t0 = now();
		ddp_source_seed(&src, sh->opts->seed, n);
		if (sh->cfg->map)
			ddp_map_case_generate(&c, &src, sh->cfg->map);
		else
			ddp_case_generate(&c, &src, sh->cfg->fixtures);
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
	fprintf(stderr, "%scases %llu  %.1f/s  findings %zu (%zu new signatures)  unmodelled %llu  "
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
	sh.deadline = opts->seconds > 0 ? start + opts->seconds : 0;
	/* Tool runs in flight at the deadline are killed, their cases cut short. */
	timed = *cfg;
	timed.deadline = sh.deadline;
	sh.cfg = &timed;
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
	pthread_mutex_destroy(&sh.lock);
	if (sh.failed) {
		if (err)
			*err = sh.err;
		return DDP_ERROR;
	}
	return DDP_OK;
}
