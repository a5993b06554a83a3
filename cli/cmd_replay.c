/*
 * cmd_replay.c: `ddparity replay`, the consuming side of the baselines.
 * Every dd-cases line runs through a candidate on a freshly made input; the
 * reference qemu-img reads its output; the result is held against the
 * baseline of the reference's version profile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "baselines_cli.h"
#include "cli.h"
#include "engine_setup.h"
#include "suite/suite.h"

static const char usage[] =
	"usage: ddparity replay [--candidate SPEC] [--reference PATH|model:VERSION]\n"
	"                       [--reader QEMU_IMG] [--cases FILE]\n"
	"                       [--baselines DIR] [--known FILE] [--profile parity|strict]\n"
	"                       [--only GLOB] [--workdir DIR] [--all-versions]\n"
	"                       [--stderr ignore|class|exact] [--json FILE|-]\n"
	"\n"
	"Checks a candidate against the committed baselines of the reference's\n"
	"version profile (DIR/version-map.json; DIR defaults to\n"
	"expected-outputs/dd-info-json).  For each case of the dd-cases list: the\n"
	"input is made again with the reference, the candidate runs the dd, the\n"
	"reference's `info --output=json` of its output is normalised and compared\n"
	"with the baseline under the info profile (default parity).  A case whose\n"
	"baseline records a failing qemu-img dd only needs the candidate to fail\n"
	"too.  Differences listed in the known-divergences file (default\n"
	"expected-outputs/known-divergences) are reported as known, not failed.\n"
	"\n"
	"  --candidate SPEC  'model' (the core's prediction for the reference's\n"
	"                    version: exit code, virtual-size, format and\n"
	"                    cluster-size) or a command, split on spaces, to which\n"
	"                    'dd' and the arguments are appended (default: the\n"
	"                    reference itself)\n"
	"  --reference PATH  the qemu-img whose version picks the profile and which\n"
	"                    makes the inputs and reads the outputs (default\n"
	"                    qemu-img on PATH); model:VERSION (or model: the\n"
	"                    reader's version): the baselines of VERSION, with no\n"
	"                    qemu-img of it needed; the candidate defaults to the\n"
	"                    model of VERSION\n"
	"  --reader QEMU_IMG with --reference model: the qemu-img that makes the\n"
	"                    inputs and reads the outputs (default qemu-img)\n"
	"  --stderr MODE     dd's stderr against the baseline's (a command\n"
	"                    candidate): ignore (the default), class (nothing,\n"
	"                    warning or error, as the engine compares other tools)\n"
	"                    or exact (the bytes, the output's name as $FILENAME)\n"
	"\n"
	"  --all-versions    replay once per materialised qemu-img version\n"
	"                    (`ci/qemu-versions list`), each as the reference (and,\n"
	"                    without --candidate, as the candidate), printing only\n"
	"                    what did not pass, then a case x version table\n"
	"\n"
	"  --command map     replay the `qemu-img map` baselines instead (see\n"
	"                    `ddparity replay --command map --help`)\n"
	"\n"
	"Prints a line per case (pass, fail with what differs, known, skip with\n"
	"why) and a summary; --json FILE (or '-': stdout, the text then on\n"
	"stderr) also writes them as one JSON document, atomically (fields:\n"
	"docs/json.md).  Exit status: 0 nothing failed, 1 a case failed,\n"
	"2 error.\n"
	"\n"
	"Example:\n"
	"  ddparity replay --candidate /usr/local/bin/instar --stderr class\n";

typedef struct replay {
	ddp_tool ref, cand;
	const ddp_profile *model_profile;
	const ddp_info_profile *info_profile;
	ddp_known_divergences *known;
	char profile_dir[4300];
	char workdir[4200];
	char fixdir[4300];
	ddp_cli_tally tally; /* the verdicts, said by say() */
	ddp_stderr_mode stderr_mode;
} replay;

static char *first_line(const char *s)
{
	size_t n = s ? strcspn(s, "\n") : 0;
	return strndup(s ? s : "", n > 160 ? 160 : n);
}

