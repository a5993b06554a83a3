/*
 * ddparity/model.h: the model of `qemu-img dd`, per qemu version.
 *
 * Everything here is pure: no I/O, no globals, no allocation.  Strings in
 * results point into the caller's argv or into static tables, so they live
 * as long as the argv given.
 */
#ifndef DDPARITY_MODEL_H
#define DDPARITY_MODEL_H

#include "ddparity/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions and profiles ------------------------------------------ */

typedef struct ddp_version {
	int major, minor, micro;
} ddp_version;

/*
 * Parses "7.2", "7.2.22", or the first line of `qemu-img --version`
 * ("qemu-img version 7.2.22 (Debian ...)").
 */
DDP_EXTERN int ddp_version_parse(ddp_version *out, const char *text, ddp_error *err);

/* <0, 0, >0 like strcmp. */
DDP_EXTERN int ddp_version_cmp(ddp_version a, ddp_version b);

/* A version profile: parser rules, message texts, formats (profiles.c). */
typedef struct ddp_profile ddp_profile;

DDP_EXTERN size_t ddp_profile_count(void);
DDP_EXTERN const ddp_profile *ddp_profile_at(size_t i);      /* oldest first */
DDP_EXTERN const char *ddp_profile_name(const ddp_profile *p); /* "7.2" */

/*
 * The profile for version v: the newest profile whose first version is at
 * or below v, or the oldest one when v predates them all.  *exact (optional)
 * is set when v falls within the versions the profile was measured on
 * (never for a profile built from upstream history alone).
 */
DDP_EXTERN const ddp_profile *ddp_profile_for(ddp_version v, int *exact);

/*
 * The builds whose dd behaviour was measured themselves (their baselines are
 * committed), oldest first; *n gets their count.
 */
DDP_EXTERN const ddp_version *ddp_measured_versions(size_t *n);

/* 1 when v is one of those builds; else v is unmeasured (modelled by its profile). */
DDP_EXTERN int ddp_version_measured(ddp_version v);

/*
 * The measured build an unmeasured v is checked against: the nearest one
 * of v's own profile (older first), else the nearest older one, else the
 * oldest.  v itself when it is measured.
 */
DDP_EXTERN ddp_version ddp_version_neighbour(ddp_version v);

/*
 * Writes the rule that chose the profile for v, one sentence, snprintf
 * style (returns the length it needed).
 */
DDP_EXTERN size_t ddp_profile_explain(char *buf, size_t size, ddp_version v);

/* ---- sizes: qemu_strtosz ---------------------------------------------- */

/*
 * Parses text as qemu_strtosz would in profile p.  Returns DDP_OK with
 * *out set, DDP_EINVAL for a parse error, DDP_ERANGE for a range error.
 * *hex_warning (optional) is set when qemu prints its "multiplier suffix
 * on hex numbers" warning, which it does even when the parse then fails.
 */
DDP_EXTERN int ddp_strtosz(uint64_t *out, int *hex_warning, const char *text,
                           const ddp_profile *p);

/* Which operand of img_dd a number is for. */
typedef enum ddp_number_kind {
	DDP_NUMBER_BS,
	DDP_NUMBER_COUNT,
	DDP_NUMBER_SKIP
} ddp_number_kind;

/*
 * Parses the value of bs=, count= or skip= as profile p's img_dd does,
 * before its range check: bs always through qemu_strtosz (ddp_strtosz);
 * count and skip too, except in versions that read them as plain
 * integers (Debian's 10.0: qemu_strtou64, base 0).  Same statuses as
 * ddp_strtosz; DDP_EUNMODELLED where the answer depends on the build
 * (a "0b" binary prefix, which C23 glibc reads and older glibc does not).
 */
DDP_EXTERN int ddp_parse_number(uint64_t *out, int *hex_warning, ddp_number_kind kind,
                                const char *text, const ddp_profile *p);

/* ---- window ------------------------------------------------------------ */

typedef struct ddp_window {
	int64_t size;      /* input rounded up to 512, then capped by count*bs */
	int64_t start;     /* first input byte copied */
	int64_t end;       /* one past the last input byte copied */
	int64_t out_size;  /* size the output is created with (end - start) */
	int past_eof;      /* skip lands past the end: warning, empty output */
	int count_capped;  /* count*bs was below the rounded input and set the end */
	int count_overflow; /* count*bs overflowed int64, so count was ignored */
} ddp_window;

