/*
 * engine.h: the engine module, on diff/common: the differential engine.  A
 * case (a fixture and the arguments after `qemu-img dd`, or a map case)
 * runs through the reference qemu-img and a candidate
 * (another command, or the core's model), and what they did is compared:
 * exit code, stderr, whether the output exists, the output's normalised
 * `qemu-img info`, and its data flattened to raw.  A difference is a
 * finding, saved atomically and deduplicated by its signature.
 */
#ifndef DDP_ENGINE_H
#define DDP_ENGINE_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "ddparity.h"
#include "common/common.h"

#define DDP_CASE_MAX_ARGS 48

/* ---- choices: a seeded PRNG, or the bytes of a fuzzer's input ---------- */

typedef struct ddp_source {
	uint64_t s[4];        /* xoshiro256** state */
	const uint8_t *data;  /* when set, choices are read from these bytes */
	size_t len, pos;
} ddp_source;

void ddp_source_seed(ddp_source *src, uint64_t seed, uint64_t stream);
void ddp_source_bytes(ddp_source *src, const uint8_t *data, size_t len);
uint64_t ddp_source_u64(ddp_source *src);
/* A choice in [0, n); 0 when n is 0. */
uint64_t ddp_source_below(ddp_source *src, uint64_t n);
/* True with probability percent/100. */
int ddp_source_chance(ddp_source *src, unsigned percent);

/* ---- fixtures: input images made once with the reference ---------------- */

typedef struct ddp_fixture {
	const char *name;     /* "raw-5000-random" */
	const char *format;   /* real format */
	const char *file;     /* the name the case's input link gets: "in.raw" */
	int64_t size;         /* bytes asked of qemu-img create (or raw length) */
	const char *pattern;  /* "zero", "random", "sparse" */
	int edge_only;        /* too big to copy often: only for VHD breakpoints */
	/* Filled when made: */
	int64_t virtual_size; /* what the reference's info says */
	int64_t file_length;
	char path[4096];      /* the image */
	char flat[4096];      /* its guest view, flattened to raw */
} ddp_fixture;

typedef struct ddp_fixtures {
	ddp_fixture *items;
	size_t count;
	char dir[4096];
} ddp_fixtures;

/*
 * Makes one fixture under dir (or reuses it when a stamp says it is
 * complete): f's name, format, size and pattern say what; its path, flat
 * view, virtual size and file length are filled in.
 */
int ddp_fixture_make(ddp_fixture *f, const char *dir, const char *qemu_img, ddp_error *err);

/*
 * The virtual size `qemu-img info --output=json -f format path` reports
 * (run in cwd when set); an error names what.
 */
int ddp_image_virtual_size(int64_t *out, const char *qemu_img, const char *format,
                           const char *path, const char *cwd, const char *what,
                           ddp_error *err);
/*
 * qemu-img info --output=json of path (with -f format, or probing when
 * NULL), run in cwd: its JSON (*out, to json_decref), which has an integer
 * virtual-size, else an error naming what.
 */
int ddp_image_info(json_t **out, const char *qemu_img, const char *format, const char *path,
                   const char *cwd, const char *what, ddp_error *err);
/*
 * The same with format NULL: what qemu-img probes the file as (no -f), its
 * virtual size and (probed, when not NULL) the format info names.
 */
int ddp_image_probe(int64_t *out, char *probed, size_t probed_size, const char *qemu_img,
                    const char *format, const char *path, const char *cwd, const char *what,
                    ddp_error *err);

/* qemu-io beside the given qemu-img (a version wrapper has both), else PATH's (malloc'd). */
char *ddp_qemu_io_for(const char *qemu_img);
/*
 * Runs a helper program (qemu-img create, qemu-io...) that must succeed:
 * anything but exit 0 is an error naming what and its stderr.
 */
int ddp_run_checked(const char *const *argv, const char *what, ddp_error *err);

/* Makes (or reuses, when already complete) every fixture under dir. */
int ddp_fixtures_make(ddp_fixtures *fx, const char *dir, const char *qemu_img,
                      ddp_error *err);
