/* engine_setup.h: what fuzz and reproduce share to set the engine up. */
#ifndef DDP_ENGINE_SETUP_H
#define DDP_ENGINE_SETUP_H

#include "engine.h"
#include "map.h"

typedef struct ddp_engine_setup {
	ddp_config cfg;
	ddp_fixtures fixtures;
	ddp_map_manifest map;
	int own_workdir; /* made by us: removed at the end */
} ddp_engine_setup;

/* Tools, modes, work directory and fixtures; a ddparity exit status. */
int ddp_cli_engine_setup(ddp_engine_setup *s, const char *reference, const char *candidate,
                         const char *stderr_mode, const char *info_profile,
                         const char *workdir, double timeout);
void ddp_cli_engine_teardown(ddp_engine_setup *s);

/*
 * Map cases too: the manifest (NULL: expected-outputs/map-fixtures) and its
 * fixtures, made with the reference under the work directory.  The model
 * cannot be the candidate.  A ddparity exit status.
 */
int ddp_cli_engine_setup_map(ddp_engine_setup *s, const char *manifest);

#endif
