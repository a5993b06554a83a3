/* engine_setup.c: the differential engine's configuration from options. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "baselines_cli.h"
#include "engine_setup.h"
#include "suite/suite.h"

int ddp_cli_engine_setup(ddp_engine_setup *s, const char *reference, const char *reader,
                         const char *candidate, const char *stderr_mode,
                         const char *info_profile, const char *workdir, double timeout)
{
	return ddp_cli_engine_setup_for(s, reference, reader, candidate, stderr_mode, info_profile,
	                                workdir, timeout, NULL);
}

/*
 * --reference model[:VERSION|all]: the model of VERSION (the reader's when
 * none; all: of every profile at once) is the reference; a materialised qemu-img of exactly that version
 * (the reader itself, or one `ci/qemu-versions list` has; VERSION without
 * a micro: the only one of that major.minor) answers the cases the model
 * cannot.  A ddparity exit status.
 */
static int setup_model_reference(ddp_config *cfg, const char *version)
{
	ddp_version v = cfg->reference.version;
	ddp_error err;
	ddp_bl_ref *refs = NULL;
	size_t n = 0, found = 0, at = 0;
	char want[32], real[4096] = "";
	int exact;

	if (version && !strcmp(version, "all")) {
		/* Every profile's model at once; none has a real qemu-img to fall back on. */
		cfg->reference_model = cfg->reference_all = 1;
		snprintf(cfg->reference_name, sizeof(cfg->reference_name), "model:all");
		fprintf(stderr, "ddparity: reference model:all: the models of every profile (");
		for (size_t i = 0; i < ddp_profile_count(); i++)
			fprintf(stderr, "%s%s", i ? ", " : "", ddp_profile_name(ddp_profile_at(i)));
		fprintf(stderr, ") at once; a case none of them can answer is unmodelled\n");
		return DDP_EXIT_OK;
	}
	if (version && ddp_model_version(&v, version, "--reference model:VERSION", &err))
		return ddp_cli_fail("%s: %s (or model, model:all)", err.source, err.message);
	ddp_version_text(want, sizeof(want), v);
	cfg->reference_model = 1;
	cfg->model_version = v;
	cfg->model_profile = ddp_profile_for(v, &exact);
	snprintf(cfg->reference_name, sizeof(cfg->reference_name), "model:%s",
	         version ? version : want);
	if (!ddp_version_cmp(v, cfg->reference.version)) {
		snprintf(real, sizeof(real), "%s", cfg->reference.spec);
	} else if (ddp_cli_status(ddp_bl_references(&refs, &n, NULL, 0, DDP_BL_MATERIALISED_OR_PATH,
	                                            "fuzz", &err), &err) == DDP_EXIT_OK) {
		size_t wl = strlen(version ? version : want);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(refs[i].version, want) ||
			    (version && !strchr(version + strcspn(version, ".") + 1, '.') &&
			     !strncmp(refs[i].version, version, wl) && refs[i].version[wl] == '.')) {
				found++;
				at = i;
			}
		if (found == 1)
			snprintf(real, sizeof(real), "%s", refs[at].path);
	}
	free(refs);
	if (*real && ddp_tool_init(&cfg->ref_real, real, &err))
		return ddp_cli_fail("--reference %s: %s: %s", cfg->reference_name, err.source,
		                    err.message);
	fprintf(stderr, "ddparity: reference %s: the model's profile %s%s; cases it cannot answer: "
	        "%s%s\n", cfg->reference_name, ddp_profile_name(cfg->model_profile),
	        exact ? "" : " (the nearest)", *real ? "run by " : found > 1 ? "counted as unmodelled "
	        "(more than one qemu-img of that version materialised: give MAJOR.MINOR.MICRO)"
	        : "counted as unmodelled (no qemu-img of that version materialised: "
	        "`ci/qemu-versions fetch`)", real);
	return DDP_EXIT_OK;
}