/*
 * img_dd's window.  input_length is what blk_getlength would report before
 * rounding (raw file length, or a structured image's virtual size).
 */
DDP_EXTERN int ddp_window_compute(ddp_window *out, int64_t input_length, int64_t bs,
                                  int has_count, int64_t count, int has_skip,
                                  int64_t skip, ddp_error *err);

/* ---- rounding ---------------------------------------------------------- */

typedef struct ddp_chs {
	unsigned cyls, heads, secs;
} ddp_chs;

/* round_up(bytes, 512); DDP_ERANGE past INT64_MAX. */
DDP_EXTERN int ddp_round512(uint64_t *out, uint64_t bytes);

/* vpc.c calculate_geometry() for a sector count. */
DDP_EXTERN void ddp_vhd_geometry(ddp_chs *out, uint64_t sectors);

/*
 * vpc.c calculate_rounded_image_size(): the virtual size a dynamic VHD of
 * the requested size reports, and the footer geometry the search stopped
 * on.  DDP_ERANGE over 2040 GiB (qemu refuses to create it).
 */
DDP_EXTERN int ddp_vhd_round(uint64_t *out_bytes, ddp_chs *chs, uint64_t bytes);

/* vhdx.c default block size (info's cluster-size); DDP_ERANGE over 64 TiB. */
DDP_EXTERN int ddp_vhdx_block_size(uint64_t *out, uint64_t bytes);

/* ---- messages ---------------------------------------------------------- */

/* Every line qemu-img dd can print that the model knows.  Texts per
 * version live in the profile. */
typedef enum ddp_msg_id {
	DDP_MSG_UNRECOGNIZED_OPTION,  /* s0: option token */
	DDP_MSG_MISSING_ARGUMENT,     /* s0: option token (glibc's: the character) */
	DDP_MSG_TRY_HELP,
	DDP_MSG_UNRECOGNIZED_OPERAND, /* s0: token or key */
	DDP_MSG_INVALID_NUMBER,       /* s0: operand key, s1: value */
	DDP_MSG_INVALID_NUMBER_2,     /* second line of that, where a version has one */
	DDP_MSG_NUMBER_RANGE,         /* s0: key, s1: value, n0: min, n1: max */
	DDP_MSG_HEX_SUFFIX,           /* s0: value */
	DDP_MSG_NEED_IF_OF,
	DDP_MSG_OPEN_FAILED,          /* s0: path, s1: reason */
	DDP_MSG_OPEN_NO_FILENAME,     /* s0: path (empty) */
	DDP_MSG_OPEN_MISSING,         /* s0: path */
	DDP_MSG_OPEN_UNKNOWN_PROTOCOL, /* s0: path, s1: protocol */
	DDP_MSG_OPEN_UNKNOWN_DRIVER,  /* s0: path, s1: driver */
	DDP_MSG_OPEN_IMAGE_OPTS,      /* s0: path */
	DDP_MSG_UNKNOWN_FORMAT,       /* s0: format */
	DDP_MSG_UNKNOWN_PROTOCOL,     /* s0: protocol */
	DDP_MSG_NO_CREATE,            /* s0: format */
	DDP_MSG_CREATE_FAILED,        /* s0: path, s1: reason */
	DDP_MSG_CREATE_NO_PATH,       /* s0: path (empty) */
	DDP_MSG_SKIP_PAST_EOF,        /* s0: input path */
	/* glibc's getopt errors (10.0 on), then qemu's Try line. */
	DDP_MSG_INVALID_OPTION,       /* s0: the option character */
	DDP_MSG_AMBIGUOUS_OPTION,     /* s0: the element; n0: bits of the long options it matches */
	DDP_MSG_OPTION_NO_ARGUMENT,   /* s0: long option name */
	DDP_MSG_OPTION_NEEDS_ARGUMENT, /* s0: long option name */
	DDP_MSG_IMAGE_OPTS_WITH_FORMAT, /* --image-opts and -f together */
	DDP_MSG_OBJECT_MISSING,       /* s0: the missing parameter (id, qom-type) */
	DDP_MSG_OBJECT_BAD_TYPE,      /* s0: the qom-type given */
	DDP_MSG_OPEN_ERRNO,           /* s0: path, s1: strerror text */
	DDP_MSG_OPEN_NOT_REGULAR,     /* s0: path (a directory) */
	DDP_MSG_CREATE_ERRNO,         /* s0: path, s1: strerror text */
	DDP_MSG_CREATE_CUT_TOO_LONG,  /* s0: path, s1: the part of it the driver created */
	DDP_MSG__COUNT
} ddp_msg_id;

