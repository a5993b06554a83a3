/*
 * cmd_minimise.c: `ddparity minimise FINDING` (a finding shrunk to the
 * smallest dd case with the same signature) and `ddparity promote`
 * (that case appended to dd-cases, with its baselines for every qemu-img
 * and the profiles refreshed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "baselines_cli.h"
#include "cli.h"
#include "engine_setup.h"
#include "suite/suite.h"

static const char minimise_usage[] =
	"usage: ddparity minimise FINDING_DIR [--seconds N] [--name NAME]\n"
	"                         [--reference PATH] [--candidate SPEC] [--trust-finding]\n"
	"                         [--workdir DIR] [--manifest FILE] [--json FILE|-]\n"
	"\n"
	"Shrinks a finding to the smallest dd case that keeps its signature:\n"
	"the same arguments in dd-cases form first (-O as the output format, if=\n"
	"and of= given by the runner, else the finding's own, with IN for its\n"
	"input; an input of the fixture's size, format and pattern),\n"
	"then fewer operands, plainer and smaller numbers, raw input, a smaller\n"
	"input; both tools run again at each step, with the tools given (the\n"
	"finding's own only with --trust-finding, as for `ddparity reproduce`) in\n"
	"the finding's modes.  --seconds bounds the whole run (default 50,\n"
	"setting up included): the smallest case so far is kept.  Cases run under\n"
	"--workdir, else $TMPDIR, else /dev/shm when it has 2 GiB free, else /tmp.\n"
	"\n"
	"Prints two lines on stdout: the dd-cases line, and the same case as a\n"
	"tuple for instar's generate-baselines.py DD_CASES (VHD output named\n"
	"'vhd' there); the steps and a summary go to stderr.\n"
	"\n"
	"A map finding (`fuzz --command map`) is shrunk keeping its group (still\n"
	"diverging, through none of the map rules the finding did not go\n"
	"through, never more): its options in plain form, fewer options, plainer\n"
	"and smaller --start-offset and --max-length, a fixture of the manifest\n"
	"(--manifest FILE, default expected-outputs/map-fixtures) with fewer\n"
	"rules.  It prints the window as a manifest line and the case's name\n"
	"(map-<human|json>/<fixture>@<window>; --name names the window).\n"
	"--json FILE (or '-': stdout, the text then on stderr) also writes what\n"
	"minimise found as one JSON document, atomically (fields: docs/json.md).\n"
	"Exit status: 0 minimised, 2 error (the finding does not reproduce, or\n"
	"cannot be written as a dd case or a manifest window).\n"
	"\n"
	"Example:\n"
	"  ddparity minimise findings/exit_stderr___number-parse-u64-fe03e94d \\\n"
	"      --reference qemu-img --candidate /usr/local/bin/instar\n";

static const char promote_usage[] =
	"usage: ddparity promote FINDING_DIR|NAME [--reference PATH]... [--all-versions]\n"
	"                        [--cases FILE] [--out DIR] [--force] [--name NAME]\n"
	"                        [--candidate SPEC] [--trust-finding]\n"
	"                        [--seconds N] [--jobs N] [--workdir DIR] [--manifest FILE]\n"
	"                        [--json FILE|-]\n"
	"\n"
	"With a finding: minimises it (see `ddparity minimise`; the first\n"
	"--reference and --candidate are its tools), appends the case\n"
	"to dd-cases (default expected-outputs/dd-cases; refused when the name is\n"
	"taken or the same case is there under another name).  With a NAME already\n"
	"in dd-cases: that case.  Then makes its baselines with every qemu-img\n"
	"given (--reference, again for more; --all-versions; default: every\n"
	"version `ci/qemu-versions list` has, else qemu-img on PATH) under DIR\n"
	"(default expected-outputs/dd-info-json) and refreshes the profiles.\n"
	"An existing baseline that differs is never overwritten without --force.\n"
	"\n"
	"A map finding: its minimal window is appended to the map manifest\n"
	"(--manifest FILE, default expected-outputs/map-fixtures; refused when\n"
	"the name is taken or the same window is there), after the baselines of\n"
	"every fixture read through it (both output types; under DIR, default\n"
	"expected-outputs) and the map profiles are made.\n"
	"--json FILE (or '-': stdout, the text then on stderr) also writes what\n"
	"promote did as one JSON document, atomically (fields: docs/json.md).\n"
	"Exit status: 0 promoted, 2 error or refused.\n"
	"\n"
	"Example:\n"
	"  ddparity promote findings/exit_stderr___number-parse-u64-fe03e94d \\\n"
	"      --reference qemu-img --candidate /usr/local/bin/instar --all-versions\n";

typedef struct min_args {
	const char *finding, *reference, *candidate, *workdir, *name;
	const char *manifest; /* a map finding's manifest (NULL: expected-outputs/map-fixtures) */
	int is_map;           /* the finding was a map case: the map result is filled */
	double seconds;
	int trust; /* --trust-finding: run the tools the finding names */
	const char *cmd; /* minimise or promote, for messages */
	char head[4300]; /* the finding read: a group's headline/, else the finding */
	char was[512];   /* its signature */
	char ref_spec[4200], cand_spec[4200]; /* the tools it was minimised with */
} min_args;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Where the cases run when no --workdir is given: $TMPDIR, else /dev/shm
 * ($DDP_SHM_DIR, for tests) when it has room (structured images are
 * written with many small syncs, several times faster in memory), else
 * /tmp.  What killed runs left in the memory one is swept whichever is used.
 */
