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

#endif