int ddp_cli_engine_setup_for(ddp_engine_setup *s, const char *reference, const char *reader,
                             const char *candidate, const char *stderr_mode,
                             const char *info_profile, const char *workdir, double timeout,
                             const char *fixture)
{
	ddp_error err;
	char fixdir[4200];
	ddp_config *cfg = &s->cfg;
	const char *model_version = NULL;
	int ref_model = reference && ddp_reference_is_model(reference, &model_version);

	memset(s, 0, sizeof(*s));
	ddp_dd_attach(cfg);
	if (reader && !ref_model)
		return ddp_cli_fail("--reader %s: only with --reference model[:VERSION] (a real "
		                    "reference reads its outputs itself)", reader);
	/* With the model as the reference, the reader makes fixtures and reads outputs. */
	if (ddp_tool_init(&cfg->reference, ref_model ? (reader ? reader : "qemu-img")
	                                   : reference ? reference : "qemu-img", &err))
		return ddp_cli_fail("--%s %s: %s", ref_model ? "reader" : "reference", err.source,
		                    err.message);
	if (cfg->reference.is_model || !cfg->reference.is_qemu) {
		ddp_cli_fail("--%s %s: not a qemu-img (its --version does not say "
		             "\"qemu-img version\")", ref_model ? "reader" : "reference",
		             cfg->reference.spec);
		ddp_tool_free(&cfg->reference);
		return DDP_EXIT_USAGE;
	}
	if (ddp_tool_init(&cfg->candidate, candidate ? candidate : "model", &err)) {
		ddp_tool_free(&cfg->reference);
		return ddp_cli_fail("--candidate %s: %s", err.source, err.message);
	}
	cfg->model_profile = ddp_profile_for(cfg->reference.version, NULL);
	if (ref_model && cfg->candidate.is_model) {
		snprintf(err.message, sizeof(err.message), "--reference %s: the candidate must then "
		         "be a command, not the model", reference);
		goto usage;
	}
	if (ref_model && setup_model_reference(cfg, model_version)) {
		ddp_tool_free(&cfg->reference);
		ddp_tool_free(&cfg->candidate);
		ddp_tool_free(&cfg->ref_real);
		return DDP_EXIT_USAGE;
	}
	if (ddp_info_profile_lookup(&cfg->info_profile, info_profile ? info_profile : "parity", &err))
		goto usage;
	if (!stderr_mode)
		cfg->stderr_mode = cfg->candidate.is_model || cfg->candidate.is_qemu
		                   ? DDP_STDERR_EXACT : DDP_STDERR_CLASS;
	else if (ddp_cli_stderr_mode(&cfg->stderr_mode, stderr_mode)) {
		snprintf(err.message, sizeof(err.message),
		         "--stderr '%s': use exact, class or ignore", stderr_mode);
		goto usage;
	}
	{
		char u[128];
		ddp_config_unmeasured(u, sizeof(u), cfg);
		if (*u)
			fprintf(stderr, "ddparity: UNMEASURED: qemu %s was never measured itself (its "
			        "profile's rules are assumed; `ddparity versions`); findings say so\n", u);
	}
	cfg->timeout = timeout > 0 ? timeout : 30;
	cfg->output_cap = 1 << 20;
	/* Fixtures are at most tens of MiB: far past that, an output is a fault. */
	cfg->max_output = DDP_MAX_OUTPUT_DEFAULT;

	/* The work directory: the user's, or a private one removed at the end. */
	if (workdir) {
		if (mkdir(workdir, 0755) && errno != EEXIST) {
			snprintf(err.message, sizeof(err.message), "--workdir %s: %s", workdir, strerror(errno));
			goto usage;
		}
		/* Absolute: fixture links and case directories must not depend on cwd. */
		if (!realpath(workdir, cfg->workdir)) {
			snprintf(err.message, sizeof(err.message), "--workdir %s: %s", workdir, strerror(errno));
			goto usage;
		}
	} else {
		if (ddp_private_dir(cfg->workdir, sizeof(cfg->workdir), ddp_temp_root(), "work", &err))
			goto usage;
		s->own_workdir = 1;
	}
	if (!s->own_workdir) {
		int swept = ddp_workdir_sweep(cfg->workdir);
		if (swept)
			fprintf(stderr, "ddparity: removed %d case director%s left by a campaign that "
			        "was killed\n", swept, swept == 1 ? "y" : "ies");
	}
	snprintf(fixdir, sizeof(fixdir), "%s/fixtures-%d.%d.%d", cfg->workdir,
	         cfg->reference.version.major, cfg->reference.version.minor,
	         cfg->reference.version.micro);
	if (fixture ? ddp_fixtures_make_only(&s->fixtures, fixdir, cfg->reference.argv[0], fixture,
	                                     &err)
	            : ddp_fixtures_make(&s->fixtures, fixdir, cfg->reference.argv[0], &err)) {
		ddp_cli_fail("fixtures: %s: %s", err.source, err.message);
		ddp_cli_engine_teardown(s);
		return DDP_EXIT_USAGE;
	}
	cfg->fixtures = &s->fixtures;
	if (fixture) {
		/* Not an engine fixture: an ad hoc input (dd-raw-4096, say). */
		ddp_case one;
		memset(&one, 0, sizeof(one));
		snprintf(one.fixture, sizeof(one.fixture), "%s", fixture);
		if (ddp_cli_engine_setup_case(s, &one)) {
			ddp_cli_engine_teardown(s);
			return DDP_EXIT_USAGE;
		}
	}
	return DDP_EXIT_OK;

usage:
	ddp_cli_fail("%s", err.message);
	ddp_tool_free(&cfg->reference);
	ddp_tool_free(&cfg->candidate);
	ddp_tool_free(&cfg->ref_real);
	return DDP_EXIT_USAGE;
}