static int private_workdir(char *buf, size_t size, ddp_error *err)
{
	const char *tmp = getenv("TMPDIR"), *shm = getenv("DDP_SHM_DIR");
	struct statvfs vfs;

	if (!shm || !*shm)
		shm = "/dev/shm";
	ddp_temp_root_sweep(shm);
	if ((!tmp || !*tmp) && statvfs(shm, &vfs) == 0 &&
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize >= (2ULL << 30) &&
	    access(shm, W_OK) == 0)
		tmp = shm;
	return ddp_private_dir(buf, size, tmp && *tmp ? tmp : "/tmp", "min", err);
}

/* The operands' characters of a dd case. */
static size_t ops_chars(const ddp_ddcase *c)
{
	size_t chars = 0;

	for (int i = 0; i < c->nops; i++)
		chars += strlen(c->ops[i]);
	return chars;
}

/*
 * What a minimisation came to (r, or mr for a map finding): the line on
 * stderr and the "minimised" object of --json's document, both from here.
 */
static void min_print(FILE *out, const min_args *a, const ddp_minimise_result *r,
                      const ddp_map_minimise_result *mr)
{
	if (a->is_map)
		fprintf(out, "minimise: %s (rules %s) -> %s (rules %s); options %d -> %d; "
		        "%d runs in %.1f s\n", a->was, mr->modelled ? mr->orig_rules : "unmodelled",
		        mr->signature, mr->modelled ? mr->rules : "unmodelled", mr->orig_args,
		        mr->mcase.argc, mr->runs, mr->seconds);
	else
		fprintf(out, "minimise: %s (rules %s) -> %s (rules %s); operands %d -> %d, "
		        "characters %zu -> %zu, input %s -> %s %s; %d runs in %.1f s\n", a->was,
		        r->modelled ? r->orig_rules : "unmodelled", r->signature,
		        r->modelled ? r->rules : "unmodelled", r->orig_args, r->ddcase.nops, r->orig_chars,
		        ops_chars(&r->ddcase), r->orig_fixture, r->ddcase.size_text, r->ddcase.in_fmt,
		        r->runs, r->seconds);
}

static json_t *min_json(const min_args *a, const ddp_minimise_result *r,
                        const ddp_map_minimise_result *mr)
{
	int modelled = a->is_map ? mr->modelled : r->modelled;
	json_t *m = json_pack("{s:o, s:s, s:s, s:{s:s, s:o}, s:{s:s, s:o}, s:i, s:f, s:b}",
	        "finding", ddp_cli_json_str(a->finding), "reference", a->ref_spec,
	        "candidate", a->cand_spec,
	        "from", "signature", a->was,
	        "rules", modelled ? json_string(a->is_map ? mr->orig_rules : r->orig_rules) : json_null(),
	        "to", "signature", a->is_map ? mr->signature : r->signature,
	        "rules", modelled ? json_string(a->is_map ? mr->rules : r->rules) : json_null(),
	        "runs", a->is_map ? mr->runs : r->runs, "seconds", a->is_map ? mr->seconds : r->seconds,
	        "out_of_time", a->is_map ? mr->out_of_time : r->out_of_time);
	json_t *from = json_object_get(m, "from"), *to = json_object_get(m, "to");

	if (a->is_map) {
		json_object_set_new(from, "options", json_integer(mr->orig_args));
		json_object_set_new(to, "options", json_integer(mr->mcase.argc));
		return m;
	}
	json_object_update_new(from, json_pack("{s:i, s:I, s:s}", "operands", r->orig_args,
	        "characters", (json_int_t)r->orig_chars, "input", r->orig_fixture));
	json_object_update_new(to, json_pack("{s:i, s:I, s:{s:s, s:s}}", "operands", r->ddcase.nops,
	        "characters", (json_int_t)ops_chars(&r->ddcase), "input", "size", r->ddcase.size_text,
	        "format", r->ddcase.in_fmt));
	return m;
}

