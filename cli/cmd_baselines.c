/*
 * cmd_baselines.c: `ddparity baselines generate` (what each qemu-img does
 * with every dd-cases line, in instar's testdata layout) and `ddparity
 * baselines profiles` (the versions that agree, folded together).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baselines_cli.h"
#include "cli.h"

static const char usage[] =
	"usage: ddparity baselines generate [--reference PATH]... [--all-versions]\n"
	"                                   [--cases FILE] [--out DIR] [--only NAME]...\n"
	"                                   [--jobs N] [--workdir DIR] [--json FILE|-]\n"
	"       ddparity baselines profiles [--out DIR] [--json FILE|-]\n"
	"       ddparity baselines export --layout instar OUTDIR (see export --help)\n"
	"\n"
	"generate: for every case of the dd-cases list (default\n"
	"expected-outputs/dd-cases) and every qemu-img given (--reference, again\n"
	"for more; --all-versions: every version `ci/qemu-versions list` has;\n"
	"default: qemu-img on PATH), makes the input, runs the dd and `info\n"
	"--output=json` on its output, and writes DIR/<version>/<case>.stdout.txt\n"
	"(the info JSON, normalised: the output path is $FILENAME, actual-size and\n"
	"vmdk's cid are markers), .stderr.txt (dd's stderr, " DDP_BASELINE_STDERR_MARKER ",\n"
	"info's stderr) and .meta.json (exit codes, operands, formats, version).\n"
	"DIR defaults to expected-outputs/dd-info-json.  Without --only a version's\n"
	"directory is replaced whole.\n"
	"\n"
	"profiles: versions whose baselines are identical (apart from the version\n"
	"in their meta.json) share DIR/profiles/profile-<first 8 hex digits of a\n"
	"sha256 over their files>/, and DIR/version-map.json maps each version to\n"
	"its profile.\n"
	"\n"
	"--command map: baselines of `qemu-img map` instead (see\n"
	"`ddparity baselines generate --command map --help`).\n"
	"\n"
	"--json FILE (or '-': stdout, the text then on stderr) also writes the\n"
	"summary as one JSON document, atomically (fields: docs/json.md).\n"
	"\n"
	"Exit status: 0 done, 2 error.\n"
	"\n"
	"Example:\n"
	"  ddparity baselines generate --all-versions && ddparity baselines profiles\n";

/* Writes one version's baselines: the whole directory swapped in, or the named cases. */
static int write_version(const char *root, const ddp_bl_ref *ref, const ddp_ddcases *cases,
                         const ddp_baseline *res, int whole)
{
	const char **names = calloc(cases->count ? cases->count : 1, sizeof(*names));
	ddp_error err;
	int rc = DDP_EXIT_OK;

	if (!names)
		return ddp_cli_fail("baselines: out of memory");
	for (size_t i = 0; i < cases->count; i++)
		names[i] = cases->items[i].name;
	if (ddp_bl_write_version(root, ref->version, names, res, cases->count, whole, &err))
		rc = ddp_cli_fail("baselines: %s: %s", err.source, err.message);
	free(names);
	return rc;
}

/* The options of baselines generate (dd), read. */
typedef struct gen_args {
	ddp_opt_list given, only;
	const char *cases, *out, *workdir, *json;
	int all_versions, jobs;
} gen_args;

/* DDP_EXIT_OK, -1 after --help, or the exit status of a mistake (said). */
static int gen_read(gen_args *g, int argc, char **argv)
{
	const char *jobs_text = NULL;
	const ddp_opt opts[] = {
		{"all-versions", DDP_OPT_FLAG, &g->all_versions},
		{"reference", DDP_OPT_LIST, &g->given},
		{"only", DDP_OPT_LIST, &g->only},
		{"cases", DDP_OPT_STRING, &g->cases},
		{"out", DDP_OPT_STRING, &g->out},
		{"workdir", DDP_OPT_STRING, &g->workdir},
		{"jobs", DDP_OPT_STRING, &jobs_text},
		{"json", DDP_OPT_STRING, &g->json},
	};
	unsigned long long n = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int first, rc;

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)) ||
	    (jobs_text && (rc = ddp_cli_uint(&n, argv[0], "--jobs", jobs_text, 1, 64))))
		return rc;
	g->jobs = n ? (int)n : ncpu > 0 ? (int)ncpu : 1;
	return ddp_cli_json_begin(g->json, argv[0]);
}

/* One version's baselines written: said, and in the summary's list. */
static void gen_said(json_t *list, const char *root, const ddp_bl_ref *ref, size_t ncases,
                     const ddp_bl_made *m)
{
	printf("baselines: %s/%s: %zu case%s\n", root, ref->version, ncases, ncases == 1 ? "" : "s");
	json_array_append_new(list, json_pack("{s:s, s:s, s:s++, s:I, s:i, s:i, s:f}", "version",
	                      ref->version, "reference", ref->path, "dir", root, "/", ref->version,
	                      "cases", (json_int_t)ncases, "exit_0", m->made - m->failing,
	                      "failing", m->failing, "seconds", m->seconds));
}

