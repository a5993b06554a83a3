/* cli.h: what the ddparity subcommands share. */
#ifndef DDP_CLI_H
#define DDP_CLI_H

#include <stdio.h>
#include <jansson.h>

#include "ddparity.h"

/* Exit statuses of the ddparity command itself. */
enum { DDP_EXIT_OK = 0, DDP_EXIT_DIFFERENT = 1, DDP_EXIT_USAGE = 2 };

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

/* Prints "ddparity: <message>" on stderr and returns DDP_EXIT_USAGE. */
int ddp_cli_fail(const char *fmt, ...);

/* ddp_cli_fail with "name:line:column: message" (or "name: message"). */
int ddp_cli_fail_error(const char *name, const ddp_error *err);

/*
 * Reads a whole file ("-" is standard input) into *out, NUL-terminated,
 * *len bytes.  Returns DDP_EXIT_OK, or DDP_EXIT_USAGE after saying why.
 */
int ddp_cli_read_file(char **out, size_t *len, const char *path);

/* Fills err (source, message) and returns DDP_ERROR. */
int ddp_cli_error(ddp_error *err, const char *source, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A JSON string of len bytes; invalid UTF-8 becomes U+FFFD. */
json_t *ddp_cli_json_text(const char *s, size_t len);

/* The outcome of a prediction as the JSON `ddparity predict` prints. */
json_t *ddp_cli_outcome_json(const ddp_outcome *o, const ddp_profile *p);

/* Renders stderr line i of an outcome into a malloc'd string. */
char *ddp_cli_render_line(const ddp_outcome *o, size_t i, const ddp_profile *p);

/*
 * Asks `qemu-img --version` (the binary at path, or qemu-img on PATH when
 * path is NULL) for its version.  Returns DDP_OK or an error in err.
 */
int ddp_cli_qemu_version(ddp_version *out, const char *path, ddp_error *err);

#endif