/* Minimises a finding; *out (a dd case) or *mout (a map case, a->is_map) gets it.  An exit status. */
static int minimise(ddp_minimise_result *out, ddp_map_minimise_result *mout, min_args *a)
{
	double t0 = now();
	char own[4200] = "";
	char path[4400], fixdir[4400];
	ddp_finding_result result;
	ddp_case c;
	ddp_engine_setup s;
	ddp_error err;
	ddp_minimise_opts opts;
	const char *signature;
	int rc, model_only;

	if (ddp_finding_check(a->finding, &err))
		return ddp_cli_fail("%s: %s", err.source, err.message);
	/* A group: its headline, the minimal case already. */
	ddp_cli_finding_dir(a->head, sizeof(a->head), a->finding);
	a->finding = a->head;
	snprintf(path, sizeof(path), "%s/result.json", a->finding);
	if (ddp_finding_result_load(&result, path, &err))
		return ddp_cli_fail_error(path, &err);
	signature = result.signature;
	snprintf(path, sizeof(path), "%s/case.json", a->finding);
	if (ddp_case_load(&c, path, &err)) {
		ddp_finding_result_free(&result);
		return ddp_cli_fail_error(path, &err);
	}
	if ((rc = ddp_cli_finding_tools(&a->reference, &a->candidate, &result, &c, a->trust,
	                                a->cmd, a->finding, &model_only))) {
		ddp_case_free(&c);
		ddp_finding_result_free(&result);
		return rc;
	}
	if (!a->workdir && private_workdir(own, sizeof(own), &err)) {
		ddp_case_free(&c);
		ddp_finding_result_free(&result);
		return ddp_cli_fail("minimise: %s: %s", err.source, err.message);
	}
	rc = ddp_cli_engine_setup_for(&s, a->reference, NULL, a->candidate,
	        result.stderr_mode, result.info_profile,
	        a->workdir ? a->workdir : own, 0, c.kind == DDP_CASE_DD ? c.fixture : "");
	a->is_map = c.kind == DDP_CASE_MAP;
	/* A map finding: its fixture is one of the map manifest's, made again here. */
	if (!rc && a->is_map && (rc = ddp_cli_engine_setup_map(&s, a->manifest)))
		ddp_cli_engine_teardown(&s);
	if (rc) {
		ddp_case_free(&c);
		ddp_finding_result_free(&result);
		if (own[0])
			ddp_private_dir_remove(own);
		return rc;
	}
	if (model_only)
		ddp_cli_model_only(&s);
	snprintf(fixdir, sizeof(fixdir), "%s/inputs-%d.%d.%d", s.cfg.workdir, s.cfg.reference.version.major,
	         s.cfg.reference.version.minor, s.cfg.reference.version.micro);
	/*
	 * The budget counts from the start: setting up (the engine's fixtures)
	 * is in it, but leaves at least 5 s (or all of a shorter budget given).
	 */
	{
		double left = a->seconds - (now() - t0), least = a->seconds < 5 ? a->seconds : 5;
		opts = (ddp_minimise_opts){left > least ? left : least, stderr, fixdir, 1, NULL};
	}
	fprintf(stderr, "minimise: %s, signature %s, reference %s, candidate %s\n", a->finding,
	        signature, ddp_config_reference(&s.cfg), s.cfg.candidate.spec);
	if (a->is_map) {
		rc = ddp_map_minimise(mout, &s.cfg, &c, signature, &opts, &err);
		if (rc)
			ddp_cli_fail("minimise: %s", err.message);
	} else if ((rc = ddp_minimise(out, &s.cfg, &c, signature, &opts, &err)))
		rc = ddp_cli_fail("minimise: %s", err.message);
	else {
		if (a->name)
			snprintf(out->ddcase.name, sizeof(out->ddcase.name), "%s", a->name);
		if (ddp_ddcase_check(&out->ddcase, "minimise", &err)) {
			rc = ddp_cli_fail("minimise: the smallest case cannot be a dd-cases line: %s",
			                  err.message);
			ddp_minimise_result_free(out);
		}
	}
	snprintf(a->was, sizeof(a->was), "%s", signature);
	snprintf(a->ref_spec, sizeof(a->ref_spec), "%s", ddp_config_reference(&s.cfg));
	snprintf(a->cand_spec, sizeof(a->cand_spec), "%s", s.cfg.candidate.spec);
	if (!rc)
		min_print(stderr, a, out, mout);
	ddp_case_free(&c);
	ddp_finding_result_free(&result);
	ddp_cli_engine_teardown(&s);
	if (own[0])
		ddp_private_dir_remove(own);
	return rc ? DDP_EXIT_USAGE : DDP_EXIT_OK;
}