int ddp_cli_engine_setup_case(ddp_engine_setup *s, const ddp_case *c)
{
	char dir[4300];
	ddp_fixture f, *items;
	ddp_error err;

	if (strncmp(c->fixture, "dd-", 3) || ddp_fixtures_find(&s->fixtures, c->fixture))
		return DDP_EXIT_OK;
	snprintf(dir, sizeof(dir), "%s/inputs", s->cfg.workdir);
	if (ddp_fixture_adhoc_named(&f, dir, s->cfg.reference.argv[0], c->fixture, &err))
		return ddp_cli_fail("%s: %s", err.source, err.message);
	if (!(items = realloc(s->fixtures.items, (s->fixtures.count + 1) * sizeof(*items))))
		return ddp_cli_fail("out of memory");
	items[s->fixtures.count++] = f;
	s->fixtures.items = items;
	s->cfg.fixtures = &s->fixtures;
	return DDP_EXIT_OK;
}

void ddp_cli_finding_dir(char *out, size_t size, const char *dir)
{
	char path[4300];

	snprintf(path, sizeof(path), "%s/headline/result.json", dir);
	if (access(path, F_OK) == 0)
		snprintf(out, size, "%s/headline", dir);
	else
		snprintf(out, size, "%s", dir);
}

int ddp_cli_engine_setup_map(ddp_engine_setup *s, const char *manifest)
{
	char path[4200];
	ddp_error err;

	if (s->cfg.candidate.is_model || s->cfg.reference_model)
		return ddp_cli_fail("--command map: the model does not model `qemu-img map`; give "
		                    "--reference and --candidate commands");
	ddp_bl_path(path, sizeof(path), manifest ? manifest : "expected-outputs/map-fixtures");
	if (ddp_map_manifest_load(&s->map, path, &err))
		return ddp_cli_fail_error(path, &err);
	snprintf(s->cfg.map_fixdir, sizeof(s->cfg.map_fixdir), "%s/map-fixtures-%d.%d.%d",
	         s->cfg.workdir, s->cfg.reference.version.major, s->cfg.reference.version.minor,
	         s->cfg.reference.version.micro);
	/* Made afresh: the manifest may have changed since a kept work directory saw it. */
	ddp_remove_tree(s->cfg.map_fixdir);
	if (mkdir(s->cfg.map_fixdir, 0755))
		return ddp_cli_fail("%s: %s", s->cfg.map_fixdir, strerror(errno));
	if (ddp_map_fixtures_make(&s->map, s->cfg.map_fixdir, s->cfg.reference.argv[0], &err))
		return ddp_cli_fail_error(path, &err);
	ddp_map_attach(&s->cfg, &s->map);
	return DDP_EXIT_OK;
}

