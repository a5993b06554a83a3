/*
 * mutant_common.h: shared code for the "mutant" candidates of the
 * differential engine.  A mutant is a stand-in for a reimplementation of
 * `qemu-img dd`: it runs the real qemu-img (DDP_MUTANT_QEMU_IMG, default
 * `qemu-img` on PATH) and injects exactly one realistic mistake; in every
 * other case it behaves exactly like the real tool (exit code, stderr bytes,
 * output file).  Where a mutant is unsure whether its mistake applies, it
 * passes the call through unchanged.
 *
 * Processes are started by argv only (posix_spawnp / execvp), never through
 * a shell.
 */
#ifndef MUTANT_COMMON_H
#define MUTANT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define MQ_INT64_MAX INT64_C(9223372036854775807)

/* ---- the mutant's frame --------------------------------------------------- */

/* The qemu-img to wrap: $DDP_MUTANT_QEMU_IMG, else "qemu-img". */
const char *mq_qemu_img(void);

/*
 * The common start of every mutant's main: `--version` prints
 * "mutant NAME (wrapping qemu-img)" and exits 0; anything but `dd ...` is
 * handed to the real qemu-img (exec, does not return).  Returns when argv
 * is a dd call.
 */
void mq_start(int argc, char **argv, const char *name);
/* mq_start for another subcommand than dd ("map"). */
void mq_start_for(int argc, char **argv, const char *name, const char *command);

/* ---- running qemu-img ----------------------------------------------------- */

/*
 * Replaces this process with the real qemu-img and args (args[0] is the
 * subcommand, e.g. "dd"; NULL-terminated).  argv[0] of qemu-img is the
 * configured path, as a shell would give it, so its "qemu-img:" prefix is
 * what a direct call prints.  Does not return.
 */
void mq_exec_qemu(char *const *args) __attribute__((noreturn));

/* How mq_run treats the child's streams. */
enum {
	MQ_INHERIT = 0,   /* stdout and stderr are ours */
	MQ_CAPTURE_ERR,   /* stderr captured into *err; stdout ours */
	MQ_QUIET,         /* stdout and stderr to /dev/null */
	MQ_CAPTURE_OUT,   /* stdout captured into *out; stderr to /dev/null */
	MQ_CAPTURE_STDOUT, /* stdout captured into *out; stderr ours */
};

/*
 * Runs the real qemu-img with args (as for mq_exec_qemu), stdin from
 * /dev/null for the quiet modes, and waits.  Returns the exit code (128+N
 * when killed by signal N, -1 when it could not be started).  *buf / *len
 * receive a malloc'd, NUL-terminated capture in the capturing modes.
 */
int mq_run_qemu(char *const *args, int mode, char **buf, size_t *len);

/* Writes all of buf to fd 2. */
void mq_write_stderr(const char *buf, size_t len);

/* Exits with code rc (0..255) after flushing. */
void mq_exit(int rc) __attribute__((noreturn));

/* ---- numbers, as qemu_strtosz and cvtnum do in 6.0 to 7.2 ----------------- */

enum {
	MQ_NUM_OK = 0,
	MQ_NUM_INVALID = -1, /* qemu: "Invalid X specified. You may use ..." */
	MQ_NUM_RANGE = -2,   /* qemu: "Invalid X specified. Must be between ..." */
	MQ_NUM_UNKNOWN = -3, /* a case this code does not model: don't guess */
};

/* qemu_strtosz (7.2) over the whole string. */
int mq_strtosz(const char *s, uint64_t *out);
/* cvtnum_full(name, s, min, max): mq_strtosz plus the range check. */
int mq_cvtnum(const char *s, int64_t min, int64_t max, int64_t *out);

/* True for s made of 1 to 18 ASCII decimal digits only. */
int mq_is_plain_decimal(const char *s);

/* ---- dd's arguments, as img_dd reads them ---------------------------------- */

enum { MQ_OP_BS, MQ_OP_COUNT, MQ_OP_SKIP, MQ_OP_IF, MQ_OP_OF, MQ_OP_N };

typedef struct mq_dd {
	int argc;            /* args: argv after the program name; args[0] "dd" */
	char **args;
	int options_ok;      /* every option parsed as getopt_long would accept it */
	int operands_ok;     /* every operand has a known key */
	int numbers_ok;      /* every bs/count/skip operand is valid (7.2 rules) */
	int numbers_unknown; /* some number is a case mq_strtosz does not model */
	int help, image_opts, object, force_share;
	const char *fmt;     /* -f (last), or NULL */
	const char *ofmt;    /* -O (last), or NULL */
	int op_index[MQ_OP_N];      /* args index of the effective operand, or -1 */
	const char *op_value[MQ_OP_N];
	int64_t bs, count, skip;    /* effective values when numbers_ok */
	int has_count, has_skip;
	int *operands;       /* args indexes of every non-option, in order */
	int noperands;
} mq_dd;

/* Parses args (args[0] == "dd"). Never fails; see the flags. */
void mq_parse_dd(mq_dd *dd, int argc, char **args);