typedef struct ddp_slice {
	const char *ptr;
	size_t len;
} ddp_slice;

typedef struct ddp_msg {
	ddp_msg_id id;
	ddp_slice s[2];
	int64_t n[2];
} ddp_msg;

/*
 * Renders one stderr line of profile p, without the newline, snprintf
 * style: returns the full length, writes at most size-1 bytes and a NUL.
 */
DDP_EXTERN size_t ddp_msg_render(char *buf, size_t size, const ddp_msg *m,
                                 const ddp_profile *p);

/* ---- rules -------------------------------------------------------------- */

/*
 * The rules of img_dd that decide an outcome.  ddp_predict records those
 * that fired, in the order they fired, each once: the rule that failed the
 * run (if any) is the last.  Two outcomes that went through the same rules
 * hit the same code in qemu, which is what groups findings by bug.
 */
typedef enum ddp_rule {
	DDP_RULE_OPTION_UNRECOGNIZED,
	DDP_RULE_OPTION_AMBIGUOUS,
	DDP_RULE_OPTION_NEEDS_ARGUMENT,
	DDP_RULE_OPTION_TAKES_NO_ARGUMENT,
	DDP_RULE_HELP,
	DDP_RULE_OBJECT_INVALID,
	DDP_RULE_OPERAND_UNKNOWN,
	DDP_RULE_NUMBER_PARSE_STRTOD,
	DDP_RULE_NUMBER_PARSE_U64,
	DDP_RULE_NUMBER_PARSE_UINT,
	DDP_RULE_NUMBER_PARSE_STRTOU64,
	DDP_RULE_NUMBER_RANGE,
	DDP_RULE_HEX_SUFFIX_WARNING,
	DDP_RULE_NEED_IF_OF,
	DDP_RULE_IMAGE_OPTS_WITH_FORMAT,
	DDP_RULE_IMAGE_OPTS_OPEN,
	DDP_RULE_INPUT_UNKNOWN_DRIVER,
	DDP_RULE_INPUT_EMPTY_NAME,
	DDP_RULE_INPUT_UNKNOWN_PROTOCOL,
	DDP_RULE_INPUT_PATH,
	DDP_RULE_INPUT_FORMAT_MISMATCH,
	DDP_RULE_INPUT_READ_AS_RAW,
	DDP_RULE_OUTPUT_UNKNOWN_FORMAT,
	DDP_RULE_OUTPUT_UNKNOWN_PROTOCOL,
	DDP_RULE_OUTPUT_NO_CREATE,
	DDP_RULE_OUTPUT_CREATE_FAILS,
	DDP_RULE_OUTPUT_PATH,
	DDP_RULE_WINDOW_INPUT_SECTORS,
	DDP_RULE_WINDOW_COUNT_CAPS_END,
	DDP_RULE_WINDOW_COUNT_OVERFLOW,
	DDP_RULE_WINDOW_SKIP,
	DDP_RULE_WINDOW_SKIP_PAST_EOF,
	DDP_RULE_WINDOW_EMPTY,
	DDP_RULE_VHD_TOO_LARGE,
	DDP_RULE_ZERO_CREATE_FAILS,
	DDP_RULE_ZERO_REOPEN_FAILS,
	DDP_RULE_ROUND_512,
	DDP_RULE_VHD_CHS,
	DDP_RULE_VHDX_BLOCK_SIZE,
	DDP_RULE_VHD_CHS_ABOVE_FLOOR,
	DDP_RULE__COUNT
} ddp_rule;

/* The rule's stable id ("window-count-caps-end"), or NULL out of range. */
DDP_EXTERN const char *ddp_rule_id(ddp_rule r);

