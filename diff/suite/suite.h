/*
 * suite.h: the suite module, above the engine.  The curated dd cases
 * (expected-outputs/dd-cases, ddcases.c), the per-version baselines
 * qemu-img gives for them (expected-outputs/dd-info-json/<version>/,
 * baseline.c) and the files they are read back from (baselinefiles.c),
 * their deduplication into profiles, the shrinking of a finding into a new
 * case (minimise.c), and the dd command (ddp_dd_command: the engine's dd
 * runner with minimise).
 *
 * The layout is instar's testdata layout, so its tooling reads ours:
 *
 *   dd-info-json/<version>/<case>.stdout.txt   info JSON of the output,
 *                                             normalised (ddp_info_normalise)
 *   dd-info-json/<version>/<case>.stderr.txt   dd's stderr, "---INFO STDERR---",
 *                                             info's stderr
 *   dd-info-json/<version>/<case>.meta.json    exit codes, operands, formats
 *   dd-info-json/profiles/profile-<sha256:8>/  one copy per set of identical
 *                                             versions
 *   dd-info-json/version-map.json              version -> profile
 */
#ifndef DDP_SUITE_H
#define DDP_SUITE_H

#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"

#define DDP_DDCASE_MAX_OPS 32

/* The marker line between dd's and info's stderr in a .stderr.txt. */
#define DDP_BASELINE_STDERR_MARKER "---INFO STDERR---"

/* ---- dd-cases: the curated list ------------------------------------------ */

/*
 * One line of dd-cases:  NAME  SIZE  IN-FORMAT  OUT-FORMAT  [OPERAND...]
 * The dd runs as `qemu-img dd -O OUT OPERAND... if=in.IN of=out.OUT` in a
 * directory of its own, the input made from SIZE bytes of a fixed pattern
 * (SIZE:sparse or SIZE:zero for the engine's other two patterns).  When an
 * operand is an if= or of=, the line names its files itself: the runner
 * adds none, and the values IN and OUT are in.IN and out.OUT.
 */
typedef struct ddp_ddcase {
	char name[128];
	char size_text[32];   /* the size as written, without the pattern: "1M", "5000" */
	int64_t size;         /* bytes */
	char pattern[8];      /* "random" (the default, written as nothing), "sparse", "zero" */
	char in_fmt[16];      /* raw, qcow2, vmdk, vpc, vhdx */
	char out_fmt[32];     /* given to -O */
	int nops;
	char *ops[DDP_DDCASE_MAX_OPS]; /* malloc'd */
	int line;             /* in its file, 0 when made in memory */
} ddp_ddcase;

typedef struct ddp_ddcases {
	ddp_ddcase *items;
	size_t count;
} ddp_ddcases;

/*
 * Parses a dd-cases file's text.  A malformed line rejects the whole file:
 * err names source and the line (and column).
 */
int ddp_ddcases_parse(ddp_ddcases *out, const char *text, const char *source,
                      ddp_error *err);
int ddp_ddcases_load(ddp_ddcases *out, const char *path, ddp_error *err);
void ddp_ddcases_free(ddp_ddcases *list);
const ddp_ddcase *ddp_ddcases_find(const ddp_ddcases *list, const char *name);
/* The first case other than c that runs the same dd (same bytes, formats, operands). */
const ddp_ddcase *ddp_ddcases_same(const ddp_ddcases *list, const ddp_ddcase *c);

void ddp_ddcase_free(ddp_ddcase *c);
int ddp_ddcase_copy(ddp_ddcase *dst, const ddp_ddcase *src);
/* Checks one case as the parser would (name, size, formats, operands). */
int ddp_ddcase_check(const ddp_ddcase *c, const char *source, ddp_error *err);

/* "1M", "64k" or bytes, the shortest exact form. */
void ddp_ddcase_size_text(char *buf, size_t size, int64_t bytes);
/* bytes, or with k/K, M, G (powers of 1024); -1 when not a size. */
int64_t ddp_ddcase_parse_size(const char *text);
/* The SIZE column: "1M", or "56M:sparse" for a pattern other than random. */
void ddp_ddcase_size_column(char *buf, size_t size, const ddp_ddcase *c);
/* <size>-<in>-<operands without '=', or "whole">-<out>, filename-safe. */
void ddp_ddcase_default_name(char *buf, size_t size, const ddp_ddcase *c);
/* The dd-cases line (columns aligned as in the committed file), with '\n'. */
char *ddp_ddcase_line(const ddp_ddcase *c);
/*
 * The case's name as instar spells it (its DD_CASES and testdata): a final
 * `-vpc` of a case whose output is vpc becomes `-vhd`, as instar's
 * generate-baselines names qemu's vpc.
 */