/*
 * The same, only the fixture named only (none when no fixture has that
 * name): one case's run (reproduce, minimise, fuzz --case) needs no other.
 */
int ddp_fixtures_make_only(ddp_fixtures *fx, const char *dir, const char *qemu_img,
                           const char *only, ddp_error *err);
/*
 * The fixtures' table, none made (no tool runs: names, formats, and the
 * sizes asked of qemu-img as virtual sizes): enough to generate cases, as
 * the AFL++ mutator does inside afl-fuzz.
 */
int ddp_fixtures_table(ddp_fixtures *fx, ddp_error *err);
const ddp_fixture *ddp_fixtures_find(const ddp_fixtures *fx, const char *name);
void ddp_fixtures_free(ddp_fixtures *fx);

/*
 * Makes (or reuses, when already there) an input of any size (a dd-cases
 * line's, a minimal case's) under
 * dir with qemu_img, as the engine makes its fixtures (fixtures.c), for any
 * size: pattern "random" (or NULL or "") is size bytes of the engine's LCG
 * seeded by the size, converted to format when it is not raw; "sparse" is
 * data at the start, middle and end with holes between (raw: written
 * directly; other formats: qemu-img create and qemu-io writes); "zero" is
 * an empty image.  So the engine's fixture <format>-<size>-<pattern> is
 * remade exactly.  out is a whole ddp_fixture (name
 * "dd-<format>-<size>[-<pattern>]", file "in.<format>", path, flat,
 * virtual_size, file_length) that ddp_case_run accepts through a
 * ddp_fixtures holding it; its strings live as long as the process.
 */
int ddp_fixture_adhoc(ddp_fixture *out, const char *dir, const char *qemu_img,
                      int64_t size, const char *format, const char *pattern,
                      ddp_error *err);
/* The same from its name ("dd-raw-1024", a group's headline case's fixture). */
int ddp_fixture_adhoc_named(ddp_fixture *out, const char *dir, const char *qemu_img,
                            const char *name, ddp_error *err);

/* ---- cases ---------------------------------------------------------------- */

/*
 * What a case runs: `qemu-img dd` (the default, 0) or `qemu-img map`.  Each
 * kind is a command (ddp_command below) the configuration carries; the
 * kind is chosen when a case is made or read and never spelled again.
 */
typedef enum ddp_case_kind {
	DDP_CASE_DD,
	DDP_CASE_MAP,
	DDP_CASE_KINDS
} ddp_case_kind;

/* "dd", "map": the qemu-img subcommand a kind runs (NULL for no such kind). */
const char *ddp_case_kind_name(ddp_case_kind kind);
/* The kind a subcommand name names; DDP_EINVAL for none. */
int ddp_case_kind_from_name(ddp_case_kind *out, const char *name, size_t len);

typedef struct ddp_case {
	ddp_case_kind kind;
	char fixture[64];              /* the fixture's name (of the kind's fixtures) */
	int argc;
	char *argv[DDP_CASE_MAX_ARGS]; /* malloc'd; may hold any bytes but NUL */
} ddp_case;

/* Generates a case that reaches the edges; choices come from src. */
void ddp_case_generate(ddp_case *c, ddp_source *src, const ddp_fixtures *fx);
void ddp_case_free(ddp_case *c);
/*
 * {"fixture": NAME, "args": [...]}, a map case with "command": "map" first;
 * a non-UTF-8 argument is {"hex": "..."}.
 */
char *ddp_case_to_json(const ddp_case *c);
int ddp_case_from_json(ddp_case *c, const char *text, const char *source,
                       ddp_error *err);
/* A deep copy of src (argv strdup'd); DDP_ERROR when out of memory. */
int ddp_case_copy(ddp_case *dst, const ddp_case *src);
/*
 * The case a fuzzer's input stands for (the AFL++ harness and mutator): its
 * JSON form when it is one, of a fixture in fx; else the generator's
 * choices read from its bytes (gen.c).
 */
