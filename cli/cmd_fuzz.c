/* cmd_fuzz.c: `ddparity fuzz`, the seeded differential campaign. */
#define _GNU_SOURCE
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "suite/suite.h"
#include "engine_setup.h"

static const char usage[] =
	"usage: ddparity fuzz [--reference PATH|model[:VERSION|:all]] [--reader QEMU_IMG]\n"
	"                     [--candidate SPEC] [--candidate-version V]\n"
	"                     [--seconds N | --cases N] [--seed S] [--jobs J]\n"
	"                     [--findings DIR] [--workdir DIR]\n"
	"                     [--stderr exact|class|ignore] [--profile parity|strict]\n"
	"                     [--timeout SECONDS] [--log FILE] [--trace FILE]\n"
	"                     [--max-output-size SIZE] [--stop-on-finding] [--stop-on PART]\n"
	"                     [--command dd|map] [--manifest FILE] [--minimise-seconds N]\n"
	"                     [--case FILE] [--explore off|havoc|guided] [--shard K/N]\n"
	"                     [--json FILE|-]\n"
	"\n"
	"Runs generated qemu-img dd cases through the reference qemu-img and a\n"
	"candidate, compares exit codes, stderr, the outputs' qemu-img info and\n"
	"their data flattened to raw, and saves each divergence as a finding.\n"
	"\n"
	"  --reference PATH  the qemu-img to trust (default: qemu-img on PATH), or\n"
	"                    model[:VERSION]: the core's prediction for VERSION\n"
	"                    (default: the reader's version) against a candidate\n"
	"                    command; cases the model cannot answer run a qemu-img\n"
	"                    of VERSION when one is materialised (ci/qemu-versions),\n"
	"                    else are counted as unmodelled; model:all: the models\n"
	"                    of every profile at once, a finding naming the\n"
	"                    versions the candidate matches and differs from\n"
	"  --candidate-version V  with model:all: the version the candidate\n"
	"                    follows; divergences from it are findings, from the\n"
	"                    others notes (counted in the summary)\n"
	"  --reader QEMU_IMG with --reference model: the qemu-img that makes the\n"
	"                    fixtures and reads the candidate's output (info,\n"
	"                    convert); default qemu-img on PATH\n"
	"  --candidate SPEC  'model' (default: the core's prediction for the\n"
	"                    reference's version) or a command, split on spaces,\n"
	"                    to which 'dd' and the dd arguments are appended\n"
	"  --seconds N       run for N seconds (default 60 when --cases is not given);\n"
	"                    tool runs still going then are killed, their cases\n"
	"                    counted as cut short\n"
	"  --cases N         run N cases\n"
	"  --seed S          the same seed gives the same cases (default: from the clock;\n"
	"                    guided: for --jobs 1 only)\n"
	"  --jobs J          cases in parallel (default 1)\n"
	"  --findings DIR    where findings go (default findings)\n"
	"  --workdir DIR     where cases run and fixtures live (default: a private\n"
	"                    directory under $TMPDIR, removed at the end)\n"
	"  --stderr MODE     exact (default for the model and for qemu-img\n"
	"                    candidates), class (nothing/warning/error: the default\n"
	"                    for other candidates) or ignore\n"
	"  --profile NAME    which info fields must match: parity (default) or strict\n"
	"  --timeout SECONDS per tool run (default 30); a timeout is inconclusive\n"
	"  --max-output-size SIZE  bytes (k, M, G suffixes) a tool may write to a\n"
	"                    file (default 256M): a larger output is never read, the\n"
	"                    divergence output-too-large:<side>\n"
	"  --log FILE        append a line per case: number, verdict, seconds,\n"
	"                    signature, the case\n"
	"  --trace FILE      write every tool run (cwd, argv) as a JSON line\n"
	"  --minimise-seconds N  minimise each new group's first case at once, within N\n"
	"                    seconds (default 20; 0: not); the minimal case is the\n"
	"                    group's headline and its key.  A group found near the\n"
	"                    end is minimised too: a campaign may end up to N s\n"
	"                    after --seconds\n"
	"  --stop-on-finding stop at the first divergence\n"
	"  --stop-on PART    stop at the first divergence whose signature has PART\n"
	"                    (a component such as exit, stderr, info:virtual-size)\n"
	"  --command map     fuzz `qemu-img map` instead: random windows\n"
	"                    (--start-offset, --max-length) over random fixtures of\n"
	"                    the map manifest (--manifest, default\n"
	"                    expected-outputs/map-fixtures), human and JSON output;\n"
	"                    signatures: exit, stderr, stdout (human), map:<fields>\n"
	"                    (JSON), crash; grouped by map's rules (output type,\n"
	"                    window, the format's extent logic).  Needs a\n"
	"                    --candidate command.\n"
	"  --map-compare bytes|normalised\n"
	"                    with --command map: JSON output compared byte for\n"
	"                    byte, as instar's tests do (default: the same map in\n"
	"                    other bytes, a trailing newline missing, is a\n"
	"                    stdout divergence), or only as parsed maps\n"
	"  --shard K/N       run only the cases whose number is K-1 modulo N: N\n"
	"                    machines with the same --seed split one campaign's\n"
	"                    cases and never run the same one (--cases counts this\n"
	"                    machine's); merge their findings with `ddparity\n"
	"                    findings merge`\n"
	"  --explore MODE    below the generator (dd): guided (default) havocs 4\n"
	"                    cases in 5 at the token level (characters, blanks,\n"
	"                    splices, tokens moved, dropped or doubled, option\n"
	"                    clusters, --, dict/operands.dict) and picks 4 in 5 of\n"
	"                    128 candidates by the model: a behaviour (its rules)\n"
	"                    not run yet, else the one whose rarest rule or mark\n"
	"                    (how it is spelled, where its sizes fall) was run\n"
	"                    least; or havoc on a case qemu accepts; havoc: the\n"
	"                    havoc only; off: the generator's cases only.  The\n"
	"                    summary counts the distinct behaviours run (and with\n"
	"                    their marks)\n"
	"  --case FILE       run just this case, a finding's case.json ({\"fixture\":\n"
	"                    NAME, \"args\": [...]}; NAME an engine fixture or an\n"
	"                    input dd-FORMAT-SIZE[-sparse|-zero] made for it), and save\n"
	"                    it as a finding when it diverges: a known case (a\n"
	"                    mutant's, a dd-cases line's) made a finding to minimise\n"
	"                    and promote\n"
	"  --json FILE       also write the summary as one JSON document to FILE\n"
	"                    (atomically), or to stdout for '-' (the text summary\n"
	"                    then goes to stderr); its fields: docs/json.md\n"
	"\n"
	"Exit status: 0 no divergence, 1 divergences found, 2 error (a divergence\n"
	"whose finding could not be saved is one); stopped by SIGINT or SIGTERM:\n"
	"the summary, marked interrupted, then 128 + the signal (130, 143).\n"
	"\n"
	"Examples:\n"
	"  ddparity fuzz --seconds 60                      # the installed qemu-img against the model\n"
	"  ddparity fuzz --candidate /usr/local/bin/instar --seconds 600 --jobs 2\n";

