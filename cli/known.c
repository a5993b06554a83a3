/*
 * known.c: the known-divergences file read for `replay` (dd and map,
 * baselines_cli.h); below both replay files, so neither calls the other's.
 */
#include <stdlib.h>
#include <unistd.h>

#include "baselines_cli.h"
#include "cli.h"

int ddp_bl_known_load(ddp_known_divergences **out, const char *path, const char *given,
                      const char *who)
{
	char *text = NULL;
	size_t len;
	ddp_error err;

	*out = NULL;
	if (access(path, F_OK)) {
		if (given)
			return ddp_cli_fail("%s: --known %s: no such file", who, given);
		return DDP_EXIT_OK;
	}
	if (ddp_read_file(&text, &len, path, 1 << 20, &err) ||
	    ddp_known_divergences_parse(out, text, len, path, &err)) {
		free(text);
		return ddp_cli_fail_error(path, &err);
	}
	free(text);
	return DDP_EXIT_OK;
}
