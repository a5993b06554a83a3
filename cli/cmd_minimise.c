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
	"                         [--workdir DIR] [--manifest FILE]\n"
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
	int rc;

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
	                                a->cmd, a->finding))) {
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
		else
			fprintf(stderr, "minimise: %s (rules %s) -> %s (rules %s); options %d -> %d; "
			        "%d runs in %.1f s\n", signature, mout->modelled ? mout->orig_rules
			        : "unmodelled", mout->signature, mout->modelled ? mout->rules : "unmodelled",
			        mout->orig_args, mout->mcase.argc, mout->runs, mout->seconds);
	} else if ((rc = ddp_minimise(out, &s.cfg, &c, signature, &opts, &err)))
		rc = ddp_cli_fail("minimise: %s", err.message);
	else {
		if (a->name)
			snprintf(out->ddcase.name, sizeof(out->ddcase.name), "%s", a->name);
		if (ddp_ddcase_check(&out->ddcase, "minimise", &err)) {
			rc = ddp_cli_fail("minimise: the smallest case cannot be a dd-cases line: %s",
			                  err.message);
			ddp_minimise_result_free(out);
		} else {
			size_t chars = 0;
			for (int i = 0; i < out->ddcase.nops; i++)
				chars += strlen(out->ddcase.ops[i]);
			fprintf(stderr, "minimise: %s (rules %s) -> %s (rules %s); operands %d -> %d, "
			        "characters %zu -> %zu, input %s -> %s %s; %d runs in %.1f s\n", signature,
			        out->modelled ? out->orig_rules : "unmodelled", out->signature,
			        out->modelled ? out->rules : "unmodelled", out->orig_args, out->ddcase.nops, out->orig_chars, chars,
			        out->orig_fixture, out->ddcase.size_text, out->ddcase.in_fmt, out->runs,
			        out->seconds);
		}
	}
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

static int parse_seconds(double *out, const char *v, const char *who)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !(d > 0) || d > 1e6)
		return ddp_cli_fail("%s: --seconds '%s' is not a positive number", who, v);
	*out = d;
	return DDP_EXIT_OK;
}

int ddp_cmd_minimise(int argc, char **argv)
{
	min_args a = {.seconds = 50, .cmd = "minimise"};
	ddp_minimise_result r;
	ddp_map_minimise_result mr;
	char *line, *py;
	int rc;

	const char *seconds = NULL;
	const ddp_opt opts[] = {
		{"trust-finding", DDP_OPT_FLAG, &a.trust},
		{"seconds", DDP_OPT_STRING, &seconds},
		{"reference", DDP_OPT_STRING, &a.reference},
		{"candidate", DDP_OPT_STRING, &a.candidate},
		{"workdir", DDP_OPT_STRING, &a.workdir},
		{"name", DDP_OPT_STRING, &a.name},
		{"manifest", DDP_OPT_STRING, &a.manifest},
	};
	int first;

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), minimise_usage, 1, 0)))
		return rc < 0 ? DDP_EXIT_OK : rc;
	a.finding = first < argc ? argv[first] : NULL;
	if (seconds && (rc = parse_seconds(&a.seconds, seconds, "minimise")))
		return rc;
	if (!a.finding)
		return ddp_cli_fail("minimise: which finding? (see 'ddparity help minimise')");
	if ((rc = minimise(&r, &mr, &a)))
		return rc;
	if (a.is_map) {
		map_min mm;
		char wl[256];
		if ((rc = map_window_of(&mm, &mr.mcase, a.name))) {
			ddp_map_minimise_result_free(&mr);
			return rc;
		}
		ddp_map_window_line(wl, sizeof(wl), &mm.w);
		printf("%s\nmap-%s/%s@%s\n", wl, mm.json ? "json" : "human", mm.fixture, mm.w.name);
		ddp_map_minimise_result_free(&mr);
		return DDP_EXIT_OK;
	}
	line = ddp_ddcase_line(&r.ddcase);
	py = ddp_ddcase_python(&r.ddcase);
	fputs(line, stdout);
	fputs(py, stdout);
	free(line);
	free(py);
	ddp_minimise_result_free(&r);
	return DDP_EXIT_OK;
}

/* ---- promote ------------------------------------------------------------- */

