/*
 * ddparity/info.h: `qemu-img info --output=json` made canonical and compared.
 *
 * Two dd outputs (one written by qemu-img, one by a candidate) are compared
 * through the info JSON of each.  Raw info differs for reasons that are not
 * divergences (the echoed path, the host allocation, random vmdk CIDs, key
 * order), so each is first normalised: in the canonical text, equal means
 * equivalent.  Two normalised infos are then compared field by field under
 * a profile, and the differences get a short stable signature.
 *
 * Pure code: no I/O.  Text the core returns is malloc'd and freed with the
 * ddp_info_* free function named next to it.
 */
#ifndef DDPARITY_INFO_H
#define DDPARITY_INFO_H

#include "ddparity/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Objects and arrays nested deeper than this are rejected (real info: ~8). */
#define DDP_INFO_MAX_DEPTH 64

/* ---- normalisation ---------------------------------------------------- */

/*
 * One field whose value varies from run to run or from path to path, and
 * what normalisation puts in its place.  The table is in info.c.
 */
typedef struct ddp_info_volatile {
	const char *key;    /* member name, at any depth */
	const char *scope;  /* "any object", or the format-specific type it lives in */
	const char *marker; /* the value it is replaced with */
	const char *why;    /* one line: why it varies */
} ddp_info_volatile;

DDP_EXTERN size_t ddp_info_volatile_count(void);
DDP_EXTERN const ddp_info_volatile *ddp_info_volatile_at(size_t i); /* NULL past the end */

/*
 * Parses info JSON (len bytes of text, need not be NUL-terminated) and
 * writes its canonical form to *out: keys sorted, four-space indent, a
 * trailing newline, every volatile field replaced by its marker.
 *
 * paths are the path(s) given to qemu-img for this image, exactly as
 * given; any "filename" (or backing filename) equal to one of them becomes
 * "$FILENAME", at any depth (vmdk extents, children).  With n_paths == 0
 * the top-level "filename" string is taken as the path.
 *
 * Idempotent: normalising the output again gives the same text.  Errors
 * (DDP_EJSON, DDP_ERANGE, DDP_EINVAL, DDP_ENOMEM) say what and where, with
 * line, column and byte position when the parser knows them, and
 * err->source "info".  Free *out with ddp_info_free.
 */
DDP_EXTERN int ddp_info_normalise(char **out, const char *text, size_t len,
                                  const char *const *paths, size_t n_paths,
                                  ddp_error *err);

/* Frees text returned by ddp_info_normalise or ddp_info_diff_to_json. */
DDP_EXTERN void ddp_info_free(char *text);

/* ---- comparison profiles ---------------------------------------------- */

typedef enum ddp_info_how {
	DDP_INFO_EQUAL,    /* values must be equal (compared leaf by leaf) */
	DDP_INFO_PRESENCE, /* only whether the field is there must agree */
	DDP_INFO_IGNORE    /* not compared */
} ddp_info_how;

/*
 * One rule of a profile.  pointer is a JSON pointer ("" is the whole
 * document, "/format-specific/data"); a segment "*" matches any one key
 * or index.  A field is compared by the rule with the longest pointer that
 * covers it; fields no rule covers are not compared.
 */
typedef struct ddp_info_rule {
	const char *pointer;
	ddp_info_how how;
} ddp_info_rule;

typedef struct ddp_info_profile {
	const char *name;    /* "strict", "parity" */
	const char *summary; /* one line */
	const ddp_info_rule *rules;
	size_t n_rules;
} ddp_info_profile;

DDP_EXTERN size_t ddp_info_profile_count(void);
DDP_EXTERN const ddp_info_profile *ddp_info_profile_at(size_t i); /* NULL past the end */

/* Finds a profile by name; DDP_EINVAL naming the known ones otherwise. */
DDP_EXTERN int ddp_info_profile_lookup(const ddp_info_profile **out, const char *name,
                                       ddp_error *err);

/* ---- comparison --------------------------------------------------------- */

typedef struct ddp_info_difference {
	char *pointer; /* JSON pointer of the field, "/virtual-size" */
	char *a;       /* its value in A as compact JSON, NULL when absent */
	char *b;       /* its value in B, likewise */
} ddp_info_difference;

typedef struct ddp_info_diff {
	const ddp_info_profile *profile;
	size_t count;                /* 0 when equal */
	ddp_info_difference *items;  /* in document order (keys sorted) */
	/*
	 * The differing fields, sorted, without duplicates, comma-separated:
	 * each is its pointer without the leading "/", array indices as "*",
	 * and "%" and "," escaped as %25 and %2C ("cluster-size,virtual-size").
	 * "" when equal.
	 */
	char *signature;
} ddp_info_diff;

/*
 * Compares two infos (normally ddp_info_normalise outputs; they are parsed
 * with the same checks) under profile.  *out is set on success, equal or
 * not; free it with ddp_info_diff_free.  Errors name err->source "A" or "B".
 */
DDP_EXTERN int ddp_info_compare(ddp_info_diff **out, const char *a, size_t a_len,
                                const char *b, size_t b_len,
                                const ddp_info_profile *profile, ddp_error *err);

DDP_EXTERN void ddp_info_diff_free(ddp_info_diff *diff);

/*
 * The diff as JSON text, keys sorted, a trailing newline:
 * {"differences": [{"a": V, "b": V, "pointer": P}...], "equal": B,
 *  "profile": NAME, "signature": S}; "a" or "b" is left out when absent.
 * Free *out with ddp_info_free.
 */
DDP_EXTERN int ddp_info_diff_to_json(char **out, const ddp_info_diff *diff,
                                     ddp_error *err);

/* ---- known divergences ------------------------------------------------ */

/*
 * One entry of a known-divergences file: a line
 *
 *     CASE-PATTERN  FIELD[,FIELD...]  REASON...
 *
 * separated by blanks; '#' starts a comment line; blank lines are skipped.
 * CASE-PATTERN is a glob ('*', '?') over case names.  Each FIELD is written
 * as in a diff signature ("virtual-size", "format-specific/data/cid") and
 * may use '*' and '?' too.  REASON is free text to the end of the line.
 */
typedef struct ddp_known_divergence {
	char *case_pattern;
	char **fields;
	size_t n_fields;
	char *reason;
	int line; /* 1-based line in the file */
} ddp_known_divergence;

typedef struct ddp_known_divergences {
	char *source; /* the name given to the parser */
	ddp_known_divergence *entries;
	size_t count;
} ddp_known_divergences;

/*
 * Parses a known-divergences file (len bytes of text).  source names it
 * in errors, which carry its line and column; a malformed entry, an
 * unsafe character or a duplicated entry rejects the whole file.  Free
 * *out with ddp_known_divergences_free.
 */
DDP_EXTERN int ddp_known_divergences_parse(ddp_known_divergences **out, const char *text,
                                           size_t len, const char *source,
                                           ddp_error *err);

DDP_EXTERN void ddp_known_divergences_free(ddp_known_divergences *list);

/*
 * Sets *out to the first entry whose case pattern matches case_name and
 * whose fields cover every field of signature (a ddp_info_diff signature),
 * or to NULL when none does or the signature is "".
 */
DDP_EXTERN int ddp_known_divergences_match(const ddp_known_divergence **out,
                                           const ddp_known_divergences *list,
                                           const char *case_name, const char *signature,
                                           ddp_error *err);

#ifdef __cplusplus
}
#endif

#endif
