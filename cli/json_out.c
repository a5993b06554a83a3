/*
 * json_out.c: `--json FILE` (or `-`) of the commands that end in a summary.
 * A command fills one summary record; its text and its JSON are both made
 * from that record, and the JSON document is written here, atomically.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"

FILE *ddp_cli_text_out(const char *json_path)
{
	return json_path && !strcmp(json_path, "-") ? stderr : stdout;
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

int ddp_cli_json_write(const char *path, json_t *doc, const char *cmd, int status)
{
	char *text;
	ddp_error err;
	int rc = DDP_OK;

	if (!path) {
		json_decref(doc);
		return status;
	}
	json_object_set_new(doc, "exit", json_integer(status));
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(doc);
	if (!text)
		return ddp_cli_fail("%s: --json: out of memory", cmd);
	if (!strcmp(path, "-")) {
		if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout))
			rc = ddp_cli_fail("%s: --json -: cannot write standard output", cmd);
	} else {
		size_t len = strlen(text);
		text[len] = '\n'; /* json_dumps's NUL becomes the newline; the length says where it ends */
		if (ddp_write_atomic(path, text, len + 1, &err))
			rc = ddp_cli_fail("%s: --json %s: %s", cmd, err.source, err.message);
	}
	free(text);
	return rc ? rc : status;
}