/* One line on what the rule is, for people reading a finding. */
DDP_EXTERN const char *ddp_rule_text(ddp_rule r);

/* Whether the rule, when it fires, ends the run with exit code 1. */
DDP_EXTERN int ddp_rule_fails(ddp_rule r);

/* The rule whose id is id, or -1. */
DDP_EXTERN int ddp_rule_lookup(const char *id);

/* ---- marks -------------------------------------------------------------- */

/*
 * How the arguments were spelled and where the sizes fell, as the model
 * read them: finer than the rules, and mostly changing nothing qemu does
 * (an option cluster, a repeated operand, a suffix in lower case, a skip
 * that ends exactly at the input's end, which branch of the CHS search).
 * They are the corners where a reimplementation's reading parts from
 * qemu's, so the engine's guided selection (diff/engine/campaign.c) runs
 * cases whose marks are new first.  Near misses of a known operand key or
 * option (a prefix, another case) are marked too, as a comparison-guided
 * fuzzer would split a string compare.  Bits of ddp_outcome.marks; never
 * part of a finding's group.
 */
typedef enum ddp_mark {
	DDP_MARK_OPTION_CLUSTER,     /* -UO qcow2: short options in one element */
	DDP_MARK_OPTION_ATTACHED,    /* -Oqcow2: the argument in the option's element */
	DDP_MARK_OPTION_LONG_PREFIX, /* --force for --force-share */
	DDP_MARK_OPTION_LONG_EQ,     /* --object=ARG */
	DDP_MARK_OPTION_REPEATED,    /* -f, -O, -U or a long option given again */
	DDP_MARK_OPTION_PERMUTED,    /* an option after an operand (glibc permutes) */
	DDP_MARK_OPTION_CASE,        /* an unknown option that is a known one in another case */
	DDP_MARK_DASHDASH,           /* "--": what follows is operands */
	DDP_MARK_DASHDASH_DASH,      /* an operand after "--" that begins with '-' */
	DDP_MARK_OPERAND_REPEATED,   /* bs, count, skip, if or of given again: the last counts */
	DDP_MARK_OPERAND_VALUE_EQ,   /* a value with '=' in it (of=a=b names "a=b") */
	DDP_MARK_OPERAND_EMPTY_VALUE, /* "count=" */
	DDP_MARK_KEY_ABBREV,         /* an unknown key that a known one begins with (c for count) */
	DDP_MARK_KEY_EXTENDED,       /* an unknown key that begins with a known one (counts) */
	DDP_MARK_KEY_CASE,           /* an unknown key that is a known one in another case */
	DDP_MARK_KEY_NEAR,           /* an unknown key one edit from a known one */
	DDP_MARK_KEY_BLANK,          /* an unknown key that is a known one with blanks */
	DDP_MARK_NUMBER_BLANK,       /* a number with a blank before, inside or after it */
	DDP_MARK_NUMBER_SIGN,        /* a number with '+' or '-' */
	DDP_MARK_NUMBER_HEX,         /* 0x... */
	DDP_MARK_NUMBER_ZERO_LEAD,   /* 0 then a digit (octal to strtoull base 0) */
	DDP_MARK_NUMBER_FRACTION,    /* a '.' */
	DDP_MARK_NUMBER_EXPONENT,    /* an 'e' after the digits (strtod's exponent) */
	DDP_MARK_NUMBER_SUFFIX,      /* a unit letter after the number */
	DDP_MARK_NUMBER_SUFFIX_LOWER, /* the unit in lower case */
	DDP_MARK_NUMBER_SUFFIX_BYTES, /* the unit B (bytes) */
	DDP_MARK_NUMBER_ZERO,        /* the value 0 */
	DDP_MARK_NUMBER_MAX,         /* the largest value its operand takes */
	DDP_MARK_WINDOW_COUNT_AT_END, /* count*bs is exactly the input's (sector-rounded) end */
	DDP_MARK_WINDOW_SKIP_AT_END,  /* skip*bs is exactly the end: an empty window, no warning */
	DDP_MARK_WINDOW_SKIP_IN_TAIL, /* skip*bs past the input's length but not its last sector's end */
	DDP_MARK_WINDOW_COUNT_IN_TAIL, /* count*bs past the input's length, inside its last sector */
	DDP_MARK_WINDOW_PARTIAL_BLOCK, /* the window is not a whole number of blocks */
	DDP_MARK_WINDOW_ONE_BLOCK,   /* the window is one block or less */
	DDP_MARK_SIZE_SECTOR_EXACT,  /* the window is whole sectors already */
	DDP_MARK_VHD_SEARCHED,       /* the CHS search ended on other heads or sectors than it began */
	DDP_MARK_VHD_EXACT,          /* the window is exactly its geometry's size */
	DDP_MARK_VHD_SPT_17,         /* the geometry has 17 sectors a track */
	DDP_MARK_VHD_SPT_31,
	DDP_MARK_VHD_SPT_63,
	DDP_MARK_VHD_SPT_255,
	DDP_MARK_VHDX_TIER_EDGE,     /* a vhdx size at a block-size tier's edge (1 GiB, 100 GiB, 32 TiB) */
	DDP_MARK__COUNT
} ddp_mark;

