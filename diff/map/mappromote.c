/* mappromote.c: whether a map window may join its manifest (`ddparity promote`; map.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "map/map.h"

int ddp_promote_check_window(const ddp_map_manifest *m, const ddp_map_window *w, const char *path,
                             ddp_error *err)
{
	for (size_t i = 0; i < m->nwindows; i++) {
		const ddp_map_window *o = &m->windows[i];
		if (!strcmp(o->name, w->name))
			return ddp_error_set(err, DDP_EINVAL, path, o->line, 0, "%s already has a window "
			                     "named %s (line %d); give another with --name", path, o->name,
			                     o->line);
		if (o->at == DDP_MAP_AT_ZERO && o->delta == w->delta && o->length == w->length)
			return ddp_error_set(err, DDP_EINVAL, path, o->line, 0, "%s line %d, window %s, is "
			                     "the same window", path, o->line, o->name);
	}
	return DDP_OK;
}
