/*
 * common.h: the bottom of the differential suite, what every module above
 * uses: running a tool (proc.c), files written atomically and read back
 * without following links (util.c), temporary directories and their sweep
 * (tempdir.c), the machine's own faults (machine.c), and the reading of the
 * suite's JSON files (jsonfile.c: positions, members, errors naming file,
 * line and column).  Nothing here knows what a case, a finding or a
 * baseline is.
 *
 * Running a tool the way the differential engine needs: argv only
 * (never a shell), its own process group, a timeout that kills the whole
 * group, stdout and stderr captured up to a cap, a bound on the size of the
 * files it writes, and every process it started killed when it ends (even
 * those that left its group with setsid: the suite is their subreaper).
 */
#ifndef DDP_COMMON_H
#define DDP_COMMON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ddparity.h"

typedef struct ddp_proc_result {
	int exited;        /* ended by exit(): exit_code is valid */
	int exit_code;
	int signo;         /* killed by this signal (not our timeout), else 0 */
	int timed_out;     /* we killed it at the timeout */
	int cut_short;     /* we killed it (or never started it) at opts->deadline */
	char *out;         /* NUL-terminated, out_len bytes (may hold NULs) */
	size_t out_len;
	int out_truncated; /* more was written than the cap kept */
	char *err;
	size_t err_len;
	int err_truncated;
	double seconds;
} ddp_proc_result;

typedef struct ddp_proc_opts {
	const char *cwd;   /* run there (NULL: ours) */
	double timeout;    /* seconds; <= 0: none */
	size_t cap;        /* bytes kept of each stream; 0: 1 MiB */
	double deadline;   /* absolute, on ddp_proc_now()'s clock; 0: none */
	unsigned long long max_file_size; /* the tool's RLIMIT_FSIZE; 0: none */
} ddp_proc_opts;

/*
 * How long `<tool> --version` may take: a tool that prints its version and
 * then hangs (or keeps its stdout open) is not waited on longer.
 */
#define DDP_VERSION_PROBE_SECONDS 10

/*
 * The version a qemu-img (path; NULL: qemu-img on PATH) says it is, asked
 * with `--version` (run as every tool is, by argv, within
 * DDP_VERSION_PROBE_SECONDS).  DDP_OK, or DDP_ERROR with err naming the
 * program and saying what went wrong (qemuversion.c).
 */
int ddp_qemu_version(ddp_version *out, const char *path, ddp_error *err);

/*
 * err's message said whole, for a caller that prints only the message:
 * "<prefix><source>: <message>" (prefix printf-style; each part cut to
 * fit), code, source and line kept.  Returns the code (DDP_ERROR when
 * none), so that `return ddp_error_prefix(err, "promote: ")` reads
 * naturally (util.c).
 */