void ddp_case_of_input(ddp_case *c, const uint8_t *data, size_t size, const ddp_fixtures *fx);
/* One line for people: qemu-img dd 'arg' 'arg'...   # input NAME, or qemu-img map ... '<NAME>' */
char *ddp_case_describe(const ddp_case *c);
/*
 * The names a case holds, sorted, without repeats: each operand's key (the
 * word, for one without '='), each option, a word an option takes, up to '='
 * or ',' ("-O vpc", "-O count"), and "cluster" for a cluster of short
 * options (-xU, -UO vpc): "-O vpc,count,if,of".  Of a minimal case,
 * every name is needed for its divergence: the grouping's cause.  When
 * some are odd (a cluster, "--", a flag, a word that is no operand of
 * dd's), the cause is those alone: "--,-U".
 */
void ddp_case_cause(char *out, size_t size, const ddp_case *c);
/* s in single quotes as a shell reads it; control bytes shown as \xNN. */
void ddp_fput_quoted(FILE *f, const char *s);

/* ---- exploration below the generator (mutate.c) --------------------------- */

/* A token of dict/operands.dict (may hold NUL bytes: the dictionary splits argv there). */
typedef struct ddp_dict_token {
	const char *text;
	size_t len;
} ddp_dict_token;
/* Made from dict/operands.dict at build time (dict_to_c.cmake). */
extern const ddp_dict_token ddp_dict_tokens[];
extern const size_t ddp_dict_ntokens;

/*
 * Token-level havoc on a generated case's arguments: 1 to 8 stacked edits
 * (characters inserted, deleted, replaced, duplicated or changed in case,
 * blanks, splices, tokens duplicated, moved or dropped, option clusters
 * split or merged, `--` anywhere, dictionary tokens, an option given
 * again), every choice from src.  Returns how many were made.
 */
int ddp_case_havoc(ddp_case *c, ddp_source *src);

/* What the campaign does below the generator (fuzz --explore). */
typedef enum ddp_explore {
	DDP_EXPLORE_OFF,    /* the generator's cases only */
	DDP_EXPLORE_HAVOC,  /* most cases havocked (mutate.c) */
	DDP_EXPLORE_GUIDED, /* havoc, and the case of the rarest model behaviour of several */
} ddp_explore;

/* ---- tools ---------------------------------------------------------------- */

typedef enum ddp_stderr_mode {
	DDP_STDERR_EXACT,  /* every byte */
	DDP_STDERR_CLASS,  /* nothing / warning / error */
	DDP_STDERR_IGNORE
} ddp_stderr_mode;

typedef struct ddp_tool {
	int is_model;
	char *spec;                        /* as given */
	char *argv[16];                    /* the command's argv prefix */
	int argc;
	int is_qemu;                       /* reports itself as a qemu-img */
	ddp_version version;               /* when is_qemu */
} ddp_tool;

/* "model", or a command split on spaces (e.g. "/usr/bin/qemu-img"). */
int ddp_tool_init(ddp_tool *t, const char *spec, ddp_error *err);
void ddp_tool_free(ddp_tool *t);

/*
 * Whether spec names the model as the reference: "model" or
 * "model:VERSION" (*version then points at VERSION, else NULL).
 */
int ddp_reference_is_model(const char *spec, const char **version);
/*
 * A version as model:VERSION and --candidate-version give it: digits and
 * dots only, MAJOR.MINOR[.MICRO]; an error names what and the text.
 */
int ddp_model_version(ddp_version *out, const char *text, const char *what, ddp_error *err);

