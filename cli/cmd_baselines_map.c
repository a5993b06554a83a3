/*
 * cmd_baselines_map.c: `ddparity baselines generate --command map` (what
 * each qemu-img's `map` says of every fixture of the manifest, whole and
 * through each window, in human and JSON output) and `baselines profiles
 * --command map` (each (output type, source format) root folded into
 * profiles, as for dd).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baselines_cli.h"
#include "cli.h"
#include "map/map.h"

static const char usage[] =
	"usage: ddparity baselines generate --command map [--reference PATH]...\n"
	"                  [--all-versions] [--manifest FILE] [--out DIR] [--only FIXTURE]...\n"
	"                  [--only-window NAME] [--fixtures-with PATH] [--jobs N] [--workdir DIR]\n"
	"       ddparity baselines profiles --command map [--out DIR]\n"
	"\n"
	"generate: makes every fixture of the manifest (default\n"
	"expected-outputs/map-fixtures) once, with --fixtures-with (default qemu-img\n"
	"on PATH) and the qemu-io beside it, then runs `qemu-img map` and `map\n"
	"--output=json` of each qemu-img given (--reference, again for more;\n"
	"--all-versions: every version `ci/qemu-versions list` has; default qemu-img\n"
	"on PATH) on each fixture, whole and through each window of the manifest,\n"
	"in the fixtures' directory, and writes\n"
	"  DIR/map-<human|json>/<format>/<version>/<fixture>.{stdout.txt,stderr.txt,meta.json}\n"
	"  DIR/map-<human|json>/window/<format>/<version>/<fixture>@<window>.{...}\n"
	"with the image's path as $FILENAME and its backing file's as $BACKING.\n"
	"DIR defaults to expected-outputs.  --only-window NAME makes only the\n"
	"cases read through that window (what `promote` of a map finding adds).\n"
	"Without --only or --only-window, each version's directory is replaced whole.\n"
	"\n"
	"profiles: every such <format> directory gets profiles/ and\n"
	"version-map.json, as `baselines profiles` makes for dd.\n"
	"\n"
	"Exit status: 0 done, 2 error.\n";

typedef struct map_job {
	const ddp_bl_ref *ref;
	const ddp_map_manifest *m;
	const ddp_map_case *cases;
	size_t ncases;
	const char *const *only;
	size_t nonly;
	const char *only_window;   /* NULL: every case */
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
		if (!wanted(j->only, j->nonly, c->fixture->name) ||
		    (j->only_window && (!c->windowed || strcmp(c->window, j->only_window))))
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

/* Writes reference r's results, one leaf root after the other. */
static int write_ref(const char *root, const ddp_bl_ref *ref, const ddp_map_case *cases,
                     size_t n, ddp_baseline *res, int whole)
{
	const char **names = calloc(n, sizeof(*names));
	char (*name_buf)[128] = calloc(n, sizeof(*name_buf));
	ddp_baseline *group = calloc(n, sizeof(*group));
	char *done = calloc(n, 1);
	int rc = DDP_EXIT_OK;

	if (!names || !name_buf || !group || !done)
		rc = ddp_cli_fail("baselines: out of memory");
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
		{
			char mk[4300];
			/* mkdir -p of the leaf root, under root, which exists. */
			for (char *p = strchr(strcpy(mk, leaf) + strlen(root) + 1, '/');; p = strchr(p + 1, '/')) {
				if (p)
					*p = '\0';
				if (mkdir(mk, 0755) && errno != EEXIST)
					rc = ddp_cli_fail("baselines: %s: %s", mk, strerror(errno));
				if (!p || rc)
					break;
				*p = '/';
			}
		}
		if (!rc)
			rc = ddp_bl_write_version(leaf, ref->version, names, group, k, whole);
	}
	free(names);
	free(name_buf);
	free(group);
	free(done);
	return rc;
}