static void say(replay *R, const char *verdict, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* --all-versions: each case's verdict per version, and pass lines not printed. */
#define REC_MAX_VERSIONS 32
typedef struct rec_row {
	char name[128];
	char verdict[REC_MAX_VERSIONS][8];
} rec_row;
static struct {
	int on, col;
	rec_row *rows;
	size_t n, cap;
} rec;

static void record(const char *verdict, const char *name)
{
	size_t i;

	for (i = 0; i < rec.n && strcmp(rec.rows[i].name, name); i++)
		;
	if (i == rec.n) {
		if (rec.n == rec.cap) {
			size_t cap = rec.cap ? rec.cap * 2 : 64;
			rec_row *r = realloc(rec.rows, cap * sizeof(*r));
			if (!r)
				return;
			rec.rows = r;
			rec.cap = cap;
		}
		memset(&rec.rows[rec.n], 0, sizeof(rec.rows[rec.n]));
		snprintf(rec.rows[rec.n].name, sizeof(rec.rows[rec.n].name), "%s", name);
		rec.n++;
	}
	snprintf(rec.rows[i].verdict[rec.col], sizeof(rec.rows[i].verdict[rec.col]), "%s", verdict);
}

/*
 * A case's verdict (pass, fail, known, skip, error) and why: counted, kept
 * for the summary and --json, and printed (--all-versions: not a pass).
 */
static void say(replay *R, const char *verdict, const char *name, const char *fmt, ...)
{
	char *detail = NULL;
	va_list ap;

	if (fmt && *fmt) {
		va_start(ap, fmt);
		if (vasprintf(&detail, fmt, ap) < 0)
			detail = NULL;
		va_end(ap);
	}
	ddp_cli_tally_add(&R->tally, verdict, name, detail);
	if (rec.on)
		record(verdict, name);
	if (!rec.on || strcmp(verdict, "pass")) {
		printf("%-5s %s", verdict, name);
		if (detail)
			printf("%*s%s", strlen(name) < 36 ? (int)(37 - strlen(name)) : 1, "", detail);
		fputc('\n', stdout);
		fflush(stdout);
	}
	free(detail);
}

/* The baseline's info fields the model knows, against its prediction. */
static void model_fields(char *out, size_t size, const char *base, const ddp_outcome *o)
{
	json_t *j = json_loads(base, 0, NULL), *cs = json_object_get(j, "cluster-size");
	const char *fmt = json_string_value(json_object_get(j, "format"));
	json_int_t vs = json_integer_value(json_object_get(j, "virtual-size"));
	size_t n = 0;

	out[0] = '\0';
	if (!j) {
		snprintf(out, size, "the baseline's info is not JSON");
		return;
	}
	if ((uint64_t)vs != o->virtual_size)
		n += (size_t)snprintf(out + n, size - n, "virtual-size: baseline %lld, model %llu; ",
		                      (long long)vs, (unsigned long long)o->virtual_size);
	if (n < size && (!fmt || !o->format || strcmp(fmt, o->format)))
		n += (size_t)snprintf(out + n, size - n, "format: baseline %s, model %s; ",
		                      fmt ? fmt : "(none)", o->format ? o->format : "(none)");
	if (n < size && ((cs != NULL) != (o->has_cluster_size != 0) ||
	                 (cs && (uint64_t)json_integer_value(cs) != o->cluster_size))) {
		char b[32] = "(none)", m[32] = "(none)";
		if (cs)
			snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(cs));
		if (o->has_cluster_size)
			snprintf(m, sizeof(m), "%llu", (unsigned long long)o->cluster_size);
		n += (size_t)snprintf(out + n, size - n, "cluster-size: baseline %s, model %s; ", b, m);
	}
	if (n >= 2 && n < size)
		out[n - 2] = '\0';
	json_decref(j);
}

static void run_model(replay *R, const ddp_ddcase *c, const ddp_fixture *f, int base_dd,
                      int base_info, const char *base_out)
{
	ddp_input in = {strcmp(f->format, "raw") ? f->virtual_size : f->file_length, f->format,
	                f->file, f->file_length};
	char **args;
	int nargs, rc;
	ddp_outcome o;
	ddp_error perr;
	char diff[600];

	if (ddp_ddcase_args(c, &args, &nargs)) {
		say(R, "error", c->name, "out of memory");
		return;
	}
	rc = ddp_predict(&o, R->model_profile, &in, nargs, (const char *const *)args, &perr);
	if (rc == DDP_EUNMODELLED) {
		say(R, "skip", c->name, "the model does not know this case: %s", perr.message);
	} else if (rc) {
		say(R, "error", c->name, "predict: %s", perr.message);
	} else if (base_dd != 0) {
		if (o.exit_code != 0) {
			say(R, "pass", c->name, "(exit %d; qemu-img's baseline exits %d)", o.exit_code, base_dd);
		} else {
			say(R, "fail", c->name, "exit: baseline %d, model 0", base_dd);
		}
	} else if (o.exit_code != 0) {
		say(R, "fail", c->name, "exit: baseline 0, model %d", o.exit_code);
	} else if (base_info != 0) {
		/* qemu-img could not read its own output: the model cannot say that. */
		if (o.has_info) {
			say(R, "fail", c->name, "info: the baseline's output is unreadable (info exit %d), "
			    "the model predicts a readable one", base_info);
		} else {
			say(R, "pass", c->name, "(no readable output, as the baseline)");
		}
	} else if (!o.has_info) {
		say(R, "fail", c->name, "info: the model predicts no readable output");
	} else {
		model_fields(diff, sizeof(diff), base_out, &o);
		if (diff[0]) {
			say(R, "fail", c->name, "%s", diff);
		} else {
			say(R, "pass", c->name, NULL);
		}
	}
	ddp_ddcase_args_free(args, nargs);
}

