/*
 * triage.c: a new group of findings minimised while the campaign goes on.
 *
 * A fuzzer is judged by the bugs it hands over, and one bug met through
 * different operands, formats and inputs gives many raw keys.  Minimising
 * the first case of each new group (keeping the group: still diverging,
 * through none of the rules the case did not go through) strips what is
 * incidental, so raw keys of one bug meet at the same minimal case and
 * its key, and findings.c folds them into one group.  The budget bounds
 * each minimisation; a case that cannot be minimised keeps its raw key.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline.h"
#include "map.h"

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* A map finding: the manifest's fixtures are the inputs, so the minimal case runs as it is. */
static int triage_map(ddp_findings *f, const ddp_config *cfg, const ddp_case *c,
                      const ddp_result *res, const char *raw, const ddp_minimise_opts *mo,
                      int worker, ddp_triage_stats *st, double t0, char *path_out,
                      size_t path_size, ddp_error *err)
{
	ddp_map_minimise_result mr;
	ddp_result hres;
	ddp_error merr;
	char state[600];
	int rc = ddp_map_minimise(&mr, cfg, c, res->signature, mo, &merr);

	st->seconds += mono() - t0;
	st->runs += (uint64_t)mr.runs;
	if (rc == DDP_EINVAL) {
		st->unminimised++;
		snprintf(state, sizeof(state), "not minimised: %s", merr.message);
		return ddp_findings_settle(f, raw, state, cfg, NULL, NULL, NULL, path_out, path_size, err);
	}
	if (rc) {
		if (err)
			*err = merr;
		return rc;
	}
	/* Its run again, kept whole as the group's headline finding (settled as dd's are). */
	rc = ddp_case_run(&hres, cfg, &mr.mcase, (1ULL << 62) + (uint64_t)worker, err);
	if (!rc && hres.verdict == DDP_DIVERGES) {
		rc = ddp_findings_settle(f, raw, "minimised", cfg, &mr.mcase, &hres, c, path_out,
		                         path_size, err);
		st->minimised++;
	} else if (!rc) {
		st->unminimised++;
		rc = ddp_findings_settle(f, raw, "not minimised: the minimal case did not diverge "
		                         "again", cfg, NULL, NULL, NULL, path_out, path_size, err);
	}
	ddp_result_free(&hres);
	ddp_map_minimise_result_free(&mr);
	return rc;
}

int ddp_triage(ddp_findings *f, const ddp_config *cfg, const ddp_case *c, const ddp_result *res,
               double seconds, volatile int *stop, int worker, ddp_triage_stats *st,
               char *path_out, size_t path_size, ddp_error *err)
{
	char raw[DDP_GROUP_KEY_MAX], fixdir[4300], state[600];
	ddp_minimise_result mr;
	ddp_minimise_opts mo;
	ddp_config mc = *cfg;
	ddp_error merr;
	double t0 = mono();
	int rc;

	ddp_result_group_key(raw, sizeof(raw), res);
	if (seconds <= 0) {
		st->unminimised++;
		return ddp_findings_settle(f, raw, "not minimised (--minimise-seconds 0: `ddparity "
		                           "minimise` the group)", cfg, NULL, NULL, NULL, path_out,
		                           path_size, err);
	}
	/*
	 * Its own budget, past the campaign's --seconds if need be: a group
	 * found late is minimised as well as one found early, and a campaign
	 * ends at most one budget late.  A signal stops it (stop).
	 */
	mc.deadline = 0;
	snprintf(fixdir, sizeof(fixdir), "%s/minimise-inputs-%d", cfg->workdir, worker);
	mo = (ddp_minimise_opts){seconds, NULL, fixdir, 1, stop};
	if (ddp_is_map_case(c))
		return triage_map(f, &mc, c, res, raw, &mo, worker, st, t0, path_out, path_size, err);
	rc = ddp_minimise(&mr, &mc, c, res->signature, &mo, &merr);
	st->seconds += mono() - t0;
	st->runs += (uint64_t)mr.runs;
	if (rc == DDP_EINVAL) {
		/* Not reproducible, or not in dd-cases form: the group keeps its raw key. */
		st->unminimised++;
		snprintf(state, sizeof(state), "not minimised: %s", merr.message);
		return ddp_findings_settle(f, raw, state, cfg, NULL, NULL, NULL, path_out, path_size, err);
	}
	if (rc) {
		if (err)
			*err = merr;
		return rc;
	}
	{
		ddp_case hc;
		ddp_fixture fx;
		ddp_fixtures one;
		ddp_result hres;
		ddp_config hcfg = mc;

		if ((rc = headline_case(&hc, &fx, &mr, fixdir, cfg->reference.argv[0], err))) {
			ddp_minimise_result_free(&mr);
			return rc;
		}
		memset(&one, 0, sizeof(one));
		one.items = &fx;
		one.count = 1;
		hcfg.fixtures = &one;
		/* Its run again, kept whole as the group's headline finding. */
		rc = ddp_case_run(&hres, &hcfg, &hc, (1ULL << 62) + (uint64_t)worker, err);
		if (!rc && hres.verdict == DDP_DIVERGES) {
			snprintf(state, sizeof(state), "minimised");
			rc = ddp_findings_settle(f, raw, state, &hcfg, &hc, &hres, c, path_out,
			                         path_size, err);
			st->minimised++;
		} else if (!rc) {
			st->unminimised++;
			rc = ddp_findings_settle(f, raw, "not minimised: the minimal case did not diverge "
			                         "again", cfg, NULL, NULL, NULL, path_out, path_size, err);
		}
		ddp_result_free(&hres);
		ddp_case_free(&hc);
	}
	ddp_minimise_result_free(&mr);
	return rc;
}
