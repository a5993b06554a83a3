/* cmd_reproduce.c: `ddparity reproduce FINDING`, one finding run again. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "engine_setup.h"
#include "suite/suite.h"

static const char usage[] =
	"usage: ddparity reproduce FINDING_DIR [--reference PATH|model[:VERSION]]\n"
	"                          [--reader QEMU_IMG] [--candidate SPEC]\n"
	"                          [--trust-finding] [--workdir DIR] [--json FILE|-]\n"
	"\n"
	"Runs a saved finding's case again with the tools given, in the modes it\n"
	"was found with, and says whether it still diverges.  A finding's own\n"
	"tools (result.json) run only with --trust-finding; without them and\n"
	"without tools given, it prints what would run and exits 2.  A finding of\n"
	"the model needs no --candidate, and one found against --reference\n"
	"model:VERSION no --reference (--reader, as for fuzz: the qemu-img that\n"
	"makes the input and reads the candidate's output; default qemu-img).\n"
	"--json FILE (or '-': stdout, the text then on stderr) also writes the\n"
	"outcome as one JSON document, atomically (fields: docs/json.md).\n"
	"Exit status: 1 it still diverges, 0 it no longer does, 2 error.\n"
	"\n"
	"Example:\n"
	"  ddparity reproduce findings/exit_stderr___number-parse-u64-fe03e94d \\\n"
	"      --reference qemu-img --candidate /usr/local/bin/instar\n";

/* What a rerun ends with: the text and the --json document are both made from it. */
typedef struct reproduce_summary {
	const char *finding, *was; /* the finding (its headline for a group), its signature */
	char *desc;                /* the case, described */
	const ddp_config *cfg;
	const ddp_result *res;
	double seconds;
	int exit;
} reproduce_summary;

/* "reproduced", "diverges differently" or "no longer diverges". */
static const char *outcome(const reproduce_summary *u)
{
	if (u->res->verdict != DDP_DIVERGES)
		return "no longer diverges";
	return strcmp(u->res->signature, u->was) ? "diverges differently" : "reproduced";
}

/* Why it no longer diverges, or NULL. */
static const char *why_not(const reproduce_summary *u)
{
	switch (u->res->verdict) {
	case DDP_DIVERGES: return NULL;
	case DDP_SAME: return "same";
	case DDP_UNSUPPORTED: return "the model does not know this case";
	case DDP_REFUSED: return "refused to run it";
	default: return "inconclusive";
	}
}

static void summary_print(FILE *out, const reproduce_summary *u)
{
	fprintf(out, "case: %s\n", u->desc);
	if (!why_not(u))
		fprintf(out, "%s: %s\n%s", outcome(u), u->res->signature, u->res->detail);
	else
		fprintf(out, "%s (%s)%s%s\n", outcome(u), why_not(u), u->res->detail[0] ? ": " : "",
		        u->res->detail);
}

static json_t *summary_json(const reproduce_summary *u)
{
	json_t *doc = ddp_cli_json_doc("reproduce");

	json_object_update_new(doc, json_pack("{s:o, s:o, s:{s:s, s:o, s:b}, s:s, s:o, s:s, s:o, s:o, "
	        "s:o, s:f}",
	        "finding", ddp_cli_json_str(u->finding), "case", ddp_cli_json_str(u->desc),
	        "reference", "spec", ddp_config_reference(u->cfg),
	        "version", ddp_cli_json_version(u->cfg->reference.version),
	        "model", u->cfg->reference_model,
	        "candidate", u->cfg->candidate.is_model ? "model" : u->cfg->candidate.spec,
	        "was", ddp_cli_json_str(u->was), "outcome", outcome(u),
	        "signature", why_not(u) ? json_null() : ddp_cli_json_str(u->res->signature),
	        "why", ddp_cli_json_str(why_not(u)), "detail", ddp_cli_json_str(u->res->detail),
	        "seconds", u->seconds));
	return doc;
}

