/*
 * suitefiles.h: the files the suite reads back (a baseline's meta.json and
 * stdout.txt, version-map.json, a finding's case.json and result.json, a
 * findings directory's signatures.json), parsed without I/O.
 *
 * They are hostile input: a copy cut short, a disk error, an edit by hand.
 * Every parser takes the text and its length (any bytes, NUL and non-UTF-8
 * included) and the name to give in errors, and answers DDP_OK with what
 * the code that reads the file needs, checked so that it can use it as it
 * is, or DDP_EINVAL (DDP_ENOMEM) with err naming the file, a line of the
 * text (and the column when known) and what is wrong.  A corrupt file is
 * an error, never a verdict.  The *_load functions read a file (at most
 * its cap: larger is an error naming it) and parse it.  The dd-cases file
 * is ddp_ddcases_parse (baseline.h), known-divergences the core's
 * ddp_known_divergences_parse.
 */
#ifndef DDP_SUITEFILES_H
#define DDP_SUITEFILES_H

#include <jansson.h>

#include "engine.h"

/* The most the suite reads of each file: far above what it writes. */
#define DDP_META_MAX (1u << 20)
#define DDP_STDOUT_MAX (4u << 20)
#define DDP_VERSION_MAP_MAX (1u << 20)
#define DDP_FINDING_MAX (16u << 20)    /* case.json, result.json */
#define DDP_SIGNATURES_MAX (16u << 20)

/*
 * Reads path (at most max bytes) into a malloc'd NUL-terminated buffer, as
 * ddp_read_file does, and refuses a NUL byte (JSON and dd-cases read text,
 * and a NUL would end it early), naming its line and column.
 */
int ddp_suitefile_read(char **out, size_t *len, const char *path, size_t max,
                       ddp_error *err);

/* A suite file's text as the suite writes it: indent 2, keys sorted, '\n' (malloc'd; NULL: no memory). */
char *ddp_suitefile_dumps(const json_t *j);

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

/* ---- a finding: case.json, result.json; signatures.json ------------------- */

/*
 * case.json (ddp_case_to_json's form): "fixture" a name, "args" at most
 * DDP_CASE_MAX_ARGS arguments, each a string without NUL or {"hex": ...}
 * of its bytes.  c is to be freed with ddp_case_free on success only.
 */
int ddp_case_parse(ddp_case *c, const char *text, size_t len, const char *source,
                   ddp_error *err);
int ddp_case_load(ddp_case *c, const char *path, ddp_error *err);

typedef struct ddp_finding_result {
	json_t *json;              /* the whole object: the strings below live in it */
	const char *signature;     /* "exit+stderr" */
	const char *reference, *candidate;
	const char *stderr_mode;   /* exact, class or ignore; NULL when absent */
	const char *info_profile;  /* a known info profile; NULL when absent */
	const char *detail, *case_text; /* NULL when absent */
	const char *group;         /* its group's key when found; NULL in older findings */
} ddp_finding_result;

/*
 * result.json: signature (as the engine writes one), reference and
 * candidate (the tools to run again), stderr_mode and info_profile when
 * present as `ddparity fuzz` accepts them, the other members written by
 * the engine of their type.
 */
int ddp_finding_result_parse(ddp_finding_result *out, const char *text, size_t len,
                             const char *source, ddp_error *err);
int ddp_finding_result_load(ddp_finding_result *out, const char *path, ddp_error *err);
void ddp_finding_result_free(ddp_finding_result *r);

/*
 * signatures.json, the index of the groups of findings: an object of group
 * key -> {"count": N >= 1, "dir": D, and optionally "kinds", "rules",
 * "state", "headline" (strings), "aliases" (strings), "examples" (names)},
 * D and each example a directory name (no '/' or control characters, not .
 * or ..).  Files of older versions, keyed by signature, read the same.
 * *out is a new reference.
 */
int ddp_signatures_parse(json_t **out, const char *text, size_t len, const char *source,
                         ddp_error *err);
int ddp_signatures_load(json_t **out, const char *path, ddp_error *err);

/* Whether s could be a group's key (findings.c): printable ASCII, under DDP_GROUP_KEY_MAX. */
int ddp_group_key_ok(const char *s);
/* Whether s could be a signature the engine writes: printable ASCII, under 512 bytes. */
int ddp_signature_ok(const char *s);

#endif
