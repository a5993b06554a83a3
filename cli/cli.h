/* cli.h: what the ddparity subcommands share. */
#ifndef DDP_CLI_H
#define DDP_CLI_H

#include <stdio.h>
#include <jansson.h>

#include "ddparity.h"
#include "exit.h"


/* A subcommand: argv[0] is its own name. */
typedef int (*ddp_cmd_fn)(int argc, char **argv);

int ddp_cmd_predict(int argc, char **argv);
int ddp_cmd_fuzz(int argc, char **argv);
int ddp_cmd_reproduce(int argc, char **argv);
int ddp_cmd_normalise(int argc, char **argv);
int ddp_cmd_compare(int argc, char **argv);
int ddp_cmd_baselines(int argc, char **argv);
int ddp_cmd_replay(int argc, char **argv);
int ddp_cmd_minimise(int argc, char **argv);
int ddp_cmd_promote(int argc, char **argv);
int ddp_cmd_report(int argc, char **argv);
int ddp_cmd_findings(int argc, char **argv);
int ddp_cmd_versions(int argc, char **argv);

/* ---- options: one parser for every command (opts.c) ----------------------- */

#define DDP_CLI_MAX_OPTS 48
#define DDP_CLI_MAX_LIST 256

typedef enum ddp_opt_kind {
	DDP_OPT_FLAG,   /* --name: *(int *)dest = 1 */
	DDP_OPT_STRING, /* --name V or --name=V: *(const char **)dest = V (the last one given) */
	DDP_OPT_LIST    /* may repeat: each V appended to *(ddp_opt_list *)dest */
} ddp_opt_kind;

typedef struct ddp_opt {
	const char *name; /* without "--" */
	ddp_opt_kind kind;
	void *dest;
} ddp_opt;

typedef struct ddp_opt_list {
	const char *v[DDP_CLI_MAX_LIST];
	int n;
} ddp_opt_list;

/* The command's dd arguments come after '--' (predict): a dd operand before it is named. */
#define DDP_OPT_DD_AFTER 1

/*
 * Parses argv (argv[0]: the command's name) with getopt_long: options in
 * any order among the operands, `--opt V` and `--opt=V`, unambiguous
 * abbreviations, `--` ending them.  On success *first is the first
 * operand's index (operands are moved after the options), or -1 for
 * --help/-h (the caller prints its usage and exits 0); else the result is
 * the exit status to return, the mistake said.  Every mistake is
 * told in one form: "ddparity CMD: unknown option '--secs' (did you mean
 * '--seconds'?) (see 'ddparity help CMD')".
 */
int ddp_cli_parse(int *first, int argc, char **argv, const ddp_opt *opts, size_t n, int flags);

/*
 * ddp_cli_parse, then what every command does next: on --help, usage
 * printed (when not NULL) and -1 returned; more than max_operands
 * operands (-1: any) an error in the same form.  So a command reads:
 *   if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 1, 0)))
 *       return rc < 0 ? DDP_EXIT_OK : rc;
 */
int ddp_cli_options(int *first, int argc, char **argv, const ddp_opt *opts, size_t n,
                    const char *usage, int max_operands, int flags);

/* The options of a table, for ddp_cli_parse. */
#define DDP_OPTS(t) (t), (sizeof(t) / sizeof(*(t)))

/* A whole number from min to max in an option's value, or the error (as ddp_cli_parse's). */
ddp_exit ddp_cli_uint(unsigned long long *out, const char *cmd, const char *opt, const char *text,
                 unsigned long long min, unsigned long long max);

/* Seconds in an option's value (0 allowed when zero_ok, at most 1e7), or the error (as ddp_cli_parse's). */
ddp_exit ddp_cli_seconds(double *out, const char *cmd, const char *opt, const char *text, int zero_ok);

/*
 * Prints "ddparity CMD: <message>" on stderr, CMD the command running (the
 * form of ddp_cli_parse's mistakes; a message that starts with CMD names
 * it once), and returns DDP_EXIT_USAGE.
 */
ddp_exit ddp_cli_fail(const char *fmt, ...);

/* The command running, named by ddp_cli_fail's messages (main.c sets it). */
void ddp_cli_set_command(const char *name);

/*
 * DDP_EXIT_OK when status is DDP_OK; else err's message said by
 * ddp_cli_fail and DDP_EXIT_USAGE.  For a library call whose message is
 * whole: rc = ddp_cli_status(ddp_bl_workdir(..., &err), &err).
 */
ddp_exit ddp_cli_status(int status, const ddp_error *err);

/* ddp_cli_fail with "name:line:column: message" (or "name: message"). */
ddp_exit ddp_cli_fail_error(const char *name, const ddp_error *err);

/*
 * Reads a whole file ("-" is standard input) into *out, NUL-terminated,
 * *len bytes.  Returns DDP_EXIT_OK, or DDP_EXIT_USAGE after saying why.
 */
ddp_exit ddp_cli_read_file(char **out, size_t *len, const char *path);

/* A JSON string of len bytes; invalid UTF-8 becomes U+FFFD. */
json_t *ddp_cli_json_text(const char *s, size_t len);

/* The outcome of a prediction as the JSON `ddparity predict` prints. */
json_t *ddp_cli_outcome_json(const ddp_outcome *o, const ddp_profile *p);

/* Renders stderr line i of an outcome into a malloc'd string. */
char *ddp_cli_render_line(const ddp_outcome *o, size_t i, const ddp_profile *p);

/* ---- --json FILE: the summary as one JSON document (summary.c) --------------- */

/*
 * Called once the options are read, with --json's value (NULL: none): for
 * "-", the document alone will be on stdout, so everything the command
 * prints there from now on goes to stderr.  Returns DDP_EXIT_OK or the
 * status after saying what failed.
 */
ddp_exit ddp_cli_json_begin(const char *path, const char *cmd);

/* A summary document's head: {"ddparity": VERSION, "command": command}. */
json_t *ddp_cli_json_doc(const char *command);

/* "MAJOR.MINOR.MICRO" as a JSON string. */
json_t *ddp_cli_json_version(ddp_version v);

/* A JSON string of s (invalid UTF-8 as U+FFFD), or null for NULL. */
json_t *ddp_cli_json_str(const char *s);

/*
 * Ends a command: with path (--json's value; NULL: not asked for) sets
 * doc's "exit" to status and writes doc to path atomically (a temporary
 * beside it, fsynced, renamed), or to the real stdout for "-".  Takes doc's
 * reference.  Returns status, or DDP_EXIT_USAGE after saying why the
 * document could not be written.
 */
ddp_exit ddp_cli_json_write(const char *path, json_t *doc, const char *cmd, int status);

/* A replay's verdicts: pass, fail, known, skip, error, counted, each case kept. */
#define DDP_VERDICTS 5
typedef struct ddp_cli_tally {
	int n[DDP_VERDICTS];
	json_t *results; /* [{name, verdict, detail}]: the caller frees it */
} ddp_cli_tally;

/* Counts verdict and keeps {name, verdict, detail} (detail may be NULL). */
void ddp_cli_tally_add(ddp_cli_tally *t, const char *verdict, const char *name, const char *detail);

/* "replay: N passed, N failed, N known, N skipped[, N errors]" and a newline. */
void ddp_cli_tally_print(FILE *out, const ddp_cli_tally *t);

/* {"counts": {passed, failed, known, skipped, errors}, "results": [...]}. */
json_t *ddp_cli_tally_json(const ddp_cli_tally *t);

#endif
