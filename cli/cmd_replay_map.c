/*
 * cmd_replay_map.c: `ddparity replay --command map`, the map baselines'
 * consuming side.  The fixtures are made again (by the same qemu-img
 * version that made the baselines' fixtures: a different one lays clusters
 * out differently), the candidate maps each, whole and through each
 * window, in human and JSON output, and the result is held against the
 * baseline of the reference's version profile in the case's (output
 * type, source format) root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baselines_cli.h"
#include "cli.h"
#include "map/map.h"

static const char usage[] =
	"usage: ddparity replay --command map [--candidate SPEC] [--reference PATH]\n"
	"                       [--fixtures-with PATH] [--manifest FILE] [--baselines DIR]\n"
	"                       [--known FILE] [--only GLOB] [--workdir DIR]\n"
	"                       [--map-compare bytes|normalised] [--json FILE|-]\n"
	"\n"
	"Checks a candidate's `map` against the committed map baselines of the\n"
	"reference's version (DIR/map-<human|json>[/window]/<format>/version-map.json;\n"
	"DIR defaults to expected-outputs).  The fixtures of the manifest (default\n"
	"expected-outputs/map-fixtures) are made again with --fixtures-with (default\n"
	"qemu-img on PATH), which must be the version that made the baselines'\n"
	"fixtures; the candidate runs `map` on each, whole and through each window,\n"
	"in the fixtures' directory.  Output is compared byte for byte, as\n"
	"instar's tests compare it (with --map-compare normalised, JSON only as\n"
	"maps, through the core's map normalisation: a trailing newline missing\n"
	"passes), after paths are normalised ($FILENAME, $BACKING); JSON that\n"
	"differs as a map says in which fields; exit codes exactly; stderr exactly when the\n"
	"candidate says it is a qemu-img, else whether there is any.  Differences\n"
	"listed in the known-divergences file (default\n"
	"expected-outputs/known-divergences), whose case names here are\n"
	"map-<human|json>/<case> and fields exit, stderr, stdout, map/<field>, are\n"
	"reported as known.\n"
	"\n"
	"  --candidate SPEC  a command, split on spaces, to which 'map' and the\n"
	"                    arguments are appended (default: the reference)\n"
	"  --reference PATH  the qemu-img whose version picks the profiles\n"
	"                    (default qemu-img on PATH)\n"
	"  --only GLOB       only cases whose name (fixture[@window]) matches\n"
	"  --json FILE       also write the verdicts and the summary as one JSON\n"
	"                    document (atomically), as replay's (docs/json.md);\n"
	"                    '-': stdout, the text then on stderr\n"
	"\n"
	"Exit status: 0 nothing failed, 1 a case failed, 2 error.\n";

/* The profile directory of each leaf root, looked up once. */
typedef struct leaf_cache {
	char leaf[64][4300];
	char dir[64][4400];
	size_t n;
} leaf_cache;

static int profile_dir(const char **dir, leaf_cache *lc, const char *leaf, const char *version,
                       ddp_error *err)
{
	for (size_t i = 0; i < lc->n; i++)
		if (!strcmp(lc->leaf[i], leaf)) {
			*dir = lc->dir[i];
			return DDP_OK;
		}
	if (lc->n == 64)
		return ddp_error_set(err, DDP_ERROR, leaf, 0, 0, "too many baseline roots");
	if (ddp_baseline_profile_for(lc->dir[lc->n], sizeof(lc->dir[lc->n]), NULL, leaf, version, err))
		return DDP_ERROR;
	snprintf(lc->leaf[lc->n], sizeof(lc->leaf[lc->n]), "%s", leaf);
	*dir = lc->dir[lc->n++];
	return DDP_OK;
}

