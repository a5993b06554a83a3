/* cmd_reproduce.c: `ddparity reproduce FINDING`, one finding run again. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine_setup.h"
#include "suite/suite.h"

static const char usage[] =
	"usage: ddparity reproduce FINDING_DIR [--reference PATH|model[:VERSION]]\n"
	"                          [--reader QEMU_IMG] [--candidate SPEC]\n"
	"                          [--trust-finding] [--workdir DIR]\n"
	"\n"
	"Runs a saved finding's case again with the tools given, in the modes it\n"
	"was found with, and says whether it still diverges.  A finding's own\n"
	"tools (result.json) run only with --trust-finding; without them and\n"
	"without tools given, it prints what would run and exits 2.  A finding of\n"
	"the model needs no --candidate, and one found against --reference\n"
	"model:VERSION no --reference (--reader, as for fuzz: the qemu-img that\n"
	"makes the input and reads the candidate's output; default qemu-img).\n"
	"Exit status: 1 it still diverges, 0 it no longer does, 2 error.\n"
	"\n"
	"Example:\n"
	"  ddparity reproduce findings/exit_stderr___number-parse-u64-fe03e94d \\\n"
	"      --reference qemu-img --candidate /usr/local/bin/instar\n";

int ddp_cmd_reproduce(int argc, char **argv)
{
	const char *dir = NULL, *reference = NULL, *candidate = NULL, *workdir = NULL;
	const char *reader = NULL;
	char path[4400], group_head[4300];
	ddp_finding_result result;
	ddp_case c;
	ddp_engine_setup s;
	ddp_result res;
	ddp_error err;
	int rc, trust = 0;

	{
		const ddp_opt opts[] = {
			{"trust-finding", DDP_OPT_FLAG, &trust},
			{"reference", DDP_OPT_STRING, &reference},
			{"candidate", DDP_OPT_STRING, &candidate},
			{"reader", DDP_OPT_STRING, &reader},
			{"workdir", DDP_OPT_STRING, &workdir},
		};
		int first;
		if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 1, 0)))
			return rc < 0 ? DDP_EXIT_OK : rc;
		dir = first < argc ? argv[first] : NULL;
	}
	if (!dir)
		return ddp_cli_fail("reproduce: which finding? (see 'ddparity help reproduce')");
	if (ddp_finding_check(dir, &err))
		return ddp_cli_fail("reproduce: %s: %s", err.source, err.message);
	/* A group: its headline, the minimal case. */
	ddp_cli_finding_dir(group_head, sizeof(group_head), dir);
	dir = group_head;
	snprintf(path, sizeof(path), "%s/result.json", dir);
	if (ddp_finding_result_load(&result, path, &err))
		return ddp_cli_fail_error(path, &err);
	snprintf(path, sizeof(path), "%s/case.json", dir);
	if (ddp_case_load(&c, path, &err)) {
		ddp_finding_result_free(&result);
		return ddp_cli_fail_error(path, &err);
	}
	rc = ddp_cli_finding_tools(&reference, &candidate, &result, &c, trust, "reproduce", dir);
	if (rc) {
		ddp_case_free(&c);
		ddp_finding_result_free(&result);
		return rc;
	}
	rc = ddp_cli_engine_setup_for(&s, reference, reader, candidate, result.stderr_mode,
	                              result.info_profile, workdir, 0,
	                              c.kind == DDP_CASE_DD ? c.fixture : "");
	/* A map finding: its fixture is one of the map manifest's. */
	if (!rc && c.kind == DDP_CASE_MAP &&
	    (rc = ddp_cli_engine_setup_map(&s, NULL)))
		ddp_cli_engine_teardown(&s);
	else if (!rc && (rc = ddp_cli_engine_setup_case(&s, &c)))
		ddp_cli_engine_teardown(&s);
	if (rc) {
		ddp_case_free(&c);
		ddp_finding_result_free(&result);
		return rc;
	}
	rc = ddp_case_run(&res, &s.cfg, &c, 0, &err);
	if (rc) {
		ddp_cli_fail("reproduce: %s: %s", err.source, err.message);
		ddp_result_free(&res);
		rc = DDP_EXIT_USAGE;
	} else {
		const char *was = result.signature;
		char *desc = ddp_case_describe(&c);
		printf("case: %s\n", desc);
		free(desc);
		if (res.verdict == DDP_DIVERGES) {
			printf("%s: %s\n%s", strcmp(res.signature, was) ? "diverges differently" : "reproduced",
			       res.signature, res.detail);
			rc = DDP_EXIT_DIFFERENT;
		} else {
			printf("no longer diverges (%s)%s%s\n",
			       res.verdict == DDP_SAME ? "same"
			       : res.verdict == DDP_UNSUPPORTED ? "the model does not know this case"
			       : res.verdict == DDP_REFUSED ? "refused to run it" : "inconclusive",
			       res.detail[0] ? ": " : "", res.detail);
			rc = DDP_EXIT_OK;
		}
		ddp_result_free(&res);
	}
	ddp_case_free(&c);
	ddp_finding_result_free(&result);
	ddp_cli_engine_teardown(&s);
	return rc;
}
