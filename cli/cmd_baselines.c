/*
 * cmd_baselines.c: `ddparity baselines generate` (what each qemu-img does
 * with every dd-cases line, in instar's testdata layout) and `ddparity
 * baselines profiles` (the versions that agree, folded together).
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

int ddp_bl_workdir(char *buf, size_t size, const char *given, int *own)
{
	ddp_error err;

	*own = 0;
	if (given) {
		if (mkdir(given, 0755) && errno != EEXIST)
			return ddp_cli_fail("--workdir %s: %s", given, strerror(errno));
		if (!realpath(given, buf))
			return ddp_cli_fail("--workdir %s: %s", given, strerror(errno));
		ddp_workdir_sweep(buf); /* runs of processes killed since */
		return DDP_EXIT_OK;
	}
	if (ddp_private_dir(buf, size, ddp_temp_root(), "bl", &err))
		return ddp_cli_fail("%s: %s", err.source, err.message);
	*own = 1;
	return DDP_EXIT_OK;
}

static int add_ref(ddp_bl_ref **v, size_t *n, const char *path, const char *who)
{
	ddp_version ver;
	ddp_error err;
	ddp_bl_ref *nv;

	if (ddp_cli_qemu_version(&ver, path, &err))
		return ddp_cli_fail("%s: %s: %s", who, err.source, err.message);
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return ddp_cli_fail("%s: out of memory", who);
	*v = nv;
	/* The dd runs in a directory of its own: a relative path must still lead here. */
	if (path[0] == '/' || !strchr(path, '/') || !realpath(path, nv[*n].path))
		snprintf(nv[*n].path, sizeof(nv[*n].path), "%s", path);
	ddp_version_text(nv[*n].version, sizeof(nv[*n].version), ver);
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(nv[i].version, nv[*n].version))
			return ddp_cli_fail("%s: %s and %s are both qemu-img %s", who, nv[i].path, path,
			                    nv[i].version);
	(*n)++;
	return DDP_EXIT_OK;
}

int ddp_bl_references(ddp_bl_ref **out, size_t *n, const char *const *given, size_t ngiven,
                      int all_versions, const char *who)
{
	int rc = DDP_EXIT_OK;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < ngiven && !rc; i++)
		rc = add_ref(out, n, given[i], who);
	if (!rc && all_versions) {
		char script[4200];
		const char *argv[] = {script, "list", NULL};
		ddp_proc_opts o = {NULL, 120, 1 << 20, 0, 0};
		ddp_proc_result r = {0};
		ddp_error err;
		char *line, *save = NULL;

		ddp_bl_path(script, sizeof(script), "ci/qemu-versions");
		if (ddp_proc_run(&r, argv, &o, &err))
			rc = ddp_cli_fail("%s: --all-versions: %s: %s", who, err.source, err.message);
		else if (!r.exited || r.exit_code)
			rc = ddp_cli_fail("%s: --all-versions: %s list failed: %.300s", who, script, r.err);
		else
			for (line = strtok_r(r.out, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
				char version[64], suite[64], wrapper[4096];
				if (sscanf(line, "%63s %63s %4095s", version, suite, wrapper) == 3)
					rc = add_ref(out, n, wrapper, who);
			}
		if (!rc && !*n && all_versions != DDP_BL_MATERIALISED_OR_PATH)
			rc = ddp_cli_fail("%s: --all-versions: %s list named no version (run "
			                  "`ci/qemu-versions fetch`)", who, script);
		if (r.out || r.err)
			ddp_proc_result_free(&r);
	}
	if (!rc && !*n)
		rc = add_ref(out, n, "qemu-img", who);
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
		j->rc = ddp_cli_error(&j->err, work, "cannot create: %s", strerror(errno));
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
                    int jobs, const char *workdir)
{
	make_job *j = calloc(nrefs, sizeof(*j));
	int rc = DDP_EXIT_OK;

	*results = calloc(nrefs * (cases->count ? cases->count : 1), sizeof(ddp_baseline));
	if (!j || !*results) {
		free(j);
		return ddp_cli_fail("out of memory");
	}
	for (size_t r = 0; r < nrefs; r++)
		j[r] = (make_job){&refs[r], cases, only, nonly, *results + r * cases->count,
		                  workdir, 0, {0}, {0, 0, 0}};
	ddp_bl_parallel(j, sizeof(*j), nrefs, jobs, make_thread);
	for (size_t r = 0; r < nrefs; r++) {
		if (j[r].rc) {
			ddp_cli_fail("baselines: qemu-img %s (%s): %s: %s", refs[r].version, refs[r].path,
			             j[r].err.source, j[r].err.message);
			rc = DDP_EXIT_USAGE;
		} else {
			const ddp_bl_made *m = &j[r].made;
			fprintf(stderr, "baselines: qemu-img %s: %d case%s (%d exit 0, %d failing) in %.1f s\n",
			        refs[r].version, m->made, m->made == 1 ? "" : "s", m->made - m->failing,
			        m->failing, m->seconds);
		}
		if (made)
			made[r] = j[r].made;
	}
	free(j);
	return rc;
}

