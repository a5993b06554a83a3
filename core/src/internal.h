/* internal.h: what the core's sources share and the public header hides. */
#ifndef DDP_INTERNAL_H
#define DDP_INTERNAL_H

#include <stdarg.h>
#include "ddparity.h"

/* How qemu_strtosz reads a number, by era. */
typedef enum ddp_parser {
	DDP_PARSER_STRTOD,  /* before 6.0: the whole number through strtod */
	DDP_PARSER_U64,     /* 6.0 to 8.0: integer part, then a strtod fraction */
	DDP_PARSER_UINT     /* 8.1 on: parse_uint, negatives are range errors */
} ddp_parser;

/* What a hex number followed by a suffix does. */
typedef enum ddp_hex_suffix {
	DDP_HEX_SUFFIX_PLAIN, /* no special case (strtod era: a hex float) */
	DDP_HEX_SUFFIX_WARN,  /* accepted with a deprecation warning */
	DDP_HEX_SUFFIX_ERROR  /* a parse error */
} ddp_hex_suffix;

/* How count= and skip= are read (bs= always goes through qemu_strtosz). */
typedef enum ddp_count_parser {
	DDP_COUNT_STRTOSZ,  /* like bs: qemu_strtosz of the profile's era */
	DDP_COUNT_STRTOU64  /* cvtnum(issize=false): qemu_strtou64(base 0), a plain
	                       integer (octal after a 0, hex after 0x, no suffix) */
} ddp_count_parser;

/* Who prints getopt's errors. */
typedef enum ddp_getopt_style {
	DDP_GETOPT_QEMU,  /* ":hf:O:U": getopt is silent, qemu names argv[optind-1] */
	DDP_GETOPT_GLIBC  /* "hf:O:U": glibc prints its own line, then qemu's Try line */
} ddp_getopt_style;

/* When --object's objects are created, and so when their errors show. */
typedef enum ddp_object_rule {
	DDP_OBJECT_AFTER_OPERANDS, /* after the if/of check (qemu_opts_foreach) */
	DDP_OBJECT_AT_OPTION       /* as getopt returns each (user_creatable_process_cmdline) */
} ddp_object_rule;

/* One entry of img_dd's long_options[]; the table ends with a NULL name. */
typedef struct ddp_long_option {
	const char *name;
	int has_arg;  /* 0 no_argument, 1 required_argument */
	int val;      /* the short option it stands for, or DDP_OPT_* */
} ddp_long_option;

enum { DDP_OPT_OBJECT = 256, DDP_OPT_IMAGE_OPTS };

/* What -O FMT does, after the format is found. */
typedef enum ddp_fmt_kind {
	DDP_FMT_OUTPUT,       /* modelled: created, opened and copied into */
	DDP_FMT_NO_CREATE,    /* "Format driver '%s' does not support image creation" */
	DDP_FMT_CREATE_FAILS, /* creation always fails with a fixed reason */
	DDP_FMT_UNMODELLED    /* a driver whose creation depends on the host */
} ddp_fmt_kind;

typedef enum ddp_cluster_rule {
	DDP_CLUSTER_NONE,   /* info prints no cluster-size */
	DDP_CLUSTER_FIXED,
	DDP_CLUSTER_VHDX    /* the vhdx default block size for the image size */
} ddp_cluster_rule;

typedef enum ddp_size_rule {
	DDP_SIZE_ROUND512,
	DDP_SIZE_VHD_CHS
} ddp_size_rule;

typedef enum ddp_zero_rule {
	DDP_ZERO_OK,          /* an empty image is fine */
	DDP_ZERO_REOPEN_FAILS, /* created, then cannot be opened (vmdk) */
	DDP_ZERO_CREATE_FAILS /* creation refuses it (qcow) */
} ddp_zero_rule;

typedef struct ddp_format_rule {
	const char *name;        /* as given to -O */
	ddp_fmt_kind kind;
	const char *info_format; /* what info reports ("file" reads as raw) */
	ddp_size_rule size;
	ddp_cluster_rule cluster;
	uint64_t cluster_size;
	ddp_zero_rule zero;
	const char *reason;      /* the failure text for CREATE_FAILS and zero rules */
	const char *open_mismatch; /* -f NAME on another format's file: qemu's open error, or NULL */
	int mismatch_errno;      /* ...which bdrv_open words as an errno ("Could not open 'x': %s") */
	int64_t small_below;     /* a raw input shorter than this, in whole sectors, gets small_text */
	const char *small_text;
	const char *mismatch_unmodelled_for; /* the input format whose header it reads otherwise */
	int path_first;          /* CREATE_FAILS: the file is made first, so of='s own errors come first */
	const char *no_path;     /* the creation error for an empty of=, when not "Could not create ''" */
	size_t create_name_max;  /* the driver creates at most this much of of= (0: all of it) */
} ddp_format_rule;

struct ddp_profile {
	const char *name;          /* "7.2" */
	ddp_version first;         /* the first version of the range it models */
	ddp_version measured_lo;   /* the versions a real build was measured on */
	ddp_version measured_hi;   /* ({0,0,0} twice: never measured) */
	const char *measured;      /* the builds, or where the rules come from */
	ddp_parser parser;
	ddp_hex_suffix hex_suffix;
	int fraction_one_bug;      /* a fraction that rounds to 1.0 counts as 0 */
	ddp_count_parser count_parser;
	ddp_getopt_style getopt;
	const ddp_long_option *long_options; /* img_dd's table, in its order */
	ddp_object_rule object;
	const char *msg[DDP_MSG__COUNT]; /* templates: {0} {1} strings, {n0} {n1}
	                                    numbers, {L} the long options in n0's bits */
	const ddp_format_rule *formats; /* ends with a NULL name */
	const char *const *drivers; /* every driver -f may name, NULL-terminated */
	const char *const *protocols; /* protocol prefixes it knows, NULL-terminated */
	uint64_t max_modelled_size; /* output sizes above it are not modelled */
};

/*
 * jansson's json_loadb with the core's checks and errors: no NUL bytes, no
 * duplicate keys, integers within int64; a parse error names source, line,
 * column and what was expected.  *out is a new reference.
 */
struct json_t;
int ddp_json_parse(struct json_t **out, const char *text, size_t len, const char *source,
                   ddp_error *err);

/* Fails when v nests deeper than DDP_INFO_MAX_DEPTH, naming where (a JSON pointer). */
int ddp_json_check_depth(const struct json_t *v, const char *source, ddp_error *err);

/*
 * Fills err (when non-NULL) and returns code: the core's one way to say
 * what went wrong and where (line and column: 0 when not a file).  Nothing
 * sets an error record's fields by hand.
 */
int ddp_fail(ddp_error *err, int code, const char *source, int line, int column,
             size_t position, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

const ddp_format_rule *ddp_profile_format(const ddp_profile *p, const char *name);
int ddp_profile_has(const char *const *list, const char *name, size_t len);

/* Appends one stderr line to the outcome. */
void ddp_outcome_add(ddp_outcome *out, ddp_msg_id id, const char *s0,
                     size_t len0, const char *s1, size_t len1);

/* Records that rule r fired (once; in the order rules fire). */
void ddp_outcome_rule(ddp_outcome *out, ddp_rule r);
/* Sets mark m on out (marks are bits of a uint64_t). */
void ddp_outcome_mark(ddp_outcome *out, ddp_mark m);
_Static_assert(DDP_MARK__COUNT <= 64, "marks are the bits of ddp_outcome.marks");

#define DDP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