void ddp_cli_engine_teardown(ddp_engine_setup *s)
{
	ddp_map_manifest_free(&s->map);
	ddp_fixtures_free(&s->fixtures);
	if (s->own_workdir)
		ddp_private_dir_remove(s->cfg.workdir);
	ddp_tool_free(&s->cfg.reference);
	ddp_tool_free(&s->cfg.candidate);
	ddp_tool_free(&s->cfg.ref_real);
}

/* What one side would run: its --version, then the case (the reference also reads the outputs). */
static void print_runs(const char *side, const char *spec, const char *describe)
{
	if (ddp_reference_is_model(spec, NULL)) {
		fprintf(stderr, "  %s: %s (the core's prediction; no program)\n", side, spec);
		return;
	}
	/* describe starts with "qemu-img": the tool's own command takes its place. */
	fprintf(stderr, "  %s: %s --version; %s%s\n", side, spec, spec, describe + strlen("qemu-img"));
}

void ddp_cli_model_only(ddp_engine_setup *s)
{
	/* None, or the reader itself (which runs anyway): nothing more runs. */
	if (!s->cfg.ref_real.argc || !strcmp(s->cfg.ref_real.spec, s->cfg.reference.spec))
		return;
	fprintf(stderr, "ddparity: the finding's reference %s runs no program you did not name: "
	        "cases its model cannot answer are unmodelled, not run by %s (--trust-finding, "
	        "or --reference %s, to run it)\n", s->cfg.reference_name, s->cfg.ref_real.spec,
	        s->cfg.reference_name);
	ddp_tool_free(&s->cfg.ref_real);
	memset(&s->cfg.ref_real, 0, sizeof(s->cfg.ref_real));
}

int ddp_cli_finding_tools(const char **reference, const char **candidate,
                          const ddp_finding_result *r, const ddp_case *c, int trust,
                          const char *cmd, const char *dir, int *model_only)
{
	char *describe;

	*model_only = 0;
	/* The model is no program: a finding against it needs no trust (but see ddp_cli_model_only). */
	if (!*reference && (trust || ddp_reference_is_model(r->reference, NULL))) {
		*reference = r->reference;
		*model_only = !trust;
	}
	if (!*candidate && (trust || !strcmp(r->candidate, "model")))
		*candidate = r->candidate;
	if (*reference && *candidate)
		return DDP_EXIT_OK;
	describe = ddp_case_describe(c);
	fprintf(stderr, "ddparity: %s: not running the programs %s/result.json names: a finding "
	        "is data, so it runs only the tools you name or, with --trust-finding, its own.\n"
	        "It would run:\n", cmd, dir);
	/* What would run: the tool named, else the finding's. */
	print_runs("reference", *reference ? *reference : r->reference, describe);
	print_runs("candidate", *candidate ? *candidate : r->candidate, describe);
	free(describe);
	fprintf(stderr, "To run those: ddparity %s ", cmd);
	ddp_fput_quoted(stderr, dir);
	fprintf(stderr, " --trust-finding\nWith tools of your own: ddparity %s ", cmd);
	ddp_fput_quoted(stderr, dir);
	fprintf(stderr, " --reference QEMU_IMG --candidate SPEC|model\n");
	return DDP_EXIT_USAGE;
}

static const char *const stderr_modes[] = {"exact", "class", "ignore"};

const char *ddp_cli_stderr_mode_name(ddp_stderr_mode m)
{
	return (size_t)m < sizeof(stderr_modes) / sizeof(*stderr_modes) ? stderr_modes[m] : "?";
}

int ddp_cli_stderr_mode(ddp_stderr_mode *out, const char *name)
{
	for (size_t i = 0; i < sizeof(stderr_modes) / sizeof(*stderr_modes); i++)
		if (!strcmp(name, stderr_modes[i])) {
			*out = (ddp_stderr_mode)i;
			return DDP_OK;
		}
	return DDP_EINVAL;
}
