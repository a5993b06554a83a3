/*
 * map.h: the map module, the top of diff/: `qemu-img map` as the suite's
 * second command (ddp_map_command), beside dd.  A manifest
 * (expected-outputs/map-fixtures) says which source images to make with the
 * reference's qemu-img and qemu-io, and which windows (--start-offset,
 * --max-length) to read them through; each (fixture, output type, window)
 * is a map case, run by any tool in the fixtures' directory with paths
 * normalised, baselined per version and compared.
 *
 * Baselines, in instar's layout, one root per (output type, source format):
 *
 *   map-human/<fmt>/<version>/<fixture>.{stdout.txt,stderr.txt,meta.json}
 *   map-human/window/<fmt>/<version>/<fixture>@<window>.{...}
 *   map-json/... likewise
 *
 * each root with profiles/ and version-map.json as for dd.
 */
#ifndef DDP_MAP_ENGINE_H
#define DDP_MAP_ENGINE_H

#include <stdint.h>

#include "suite/suite.h"

#define DDP_MAP_MAX_WRITES 32

/* What qemu-img map reads, and so what a fixture may be. */
extern const char *const ddp_map_formats[];

/* What a step of a fixture's STEPS does. */
enum {
	DDP_MAP_STEP_WRITE,   /* qemu-io write [-P N] [-z [-u]] [-c] OFFSET LENGTH */
	DDP_MAP_STEP_DISCARD, /* qemu-io discard OFFSET LENGTH */
	DDP_MAP_STEP_SHRINK,  /* qemu-img resize --shrink to offset (raw, qcow2) */
	DDP_MAP_STEP_MAP      /* the image as it is here kept as fixture name */
};

/* One step: a qemu-io command, a shrink, or a map taken between steps. */
typedef struct ddp_map_write {
	int op;               /* DDP_MAP_STEP_* */
	int pattern;          /* -P's byte, -1 when not given */
	int zero, compressed; /* -z, -c */
	int unmap;            /* -u (with -z): the range may be deallocated */
	int64_t offset, length; /* a shrink's new size is offset (length 0); a map's both 0 */
	char name[48];        /* a map step's fixture */
} ddp_map_write;

/* What a manifest line made a fixture from. */
enum {
	DDP_MAP_MADE,         /* a `fixture` line: qemu-img create, then its steps */
	DDP_MAP_IMAGE,        /* an `image` line: an existing file, copied and checked */
	DDP_MAP_SNAPSHOT      /* a `map NAME` step of a fixture line: its state there */
};

/*
 * A `fixture NAME FORMAT SIZE OPTIONS STEPS` line.  OPTIONS is `-` or
 * key=value pairs joined by ',' for `qemu-img create -o`, where
 * backing=NAME names an earlier fixture (then -b NAME.<its format> -F).
 * STEPS is `-` or steps joined by ';' (ddp_map_write).  A raw fixture is
 * created empty and truncated to SIZE by qemu-io, so it may end mid-sector.
 *
 * An `image NAME FORMAT PATH SHA256` line: an existing image file (PATH
 * relative to the manifest's directory unless absolute), copied into the
 * fixtures' directory, its copy's sha256 checked, and mapped with -f FORMAT.
 *
 * A `map NAME` step adds a fixture NAME (DDP_MAP_SNAPSHOT, right after
 * its fixture): a copy of the image after the steps before it, which are
 * its writes (the map steps left out), its size the size there.
 */