void ddp_ddcase_instar_name(char *buf, size_t size, const ddp_ddcase *c);
/* The case as a tuple of instar's generate-baselines.py DD_CASES, with '\n'. */
char *ddp_ddcase_python(const ddp_ddcase *c);

/* Room for a case's file names (its own of= values are at most 100 characters). */
#define DDP_DDCASE_NAME_MAX 128
/*
 * Whether the line names its own files: an operand begins with if= or of=.
 * The runner then adds neither, and IN and OUT as an if= or of= value are
 * its in.<fmt> and out.<fmt>.
 */
int ddp_ddcase_literal_files(const ddp_ddcase *c);
/*
 * Whether the operands give the output format themselves (an -O twice, in
 * a cluster: a finding of a candidate that reads options its own way): the
 * runner then adds no -O of its own, and the -O that applies must name the
 * OUT-FORMAT column's format (raw when none applies).  By the core's
 * parser, under any profile.
 */
int ddp_ddcase_literal_format(const ddp_ddcase *c);
/* in.<fmt>: the input's name (the runner links the input there). */
void ddp_ddcase_in_name(char *buf, size_t size, const ddp_ddcase *c);
/* out.<fmt>: the runner's output name (its of=, and what of=OUT means). */
void ddp_ddcase_runner_out_name(char *buf, size_t size, const ddp_ddcase *c);
/* Where the dd writes its output: the last of= of the line, else out.<fmt>. */
void ddp_ddcase_out_name(char *buf, size_t size, const ddp_ddcase *c);
/*
 * The arguments after `dd` (malloc'd): -O OUT OPERAND... if=in.IN
 * of=out.OUT, or with the line's own files -O OUT OPERAND... with IN and
 * OUT values replaced.
 */
int ddp_ddcase_args(const ddp_ddcase *c, char ***argv_out, int *argc_out);
void ddp_ddcase_args_free(char **argv, int argc);

/* ---- inputs of any size and format (an engine fixture made on demand) --- */


/* ---- baselines ----------------------------------------------------------- */

typedef struct ddp_baseline {
	char *stdout_text;   /* normalised info JSON, "" when info did not run */
	char *stderr_text;
	char *meta_text;
	int dd_rc, info_rc;  /* info_rc -1: not run */
} ddp_baseline;

/*
 * Runs one case with qemu_img (version its version, "7.2.22"): makes the
 * input under fixdir, runs the dd in a fresh directory under workdir, and
 * info on the output when the dd succeeded; when info read it, meta.json
 * records the sha256 of its data (ddp_output_sha256) as output_sha256.
 */
int ddp_baseline_make(ddp_baseline *out, const ddp_ddcase *c, const char *qemu_img,
                      const char *version, const char *fixdir, const char *workdir,
                      ddp_error *err);
void ddp_baseline_free(ddp_baseline *b);

/*
 * The sha256 of dir/name's data: the image (format fmt, as info named it)
 * flattened to raw by qemu_img, a raw one being its own flat form.  Two
 * outputs with the same info can differ only here (a window one byte off
 * within a sector), so baselines record it and replay compares it.
 */
int ddp_output_sha256(char hex[65], const char *qemu_img, const char *dir, const char *name,
                      const char *fmt, ddp_error *err);

/* Writes <dir>/<case>.{stdout.txt,stderr.txt,meta.json}. */
int ddp_baseline_write(const ddp_baseline *b, const char *dir, const char *name,
                       ddp_error *err);
/*
 * Whether <dir>/<case>.* exist (*exists) and equal b (*same).
 */
int ddp_baseline_compare_files(int *exists, int *same, const ddp_baseline *b,
                               const char *dir, const char *name, ddp_error *err);


/*
 * Rebuilds root/profiles/ and root/version-map.json from root's version
 * directories: versions whose baselines are identical (ignoring the
 * qemu_version recorded in each meta.json) share a profile named
 * profile-<first 8 hex digits of the sha256 of their files>, which holds a
 * copy of the first (oldest) version's files.  summary (optional) gets one
 * line per profile.
 */
int ddp_baseline_profiles(const char *root, FILE *summary, ddp_error *err);