/* ---- a map finding's minimal case as a window of the manifest ------------- */

typedef struct map_min {
	ddp_map_window w;
	char fixture[48];
	int json;
} map_min;

static int64_t plain_decimal(const char *t)
{
	int64_t v = 0;
	if (!*t)
		return -1;
	for (; *t; t++) {
		if (*t < '0' || *t > '9' || v > (INT64_MAX - (*t - '0')) / 10)
			return -1;
		v = v * 10 + (*t - '0');
	}
	return v;
}

/*
 * The window of a minimal map case: `window NAME START LENGTH` with START
 * its --start-offset (0 when only --max-length is given).  A manifest
 * window is plain numbers; a whole-image case is no window at all.
 */
static int map_window_of(map_min *mm, const ddp_case *c, const char *name)
{
	int64_t start = 0, length = -1;
	int windowed = 0;

	memset(mm, 0, sizeof(*mm));
	snprintf(mm->fixture, sizeof(mm->fixture), "%s", c->fixture);
	for (int i = 0; i < c->argc; i++) {
		const char *o = c->argv[i], *v = i + 1 < c->argc ? c->argv[i + 1] : "";
		if (!strcmp(o, "--output=json")) {
			mm->json = 1;
			continue;
		}
		if (strcmp(o, "--start-offset") && strcmp(o, "--max-length"))
			return ddp_cli_fail("minimise: the minimal case's option '%s' is none a manifest "
			                    "window gives", o);
		i++;
		windowed = 1;
		if (plain_decimal(v) < 0)
			return ddp_cli_fail("minimise: the minimal case's %s '%s' is not a plain number: "
			                    "no manifest window gives it", o, v);
		*(strcmp(o, "--start-offset") ? &length : &start) = plain_decimal(v);
	}
	if (!windowed)
		return ddp_cli_fail("minimise: the minimal case reads the whole image: it is "
		                    "map-%s/%s, a case the manifest has already", mm->json ? "json"
		                    : "human", mm->fixture);
	mm->w.at = DDP_MAP_AT_ZERO;
	mm->w.delta = start;
	mm->w.length = length;
	if (name)
		snprintf(mm->w.name, sizeof(mm->w.name), "%s", name);
	else if (length < 0)
		snprintf(mm->w.name, sizeof(mm->w.name), "s%" PRId64, start);
	else
		snprintf(mm->w.name, sizeof(mm->w.name), "s%" PRId64 "-l%" PRId64, start, length);
	if (name && strcmp(mm->w.name, name))
		return ddp_cli_fail("minimise: --name '%s' is longer than %zu characters", name,
		                    sizeof(mm->w.name) - 1);
	return DDP_EXIT_OK;
}

int ddp_cmd_minimise(int argc, char **argv)
{
	min_args a = {.seconds = 50, .cmd = "minimise"};
	ddp_minimise_result r;
	ddp_map_minimise_result mr;
	const char *seconds = NULL, *json = NULL;
	const ddp_opt opts[] = {
		{"trust-finding", DDP_OPT_FLAG, &a.trust},
		{"seconds", DDP_OPT_STRING, &seconds},
		{"reference", DDP_OPT_STRING, &a.reference},
		{"candidate", DDP_OPT_STRING, &a.candidate},
		{"workdir", DDP_OPT_STRING, &a.workdir},
		{"name", DDP_OPT_STRING, &a.name},
		{"manifest", DDP_OPT_STRING, &a.manifest},
		{"json", DDP_OPT_STRING, &json},
	};
	json_t *doc;
	char *line, *py;
	int first, rc;

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), minimise_usage, 1, 0)))
		return rc < 0 ? DDP_EXIT_OK : rc;
	a.finding = first < argc ? argv[first] : NULL;
	if (seconds && (rc = ddp_cli_seconds(&a.seconds, "minimise", "--seconds", seconds, 0)))
		return rc;
	if (!a.finding)
		return ddp_cli_fail("minimise: which finding? (see 'ddparity help minimise')");
	if ((rc = ddp_cli_json_begin(json, "minimise")) || (rc = minimise(&r, &mr, &a)))
		return ddp_cli_json_write(json, ddp_cli_json_doc("minimise"), "minimise", rc);
	doc = ddp_cli_json_doc("minimise");
	json_object_set_new(doc, "mode", json_string(a.is_map ? "map" : "dd"));
	json_object_set_new(doc, "minimised", min_json(&a, &r, &mr));
	if (a.is_map) {
		map_min mm;
		char wl[256], name[300];
		if ((rc = map_window_of(&mm, &mr.mcase, a.name))) {
			ddp_map_minimise_result_free(&mr);
			return ddp_cli_json_write(json, doc, "minimise", rc);
		}
		ddp_map_window_line(wl, sizeof(wl), &mm.w);
		snprintf(name, sizeof(name), "map-%s/%s@%s", mm.json ? "json" : "human", mm.fixture, mm.w.name);
		printf("%s\n%s\n", wl, name);
		json_object_update_new(doc, json_pack("{s:s, s:s}", "window", wl, "case", name));
		ddp_map_minimise_result_free(&mr);
		return ddp_cli_json_write(json, doc, "minimise", DDP_EXIT_OK);
	}
	line = ddp_ddcase_line(&r.ddcase);
	py = ddp_ddcase_python(&r.ddcase);
	fputs(line, stdout);
	fputs(py, stdout);
	json_object_update_new(doc, json_pack("{s:s, s:s%, s:s%}", "case", r.ddcase.name,
	                                      "line", line, strcspn(line, "\n"), "tuple", py, strcspn(py, "\n")));
	free(line);
	free(py);
	ddp_minimise_result_free(&r);
	return ddp_cli_json_write(json, doc, "minimise", DDP_EXIT_OK);
}