/* --explore's values, in ddp_explore's order. */
static const char *const explore_names[] = {"off", "havoc", "guided"};

/* --case: one given case instead of generated ones, counted as a campaign's. */
static int run_given(ddp_campaign_stats *st, ddp_engine_setup *s, ddp_findings *f,
                     const char *path, ddp_error *err)
{
	ddp_case c;
	ddp_result res;
	struct timespec t0, t1;
	int rc;

	memset(st, 0, sizeof(*st));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ddp_case_load(&c, path, err))
		return DDP_ERROR;
	if (ddp_cli_engine_setup_case(s, &c)) {
		ddp_case_free(&c);
		return ddp_error_set(err, DDP_EINVAL, path, 0, 0, "its fixture cannot be made "
		                     "(said above)");
	}
	rc = ddp_case_run(&res, &s->cfg, &c, 1, err);
	if (!rc) {
		st->cases = 1;
		switch (res.verdict) {
		case DDP_SAME:
			st->same++;
			st->real_answered += (uint64_t)res.ref_real_ran;
			if (res.note)
				ddp_campaign_note(st, &res, &c);
			break;
		case DDP_UNSUPPORTED: st->unsupported++; break;
		case DDP_REFUSED: st->refused++; break;
		case DDP_CUT_SHORT: st->cut_short++; break;
		case DDP_DIVERGES: {
			int is_new = 0;
			st->real_answered += (uint64_t)res.ref_real_ran;
			char where[4300];
			ddp_error ferr;
			st->diverged++;
			if (ddp_findings_add(f, &s->cfg, &c, &res, 0, 1, &is_new, where, sizeof(where), &ferr))
				st->unsaved++;
			else
				fprintf(stderr, "ddparity: %s finding %s: %s\n", is_new ? "new" : "a known",
				        res.signature, where);
			break;
		}
		default: st->inconclusive++; break;
		}
	}
	ddp_result_free(&res);
	ddp_case_free(&c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc ? DDP_ERROR : DDP_OK;
}