typedef struct ddp_config {
	ddp_tool reference;               /* with reference_model: the reader */
	ddp_tool candidate;
	const ddp_profile *model_profile; /* the reference's version profile */
	/*
	 * --reference model[:VERSION]: the reference side is the model's
	 * prediction for model_profile (the same code as a model candidate's);
	 * `reference` above only makes the fixtures and reads the candidate's
	 * output (info, convert).  ref_real, when it has an argc, is a real
	 * qemu-img of that version, run for the cases the model cannot answer;
	 * without one they are unmodelled.  reference_name is what findings
	 * record and reproduce takes back: "model:7.2.22".
	 */
	int reference_model;
	ddp_version model_version;        /* with reference_model: VERSION */
	char reference_name[64];
	ddp_tool ref_real;
	/*
	 * --reference model:all: each case against the model of every profile
	 * at once (model_profile is then the reader's, for the case's names);
	 * a divergence says which versions the candidate matches and which it
	 * differs from.  candidate_version (--candidate-version): the profile
	 * the candidate declares it follows; only divergences from it are
	 * findings, the others notes.
	 */
	int reference_all;
	const ddp_profile *candidate_version;
	const ddp_info_profile *info_profile;
	ddp_stderr_mode stderr_mode;
	double timeout;                   /* seconds per tool run */
	double deadline;                  /* the campaign's end (ddp_proc_now()); 0: none */
	unsigned long long max_output;    /* bytes an output may have; 0: none */
	size_t output_cap;                /* bytes kept of stdout/stderr */
	char workdir[4096];
	char findings[4096];
	const ddp_fixtures *fixtures;
	FILE *trace;                      /* every tool run as a JSON line, when set */
	pthread_mutex_t *trace_lock;
	/*
	 * The commands cases of each kind run through (set by ddp_dd_attach,
	 * ddp_map_attach), and the kind a campaign generates.
	 */
	const struct ddp_command *commands[DDP_CASE_KINDS];
	ddp_case_kind generate;
	/* `qemu-img map` campaigns (map.h): the manifest, its fixtures made there. */
	const struct ddp_map_manifest *map;
	char map_fixdir[4096];
	int map_json_normalised;          /* JSON maps compared parsed, not byte for byte */
} ddp_config;

/* The reference as findings name it: reference_name for the model, else the command. */
const char *ddp_config_reference(const ddp_config *cfg);

/* The default of ddp_config.max_output (fuzz --max-output-size). */
#define DDP_MAX_OUTPUT_DEFAULT (256ULL << 20)

/* ---- one case, both sides ---------------------------------------------- */

/* Room for an outcome's rules joined by ',' (ddp_result.ref_rules). */
#define DDP_RULES_TEXT_MAX 400

typedef struct ddp_side {
	int ran;             /* 0: not run (model side: prediction) */
	int exited, exit_code, signo, timed_out;
	int cut_short;       /* a run of this side was killed at the campaign's end */
	int too_large;       /* its output passed cfg->max_output (never read) */
	char *stderr_text;   /* as printed (for the model: rendered) */
	size_t stderr_len;
	int output_exists;
	int info_rc;         /* reference's info on this output: exit code, -1 not run */
	char *info_raw;      /* its stdout */
	char *info_norm;     /* normalised (NULL when info failed) */
	char *info_err;      /* what failed */
	int flat_ok;         /* flattened to raw */
	char *stdout_text;   /* what it printed, when kept (map cases) */
	size_t stdout_len;
	char flat_path[4096];
} ddp_side;

typedef enum ddp_verdict {
	DDP_SAME,
	DDP_DIVERGES,
	DDP_UNSUPPORTED,    /* the model does not know this case */
	DDP_INCONCLUSIVE,   /* a timeout */
	DDP_REFUSED,        /* never run: it could write outside its directory */
	DDP_CUT_SHORT       /* a tool run killed at the campaign's deadline */
} ddp_verdict;

typedef struct ddp_result {
	ddp_verdict verdict;
	char signature[512]; /* "exit+stderr", "info:virtual-size", "data" */
	char detail[1024];   /* one line per difference, for people */
	/*
	 * The img_dd rules the reference's behaviour went through, as the model
	 * for its version says (ids joined by ','; "" when none fired), filled
	 * for a divergence; ref_modelled 0 when the model does not know the case
	 * (a map case, an unmodelled one).  With the signature, a finding's group.
	 */
	int ref_modelled;
	char ref_rules[DDP_RULES_TEXT_MAX];
	int ref_real_ran;    /* the model could not answer: ref_real ran instead */
	/*
	 * model:all: the profiles ("5.2,7.2") the candidate differs from,
	 * agrees with, and the model cannot answer; the signature, rules and
	 * reference side are those of the candidate_version's profile, else of
	 * the newest it differs from.  note: it differs only from profiles
	 * other than the candidate_version's (verdict DDP_SAME).
	 */
	char differs[96], matches[96], unanswered[96];
	int note;
	ddp_side ref, cand;
	char casedir[4096];
} ddp_result;