typedef struct ddp_map_fixture {
	int kind;             /* DDP_MAP_MADE, DDP_MAP_IMAGE, DDP_MAP_SNAPSHOT */
	char name[48];
	char format[16];
	char size_text[24];   /* "" for an image */
	int64_t size;         /* 0 for an image */
	char options[192];    /* for -o, without backing=; "" for none */
	char backing[48];     /* an earlier fixture, or "" */
	int nwrites;
	ddp_map_write writes[DDP_MAP_MAX_WRITES];
	int line;
	char path[1024];      /* an image's PATH as written */
	char sha256[65];      /* an image's SHA256 */
	int path_column, sha256_column;
	char snapshot_of[48]; /* a snapshot's fixture */
	/* Filled by ddp_map_fixtures_make: */
	char file[72];        /* NAME.FORMAT, in the fixtures' directory */
	/*
	 * What map sees: a made fixture is mapped without -f, so qemu probes
	 * the file, and a fixed VHD (no header, its footer at the end) is
	 * probed as raw; an image is mapped with -f FORMAT.  The format qemu-img
	 * info names (without -f for a made fixture), and its virtual size (the
	 * windows' mid and end are computed from it).
	 */
	char probed_format[16];
	int64_t virtual_size;
} ddp_map_fixture;

enum { DDP_MAP_AT_ZERO, DDP_MAP_AT_MID, DDP_MAP_AT_END };

/*
 * A `window NAME START LENGTH` line: START is N, mid, end, mid+N, mid-N,
 * end+N or end-N (mid: half the virtual size, rounded down to 512); LENGTH
 * is N or `-` (no --max-length).  Sizes take k, M, G.
 */
typedef struct ddp_map_window {
	char name[32];
	int at;               /* DDP_MAP_AT_* */
	int64_t delta;        /* added to it */
	int64_t length;       /* -1: no --max-length */
	int line;
} ddp_map_window;

typedef struct ddp_map_manifest {
	char source[4096];    /* the manifest's path (or name), for errors */
	char images_dir[4096]; /* where images' relative paths start: source's directory */
	ddp_map_fixture *fixtures;
	size_t nfixtures;
	ddp_map_window *windows;
	size_t nwindows;
} ddp_map_manifest;

/* Where the relative image paths of the manifest at source start: its directory. */
void ddp_map_images_dir(char *buf, size_t size, const char *source);

/*
 * Parses a manifest's text.  Pure: a malformed line rejects the whole
 * file, err naming source, line and column.
 */
int ddp_map_manifest_parse(ddp_map_manifest *out, const char *text, size_t len,
                           const char *source, ddp_error *err);
int ddp_map_manifest_load(ddp_map_manifest *out, const char *path, ddp_error *err);
void ddp_map_manifest_free(ddp_map_manifest *m);
const ddp_map_fixture *ddp_map_manifest_find(const ddp_map_manifest *m, const char *name);
/* The fixture's line as the manifest holds it (columns aligned, no '\n'). */
void ddp_map_fixture_line(char *buf, size_t size, const ddp_map_fixture *f);

/* The window's line as the manifest holds it (no '\n'). */
void ddp_map_window_line(char *buf, size_t size, const ddp_map_window *w);

/* The window's start and --max-length (-1: none) on an image of virtual_size. */
void ddp_map_window_resolve(int64_t *start, int64_t *length, const ddp_map_window *w,
                            int64_t virtual_size);

/*
 * Makes every fixture of m under dir (which must exist, empty) with
 * qemu_img and the qemu-io beside it, in manifest order, and fills their
 * file and virtual_size.  An image is copied first and only its copy is
 * used: its sha256 checked, then qemu-img info -f FORMAT, which must name
 * no other file (a backing file, a data file, a vmdk's other extents).
 * Errors name the manifest's line and column.
 */
int ddp_map_fixtures_make(ddp_map_manifest *m, const char *dir, const char *qemu_img,
                          ddp_error *err);

/* ---- cases -------------------------------------------------------------- */

typedef struct ddp_map_case {
	const ddp_map_fixture *fixture;
	int json;             /* --output=json, else human */
	int windowed;         /* a window: --start-offset (and --max-length) */
	char window[32];      /* its name, or "" */
	int64_t start, length; /* length -1: no --max-length */
} ddp_map_case;

/*
 * Every case of a manifest whose fixtures are made (windows resolve
 * against their virtual sizes): human then JSON; per fixture, the whole
 * image then each window.  *out is malloc'd.
 */
