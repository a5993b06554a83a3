/*
 * proc.h: running a tool the way the differential engine needs: argv only
 * (never a shell), its own process group, a timeout that kills the whole
 * group, stdout and stderr captured up to a cap, a bound on the size of the
 * files it writes, and every process it started killed when it ends (even
 * those that left its group with setsid: the suite is their subreaper).
 */
#ifndef DDP_PROC_H
#define DDP_PROC_H

#include <stddef.h>

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

#endif