/* ---- commands: dd and map, peers behind one interface ------------------- */

/* How a finding is minimised while the campaign goes on (and by `ddparity minimise`). */
typedef struct ddp_minimise_opts {
	double seconds;      /* budget; the best case so far is kept after it */
	FILE *log;           /* one line per accepted step, when set */
	const char *fixdir;  /* where inputs are made */
	/*
	 * Keep the group, not the signature: every step still diverges, through
	 * none of the reference's rules (the model's) the finding did not go
	 * through and no more than the best so far; its kinds may change (a
	 * vmdk extent difference becomes a virtual-size one on raw output).
	 * For a case the model does not know, the signature.
	 */
	int keep_group;
	volatile int *stop;  /* set (by a signal handler): stop at the next step */
} ddp_minimise_opts;

/*
 * A finding's minimal case, in the engine's form, and the configuration it
 * runs in: the campaign's, or (fixtures) with an input of its own made for
 * it (fx, one).  cfg.fixtures may point into the struct: do not move it.
 */
typedef struct ddp_minimal {
	ddp_case head;
	ddp_config cfg;
	ddp_fixture fx;
	ddp_fixtures one;
	int runs;            /* cases run while minimising */
} ddp_minimal;

/*
 * One command of qemu-img the engine runs cases of.  The dd command
 * (ddp_dd_command, the suite's) and the map command (ddp_map_command) are
 * its two implementations; a configuration carries one per case kind and
 * ddp_case_run, the campaign and triage reach them only through it.
 */
typedef struct ddp_command {
	ddp_case_kind kind;
	/* A case of this command, every choice from src (its fixtures from cfg). */
	void (*generate)(ddp_case *c, ddp_source *src, const ddp_config *cfg);
	/*
	 * Runs safe case c on both sides and compares what they did: verdict,
	 * signature (kinds joined by '+'), detail, and the reference's rules.
	 */
	int (*run)(ddp_result *res, const ddp_config *cfg, const ddp_case *c, uint64_t case_no,
	           ddp_error *err);
	/*
	 * Shrinks finding c (its recorded signature) under opts into *out;
	 * DDP_EINVAL (err says why) when it cannot be, as when it no longer
	 * diverges.  out->runs is set either way.
	 */
	int (*minimise)(ddp_minimal *out, const ddp_config *cfg, const ddp_case *c,
	                const char *signature, const ddp_minimise_opts *opts, ddp_error *err);
	/*
	 * NULL when a finding's reproduce.sh reruns the case by hand; else what
	 * the finding is, for the script that says to use `ddparity reproduce`.
	 */
	const char *not_by_hand;
} ddp_command;

/* The command c runs through under cfg; NULL (err says so) when cfg has none for its kind. */
const ddp_command *ddp_case_command(const ddp_config *cfg, const ddp_case *c, ddp_error *err);
void ddp_minimal_free(ddp_minimal *m);

/*
 * The dd command's parts the engine holds: a generated case (gen.c), and a
 * case run on both sides and compared (run.c).
 */
void ddp_dd_generate(ddp_case *c, ddp_source *src, const ddp_config *cfg);
int ddp_dd_run(ddp_result *res, const ddp_config *cfg, const ddp_case *c, uint64_t case_no,
               ddp_error *err);

/*
 * Whether a case may run: no --object, and every if=/of= a relative path
 * that, normalised as the kernel resolves it, stays inside the case's
 * directory, is not the fixture's link, and has no protocol prefix that
 * reaches out (nbd:, http:, json:...); with --image-opts, also only
 * driver=<local format> and filename=<such a path> as options.  *why says
 * what is refused.
 */
int ddp_case_is_safe(const ddp_case *c, const char **why);
/* Whether a driver (a -f, an --image-opts driver=) is a local image format that opens only its file. */
int ddp_local_driver(const char *name);