/* A run that failed for want of disk is the suite's error, never a fail. */
static int machine_fault(replay *R, const ddp_ddcase *c, const ddp_proc_result *r)
{
	ddp_error err;

	if (!ddp_machine_fault(c->name, R->workdir, r->err, r->err_len, &err))
		return 0;
	say(R, "error", c->name, "%s", err.message);
	return 1;
}

/* nothing: empty; warning: said something and exited 0; error: said something and failed. */
static const char *stderr_class(const char *text, int exit_code)
{
	return !*text ? "nothing" : exit_code == 0 ? "warning" : "error";
}

/*
 * The candidate's dd stderr against the baseline's (its .stderr.txt up to
 * the info marker), under R->stderr_mode; NULL when they agree, else what
 * differs (malloc'd).  Known divergences of the case's "stderr" pass.
 */
static char *stderr_differs(replay *R, const ddp_ddcase *c, const char *base, int base_rc,
                            const char *got, size_t got_len, int got_rc, const char *outn)
{
	char *mine, *base_dd, *why = NULL, *a, *b;
	const char *marker = strstr(base, "\n" DDP_BASELINE_STDERR_MARKER "\n");

	if (R->stderr_mode == DDP_STDERR_IGNORE)
		return NULL;
	if (!strncmp(base, DDP_BASELINE_STDERR_MARKER "\n", strlen(DDP_BASELINE_STDERR_MARKER) + 1))
		marker = base - 1;
	base_dd = marker ? strndup(base, (size_t)(marker + 1 - base)) : strdup(base);
	/* As the baseline has it: the output's name as $FILENAME (baseline.c). */
	mine = ddp_replace_all(got, got_len, strlen(outn) >= 4 ? outn : "", "$FILENAME");
	if (!base_dd || !mine) {
		why = strdup("out of memory");
	} else if (R->stderr_mode == DDP_STDERR_CLASS
	           ? strcmp(stderr_class(base_dd, base_rc), stderr_class(mine, got_rc)) != 0
	           : strcmp(base_dd, mine) != 0) {
		const ddp_known_divergence *k = NULL;
		if (R->known)
			ddp_known_divergences_match(&k, R->known, c->name, "stderr", NULL);
		a = first_line(base_dd);
		b = first_line(mine);
		if (k) {
			say(R, "known", c->name, "stderr: %s (%s:%d)", k->reason, R->known->source, k->line);
			why = strdup("");
		} else if (R->stderr_mode == DDP_STDERR_CLASS) {
			if (asprintf(&why, "stderr: baseline %s, candidate %s ('%s')",
			             stderr_class(base_dd, base_rc), stderr_class(mine, got_rc),
			             *mine ? b : a) < 0)
				why = NULL;
		} else if (asprintf(&why, "stderr: baseline '%s', candidate '%s'", a, b) < 0) {
			why = NULL;
		}
		free(a);
		free(b);
		if (!why)
			why = strdup("out of memory");
	}
	free(base_dd);
	free(mine);
	return why;
}

/*
 * The verdict on an output whose info agrees: its data flattened to raw
 * against the baseline's output_sha256 (a baseline made before it was
 * recorded has none: info alone decides).
 */
static void check_data(replay *R, const ddp_ddcase *c, const char *casedir, const char *outn,
                       const char *info, const char *base_sha)
{
	const ddp_known_divergence *k = NULL;
	char sha[65];
	ddp_error err;
	json_t *j;
	int rc;

	if (!*base_sha) {
		say(R, "pass", c->name, NULL);
		return;
	}
	j = json_loads(info, 0, NULL);
	rc = ddp_output_sha256(sha, R->ref.argv[0], casedir, outn,
	                       json_string_value(json_object_get(j, "format")) ?: "raw", &err);
	json_decref(j);
	if (rc) {
		say(R, "error", c->name, "data: %s: %s", err.source, err.message);
	} else if (!strcmp(sha, base_sha)) {
		say(R, "pass", c->name, NULL);
	} else if (R->known && (ddp_known_divergences_match(&k, R->known, c->name, "data", NULL), k)) {
		say(R, "known", c->name, "data: %s (%s:%d)", k->reason, R->known->source, k->line);
	} else {
		say(R, "fail", c->name, "data: the output's bytes differ from the baseline's "
		    "(sha256 %.12s..., candidate %.12s...)", base_sha, sha);
	}
}

