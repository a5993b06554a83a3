/*
 * mapbaselines.c: the map baselines made (map.h): the manifest's fixtures
 * made once by one qemu-img, every reference's `map` of every case (a
 * thread each), each (output type, source format) root written, and the
 * profiles of every root.  `baselines generate|profiles --command map`
 * and promote's map workflow (mappromote.c) share them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "map/map.h"

typedef struct map_job {
	const ddp_bl_ref *ref;
	const ddp_map_manifest *m;
	const ddp_map_case *cases;
	size_t ncases;
	const ddp_map_bl_opts *o;
	const char *fixdir, *fixtures_by;
	ddp_baseline *results;
	int rc, made, failing;
	ddp_error err;
} map_job;

static int wanted(const char *const *only, size_t nonly, const char *name)
{
	for (size_t i = 0; i < nonly; i++)
		if (!strcmp(only[i], name))
			return 1;
	return !nonly;
}

static void *map_thread(void *arg)
{
	map_job *j = arg;
	ddp_tool tool;

	if (ddp_tool_init(&tool, j->ref->path, &j->err)) {
		j->rc = DDP_ERROR;
		return NULL;
	}
	for (size_t i = 0; i < j->ncases && !j->rc; i++) {
		const ddp_map_case *c = &j->cases[i];
		ddp_map_outcome o;
		if (!wanted(j->o->only, j->o->nonly, c->fixture->name) ||
		    (j->o->only_window && (!c->windowed || strcmp(c->window, j->o->only_window))))
			continue;
		j->rc = ddp_map_run(&o, &tool, c, j->m, j->fixdir, 120, &j->err);
		if (j->rc)
			break;
		if (o.rc < 0 || o.rc >= 128) {
			char name[128];
			ddp_map_case_name(name, sizeof(name), c);
			j->rc = ddp_error_set(&j->err, DDP_ERROR, name, 0, 0, "qemu-img map %s",
			                      o.rc < 0 ? "timed out" : "was killed by a signal");
		} else {
			j->rc = ddp_map_baseline_from(&j->results[i], c, &o, j->ref->version,
			                              j->fixtures_by, &j->err);
			j->made++;
			j->failing += o.rc != 0;
		}
		ddp_map_outcome_free(&o);
	}
	ddp_tool_free(&tool);
	return NULL;
}

/* mkdir -p of leaf, a directory under root, which exists. */
static int make_leaf(const char *root, const char *leaf, ddp_error *err)
{
	char mk[4300];

	snprintf(mk, sizeof(mk), "%s", leaf);
	for (char *p = strchr(mk + strlen(root) + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(mk, 0755) && errno != EEXIST)
			return ddp_error_set(err, DDP_ERROR, mk, 0, 0, "baselines: %.100s: %s", mk,
			                     strerror(errno));
		if (!p)
			return DDP_OK;
		*p = '/';
	}
}

/* Writes reference ref's results, one leaf root after the other. */
static int write_ref(const char *root, const ddp_bl_ref *ref, const ddp_map_case *cases,
                     size_t n, ddp_baseline *res, int whole, ddp_error *err)
{
	const char **names = calloc(n ? n : 1, sizeof(*names));
	char (*name_buf)[128] = calloc(n ? n : 1, sizeof(*name_buf));
	ddp_baseline *group = calloc(n ? n : 1, sizeof(*group));
	char *done = calloc(n ? n : 1, 1);
	int rc = DDP_OK;

	if (!names || !name_buf || !group || !done)
		rc = ddp_error_set(err, DDP_ENOMEM, root, 0, 0, "baselines: out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		char leaf[4300], other[4300];
		size_t k = 0;
		if (done[i])
			continue;
		ddp_map_baseline_root(leaf, sizeof(leaf), root, &cases[i]);
		for (size_t q = i; q < n; q++) {
			ddp_map_baseline_root(other, sizeof(other), root, &cases[q]);
			if (done[q] || strcmp(leaf, other))
				continue;
			done[q] = 1;
			ddp_map_case_name(name_buf[k], sizeof(name_buf[k]), &cases[q]);
			names[k] = name_buf[k];
			group[k++] = res[q];
		}
		if (!(rc = make_leaf(root, leaf, err)) &&
		    ddp_bl_write_version(leaf, ref->version, names, group, k, whole, err))
			rc = ddp_error_prefix(err, "baselines: ");
	}
	free(names);
	free(name_buf);
	free(group);
	free(done);
	return rc;
}

/* The fixtures made in fixdir with o->fixtures_with (its version in d->by) and the cases over them. */
static int make_fixtures(ddp_map_case **cases, ddp_map_bl_done *d, ddp_map_manifest *m,
                         const ddp_map_bl_opts *o, const char *fixdir, ddp_error *err)
{
	ddp_tool maker = {0};
	int rc = DDP_OK;

	if (ddp_tool_init(&maker, o->fixtures_with, err) || !maker.is_qemu) {
		rc = ddp_error_set(err, DDP_EINVAL, o->fixtures_with, 0, 0, "baselines generate: "
		                   "--fixtures-with %.100s: %.127s", o->fixtures_with, maker.spec ?
		                   "not a qemu-img (its --version does not say so)" : err->message);
		goto out;
	}
	ddp_version_text(d->by, sizeof(d->by), maker.version);
	ddp_remove_tree(fixdir);
	if (mkdir(fixdir, 0755)) {
		rc = ddp_error_set(err, DDP_ERROR, fixdir, 0, 0, "baselines generate: %.100s: %s", fixdir,
		                   strerror(errno));
		goto out;
	}
	if (mkdir(o->root, 0755) && errno != EEXIST) {
		rc = ddp_error_set(err, DDP_ERROR, o->root, 0, 0, "baselines generate: %.100s: %s",
		                   o->root, strerror(errno));
		goto out;
	}
	if (ddp_map_fixtures_make(m, fixdir, maker.argv[0], err) ||
	    ddp_map_cases_build(cases, &d->ncases, m, err)) {
		rc = ddp_error_in_file(err, o->manifest_path);
		goto out;
	}
	if (o->log)
		fprintf(o->log, "baselines: %zu map fixtures made with qemu-img %s, %zu cases each "
		        "version\n", m->nfixtures, d->by, d->ncases);
	d->fixtures = 1;
out:
	ddp_tool_free(&maker);
	return rc;
}