/*
 * Runs c on both sides (a dd case in a fresh directory under cfg->workdir,
 * removed unless the case diverged) through its command, and compares;
 * an unsafe case is refused, never run.
 */
int ddp_case_run(ddp_result *res, const ddp_config *cfg, const ddp_case *c,
                 uint64_t case_no, ddp_error *err);
void ddp_result_free(ddp_result *res);

/* Room for a case's behaviour: its rules and marks joined by ','. */
#define DDP_BEHAVIOUR_TEXT_MAX 1000

/*
 * The model's behaviour on dd case c for the reference's version: the
 * rules ddp_predict records, then the marks it set, joined by ',' ("" when
 * none), into buf;
 * DDP_EUNMODELLED when the model does not know the case (buf says
 * "unmodelled"), DDP_ERROR without a profile or the case's fixture.  o
 * (optional) receives the outcome.  Microseconds: no tool runs.
 */
int ddp_case_behaviour(char *buf, size_t size, ddp_outcome *o, const ddp_config *cfg,
                       const ddp_case *c);

/* ---- findings ------------------------------------------------------------ */

/*
 * A group of findings is one bug: its key is the divergence's kinds and the
 * reference's rules, "info:virtual-size+data @ window-count-caps-end"
 * ("@ unmodelled" when the model does not know the case; map fields fold
 * into "map", a whole-output kind).  Once the group's first case is
 * minimised (triage.c), the key is the minimal case's, and a divergence
 * through all of a minimised group's rules is counted in that group.  A
 * minimal case that holds the same names (ddp_case_cause) as another
 * group's is that group's: one mistake met through other rules.
 */
#define DDP_GROUP_KEY_MAX 1024
void ddp_group_key(char *out, size_t size, const char *kinds, int modelled, const char *rules);
/*
 * A result's group key: ddp_group_key's, and with --reference model:all
 * the versions it differs from: "exit @ number-parse-u64 (differs from 5.2,7.2)".
 */
void ddp_result_group_key(char *out, size_t size, const ddp_result *res);
/* "matches 10.0 and 11.1, differs from 5.2 and 7.2" (model:all), for people. */
void ddp_result_versions(char *out, size_t size, const ddp_result *res);

/*
 * The qemu versions of the campaign's sides (the model's VERSION, a real
 * reference's, a qemu-img candidate's) that were never measured themselves
 * (ddp_version_measured), ", "-separated into out ("" when none).
 */
void ddp_config_unmeasured(char *out, size_t size, const ddp_config *cfg);
/* Whether every rule id of list a ("x,y") is in list b. */
int ddp_rules_subset(const char *a, const char *b);

typedef struct ddp_findings {
	pthread_mutex_t lock;
	char dir[4096];
	size_t unique, total;   /* signatures, divergences (this campaign and before) */
	size_t new_unique;      /* signatures first seen by this campaign */
	void *signatures;       /* json_t: signature -> {count, dir} */
	int dirfd;              /* flocked around each change: campaigns may share dir */
} ddp_findings;

/* Opens (creating) a findings directory and what it already holds. */
int ddp_findings_open(ddp_findings *f, const char *dir, ddp_error *err);
void ddp_findings_close(ddp_findings *f);
/* Gives dir a .id (random) unless it has one: who it is when merged elsewhere. */
int ddp_findings_id(const char *dir, ddp_error *err);

typedef struct ddp_merge_stats {
	size_t groups;        /* in the source */
	size_t new_groups;    /* copied in whole */
	size_t merged_groups; /* added to a group already here */
	size_t count;         /* divergences the merge added */
} ddp_merge_stats;

/*
 * Merges the findings directory src (another machine's, another shard's)
 * into f: a group already here (by key or alias) gains src's count, keys,
 * examples while it has room, and a headline if it has none; any other is
 * copied in whole.  Each source's share of a group is kept in its entry
 * ("merged": {"<source> <its key>": count}; a source is its .id), so merging the same
 * source twice changes nothing and merging it again after it grew adds
 * only the growth.  Under the directory's lock, as a campaign's changes.
 */
