/* baselines_cli.h: what baselines, replay, minimise and promote share. */
#ifndef DDP_BASELINES_CLI_H
#define DDP_BASELINES_CLI_H

#include "baseline.h"

/* A qemu-img to make baselines with, and the version its --version says. */
typedef struct ddp_bl_ref {
	char path[4096];
	char version[32];
} ddp_bl_ref;

/*
 * A path under the source tree: rel as given when it exists from here,
 * else under $DDP_SOURCE_DIR, else beside the ddparity binary's parent
 * (build/ddparity -> ./), else rel itself.
 */
void ddp_bl_path(char *buf, size_t size, const char *rel);

/*
 * The qemu-img binaries to use: the given paths, or (all_versions) every
 * version `ci/qemu-versions list` has, or qemu-img on PATH.  *out is
 * malloc'd; a ddparity exit status (a message was printed when not 0).
 */
int ddp_bl_references(ddp_bl_ref **out, size_t *n, const char *const *given, size_t ngiven,
                      int all_versions, const char *who);

/*
 * Makes the baselines of cases (only those named in only, when nonzero)
 * for every reference, jobs references at a time.  results[r * ncases + i]
 * gets reference r's baseline of case i (zeroed for cases not made).
 * Prints one line per reference on stderr.  A ddparity exit status.
 */
int ddp_bl_make_all(ddp_baseline **results, const ddp_bl_ref *refs, size_t nrefs,
                    const ddp_ddcases *cases, const char *const *only, size_t nonly,
                    int jobs, const char *workdir);

/* A private work directory under $TMPDIR (or the given one); a ddparity exit status. */
int ddp_bl_workdir(char *buf, size_t size, const char *given, int *own);

#endif
