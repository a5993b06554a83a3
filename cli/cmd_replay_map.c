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
	"                       [--map-compare bytes|normalised]\n"
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

int ddp_replay_map(int argc, char **argv)
{
	const char *candidate = NULL, *reference = "qemu-img", *manifest_arg = NULL;
	const char *root_arg = NULL, *known_arg = NULL, *only = NULL, *workdir_arg = NULL;
	const char *fixtures_with = "qemu-img";
	const char *map_compare = "bytes";
	char manifest_path[4200], root[4200], known_path[4200], version[32], by[32];
	char workdir[4200], fixdir[4300];
	ddp_tool ref = {0}, cand = {0}, maker = {0};
	ddp_map_manifest m = {0};
	ddp_map_case *cases = NULL;
	ddp_known_divergences *known = NULL;
	leaf_cache *lc = calloc(1, sizeof(*lc));
	size_t ncases = 0;
	int own = 0, rc = DDP_EXIT_OK, npass = 0, nfail = 0, nknown = 0, nskip = 0;
	ddp_error err;

	if (!lc)
		return ddp_cli_fail("replay: out of memory");
	{
		const ddp_opt opts[] = {
			{"candidate", DDP_OPT_STRING, &candidate},
			{"reference", DDP_OPT_STRING, &reference},
			{"manifest", DDP_OPT_STRING, &manifest_arg},
			{"baselines", DDP_OPT_STRING, &root_arg},
			{"known", DDP_OPT_STRING, &known_arg},
			{"only", DDP_OPT_STRING, &only},
			{"workdir", DDP_OPT_STRING, &workdir_arg},
			{"fixtures-with", DDP_OPT_STRING, &fixtures_with},
			{"map-compare", DDP_OPT_STRING, &map_compare},
		};
		int first;
		static char name[] = "replay --command map";
		argv[0] = name;
		if ((rc = ddp_cli_parse(&first, argc, argv, DDP_OPTS(opts), 0)))
			goto out;
		if (first < 0) {
			fputs(usage, stdout);
			goto out;
		}
		if (first < argc) {
			rc = ddp_cli_fail("replay: unexpected '%s' (see 'ddparity help replay')", argv[first]);
			goto out;
		}
	}
	if (strcmp(map_compare, "bytes") && strcmp(map_compare, "normalised")) {
		rc = ddp_cli_fail("replay: --map-compare '%s': bytes or normalised", map_compare);
		goto out;
	}
	ddp_bl_path(manifest_path, sizeof(manifest_path),
	            manifest_arg ? manifest_arg : "expected-outputs/map-fixtures");
	ddp_bl_path(root, sizeof(root), root_arg ? root_arg : "expected-outputs");
	ddp_bl_path(known_path, sizeof(known_path),
	            known_arg ? known_arg : "expected-outputs/known-divergences");
	if (ddp_map_manifest_load(&m, manifest_path, &err)) {
		rc = ddp_cli_fail_error(manifest_path, &err);
		goto out;
	}
	if (ddp_tool_init(&ref, reference, &err) || !ref.is_qemu) {
		rc = ddp_cli_fail("replay: --reference %s: %s", reference,
		                  ref.spec ? "not a qemu-img (its --version does not say so)"
		                           : err.message);
		goto out;
	}
	if (ddp_tool_init(&maker, fixtures_with, &err) || !maker.is_qemu) {
		rc = ddp_cli_fail("replay: --fixtures-with %s: %s", fixtures_with,
		                  maker.spec ? "not a qemu-img (its --version does not say so)"
		                             : err.message);
		goto out;
	}
	if (ddp_tool_init(&cand, candidate ? candidate : reference, &err) || cand.is_model) {
		rc = ddp_cli_fail("replay: --candidate %s: %s", candidate ? candidate : reference,
		                  cand.is_model ? "the model does not model `qemu-img map`"
		                                : err.message);
		goto out;
	}
	ddp_version_text(version, sizeof(version), ref.version);
	ddp_version_text(by, sizeof(by), maker.version);
	if ((rc = ddp_bl_known_load(&known, known_path, known_arg, "replay")))
		goto out;
	if ((rc = ddp_bl_workdir(workdir, sizeof(workdir), workdir_arg, &own)))
		goto out;
	snprintf(fixdir, sizeof(fixdir), "%s/map-fixtures", workdir);
	ddp_remove_tree(fixdir);
	if (mkdir(fixdir, 0755)) {
		rc = ddp_cli_fail("replay: %s: %s", fixdir, strerror(errno));
		goto out;
	}
	if (ddp_map_fixtures_make(&m, fixdir, maker.argv[0], &err) ||
	    ddp_map_cases_build(&cases, &ncases, &m, &err)) {
		rc = ddp_cli_fail_error(manifest_path, &err);
		goto out;
	}
	printf("replay: map, %zu cases, candidate %s, reference qemu-img %s, fixtures by "
	       "qemu-img %s, baselines %s\n", ncases, cand.spec, version, by, root);
	for (size_t i = 0; i < ncases && !rc; i++) {
		const ddp_map_case *c = &cases[i];
		char name[160], leaf[4300], base_by[32], sig[512], detail[300], fields[512];
		const char *dir = NULL;
		ddp_map_outcome base, got;
		const ddp_known_divergence *k = NULL;

		char bname[128];
		ddp_map_case_name(bname, sizeof(bname), c);
		if (only && fnmatch(only, bname, 0))
			continue;
		snprintf(name, sizeof(name), "map-%s/%s", c->json ? "json" : "human", bname);
		ddp_map_baseline_root(leaf, sizeof(leaf), root, c);
		if (access(leaf, F_OK)) {
			nskip++;
			printf("skip  %s  no baselines in %s (run `ddparity baselines generate --command "
			       "map`, then `profiles --command map`)\n", name, leaf);
			continue;
		}
		if (profile_dir(&dir, lc, leaf, version, &err)) {
			rc = ddp_cli_fail_error(err.source, &err);
			break;
		}
		{
			char path[4600];
			snprintf(path, sizeof(path), "%s/%s.meta.json", dir, bname);
			if (access(path, F_OK)) {
				nskip++;
				printf("skip  %s  no baseline %s\n", name, path);
				continue;
			}
			if (read_baseline(&base, base_by, sizeof(base_by), dir, bname, &err)) {
				rc = ddp_cli_fail_error(err.source, &err);
				break;
			}
		}
		if (strcmp(base_by, by)) {
			ddp_map_outcome_free(&base);
			rc = ddp_cli_fail("replay: the baselines' fixtures were made by qemu-img %s, "
			                  "these by %s: give --fixtures-with a qemu-img %s", base_by, by,
			                  base_by);
			break;
		}
		if (ddp_map_run(&got, &cand, c, &m, fixdir, 120, &err)) {
			ddp_map_outcome_free(&base);
			rc = ddp_cli_fail("replay: %s: %s: %s", name, err.source, err.message);
			break;
		}
		ddp_map_diverges(sig, sizeof(sig), detail, sizeof(detail), c->json, &base, &got,
		                 cand.is_qemu, !strcmp(map_compare, "normalised"));
		ddp_map_signature_fields(fields, sizeof(fields), sig);
		if (!sig[0]) {
			npass++;
			printf("pass  %s\n", name);
		} else if (known && !ddp_known_divergences_match(&k, known, name, fields, NULL) && k) {
			nknown++;
			printf("known %s  %s: %s (%s:%d)\n", name, sig, k->reason, known_path, k->line);
		} else {
			nfail++;
			printf("fail  %s  %s: %s\n", name, sig, detail);
		}
		ddp_map_outcome_free(&base);
		ddp_map_outcome_free(&got);
	}
	if (!rc) {
		printf("replay: %d passed, %d failed, %d known, %d skipped\n", npass, nfail, nknown,
		       nskip);
		rc = nfail ? DDP_EXIT_DIFFERENT : DDP_EXIT_OK;
	}
out:
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_known_divergences_free(known);
	free(cases);
	free(lc);
	ddp_map_manifest_free(&m);
	ddp_tool_free(&ref);
	ddp_tool_free(&cand);
	ddp_tool_free(&maker);
	return rc;
}