static int generate(int argc, char **argv)
{
	ddp_opt_list given_l = {{0}, 0}, only_l = {{0}, 0};
	const char *const *given = given_l.v, *const *only = only_l.v;
	size_t ngiven, nonly, nrefs = 0, ncases = 0;
	const char *manifest_arg = NULL, *out_arg = NULL, *workdir_arg = NULL, *jobs_text = NULL;
	const char *fixtures_with = "qemu-img", *only_window = NULL;
	char manifest_path[4200], root[4200], workdir[4200], fixdir[4300], by[32];
	int all_versions = 0, jobs = 0, own = 0, rc = DDP_EXIT_OK;
	ddp_bl_ref *refs = NULL;
	ddp_map_manifest m = {0};
	ddp_map_case *cases = NULL;
	ddp_baseline *res = NULL;
	map_job *j = NULL;
	ddp_tool maker = {0};
	ddp_error err;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	const ddp_opt opts[] = {
		{"all-versions", DDP_OPT_FLAG, &all_versions},
		{"reference", DDP_OPT_LIST, &given_l},
		{"only", DDP_OPT_LIST, &only_l},
		{"manifest", DDP_OPT_STRING, &manifest_arg},
		{"only-window", DDP_OPT_STRING, &only_window},
		{"out", DDP_OPT_STRING, &out_arg},
		{"workdir", DDP_OPT_STRING, &workdir_arg},
		{"fixtures-with", DDP_OPT_STRING, &fixtures_with},
		{"jobs", DDP_OPT_STRING, &jobs_text},
	};
	unsigned long long n;
	int first;

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)))
		return rc < 0 ? DDP_EXIT_OK : rc;
	if (jobs_text && (rc = ddp_cli_uint(&n, "baselines generate", "--jobs", jobs_text, 1, 64)))
		return rc;
	jobs = jobs_text ? (int)n : 0;
	ngiven = (size_t)given_l.n;
	nonly = (size_t)only_l.n;
	ddp_bl_path(manifest_path, sizeof(manifest_path),
	            manifest_arg ? manifest_arg : "expected-outputs/map-fixtures");
	if (out_arg)
		snprintf(root, sizeof(root), "%s", out_arg);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs");
	if (ddp_map_manifest_load(&m, manifest_path, &err)) {
		rc = ddp_cli_fail_error(manifest_path, &err);
		goto out;
	}
	for (size_t k = 0; k < nonly; k++)
		if (!ddp_map_manifest_find(&m, only[k])) {
			rc = ddp_cli_fail("baselines generate: --only %s: no such fixture in %s", only[k],
			                  manifest_path);
			goto out;
		}
	if (only_window) {
		size_t k = 0;
		while (k < m.nwindows && strcmp(m.windows[k].name, only_window))
			k++;
		if (k == m.nwindows) {
			rc = ddp_cli_fail("baselines generate: --only-window %s: no such window in %s",
			                  only_window, manifest_path);
			goto out;
		}
	}
	if ((rc = ddp_bl_references(&refs, &nrefs, given, ngiven, all_versions,
	                            "baselines generate")))
		goto out;
	if (ddp_tool_init(&maker, fixtures_with, &err) || !maker.is_qemu) {
		rc = ddp_cli_fail("baselines generate: --fixtures-with %s: %s", fixtures_with,
		                  maker.spec ? "not a qemu-img (its --version does not say so)"
		                             : err.message);
		goto out;
	}
	ddp_version_text(by, sizeof(by), maker.version);
	if ((rc = ddp_bl_workdir(workdir, sizeof(workdir), workdir_arg, &own)))
		goto out;
	snprintf(fixdir, sizeof(fixdir), "%s/map-fixtures", workdir);
	ddp_remove_tree(fixdir);
	if (mkdir(fixdir, 0755)) {
		rc = ddp_cli_fail("baselines generate: %s: %s", fixdir, strerror(errno));
		goto out;
	}
	if (mkdir(root, 0755) && errno != EEXIST) {
		rc = ddp_cli_fail("baselines generate: %s: %s", root, strerror(errno));
		goto out;
	}
	if (ddp_map_fixtures_make(&m, fixdir, maker.argv[0], &err) ||
	    ddp_map_cases_build(&cases, &ncases, &m, &err)) {
		rc = ddp_cli_fail_error(manifest_path, &err);
		goto out;
	}
	fprintf(stderr, "baselines: %zu map fixtures made with qemu-img %s, %zu cases each version\n",
	        m.nfixtures, by, ncases);
	res = calloc(nrefs * ncases, sizeof(*res));
	j = calloc(nrefs, sizeof(*j));
	if (!res || !j) {
		rc = ddp_cli_fail("baselines generate: out of memory");
		goto out;
	}
	for (size_t r = 0; r < nrefs; r++)
		j[r] = (map_job){&refs[r], &m, cases, ncases, only, nonly, only_window, fixdir, by,
		                 res + r * ncases, 0, 0, 0, {0}};
	ddp_bl_parallel(j, sizeof(*j), nrefs, jobs ? jobs : ncpu > 0 ? (int)ncpu : 1, map_thread);
	for (size_t r = 0; r < nrefs; r++) {
		if (j[r].rc) {
			rc = ddp_cli_fail("baselines: qemu-img %s (%s): %s: %s", refs[r].version,
			                  refs[r].path, j[r].err.source, j[r].err.message);
			continue;
		}
		fprintf(stderr, "baselines: qemu-img %s: %d map case%s (%d exit 0, %d failing)\n",
		        refs[r].version, j[r].made, j[r].made == 1 ? "" : "s",
		        j[r].made - j[r].failing, j[r].failing);
	}
	for (size_t r = 0; r < nrefs && !rc; r++) {
		rc = write_ref(root, &refs[r], cases, ncases, res + r * ncases,
		               nonly == 0 && !only_window);
		if (!rc)
			printf("baselines: %s/map-{human,json}/.../%s: %d cases\n", root, refs[r].version,
			       j[r].made);
	}