/* The candidate's output against the baseline's: info (normalised, known divergences), then data. */
static void judge_output(replay *R, const ddp_ddcase *c, const ddp_proc_opts *o,
                         const char *casedir, const char *outn, int base_info,
                         const char *base_out, const char *base_sha)
{
	const char *iargv[] = {R->ref.argv[0], "info", "--output=json", outn, NULL};
	const char *paths[] = {outn};
	ddp_proc_result ir;
	ddp_error err;
	char *norm = NULL;
	ddp_info_diff *d = NULL;

	if (ddp_proc_run(&ir, iargv, o, &err)) {
		say(R, "error", c->name, "cannot run info: %s", err.message);
		return;
	}
	if (machine_fault(R, c, &ir)) {
		ddp_proc_result_free(&ir);
		return;
	}
	if (!ir.exited || ir.exit_code) {
		if (base_info != 0) {
			say(R, "pass", c->name, "(an output info cannot read, as the baseline)");
		} else {
			char *l = first_line(ir.err);
			say(R, "fail", c->name, "info-failed: info of the candidate's output: %s", l);
			free(l);
		}
	} else if (base_info != 0) {
		say(R, "fail", c->name, "info: the baseline's output is unreadable (info exit %d), "
		    "the candidate's is readable", base_info);
	} else if (ddp_info_normalise(&norm, ir.out, ir.out_len, paths, 1, &err) ||
	           ddp_info_compare(&d, base_out, strlen(base_out), norm, strlen(norm),
	                            R->info_profile, &err)) {
		say(R, "error", c->name, "info: %s: %s", err.source, err.message);
	} else if (!d->count) {
		check_data(R, c, casedir, outn, ir.out, base_sha);
	} else {
		const ddp_known_divergence *k = NULL;
		if (R->known)
			ddp_known_divergences_match(&k, R->known, c->name, d->signature, NULL);
		if (k) {
			say(R, "known", c->name, "%s: %s (%s:%d)", d->signature, k->reason,
			    R->known->source, k->line);
		} else {
			say(R, "fail", c->name, "info:%s (%s: baseline %s, candidate %s)", d->signature,
			    d->items[0].pointer, d->items[0].a ? d->items[0].a : "absent",
			    d->items[0].b ? d->items[0].b : "absent");
		}
	}
	ddp_info_diff_free(d);
	ddp_info_free(norm);
	ddp_proc_result_free(&ir);
}

