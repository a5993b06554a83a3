/*
 * afl_driver.c: the differential engine as a fuzz harness, for AFL++
 * (afl-clang-fast -fsanitize=fuzzer) or libFuzzer.  An input is a case in
 * its JSON form (what afl_mutator.c, the custom mutator, writes), else its
 * bytes are the generator's choices; the instrumented model and generator
 * steer coverage; both tools run on the case; a divergence is saved as a
 * finding and then aborts, so the fuzzer keeps the input too.
 *
 * Environment: DDP_REFERENCE (qemu-img), DDP_CANDIDATE (model),
 * DDP_FINDINGS (findings), DDP_WORKDIR (a private directory under $TMPDIR),
 * DDP_STDERR (exact/class/ignore; default as `ddparity fuzz`).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suite/suite.h"

static ddp_config cfg;
static ddp_fixtures fixtures;
static ddp_findings findings;
static uint64_t case_no;

static void die(const char *what, const ddp_error *err)
{
	fprintf(stderr, "ddp_afl_diff: %s: %s: %s\n", what, err ? err->source : "",
	        err ? err->message : strerror(errno));
	abort();
}

static const char *env(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ddp_error err;
	const char *mode = getenv("DDP_STDERR");
	char fixdir[4200];

	(void)argc;
	(void)argv;
	if (ddp_tool_init(&cfg.reference, env("DDP_REFERENCE", "qemu-img"), &err))
		die("DDP_REFERENCE", &err);
	if (!cfg.reference.is_qemu)
		die("DDP_REFERENCE is not a qemu-img", NULL);
	if (ddp_tool_init(&cfg.candidate, env("DDP_CANDIDATE", "model"), &err))
		die("DDP_CANDIDATE", &err);
	cfg.model_profile = ddp_profile_for(cfg.reference.version, NULL);
	if (ddp_info_profile_lookup(&cfg.info_profile, env("DDP_PROFILE", "parity"), &err))
		die("DDP_PROFILE", &err);
	cfg.stderr_mode = mode && !strcmp(mode, "class") ? DDP_STDERR_CLASS
	                  : mode && !strcmp(mode, "ignore") ? DDP_STDERR_IGNORE
	                  : mode && !strcmp(mode, "exact") ? DDP_STDERR_EXACT
	                  : cfg.candidate.is_model || cfg.candidate.is_qemu ? DDP_STDERR_EXACT
	                                                                   : DDP_STDERR_CLASS;
	ddp_dd_attach(&cfg);
	cfg.timeout = 30;
	cfg.output_cap = 1 << 20;
	cfg.max_output = DDP_MAX_OUTPUT_DEFAULT;
	if (getenv("DDP_WORKDIR")) {
		if (mkdir(getenv("DDP_WORKDIR"), 0755) && errno != EEXIST)
			die(getenv("DDP_WORKDIR"), NULL);
		if (!realpath(getenv("DDP_WORKDIR"), cfg.workdir))
			die(getenv("DDP_WORKDIR"), NULL);
	} else {
		/* Marked: once this process is gone, the next one's sweep removes it. */
		if (ddp_private_dir(cfg.workdir, sizeof(cfg.workdir), ddp_temp_root(), "afl", &err))
			die("work directory", &err);
	}
	ddp_workdir_sweep(cfg.workdir);
	snprintf(fixdir, sizeof(fixdir), "%s/fixtures", cfg.workdir);
	if (ddp_fixtures_make(&fixtures, fixdir, cfg.reference.argv[0], &err))
		die("fixtures", &err);
	cfg.fixtures = &fixtures;
	if (ddp_findings_open(&findings, env("DDP_FINDINGS", "findings"), &err))
		die("DDP_FINDINGS", &err);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ddp_case c;
	ddp_result res;
	ddp_error err;
	uint64_t n = case_no++;

	ddp_case_of_input(&c, data, size, &fixtures);
	if (ddp_case_run(&res, &cfg, &c, n, &err))
		die("case", &err);
	if (res.verdict == DDP_DIVERGES) {
		char where[4300];
		if (ddp_findings_add(&findings, &cfg, &c, &res, 0, n, NULL, where, sizeof(where), &err))
			die("findings", &err);
		fprintf(stderr, "ddp_afl_diff: divergence %s saved in %s\n", res.signature, where);
		abort(); /* the fuzzer keeps this input as a crash */
	}
	ddp_result_free(&res);
	ddp_case_free(&c);
	return 0;
}