static int generate(int argc, char **argv)
{
	gen_args g = {{{0}, 0}, {{0}, 0}, NULL, NULL, NULL, NULL, 0, 0};
	size_t nrefs = 0, nonly;
	char cases_path[4200], root[4200], workdir[4200];
	int own = 0, rc;
	ddp_bl_ref *refs = NULL;
	ddp_bl_made *made = NULL;
	ddp_ddcases cases = {NULL, 0};
	ddp_baseline *res = NULL;
	ddp_error err;
	json_t *doc = ddp_cli_json_doc("baselines"), *list = json_array();

	if ((rc = gen_read(&g, argc, argv))) {
		json_decref(doc);
		json_decref(list);
		return rc < 0 ? DDP_EXIT_OK : rc;
	}
	nonly = (size_t)g.only.n;
	ddp_bl_path(cases_path, sizeof(cases_path), g.cases ? g.cases : "expected-outputs/dd-cases");
	if (g.out)
		snprintf(root, sizeof(root), "%s", g.out);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs/dd-info-json");
	json_object_update_new(doc, json_pack("{s:s, s:s, s:s, s:s, s:o}", "subcommand", "generate",
	                       "mode", "dd", "cases_file", cases_path, "dir", root, "versions", list));
	if (ddp_ddcases_load(&cases, cases_path, &err)) {
		rc = ddp_cli_fail_error(cases_path, &err);
		goto out;
	}
	for (size_t k = 0; k < nonly && !rc; k++)
		if (!ddp_ddcases_find(&cases, g.only.v[k]))
			rc = ddp_cli_fail("baselines generate: --only %s: no such case in %s", g.only.v[k],
			                  cases_path);
	if (rc || (rc = ddp_cli_status(ddp_bl_references(&refs, &nrefs, g.given.v, (size_t)g.given.n,
	                                                 g.all_versions, "baselines generate", &err), &err)) ||
	    (rc = ddp_cli_status(ddp_bl_workdir(workdir, sizeof(workdir), g.workdir, &own, &err), &err)))
		goto out;
	if (mkdir(root, 0755) && errno != EEXIST) {
		rc = ddp_cli_fail("baselines generate: %s: %s", root, strerror(errno));
		goto out;
	}
	if (!(made = calloc(nrefs ? nrefs : 1, sizeof(*made)))) {
		rc = ddp_cli_fail("baselines generate: out of memory");
		goto out;
	}
	rc = ddp_cli_status(ddp_bl_make_all(&res, made, refs, nrefs, &cases, g.only.v, nonly, g.jobs,
	                                    workdir, stderr, &err), &err);
	for (size_t r = 0; r < nrefs && !rc; r++)
		if (!(rc = write_version(root, &refs[r], &cases, res + r * cases.count, nonly == 0)))
			gen_said(list, root, &refs[r], nonly ? nonly : cases.count, &made[r]);
out:
	if (res)
		for (size_t k = 0; k < nrefs * cases.count; k++)
			ddp_baseline_free(&res[k]);
	free(res);
	free(made);
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_ddcases_free(&cases);
	free(refs);
	return ddp_cli_json_write(g.json, doc, "baselines generate", rc);
}

static int profiles(int argc, char **argv)
{
	const char *out_arg = NULL, *json = NULL;
	char root[4200], path[4300];
	ddp_error err;
	json_error_t jerr;
	json_t *doc;
	const ddp_opt opts[] = {{"out", DDP_OPT_STRING, &out_arg}, {"json", DDP_OPT_STRING, &json}};
	int first, rc;

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)) ||
	    (rc = ddp_cli_json_begin(json, argv[0])))
		return rc < 0 ? DDP_EXIT_OK : rc;
	if (out_arg)
		snprintf(root, sizeof(root), "%s", out_arg);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs/dd-info-json");
	snprintf(path, sizeof(path), "%s/version-map.json", root);
	doc = ddp_cli_json_doc("baselines");
	json_object_update_new(doc, json_pack("{s:s, s:s, s:s}", "subcommand", "profiles", "mode", "dd",
	                                      "dir", root));
	if (ddp_baseline_profiles(root, stdout, &err))
		return ddp_cli_json_write(json, doc, argv[0], ddp_cli_fail_error(err.source, &err));
	printf("baselines: %s written\n", path);
	/* The summary is the version map just written: the document holds it as the file does. */
	json_object_set_new(doc, "version_map", json_load_file(path, 0, &jerr));
	return ddp_cli_json_write(json, doc, argv[0], DDP_EXIT_OK);
}

int ddp_cmd_baselines(int argc, char **argv)
{
	if (argc < 2)
		return ddp_cli_fail("baselines: generate, profiles or export? (see --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return DDP_EXIT_OK;
	}
	if (!strcmp(argv[1], "export"))
		return ddp_bl_export(argc - 1, argv + 1);
	if (strcmp(argv[1], "generate") && strcmp(argv[1], "profiles"))
		return ddp_cli_fail("baselines: unknown subcommand '%s' (generate, profiles or export)",
		                    argv[1]);
	/* --command dd (the default) or map: taken out before the subcommand reads its options. */
	for (int i = 2; i < argc; i++) {
		const char *cmd = NULL;
		int words = 2;
		if (!strcmp(argv[i], "--command") && i + 1 < argc)
			cmd = argv[i + 1];
		else if (!strncmp(argv[i], "--command=", 10))
			cmd = argv[i] + 10, words = 1;
		else if (!strcmp(argv[i], "--command"))
			return ddp_cli_fail("baselines: --command needs dd or map");
		if (!cmd)
			continue;
		if (strcmp(cmd, "dd") && strcmp(cmd, "map"))
			return ddp_cli_fail("baselines: --command '%s': dd or map", cmd);
		memmove(&argv[i], &argv[i + words], (size_t)(argc - i - words + 1) * sizeof(*argv));
		argc -= words;
		if (!strcmp(cmd, "map"))
			return ddp_bl_map(argc - 1, argv + 1);
		break;
	}
	/* Errors name the subcommand: "ddparity baselines generate: ...". */
	{
		static char gen[] = "baselines generate", prof[] = "baselines profiles";
		argv[1] = !strcmp(argv[1], "generate") ? gen : prof;
		return argv[1] == gen ? generate(argc - 1, argv + 1) : profiles(argc - 1, argv + 1);
	}
}