/* The signal that stopped the campaign (0: none). */
static volatile int stop_flag;

static void on_signal(int sig)
{
	stop_flag = sig;
}

/* The options as given, read by the one parser; checked by ddp_cmd_fuzz. */
typedef struct fuzz_options {
	const char *reference, *reader, *candidate, *cand_version, *stderr_mode, *profile;
	const char *workdir, *findings, *log, *trace, *given, *map_compare, *stop_on, *command;
	const char *manifest, *shard, *explore, *max_output, *minimise, *seconds, *timeout;
	const char *cases, *seed, *jobs, *json;
	int stop_on_finding;
} fuzz_options;

/* DDP_EXIT_OK, -1 after --help, or the exit status of a mistake (said). */
static int read_options(fuzz_options *o, int argc, char **argv)
{
	const ddp_opt opts[] = {
		{"reference", DDP_OPT_STRING, &o->reference},
		{"reader", DDP_OPT_STRING, &o->reader},
		{"candidate", DDP_OPT_STRING, &o->candidate},
		{"candidate-version", DDP_OPT_STRING, &o->cand_version},
		{"stderr", DDP_OPT_STRING, &o->stderr_mode},
		{"profile", DDP_OPT_STRING, &o->profile},
		{"workdir", DDP_OPT_STRING, &o->workdir},
		{"findings", DDP_OPT_STRING, &o->findings},
		{"log", DDP_OPT_STRING, &o->log},
		{"trace", DDP_OPT_STRING, &o->trace},
		{"case", DDP_OPT_STRING, &o->given},
		{"map-compare", DDP_OPT_STRING, &o->map_compare},
		{"stop-on", DDP_OPT_STRING, &o->stop_on},
		{"stop-on-finding", DDP_OPT_FLAG, &o->stop_on_finding},
		{"command", DDP_OPT_STRING, &o->command},
		{"manifest", DDP_OPT_STRING, &o->manifest},
		{"shard", DDP_OPT_STRING, &o->shard},
		{"explore", DDP_OPT_STRING, &o->explore},
		{"max-output-size", DDP_OPT_STRING, &o->max_output},
		{"minimise-seconds", DDP_OPT_STRING, &o->minimise},
		{"seconds", DDP_OPT_STRING, &o->seconds},
		{"timeout", DDP_OPT_STRING, &o->timeout},
		{"cases", DDP_OPT_STRING, &o->cases},
		{"seed", DDP_OPT_STRING, &o->seed},
		{"jobs", DDP_OPT_STRING, &o->jobs},
		{"json", DDP_OPT_STRING, &o->json},
	};
	int first, rc;

	memset(o, 0, sizeof(*o));
	if ((rc = ddp_cli_parse(&first, argc, argv, DDP_OPTS(opts), 0)))
		return rc;
	if (first < 0) {
		fputs(usage, stdout);
		return -1;
	}
	if (first < argc)
		return ddp_cli_fail("fuzz: unexpected '%s' (see 'ddparity help fuzz')", argv[first]);
	if (!o->map_compare)
		o->map_compare = "bytes";
	if (!o->command)
		o->command = "dd";
	if (!o->findings)
		o->findings = "findings";
	if (o->map_compare && strcmp(o->map_compare, "bytes") && strcmp(o->map_compare, "normalised"))
		return ddp_cli_fail("fuzz: --map-compare '%s': bytes or normalised", o->map_compare);
	if (o->command && strcmp(o->command, "dd") && strcmp(o->command, "map"))
		return ddp_cli_fail("fuzz: --command '%s': dd or map", o->command);
	return DDP_EXIT_OK;
}

