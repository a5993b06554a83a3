/*
 * promote.c: what `ddparity promote` decides about a dd case and a list
 * file, and its workflow: the case (a finding minimised, or a dd-cases
 * line), its baselines by every reference, the profiles, the line
 * appended last (suite.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suite/suite.h"

int ddp_promote_check_case(const ddp_ddcases *cases, const ddp_ddcase *c, const char *path,
                           ddp_error *err)
{
	const ddp_ddcase *same;

	if ((same = ddp_ddcases_find(cases, c->name)))
		return ddp_error_set(err, DDP_EINVAL, path, same->line, 0, "%s already has a case named "
		                     "%s (line %d); give another with --name", path, c->name, same->line);
	if ((same = ddp_ddcases_same(cases, c)))
		return ddp_error_set(err, DDP_EINVAL, path, same->line, 0, "%s line %d, %s, is the same "
		                     "case", path, same->line, same->name);
	return DDP_OK;
}

char *ddp_promote_joined(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line), sep = len && text[len - 1] != '\n';
	char *whole = malloc(len + sep + n + 1);

	if (!whole)
		return NULL;
	memcpy(whole, text, len);
	if (sep)
		whole[len] = '\n';
	memcpy(whole + len + sep, line, n + 1);
	return whole;
}

int ddp_promote_append(const char *path, const char *line, size_t max, ddp_error *err)
{
	char *text, *whole;
	size_t len;
	int rc;

	ddp_write_atomic_sweep(path);
	if (ddp_read_file(&text, &len, path, max, err))
		return DDP_ERROR;
	if (!(whole = ddp_promote_joined(text, len, line)))
		rc = ddp_error_set(err, DDP_ENOMEM, path, 0, 0, "out of memory");
	else
		rc = ddp_write_atomic(path, whole, strlen(whole), err);
	free(whole);
	free(text);
	return rc ? DDP_ERROR : DDP_OK;
}

/* ---- the workflow: a case promoted with its baselines ----------------------------------- */

int ddp_promote_references(ddp_bl_ref **refs, size_t *nrefs, const ddp_promote_opts *o,
                           ddp_error *err)
{
	char script[4200];

	ddp_bl_path(script, sizeof(script), "ci/qemu-versions");
	if (o->ngiven || o->all_versions || access(script, X_OK))
		return ddp_bl_references(refs, nrefs, o->given, o->ngiven, o->all_versions, "promote",
		                         err);
	/* Fewer than two versions is how a fresh checkout starts: a note, not an error. */
	if (ddp_bl_references(refs, nrefs, NULL, 0, DDP_BL_MATERIALISED_OR_PATH, "promote", err))
		return DDP_ERROR;
	if (!o->log)
		return DDP_OK;
	if (*nrefs == 1 && !strcmp((*refs)[0].path, "qemu-img"))
		fprintf(o->log, "promote: note: no materialised qemu-img versions (`ci/qemu-versions "
		        "fetch` makes them): baselines for qemu-img on PATH (%s) only\n",
		        (*refs)[0].version);
	else if (*nrefs == 1)
		fprintf(o->log, "promote: note: one materialised qemu-img version (%s): baselines "
		        "for it only\n", (*refs)[0].version);
	else
		fprintf(o->log, "promote: baselines for every materialised version (%zu)\n", *nrefs);
	return DDP_OK;
}

/*
 * The case to promote into d->c: a finding's (what/case.json exists),
 * made by o->minimise and then checked against cases (d->appended set),
 * else the dd-cases line named what.
 */
static int promote_case(ddp_promote_done *d, const ddp_promote_opts *o, const char *what,
                        const ddp_ddcases *cases, ddp_error *err)
{
	char probe[4300];
	const ddp_ddcase *found;
	ddp_error why;

	snprintf(probe, sizeof(probe), "%s/case.json", what);
	if (access(probe, F_OK)) {
		if (!(found = ddp_ddcases_find(cases, what)))
			return ddp_error_set(err, DDP_EINVAL, o->cases_path, 0, 0, "promote: %.100s is "
			                     "neither a finding directory nor a case of %.100s", what,
			                     o->cases_path);
		if (ddp_ddcase_copy(&d->c, found))
			return ddp_error_set(err, DDP_ENOMEM, o->cases_path, 0, 0, "promote: out of memory");
		return DDP_OK;
	}
	d->step = DDP_PROMOTE_MINIMISE;
	if (!o->minimise)
		return ddp_error_set(err, DDP_EINVAL, what, 0, 0, "promote: %.100s is a finding, and "
		                     "nothing was given to minimise it", what);
	if ((d->minimise_rc = o->minimise(&d->c, o->ctx, what)))
		return ddp_error_set(err, DDP_ERROR, what, 0, 0, "promote: %.100s: not minimised", what);
	d->have_case = 1;
	d->step = DDP_PROMOTE_CHECK;
	if (ddp_promote_check_case(cases, &d->c, o->cases_path, &why))
		return ddp_error_set(err, DDP_EINVAL, why.source, why.line, 0, "promote: %s", why.message);
	d->appended = 1;
	return DDP_OK;
}

/* d->c's baselines (one per reference): none written when one would replace a different one (no force). */
static int promote_refuse(const ddp_promote_done *d, const ddp_baseline *res,
                          const ddp_promote_opts *o, ddp_error *err)
{
	char dir[4300];
	int exists, same;

	for (size_t r = 0; r < d->nrefs; r++) {
		snprintf(dir, sizeof(dir), "%s/%s", o->root, d->refs[r].version);
		if (ddp_baseline_compare_files(&exists, &same, &res[r], dir, d->c.name, err))
			return ddp_error_prefix(err, "promote: ");
		if (exists && !same && !o->force)
			return ddp_error_set(err, DDP_EINVAL, dir, 0, 0, "promote: %.100s/%.40s.* exists and "
			                     "differs from what qemu-img %s gives now (--force to overwrite)",
			                     dir, d->c.name, d->refs[r].version);
	}
	return DDP_OK;
}

