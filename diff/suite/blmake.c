/*
 * blmake.c: baselines made (suite.h): the qemu-imgs to make them with,
 * a work directory, every reference's run of the cases (a thread each),
 * and one version's directory written.  `baselines generate`, `replay`
 * and promote's workflow (promote.c) share them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "suite/suite.h"

void ddp_bl_path(char *buf, size_t size, const char *rel)
{
	const char *src = getenv("DDP_SOURCE_DIR");
	char exe[4096];
	ssize_t n;

	if (access(rel, F_OK) == 0 || rel[0] == '/') {
		snprintf(buf, size, "%s", rel);
		return;
	}
	if (src && *src) {
		snprintf(buf, size, "%s/%s", src, rel);
		if (access(buf, F_OK) == 0)
			return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(buf, size, "%s/../%s", dirname(exe), rel);
		if (access(buf, F_OK) == 0)
			return;
	}
	snprintf(buf, size, "%s", rel);
}

int ddp_bl_workdir(char *buf, size_t size, const char *given, int *own, ddp_error *err)
{
	*own = 0;
	if (given) {
		if ((mkdir(given, 0755) && errno != EEXIST) || !realpath(given, buf))
			return ddp_error_set(err, DDP_ERROR, given, 0, 0, "--workdir %s: %s", given,
			                     strerror(errno));
		ddp_workdir_sweep(buf); /* runs of processes killed since */
		return DDP_OK;
	}
	if (ddp_private_dir(buf, size, ddp_temp_root(), "bl", err))
		return ddp_error_prefix(err, "%s", "");
	*own = 1;
	return DDP_OK;
}

static int add_ref(ddp_bl_ref **v, size_t *n, const char *path, const char *who, ddp_error *err)
{
	ddp_version ver;
	ddp_bl_ref *nv;

	if (ddp_qemu_version(&ver, path, err))
		return ddp_error_prefix(err, "%s: ", who);
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return ddp_error_set(err, DDP_ENOMEM, path, 0, 0, "%s: out of memory", who);
	*v = nv;
	/* The dd runs in a directory of its own: a relative path must still lead here. */
	if (path[0] == '/' || !strchr(path, '/') || !realpath(path, nv[*n].path))
		snprintf(nv[*n].path, sizeof(nv[*n].path), "%s", path);
	ddp_version_text(nv[*n].version, sizeof(nv[*n].version), ver);
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(nv[i].version, nv[*n].version))
			return ddp_error_set(err, DDP_EINVAL, path, 0, 0, "%s: %s and %s are both qemu-img %s",
			                     who, nv[i].path, path, nv[i].version);
	(*n)++;
	return DDP_OK;
}