int ddp_findings_merge(ddp_findings *f, const char *src, ddp_merge_stats *st, ddp_error *err);
/*
 * DDP_OK when the finding dir is what the suite writes, a directory (no
 * link) of regular files and its work/ and input/ directories, or is missing; else an
 * error naming the link or odd file.  Its readers (report, reproduce,
 * minimise, promote) check it first, so nothing is read through a link.
 */
int ddp_finding_check(const char *dir, ddp_error *err);
/*
 * Makes the finding in dir rerunnable by hand (standalone.c): its input in
 * input/<fixture file> (or, for a big sparse raw one, the commands that
 * make it again) and reproduce.sh, POSIX sh that needs only qemu-img, the
 * candidate and coreutils: it recreates the input in a temporary
 * directory, checks its sha256, runs both sides and prints what differs
 * (exit 1; 0 when they agree, 2 on its own errors).  Against the model it
 * compares the reference with the saved prediction.  A map finding's
 * script only says to use `ddparity reproduce` (exit 2).
 */
int ddp_finding_standalone(const char *dir, const ddp_config *cfg, const ddp_case *c,
                           const ddp_result *res, ddp_error *err);

/* ---- campaigns ------------------------------------------------------------ */

/* New groups minimised at once (triage.c). */
typedef struct ddp_triage_stats {
	uint64_t minimised, unminimised;         /* groups */
	uint64_t runs;                           /* cases run while minimising */
	double seconds;
} ddp_triage_stats;

typedef struct ddp_campaign_opts {
	uint64_t seed;
	double seconds;       /* stop after this long (0: no limit) */
	uint64_t cases;       /* stop after this many (0: no limit) */
	int jobs;
	int tty;              /* a one-line display on stderr, else quiet lines */
	volatile int *stop;   /* set by a signal handler */
	FILE *log;            /* one line per case, when set */
	int stop_on_finding;  /* stop at the first divergence (time to detect) */
	const char *stop_on;  /* stop at the first whose signature has this component */
	double minimise_seconds; /* each new group's first case minimised within this (0: not) */
	ddp_explore explore;  /* below the generator (dd only; 0: off) */
	uint64_t shard_k, shard_n; /* --shard K/N: cases i*N + K-1 only (shard_k 0-based; n <= 1: all) */
} ddp_campaign_opts;

typedef struct ddp_campaign_stats {
	uint64_t cases, same, diverged, unsupported, inconclusive, refused, errors;
	uint64_t real_answered; /* unmodelled cases the real reference of that version ran (--reference model:V) */
	/* model:all with --candidate-version: cases differing only from other versions, per set. */
	uint64_t notes;
	struct {
		char differs[96];
		char first[160];      /* its first case, described */
		uint64_t count;
	} note_sets[16];
	size_t nnote_sets;
	uint64_t unsaved;     /* divergences (counted in diverged) whose finding could not be saved */
	uint64_t cut_short;   /* a tool run killed at the deadline: no verdict */
	double seconds;
	ddp_triage_stats triage; /* minimising new groups (its time is in seconds) */
	uint64_t behaviours;  /* distinct model behaviours (sets of rules) among the dd cases run */
	uint64_t marked;      /* distinct behaviours with their marks among them */
	uint64_t havocked;    /* cases run with havoc's edits */
	char last_error[300];
} ddp_campaign_stats;

/* Whether a signature ("exit+stderr") has a component ("stderr"). */
int ddp_signature_has(const char *signature, const char *component);

/* Counts a note (res->note: model:all) in st, by the versions it differs from. */
void ddp_campaign_note(ddp_campaign_stats *st, const ddp_result *res, const ddp_case *c);

int ddp_campaign_run(ddp_campaign_stats *st, const ddp_config *cfg,
                     ddp_findings *f, const ddp_campaign_opts *opts,
                     ddp_error *err);

/*
 * Records a divergence: a new signature gets a directory of its own
 * (written under a temporary name, fsynced, renamed), a known one only
 * bumps its count.  *is_new (optional) tells which.
 */
