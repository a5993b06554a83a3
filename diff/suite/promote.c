/* promote.c: what `ddparity promote` decides about a dd case and a list file (suite.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite/suite.h"

int ddp_promote_check_case(const ddp_ddcases *cases, const ddp_ddcase *c, const char *path,
                           ddp_error *err)
{
	const ddp_ddcase *same;

	if ((same = ddp_ddcases_find(cases, c->name)))
		return ddp_error_set(err, DDP_EINVAL, path, same->line, 0, "%s already has a case named "
		                     "%s (line %d); give another with --name", path, c->name, same->line);
	if ((same = ddp_ddcases_same(cases, c)))
		return ddp_error_set(err, DDP_EINVAL, path, same->line, 0, "%s line %d, %s, is the same "
		                     "case", path, same->line, same->name);
	return DDP_OK;
}

char *ddp_promote_joined(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line), sep = len && text[len - 1] != '\n';
	char *whole = malloc(len + sep + n + 1);

	if (!whole)
		return NULL;
	memcpy(whole, text, len);
	if (sep)
		whole[len] = '\n';
	memcpy(whole + len + sep, line, n + 1);
	return whole;
}

int ddp_promote_append(const char *path, const char *line, size_t max, ddp_error *err)
{
	char *text, *whole;
	size_t len;
	int rc;

	ddp_write_atomic_sweep(path);
	if (ddp_read_file(&text, &len, path, max, err))
		return DDP_ERROR;
	if (!(whole = ddp_promote_joined(text, len, line)))
		rc = ddp_error_set(err, DDP_ENOMEM, path, 0, 0, "out of memory");
	else
		rc = ddp_write_atomic(path, whole, strlen(whole), err);
	free(whole);
	free(text);
	return rc ? DDP_ERROR : DDP_OK;
}
