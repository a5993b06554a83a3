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
	"                  [--images-dir DIR]\n"
	"                  [--json FILE|-]\n"
	"       ddparity baselines profiles --command map [--out DIR] [--json FILE|-]\n"
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
	"An image line's relative PATH starts at the manifest's directory, or at\n"
	"--images-dir (what `promote` passes for the manifest it copied).\n"
	"\n"
	"profiles: every such <format> directory gets profiles/ and\n"
	"version-map.json, as `baselines profiles` makes for dd.\n"
	"\n"
	"--json FILE (or '-': stdout, the text then on stderr) also writes the\n"
	"summary as one JSON document, atomically (fields: docs/json.md).\n"
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

/* The options of baselines generate --command map, read. */
typedef struct map_gen {
	ddp_opt_list given, only;
	const char *manifest, *out, *workdir, *fixtures_with, *only_window, *json, *images_dir;
	int all_versions, jobs;
	char manifest_path[4200], root[4200];
	ddp_map_manifest m;
} map_gen;

/* Reads the options and the manifest: DDP_EXIT_OK, -1 after --help, or the status (said). */
static int map_gen_read(map_gen *g, int argc, char **argv)
{
	const char *jobs_text = NULL;
	const ddp_opt opts[] = {
		{"all-versions", DDP_OPT_FLAG, &g->all_versions},
		{"reference", DDP_OPT_LIST, &g->given},
		{"only", DDP_OPT_LIST, &g->only},
		{"manifest", DDP_OPT_STRING, &g->manifest},
		{"only-window", DDP_OPT_STRING, &g->only_window},
		{"out", DDP_OPT_STRING, &g->out},
		{"workdir", DDP_OPT_STRING, &g->workdir},
		{"fixtures-with", DDP_OPT_STRING, &g->fixtures_with},
		{"jobs", DDP_OPT_STRING, &jobs_text},
		{"json", DDP_OPT_STRING, &g->json},
		{"images-dir", DDP_OPT_STRING, &g->images_dir},
	};
	unsigned long long n = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	ddp_error err;
	size_t k = 0;
	int first, rc;

	g->fixtures_with = "qemu-img";
	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)) ||
	    (jobs_text && (rc = ddp_cli_uint(&n, "baselines generate", "--jobs", jobs_text, 1, 64))) ||
	    (rc = ddp_cli_json_begin(g->json, "baselines generate")))
		return rc;
	g->jobs = n ? (int)n : ncpu > 0 ? (int)ncpu : 1;
	ddp_bl_path(g->manifest_path, sizeof(g->manifest_path),
	            g->manifest ? g->manifest : "expected-outputs/map-fixtures");
	if (g->out)
		snprintf(g->root, sizeof(g->root), "%s", g->out);
	else
		ddp_bl_path(g->root, sizeof(g->root), "expected-outputs");
	if (ddp_map_manifest_load(&g->m, g->manifest_path, &err))
		return ddp_cli_fail_error(g->manifest_path, &err);
	if (g->images_dir)
		snprintf(g->m.images_dir, sizeof(g->m.images_dir), "%s", g->images_dir);
	for (int i = 0; i < g->only.n; i++)
		if (!ddp_map_manifest_find(&g->m, g->only.v[i]))
			return ddp_cli_fail("baselines generate: --only %s: no such fixture in %s",
			                    g->only.v[i], g->manifest_path);
	while (g->only_window && k < g->m.nwindows && strcmp(g->m.windows[k].name, g->only_window))
		k++;
	if (g->only_window && k == g->m.nwindows)
		return ddp_cli_fail("baselines generate: --only-window %s: no such window in %s",
		                    g->only_window, g->manifest_path);
	return DDP_EXIT_OK;
}

/* The fixtures made in fixdir with maker (its version in by) and the cases over them. */
static int map_gen_fixtures(ddp_map_case **cases, size_t *ncases, ddp_tool *maker, char by[32],
                            map_gen *g, const char *fixdir)
{
	ddp_error err;

	if (ddp_tool_init(maker, g->fixtures_with, &err) || !maker->is_qemu)
		return ddp_cli_fail("baselines generate: --fixtures-with %s: %s", g->fixtures_with,
		                    maker->spec ? "not a qemu-img (its --version does not say so)"
		                                : err.message);
	ddp_version_text(by, 32, maker->version);
	ddp_remove_tree(fixdir);
	if (mkdir(fixdir, 0755))
		return ddp_cli_fail("baselines generate: %s: %s", fixdir, strerror(errno));
	if (mkdir(g->root, 0755) && errno != EEXIST)
		return ddp_cli_fail("baselines generate: %s: %s", g->root, strerror(errno));
	if (ddp_map_fixtures_make(&g->m, fixdir, maker->argv[0], &err) ||
	    ddp_map_cases_build(cases, ncases, &g->m, &err))
		return ddp_cli_fail_error(g->manifest_path, &err);
	fprintf(stderr, "baselines: %zu map fixtures made with qemu-img %s, %zu cases each version\n",
	        g->m.nfixtures, by, *ncases);
	return DDP_EXIT_OK;
}