/* Each reference's run said (log); the first that failed is the error, the others said on log. */
static int said_runs(const map_job *j, const ddp_map_bl_opts *o, ddp_error *err)
{
	int rc = DDP_OK;

	for (size_t r = 0; r < o->nrefs; r++) {
		if (j[r].rc && !rc)
			rc = ddp_error_set(err, DDP_ERROR, o->refs[r].path, 0, 0, "baselines: qemu-img %s "
			                   "(%.100s): %.60s: %.100s", o->refs[r].version, o->refs[r].path,
			                   j[r].err.source, j[r].err.message);
		else if (j[r].rc && o->log)
			fprintf(o->log, "baselines: qemu-img %s (%s): %s: %s\n", o->refs[r].version,
			        o->refs[r].path, j[r].err.source, j[r].err.message);
		else if (o->log)
			fprintf(o->log, "baselines: qemu-img %s: %d map case%s (%d exit 0, %d failing)\n",
			        o->refs[r].version, j[r].made, j[r].made == 1 ? "" : "s",
			        j[r].made - j[r].failing, j[r].failing);
	}
	return rc;
}

int ddp_map_baselines_make(ddp_map_bl_done *d, ddp_map_manifest *m, const ddp_map_bl_opts *o,
                           ddp_error *err)
{
	char fixdir[4300];
	ddp_map_case *cases = NULL;
	ddp_baseline *res = NULL;
	map_job *j = NULL;
	size_t n;
	int rc;

	memset(d, 0, sizeof(*d));
	snprintf(fixdir, sizeof(fixdir), "%s/map-fixtures", o->workdir);
	if ((rc = make_fixtures(&cases, d, m, o, fixdir, err)))
		goto out;
	n = d->ncases;
	res = calloc(o->nrefs * n > 0 ? o->nrefs * n : 1, sizeof(*res));
	j = calloc(o->nrefs ? o->nrefs : 1, sizeof(*j));
	d->made = calloc(o->nrefs ? o->nrefs : 1, sizeof(*d->made));
	d->failing = calloc(o->nrefs ? o->nrefs : 1, sizeof(*d->failing));
	if (!res || !j || !d->made || !d->failing) {
		rc = ddp_error_set(err, DDP_ENOMEM, "baselines", 0, 0, "baselines generate: out of memory");
		goto out;
	}
	for (size_t r = 0; r < o->nrefs; r++)
		j[r] = (map_job){&o->refs[r], m, cases, n, o, fixdir, d->by, res + r * n, 0, 0, 0, {0}};
	ddp_bl_parallel(j, sizeof(*j), o->nrefs, o->jobs, map_thread);
	for (size_t r = 0; r < o->nrefs; r++) {
		d->made[r] = j[r].made;
		d->failing[r] = j[r].failing;
	}
	if ((rc = said_runs(j, o, err)))
		goto out;
	for (size_t r = 0; r < o->nrefs; r++) {
		if ((rc = write_ref(o->root, &o->refs[r], cases, n, res + r * n,
		                    o->nonly == 0 && !o->only_window, err)))
			break;
		if (o->out)
			fprintf(o->out, "baselines: %s/map-{human,json}/.../%s: %d cases\n", o->root,
			       o->refs[r].version, j[r].made);
		d->nwritten++;
	}
out:
	if (res)
		for (size_t k = 0; k < o->nrefs * d->ncases; k++)
			ddp_baseline_free(&res[k]);
	free(res);
	free(j);
	free(cases);
	return rc ? DDP_ERROR : DDP_OK;
}

void ddp_map_bl_done_free(ddp_map_bl_done *d)
{
	free(d->made);
	free(d->failing);
	memset(d, 0, sizeof(*d));
}

int ddp_map_baselines_profiles(const char *root, FILE *out, ddp_map_leaf_fn each, void *ctx,
                               ddp_error *err)
{
	char leaf[4300];
	int n = 0;

	for (int json_out = 0; json_out < 2; json_out++)
		for (int window = 0; window < 2; window++)
			for (int f = 0; ddp_map_formats[f]; f++) {
				snprintf(leaf, sizeof(leaf), "%s/map-%s%s/%s", root, json_out ? "json" : "human",
				         window ? "/window" : "", ddp_map_formats[f]);
				if (access(leaf, F_OK))
					continue;
				if (out)
					fprintf(out, "%s:\n", leaf + strlen(root) + 1);
				if (ddp_baseline_profiles(leaf, out, err))
					return ddp_error_in_file(err, err->source);
				if (each)
					each(ctx, leaf);
				n++;
			}
	if (!n)
		return ddp_error_set(err, DDP_EINVAL, root, 0, 0, "baselines profiles: no map baselines "
		                     "under %.100s (run `ddparity baselines generate --command map` first)",
		                     root);
	if (out)
		fprintf(out, "baselines: %d map version-map.json files written\n", n);
	return DDP_OK;
}