/* The options' values, read. */
typedef struct fuzz_plan {
	double seconds, timeout, minimise_seconds;
	int64_t max_output;
	unsigned long long cases, seed, shard_k, shard_n;
	int jobs;
	ddp_explore explore;
} fuzz_plan;

/* Reads the values of o into p: DDP_EXIT_OK, or the exit status of a mistake (said). */
static int plan_of(fuzz_plan *p, const fuzz_options *o)
{
	unsigned long long n;
	int rc = DDP_EXIT_OK;

	*p = (fuzz_plan){.minimise_seconds = 20, .jobs = 1, .explore = DDP_EXPLORE_GUIDED, .shard_n = 1,
	                 .seed = (unsigned long long)time(NULL) ^ (unsigned long long)getpid()};
	if (o->max_output && (p->max_output = ddp_ddcase_parse_size(o->max_output)) <= 0)
		return ddp_cli_fail("fuzz: --max-output-size '%s' is not a size (bytes, or with k, M, G)",
		                    o->max_output);
	if ((o->minimise &&
	     (rc = ddp_cli_seconds(&p->minimise_seconds, "fuzz", "--minimise-seconds", o->minimise, 1))) ||
	    (o->seconds && (rc = ddp_cli_seconds(&p->seconds, "fuzz", "--seconds", o->seconds, 0))) ||
	    (o->timeout && (rc = ddp_cli_seconds(&p->timeout, "fuzz", "--timeout", o->timeout, 0))) ||
	    (o->cases && (rc = ddp_cli_uint(&p->cases, "fuzz", "--cases", o->cases, 0, ~0ULL))) ||
	    (o->seed && (rc = ddp_cli_uint(&p->seed, "fuzz", "--seed", o->seed, 0, ~0ULL))) ||
	    (o->jobs && (rc = ddp_cli_uint(&n, "fuzz", "--jobs", o->jobs, 1, 64))))
		return rc;
	if (o->jobs)
		p->jobs = (int)n;
	if (o->explore) {
		int m = 0;
		while (m < 3 && strcmp(o->explore, explore_names[m]))
			m++;
		if (m == 3)
			return ddp_cli_fail("fuzz: --explore '%s': off, havoc or guided", o->explore);
		p->explore = (ddp_explore)m;
	}
	if (o->shard) {
		unsigned long long k;
		char tail;
		if (sscanf(o->shard, "%llu/%llu%c", &k, &n, &tail) != 2 || k < 1 || n < 1 || k > n ||
		    n > 1000000)
			return ddp_cli_fail("fuzz: --shard '%s' is not K/N with 1 <= K <= N", o->shard);
		p->shard_k = k - 1;
		p->shard_n = n;
	}
	if (!p->seconds && !p->cases)
		p->seconds = 60;
	return DDP_EXIT_OK;
}