int ddp_error_prefix(ddp_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * err, a mistake in the file at path, said whole as the CLI says one:
 * "path:line:column: message" (or "path: message" without a line); its
 * source becomes path.  Returns the code.
 */
int ddp_error_in_file(ddp_error *err, const char *path);

/* Seconds on CLOCK_MONOTONIC: the clock of ddp_proc_opts.deadline. */
double ddp_proc_now(void);

/*
 * Field `field` of /proc/<pid>/stat, counted as proc(5) does (3: the
 * state, as its letter; 4: the parent; 22: the start time); 0 when unknown.
 */
unsigned long long ddp_proc_stat_field(long pid, int field);

/*
 * Runs argv[0] (looked up on PATH when it has no '/') with argv, stdin
 * from /dev/null.  DDP_OK once the tool ran, whatever it did; DDP_ERROR
 * when it could not be started (err says why).
 */
int ddp_proc_run(ddp_proc_result *res, const char *const *argv,
                 const ddp_proc_opts *opts, ddp_error *err);

void ddp_proc_result_free(ddp_proc_result *res);

/* ---- files (util.c), temporary directories (tempdir.c), faults (machine.c) ---- */

/*
 * Writes text to path atomically: a temporary of ddp_make_temp's beside it,
 * fsync, rename (a link at path is replaced, never followed).
 */
int ddp_write_atomic(const char *path, const char *text, size_t len,
                     ddp_error *err);
/*
 * Creates a temporary named prefix<pid>-<six random letters> exclusively: a
 * directory (dir 1; returns 0), or a file opened for writing with
 * O_EXCL|O_NOFOLLOW (returns its descriptor).  A name already there (a link
 * planted to elsewhere, a user's file) is never reused, followed or removed:
 * another is drawn.  path (size bytes) gets the name; negative on error.
 */
int ddp_make_temp(char *path, size_t size, const char *prefix, int dir, ddp_error *err);
/*
 * The sha256 of a file as coreutils' sha256sum prints it (what the
 * baselines' profile names and a finding's reproduce.sh check use).
 */
int ddp_sha256sum(char hex[65], const char *path, ddp_error *err);
/* The length of the valid UTF-8 character at s (at most n bytes: 1 for ASCII), else 0. */
size_t ddp_utf8_len(const unsigned char *s, size_t n);
/*
 * s with every byte that is not part of valid UTF-8 written \xNN
 * (malloc'd; NULL out of memory): text a JSON string can hold (a case's
 * description, a detail quoting a tool's stderr cut mid-character).
 */
char *ddp_utf8_text(const char *s);
/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated buffer. */
int ddp_read_file(char **out, size_t *len, const char *path, size_t max,
                  ddp_error *err);
/*
 * ddp_read_file for a file the suite wrote (a baseline, a finding's files,
 * signatures.json): refuses a symbolic link (O_NOFOLLOW) and anything but a
 * regular file, naming path, so a planted link is never read through.
 */
int ddp_read_own_file(char **out, size_t *len, const char *path, size_t max,
                      ddp_error *err);
/*
 * DDP_OK when path is a directory and no symbolic link (or is missing:
 * created when create is set); else an error naming it.  For the suite's
 * own directories (version directories, profiles), never followed elsewhere.
 */
int ddp_own_dir(const char *path, int create, ddp_error *err);
/*
 * Copies the regular file src (not through a link) to dst, which must not
 * exist; runs of zero blocks become holes, so a sparse image stays small.
 */
int ddp_copy_file(const char *src, const char *dst, ddp_error *err);
/*
 * Copies the image file src (a link followed: the name is the user's) to
 * dst, which must not exist, byte for byte with the source's holes where
 * they are (what qemu-img map reads of the file is the same); a
 * directory, a FIFO or a device is refused, never waited on.
 */
int ddp_copy_image(const char *src, const char *dst, ddp_error *err);
/* text (len bytes) with every occurrence of what replaced by with (malloc'd). */
char *ddp_replace_all(const char *text, size_t len, const char *what, const char *with);
/* ---- temporary directories (tempdir.c) ---------------------------------- */

/* rm -rf, without a shell, never following a link; async-signal-safe. */
int ddp_remove_tree(const char *path);
/*
 * A temporary directory of the suite: made (mkdir) and marked with
 * .ddparity-tmp ("ddparity <pid> <start time> <boot id>"), which is what
 * lets a sweep remove it once its process is gone.  Unmark a temporary
 * before (or right after) it becomes something kept (a finding, a version
 * directory).
 */
int ddp_tmpdir_make(const char *dir, ddp_error *err);
int ddp_tmpdir_mark(const char *dir, ddp_error *err);
void ddp_tmpdir_unmark(const char *dir);
/*
 * A marked staging directory for ddp_dir_replace, made by ddp_make_temp
 * (stage gets prefix<pid>-<letters>): fresh (stage/new, made) to fill, old
 * (stage/old) for what it replaces; remove stage after.  The marker stays
 * in stage, so neither the directory swapped into place nor the one
 * swapped out ever holds one, and a kill leaves stage to the sweep.
 */
int ddp_stage_make(char *stage, size_t stage_size, const char *prefix, char *fresh, char *old,
                   size_t size, ddp_error *err);
/*
 * Removes, in workdir and one level below (a work, baselines, output or
 * findings directory), the marked temporary directories (case-, bl-,
 * .tmp-, .old-, .profiles-, ddparity-) of processes gone; never a file,
 * never an unmarked directory.  Returns how many.
 */
int ddp_workdir_sweep(const char *workdir);
/* The same in root only (a temporary root: $TMPDIR, /dev/shm). */
int ddp_temp_root_sweep(const char *root);
/* Removes path's own ddp_write_atomic temporaries left by processes gone. */
int ddp_write_atomic_sweep(const char *path);
/* $TMPDIR, else /tmp. */
const char *ddp_temp_root(void);
/*
 * A command's private directory root/ddparity-<prefix>-XXXXXX, marked, after
 * sweeping root; removed by ddp_private_dir_remove, or by the handler
 * ddp_remove_private_dirs_on_signal installs (SIGINT, SIGTERM: remove, then
 * die of the signal).
 */
int ddp_private_dir(char *buf, size_t size, const char *root, const char *prefix,
                    ddp_error *err);
void ddp_private_dir_remove(const char *dir);
void ddp_remove_private_dirs_on_signal(void);
/*
 * Puts the directory fresh in dir's place (dir may not exist) in one step
 * (renameat2 RENAME_EXCHANGE; a filesystem that cannot has two renames,
 * and dir missing between them); the old dir, if any, is left at old,
 * which must not exist or be an empty directory of the caller's
 * (inside a ddp_stage_make stage: never a name someone else could plant).
 * 0, or -1 with errno.
 */
int ddp_dir_replace(const char *fresh, const char *dir, const char *old);

/*
 * Below this much free space where tools write, a run's failure may be
 * the machine's: the suite stops rather than record it.
 */
#define DDP_MIN_FREE_BYTES (64ULL << 20)

/*
 * Whether a tool run in dir failed because of the machine, not qemu: its
 * output (text, len bytes; NULL for none) says the disk or quota is full,
 * or dir's filesystem has less than DDP_MIN_FREE_BYTES free.  DDP_OK when
 * not; else DDP_ERROR, err's source what (a case) and its message dir.
 */
int ddp_machine_fault(const char *what, const char *dir, const char *text, size_t len,
                      ddp_error *err);

/* ---- the suite's JSON files (jsonfile.c) --------------------------------- */

/*
 * The files the suite reads back (a baseline's meta.json and
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
 * is ddp_ddcases_parse (suite.h), known-divergences the core's
 * ddp_known_divergences_parse.
 *
 * The parsers of each format live with what they read: a finding's in
 * engine/findingfiles.c, a baseline's and version-map.json in
 * suite/baselinefiles.c, the dd-cases file in suite/ddcases.c, the map
 * manifest in map/mapfix.c.  What they share is here.
 */

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


/* A dd-cases name: letters, digits, '.', '_' and '-', not first; at most 100. */
int ddp_case_name_ok(const char *s);
/*
 * A baseline's case name (a meta.json's case_name, the file's name): a
 * dd-cases name, or a map case's NAME@WINDOW (WINDOW: letters, digits,
 * '.', '_', '-', '+').  Never a path.
 */
int ddp_baseline_case_name_ok(const char *s);

/* What a member of a suite file must be (ddp_jf_member.what). */
enum {
	DDP_JF_STRING,      /* any string */
	DDP_JF_TEXT,        /* a string, not empty */
	DDP_JF_NAME,        /* a file or case name */
	DDP_JF_CASE,        /* a baseline's case name (ddp_baseline_case_name_ok) */
	DDP_JF_VERSION,     /* a qemu version */
	DDP_JF_STATUS,      /* an exit status */
	DDP_JF_STATUS_NULL, /* an exit status or null */
	DDP_JF_INTEGER,     /* any integer */
	DDP_JF_COUNT,       /* an integer >= 0 */
	DDP_JF_STRINGS,     /* an array of strings */
	DDP_JF_NAMES,       /* an array of file names */
	DDP_JF_OBJECT,
	DDP_JF_SHA256,      /* 64 lowercase hex digits */
	DDP_JF_COUNTS       /* an object of integers >= 0 */
};

typedef struct ddp_jf_member {
	const char *key;
	unsigned char what;  /* DDP_JF_* */
	unsigned char required;
} ddp_jf_member;

/* A parser as ddp_jf_load calls it: arg is what else it takes. */
typedef int (*ddp_jf_parse_fn)(void *out, const char *text, size_t len, const char *source,
                        const void *arg, ddp_error *err);

#define DDP_JF_N(a) (sizeof(a) / sizeof((a)[0]))

/* Fails with err (DDP_EINVAL) at byte pos of text: its 1-based line and column. */
int ddp_jf_fail_at(ddp_error *err, const char *source, const char *text, size_t len,
                   size_t pos, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* DDP_ENOMEM, err naming source. */
int ddp_jf_out_of_memory(ddp_error *err, const char *source);
/*
 * Where member key is written at or after from: its quoted name followed
 * by a colon; from itself when it is not found (an escaped name, say).
 */
size_t ddp_jf_member_pos(const char *text, size_t len, size_t from, const char *key);
/* The first byte that is not a blank: where a value starts. */
size_t ddp_jf_value_start(const char *text, size_t len);
/* msg kept to one printable line ('?' for the rest), cut to size - 1 bytes. */
const char *ddp_jf_printable(char *buf, size_t size, const char *msg);
/* A value quoted in a message: 40 printable bytes at most, then "...". */
const char *ddp_jf_shown(char buf[48], const char *s);
/* "an object", "a string"...: what v is, for a message. */
const char *ddp_jf_type_name(const json_t *v);
/* What a DDP_JF_* member must be, for a message. */
const char *ddp_jf_member_text(int what);
/*
 * text as a JSON object, no duplicate keys: jansson's error, at its line
 * and column, when it is not.  A NUL byte is refused first.  *out is a new
 * reference.
 */
int ddp_jf_load_object(json_t **out, const char *text, size_t len, const char *source,
                       ddp_error *err);
/* Each rule's member present when required and of its kind; else an error at it. */
int ddp_jf_check_members(const json_t *o, const ddp_jf_member *rules, size_t n, const char *text,
                         size_t len, size_t at, const char *source, ddp_error *err);
/* A file name (a finding's directory), a version ("7.2.22"), a profile name. */
int ddp_jf_name_ok(const char *s);
int ddp_jf_version_ok(const char *s);
int ddp_jf_profile_ok(const char *s);
/* ddp_suitefile_read; own: a file the suite wrote (no link, a regular file). */
int ddp_jf_read_text(char **out, size_t *len, const char *path, size_t max, int own,
                     ddp_error *err);
/* Reads path, a file the suite wrote (at most max bytes, no link), and parses it. */
int ddp_jf_load(void *out, const char *path, size_t max, ddp_jf_parse_fn parse, const void *arg,
                ddp_error *err);

/* "7.2.22" from a ddp_version. */
void ddp_version_text(char *buf, size_t size, ddp_version v);
/* Orders version directory names numerically ("5.2.0" < "10.0.2"). */
int ddp_version_text_cmp(const char *a, const char *b);

#endif