int ddp_map_cases_build(ddp_map_case **out, size_t *n, const ddp_map_manifest *m,
                        ddp_error *err);

/* "<fixture>" or "<fixture>@<window>" (a window from the engine: "@<start>+<length>"). */
void ddp_map_case_name(char *buf, size_t size, const ddp_map_case *c);

/* The arguments a fixture itself puts first: -f FORMAT for an image (at most 2). */
int ddp_map_fixture_args(const char **argv, const ddp_map_fixture *f);

/* The arguments after `map` (at most 8, static strings or buf's): argv NULL-terminated. */
int ddp_map_case_args(const char **argv, char buf[2][40], const ddp_map_case *c);

typedef struct ddp_map_outcome {
	int rc;               /* exit code; 128+N for signal N; -1 timed out */
	char *out, *err;      /* paths normalised: the image is $FILENAME, its backing $BACKING */
} ddp_map_outcome;

/*
 * Runs `TOOL map ARGS` in fixdir, where the fixtures are, and normalises
 * the paths in its output.  The model cannot run a map: DDP_EINVAL.
 */
int ddp_map_run(ddp_map_outcome *out, const ddp_tool *tool, const ddp_map_case *c,
                const ddp_map_manifest *m, const char *fixdir, double timeout,
                ddp_error *err);
void ddp_map_outcome_free(ddp_map_outcome *o);
/* ddp_map_run with the arguments as given (the engine's cases hold any bytes). */
int ddp_map_run_args(ddp_map_outcome *out, const ddp_tool *tool, const ddp_map_fixture *f,
                     const char *const *args, int nargs, const ddp_map_manifest *m,
                     const char *fixdir, double timeout, ddp_error *err);

/*
 * What two outcomes of a map (with --output=json when json) differ in, as a signature: "" when they agree, else
 * kinds joined by '+': exit, stderr, stdout (human text), map:<fields>
 * (JSON, through ddp_map_compare), map-invalid:<side> (a JSON output that
 * is not a map), crash, timeout.  detail gets the first difference.
 * stderr is compared byte for byte with exact_stderr (a candidate that says
 * it is a qemu-img), else by class: empty or not.  JSON that holds the same
 * map in other bytes (a trailing newline missing, other spacing) is stdout
 * unless json_normalised: byte for byte is what instar's tests compare.
 */
void ddp_map_diverges(char *sig, size_t sig_size, char *detail, size_t detail_size,
                      int json, const ddp_map_outcome *ref, const ddp_map_outcome *cand,
                      int exact_stderr, int json_normalised);

/*
 * A divergence signature as the comma-separated fields a known-divergences
 * entry lists: each kind, "map:a,b" as "map/a,map/b", "map-invalid:side"
 * as "map-invalid".
 */
void ddp_map_signature_fields(char *buf, size_t size, const char *sig);

/* ---- the differential engine's map operation ------------------------------ */

/*
 * The map command (engine.h's ddp_command): engine cases of kind
 * DDP_CASE_MAP, whose fixture is a manifest fixture's name.
 * ddp_map_attach puts it in cfg with manifest m (made), and makes it the
 * command a campaign generates.
 */
extern const ddp_command ddp_map_command;
void ddp_map_attach(ddp_config *cfg, const ddp_map_manifest *m);

/*
 * A random map case over cfg->map's fixtures (made): a fixture, human or JSON,
 * and a window (none, or a start and a length chosen near the image's
 * edges, cluster boundaries and past its end; now and then not a number).
 * c->argv holds the options; the runner appends the file.
 */
void ddp_map_case_generate(ddp_case *c, ddp_source *src, const ddp_config *cfg);

/*
 * ddp_case_run for a map case (cfg->map set): both tools in the fixtures'
 * directory, compared by ddp_map_diverges; a timeout is inconclusive.
 */
int ddp_map_case_run(ddp_result *res, const ddp_config *cfg, const ddp_case *c,
                     uint64_t case_no, ddp_error *err);

