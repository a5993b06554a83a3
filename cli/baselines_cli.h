/* baselines_cli.h: what baselines, replay, minimise and promote share. */
#ifndef DDP_BASELINES_CLI_H
#define DDP_BASELINES_CLI_H

#include "suite/suite.h"

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
 * all_versions DDP_BL_MATERIALISED_OR_PATH: every listed version, and
 * qemu-img on PATH when the list names none (not an error: the caller
 * says so as it sees fit).
 */
#define DDP_BL_MATERIALISED_OR_PATH 2
int ddp_bl_references(ddp_bl_ref **out, size_t *n, const char *const *given, size_t ngiven,
                      int all_versions, const char *who);

/*
 * Makes the baselines of cases (only those named in only, when nonzero)
 * for every reference, jobs references at a time.  results[r * ncases + i]
 * gets reference r's baseline of case i (zeroed for cases not made);
 * made[r] (when made is not NULL) what reference r made, which is also
 * the line printed per reference on stderr.  A ddparity exit status.
 */
typedef struct ddp_bl_made {
	int made, failing; /* cases made; of which dd failed */
	double seconds;
} ddp_bl_made;
int ddp_bl_make_all(ddp_baseline **results, ddp_bl_made *made, const ddp_bl_ref *refs,
                    size_t nrefs, const ddp_ddcases *cases, const char *const *only, size_t nonly,
                    int jobs, const char *workdir);

/*
 * Writes one version's baselines under root/version: with whole, into a
 * new directory swapped in for the old one (so a kill leaves one or the
 * other); else only the named cases with a meta_text, each in place.
 * A ddparity exit status.
 */
int ddp_bl_write_version(const char *root, const char *version, const char *const *names,
                         const ddp_baseline *res, size_t n, int whole);

/* `baselines export --layout instar OUTDIR` (argv[0] the subcommand). */
int ddp_bl_export(int argc, char **argv);

/* `baselines generate|profiles --command map` (argv[0] the subcommand). */
int ddp_bl_map(int argc, char **argv);

/* `replay --command map` (the --command words taken out). */
int ddp_replay_map(int argc, char **argv);

/*
 * Runs fn on each of n jobs (an array of size-byte items), at_once threads
 * at a time, and waits for them all.
 */
void ddp_bl_parallel(void *jobs, size_t size, size_t n, int at_once, void *(*fn)(void *));

/*
 * The known-divergences file at path into *out (NULL when there is none and
 * given is NULL: the default is optional).  A ddparity exit status; an error
 * names the file and line.
 */
int ddp_bl_known_load(ddp_known_divergences **out, const char *path, const char *given,
                      const char *who);

/* A private work directory under $TMPDIR (or the given one); a ddparity exit status. */
int ddp_bl_workdir(char *buf, size_t size, const char *given, int *own);

#endif