/* The engine as the options ask (with --case, of the fixtures only its own): DDP_EXIT_OK or the status. */
static int setup(ddp_engine_setup *s, const fuzz_options *o, const fuzz_plan *p)
{
	ddp_error err;
	int rc;

	if (o->given) {
		ddp_case one;
		char fixture[sizeof(one.fixture)];
		if (ddp_case_load(&one, o->given, &err))
			return ddp_cli_fail_error(o->given, &err);
		snprintf(fixture, sizeof(fixture), "%s", one.fixture);
		ddp_case_free(&one);
		rc = ddp_cli_engine_setup_for(s, o->reference, o->reader, o->candidate, o->stderr_mode,
		                              o->profile, o->workdir, p->timeout, fixture);
	} else {
		rc = ddp_cli_engine_setup(s, o->reference, o->reader, o->candidate, o->stderr_mode,
		                          o->profile, o->workdir, p->timeout);
	}
	if (rc)
		return rc;
	if (o->cand_version) {
		ddp_version v;
		if (!s->cfg.reference_all)
			rc = ddp_cli_fail("fuzz: --candidate-version: only with --reference model:all");
		else if (ddp_model_version(&v, o->cand_version, "fuzz: --candidate-version", &err))
			rc = ddp_cli_fail("%s: %s", err.source, err.message);
		else {
			s->cfg.candidate_version = ddp_profile_for(v, NULL);
			fprintf(stderr, "ddparity fuzz: the candidate follows %s (profile %s): divergences "
			        "from the other profiles are notes\n", o->cand_version,
			        ddp_profile_name(s->cfg.candidate_version));
		}
	}
	if (!rc && !strcmp(o->command, "map"))
		rc = ddp_cli_engine_setup_map(s, o->manifest);
	if (rc) {
		ddp_cli_engine_teardown(s);
		return rc;
	}
	s->cfg.map_json_normalised = !strcmp(o->map_compare, "normalised");
	if (p->max_output)
		s->cfg.max_output = (unsigned long long)p->max_output;
	return DDP_EXIT_OK;
}

/* The campaign's first lines, on stderr. */
static void announce(const fuzz_options *o, const fuzz_plan *p, const ddp_config *cfg)
{
	char shard_text[64] = "";

	if (p->shard_n > 1)
		snprintf(shard_text, sizeof(shard_text), ", shard %llu/%llu", p->shard_k + 1, p->shard_n);
	fprintf(stderr, "ddparity fuzz: %s, reference %s (%s %d.%d.%d), candidate %s, stderr %s, "
	        "profile %s, seed %llu, jobs %d%s\n", o->command, ddp_config_reference(cfg),
	        cfg->reference_model ? "read by qemu" : "qemu", cfg->reference.version.major,
	        cfg->reference.version.minor, cfg->reference.version.micro,
	        cfg->candidate.is_model ? "model" : cfg->candidate.spec,
	        ddp_cli_stderr_mode_name(cfg->stderr_mode), cfg->info_profile->name, p->seed, p->jobs, shard_text);
	if (cfg->candidate.is_model || (cfg->reference_model && !cfg->reference_all))
		fprintf(stderr, "ddparity fuzz: model profile %s\n", ddp_profile_name(cfg->model_profile));
}

/* What a campaign ends with: the text summary and the --json document are both made from it. */
typedef struct fuzz_summary {
	const fuzz_options *o;
	const fuzz_plan *p;
	const ddp_config *cfg;
	const ddp_campaign_stats *st;
	const ddp_findings *f;
	int signal;           /* the signal that stopped it, or 0 */
	const ddp_error *err; /* why it stopped early, or NULL */
	int exit;
} fuzz_summary;

/* Whether the summary counts exploration (a generated dd campaign). */
static int explored(const fuzz_summary *u)
{
	return !u->o->given && strcmp(u->o->command, "map");
}

/* Whether cases the model cannot answer ran a real qemu-img. */
static int real_answers(const fuzz_summary *u)
{
	return u->cfg->reference_model && u->cfg->ref_real.argc;
}

