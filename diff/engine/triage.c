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

#include "engine/engine.h"

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ddp_triage(ddp_findings *f, const ddp_config *cfg, const ddp_case *c, const ddp_result *res,
               double seconds, volatile int *stop, int worker, ddp_triage_stats *st,
               char *path_out, size_t path_size, ddp_error *err)
{
	char raw[DDP_GROUP_KEY_MAX], fixdir[4300], state[600];
	const ddp_command *cmd;
	ddp_minimal m;
	ddp_result hres;
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
	if (!(cmd = ddp_case_command(&mc, c, err)))
		return DDP_EINVAL;
	rc = cmd->minimise(&m, &mc, c, res->signature, &mo, &merr);
	st->seconds += mono() - t0;
	st->runs += (uint64_t)m.runs;
	if (rc == DDP_EINVAL) {
		/* Not reproducible, or not in a form to shrink: the group keeps its raw key. */
		st->unminimised++;
		snprintf(state, sizeof(state), "not minimised: %s", merr.message);
		return ddp_findings_settle(f, raw, state, cfg, NULL, NULL, NULL, path_out, path_size, err);
	}
	if (rc) {
		if (err)
			*err = merr;
		return rc;
	}
	/* Its run again, kept whole as the group's headline finding. */
	rc = ddp_case_run(&hres, &m.cfg, &m.head, (1ULL << 62) + (uint64_t)worker, err);
	if (!rc && hres.verdict == DDP_DIVERGES) {
		rc = ddp_findings_settle(f, raw, "minimised", &m.cfg, &m.head, &hres, c, path_out,
		                         path_size, err);
		st->minimised++;
	} else if (!rc) {
		st->unminimised++;
		rc = ddp_findings_settle(f, raw, "not minimised: the minimal case did not diverge "
		                         "again", cfg, NULL, NULL, NULL, path_out, path_size, err);
	}
	ddp_result_free(&hres);
	ddp_minimal_free(&m);
	return rc;
}