/*
 * The profile directory for a qemu version, from root/version-map.json:
 * the exact version, else one with the same major.minor.  *version_used
 * (optional, 32 bytes) gets the version the map named.
 */
int ddp_baseline_profile_for(char *dir, size_t size, char *version_used,
                             const char *root, const char *version, ddp_error *err);

/* ---- minimise: a finding to the smallest case with its signature -------- */



typedef struct ddp_minimise_result {
	ddp_ddcase ddcase;   /* the minimised case (named by default) */
	char signature[512];
	int runs;            /* cases run, both tools each */
	double seconds;
	int orig_args;       /* the finding's operands in dd-cases form (no if=, of=, -O) */
	size_t orig_chars;   /* and their total length */
	int64_t orig_size;
	char orig_fixture[64];
	char rules[400];     /* the reference's rules on the minimised case */
	char orig_rules[400];/* and on the finding's */
	int modelled;        /* the model knows the finding's case (rules are filled) */
	int out_of_time;     /* the budget ran out: the smallest case so far */
} ddp_minimise_result;

/*
 * Shrinks the finding (its case c, recorded signature) under cfg, whose
 * tools and modes are the finding's: first into dd-cases form (the same
 * arguments on a dd-cases input of the fixture's size and format, -O
 * taken out, if= and of= given by the runner, or when that loses the
 * signature the finding's own, kept in place), then fewer operands,
 * smaller and plainer numbers, raw input, smaller input, for as long as
 * the signature stays the same.  DDP_EINVAL (err says why) when the
 * finding does not keep its signature in dd-cases form.
 */
/*
 * The dd command (engine.h's ddp_command): the engine's generator and
 * runner, and ddp_minimise for triage.  ddp_dd_attach puts it in cfg.
 */
extern const ddp_command ddp_dd_command;
void ddp_dd_attach(ddp_config *cfg);

int ddp_minimise(ddp_minimise_result *out, const ddp_config *cfg, const ddp_case *c,
                 const char *signature, const ddp_minimise_opts *opts, ddp_error *err);
void ddp_minimise_result_free(ddp_minimise_result *r);

/* ---- a baseline: <case>.meta.json and <case>.stdout.txt ------------------ */

typedef struct ddp_baseline_meta {
	char case_name[256];
	char qemu_version[32]; /* "" when absent */
	int dd_rc;             /* dd_return_code: 0..255 */
	int info_rc;           /* info_return_code: 0..255, -1 (null) when the dd failed */
	char output_sha256[65]; /* the output's data flattened to raw; "" when absent */
} ddp_baseline_meta;

/*
 * A meta.json: an object with case_name, dd_return_code and
 * info_return_code (null exactly when the dd failed, as generate writes
 * it), and the other members generate writes of the right type when
 * present.  case_name must be expect_name when that is given, so that a
 * baseline copied under another case's name is not replayed.
 */
int ddp_baseline_meta_parse(ddp_baseline_meta *out, const char *text, size_t len,
                            const char *source, const char *expect_name, ddp_error *err);
/*
 * Any baseline's meta.json (dd or map), as `baselines profiles` reads it:
 * an object whose case_name is a case name (never a path), expect_name.
 */
int ddp_baseline_meta_name_check(const char *text, size_t len, const char *source,
                                 const char *expect_name, ddp_error *err);
int ddp_baseline_meta_load(ddp_baseline_meta *out, const char *path,
                           const char *expect_name, ddp_error *err);

/*
 * A stdout.txt: the output's normalised info when the dd and info
 * succeeded (meta's info_rc 0): a JSON object the core's info comparison
 * reads, with its format and virtual-size; else empty.  Without meta,
 * either.  *out (optional) gets the object, NULL when empty.
 */
int ddp_baseline_stdout_parse(json_t **out, const char *text, size_t len,
                              const ddp_baseline_meta *meta, const char *source,
                              ddp_error *err);
/* Loads stdout.txt; *text (malloc'd, NUL-terminated) is what replay compares. */
int ddp_baseline_stdout_load(char **text, const char *path, const ddp_baseline_meta *meta,
                             ddp_error *err);

/* ---- version-map.json ------------------------------------------------------ */

typedef struct ddp_version_map_entry {
	char version[32];      /* "7.2.22" */
	char profile[24];      /* "profile-de990182" */
} ddp_version_map_entry;

typedef struct ddp_version_map {
	ddp_version_map_entry *entries; /* version_to_profile, in the file's order */
	size_t count;
} ddp_version_map;

