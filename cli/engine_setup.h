/* engine_setup.h: what fuzz and reproduce share to set the engine up. */
#ifndef DDP_ENGINE_SETUP_H
#define DDP_ENGINE_SETUP_H

#include "engine/engine.h"
#include "map/map.h"
#include "suite/suite.h"

typedef struct ddp_engine_setup {
	ddp_config cfg;
	ddp_fixtures fixtures;
	ddp_map_manifest map;
	int own_workdir; /* made by us: removed at the end */
} ddp_engine_setup;

/*
 * Tools, modes, work directory and fixtures; a ddparity exit status.
 * reference "model[:VERSION]" makes the model of VERSION the reference;
 * reader (NULL: qemu-img on PATH) then makes the fixtures and reads the
 * candidate's output.  reader is refused with any other reference.
 */
int ddp_cli_engine_setup(ddp_engine_setup *s, const char *reference, const char *reader,
                         const char *candidate, const char *stderr_mode,
                         const char *info_profile, const char *workdir, double timeout);
/*
 * The same for one case's run: of the fixtures, only the one it names
 * (an engine fixture, or an ad hoc input: ddp_cli_engine_setup_case).
 */
int ddp_cli_engine_setup_for(ddp_engine_setup *s, const char *reference, const char *reader,
                             const char *candidate, const char *stderr_mode,
                             const char *info_profile, const char *workdir, double timeout,
                             const char *fixture);
void ddp_cli_engine_teardown(ddp_engine_setup *s);

/*
 * The tools a saved finding runs with: those the user named (reference,
 * candidate: NULL when not named), else, when trusted, those its
 * result.json names.  A finding is data passed around (a CI artifact, a
 * bug report's attachment), so the programs it names never run on its
 * word alone; "model" is no program and needs no trust.  When a tool is
 * missing, prints what would run and how to run it, and returns
 * DDP_EXIT_USAGE.  cmd is the subcommand, dir the finding.  *model_only
 * is set when the reference is the finding's own model, untrusted.
 */
int ddp_cli_finding_tools(const char **reference, const char **candidate,
                          const ddp_finding_result *r, const ddp_case *c, int trust,
                          const char *cmd, const char *dir, int *model_only);
/*
 * After set-up, for a reference that is the finding's own model:VERSION
 * taken without --trust-finding (*model_only above): the cases the model
 * cannot answer are counted unmodelled rather than run by a materialised
 * qemu-img the user did not name.  Says so on stderr.
 */
void ddp_cli_model_only(ddp_engine_setup *s);

/*
 * The case's fixture when it is an ad hoc input (a group's minimal case,
 * "dd-raw-1024"): made under the work directory and added to the
 * fixtures; nothing for an engine fixture.  A ddparity exit status.
 */
int ddp_cli_engine_setup_case(ddp_engine_setup *s, const ddp_case *c);

/*
 * The finding a command reads in dir: a group's headline/ (its minimal
 * case) when it has one, else dir itself.
 */
void ddp_cli_finding_dir(char *out, size_t size, const char *dir);

/*
 * Map cases too: the manifest (NULL: expected-outputs/map-fixtures) and its
 * fixtures, made with the reference under the work directory.  The model
 * cannot be the candidate.  A ddparity exit status.
 */
int ddp_cli_engine_setup_map(ddp_engine_setup *s, const char *manifest);

/* --stderr's names, in ddp_stderr_mode's order: "exact", "class", "ignore". */
const char *ddp_cli_stderr_mode_name(ddp_stderr_mode m);

/* The mode named name into *out: DDP_OK, or DDP_EINVAL for another name. */
int ddp_cli_stderr_mode(ddp_stderr_mode *out, const char *name);

#endif
