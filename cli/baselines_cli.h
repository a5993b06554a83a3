/* baselines_cli.h: what baselines, replay, minimise and promote share. */
#ifndef DDP_BASELINES_CLI_H
#define DDP_BASELINES_CLI_H

#include "suite/suite.h"

/* `baselines export --layout instar OUTDIR` (argv[0] the subcommand). */
int ddp_bl_export(int argc, char **argv);

/* `baselines generate|profiles --command map` (argv[0] the subcommand). */
int ddp_bl_map(int argc, char **argv);

/* `replay --command map` (the --command words taken out). */
int ddp_replay_map(int argc, char **argv);

/*
 * The known-divergences file at path into *out (NULL when there is none and
 * given is NULL: the default is optional).  A ddparity exit status; an error
 * names the file and line.
 */
int ddp_bl_known_load(ddp_known_divergences **out, const char *path, const char *given,
                      const char *who);

#endif