/*
 * The start of every mutant that edits operands: mq_start, mq_parse_dd,
 * the real qemu-img unchanged (exec, no return) unless every option
 * parses, and a copy of dd->args to edit (mq_args_copy).
 */
char **mq_dd_edit_start(mq_dd *dd, int argc, char **argv, const char *name);

/*
 * The whole of a mutant that reads operand keys its own way: every
 * operand KEY=VALUE for which keyfix(KEY, its length) gives a key is run
 * by the real dd as that key with the same value.  Does not return.
 */
void mq_exec_keys_read_as(int argc, char **argv, const char *name,
                          const char *(*keyfix)(const char *key, size_t len))
	__attribute__((noreturn));

/*
 * The whole of a mutant that skips some arguments: the real qemu-img runs
 * the call without every argument for which drop(arg) is true.  Does not
 * return.
 */
void mq_exec_dropping(int argc, char **argv, const char *name, int (*drop)(const char *arg))
	__attribute__((noreturn));

/* All of options_ok, operands_ok, numbers_ok, both files, no -h/--object/--image-opts. */
int mq_dd_clean(const mq_dd *dd);

/*
 * The shape of every mutant that fixes up an output of one format: parse
 * the arguments, pass through to the real qemu-img (exec, no return) unless
 * the case is clean, -O is fmt and of= a plain path, else run the real dd
 * and exit with its status when it failed.  Returns of= once qemu-img made
 * it.
 */
const char *mq_run_dd_for_format(mq_dd *dd, int argc, char **argv, const char *name,
                                 const char *fmt);

/* True when the effective -O is exactly fmt (NULL or "raw": raw output). */
int mq_dd_ofmt_is(const mq_dd *dd, const char *fmt);

/*
 * A malloc'd NULL-terminated copy of dd->args that can be edited with
 * mq_args_set_operand.
 */
char **mq_args_copy(const mq_dd *dd);
/* Replaces args[i] by "KEY=value" (KEY taken from the old token). */
void mq_args_set_operand(char **args, int i, const char *value);

/*
 * img_dd's window for an input of input_len bytes (already rounded as the
 * caller wants).  Needs numbers_ok.  *past: skip past the end (warning,
 * empty output); *out_len: the output's requested size.
 */
void mq_window(const mq_dd *dd, int64_t input_len, int *past, int64_t *out_len);

/* ---- files and images ------------------------------------------------------ */

/* qemu's path_has_protocol: a ':' before any '/'. */
int mq_has_protocol(const char *path);
/* A path the mutant may touch itself: no protocol prefix, not empty. */
int mq_plain_path(const char *path);

/* st_size of path, or -1. */
int64_t mq_file_size(const char *path);
/* pread/pwrite exactly n bytes; 0 on success. */
int mq_read_at(const char *path, int64_t off, void *buf, size_t n);
int mq_write_at(const char *path, int64_t off, const void *buf, size_t n);

/*
 * `qemu-img info --output=json [-f fmt] -U path` (stderr discarded); a
 * malloc'd JSON text, or NULL when info failed.
 */
char *mq_info_json(const char *path, const char *fmt);
/* The first "key": NUMBER in json; 0 when found. */
int mq_json_int(const char *json, const char *key, int64_t *out);
/* The first "key": "STRING" (no escapes) in json; 0 when found. */
int mq_json_str(const char *json, const char *key, char *buf, size_t size);

/*
 * A fresh empty file next to path ("PATH.mutant.XXXXXX"); the name goes to
 * buf.  0 on success.  The caller renames it over path or unlinks it.
 */
int mq_sibling_temp(const char *path, char *buf, size_t size);

/* Renames tmp over path, giving it path's permission bits first; 0 on success. */
int mq_replace(const char *tmp, const char *path);

/* Escapes ',' as ",," for a --image-opts value. */
char *mq_opts_escape(const char *s);

/* ---- VHD (vpc) ----------------------------------------------------------- */

#define MQ_VHD_MAX_GEOMETRY (INT64_C(65535) * 16 * 255)

typedef struct mq_chs {
	unsigned cyls, heads, secs;
} mq_chs;

/* vpc.c calculate_geometry (the floor geometry of a sector count). */
mq_chs mq_vhd_geometry(int64_t sectors);
/*
 * vpc_create's size for a requested length in bytes (rounded up to 512):
 * the search over calculate_geometry(ts + i).  *stop (optional) gets the
 * geometry the search stopped on (the one written to the footer).
 */
int64_t mq_vhd_size(int64_t bytes, mq_chs *stop);

/* The VHD footer checksum: ones' complement of the byte sum, field zeroed. */
uint32_t mq_vhd_checksum(const unsigned char footer[512]);

uint64_t mq_be64(const unsigned char *p);
uint32_t mq_be32(const unsigned char *p);
uint16_t mq_be16(const unsigned char *p);
void mq_put_be32(unsigned char *p, uint32_t v);
void mq_put_be16(unsigned char *p, uint16_t v);

#endif
