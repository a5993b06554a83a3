/* tool.c: the reference and the candidate, as argv prefixes or the model. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

int ddp_reference_is_model(const char *spec, const char **version)
{
	if (version)
		*version = NULL;
	if (!strcmp(spec, "model"))
		return 1;
	if (strncmp(spec, "model:", 6))
		return 0;
	if (version)
		*version = spec + 6;
	return 1;
}

int ddp_model_version(ddp_version *out, const char *text, const char *what, ddp_error *err)
{
	if (strspn(text, "0123456789.") != strlen(text) || ddp_version_parse(out, text, NULL))
		return ddp_error_set(err, DDP_EINVAL, what, 0, 0, "'%s' is not a version "
		                     "(MAJOR.MINOR[.MICRO])", text);
	return DDP_OK;
}

const char *ddp_config_reference(const ddp_config *cfg)
{
	return cfg->reference_model ? cfg->reference_name : cfg->reference.spec;
}

void ddp_tool_free(ddp_tool *t)
{
	for (int i = 0; i < t->argc; i++)
		free(t->argv[i]);
	free(t->spec);
	memset(t, 0, sizeof(*t));
}

int ddp_tool_init(ddp_tool *t, const char *spec, ddp_error *err)
{
	char *copy, *tok, *save = NULL;
	const char *vargv[18];
	ddp_proc_result r;
	ddp_proc_opts o = {NULL, DDP_VERSION_PROBE_SECONDS, 1 << 16, 0, 0};

	memset(t, 0, sizeof(*t));
	t->spec = strdup(spec);
	if (!strcmp(spec, "model")) {
		t->is_model = 1;
		return DDP_OK;
	}
	copy = strdup(spec);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (t->argc >= 15) {
			free(copy);
			ddp_tool_free(t);
			return ddp_error_set(err, DDP_EINVAL, spec, 0, 0, "%s", "more than 15 words in a tool's command");
		}
		/*
		 * Tools run inside each case's directory: a relative path to a
		 * program ("build/qemu-versions/5.2.0/qemu-img") becomes absolute.
		 */
		if (t->argc == 0 && strchr(tok, '/') && tok[0] != '/') {
			char *abs = realpath(tok, NULL);
			if (!abs) {
				int e = errno;
				free(copy);
				ddp_tool_free(t);
				return ddp_error_set(err, DDP_EINVAL, spec, 0, 0, "%s: %s", tok, strerror(e));
			}
			t->argv[t->argc++] = abs;
			continue;
		}
		t->argv[t->argc++] = strdup(tok);
	}
	free(copy);
	if (!t->argc) {
		ddp_tool_free(t);
		return ddp_error_set(err, DDP_EINVAL, spec, 0, 0, "%s", "an empty command");
	}
	/* Does it say it is a qemu-img?  Then its stderr is compared exactly. */
	for (int i = 0; i < t->argc; i++)
		vargv[i] = t->argv[i];
	vargv[t->argc] = "--version";
	vargv[t->argc + 1] = NULL;
	if (ddp_proc_run(&r, vargv, &o, err)) {
		char msg[300];
		snprintf(msg, sizeof(msg), "cannot run it: %s", err ? err->message : "");
		ddp_tool_free(t);
		return ddp_error_set(err, DDP_EINVAL, spec, 0, 0, "%s", msg);
	}
	if (r.timed_out) {
		ddp_proc_result_free(&r);
		ddp_tool_free(t);
		return ddp_error_set(err, DDP_EINVAL, spec, 0, 0, "%s --version did not finish within %d s",
		                     spec, DDP_VERSION_PROBE_SECONDS);
	}
	if (r.exited && r.exit_code == 0 && !strncmp(r.out, "qemu-img version ", 17)) {
		r.out[strcspn(r.out, "\n")] = '\0';
		t->is_qemu = ddp_version_parse(&t->version, r.out, NULL) == DDP_OK;
	}
	ddp_proc_result_free(&r);
	return DDP_OK;
}