static void run_command(replay *R, const ddp_ddcase *c, const ddp_fixture *f, int base_dd,
                        int base_info, const char *base_out, const char *base_err,
                        const char *base_sha)
{
	char *serr = NULL;
	char casedir[4400], link[4500], in[64], outn[DDP_DDCASE_NAME_MAX], outpath[4600];
	const char *argv[DDP_DDCASE_MAX_OPS + 32];
	char **args = NULL;
	int nargs = 0, n = 0;
	ddp_proc_opts o = {casedir, 300, 1 << 20, 0, 0};
	ddp_proc_result r;
	ddp_error err;
	struct stat st;

	ddp_ddcase_in_name(in, sizeof(in), c);
	ddp_ddcase_out_name(outn, sizeof(outn), c);
	snprintf(casedir, sizeof(casedir), "%s/case-%s", R->workdir, c->name);
	snprintf(link, sizeof(link), "%s/%s", casedir, in);
	snprintf(outpath, sizeof(outpath), "%s/%s", casedir, outn);
	/* Marked, and never made over a directory already there (a killed run's is swept). */
	if (ddp_tmpdir_make(casedir, &err)) {
		say(R, "error", c->name, "%s: %s", err.source, err.message);
		return;
	}
	if (symlink(f->path, link) || ddp_ddcase_args(c, &args, &nargs)) {
		say(R, "error", c->name, "cannot set up %s: %s", casedir, strerror(errno));
		ddp_remove_tree(casedir);
		return;
	}
	for (int i = 0; i < R->cand.argc; i++)
		argv[n++] = R->cand.argv[i];
	argv[n++] = "dd";
	for (int i = 0; i < nargs; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (ddp_proc_run(&r, argv, &o, &err)) {
		say(R, "error", c->name, "cannot run the candidate: %s", err.message);
		goto out;
	}
	if (machine_fault(R, c, &r)) {
		ddp_proc_result_free(&r);
		goto out;
	}
	if (r.exited && (base_dd != 0) == (r.exit_code != 0))
		serr = stderr_differs(R, c, base_err ? base_err : "", base_dd, r.err, r.err_len,
		                      r.exit_code, outn);
	if (!r.exited) {
		say(R, "fail", c->name, "the candidate %s", r.timed_out ? "timed out"
		    : "was killed by a signal");
	} else if (serr && *serr) {
		say(R, "fail", c->name, "%s", serr);
	} else if (serr) {
		/* known: said */
	} else if (base_dd != 0) {
		if (r.exit_code != 0) {
			say(R, "pass", c->name, "(exit %d; qemu-img's baseline exits %d)", r.exit_code, base_dd);
		} else {
			say(R, "fail", c->name, "exit: baseline %d, candidate 0", base_dd);
		}
	} else if (r.exit_code != 0) {
		char *l = first_line(r.err);
		say(R, "fail", c->name, "exit: baseline 0, candidate %d (%s)", r.exit_code, l);
		free(l);
	} else if (lstat(outpath, &st)) {
		say(R, "fail", c->name, "output: the candidate made no %s", outn);
	} else {
		judge_output(R, c, &o, casedir, outn, base_info, base_out, base_sha);
	}
	ddp_proc_result_free(&r);
out:
	free(serr);
	ddp_ddcase_args_free(args, nargs);
	ddp_remove_tree(casedir);
}

/*
 * A case's baseline: its meta.json's exit codes and its stdout.txt (in
 * *out_text).  1 when there is none (no meta.json), 0 when read, -1 when
 * unreadable or corrupt: then said on stderr as FILE:LINE: message.
 */
static int read_baseline(ddp_baseline_meta *meta, char **out_text, const char *dir,
                         const char *name)
{
	char path[4600];
	ddp_error err;

	snprintf(path, sizeof(path), "%s/%s.meta.json", dir, name);
	if (access(path, F_OK) && errno == ENOENT)
		return 1;
	if (ddp_baseline_meta_load(meta, path, name, &err) == DDP_OK) {
		snprintf(path, sizeof(path), "%s/%s.stdout.txt", dir, name);
		if (ddp_baseline_stdout_load(out_text, path, meta, &err) == DDP_OK)
			return 0;
	}
	ddp_cli_fail_error(path, &err);
	return -1;
}

/* The options of replay (dd) as given. */
typedef struct replay_args {
	const char *candidate, *reference, *cases, *root, *known, *profile, *only, *workdir;
	const char *stderr_mode, *reader, *json;
	int all_versions;
} replay_args;

/* DDP_EXIT_OK, -1 after --help, or the exit status of a mistake (said). */
static int read_args(replay_args *a, int argc, char **argv)
{
	const ddp_opt opts[] = {
		{"candidate", DDP_OPT_STRING, &a->candidate},
		{"reference", DDP_OPT_STRING, &a->reference},
		{"reader", DDP_OPT_STRING, &a->reader},
		{"cases", DDP_OPT_STRING, &a->cases},
		{"baselines", DDP_OPT_STRING, &a->root},
		{"known", DDP_OPT_STRING, &a->known},
		{"profile", DDP_OPT_STRING, &a->profile},
		{"only", DDP_OPT_STRING, &a->only},
		{"workdir", DDP_OPT_STRING, &a->workdir},
		{"stderr", DDP_OPT_STRING, &a->stderr_mode},
		{"json", DDP_OPT_STRING, &a->json},
		/* Read before (replay_all); here only so that the parser knows its name. */
		{"all-versions", DDP_OPT_FLAG, &a->all_versions},
	};
	int first;

	*a = (replay_args){.reference = "qemu-img", .profile = "parity", .stderr_mode = "ignore"};
	return ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0);
}

/* What a replay's summary says: printed and, for --json, one of the document's runs. */
typedef struct replay_summary {
	const replay *R;
	size_t ncases;
	int ref_model;
	const char *version, *used; /* the reference's version; the baselines' */
	double seconds;
	int exit;
} replay_summary;

static void summary_header(const replay_summary *u)
{
	const replay *R = u->R;

	fprintf(stdout, "replay: %zu cases, candidate %s, reference %s %s, baselines %s (qemu-img %s), "
	        "info profile %s\n", u->ncases, R->cand.is_model ? "model" : R->cand.spec,
	        u->ref_model ? "model" : "qemu-img", u->version, R->profile_dir, u->used,
	        R->info_profile->name);
	if (R->cand.is_model)
		fprintf(stdout, "replay: model profile %s; compared: exit code, virtual-size, format, "
		        "cluster-size\n", ddp_profile_name(R->model_profile));
}