static void summary_print(FILE *out, const fuzz_summary *u)
{
	const ddp_campaign_stats *st = u->st;
	const char *k;
	json_t *v;

	fprintf(out, "ddparity fuzz: %llu cases in %.1f s (%.2f cases/s, %d job%s), seed %llu\n",
	        (unsigned long long)st->cases, st->seconds, st->seconds > 0 ? st->cases / st->seconds : 0.0,
	        u->p->jobs, u->p->jobs == 1 ? "" : "s", u->p->seed);
	fprintf(out, "ddparity fuzz: %llu same, %llu diverged", (unsigned long long)st->same,
	        (unsigned long long)st->diverged);
	if (st->unsaved)
		fprintf(out, " (%llu could not be saved)", (unsigned long long)st->unsaved);
	fprintf(out, ", %llu unmodelled (not compared)", (unsigned long long)st->unsupported);
	if (real_answers(u))
		fprintf(out, " (and %llu the model cannot answer, run by qemu-img %d.%d.%d)",
		        (unsigned long long)st->real_answered, u->cfg->ref_real.version.major,
		        u->cfg->ref_real.version.minor, u->cfg->ref_real.version.micro);
	fprintf(out, ", %llu inconclusive (timeouts), %llu refused (unsafe paths)\n",
	        (unsigned long long)st->inconclusive, (unsigned long long)st->refused);
	if (explored(u))
		fprintf(out, "ddparity fuzz: explore %s: %llu distinct model behaviours run (%llu with "
		        "their marks), %llu cases havocked\n", explore_names[u->p->explore],
		        (unsigned long long)st->behaviours, (unsigned long long)st->marked,
		        (unsigned long long)st->havocked);
	if (st->cut_short)
		fprintf(out, "ddparity fuzz: %llu cut short (a tool run killed at the --seconds deadline; "
		        "no verdict)\n", (unsigned long long)st->cut_short);
	if (st->notes) {
		fprintf(out, "ddparity fuzz: %llu note%s (the candidate agrees with %s, differs from other "
		        "versions):\n", (unsigned long long)st->notes, st->notes == 1 ? "" : "s",
		        ddp_profile_name(u->cfg->candidate_version));
		for (size_t i = 0; i < st->nnote_sets; i++)
			fprintf(out, "  %6llu  differs from %s   first: %s\n",
			        (unsigned long long)st->note_sets[i].count, st->note_sets[i].differs,
			        st->note_sets[i].first);
	}
	if (st->triage.minimised || st->triage.unminimised)
		fprintf(out, "ddparity fuzz: %llu new group%s minimised (%llu runs, %.1f s), %llu not\n",
		        (unsigned long long)st->triage.minimised, st->triage.minimised == 1 ? "" : "s",
		        (unsigned long long)st->triage.runs, st->triage.seconds,
		        (unsigned long long)st->triage.unminimised);
	fprintf(out, "ddparity fuzz: findings in %s: %zu group%s (one bug each: the names its minimal "
	        "case needs, else kinds @ the reference's rules)\n", u->f->dir, u->f->unique,
	        u->f->unique == 1 ? "" : "s");
	json_object_foreach((json_t *)u->f->signatures, k, v) {
		const char *head = json_string_value(json_object_get(v, "headline"));
		const char *state = json_string_value(json_object_get(v, "state"));
		const char *cause = json_string_value(json_object_get(v, "cause"));
		fprintf(out, "  %6lld  %s  (%s/%s)\n", (long long)json_integer_value(json_object_get(v, "count")),
		        k, u->f->dir, json_string_value(json_object_get(v, "dir")));
		if (head)
			fprintf(out, "          minimal: %s\n", head);
		else if (state && strcmp(state, "new"))
			fprintf(out, "          %s\n", state);
		if (cause)
			fprintf(out, "          cause: %s\n", cause);
	}
	if (u->signal)
		fprintf(out, "ddparity fuzz: interrupted by %s\n", u->signal == SIGINT ? "SIGINT" : "SIGTERM");
}