/* ---- rules: what decides map's output (maprules.c) --------------------------- */

/*
 * The rules of qemu-img map a case goes through on fixture f with args
 * (map's options, without the file), as ids joined by ',' in a fixed
 * order: the output type, the window and how it meets the image, the
 * format's extent logic over the window.  Pure.  Returns 1 when every
 * argument is one map's cases give (the rules are known), else 0.
 */
int ddp_map_rules(char *buf, size_t size, const ddp_map_fixture *f, const char *const *args,
                  int nargs);
/* A rule id's one-line text; NULL for no such id. */
const char *ddp_map_rule_text(const char *id);

/* ---- minimise: a map finding shrunk, keeping its group (mapminimise.c) ---------- */

typedef struct ddp_map_minimise_result {
	ddp_case mcase;          /* the minimal case (a map case: fixture and options) */
	char signature[512];
	char rules[400], orig_rules[400];
	int modelled;            /* the finding's rules are known */
	int orig_args, runs;
	double seconds;
	int out_of_time;
} ddp_map_minimise_result;

/*
 * Shrinks map finding c (recorded signature) under cfg (cfg->map set):
 * its options in a plain form (--output=json, --start-offset, --max-length),
 * then fewer options, plainer and smaller window values, a fixture of the
 * manifest with fewer rules (or as few, and smaller), while it still
 * diverges through none of the rules the finding did not go through and
 * no more than the best so far (opts->keep_group; else the same
 * signature).  DDP_EINVAL when the finding does not reproduce, or not in
 * the plain form.
 */
int ddp_map_minimise(ddp_map_minimise_result *out, const ddp_config *cfg, const ddp_case *c,
                     const char *signature, const ddp_minimise_opts *opts, ddp_error *err);
void ddp_map_minimise_result_free(ddp_map_minimise_result *r);

/* ---- baselines -------------------------------------------------------------- */

/* <root>/map-<human|json>[/window]/<fmt>: where a case's baselines live. */
void ddp_map_baseline_root(char *buf, size_t size, const char *root, const ddp_map_case *c);

/* A baseline of a case from an outcome (meta.json says what ran). */
int ddp_map_baseline_from(ddp_baseline *b, const ddp_map_case *c, const ddp_map_outcome *o,
                          const char *version, const char *fixtures_by, ddp_error *err);

/* ---- map baselines made (mapbaselines.c) ---- */

typedef struct ddp_map_bl_opts {
	const ddp_bl_ref *refs;        /* the qemu-imgs whose map is kept, nrefs of them */
	size_t nrefs;
	const char *const *only;       /* only these fixtures (nonly; 0: every one) */
	size_t nonly;
	const char *only_window;       /* only the cases through this window (NULL: every case) */
	const char *fixtures_with;     /* the qemu-img that makes the fixtures */
	const char *manifest_path;     /* the manifest's file, for messages */
	const char *workdir, *root;    /* where the fixtures are made; the baselines' root */
	int jobs;                      /* references at once */
	FILE *out, *log;               /* each version written (stdout); fixtures and runs (stderr) */
} ddp_map_bl_opts;

typedef struct ddp_map_bl_done {
	int fixtures;       /* the fixtures were made: by and ncases are known */
	char by[32];        /* the version of the qemu-img that made them */
	size_t ncases;      /* cases each version */
	int *made, *failing; /* each reference's cases made, of which map failed */
	size_t nwritten;    /* the references written (in order) */
} ddp_map_bl_done;

/*
 * The fixtures of m made once (o->fixtures_with), every case mapped by
 * every reference, and each written under its root (ddp_map_baseline_root):
 * whole version directories swapped in, or (only, only_window) those
 * cases in place.  DDP_OK, or an error whose message is whole (the first
 * reference that failed; later ones said on o->log).  *d is freed with
 * ddp_map_bl_done_free whatever is returned.
 */