static json_t *summary_json(const replay_summary *u)
{
	const replay *R = u->R;
	json_t *run = json_pack("{s:{s:s, s:s, s:b}, s:s, s:{s:s, s:s}, s:s, s:o, s:s, s:I}",
	                 "reference", "spec", u->ref_model ? "model" : R->ref.spec, "version", u->version,
	                 "model", u->ref_model,
	                 "candidate", R->cand.is_model ? "model" : R->cand.spec,
	                 "baselines", "dir", R->profile_dir, "version", u->used,
	                 "info_profile", R->info_profile->name,
	                 "model_profile", R->cand.is_model ? json_string(ddp_profile_name(R->model_profile))
	                                                   : json_null(),
	                 "stderr", ddp_cli_stderr_mode_name(R->stderr_mode),
	                 "cases", (json_int_t)u->ncases);

	json_object_update_new(run, ddp_cli_tally_json(&R->tally));
	json_object_update_new(run, json_pack("{s:f, s:i}", "seconds", u->seconds, "exit", u->exit));
	return run;
}

/* The tools: R's reference (or reader), the model's profile, the candidate; version and used filled. */
static int replay_tools(replay *R, char version[32], char used[32], const replay_args *a,
                        const char *root)
{
	const char *model_version = NULL;
	int ref_model = ddp_reference_is_model(a->reference, &model_version);
	const char *ref = ref_model ? (a->reader ? a->reader : "qemu-img") : a->reference;
	ddp_version v;
	ddp_error err;

	if (a->reader && !ref_model)
		return ddp_cli_fail("replay: --reader %s: only with --reference model[:VERSION]", a->reader);
	if (ddp_tool_init(&R->ref, ref, &err) || !R->ref.is_qemu)
		return ddp_cli_fail("replay: --%s %s: %s", ref_model ? "reader" : "reference", ref,
		                    R->ref.spec ? "not a qemu-img (its --version does not say so)" : err.message);
	v = R->ref.version;
	if (model_version && ddp_model_version(&v, model_version, "replay: --reference model:VERSION", &err))
		return ddp_cli_fail("%s: %s", err.source, err.message);
	ddp_version_text(version, 32, v);
	R->model_profile = ddp_profile_for(v, NULL);
	if (ddp_baseline_profile_for(R->profile_dir, sizeof(R->profile_dir), used, root, version, &err))
		return ddp_cli_fail_error(err.source, &err);
	if (ddp_tool_init(&R->cand, a->candidate ? a->candidate : ref_model ? "model" : a->reference, &err))
		return ddp_cli_fail("replay: --candidate %s: %s", err.source, err.message);
	/* The tools run in each case's directory: a relative command must still be found. */
	ddp_tool *tools[] = {&R->ref, &R->cand};
	for (int t = 0; t < 2; t++) {
		char abs[4096];
		char *cmd = tools[t]->argc ? tools[t]->argv[0] : NULL;
		if (cmd && cmd[0] != '/' && strchr(cmd, '/') && realpath(cmd, abs)) {
			free(tools[t]->argv[0]);
			tools[t]->argv[0] = strdup(abs);
		}
	}
	return DDP_EXIT_OK;
}

/* One case against its baseline, its verdict said. */
static void replay_case(replay *R, const ddp_ddcase *c)
{
	char *out_text = NULL;
	ddp_baseline_meta meta;
	ddp_fixture f;
	ddp_error err;
	int got;

	if ((got = read_baseline(&meta, &out_text, R->profile_dir, c->name)) > 0) {
		say(R, "skip", c->name, "no baseline in %s (run `ddparity baselines generate` and "
		    "`profiles`, or `ddparity promote %s`)", R->profile_dir, c->name);
		return;
	}
	if (got < 0) {
		/* Never a verdict on a corrupt baseline. */
		say(R, "error", c->name, "its baseline in %s is corrupt (stderr says where)", R->profile_dir);
		return;
	}
	if (ddp_fixture_adhoc(&f, R->fixdir, R->ref.argv[0], c->size, c->in_fmt, c->pattern, &err)) {
		say(R, "error", c->name, "cannot make the input: %s", err.message);
	} else if (R->cand.is_model) {
		run_model(R, c, &f, meta.dd_rc, meta.info_rc, out_text);
	} else {
		char *err_text = NULL, path[4600];
		ddp_error rerr;
		snprintf(path, sizeof(path), "%s/%s.stderr.txt", R->profile_dir, c->name);
		if (R->stderr_mode != DDP_STDERR_IGNORE &&
		    ddp_suitefile_read(&err_text, NULL, path, 1 << 20, &rerr))
			say(R, "error", c->name, "%s: %s", rerr.source, rerr.message);
		else
			run_command(R, c, &f, meta.dd_rc, meta.info_rc, out_text, err_text, meta.output_sha256);
		free(err_text);
	}
	free(out_text);
}