/* A baseline's three files as an outcome; its meta's fixture maker in by. */
static int read_baseline(ddp_map_outcome *o, char *by, size_t by_size, const char *dir,
                         const char *name, ddp_error *err)
{
	char path[4600];
	char *meta_text = NULL;
	size_t len;
	json_t *meta, *rc, *maker;
	json_error_t je;

	memset(o, 0, sizeof(*o));
	snprintf(path, sizeof(path), "%s/%s.meta.json", dir, name);
	if (ddp_read_own_file(&meta_text, &len, path, 1 << 20, err))
		return DDP_ERROR;
	meta = json_loadb(meta_text, len, JSON_REJECT_DUPLICATES, &je);
	free(meta_text);
	if (!meta)
		return ddp_error_set(err, DDP_EINVAL, path, je.line, je.column, "%s", je.text);
	rc = json_object_get(meta, "map_return_code");
	maker = json_object_get(meta, "fixtures_made_by");
	if (!json_is_integer(rc) || !json_is_string(maker)) {
		json_decref(meta);
		return ddp_error_set(err, DDP_EINVAL, path, 1, 1,
		                     "not a map baseline: no integer map_return_code or no "
		                     "fixtures_made_by");
	}
	o->rc = (int)json_integer_value(rc);
	snprintf(by, by_size, "%s", json_string_value(maker));
	json_decref(meta);
	snprintf(path, sizeof(path), "%s/%s.stdout.txt", dir, name);
	if (ddp_read_own_file(&o->out, NULL, path, 16 << 20, err))
		return DDP_ERROR;
	snprintf(path, sizeof(path), "%s/%s.stderr.txt", dir, name);
	if (ddp_read_own_file(&o->err, NULL, path, 16 << 20, err)) {
		ddp_map_outcome_free(o);
		return DDP_ERROR;
	}
	return DDP_OK;
}

/* A map replay: its options, tools and files. */
typedef struct map_replay {
	const char *candidate, *reference, *manifest, *root_arg, *known_arg, *only, *workdir_arg;
	const char *fixtures_with, *map_compare, *json;
	char manifest_path[4200], root[4200], known_path[4200], version[32], by[32];
	char workdir[4200], fixdir[4300];
	int own;
	ddp_tool ref, cand, maker;
	ddp_map_manifest m;
	ddp_known_divergences *known;
	leaf_cache lc;
	ddp_cli_tally tally;
} map_replay;

/* Reads the options: DDP_EXIT_OK, -1 after --help, or the status of a mistake (said). */
static int map_replay_read(map_replay *x, int argc, char **argv)
{
	const ddp_opt opts[] = {
		{"candidate", DDP_OPT_STRING, &x->candidate},
		{"reference", DDP_OPT_STRING, &x->reference},
		{"manifest", DDP_OPT_STRING, &x->manifest},
		{"baselines", DDP_OPT_STRING, &x->root_arg},
		{"known", DDP_OPT_STRING, &x->known_arg},
		{"only", DDP_OPT_STRING, &x->only},
		{"workdir", DDP_OPT_STRING, &x->workdir_arg},
		{"fixtures-with", DDP_OPT_STRING, &x->fixtures_with},
		{"map-compare", DDP_OPT_STRING, &x->map_compare},
		{"json", DDP_OPT_STRING, &x->json},
	};
	static char name[] = "replay --command map";
	int first, rc;

	x->reference = x->fixtures_with = "qemu-img";
	x->map_compare = "bytes";
	argv[0] = name;
	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)))
		return rc;
	if (strcmp(x->map_compare, "bytes") && strcmp(x->map_compare, "normalised"))
		return ddp_cli_fail("replay: --map-compare '%s': bytes or normalised", x->map_compare);
	return ddp_cli_json_begin(x->json, "replay");
}

