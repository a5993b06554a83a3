/*
 * baseline.h: the baseline side of the suite.  The curated dd cases
 * (expected-outputs/dd-cases), the per-version baselines qemu-img gives for
 * them (expected-outputs/dd-info-json/<version>/), their deduplication into
 * profiles, and the shrinking of a finding into a new case.
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
#ifndef DDP_BASELINE_H
#define DDP_BASELINE_H

#include <stdint.h>
#include <stdio.h>

#include "engine.h"

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
/* A dd-cases name: letters, digits, '.', '_' and '-', not first; at most 100. */
int ddp_case_name_ok(const char *s);
/*
 * A baseline's case name (a meta.json's case_name, the file's name): a
 * dd-cases name, or a map case's NAME@WINDOW (WINDOW: letters, digits,
 * '.', '_', '-', '+').  Never a path.
 */
int ddp_baseline_case_name_ok(const char *s);
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

/*
 * Makes (or reuses, when already there) the input of a dd-cases line under
 * dir with qemu_img, as the engine makes its fixtures (fixtures.c), for any
 * size: pattern "random" (or NULL or "") is size bytes of the engine's LCG
 * seeded by the size, converted to format when it is not raw; "sparse" is
 * data at the start, middle and end with holes between (raw: written
 * directly; other formats: qemu-img create and qemu-io writes); "zero" is
 * an empty image.  So the engine's fixture <format>-<size>-<pattern> is
 * remade exactly.  out is a whole ddp_fixture (name
 * "dd-<format>-<size>[-<pattern>]", file "in.<format>", path, flat,
 * virtual_size, file_length) that ddp_case_run accepts through a
 * ddp_fixtures holding it; its strings live as long as the process.
 */
int ddp_fixture_adhoc(ddp_fixture *out, const char *dir, const char *qemu_img,
                      int64_t size, const char *format, const char *pattern,
                      ddp_error *err);
/* The same from its name ("dd-raw-1024", a group's headline case's fixture). */
int ddp_fixture_adhoc_named(ddp_fixture *out, const char *dir, const char *qemu_img,
                            const char *name, ddp_error *err);

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

/* "7.2.22" from a ddp_version. */
void ddp_version_text(char *buf, size_t size, ddp_version v);
/* Orders version directory names numerically ("5.2.0" < "10.0.2"). */
int ddp_version_text_cmp(const char *a, const char *b);

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

#endif
