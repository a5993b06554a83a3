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

/* The summary's entry of each reference written. */
static void gen_json(json_t *doc, json_t *list, const map_gen *g, const ddp_map_bl_done *d,
                     const ddp_bl_ref *refs)
{
	if (d->fixtures)
		json_object_update_new(doc, json_pack("{s:s, s:s, s:s, s:I}", "manifest",
		                       g->manifest_path, "dir", g->root, "fixtures_by", d->by, "cases_each",
		                       (json_int_t)d->ncases));
	for (size_t r = 0; r < d->nwritten; r++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:i, s:i, s:i}", "version",
		                      refs[r].version, "reference", refs[r].path, "cases", d->made[r],
		                      "exit_0", d->made[r] - d->failing[r], "failing", d->failing[r]));
}

static int generate(int argc, char **argv)
{
	map_gen g = {0};
	size_t nrefs = 0;
	char workdir[4200];
	int own = 0, rc;
	ddp_bl_ref *refs = NULL;
	ddp_map_bl_done d = {0};
	ddp_error err;
	json_t *doc = ddp_cli_json_doc("baselines"), *list = json_array();

	json_object_update_new(doc, json_pack("{s:s, s:s, s:o}", "subcommand", "generate", "mode", "map",
	                                      "versions", list));
	if ((rc = map_gen_read(&g, argc, argv)) < 0) {
		json_decref(doc);
		return DDP_EXIT_OK;
	}
	if (rc || (rc = ddp_cli_status(ddp_bl_references(&refs, &nrefs, g.given.v, (size_t)g.given.n,
	                                                 g.all_versions, "baselines generate", &err), &err)) ||
	    (rc = ddp_cli_status(ddp_bl_workdir(workdir, sizeof(workdir), g.workdir, &own, &err), &err)))
		goto out;
	{
		ddp_map_bl_opts o = {refs, nrefs, g.only.v, (size_t)g.only.n, g.only_window,
		                     g.fixtures_with, g.manifest_path, workdir, g.root, g.jobs, stdout,
		                     stderr};
		rc = ddp_cli_status(ddp_map_baselines_make(&d, &g.m, &o, &err), &err);
	}
	gen_json(doc, list, &g, &d, refs);
out:
	ddp_map_bl_done_free(&d);
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_map_manifest_free(&g.m);
	free(refs);
	return ddp_cli_json_write(g.json, doc, "baselines generate", rc);
}

/* A root's version-map.json, in the summary's list. */
static void profiles_said(void *ctx, const char *leaf)
{
	json_array_append_new(ctx, json_pack("{s:s+}", "version_map", leaf, "/version-map.json"));
}

static int profiles(int argc, char **argv)
{
	const char *out_arg = NULL, *json = NULL;
	char root[4200];
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
	rc = ddp_map_baselines_profiles(root, stdout, profiles_said, list, &err);
	return ddp_cli_json_write(json, doc, "baselines profiles", ddp_cli_status(rc, &err));
}

int ddp_bl_map(int argc, char **argv)
{
	if (!strcmp(argv[0], "generate"))
		return generate(argc, argv);
	return profiles(argc, argv);
}
