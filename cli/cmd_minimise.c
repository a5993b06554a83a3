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
		ddp_map_case_window cw;
		ddp_error err;
		rc = ddp_cli_status(ddp_map_window_of(&cw, &mr.mcase, a.name, &err), &err);
		ddp_map_minimise_result_free(&mr);
		if (rc)
			return ddp_cli_json_write(json, doc, "minimise", rc);
		printf("%s\n%s\n", cw.line, cw.name);
		json_object_update_new(doc, json_pack("{s:s, s:s}", "window", cw.line, "case", cw.name));
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

/* What promote's minimiser needs: the options, and the document its result goes in. */
typedef struct promote_min {
	promote_args *p;
	json_t *doc;
} promote_min;

/* A finding minimised for promote (into m, or mr for a map finding): doc's "minimised" says how. */
static int promote_minimised(promote_min *pm, const char *finding, ddp_minimise_result *m,
                             ddp_map_minimise_result *mr)
{
	int rc;

	pm->p->a.finding = finding;
	if ((rc = minimise(m, mr, &pm->p->a)))
		return rc;
	json_object_set_new(pm->doc, "minimised", min_json(&pm->p->a, m, mr));
	return DDP_EXIT_OK;
}

/* A map finding's case, minimised (ddp_promote_map_minimise_fn). */
static int promote_minimise_map(ddp_case *out, void *ctx, const char *finding)
{
	ddp_minimise_result unused;
	ddp_map_minimise_result mr;
	int rc = promote_minimised(ctx, finding, &unused, &mr);

	if (!rc)
		*out = mr.mcase;
	return rc;
}

/* promote of a map finding (diff/map's workflow): what it did goes in doc. */
static int promote_map(json_t *doc, promote_args *p)
{
	char manifest_path[4200], root[4200];
	promote_min pm = {p, doc};
	ddp_promote_map_opts o = {manifest_path, root, p->given, p->ngiven, p->all_versions, p->jobs,
	                          p->a.workdir, p->a.name, promote_minimise_map, &pm, stdout, stderr};
	ddp_promote_map_done d;
	ddp_error err;
	int rc;

	ddp_bl_path(manifest_path, sizeof(manifest_path),
	            p->a.manifest ? p->a.manifest : "expected-outputs/map-fixtures");
	if (p->out)
		snprintf(root, sizeof(root), "%s", p->out);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs");
	rc = ddp_promote_map(&d, &o, p->what, &err);
	if (d.minimise_rc)
		return d.minimise_rc; /* the minimiser said what went wrong itself */
	if (rc)
		return ddp_cli_status(rc, &err);
	json_object_update_new(doc, json_pack("{s:s, s:s, s:s, s:s}", "manifest", manifest_path,
	                                      "window", d.cw.line, "case", d.cw.name, "baselines", root));
	return DDP_EXIT_OK;
}

/* A dd finding's case, minimised (ddp_promote_minimise_fn). */
static int promote_minimise(ddp_ddcase *out, void *ctx, const char *finding)
{
	ddp_minimise_result m;
	ddp_map_minimise_result unused;
	int rc = promote_minimised(ctx, finding, &m, &unused);

	if (!rc)
		*out = m.ddcase;
	return rc;
}

/* promote of a dd case (a finding's or a dd-cases line's, diff/suite's workflow): what it did goes in doc. */
static int promote_dd(json_t *doc, promote_args *p)
{
	char cases_path[4200], root[4200];
	promote_min pm = {p, doc};
	ddp_promote_opts o = {cases_path, root, p->given, p->ngiven, p->all_versions, p->force, p->jobs,
	                      p->a.workdir, promote_minimise, &pm, stdout, stderr};
	ddp_promote_done d;
	ddp_error err;
	json_t *written = json_array();
	int rc;

	ddp_bl_path(cases_path, sizeof(cases_path), p->cases ? p->cases : "expected-outputs/dd-cases");
	if (p->out)
		snprintf(root, sizeof(root), "%s", p->out);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs/dd-info-json");
	json_object_set_new(doc, "baselines", json_pack("{s:s, s:o}", "dir", root, "written", written));
	rc = ddp_promote_dd(&d, &o, p->what, &err);
	for (size_t r = 0; r < d.nwritten; r++)
		json_array_append_new(written, json_pack("{s:s, s:s, s:s++, s:i}", "version",
		                      d.refs[r].version, "reference", d.refs[r].path, "dir", root, "/",
		                      d.refs[r].version, "dd_exit", d.dd_exit[r]));
	if (d.line)
		json_object_update_new(doc, json_pack("{s:s, s:s%, s:o}", "case", d.c.name, "line", d.line,
		                       strcspn(d.line, "\n"), "appended", d.appended ?
		                       json_string(cases_path) : json_null()));
	if (d.step == DDP_PROMOTE_DONE)
		json_object_set_new(doc, "tuple", json_stringn(d.tuple, strcspn(d.tuple, "\n")));
	/* The minimiser said what went wrong itself. */
	rc = d.minimise_rc ? d.minimise_rc : (int)ddp_cli_status(rc, &err);
	ddp_promote_done_free(&d);
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
		rc = promote_map(doc, &p);
	} else {
		rc = promote_dd(doc, &p);
	}
	return ddp_cli_json_write(p.json, doc, "promote", rc);
}