out:
	if (res)
		for (size_t k = 0; k < nrefs * ncases; k++)
			ddp_baseline_free(&res[k]);
	free(res);
	free(j);
	free(cases);
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_tool_free(&maker);
	ddp_map_manifest_free(&m);
	free(refs);
	return rc;
}

static int profiles(int argc, char **argv)
{
	const char *out_arg = NULL;
	char root[4200];
	int done = 0;

	const ddp_opt opts[] = {{"out", DDP_OPT_STRING, &out_arg}};
	int first, rc;

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)))
		return rc < 0 ? DDP_EXIT_OK : rc;
	if (out_arg)
		snprintf(root, sizeof(root), "%s", out_arg);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs");
	for (int json = 0; json < 2; json++)
		for (int window = 0; window < 2; window++)
			for (int f = 0; ddp_map_formats[f]; f++) {
				char leaf[4300];
				ddp_error err;
				snprintf(leaf, sizeof(leaf), "%s/map-%s%s/%s", root, json ? "json" : "human",
				         window ? "/window" : "", ddp_map_formats[f]);
				if (access(leaf, F_OK))
					continue;
				printf("%s:\n", leaf + strlen(root) + 1);
				if (ddp_baseline_profiles(leaf, stdout, &err))
					return ddp_cli_fail_error(err.source, &err);
				done++;
			}
	if (!done)
		return ddp_cli_fail("baselines profiles: no map baselines under %s (run `ddparity "
		                    "baselines generate --command map` first)", root);
	printf("baselines: %d map version-map.json files written\n", done);
	return DDP_EXIT_OK;
}

int ddp_bl_map(int argc, char **argv)
{
	if (!strcmp(argv[0], "generate"))
		return generate(argc, argv);
	return profiles(argc, argv);
}