/* The tools (the reference, the fixtures' maker, the candidate), the known divergences, the fixtures. */
static int map_replay_setup(map_replay *x, ddp_map_case **cases, size_t *ncases)
{
	const char *cand = x->candidate ? x->candidate : x->reference;
	ddp_error err;
	int rc;

	ddp_bl_path(x->manifest_path, sizeof(x->manifest_path),
	            x->manifest ? x->manifest : "expected-outputs/map-fixtures");
	ddp_bl_path(x->root, sizeof(x->root), x->root_arg ? x->root_arg : "expected-outputs");
	ddp_bl_path(x->known_path, sizeof(x->known_path),
	            x->known_arg ? x->known_arg : "expected-outputs/known-divergences");
	if (ddp_map_manifest_load(&x->m, x->manifest_path, &err))
		return ddp_cli_fail_error(x->manifest_path, &err);
	if (ddp_tool_init(&x->ref, x->reference, &err) || !x->ref.is_qemu)
		return ddp_cli_fail("replay: --reference %s: %s", x->reference, x->ref.spec
		                    ? "not a qemu-img (its --version does not say so)" : err.message);
	if (ddp_tool_init(&x->maker, x->fixtures_with, &err) || !x->maker.is_qemu)
		return ddp_cli_fail("replay: --fixtures-with %s: %s", x->fixtures_with, x->maker.spec
		                    ? "not a qemu-img (its --version does not say so)" : err.message);
	if (ddp_tool_init(&x->cand, cand, &err) || x->cand.is_model)
		return ddp_cli_fail("replay: --candidate %s: %s", cand, x->cand.is_model
		                    ? "the model does not model `qemu-img map`" : err.message);
	ddp_version_text(x->version, sizeof(x->version), x->ref.version);
	ddp_version_text(x->by, sizeof(x->by), x->maker.version);
	if ((rc = ddp_bl_known_load(&x->known, x->known_path, x->known_arg, "replay")) ||
	    (rc = ddp_cli_status(ddp_bl_workdir(x->workdir, sizeof(x->workdir), x->workdir_arg,
	                                        &x->own, &err), &err)))
		return rc;
	snprintf(x->fixdir, sizeof(x->fixdir), "%s/map-fixtures", x->workdir);
	ddp_remove_tree(x->fixdir);
	if (mkdir(x->fixdir, 0755))
		return ddp_cli_fail("replay: %s: %s", x->fixdir, strerror(errno));
	if (ddp_map_fixtures_make(&x->m, x->fixdir, x->maker.argv[0], &err) ||
	    ddp_map_cases_build(cases, ncases, &x->m, &err))
		return ddp_cli_fail_error(x->manifest_path, &err);
	return DDP_EXIT_OK;
}

/* A verdict: tallied and printed. */
static void map_say(map_replay *x, const char *verdict, const char *name, const char *detail)
{
	ddp_cli_tally_add(&x->tally, verdict, name, detail);
	printf("%-5s %s%s%s\n", verdict, name, detail ? "  " : "", detail ? detail : "");
}