int ddp_map_baselines_make(ddp_map_bl_done *d, ddp_map_manifest *m, const ddp_map_bl_opts *o,
                           ddp_error *err);
void ddp_map_bl_done_free(ddp_map_bl_done *d);

/*
 * The profiles of every map root under root (each said on out when not
 * NULL, each's directory passed to each); an error when there is none.
 */
typedef void (*ddp_map_leaf_fn)(void *ctx, const char *leaf);
int ddp_map_baselines_profiles(const char *root, FILE *out, ddp_map_leaf_fn each, void *ctx,
                               ddp_error *err);

/* ---- promote (mappromote.c) ---- */

/*
 * The same for window w and map manifest m (read from path): its name
 * taken, or a window from the start of the same delta and length there.
 * Pure.
 */
int ddp_promote_check_window(const ddp_map_manifest *m, const ddp_map_window *w, const char *path,
                             ddp_error *err);

/* A minimal map case as a manifest window: the window, its fixture, the output type, the names. */
typedef struct ddp_map_case_window {
	ddp_map_window w;
	char fixture[48];
	int json;
	char line[256];  /* the manifest line (no newline) */
	char name[300];  /* the case: map-<human|json>/<fixture>@<window> */
} ddp_map_case_window;

/*
 * The window of minimal map case c: `window NAME START LENGTH` with START
 * its --start-offset (0 when only --max-length is given), named name
 * (NULL: s<START>[-l<LENGTH>]).  A manifest window is plain numbers; a
 * whole-image case is no window at all: DDP_EINVAL saying so ("minimise:
 * ...").  Pure.
 */
int ddp_map_window_of(ddp_map_case_window *out, const ddp_case *c, const char *name,
                      ddp_error *err);

/*
 * promote's workflow for a map finding: minimised (the caller's
 * minimiser: 0, or its own status, kept in minimise_rc), its window
 * checked against the manifest, the manifest with it read back by the
 * strict parser, the baselines of every fixture through it (both output
 * types) with the qemu-imgs given, the map profiles, and the window's line
 * appended to the manifest last.  Nothing is written to root or the
 * manifest before DDP_PROMOTE_MAP_BASELINES.
 */
typedef enum ddp_promote_map_step {
	DDP_PROMOTE_MAP_MINIMISE,
	DDP_PROMOTE_MAP_WINDOW,    /* the minimal case as a window (ddp_map_window_of) */
	DDP_PROMOTE_MAP_MANIFEST,  /* read, the window checked, the manifest with it parsed */
	DDP_PROMOTE_MAP_REFERENCES,
	DDP_PROMOTE_MAP_BASELINES, /* fixtures made, every reference's cases through it written */
	DDP_PROMOTE_MAP_PROFILES,
	DDP_PROMOTE_MAP_APPEND,
	DDP_PROMOTE_MAP_DONE
} ddp_promote_map_step;

/* A map finding's minimal case into *out (zeroed first; freed by the caller, failed or not). */
typedef int (*ddp_promote_map_minimise_fn)(ddp_case *out, void *ctx, const char *finding);

typedef struct ddp_promote_map_opts {
	const char *manifest_path, *root;
	const char *const *given;  /* the qemu-imgs (ngiven); none: every materialised one, else */
	size_t ngiven;             /* qemu-img on PATH (all_versions: every one, or an error) */
	int all_versions, jobs;
	const char *workdir;       /* for the manifest with the window (NULL: a private one) */
	const char *name;          /* the window's name (NULL: from its numbers) */
	ddp_promote_map_minimise_fn minimise;
	void *ctx;
	FILE *out, *log;
} ddp_promote_map_opts;

typedef struct ddp_promote_map_done {
	ddp_promote_map_step step;
	int minimise_rc;
	ddp_map_case_window cw;   /* from DDP_PROMOTE_MAP_MANIFEST on */
} ddp_promote_map_done;

int ddp_promote_map(ddp_promote_map_done *d, const ddp_promote_map_opts *o, const char *finding,
                    ddp_error *err);

#endif
