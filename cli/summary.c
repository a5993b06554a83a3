/*
 * summary.c: what the commands that end in a summary share.  A command
 * fills one summary record; its text and its `--json FILE` (or `-`)
 * document are both made from that record, and the document is written
 * here, atomically.  A replay's verdicts are tallied here too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "engine/engine.h"

/* --json -: the standard output the document goes to (the text's stdout is then stderr), or -1. */
static int json_stdout = -1;

ddp_exit ddp_cli_json_begin(const char *path, const char *cmd)
{
	if (!path || strcmp(path, "-") || json_stdout >= 0)
		return DDP_EXIT_OK;
	fflush(stdout);
	if ((json_stdout = dup(STDOUT_FILENO)) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return ddp_cli_fail("%s: --json -: cannot set standard output aside", cmd);
	return DDP_EXIT_OK;
}

json_t *ddp_cli_json_doc(const char *command)
{
	return json_pack("{s:s, s:s}", "ddparity", DDP_VERSION_STRING, "command", command);
}

json_t *ddp_cli_json_version(ddp_version v)
{
	char text[64];

	snprintf(text, sizeof(text), "%d.%d.%d", v.major, v.minor, v.micro);
	return json_string(text);
}

json_t *ddp_cli_json_str(const char *s)
{
	return s ? ddp_cli_json_text(s, strlen(s)) : json_null();
}

ddp_exit ddp_cli_json_write(const char *path, json_t *doc, const char *cmd, int status)
{
	char *text;
	size_t len;
	ddp_error err;
	int rc = DDP_OK;

	if (!path) {
		json_decref(doc);
		return (ddp_exit)status;
	}
	json_object_set_new(doc, "exit", json_integer(status));
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(doc);
	if (!text)
		return ddp_cli_fail("%s: --json: out of memory", cmd);
	len = strlen(text);
	text[len++] = '\n'; /* json_dumps's NUL becomes the newline; len says where it ends */
	if (!strcmp(path, "-")) {
		fflush(stdout);
		for (size_t done = 0; done < len && rc == DDP_OK;) {
			ssize_t n = write(json_stdout >= 0 ? json_stdout : STDOUT_FILENO, text + done, len - done);
			if (n < 0 && errno != EINTR)
				rc = ddp_cli_fail("%s: --json -: cannot write standard output", cmd);
			done += n > 0 ? (size_t)n : 0;
		}
	} else if (ddp_write_atomic(path, text, len, &err)) {
		rc = ddp_cli_fail("%s: --json %s: %s", cmd, err.source, err.message);
	}
	free(text);
	return (ddp_exit)(rc ? rc : status);
}

static const char *const verdicts[DDP_VERDICTS] = {"pass", "fail", "known", "skip", "error"};

void ddp_cli_tally_add(ddp_cli_tally *t, const char *verdict, const char *name, const char *detail)
{
	for (int k = 0; k < DDP_VERDICTS; k++)
		t->n[k] += !strcmp(verdict, verdicts[k]);
	if (!t->results)
		t->results = json_array();
	json_array_append_new(t->results, json_pack("{s:s, s:s, s:o}", "name", name, "verdict", verdict,
	                                            "detail", ddp_cli_json_str(detail)));
}

void ddp_cli_tally_print(FILE *out, const ddp_cli_tally *t)
{
	fprintf(out, "replay: %d passed, %d failed, %d known, %d skipped", t->n[0], t->n[1], t->n[2],
	        t->n[3]);
	if (t->n[4])
		fprintf(out, ", %d errors", t->n[4]);
	fputc('\n', out);
}

json_t *ddp_cli_tally_json(const ddp_cli_tally *t)
{
	/* o takes the reference: the tally's own results kept (incref), or a new empty list. */
	return json_pack("{s:{s:i, s:i, s:i, s:i, s:i}, s:o}", "counts", "passed", t->n[0],
	                 "failed", t->n[1], "known", t->n[2], "skipped", t->n[3], "errors", t->n[4],
	                 "results", t->results ? json_incref(t->results) : json_array());
}