/* The summary's groups: key, count, directory, headline, state, cause. */
static json_t *groups_json(const ddp_findings *f)
{
	json_t *groups = json_array(), *v;
	const char *k;
	char dir[4300];

	json_object_foreach((json_t *)f->signatures, k, v) {
		snprintf(dir, sizeof(dir), "%s/%s", f->dir, json_string_value(json_object_get(v, "dir")));
		json_array_append_new(groups, json_pack("{s:s, s:I, s:s, s:o, s:o, s:o}", "key", k,
		        "count", (json_int_t)json_integer_value(json_object_get(v, "count")), "dir", dir,
		        "headline", ddp_cli_json_str(json_string_value(json_object_get(v, "headline"))),
		        "state", ddp_cli_json_str(json_string_value(json_object_get(v, "state"))),
		        "cause", ddp_cli_json_str(json_string_value(json_object_get(v, "cause")))));
	}
	return groups;
}

static json_t *summary_json(const fuzz_summary *u)
{
	const ddp_campaign_stats *st = u->st;
	const ddp_config *cfg = u->cfg;
	json_t *doc = ddp_cli_json_doc("fuzz"), *notes = json_array();

	for (size_t i = 0; i < st->nnote_sets; i++)
		json_array_append_new(notes, json_pack("{s:I, s:s, s:s}", "count",
		        (json_int_t)st->note_sets[i].count, "differs", st->note_sets[i].differs,
		        "first", st->note_sets[i].first));
	json_object_update_new(doc, json_pack("{s:s, s:{s:s, s:o, s:b, s:o}, s:s, s:o, s:s, s:s, s:I, s:i,"
	        " s:o, s:o, s:f, s:I}",
	        "mode", u->o->command,
	        "reference", "spec", ddp_config_reference(cfg), "version", ddp_cli_json_version(cfg->reference.version),
	        "model", cfg->reference_model,
	        "real_version", real_answers(u) ? ddp_cli_json_version(cfg->ref_real.version) : json_null(),
	        "candidate", cfg->candidate.is_model ? "model" : cfg->candidate.spec,
	        "model_profile", cfg->candidate.is_model || (cfg->reference_model && !cfg->reference_all)
	                         ? json_string(ddp_profile_name(cfg->model_profile)) : json_null(),
	        "stderr", ddp_cli_stderr_mode_name(cfg->stderr_mode), "profile", cfg->info_profile->name,
	        "seed", (json_int_t)u->p->seed, "jobs", u->p->jobs,
	        "shard", u->p->shard_n > 1 ? json_pack("{s:I, s:I}", "k", (json_int_t)u->p->shard_k + 1,
	                                                "n", (json_int_t)u->p->shard_n) : json_null(),
	        "explore", explored(u) ? json_string(explore_names[u->p->explore]) : json_null(),
	        "seconds", st->seconds, "cases", (json_int_t)st->cases));
	json_object_set_new(doc, "counts", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	        "same", (json_int_t)st->same, "diverged", (json_int_t)st->diverged,
	        "unsaved", (json_int_t)st->unsaved, "unmodelled", (json_int_t)st->unsupported,
	        "real_answered", (json_int_t)st->real_answered,
	        "inconclusive", (json_int_t)st->inconclusive, "refused", (json_int_t)st->refused,
	        "cut_short", (json_int_t)st->cut_short, "behaviours", (json_int_t)st->behaviours,
	        "marked", (json_int_t)st->marked, "havocked", (json_int_t)st->havocked));
	json_object_set_new(doc, "notes", json_pack("{s:I, s:o, s:o}", "count", (json_int_t)st->notes,
	        "candidate_profile", cfg->candidate_version
	                             ? json_string(ddp_profile_name(cfg->candidate_version)) : json_null(),
	        "sets", notes));
	json_object_set_new(doc, "triage", json_pack("{s:I, s:I, s:I, s:f}",
	        "minimised", (json_int_t)st->triage.minimised, "unminimised",
	        (json_int_t)st->triage.unminimised, "runs", (json_int_t)st->triage.runs,
	        "seconds", st->triage.seconds));
	json_object_set_new(doc, "findings", json_pack("{s:s, s:I, s:o}", "dir", u->f->dir,
	        "groups", (json_int_t)u->f->unique, "list", groups_json(u->f)));
	json_object_set_new(doc, "interrupted", !u->signal ? json_null()
	                    : json_string(u->signal == SIGINT ? "SIGINT" : "SIGTERM"));
	json_object_set_new(doc, "error", !u->err ? json_null()
	                    : json_pack("{s:o, s:o}", "source", ddp_cli_json_str(u->err->source),
	                                "message", ddp_cli_json_str(u->err->message)));
	return doc;
}