/* ---- promote ------------------------------------------------------------- */

/* The options of promote, read. */
typedef struct promote_args {
	min_args a;
	const char *const *given; /* --reference, each */
	size_t ngiven;
	const char *cases, *out, *what, *json;
	int all_versions, force, jobs;
} promote_args;

/* DDP_EXIT_OK, -1 after --help, or the exit status of a mistake (said). */
static int promote_read(promote_args *p, ddp_opt_list *refs_given, int argc, char **argv)
{
	const char *seconds = NULL, *jobs_text = NULL;
	const ddp_opt opts[] = {
		{"all-versions", DDP_OPT_FLAG, &p->all_versions},
		{"force", DDP_OPT_FLAG, &p->force},
		{"trust-finding", DDP_OPT_FLAG, &p->a.trust},
		{"reference", DDP_OPT_LIST, refs_given},
		{"candidate", DDP_OPT_STRING, &p->a.candidate},
		{"cases", DDP_OPT_STRING, &p->cases},
		{"out", DDP_OPT_STRING, &p->out},
		{"workdir", DDP_OPT_STRING, &p->a.workdir},
		{"name", DDP_OPT_STRING, &p->a.name},
		{"manifest", DDP_OPT_STRING, &p->a.manifest},
		{"seconds", DDP_OPT_STRING, &seconds},
		{"jobs", DDP_OPT_STRING, &jobs_text},
		{"json", DDP_OPT_STRING, &p->json},
	};
	unsigned long long n = 0;
	int first, rc;

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), promote_usage, 1, 0)))
		return rc;
	p->what = first < argc ? argv[first] : NULL;
	if ((seconds && (rc = ddp_cli_seconds(&p->a.seconds, "promote", "--seconds", seconds, 0))) ||
	    (jobs_text && (rc = ddp_cli_uint(&n, "promote", "--jobs", jobs_text, 1, 64))))
		return rc;
	p->jobs = (int)n;
	p->given = refs_given->v;
	p->ngiven = (size_t)refs_given->n;
	if (!p->what)
		return ddp_cli_fail("promote: which finding or case? (see 'ddparity help promote')");
	/* The finding runs with the first qemu-img given (the user's), not its own. */
	p->a.reference = p->ngiven ? p->given[0] : NULL;
	return ddp_cli_json_begin(p->json, "promote");
}

/* Whether what is a finding (or a group) whose case is a map case. */
static int is_map_finding(const char *what)
{
	char head[4300], path[4400];
	ddp_case c;
	ddp_error err;
	int yes;

	ddp_cli_finding_dir(head, sizeof(head), what);
	snprintf(path, sizeof(path), "%s/case.json", head);
	if (access(path, F_OK) || ddp_case_load(&c, path, &err))
		return 0;
	yes = c.kind == DDP_CASE_MAP;
	ddp_case_free(&c);
	return yes;
}