/* What replay_one hands back: its run for --json's document, and --json's value. */
typedef struct replay_out {
	json_t *runs;
	const char *json;
} replay_out;

static int replay_one(replay_out *ro, int argc, char **argv)
{
	char cases_path[4200], root[4200], known_path[4200], version[32] = "", used[32] = "";
	replay_args a;
	replay R;
	ddp_ddcases cases;
	ddp_error err;
	replay_summary u;
	struct timespec t0, t1;
	int own = 0, rc;

	if ((rc = read_args(&a, argc, argv)))
		return rc < 0 ? DDP_EXIT_OK : rc;
	ro->json = a.json;
	memset(&R, 0, sizeof(R));
	if ((rc = ddp_cli_json_begin(a.json, "replay")))
		return rc;
	ddp_bl_path(cases_path, sizeof(cases_path), a.cases ? a.cases : "expected-outputs/dd-cases");
	ddp_bl_path(root, sizeof(root), a.root ? a.root : "expected-outputs/dd-info-json");
	ddp_bl_path(known_path, sizeof(known_path), a.known ? a.known : "expected-outputs/known-divergences");
	if (ddp_info_profile_lookup(&R.info_profile, a.profile, &err))
		return ddp_cli_fail("replay: --profile: %s", err.message);
	if (ddp_cli_stderr_mode(&R.stderr_mode, a.stderr_mode))
		return ddp_cli_fail("replay: --stderr '%s': use ignore, class or exact", a.stderr_mode);
	if (ddp_ddcases_load(&cases, cases_path, &err))
		return ddp_cli_fail_error(cases_path, &err);
	if ((rc = replay_tools(&R, version, used, &a, root)) ||
	    (rc = ddp_bl_known_load(&R.known, known_path, a.known, "replay")) ||
	    (rc = ddp_cli_status(ddp_bl_workdir(R.workdir, sizeof(R.workdir), a.workdir, &own, &err),
	                         &err)))
		goto out;
	snprintf(R.fixdir, sizeof(R.fixdir), "%s/inputs-%s", R.workdir, version);
	u = (replay_summary){&R, cases.count, ddp_reference_is_model(a.reference, NULL), version, used,
	                     0, 0};
	summary_header(&u);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < cases.count; i++)
		if (!a.only || !fnmatch(a.only, cases.items[i].name, 0))
			replay_case(&R, &cases.items[i]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	u.seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	u.exit = rc = R.tally.n[4] ? DDP_EXIT_USAGE : R.tally.n[1] ? DDP_EXIT_DIFFERENT : DDP_EXIT_OK;
	ddp_cli_tally_print(stdout, &R.tally);
	json_array_append_new(ro->runs, summary_json(&u));
	json_decref(R.tally.results);
out:
	if (own)
		ddp_private_dir_remove(R.workdir);
	ddp_known_divergences_free(R.known);
	ddp_tool_free(&R.ref);
	ddp_tool_free(&R.cand);
	ddp_ddcases_free(&cases);
	return rc;
}

/* --all-versions' table: a row per case, a column per version, then each version's counts. */
static void print_table(FILE *out, const ddp_bl_ref *refs, size_t nrefs, json_t *runs, int rc)
{
	size_t width = 4;

	for (size_t i = 0; i < rec.n; i++)
		if (strlen(rec.rows[i].name) > width)
			width = strlen(rec.rows[i].name);
	fprintf(out, "\n%-*s", (int)width, "case");
	for (size_t r = 0; r < nrefs; r++)
		fprintf(out, "  %-8s", refs[r].version);
	fputc('\n', out);
	for (size_t i = 0; i < rec.n; i++) {
		fprintf(out, "%-*s", (int)width, rec.rows[i].name);
		for (size_t r = 0; r < nrefs; r++)
			fprintf(out, "  %-8s", rec.rows[i].verdict[r][0] ? rec.rows[i].verdict[r] : "-");
		fputc('\n', out);
	}
	fprintf(out, "%-*s", (int)width, "(exit)");
	for (size_t r = 0; r < nrefs; r++)
		fprintf(out, "  %-8lld", (long long)json_integer_value(json_object_get(json_array_get(runs, r), "exit")));
	fputc('\n', out);
	for (size_t r = 0; r < nrefs; r++) {
		json_t *c = json_object_get(json_array_get(runs, r), "counts");
		fprintf(out, "replay --all-versions: %-8s %lld passed, %lld failed, %lld known, %lld skipped, "
		        "%lld errors\n", refs[r].version,
		        (long long)json_integer_value(json_object_get(c, "passed")),
		        (long long)json_integer_value(json_object_get(c, "failed")),
		        (long long)json_integer_value(json_object_get(c, "known")),
		        (long long)json_integer_value(json_object_get(c, "skipped")),
		        (long long)json_integer_value(json_object_get(c, "errors")));
	}
	fprintf(out, "replay --all-versions: %zu versions, %s\n", nrefs,
	        rc == DDP_EXIT_OK ? "nothing failed" : rc == DDP_EXIT_DIFFERENT ? "FAILED" : "ERRORS");
}