/* Opens --log and --trace: DDP_EXIT_OK, or the status after saying which could not be opened. */
static int open_logs(FILE **logf, ddp_config *cfg, const fuzz_options *o)
{
	if (o->log && !(*logf = fopen(o->log, "a")))
		return ddp_cli_fail("fuzz: --log %s: cannot open", o->log);
	if (o->trace && !(cfg->trace = fopen(o->trace, "w"))) {
		if (*logf)
			fclose(*logf);
		return ddp_cli_fail("fuzz: --trace %s: cannot open", o->trace);
	}
	return DDP_EXIT_OK;
}

int ddp_cmd_fuzz(int argc, char **argv)
{
	fuzz_options o;
	fuzz_plan p;
	FILE *logf = NULL;
	pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
	ddp_engine_setup s;
	ddp_findings f;
	ddp_campaign_opts opts;
	ddp_campaign_stats st;
	ddp_error err;
	struct sigaction sa;
	fuzz_summary u;
	json_t *doc;
	int rc;

	if ((rc = read_options(&o, argc, argv)) || (rc = plan_of(&p, &o)) ||
	    (rc = ddp_cli_json_begin(o.json, "fuzz")))
		return rc == -1 ? DDP_EXIT_OK : rc;
	if ((rc = setup(&s, &o, &p)))
		return ddp_cli_json_write(o.json, ddp_cli_json_doc("fuzz"), "fuzz", rc);
	if (ddp_findings_open(&f, o.findings, &err)) {
		ddp_cli_engine_teardown(&s);
		return ddp_cli_json_write(o.json, ddp_cli_json_doc("fuzz"), "fuzz",
		                          ddp_cli_fail_error(err.source, &err));
	}
	if ((rc = open_logs(&logf, &s.cfg, &o))) {
		ddp_findings_close(&f);
		ddp_cli_engine_teardown(&s);
		return ddp_cli_json_write(o.json, ddp_cli_json_doc("fuzz"), "fuzz", rc);
	}
	/* From here a signal stops the campaign, which ends as usual, marked interrupted. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	announce(&o, &p, &s.cfg);
	s.cfg.trace_lock = &trace_lock;
	opts = (ddp_campaign_opts){p.seed, p.seconds, p.cases, p.jobs, isatty(2), &stop_flag, logf,
	                           o.stop_on_finding, o.stop_on, p.minimise_seconds, p.explore,
	                           p.shard_k, p.shard_n};
	rc = o.given ? run_given(&st, &s, &f, o.given, &err)
	             : ddp_campaign_run(&st, &s.cfg, &f, &opts, &err);
	u = (fuzz_summary){&o, &p, &s.cfg, &st, &f, stop_flag, rc ? &err : NULL,
	                   rc ? DDP_EXIT_USAGE : stop_flag ? DDP_EXIT_SIGNAL + stop_flag
	                   : st.diverged ? DDP_EXIT_DIFFERENT : DDP_EXIT_OK};
	summary_print(stdout, &u);
	doc = summary_json(&u);
	if (rc)
		ddp_cli_fail("fuzz: stopped: %s: %s (findings so far are intact)", err.source, err.message);
	ddp_findings_close(&f);
	ddp_cli_engine_teardown(&s);
	if (logf)
		fclose(logf);
	if (s.cfg.trace)
		fclose(s.cfg.trace);
	return ddp_cli_json_write(o.json, doc, "fuzz", u.exit);
}