/* Each reference's run said (stderr) and, once written, its line and its entry in list. */
static int map_gen_write(json_t *list, map_gen *g, const map_job *j, const ddp_bl_ref *refs,
                         size_t nrefs, const ddp_map_case *cases, size_t ncases, ddp_baseline *res)
{
	int rc = DDP_EXIT_OK;

	for (size_t r = 0; r < nrefs; r++) {
		if (j[r].rc)
			rc = ddp_cli_fail("baselines: qemu-img %s (%s): %s: %s", refs[r].version,
			                  refs[r].path, j[r].err.source, j[r].err.message);
		else
			fprintf(stderr, "baselines: qemu-img %s: %d map case%s (%d exit 0, %d failing)\n",
			        refs[r].version, j[r].made, j[r].made == 1 ? "" : "s",
			        j[r].made - j[r].failing, j[r].failing);
	}
	for (size_t r = 0; r < nrefs && !rc; r++) {
		if ((rc = write_ref(g->root, &refs[r], cases, ncases, res + r * ncases,
		                    g->only.n == 0 && !g->only_window)))
			break;
		printf("baselines: %s/map-{human,json}/.../%s: %d cases\n", g->root, refs[r].version,
		       j[r].made);
		json_array_append_new(list, json_pack("{s:s, s:s, s:i, s:i, s:i}", "version",
		                      refs[r].version, "reference", refs[r].path, "cases", j[r].made,
		                      "exit_0", j[r].made - j[r].failing, "failing", j[r].failing));
	}
	return rc;
}

static int generate(int argc, char **argv)
{
	map_gen g = {0};
	size_t nrefs = 0, ncases = 0;
	char workdir[4200], fixdir[4300], by[32] = "";
	int own = 0, rc;
	ddp_bl_ref *refs = NULL;
	ddp_map_case *cases = NULL;
	ddp_baseline *res = NULL;
	map_job *j = NULL;
	ddp_tool maker = {0};
	json_t *doc = ddp_cli_json_doc("baselines"), *list = json_array();

	json_object_update_new(doc, json_pack("{s:s, s:s, s:o}", "subcommand", "generate", "mode", "map",
	                                      "versions", list));
	if ((rc = map_gen_read(&g, argc, argv)) < 0) {
		json_decref(doc);
		return DDP_EXIT_OK;
	}
	if (rc || (rc = ddp_bl_references(&refs, &nrefs, g.given.v, (size_t)g.given.n, g.all_versions,
	                                  "baselines generate")) ||
	    (rc = ddp_bl_workdir(workdir, sizeof(workdir), g.workdir, &own)))
		goto out;
	snprintf(fixdir, sizeof(fixdir), "%s/map-fixtures", workdir);
	if ((rc = map_gen_fixtures(&cases, &ncases, &maker, by, &g, fixdir)))
		goto out;
	json_object_update_new(doc, json_pack("{s:s, s:s, s:s, s:I}", "manifest", g.manifest_path,
	                       "dir", g.root, "fixtures_by", by, "cases_each", (json_int_t)ncases));
	res = calloc(nrefs * ncases, sizeof(*res));
	j = calloc(nrefs, sizeof(*j));
	if (!res || !j) {
		rc = ddp_cli_fail("baselines generate: out of memory");
		goto out;
	}
	for (size_t r = 0; r < nrefs; r++)
		j[r] = (map_job){&refs[r], &g.m, cases, ncases, g.only.v, (size_t)g.only.n, g.only_window,
		                 fixdir, by, res + r * ncases, 0, 0, 0, {0}};
	ddp_bl_parallel(j, sizeof(*j), nrefs, g.jobs, map_thread);
	rc = map_gen_write(list, &g, j, refs, nrefs, cases, ncases, res);
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
	ddp_map_manifest_free(&g.m);
	free(refs);
	return ddp_cli_json_write(g.json, doc, "baselines generate", rc);
}

static int profiles(int argc, char **argv)
{
	const char *out_arg = NULL, *json = NULL;
	char root[4200], leaf[4300];
	ddp_error err;
	json_t *doc, *list = json_array();
	const ddp_opt opts[] = {{"out", DDP_OPT_STRING, &out_arg}, {"json", DDP_OPT_STRING, &json}};
	int first, rc;

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)) ||
	    (rc = ddp_cli_json_begin(json, "baselines profiles"))) {
		json_decref(list);
		return rc < 0 ? DDP_EXIT_OK : rc;
	}
	if (out_arg)
		snprintf(root, sizeof(root), "%s", out_arg);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs");
	doc = ddp_cli_json_doc("baselines");
	json_object_update_new(doc, json_pack("{s:s, s:s, s:s, s:o}", "subcommand", "profiles",
	                                      "mode", "map", "dir", root, "written", list));
	for (int json_out = 0; json_out < 2; json_out++)
		for (int window = 0; window < 2; window++)
			for (int f = 0; ddp_map_formats[f]; f++) {
				snprintf(leaf, sizeof(leaf), "%s/map-%s%s/%s", root, json_out ? "json" : "human",
				         window ? "/window" : "", ddp_map_formats[f]);
				if (access(leaf, F_OK))
					continue;
				printf("%s:\n", leaf + strlen(root) + 1);
				if (ddp_baseline_profiles(leaf, stdout, &err))
					return ddp_cli_json_write(json, doc, "baselines profiles",
					                          ddp_cli_fail_error(err.source, &err));
				json_array_append_new(list, json_pack("{s:s+}", "version_map", leaf,
				                                      "/version-map.json"));
			}
	if (!json_array_size(list))
		return ddp_cli_json_write(json, doc, "baselines profiles",
		        ddp_cli_fail("baselines profiles: no map baselines under %s (run `ddparity "
		                     "baselines generate --command map` first)", root));
	printf("baselines: %zu map version-map.json files written\n", json_array_size(list));
	return ddp_cli_json_write(json, doc, "baselines profiles", DDP_EXIT_OK);
}

int ddp_bl_map(int argc, char **argv)
{
	if (!strcmp(argv[0], "generate"))
		return generate(argc, argv);
	return profiles(argc, argv);
}