/* `baselines generate --command map` for window w of the manifest at tmp_manifest, then profiles. */
static int map_baselines(const promote_args *p, const char *tmp_manifest, const char *images_dir,
                         const char *window, const char *root)
{
	const char *gv[80];
	char jobs_text[16];
	size_t ngv = 0, nrefs = 0;
	ddp_bl_ref *refs = NULL;
	int rc;

	/* Every qemu-img given; by default every materialised version, else qemu-img on PATH. */
	gv[ngv++] = "generate";
	for (size_t i = 0; i < p->ngiven && ngv < 60; i++) {
		gv[ngv++] = "--reference";
		gv[ngv++] = p->given[i];
	}
	if (!p->ngiven && (p->all_versions || ddp_bl_references(&refs, &nrefs, NULL, 0, 1, "promote") ==
	                   DDP_EXIT_OK))
		gv[ngv++] = "--all-versions";
	free(refs);
	gv[ngv++] = "--manifest";
	gv[ngv++] = tmp_manifest;
	/* The copy's images are where the manifest's relative paths say. */
	gv[ngv++] = "--images-dir";
	gv[ngv++] = images_dir;
	gv[ngv++] = "--only-window";
	gv[ngv++] = window;
	gv[ngv++] = "--out";
	gv[ngv++] = root;
	if (p->jobs) {
		snprintf(jobs_text, sizeof(jobs_text), "%d", p->jobs);
		gv[ngv++] = "--jobs";
		gv[ngv++] = jobs_text;
	}
	gv[ngv] = NULL;
	if ((rc = ddp_bl_map((int)ngv, (char **)gv)))
		return rc;
	const char *pv[] = {"profiles", "--out", root, NULL};
	return ddp_bl_map(3, (char **)pv);
}

/*
 * promote of a map finding: its minimal case's window appended to the map
 * manifest, with the baselines of every fixture read through it (both
 * output types, every qemu-img given) and the profiles refreshed.  The
 * manifest line is written last, as dd-cases' is.  What it did goes in doc.
 */
static int promote_map(json_t *doc, promote_args *p)
{
	ddp_minimise_result unused;
	ddp_map_minimise_result mr;
	ddp_map_manifest m = {0}, check = {0};
	map_min mm;
	char manifest_path[4200], root[4200], workdir[4200], tmp_manifest[4300], wl[256], name[300];
	char *text = NULL, *whole = NULL;
	size_t len;
	ddp_error err;
	int rc, own = 0;

	if ((rc = minimise(&unused, &mr, &p->a)))
		return rc;
	json_object_set_new(doc, "minimised", min_json(&p->a, &unused, &mr));
	if ((rc = map_window_of(&mm, &mr.mcase, p->a.name)))
		goto out;
	ddp_bl_path(manifest_path, sizeof(manifest_path),
	            p->a.manifest ? p->a.manifest : "expected-outputs/map-fixtures");
	if (p->out)
		snprintf(root, sizeof(root), "%s", p->out);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs");
	ddp_write_atomic_sweep(manifest_path);
	ddp_map_window_line(wl, sizeof(wl), &mm.w);
	/* The manifest with the window, read back by the strict parser before anything uses it. */
	if (ddp_read_file(&text, &len, manifest_path, 1 << 20, &err) ||
	    ddp_map_manifest_parse(&m, text, len, manifest_path, &err)) {
		rc = ddp_cli_fail_error(manifest_path, &err);
		goto out;
	}
	if (ddp_promote_check_window(&m, &mm.w, manifest_path, &err)) {
		rc = ddp_cli_fail("promote: %s", err.message);
		goto out;
	}
	if (!(whole = ddp_promote_joined(text, len, wl))) {
		rc = ddp_cli_fail("promote: out of memory");
		goto out;
	}
	if (ddp_map_manifest_parse(&check, whole, strlen(whole), manifest_path, &err)) {
		rc = ddp_cli_fail_error(manifest_path, &err);
		goto out;
	}
	if ((rc = ddp_bl_workdir(workdir, sizeof(workdir), p->a.workdir, &own)))
		goto out;
	snprintf(tmp_manifest, sizeof(tmp_manifest), "%s/map-fixtures", workdir);
	if (ddp_write_atomic(tmp_manifest, whole, strlen(whole), &err)) {
		rc = ddp_cli_fail("promote: %s: %s", err.source, err.message);
		goto out;
	}
	if ((rc = map_baselines(p, tmp_manifest, m.images_dir, mm.w.name, root)))
		goto out;
	{
		char wln[260];
		snprintf(wln, sizeof(wln), "%s\n", wl);
		if (ddp_promote_append(manifest_path, wln, 16 << 20, &err)) {
			rc = ddp_cli_fail("promote: %s: %s", err.source, err.message);
			goto out;
		}
	}
	snprintf(name, sizeof(name), "map-%s/%s@%s", mm.json ? "json" : "human", mm.fixture, mm.w.name);
	printf("promote: appended to %s: %s\n", manifest_path, wl);
	printf("promote: the finding's case: %s\n", name);
	json_object_update_new(doc, json_pack("{s:s, s:s, s:s, s:s}", "manifest", manifest_path,
	                                      "window", wl, "case", name, "baselines", root));
out:
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_map_manifest_free(&m);
	ddp_map_manifest_free(&check);
	ddp_map_minimise_result_free(&mr);
	free(text);
	free(whole);
	return rc;
}