int ddp_bl_write_version(const char *root, const char *version, const char *const *names,
                         const ddp_baseline *res, size_t n, int whole)
{
	char dir[4200], stage[4300], tmp[4400], old[4400], prefix[4300];
	ddp_error err;

	snprintf(dir, sizeof(dir), "%s/%s", root, version);
	/* What a run that was killed left here: half-written files, directories half swapped. */
	ddp_workdir_sweep(root);
	/* A link at the version's name would take the writes elsewhere. */
	if (ddp_own_dir(dir, 0, &err))
		return ddp_cli_fail("baselines: %s: %s", err.source, err.message);
	if (!whole) {
		for (size_t i = 0; i < n; i++)
			if (res[i].meta_text && ddp_baseline_write(&res[i], dir, names[i], &err))
				return ddp_cli_fail("baselines: %s: %s", err.source, err.message);
		return DDP_EXIT_OK;
	}
	snprintf(prefix, sizeof(prefix), "%s/.tmp-%s-", root, version);
	if (ddp_stage_make(stage, sizeof(stage), prefix, tmp, old, sizeof(tmp), &err))
		return ddp_cli_fail("baselines: %s: %s", err.source, err.message);
	for (size_t i = 0; i < n; i++)
		if (ddp_baseline_write(&res[i], tmp, names[i], &err)) {
			ddp_remove_tree(stage);
			return ddp_cli_fail("baselines: %s: %s", err.source, err.message);
		}
	/* In one step: a kill leaves the old directory or the new one. */
	if (ddp_dir_replace(tmp, dir, old)) {
		int e = errno;
		ddp_remove_tree(stage);
		return ddp_cli_fail("baselines: %s: cannot put in place: %s", dir, strerror(e));
	}
	ddp_remove_tree(stage);
	return DDP_EXIT_OK;
}

/* Writes one version's baselines: the whole directory swapped in, or the named cases. */
static int write_version(const char *root, const ddp_bl_ref *ref, const ddp_ddcases *cases,
                         const ddp_baseline *res, int whole)
{
	const char **names = calloc(cases->count ? cases->count : 1, sizeof(*names));
	int rc;

	if (!names)
		return ddp_cli_fail("baselines: out of memory");
	for (size_t i = 0; i < cases->count; i++)
		names[i] = cases->items[i].name;
	rc = ddp_bl_write_version(root, ref->version, names, res, cases->count, whole);
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
	if (rc || (rc = ddp_bl_references(&refs, &nrefs, g.given.v, (size_t)g.given.n, g.all_versions,
	                                  "baselines generate")) ||
	    (rc = ddp_bl_workdir(workdir, sizeof(workdir), g.workdir, &own)))
		goto out;
	if (mkdir(root, 0755) && errno != EEXIST) {
		rc = ddp_cli_fail("baselines generate: %s: %s", root, strerror(errno));
		goto out;
	}
	if (!(made = calloc(nrefs ? nrefs : 1, sizeof(*made)))) {
		rc = ddp_cli_fail("baselines generate: out of memory");
		goto out;
	}
	rc = ddp_bl_make_all(&res, made, refs, nrefs, &cases, g.only.v, nonly, g.jobs, workdir);
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