/*
 * version-map.json: version_to_profile (at least one version, each
 * mapped to a name profile-<8 lowercase hex digits>, which becomes a
 * directory name), profiles (each profile used, to one of its versions)
 * and profile_versions (each profile used, to exactly its versions), all
 * three agreeing.
 */
int ddp_version_map_parse(ddp_version_map *out, const char *text, size_t len,
                          const char *source, ddp_error *err);
int ddp_version_map_load(ddp_version_map *out, const char *path, ddp_error *err);
void ddp_version_map_free(ddp_version_map *m);
/*
 * The entry of version, else (same_minor) the first with the same
 * major.minor (10.0.8 reads 10.0.13's baselines); NULL when none.
 */
const ddp_version_map_entry *ddp_version_map_find(const ddp_version_map *m,
                                                  const char *version, int same_minor);

/* ---- baselines made (blmake.c): references, a work directory, runs, a version written ---- */

/* A qemu-img to make baselines with, and the version its --version says. */
typedef struct ddp_bl_ref {
	char path[4096];
	char version[32];
} ddp_bl_ref;

/*
 * A path under the source tree: rel as given when it exists from here,
 * else under $DDP_SOURCE_DIR, else beside the running binary's parent
 * (build/ddparity -> ./), else rel itself.
 */
void ddp_bl_path(char *buf, size_t size, const char *rel);

/*
 * The qemu-img binaries to use: the given paths, or (all_versions) every
 * version `ci/qemu-versions list` has, or qemu-img on PATH.  *out is
 * malloc'd.  all_versions DDP_BL_MATERIALISED_OR_PATH: every listed
 * version, and qemu-img on PATH when the list names none (not an error:
 * the caller says so as it sees fit).  DDP_OK, or an error whose message
 * starts with who.
 */
#define DDP_BL_MATERIALISED_OR_PATH 2
int ddp_bl_references(ddp_bl_ref **out, size_t *n, const char *const *given, size_t ngiven,
                      int all_versions, const char *who, ddp_error *err);

/*
 * Makes the baselines of cases (only those named in only, when nonzero)
 * for every reference, jobs references at a time.  results[r * ncases + i]
 * gets reference r's baseline of case i (zeroed for cases not made);
 * made[r] (when made is not NULL) what reference r made, which is also
 * the line written per reference on log (when not NULL).  DDP_OK, or the
 * first reference that failed in err (later ones said on log).
 */
typedef struct ddp_bl_made {
	int made, failing; /* cases made; of which dd failed */
	double seconds;
} ddp_bl_made;
int ddp_bl_make_all(ddp_baseline **results, ddp_bl_made *made, const ddp_bl_ref *refs,
                    size_t nrefs, const ddp_ddcases *cases, const char *const *only, size_t nonly,
                    int jobs, const char *workdir, FILE *log, ddp_error *err);

/*
 * Writes one version's baselines under root/version: with whole, into a
 * new directory swapped in for the old one (so a kill leaves one or the
 * other); else only the named cases with a meta_text, each in place.
 */
int ddp_bl_write_version(const char *root, const char *version, const char *const *names,
                         const ddp_baseline *res, size_t n, int whole, ddp_error *err);

/*
 * Runs fn on each of n jobs (an array of size-byte items), at_once threads
 * at a time, and waits for them all.
 */
void ddp_bl_parallel(void *jobs, size_t size, size_t n, int at_once, void *(*fn)(void *));

/*
 * A work directory into buf: given (made if missing, made absolute, what
 * killed runs left in it swept), else a private one under $TMPDIR (*own
 * set: the caller removes it with ddp_private_dir_remove).
 */
int ddp_bl_workdir(char *buf, size_t size, const char *given, int *own, ddp_error *err);

/* ---- promote (promote.c): whether a case may join dd-cases, the file with one more line ---- */

/*
 * Whether case c may join cases (read from path): DDP_OK, or DDP_EINVAL
 * with err (source path, the clashing line) saying that the name is taken
 * or the same case is there under another name.  Pure.
 */
int ddp_promote_check_case(const ddp_ddcases *cases, const ddp_ddcase *c, const char *path,
                           ddp_error *err);

/*
 * text (len bytes) with line after it, a newline between when text does
 * not end in one: malloc'd, NULL when out of memory.  Pure.
 */
char *ddp_promote_joined(const char *text, size_t len, const char *line);

/*
 * path with line at its end, written whole (ddp_write_atomic: temporary,
 * fsync, rename), so a kill leaves the old file or the new; at most max
 * bytes of path are read.  DDP_OK, or an error in err.
 */