/* path with line at its end, written whole (temporary name, fsync, rename): a kill leaves the old or the new. */
static int append_line(const char *path, const char *line)
{
	char *text, *whole;
	size_t len;
	ddp_error err;
	int rc = DDP_EXIT_OK;

	ddp_write_atomic_sweep(path);
	if (ddp_read_file(&text, &len, path, 16 << 20, &err))
		return ddp_cli_fail("promote: %s: %s", err.source, err.message);
	if (asprintf(&whole, "%s%s%s", text, len && text[len - 1] != '\n' ? "\n" : "", line) < 0)
		whole = NULL, rc = ddp_cli_fail("promote: out of memory");
	else if (ddp_write_atomic(path, whole, strlen(whole), &err))
		rc = ddp_cli_fail("promote: %s: %s", err.source, err.message);
	free(whole);
	free(text);
	return rc;
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

/*
 * promote of a map finding: its minimal case's window appended to the map
 * manifest, with the baselines of every fixture read through it (both
 * output types, every qemu-img given) and the profiles refreshed.  The
 * manifest line is written last, as dd-cases' is.
 */
static int promote_map(min_args *a, const char *const *given, size_t ngiven, int all_versions,
                       const char *out_arg, int jobs)
{
	ddp_minimise_result unused;
	ddp_map_minimise_result mr;
	ddp_map_manifest m = {0}, check = {0};
	map_min mm;
	char manifest_path[4200], root[4200], workdir[4200], tmp_manifest[4300], wl[256];
	char jobs_text[16], *text = NULL, *whole = NULL;
	const char *gv[64];
	size_t len, ngv = 0;
	ddp_error err;
	ddp_bl_ref *refs = NULL;
	size_t nrefs = 0;
	int rc, own = 0;

	a->reference = ngiven ? given[0] : NULL;
	if ((rc = minimise(&unused, &mr, a)))
		return rc;
	if ((rc = map_window_of(&mm, &mr.mcase, a->name)))
		goto out;
	ddp_bl_path(manifest_path, sizeof(manifest_path),
	            a->manifest ? a->manifest : "expected-outputs/map-fixtures");
	if (out_arg)
		snprintf(root, sizeof(root), "%s", out_arg);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs");
	ddp_write_atomic_sweep(manifest_path);
	if (ddp_read_file(&text, &len, manifest_path, 1 << 20, &err) ||
	    ddp_map_manifest_parse(&m, text, len, manifest_path, &err)) {
		rc = ddp_cli_fail_error(manifest_path, &err);
		goto out;
	}
	for (size_t i = 0; i < m.nwindows; i++) {
		const ddp_map_window *w = &m.windows[i];
		if (!strcmp(w->name, mm.w.name)) {
			rc = ddp_cli_fail("promote: %s already has a window named %s (line %d); give "
			                  "another with --name", manifest_path, w->name, w->line);
			goto out;
		}
		if (w->at == DDP_MAP_AT_ZERO && w->delta == mm.w.delta && w->length == mm.w.length) {
			rc = ddp_cli_fail("promote: %s line %d, window %s, is the same window", manifest_path,
			                  w->line, w->name);
			goto out;
		}
	}
	ddp_map_window_line(wl, sizeof(wl), &mm.w);
	/* The manifest with the window, read back by the strict parser before anything uses it. */
	if (asprintf(&whole, "%s%s%s\n", text, len && text[len - 1] != '\n' ? "\n" : "", wl) < 0) {
		whole = NULL;
		rc = ddp_cli_fail("promote: out of memory");
		goto out;
	}
	if (ddp_map_manifest_parse(&check, whole, strlen(whole), manifest_path, &err)) {
		rc = ddp_cli_fail_error(manifest_path, &err);
		goto out;
	}
	if ((rc = ddp_bl_workdir(workdir, sizeof(workdir), a->workdir, &own)))
		goto out;
	snprintf(tmp_manifest, sizeof(tmp_manifest), "%s/map-fixtures", workdir);
	if (ddp_write_atomic(tmp_manifest, whole, strlen(whole), &err)) {
		rc = ddp_cli_fail("promote: %s: %s", err.source, err.message);
		goto out;
	}
	/* Every qemu-img given; by default every materialised version, else qemu-img on PATH. */
	gv[ngv++] = "generate";
	for (size_t i = 0; i < ngiven && ngv < 60; i++) {
		gv[ngv++] = "--reference";
		gv[ngv++] = given[i];
	}
	if (!ngiven && (all_versions || ddp_bl_references(&refs, &nrefs, NULL, 0, 1, "promote") ==
	                DDP_EXIT_OK))
		gv[ngv++] = "--all-versions";
	gv[ngv++] = "--manifest";
	gv[ngv++] = tmp_manifest;
	gv[ngv++] = "--only-window";
	gv[ngv++] = mm.w.name;
	gv[ngv++] = "--out";
	gv[ngv++] = root;
	if (jobs) {
		snprintf(jobs_text, sizeof(jobs_text), "%d", jobs);
		gv[ngv++] = "--jobs";
		gv[ngv++] = jobs_text;
	}
	gv[ngv] = NULL;
	if ((rc = ddp_bl_map((int)ngv, (char **)gv)))
		goto out;
	{
		const char *pv[] = {"profiles", "--out", root, NULL};
		if ((rc = ddp_bl_map(3, (char **)pv)))
			goto out;
	}
	{
		char wln[260];
		snprintf(wln, sizeof(wln), "%s\n", wl);
		if ((rc = append_line(manifest_path, wln)))
			goto out;
	}
	printf("promote: appended to %s: %s\n", manifest_path, wl);
	printf("promote: the finding's case: map-%s/%s@%s\n", mm.json ? "json" : "human",
	       mm.fixture, mm.w.name);
out:
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_map_manifest_free(&m);
	ddp_map_manifest_free(&check);
	ddp_map_minimise_result_free(&mr);
	free(refs);
	free(text);
	free(whole);
	return rc;
}

int ddp_cmd_promote(int argc, char **argv)
{
	min_args a = {.seconds = 50, .cmd = "promote"};
	ddp_opt_list refs_given = {{0}, 0};
	const char *const *given;
	const char *cases_arg = NULL, *out_arg = NULL, *what = NULL;
	char cases_path[4200], root[4200], workdir[4200], probe[4300], script[4200];
	int all_versions = 0, force = 0, jobs = 0, own = 0, rc = DDP_EXIT_OK, is_new = 0;
	size_t ngiven = 0, nrefs = 0;
	ddp_bl_ref *refs = NULL;
	ddp_ddcases cases, one = {NULL, 0};
	ddp_ddcase c;
	ddp_baseline *res = NULL;
	ddp_error err;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(&c, 0, sizeof(c));
	memset(&cases, 0, sizeof(cases));
	{
		const char *seconds = NULL, *jobs_text = NULL;
		const ddp_opt opts[] = {
			{"all-versions", DDP_OPT_FLAG, &all_versions},
			{"force", DDP_OPT_FLAG, &force},
			{"trust-finding", DDP_OPT_FLAG, &a.trust},
			{"reference", DDP_OPT_LIST, &refs_given},
			{"candidate", DDP_OPT_STRING, &a.candidate},
			{"cases", DDP_OPT_STRING, &cases_arg},
			{"out", DDP_OPT_STRING, &out_arg},
			{"workdir", DDP_OPT_STRING, &a.workdir},
			{"name", DDP_OPT_STRING, &a.name},
			{"manifest", DDP_OPT_STRING, &a.manifest},
			{"seconds", DDP_OPT_STRING, &seconds},
			{"jobs", DDP_OPT_STRING, &jobs_text},
		};
		int first;
		unsigned long long n;

		if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), promote_usage, 1, 0)))
			return rc < 0 ? DDP_EXIT_OK : rc;
		what = first < argc ? argv[first] : NULL;
		if (seconds && (rc = parse_seconds(&a.seconds, seconds, "promote")))
			return rc;
		if (jobs_text && (rc = ddp_cli_uint(&n, "promote", "--jobs", jobs_text, 1, 64)))
			return rc;
		jobs = jobs_text ? (int)n : 0;
		given = refs_given.v;
		ngiven = (size_t)refs_given.n;
	}
	if (!what)
		return ddp_cli_fail("promote: which finding or case? (see 'ddparity help promote')");
	/* A map finding becomes a window of the map manifest. */
	if (is_map_finding(what)) {
		a.finding = what;
		return promote_map(&a, given, ngiven, all_versions, out_arg, jobs);
	}
	ddp_bl_path(cases_path, sizeof(cases_path), cases_arg ? cases_arg : "expected-outputs/dd-cases");
	if (out_arg)
		snprintf(root, sizeof(root), "%s", out_arg);
	else
		ddp_bl_path(root, sizeof(root), "expected-outputs/dd-info-json");
	if (ddp_ddcases_load(&cases, cases_path, &err))
		return ddp_cli_fail_error(cases_path, &err);

	/* The case: a finding minimised, or a line already in dd-cases. */
	snprintf(probe, sizeof(probe), "%s/case.json", what);
	if (access(probe, F_OK) == 0) {
		ddp_minimise_result m;
		const ddp_ddcase *same;
		a.finding = what;
		/* The finding runs with the first qemu-img given (the user's), not its own. */
		a.reference = ngiven ? given[0] : NULL;
		ddp_map_minimise_result unused;
		if ((rc = minimise(&m, &unused, &a)))
			goto out;
		c = m.ddcase;
		if ((same = ddp_ddcases_find(&cases, c.name))) {
			rc = ddp_cli_fail("promote: %s already has a case named %s (line %d); give "
			                  "another with --name", cases_path, c.name, same->line);
			goto out;
		}
		if ((same = ddp_ddcases_same(&cases, &c))) {
			rc = ddp_cli_fail("promote: %s line %d, %s, is the same case", cases_path,
			                  same->line, same->name);
			goto out;
		}
		is_new = 1;
	} else {
		const ddp_ddcase *found = ddp_ddcases_find(&cases, what);
		if (!found) {
			rc = ddp_cli_fail("promote: %s is neither a finding directory nor a case of %s",
			                  what, cases_path);
			goto out;
		}
		if (ddp_ddcase_copy(&c, found)) {
			rc = ddp_cli_fail("promote: out of memory");
			goto out;
		}
	}

	/* Every qemu-img given; by default every materialised version. */
	ddp_bl_path(script, sizeof(script), "ci/qemu-versions");
	if (!ngiven && !all_versions && access(script, X_OK) == 0) {
		/* Fewer than two versions is how a fresh checkout starts: a note, not an error. */
		if ((rc = ddp_bl_references(&refs, &nrefs, NULL, 0, DDP_BL_MATERIALISED_OR_PATH,
		                            "promote")))
			goto out;
		if (nrefs == 1 && !strcmp(refs[0].path, "qemu-img"))
			fprintf(stderr, "promote: note: no materialised qemu-img versions (`ci/qemu-versions "
			        "fetch` makes them): baselines for qemu-img on PATH (%s) only\n",
			        refs[0].version);
		else if (nrefs == 1)
			fprintf(stderr, "promote: note: one materialised qemu-img version (%s): baselines "
			        "for it only\n", refs[0].version);
		else
			fprintf(stderr, "promote: baselines for every materialised version (%zu)\n", nrefs);
	}
	if (!nrefs && (rc = ddp_bl_references(&refs, &nrefs, given, ngiven, all_versions, "promote")))
		goto out;
	if ((rc = ddp_bl_workdir(workdir, sizeof(workdir), a.workdir, &own)))
		goto out;
	one.items = &c;
	one.count = 1;
	rc = ddp_bl_make_all(&res, refs, nrefs, &one, NULL, 0,
	                     jobs ? jobs : ncpu > 0 ? (int)ncpu : 1, workdir);
	if (rc)
		goto out;
	/* Nothing is written when a different baseline would be overwritten. */
	for (size_t r = 0; r < nrefs; r++) {
		char dir[4300];
		int exists, same;
		snprintf(dir, sizeof(dir), "%s/%s", root, refs[r].version);
		if (ddp_baseline_compare_files(&exists, &same, &res[r], dir, c.name, &err)) {
			rc = ddp_cli_fail("promote: %s: %s", err.source, err.message);
			goto out;
		}
		if (exists && !same && !force) {
			ddp_cli_fail("promote: %s/%s.* exists and differs from what qemu-img %s gives now "
			             "(--force to overwrite)", dir, c.name, refs[r].version);
			rc = DDP_EXIT_USAGE;
		}
	}
	if (rc)
		goto out;
	if (mkdir(root, 0755) && errno != EEXIST) {
		rc = ddp_cli_fail("promote: %s: %s", root, strerror(errno));
		goto out;
	}
	for (size_t r = 0; r < nrefs; r++) {
		char dir[4300];
		snprintf(dir, sizeof(dir), "%s/%s", root, refs[r].version);
		if (ddp_baseline_write(&res[r], dir, c.name, &err)) {
			rc = ddp_cli_fail("promote: %s: %s", err.source, err.message);
			goto out;
		}
		printf("promote: %s/%s.{stdout.txt,stderr.txt,meta.json} (dd exit %d)\n", dir, c.name,
		       res[r].dd_rc);
		/* A version without the other cases' baselines makes a profile of its own. */
		for (size_t k = 0; k < cases.count; k++) {
			char meta[4500];
			snprintf(meta, sizeof(meta), "%s/%s.meta.json", dir, cases.items[k].name);
			if (access(meta, F_OK)) {
				fprintf(stderr, "promote: note: %s lacks other cases' baselines (%s...): run "
				        "`ddparity baselines generate --reference %s`\n", dir,
				        cases.items[k].name, refs[r].path);
				break;
			}
		}
	}
	if (ddp_baseline_profiles(root, stdout, &err)) {
		rc = ddp_cli_fail("promote: profiles: %s: %s", err.source, err.message);
		goto out;
	}
	/* dd-cases last: with the case in it, its baselines and profiles are there (promote again till then). */
	if (is_new) {
		char *line = ddp_ddcase_line(&c);
		rc = append_line(cases_path, line);
		if (!rc)
			printf("promote: appended to %s: %s", cases_path, line);
		free(line);
		if (rc)
			goto out;
	}
	{
		char *py = ddp_ddcase_python(&c);
		printf("promote: profiles refreshed; for instar's DD_CASES: %s", py);
		free(py);
	}
out:
	if (res)
		for (size_t r = 0; r < nrefs; r++)
			ddp_baseline_free(&res[r]);
	free(res);
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_ddcase_free(&c);
	ddp_ddcases_free(&cases);
	free(refs);
	return rc;
}