/* The case to promote, into c: a finding minimised (*is_new; doc's "minimised"), or a dd-cases line. */
static int promote_case(ddp_ddcase *c, int *is_new, json_t *doc, promote_args *p,
                        const ddp_ddcases *cases, const char *cases_path)
{
	char probe[4300];
	const ddp_ddcase *found;
	ddp_minimise_result m;
	ddp_map_minimise_result unused;
	ddp_error err;
	int rc;

	snprintf(probe, sizeof(probe), "%s/case.json", p->what);
	if (access(probe, F_OK)) {
		if (!(found = ddp_ddcases_find(cases, p->what)))
			return ddp_cli_fail("promote: %s is neither a finding directory nor a case of %s",
			                    p->what, cases_path);
		return ddp_ddcase_copy(c, found) ? ddp_cli_fail("promote: out of memory") : DDP_EXIT_OK;
	}
	p->a.finding = p->what;
	if ((rc = minimise(&m, &unused, &p->a)))
		return rc;
	*c = m.ddcase;
	json_object_set_new(doc, "minimised", min_json(&p->a, &m, &unused));
	if (ddp_promote_check_case(cases, c, cases_path, &err))
		return ddp_cli_fail("promote: %s", err.message);
	*is_new = 1;
	return DDP_EXIT_OK;
}

/* The qemu-imgs to make the baselines with: those given; by default every materialised version. */
static int promote_refs(ddp_bl_ref **refs, size_t *nrefs, const promote_args *p)
{
	char script[4200];
	int rc;

	ddp_bl_path(script, sizeof(script), "ci/qemu-versions");
	if (!p->ngiven && !p->all_versions && access(script, X_OK) == 0) {
		/* Fewer than two versions is how a fresh checkout starts: a note, not an error. */
		if ((rc = ddp_bl_references(refs, nrefs, NULL, 0, DDP_BL_MATERIALISED_OR_PATH, "promote")))
			return rc;
		if (*nrefs == 1 && !strcmp((*refs)[0].path, "qemu-img"))
			fprintf(stderr, "promote: note: no materialised qemu-img versions (`ci/qemu-versions "
			        "fetch` makes them): baselines for qemu-img on PATH (%s) only\n",
			        (*refs)[0].version);
		else if (*nrefs == 1)
			fprintf(stderr, "promote: note: one materialised qemu-img version (%s): baselines "
			        "for it only\n", (*refs)[0].version);
		else
			fprintf(stderr, "promote: baselines for every materialised version (%zu)\n", *nrefs);
		return DDP_EXIT_OK;
	}
	return ddp_bl_references(refs, nrefs, p->given, p->ngiven, p->all_versions, "promote");
}

/*
 * Writes case c's baselines res (one per reference) under root, each said
 * and added to list; nothing when a different baseline would be
 * overwritten without force.
 */
static int promote_write(json_t *list, const ddp_baseline *res, const ddp_bl_ref *refs,
                         size_t nrefs, const char *root, const ddp_ddcase *c,
                         const ddp_ddcases *cases, int force)
{
	char dir[4300], meta[4500];
	ddp_error err;
	int rc = DDP_EXIT_OK, exists, same;

	for (size_t r = 0; r < nrefs; r++) {
		snprintf(dir, sizeof(dir), "%s/%s", root, refs[r].version);
		if (ddp_baseline_compare_files(&exists, &same, &res[r], dir, c->name, &err))
			return ddp_cli_fail("promote: %s: %s", err.source, err.message);
		if (exists && !same && !force)
			rc = ddp_cli_fail("promote: %s/%s.* exists and differs from what qemu-img %s gives "
			                  "now (--force to overwrite)", dir, c->name, refs[r].version);
	}
	if (rc)
		return rc;
	if (mkdir(root, 0755) && errno != EEXIST)
		return ddp_cli_fail("promote: %s: %s", root, strerror(errno));
	for (size_t r = 0; r < nrefs; r++) {
		snprintf(dir, sizeof(dir), "%s/%s", root, refs[r].version);
		if (ddp_baseline_write(&res[r], dir, c->name, &err))
			return ddp_cli_fail("promote: %s: %s", err.source, err.message);
		printf("promote: %s/%s.{stdout.txt,stderr.txt,meta.json} (dd exit %d)\n", dir, c->name,
		       res[r].dd_rc);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:i}", "version", refs[r].version,
		                      "reference", refs[r].path, "dir", dir, "dd_exit", res[r].dd_rc));
		/* A version without the other cases' baselines makes a profile of its own. */
		for (size_t k = 0; k < cases->count; k++) {
			snprintf(meta, sizeof(meta), "%s/%s.meta.json", dir, cases->items[k].name);
			if (access(meta, F_OK)) {
				fprintf(stderr, "promote: note: %s lacks other cases' baselines (%s...): run "
				        "`ddparity baselines generate --reference %s`\n", dir,
				        cases->items[k].name, refs[r].path);
				break;
			}
		}
	}
	return DDP_EXIT_OK;
}