/* The engine for finding c's fixture (a map finding's from the map manifest): DDP_EXIT_OK or the status. */
static int setup(ddp_engine_setup *s, const char *reference, const char *reader,
                 const char *candidate, const char *workdir, const ddp_finding_result *result,
                 const ddp_case *c)
{
	int rc = ddp_cli_engine_setup_for(s, reference, reader, candidate, result->stderr_mode,
	                                  result->info_profile, workdir, 0,
	                                  c->kind == DDP_CASE_DD ? c->fixture : "");

	if (!rc && c->kind == DDP_CASE_MAP && (rc = ddp_cli_engine_setup_map(s, NULL)))
		ddp_cli_engine_teardown(s);
	else if (!rc && (rc = ddp_cli_engine_setup_case(s, c)))
		ddp_cli_engine_teardown(s);
	return rc;
}

/* Runs c again; on success the summary printed and its document in *doc. */
static int rerun(json_t **doc, ddp_engine_setup *s, const ddp_case *c, const char *dir,
                 const char *was)
{
	struct timespec t0, t1;
	ddp_result res;
	ddp_error err;
	reproduce_summary u;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ddp_case_run(&res, &s->cfg, c, 0, &err)) {
		ddp_result_free(&res);
		return ddp_cli_fail("reproduce: %s: %s", err.source, err.message);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	u = (reproduce_summary){dir, was, ddp_case_describe(c), &s->cfg, &res,
	                        (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	                        res.verdict == DDP_DIVERGES ? DDP_EXIT_DIFFERENT : DDP_EXIT_OK};
	summary_print(stdout, &u);
	*doc = summary_json(&u);
	free(u.desc);
	ddp_result_free(&res);
	return u.exit;
}

/* The finding at dir (a group: its headline, into head): its result and its case.  An exit status. */
static int load_finding(ddp_finding_result *result, ddp_case *c, char *head, size_t size,
                        const char *dir)
{
	char path[4400];
	ddp_error err;

	if (ddp_finding_check(dir, &err))
		return ddp_cli_fail("reproduce: %s: %s", err.source, err.message);
	ddp_cli_finding_dir(head, size, dir);
	snprintf(path, sizeof(path), "%s/result.json", head);
	if (ddp_finding_result_load(result, path, &err))
		return ddp_cli_fail_error(path, &err);
	snprintf(path, sizeof(path), "%s/case.json", head);
	if (ddp_case_load(c, path, &err)) {
		ddp_finding_result_free(result);
		return ddp_cli_fail_error(path, &err);
	}
	return DDP_EXIT_OK;
}

int ddp_cmd_reproduce(int argc, char **argv)
{
	const char *dir = NULL, *reference = NULL, *candidate = NULL, *workdir = NULL;
	const char *reader = NULL, *json = NULL;
	char group_head[4300];
	ddp_finding_result result;
	ddp_case c;
	ddp_engine_setup s;
	json_t *doc = NULL;
	int rc, trust = 0, model_only = 0;

	{
		const ddp_opt opts[] = {
			{"trust-finding", DDP_OPT_FLAG, &trust},
			{"reference", DDP_OPT_STRING, &reference},
			{"candidate", DDP_OPT_STRING, &candidate},
			{"reader", DDP_OPT_STRING, &reader},
			{"workdir", DDP_OPT_STRING, &workdir},
			{"json", DDP_OPT_STRING, &json},
		};
		int first;
		if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 1, 0)))
			return rc < 0 ? DDP_EXIT_OK : rc;
		dir = first < argc ? argv[first] : NULL;
	}
	if (!dir)
		return ddp_cli_fail("reproduce: which finding? (see 'ddparity help reproduce')");
	if ((rc = ddp_cli_json_begin(json, "reproduce")))
		return rc;
	if ((rc = load_finding(&result, &c, group_head, sizeof(group_head), dir)))
		return ddp_cli_json_write(json, ddp_cli_json_doc("reproduce"), "reproduce", rc);
	dir = group_head;
	if (!(rc = ddp_cli_finding_tools(&reference, &candidate, &result, &c, trust, "reproduce", dir,
	                                 &model_only)) &&
	    !(rc = setup(&s, reference, reader, candidate, workdir, &result, &c))) {
		if (model_only)
			ddp_cli_model_only(&s);
		rc = rerun(&doc, &s, &c, dir, result.signature);
		ddp_cli_engine_teardown(&s);
	}
	ddp_case_free(&c);
	ddp_finding_result_free(&result);
	return ddp_cli_json_write(json, doc ? doc : ddp_cli_json_doc("reproduce"), "reproduce", rc);
}