/* Writes d->c's baselines res under o->root, each said on o->out and counted in d->written. */
static int promote_write(ddp_promote_done *d, const ddp_baseline *res, const ddp_promote_opts *o,
                         const ddp_ddcases *cases, ddp_error *err)
{
	char dir[4300], meta[4500];

	d->step = DDP_PROMOTE_WRITE;
	if (promote_refuse(d, res, o, err))
		return DDP_ERROR;
	if (mkdir(o->root, 0755) && errno != EEXIST)
		return ddp_error_set(err, DDP_ERROR, o->root, 0, 0, "promote: %.100s: %s", o->root,
		                     strerror(errno));
	for (size_t r = 0; r < d->nrefs; r++) {
		snprintf(dir, sizeof(dir), "%s/%s", o->root, d->refs[r].version);
		if (ddp_baseline_write(&res[r], dir, d->c.name, err))
			return ddp_error_prefix(err, "promote: ");
		d->dd_exit[d->nwritten++] = res[r].dd_rc;
		if (o->out)
			fprintf(o->out, "promote: %s/%s.{stdout.txt,stderr.txt,meta.json} (dd exit %d)\n",
			        dir, d->c.name, res[r].dd_rc);
		/* A version without the other cases' baselines makes a profile of its own. */
		for (size_t k = 0; k < cases->count && o->log; k++) {
			snprintf(meta, sizeof(meta), "%s/%s.meta.json", dir, cases->items[k].name);
			if (access(meta, F_OK)) {
				fprintf(o->log, "promote: note: %s lacks other cases' baselines (%s...): run "
				        "`ddparity baselines generate --reference %s`\n", dir,
				        cases->items[k].name, d->refs[r].path);
				break;
			}
		}
	}
	return DDP_OK;
}

/* Every reference's baselines of d->c made in workdir, then written. */
static int promote_baselines(ddp_promote_done *d, const ddp_promote_opts *o,
                             const ddp_ddcases *cases, const char *workdir, ddp_error *err)
{
	ddp_ddcases one = {&d->c, 1};
	ddp_baseline *res = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	if (!(d->dd_exit = calloc(d->nrefs ? d->nrefs : 1, sizeof(*d->dd_exit))))
		return ddp_error_set(err, DDP_ENOMEM, "promote", 0, 0, "promote: out of memory");
	d->step = DDP_PROMOTE_BASELINES;
	rc = ddp_bl_make_all(&res, NULL, d->refs, d->nrefs, &one, NULL, 0,
	                     o->jobs ? o->jobs : ncpu > 0 ? (int)ncpu : 1, workdir, o->log, err);
	if (!rc)
		rc = promote_write(d, res, o, cases, err);
	for (size_t r = 0; res && r < d->nrefs; r++)
		ddp_baseline_free(&res[r]);
	free(res);
	return rc ? DDP_ERROR : DDP_OK;
}

int ddp_promote_dd(ddp_promote_done *d, const ddp_promote_opts *o, const char *what,
                   ddp_error *err)
{
	ddp_ddcases cases = {NULL, 0};
	char workdir[4200];
	int own = 0, rc;

	memset(d, 0, sizeof(*d));
	d->step = DDP_PROMOTE_CASES;
	if (ddp_ddcases_load(&cases, o->cases_path, err))
		return ddp_error_in_file(err, o->cases_path);
	d->step = DDP_PROMOTE_CASE;
	if ((rc = promote_case(d, o, what, &cases, err)))
		goto out;
	d->have_case = 1;
	d->step = DDP_PROMOTE_REFERENCES;
	if ((rc = ddp_promote_references(&d->refs, &d->nrefs, o, err)))
		goto out;
	d->step = DDP_PROMOTE_WORKDIR;
	if ((rc = ddp_bl_workdir(workdir, sizeof(workdir), o->workdir, &own, err)))
		goto out;
	rc = promote_baselines(d, o, &cases, workdir, err);
	if (own)
		ddp_private_dir_remove(workdir);
	if (rc)
		goto out;
	d->step = DDP_PROMOTE_PROFILES;
	if (ddp_baseline_profiles(o->root, o->out, err)) {
		rc = ddp_error_prefix(err, "promote: profiles: ");
		goto out;
	}
	/* dd-cases last: with the case in it, its baselines and profiles are there (promote again till then). */
	if (!(d->line = ddp_ddcase_line(&d->c)) || !(d->tuple = ddp_ddcase_python(&d->c))) {
		rc = ddp_error_set(err, DDP_ENOMEM, "promote", 0, 0, "promote: out of memory");
		goto out;
	}
	d->step = DDP_PROMOTE_APPEND;
	if (d->appended && ddp_promote_append(o->cases_path, d->line, 16 << 20, err)) {
		rc = ddp_error_prefix(err, "promote: ");
		goto out;
	}
	if (d->appended && o->out)
		fprintf(o->out, "promote: appended to %s: %s", o->cases_path, d->line);
	if (o->out)
		fprintf(o->out, "promote: profiles refreshed; for instar's DD_CASES: %s", d->tuple);
	d->step = DDP_PROMOTE_DONE;
out:
	ddp_ddcases_free(&cases);
	return rc ? DDP_ERROR : DDP_OK;
}

void ddp_promote_done_free(ddp_promote_done *d)
{
	if (d->have_case)
		ddp_ddcase_free(&d->c);
	free(d->refs);
	free(d->dd_exit);
	free(d->line);
	free(d->tuple);
	memset(d, 0, sizeof(*d));
}