/* promote of a dd case (a finding's or a dd-cases line's): what it did goes in doc. */
static int promote_dd(json_t *doc, promote_args *p)
{
	char cases_path[4200], root[4200], workdir[4200], *line = NULL, *py;
	int own = 0, rc, is_new = 0;
	size_t nrefs = 0;
	ddp_bl_ref *refs = NULL;
	ddp_ddcases cases = {NULL, 0}, one = {NULL, 0};
	ddp_ddcase c;
	ddp_baseline *res = NULL;
	ddp_error err;
	json_t *written = json_array();
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(&c, 0, sizeof(c));
	ddp_bl_path(cases_path, sizeof(cases_path), p->cases ? p->cases : "expected-outputs/dd-cases");
	if (p->out)
		snprintf(root, sizeof(root), "%s", p->out);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs/dd-info-json");
	json_object_set_new(doc, "baselines", json_pack("{s:s, s:o}", "dir", root, "written", written));
	if (ddp_ddcases_load(&cases, cases_path, &err))
		return ddp_cli_fail_error(cases_path, &err);
	if ((rc = promote_case(&c, &is_new, doc, p, &cases, cases_path)) ||
	    (rc = promote_refs(&refs, &nrefs, p)) ||
	    (rc = ddp_bl_workdir(workdir, sizeof(workdir), p->a.workdir, &own)))
		goto out;
	one.items = &c;
	one.count = 1;
	if ((rc = ddp_bl_make_all(&res, NULL, refs, nrefs, &one, NULL, 0,
	                          p->jobs ? p->jobs : ncpu > 0 ? (int)ncpu : 1, workdir)) ||
	    (rc = promote_write(written, res, refs, nrefs, root, &c, &cases, p->force)))
		goto out;
	if (ddp_baseline_profiles(root, stdout, &err)) {
		rc = ddp_cli_fail("promote: profiles: %s: %s", err.source, err.message);
		goto out;
	}
	/* dd-cases last: with the case in it, its baselines and profiles are there (promote again till then). */
	line = ddp_ddcase_line(&c);
	json_object_update_new(doc, json_pack("{s:s, s:s%, s:o}", "case", c.name, "line", line,
	                       strcspn(line, "\n"), "appended", is_new ? json_string(cases_path) : json_null()));
	if (is_new && ddp_promote_append(cases_path, line, 16 << 20, &err)) {
		rc = ddp_cli_fail("promote: %s: %s", err.source, err.message);
		goto out;
	}
	if (is_new)
		printf("promote: appended to %s: %s", cases_path, line);
	py = ddp_ddcase_python(&c);
	printf("promote: profiles refreshed; for instar's DD_CASES: %s", py);
	json_object_set_new(doc, "tuple", json_stringn(py, strcspn(py, "\n")));
	free(py);
out:
	if (res)
		for (size_t r = 0; r < nrefs; r++)
			ddp_baseline_free(&res[r]);
	free(res);
	free(line);
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_ddcase_free(&c);
	ddp_ddcases_free(&cases);
	free(refs);
	return rc;
}

int ddp_cmd_promote(int argc, char **argv)
{
	promote_args p = {.a = {.seconds = 50, .cmd = "promote"}};
	ddp_opt_list refs_given = {{0}, 0};
	json_t *doc;
	int rc, map;

	if ((rc = promote_read(&p, &refs_given, argc, argv)))
		return rc < 0 ? DDP_EXIT_OK : rc;
	/* A map finding becomes a window of the map manifest. */
	map = is_map_finding(p.what);
	doc = ddp_cli_json_doc("promote");
	json_object_update_new(doc, json_pack("{s:s, s:s}", "mode", map ? "map" : "dd", "given", p.what));
	if (map) {
		p.a.finding = p.what;
		rc = promote_map(doc, &p);
	} else {
		rc = promote_dd(doc, &p);
	}
	return ddp_cli_json_write(p.json, doc, "promote", rc);
}