int ddp_promote_append(const char *path, const char *line, size_t max, ddp_error *err);

/*
 * promote's workflow for a dd case (`ddparity promote`): the case, its
 * baselines by every reference, the profiles, and the dd-cases line
 * appended last, so that a line in dd-cases always has its baselines
 * (a failed or killed promote is run again).  The steps, in their order:
 */
typedef enum ddp_promote_step {
	DDP_PROMOTE_CASES,      /* dd-cases read */
	DDP_PROMOTE_CASE,       /* what: a finding (what/case.json), else a dd-cases name */
	DDP_PROMOTE_MINIMISE,   /* a finding: opts.minimise makes its case */
	DDP_PROMOTE_CHECK,      /* ...which must be new (ddp_promote_check_case) */
	DDP_PROMOTE_REFERENCES, /* the qemu-imgs (ddp_promote_references) */
	DDP_PROMOTE_WORKDIR,    /* where they run (ddp_bl_workdir) */
	DDP_PROMOTE_BASELINES,  /* each reference's baseline made (nothing written yet) */
	DDP_PROMOTE_WRITE,      /* refused whole when one differs from a file there (no force); written */
	DDP_PROMOTE_PROFILES,   /* the profiles of root refreshed */
	DDP_PROMOTE_APPEND,     /* a finding's line appended to dd-cases */
	DDP_PROMOTE_DONE
} ddp_promote_step;

/*
 * Makes a finding's case (a dd case; the caller's minimiser, which runs
 * the finding's tools as it may and says what it does and what went
 * wrong): 0, or its own nonzero status (ddp_promote_done.minimise_rc).
 */
typedef int (*ddp_promote_minimise_fn)(ddp_ddcase *out, void *ctx, const char *finding);

typedef struct ddp_promote_opts {
	const char *cases_path;         /* the dd-cases file: read, and appended to */
	const char *root;               /* the baselines (dd-info-json): written */
	const char *const *given;       /* the qemu-imgs given (--reference), ngiven of them */
	size_t ngiven;
	int all_versions;               /* every version `ci/qemu-versions list` has */
	int force;                      /* a different baseline there is overwritten */
	int jobs;                       /* references at once (0: a CPU each) */
	const char *workdir;            /* where the cases run (NULL: a private directory) */
	ddp_promote_minimise_fn minimise; /* a finding's case (NULL: only dd-cases names) */
	void *ctx;                      /* minimise's */
	FILE *out;                      /* what was done, a line each (NULL: nothing said) */
	FILE *log;                      /* notes and each reference's run (NULL: none) */
} ddp_promote_opts;

typedef struct ddp_promote_done {
	ddp_promote_step step;   /* the step it failed at, or DDP_PROMOTE_DONE */
	int minimise_rc;         /* minimise's own status, when it failed */
	ddp_ddcase c;            /* the case (from DDP_PROMOTE_CHECK on) */
	int have_case;
	int appended;            /* the case is new: its line goes (went) to dd-cases */
	ddp_bl_ref *refs;        /* the references chosen, nrefs of them */
	size_t nrefs;
	int *dd_exit;            /* refs[i]'s dd exit code, for the nwritten first written */
	size_t nwritten;
	char *line, *tuple;      /* its dd-cases line and instar's DD_CASES tuple (from DDP_PROMOTE_APPEND) */
} ddp_promote_done;

/*
 * Promotes what (a finding directory, or the name of a dd-cases case)
 * under o; *d says how far it went and what it did, and is freed with
 * ddp_promote_done_free whatever is returned.  DDP_OK, or an error whose
 * message is whole ("promote: ...", or the file, line and column of a
 * mistake in dd-cases).  Nothing is written before DDP_PROMOTE_WRITE, and
 * dd-cases only at DDP_PROMOTE_APPEND.
 */
int ddp_promote_dd(ddp_promote_done *d, const ddp_promote_opts *o, const char *what,
                   ddp_error *err);
void ddp_promote_done_free(ddp_promote_done *d);

/*
 * The qemu-imgs promote makes baselines with: those given (o->given,
 * o->all_versions); by default every version `ci/qemu-versions list` has
 * (a note on o->log says how many, or that there is one, or none and
 * qemu-img on PATH is used), or qemu-img on PATH without that script.
 */
int ddp_promote_references(ddp_bl_ref **refs, size_t *nrefs, const ddp_promote_opts *o,
                           ddp_error *err);

#endif