/* Every version `ci/qemu-versions list` names, added to *out. */
static int add_listed(ddp_bl_ref **out, size_t *n, int all_versions, const char *who,
                      ddp_error *err)
{
	char script[4200];
	const char *argv[] = {script, "list", NULL};
	ddp_proc_opts o = {NULL, 120, 1 << 20, 0, 0};
	ddp_proc_result r = {0};
	char *line, *save = NULL;
	int rc = DDP_OK;

	ddp_bl_path(script, sizeof(script), "ci/qemu-versions");
	if (ddp_proc_run(&r, argv, &o, err))
		rc = ddp_error_prefix(err, "%s: --all-versions: ", who);
	else if (!r.exited || r.exit_code)
		rc = ddp_error_set(err, DDP_ERROR, script, 0, 0, "%s: --all-versions: %s list failed: "
		                   "%.300s", who, script, r.err);
	else
		for (line = strtok_r(r.out, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
			char version[64], suite[64], wrapper[4096];
			if (sscanf(line, "%63s %63s %4095s", version, suite, wrapper) == 3)
				rc = add_ref(out, n, wrapper, who, err);
		}
	if (!rc && !*n && all_versions != DDP_BL_MATERIALISED_OR_PATH)
		rc = ddp_error_set(err, DDP_ERROR, script, 0, 0, "%s: --all-versions: %s list named no "
		                   "version (run `ci/qemu-versions fetch`)", who, script);
	if (r.out || r.err)
		ddp_proc_result_free(&r);
	return rc;
}

int ddp_bl_references(ddp_bl_ref **out, size_t *n, const char *const *given, size_t ngiven,
                      int all_versions, const char *who, ddp_error *err)
{
	int rc = DDP_OK;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < ngiven && !rc; i++)
		rc = add_ref(out, n, given[i], who, err);
	if (!rc && all_versions)
		rc = add_listed(out, n, all_versions, who, err);
	if (!rc && !*n)
		rc = add_ref(out, n, "qemu-img", who, err);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

typedef struct make_job {
	const ddp_bl_ref *ref;
	const ddp_ddcases *cases;
	const char *const *only;
	size_t nonly;
	ddp_baseline *results;
	const char *workdir;
	int rc;
	ddp_error err;
	ddp_bl_made made;
} make_job;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int wanted(const make_job *j, const char *name)
{
	if (!j->nonly)
		return 1;
	for (size_t i = 0; i < j->nonly; i++)
		if (!strcmp(j->only[i], name))
			return 1;
	return 0;
}

static void *make_thread(void *arg)
{
	make_job *j = arg;
	char fixdir[4200], work[4200];
	double t0 = now();

	snprintf(fixdir, sizeof(fixdir), "%s/inputs-%s", j->workdir, j->ref->version);
	snprintf(work, sizeof(work), "%s/runs-%s", j->workdir, j->ref->version);
	if (mkdir(work, 0755) && errno != EEXIST) {
		j->rc = ddp_error_set(&j->err, DDP_ERROR, work, 0, 0, "cannot create: %s", strerror(errno));
		return NULL;
	}
	for (size_t i = 0; i < j->cases->count && !j->rc; i++) {
		const ddp_ddcase *c = &j->cases->items[i];
		if (!wanted(j, c->name))
			continue;
		j->rc = ddp_baseline_make(&j->results[i], c, j->ref->path, j->ref->version, fixdir,
		                          work, &j->err);
		if (!j->rc) {
			j->made.made++;
			j->made.failing += j->results[i].dd_rc != 0;
		}
	}
	j->made.seconds = now() - t0;
	return NULL;
}

void ddp_bl_parallel(void *jobs, size_t size, size_t n, int at_once, void *(*fn)(void *))
{
	pthread_t *t = calloc(n ? n : 1, sizeof(*t));
	char *base = jobs;

	if (at_once < 1)
		at_once = 1;
	for (size_t start = 0; start < n; start += (size_t)at_once) {
		size_t end = start + (size_t)at_once < n ? start + (size_t)at_once : n;
		for (size_t r = start; r < end; r++)
			/* No thread (or no memory for its handle): run it here. */
			if (!t || pthread_create(&t[r], NULL, fn, base + r * size)) {
				fn(base + r * size);
				if (t)
					t[r] = 0;
			}
		for (size_t r = start; r < end && t; r++)
			if (t[r])
				pthread_join(t[r], NULL);
	}
	free(t);
}

int ddp_bl_make_all(ddp_baseline **results, ddp_bl_made *made, const ddp_bl_ref *refs,
                    size_t nrefs, const ddp_ddcases *cases, const char *const *only, size_t nonly,
                    int jobs, const char *workdir, FILE *log, ddp_error *err)
{
	make_job *j = calloc(nrefs ? nrefs : 1, sizeof(*j));
	int rc = DDP_OK;

	*results = calloc(nrefs * (cases->count ? cases->count : 1), sizeof(ddp_baseline));
	if (!j || !*results) {
		free(j);
		return ddp_error_set(err, DDP_ENOMEM, "baselines", 0, 0, "out of memory");
	}
	for (size_t r = 0; r < nrefs; r++)
		j[r] = (make_job){&refs[r], cases, only, nonly, *results + r * cases->count,
		                  workdir, 0, {0}, {0, 0, 0}};
	ddp_bl_parallel(j, sizeof(*j), nrefs, jobs, make_thread);
	for (size_t r = 0; r < nrefs; r++) {
		const ddp_bl_made *m = &j[r].made;
		if (j[r].rc && !rc)
			/* The first failure is the error; later ones are said on log. */
			rc = ddp_error_set(err, DDP_ERROR, refs[r].path, 0, 0, "baselines: qemu-img %s (%.100s): "
			                   "%.100s: %.100s", refs[r].version, refs[r].path, j[r].err.source,
			                   j[r].err.message);
		else if (j[r].rc && log)
			fprintf(log, "baselines: qemu-img %s (%s): %s: %s\n", refs[r].version, refs[r].path,
			        j[r].err.source, j[r].err.message);
		else if (log && !j[r].rc)
			fprintf(log, "baselines: qemu-img %s: %d case%s (%d exit 0, %d failing) in %.1f s\n",
			        refs[r].version, m->made, m->made == 1 ? "" : "s", m->made - m->failing,
			        m->failing, m->seconds);
		if (made)
			made[r] = j[r].made;
	}
	free(j);
	return rc;
}

int ddp_bl_write_version(const char *root, const char *version, const char *const *names,
                         const ddp_baseline *res, size_t n, int whole, ddp_error *err)
{
	char dir[4200], stage[4300], tmp[4400], old[4400], prefix[4300];

	snprintf(dir, sizeof(dir), "%s/%s", root, version);
	/* What a run that was killed left here: half-written files, directories half swapped. */
	ddp_workdir_sweep(root);
	/* A link at the version's name would take the writes elsewhere. */
	if (ddp_own_dir(dir, 0, err))
		return DDP_ERROR;
	if (!whole) {
		for (size_t i = 0; i < n; i++)
			if (res[i].meta_text && ddp_baseline_write(&res[i], dir, names[i], err))
				return DDP_ERROR;
		return DDP_OK;
	}
	snprintf(prefix, sizeof(prefix), "%s/.tmp-%s-", root, version);
	if (ddp_stage_make(stage, sizeof(stage), prefix, tmp, old, sizeof(tmp), err))
		return DDP_ERROR;
	for (size_t i = 0; i < n; i++)
		if (ddp_baseline_write(&res[i], tmp, names[i], err)) {
			ddp_remove_tree(stage);
			return DDP_ERROR;
		}
	/* In one step: a kill leaves the old directory or the new one. */
	if (ddp_dir_replace(tmp, dir, old)) {
		int e = errno;
		ddp_remove_tree(stage);
		return ddp_error_set(err, DDP_ERROR, dir, 0, 0, "cannot put in place: %s", strerror(e));
	}
	ddp_remove_tree(stage);
	return DDP_OK;
}