/* `replay --all-versions`: replay_one per materialised version, then the table. */
static int replay_all(replay_out *ro, int argc, char **argv)
{
	char **args = calloc((size_t)argc + 3, sizeof(char *));
	ddp_bl_ref *refs = NULL;
	size_t nrefs = 0;
	ddp_error err;
	int n = 0, rc = DDP_EXIT_OK, one;

	if (!args)
		return ddp_cli_fail("replay: out of memory");
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--all-versions"))
			continue;
		if (!strcmp(argv[i], "--reference")) {
			free(args);
			return ddp_cli_fail("replay: --all-versions takes every version as the reference; "
			                    "no --reference");
		}
		args[n++] = argv[i];
	}
	if ((rc = ddp_cli_status(ddp_bl_references(&refs, &nrefs, NULL, 0, 1, "replay", &err), &err))) {
		free(args);
		return rc;
	}
	if (nrefs > REC_MAX_VERSIONS)
		nrefs = REC_MAX_VERSIONS;
	rec.on = 1;
	for (size_t r = 0; r < nrefs; r++) {
		args[n] = "--reference";
		args[n + 1] = refs[r].path;
		args[n + 2] = NULL;
		rec.col = (int)r;
		fprintf(stdout, "== qemu-img %s (%s)\n", refs[r].version, refs[r].path);
		fflush(stdout);
		one = replay_one(ro, n + 2, args);
		if (json_array_size(ro->runs) == 0 && r == 0) {
			rc = one ? one : DDP_EXIT_USAGE; /* a usage error: the same for every version */
			goto out;
		}
		if (json_array_size(ro->runs) == r) /* this version could not be replayed (said) */
			json_array_append_new(ro->runs, json_pack("{s:{s:s, s:s}, s:n, s:[], s:i}", "reference",
			                      "spec", refs[r].path, "version", refs[r].version, "counts",
			                      "results", "exit", one));
		if (one > rc)
			rc = one;
	}
	print_table(stdout, refs, nrefs, ro->runs, rc);
out:
	rec.on = 0;
	free(rec.rows);
	rec.rows = NULL;
	rec.n = rec.cap = 0;
	free(refs);
	free(args);
	return rc;
}

int ddp_cmd_replay(int argc, char **argv)
{
	replay_out ro = {json_array(), NULL};
	json_t *doc;
	int rc = -1, all = 0;

	/* --command dd (the default) or map. */
	for (int i = 1; i < argc; i++) {
		const char *cmd = !strcmp(argv[i], "--command") ? (i + 1 < argc ? argv[i + 1] : "")
		                  : !strncmp(argv[i], "--command=", 10) ? argv[i] + 10 : NULL;
		int words;
		if (!cmd)
			continue;
		words = argv[i][9] == '=' ? 1 : 2;
		if (strcmp(cmd, "dd") && strcmp(cmd, "map")) {
			json_decref(ro.runs);
			return ddp_cli_fail("replay: --command '%s': dd or map", cmd);
		}
		memmove(&argv[i], &argv[i + words], (size_t)(argc - i - words + 1) * sizeof(*argv));
		argc -= words;
		if (!strcmp(cmd, "map")) {
			json_decref(ro.runs);
			return ddp_replay_map(argc, argv);
		}
		break;
	}
	for (int i = 1; i < argc && !all; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			break;
		all = !strcmp(argv[i], "--all-versions");
	}
	rc = all ? replay_all(&ro, argc, argv) : replay_one(&ro, argc, argv);
	if (!ro.json) {
		json_decref(ro.runs);
		return rc;
	}
	doc = ddp_cli_json_doc("replay");
	json_object_update_new(doc, json_pack("{s:s, s:b, s:o}", "mode", "dd", "all_versions", all,
	                                      "runs", ro.runs));
	return ddp_cli_json_write(ro.json, doc, "replay", rc);
}