/* The mark's stable id ("option-cluster"), or NULL out of range. */
DDP_EXTERN const char *ddp_mark_id(ddp_mark m);

/* ---- request and outcome ----------------------------------------------- */

#define DDP_MAX_MSGS 8
#define DDP_MAX_RULES 16

typedef struct ddp_request {
	const char *in_path;  /* if=, NULL when absent */
	const char *out_path; /* of=, NULL when absent */
	const char *in_fmt;   /* -f, NULL when absent */
	const char *out_fmt;  /* -O, "raw" when absent */
	int64_t bs;           /* 512 when absent */
	int64_t count;
	int64_t skip;
	int has_count, has_skip;
	int force_share;      /* -U */
	int image_opts;       /* --image-opts */
	const char *object;   /* the first --object's argument, NULL when absent */
	int help;             /* -h was reached: help on stdout, exit 0 */
	int failed;           /* qemu rejects the arguments (see the outcome) */
} ddp_request;

/* The input the dd reads: what the model cannot see by itself. */
typedef struct ddp_input {
	int64_t length;     /* raw file length, or the image's virtual size */
	const char *format; /* its real format ("raw" when NULL) */
	const char *path;   /* when set: the dd runs in a directory holding this
	                       file only (or, named with a '/', none), so other
	                       if= and of= paths are missing, directories, or
	                       outside it (unmodelled) */
	int64_t file_length; /* the file's own length, read by -f raw; -1 unknown */
} ddp_input;

typedef struct ddp_outcome {
	int exit_code;
	size_t nmsgs;
	ddp_msg msgs[DDP_MAX_MSGS]; /* stderr lines, in order */
	int help;                   /* help text on stdout */
	int output_created;         /* of= exists afterwards (of=. always does) */
	int has_info;               /* exit 0 and an output qemu-img info reads */
	uint64_t virtual_size;
	const char *format;         /* as info reports it ("file" reads as raw) */
	int has_cluster_size;
	uint64_t cluster_size;
	int has_window;
	ddp_window window;
	int has_chs;
	ddp_chs chs;                /* vpc footer geometry */
	ddp_request request;
	size_t nrules;
	ddp_rule rules[DDP_MAX_RULES]; /* the rules that fired, in order, each once */
	uint64_t marks;             /* bits (1 << ddp_mark): how it was spelled, for exploration */
} ddp_outcome;

/*
 * Parses the arguments that follow `qemu-img dd` as profile p does.
 * Returns DDP_OK when the model knows the answer: req is filled, and when
 * qemu rejects the arguments req->failed is set and out holds its exit code
 * and stderr.  DDP_EUNMODELLED (err says what) for arguments whose effect
 * the model does not know, such as --object.
 */
DDP_EXTERN int ddp_parse_args(ddp_request *req, ddp_outcome *out, const ddp_profile *p,
                              int argc, const char *const *argv, ddp_error *err);

/*
 * What `qemu-img dd ARGS` does on input in: exit code, stderr, and the
 * output's info fields.  DDP_EUNMODELLED when the model does not know.
 */
DDP_EXTERN int ddp_predict(ddp_outcome *out, const ddp_profile *p, const ddp_input *in,
                           int argc, const char *const *argv, ddp_error *err);

#ifdef __cplusplus
}
#endif

#endif