/* One case against its baseline: its verdict said, or an error (said) that ends the replay. */
static int map_replay_case(map_replay *x, const ddp_map_case *c)
{
	char name[160], bname[128], leaf[4300], base_by[32], sig[512], detail[300], fields[512];
	char path[4600], why[5000];
	const char *dir = NULL;
	ddp_map_outcome base, got;
	const ddp_known_divergence *k = NULL;
	ddp_error err;

	ddp_map_case_name(bname, sizeof(bname), c);
	if (x->only && fnmatch(x->only, bname, 0))
		return DDP_EXIT_OK;
	snprintf(name, sizeof(name), "map-%s/%s", c->json ? "json" : "human", bname);
	ddp_map_baseline_root(leaf, sizeof(leaf), x->root, c);
	if (access(leaf, F_OK)) {
		snprintf(why, sizeof(why), "no baselines in %s (run `ddparity baselines generate "
		         "--command map`, then `profiles --command map`)", leaf);
		map_say(x, "skip", name, why);
		return DDP_EXIT_OK;
	}
	if (profile_dir(&dir, &x->lc, leaf, x->version, &err))
		return ddp_cli_fail_error(err.source, &err);
	snprintf(path, sizeof(path), "%s/%s.meta.json", dir, bname);
	if (access(path, F_OK)) {
		snprintf(why, sizeof(why), "no baseline %s", path);
		map_say(x, "skip", name, why);
		return DDP_EXIT_OK;
	}
	if (read_baseline(&base, base_by, sizeof(base_by), dir, bname, &err))
		return ddp_cli_fail_error(err.source, &err);
	if (strcmp(base_by, x->by)) {
		ddp_map_outcome_free(&base);
		return ddp_cli_fail("replay: the baselines' fixtures were made by qemu-img %s, these by "
		                    "%s: give --fixtures-with a qemu-img %s", base_by, x->by, base_by);
	}
	if (ddp_map_run(&got, &x->cand, c, &x->m, x->fixdir, 120, &err)) {
		ddp_map_outcome_free(&base);
		return ddp_cli_fail("replay: %s: %s: %s", name, err.source, err.message);
	}
	ddp_map_diverges(sig, sizeof(sig), detail, sizeof(detail), c->json, &base, &got,
	                 x->cand.is_qemu, !strcmp(x->map_compare, "normalised"));
	ddp_map_signature_fields(fields, sizeof(fields), sig);
	if (!sig[0]) {
		map_say(x, "pass", name, NULL);
	} else if (x->known && !ddp_known_divergences_match(&k, x->known, name, fields, NULL) && k) {
		snprintf(why, sizeof(why), "%s: %s (%s:%d)", sig, k->reason, x->known_path, k->line);
		map_say(x, "known", name, why);
	} else {
		snprintf(why, sizeof(why), "%s: %s", sig, detail);
		map_say(x, "fail", name, why);
	}
	ddp_map_outcome_free(&base);
	ddp_map_outcome_free(&got);
	return DDP_EXIT_OK;
}

int ddp_replay_map(int argc, char **argv)
{
	map_replay *x = calloc(1, sizeof(*x));
	ddp_map_case *cases = NULL;
	size_t ncases = 0;
	json_t *doc, *run;
	int rc;

	if (!x)
		return ddp_cli_fail("replay: out of memory");
	if ((rc = map_replay_read(x, argc, argv)) < 0) {
		free(x);
		return DDP_EXIT_OK;
	}
	if (!rc && !(rc = map_replay_setup(x, &cases, &ncases))) {
		printf("replay: map, %zu cases, candidate %s, reference qemu-img %s, fixtures by "
		       "qemu-img %s, baselines %s\n", ncases, x->cand.spec, x->version, x->by, x->root);
		for (size_t i = 0; i < ncases && !rc; i++)
			rc = map_replay_case(x, &cases[i]);
		if (!rc) {
			ddp_cli_tally_print(stdout, &x->tally);
			rc = x->tally.n[1] ? DDP_EXIT_DIFFERENT : DDP_EXIT_OK;
		}
	}
	run = json_pack("{s:{s:o, s:s}, s:o, s:s, s:s, s:I}", "reference", "spec",
	                ddp_cli_json_str(x->ref.spec), "version", x->version,
	                "candidate", ddp_cli_json_str(x->cand.spec), "fixtures_by", x->by,
	                "baselines", x->root, "cases", (json_int_t)ncases);
	json_object_update_new(run, ddp_cli_tally_json(&x->tally));
	json_object_set_new(run, "exit", json_integer(rc));
	doc = ddp_cli_json_doc("replay");
	json_object_update_new(doc, json_pack("{s:s, s:b, s:[o]}", "mode", "map", "all_versions", 0,
	                                      "runs", run));
	if (x->own)
		ddp_private_dir_remove(x->workdir);
	ddp_known_divergences_free(x->known);
	json_decref(x->tally.results);
	free(cases);
	ddp_map_manifest_free(&x->m);
	ddp_tool_free(&x->ref);
	ddp_tool_free(&x->cand);
	ddp_tool_free(&x->maker);
	rc = ddp_cli_json_write(x->json, doc, "replay", rc);
	free(x);
	return rc;
}