int ddp_findings_add(ddp_findings *f, const ddp_config *cfg, const ddp_case *c,
                     const ddp_result *res, uint64_t seed, uint64_t case_no,
                     int *is_new, char *path_out, size_t path_size,
                     ddp_error *err);

/*
 * Settles the group the divergence of raw key raw made, once its first
 * case is minimised: state ("minimised", "not minimised: why") recorded;
 * with head (the minimal case) and res (its run, diverging), head's finding
 * goes to the group's headline/ and the group takes head's key, or, when
 * a group with that key is there, joins it as one of its examples (its
 * count and keys added).  The headline's case.json keeps original (the
 * case minimised) as "original".  path_out gets the group's directory.
 */
int ddp_findings_settle(ddp_findings *f, const char *raw, const char *state,
                        const ddp_config *cfg, const ddp_case *head, const ddp_result *res,
                        const ddp_case *original, char *path_out, size_t path_size,
                        ddp_error *err);

/* ---- triage: a new group minimised at once (triage.c) ------------------- */

/*
 * Minimises the first case of a group just made (raw key of res) within
 * seconds (0: not at all), keeping the group (ddp_minimise's keep_group),
 * and settles the group with the minimal case as its headline.  worker
 * names the inputs directory (one per thread).  st (under the caller's
 * lock, or one per thread) is added to.
 */
int ddp_triage(ddp_findings *f, const ddp_config *cfg, const ddp_case *c, const ddp_result *res,
               double seconds, volatile int *stop, int worker, ddp_triage_stats *st,
               char *path_out, size_t path_size, ddp_error *err);

/* ---- a finding's files: case.json, result.json; signatures.json (findingfiles.c) ---- */

/*
 * case.json (ddp_case_to_json's form): "fixture" a name, "args" at most
 * DDP_CASE_MAX_ARGS arguments, each a string without NUL or {"hex": ...}
 * of its bytes.  c is to be freed with ddp_case_free on success only.
 */
int ddp_case_parse(ddp_case *c, const char *text, size_t len, const char *source,
                   ddp_error *err);
int ddp_case_load(ddp_case *c, const char *path, ddp_error *err);

typedef struct ddp_finding_result {
	json_t *json;              /* the whole object: the strings below live in it */
	const char *signature;     /* "exit+stderr" */
	const char *reference, *candidate;
	const char *stderr_mode;   /* exact, class or ignore; NULL when absent */
	const char *info_profile;  /* a known info profile; NULL when absent */
	const char *detail, *case_text; /* NULL when absent */
	const char *group;         /* its group's key when found; NULL in older findings */
} ddp_finding_result;

/*
 * result.json: signature (as the engine writes one), reference and
 * candidate (the tools to run again), stderr_mode and info_profile when
 * present as `ddparity fuzz` accepts them, the other members written by
 * the engine of their type.
 */
int ddp_finding_result_parse(ddp_finding_result *out, const char *text, size_t len,
                             const char *source, ddp_error *err);
int ddp_finding_result_load(ddp_finding_result *out, const char *path, ddp_error *err);
void ddp_finding_result_free(ddp_finding_result *r);

/*
 * signatures.json, the index of the groups of findings: an object of group
 * key -> {"count": N >= 1, "dir": D, and optionally "kinds", "rules",
 * "state", "headline" (strings), "aliases" (strings), "examples" (names)},
 * D and each example a directory name (no '/' or control characters, not .
 * or ..).  Files of older versions, keyed by signature, read the same.
 * *out is a new reference.
 */
int ddp_signatures_parse(json_t **out, const char *text, size_t len, const char *source,
                         ddp_error *err);
int ddp_signatures_load(json_t **out, const char *path, ddp_error *err);

/* Whether s could be a group's key (findings.c): printable ASCII, under DDP_GROUP_KEY_MAX. */
int ddp_group_key_ok(const char *s);
/* Whether s could be a signature the engine writes: printable ASCII, under 512 bytes. */
int ddp_signature_ok(const char *s);


#endif
