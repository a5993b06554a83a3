/* qemuversion.c: asking a qemu-img binary which version it is (common.h). */
#include <string.h>

#include "common/common.h"

int ddp_qemu_version(ddp_version *out, const char *path, ddp_error *err)
{
	const char *prog = path ? path : "qemu-img";
	const char *argv[] = {prog, "--version", NULL};
	/* The engine's runner: a probe that never ends is cut off, not waited on. */
	ddp_proc_opts o = {NULL, DDP_VERSION_PROBE_SECONDS, 512, 0, 0};
	ddp_proc_result r;
	ddp_error perr;
	int ok;

	if (ddp_proc_run(&r, argv, &o, &perr))
		return ddp_error_set(err, DDP_ERROR, prog, 0, 0, "cannot run %s: %s", prog, perr.message);
	if (r.timed_out) {
		ddp_proc_result_free(&r);
		return ddp_error_set(err, DDP_ERROR, prog, 0, 0, "%s --version did not finish within "
		                     "%d s", prog, DDP_VERSION_PROBE_SECONDS);
	}
	ok = r.exited && r.exit_code == 0;
	r.out[strcspn(r.out, "\n")] = '\0';
	if (!ok) {
		ddp_proc_result_free(&r);
		return ddp_error_set(err, DDP_ERROR, prog, 0, 0, "%s --version failed (is it a "
		                     "qemu-img?)", prog);
	}
	if (ddp_version_parse(out, r.out, err)) {
		ddp_error_set(err, DDP_ERROR, prog, 0, 0, "%s is not a qemu-img: its --version says "
		              "'%.80s'", prog, r.out);
		ddp_proc_result_free(&r);
		return DDP_ERROR;
	}
	ddp_proc_result_free(&r);
	return DDP_OK;
}
