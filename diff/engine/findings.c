/*
 * findings.c: every divergence, kept so that nothing reported is lost, and
 * grouped so that one bug is one directory.
 *
 * A group's key is the divergence's kinds and the reference's rules (see
 * ddp_group_key).  Its directory holds the first case's finding; its
 * repeats bump its count in signatures.json (the group index) and the
 * first few are kept whole under examples/, named so that they sort
 * smallest first; once minimised (triage.c), headline/ holds the minimal
 * case's finding and the group takes the minimal case's key, joining a
 * group that already has it.  Everything is written under a temporary
 * name, fsynced, and renamed into place, so a campaign killed at any
 * moment leaves whole findings or none.  Campaigns may share a directory:
 * each change is made under a flock of the directory, with
 * signatures.json read again first, so their counts add up and a group
 * made by the other is a repeat.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* "info:virtual-size" -> "info_virtual-size-1a2b3c4d" */
static void slug(char *out, size_t size, const char *signature)
{
	size_t n = 0;
	for (const char *p = signature; *p && n + 1 < size && n < 80; p++)
		out[n++] = ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
		           ? *p : '_';
	snprintf(out + n, size - n, "-%08x", (unsigned)(fnv1a(signature) & 0xffffffffu));
}

int ddp_rules_subset(const char *a, const char *b)
{
	while (*a) {
		size_t n = strcspn(a, ",");
		const char *p = b;
		int found = 0;
		while (*p && !found) {
			size_t k = strcspn(p, ",");
			found = k == n && !strncmp(p, a, n);
			p += k + (p[k] == ',');
		}
		if (!found)
			return 0;
		a += n + (a[n] == ',');
	}
	return 1;
}

void ddp_group_key(char *out, size_t size, const char *kinds, int modelled, const char *rules)
{
	size_t n = 0;

	/*
	 * A command's own output kind, <command>:<fields> (map's), counts as the
	 * command: which JSON fields differ is the same bug seen twice.
	 */
	for (const char *p = kinds; *p && n + 1 < size;) {
		size_t k = strcspn(p, "+"), name = strcspn(p, ":+");
		ddp_case_kind kind;
		if (p[name] == ':' && ddp_case_kind_from_name(&kind, p, name) == DDP_OK)
			k = name;
		int w = snprintf(out + n, size - n, "%s%.*s", n ? "+" : "", (int)k, p);
		n += w > 0 ? (size_t)w : 0;
		p += strcspn(p, "+");
		p += *p == '+';
	}
	if (n >= size)
		n = size - 1;
	snprintf(out + n, size - n, " @ %s", !modelled ? "unmodelled" : *rules ? rules : "no-rule");
}

/* The versions part of a model:all group key (see ddp_result_group_key), else "". */
#define VERSIONS_PART " (differs from "

static const char *versions_part(const char *key)
{
	const char *v = strstr(key, VERSIONS_PART);
	return v ? v : "";
}

void ddp_result_group_key(char *out, size_t size, const ddp_result *res)
{
	size_t n;

	ddp_group_key(out, size, res->signature, res->ref_modelled, res->ref_rules);
	n = strlen(out);
	if (res->differs[0])
		snprintf(out + n, size - n, VERSIONS_PART "%s)", res->differs);
}

/* A group's examples, and the subdirectories a finding may hold, at most this deep. */
#define GROUP_EXAMPLES 3
#define FINDING_DEPTH 4

static int check_finding(const char *dir, int depth, ddp_error *err);

int ddp_finding_check(const char *dir, ddp_error *err)
{
	return check_finding(dir, 0, err);
}

static int check_finding(const char *dir, int depth, ddp_error *err)
{
	DIR *d;
	struct dirent *e;
	int rc;

	if ((rc = ddp_own_dir(dir, 0, err)))
		return rc;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? DDP_OK : ddp_error_errno(err, dir, "cannot open");
	while ((e = readdir(d)) && !rc) {
		char path[4400];
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		/* The tools' own outputs (and the fixture's link) are in work/, never read; input/ is reproduce.sh's. */
		if (!strcmp(e->d_name, "work") || !strcmp(e->d_name, "input"))
			rc = ddp_own_dir(path, 0, err);
		/* A group's minimal case and its examples: findings themselves. */
		else if (!strcmp(e->d_name, "headline") && depth < FINDING_DEPTH)
			rc = check_finding(path, depth + 1, err);
		else if (!strcmp(e->d_name, "examples") && depth < FINDING_DEPTH) {
			DIR *x;
			struct dirent *xe;
			if ((rc = ddp_own_dir(path, 0, err)) || !(x = opendir(path)))
				continue;
			while ((xe = readdir(x)) && !rc) {
				char sub[4700];
				if (xe->d_name[0] == '.')
					continue;
				snprintf(sub, sizeof(sub), "%s/%s", path, xe->d_name);
				rc = check_finding(sub, depth + 1, err);
			}
			closedir(x);
		} else if (lstat(path, &st) || !S_ISREG(st.st_mode))
			rc = ddp_error_set(err, DDP_ERROR, path, 0, 0,
			                   "not a regular file (a link?) in a finding: refused");
	}
	closedir(d);
	return rc;
}

static int save_signatures(ddp_findings *f, ddp_error *err)
{
	char path[4200];
	char *text = json_dumps(f->signatures, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc;

	snprintf(path, sizeof(path), "%s/signatures.json", f->dir);
	ddp_write_atomic_sweep(path); /* a killed campaign's temporary of it */
	rc = ddp_write_atomic(path, text, strlen(text), err);
	free(text);
	return rc;
}

/* signatures and how many divergences they count. */
static void recount(ddp_findings *f)
{
	const char *k;
	json_t *v;

	f->unique = f->total = 0;
	json_object_foreach((json_t *)f->signatures, k, v) {
		f->unique++;
		f->total += (size_t)json_integer_value(json_object_get(v, "count"));
	}
}

/*
 * signatures.json as another campaign may have left it (under the lock).
 */
static int reload(ddp_findings *f, ddp_error *err)
{
	char path[4200];
	json_t *disk;
	int rc;

	snprintf(path, sizeof(path), "%s/signatures.json", f->dir);
	if (access(path, F_OK))
		disk = json_object();
	else if ((rc = ddp_signatures_load(&disk, path, err)))
		return rc;
	/*
	 * The disk's index is the whole truth: groups are renamed and merged
	 * (settle), so one only this campaign's memory holds is one gone.
	 * What open counted is saved at once, so nothing is lost by this.
	 */
	json_decref(f->signatures);
	f->signatures = disk;
	recount(f);
	return DDP_OK;
}

/* The index entry whose directory is name, or NULL. */
static json_t *group_of_dir(json_t *index, const char *name)
{
	const char *k;
	json_t *v;

	json_object_foreach(index, k, v)
		if (!strcmp(json_string_value(json_object_get(v, "dir")) ?: "", name))
			return v;
	return NULL;
}

static void lock_dir(ddp_findings *f)
{
	pthread_mutex_lock(&f->lock);
	while (f->dirfd >= 0 && flock(f->dirfd, LOCK_EX) && errno == EINTR)
		;
}

static void unlock_dir(ddp_findings *f)
{
	if (f->dirfd >= 0)
		flock(f->dirfd, LOCK_UN);
	pthread_mutex_unlock(&f->lock);
}

int ddp_findings_open(ddp_findings *f, const char *dir, ddp_error *err)
{
	char path[4400], fdir[4200];
	DIR *d;
	struct dirent *e;
	int rc, counted = 0;

	memset(f, 0, sizeof(*f));
	f->dirfd = -1;
	pthread_mutex_init(&f->lock, NULL);
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return ddp_error_set(err, DDP_ERROR, dir, 0, 0, "cannot create the findings directory: %s", strerror(errno));
	if ((f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ddp_error_errno(err, dir, "cannot open the findings directory");
	if ((rc = ddp_findings_id(dir, err))) {
		ddp_findings_close(f);
		return rc;
	}
	lock_dir(f);
	/* Half-written by a campaign that was killed (marked, of a process gone): never a finding. */
	ddp_workdir_sweep(dir);
	if ((rc = reload(f, err))) {
		unlock_dir(f);
		ddp_findings_close(f);
		return rc;
	}
	/* A finding renamed into place just before a kill is not counted yet. */
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		ddp_finding_result r;
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "signatures.json"))
			continue;
		snprintf(fdir, sizeof(fdir), "%s/%s", dir, e->d_name);
		snprintf(path, sizeof(path), "%s/result.json", fdir);
		if (access(path, F_OK))
			continue;
		/* Renamed into place whole: a result that does not parse was damaged since. */
		if ((rc = ddp_finding_check(fdir, err)) || (rc = ddp_finding_result_load(&r, path, err))) {
			closedir(d);
			unlock_dir(f);
			ddp_findings_close(f);
			return rc;
		}
		if (!group_of_dir(f->signatures, e->d_name)) {
			json_object_set_new(f->signatures, r.group ? r.group : r.signature,
			                    json_pack("{s:i,s:s}", "count", 1, "dir", e->d_name));
			counted++;
		}
		ddp_finding_result_free(&r);
	}
	if (d)
		closedir(d);
	recount(f);
	rc = counted ? save_signatures(f, err) : DDP_OK;
	unlock_dir(f);
	if (rc)
		ddp_findings_close(f);
	return rc;
}

void ddp_findings_close(ddp_findings *f)
{
	json_decref(f->signatures);
	f->signatures = NULL;
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->dirfd = -1;
	pthread_mutex_destroy(&f->lock);
}

static int put(const char *dir, const char *name, const char *text, size_t len, ddp_error *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return ddp_write_atomic(path, text ? text : "", text ? len : 0, err);
}

static json_t *side_json(const ddp_side *s)
{
	return json_pack("{s:b,s:i,s:i,s:b,s:b,s:i}", "exited", s->exited, "exit_code",
	                 s->exit_code, "signal", s->signo, "timed_out", s->timed_out,
	                 "output_exists", s->output_exists, "info_exit", s->info_rc);
}

/* The finding's reproduce file: the tools named, as reproduce runs only those its user names (or trusts). */
static char *reproduce_text(const ddp_config *cfg, const ddp_case *c, const char *final,
                            const char *describe)
{
	char *repro = NULL;
	size_t rlen;
	FILE *f = open_memstream(&repro, &rlen);
	const ddp_command *cmd = ddp_case_command(cfg, c, NULL);

	if (!f)
		return NULL;
	fputs("ddparity reproduce ", f);
	ddp_fput_quoted(f, final);
	fputs(" --reference ", f);
	ddp_fput_quoted(f, ddp_config_reference(cfg));
	if (cfg->reference_model) {
		fputs(" --reader ", f);
		ddp_fput_quoted(f, cfg->reference.spec);
	}
	fputs(" --candidate ", f);
	ddp_fput_quoted(f, cfg->candidate.spec);
	fprintf(f, "\n# %s\n", describe);
	if (cmd && !cmd->not_by_hand)
		fputs("sh reproduce.sh   # by hand: needs only qemu-img and the candidate on PATH\n", f);
	fclose(f);
	return repro;
}

static int write_finding(const char *tmp, const ddp_config *cfg, const ddp_case *c,
                         const ddp_result *res, uint64_t seed, uint64_t case_no,
                         const char *final, const char *group, const ddp_case *original,
                         ddp_error *err)
{
	char *case_json = ddp_case_to_json(c), *describe = ddp_case_describe(c);
	char *result_text, *repro, *detail, *repro_json;
	json_t *result;
	int rc;

	/* A headline's case.json keeps the case it was minimised from. */
	if (original && case_json) {
		char *oj = ddp_case_to_json(original);
		json_t *cj = json_loads(case_json, 0, NULL), *o = oj ? json_loads(oj, 0, NULL) : NULL;
		if (cj && o) {
			json_object_set_new(cj, "original", o);
			free(case_json);
			case_json = json_dumps(cj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		} else {
			json_decref(o);
		}
		json_decref(cj);
		free(oj);
	}
	repro = reproduce_text(cfg, c, final, describe);
	/* JSON strings are UTF-8: a stderr quoted in detail may be cut mid-character. */
	{
		char *d = ddp_utf8_text(res->detail), *c2 = describe ? ddp_utf8_text(describe) : NULL;
		detail = d;
		free(describe);
		describe = c2;
		repro_json = repro ? ddp_utf8_text(repro) : NULL;
	}
	result = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:s,s:s}",
	                   "signature", res->signature,
	                   "group", group,
	                   "rules", res->ref_modelled ? res->ref_rules : "(unmodelled)",
	                   "detail", detail ? detail : "",
	                   "reference", ddp_config_reference(cfg),
	                   "candidate", cfg->candidate.spec,
	                   "stderr_mode", cfg->stderr_mode == DDP_STDERR_EXACT ? "exact"
	                                  : cfg->stderr_mode == DDP_STDERR_CLASS ? "class" : "ignore",
	                   "info_profile", cfg->info_profile->name,
	                   "model_profile", ddp_profile_name(cfg->model_profile),
	                   "seed", (json_int_t)seed, "case_no", (json_int_t)case_no,
	                   "reference_result", side_json(&res->ref),
	                   "candidate_result", side_json(&res->cand),
	                   "case", describe ? describe : "",
	                   "reproduce", repro_json ? repro_json : "");
	free(detail);
	free(repro_json);
	/* A side whose version was never measured: flagged (ci/drift-watch's campaigns). */
	if (result) {
		char u[128];
		ddp_config_unmeasured(u, sizeof(u), cfg);
		if (*u)
			json_object_set_new(result, "unmeasured", json_string(u));
	}
	/* The model as the reference: the qemu-img that read the candidate's output. */
	if (result && cfg->reference_model)
		json_object_set_new(result, "reader", json_string(cfg->reference.spec));
	/* model:all: the versions (profiles) the candidate differs from and matches. */
	if (result && cfg->reference_all) {
		char versions[300];
		ddp_result_versions(versions, sizeof(versions), res);
		json_object_set_new(result, "differs_from", json_string(res->differs));
		json_object_set_new(result, "matches", json_string(res->matches));
		json_object_set_new(result, "versions", json_string(versions));
	}
	result_text = result ? json_dumps(result, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (!result_text || !case_json) {
		json_decref(result);
		free(result_text);
		free(case_json);
		free(describe);
		free(repro);
		return ddp_error_set(err, DDP_ERROR, tmp, 0, 0,
		                     "cannot write the finding's result.json (a tool's name that is not "
		                     "UTF-8?)");
	}
	rc = put(tmp, "case.json", case_json, strlen(case_json), err) ||
	     put(tmp, "result.json", result_text, strlen(result_text), err) ||
	     put(tmp, "reference.stderr", res->ref.stderr_text, res->ref.stderr_len, err) ||
	     put(tmp, "candidate.stderr", res->cand.stderr_text, res->cand.stderr_len, err) ||
	     put(tmp, "reference.info.json", res->ref.info_norm,
	         res->ref.info_norm ? strlen(res->ref.info_norm) : 0, err) ||
	     put(tmp, "candidate.info.json", res->cand.info_norm,
	         res->cand.info_norm ? strlen(res->cand.info_norm) : 0, err) ||
	     (res->ref.stdout_text &&
	      put(tmp, "reference.stdout", res->ref.stdout_text, res->ref.stdout_len, err)) ||
	     (res->cand.stdout_text &&
	      put(tmp, "candidate.stdout", res->cand.stdout_text, res->cand.stdout_len, err)) ||
	     put(tmp, "reproduce", repro, repro ? strlen(repro) : 0, err) ||
	     ddp_finding_standalone(tmp, cfg, c, res, err)
	     ? DDP_ERROR : DDP_OK;
	json_decref(result);
	free(result_text);
	free(case_json);
	free(describe);
	free(repro);
	return rc;
}

/*
 * A finding keeps each file of its case's work directory up to this size
 * (fixtures and outputs are at most tens of MiB); a larger one is dropped
 * and named in dropped.txt, so a finding never holds gigabytes.
 */
#define FINDING_FILE_MAX (64ULL << 20)

static __thread FILE *dropped;
static __thread size_t dropped_prefix;

static int drop_big(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode) &&
	    ((unsigned long long)st->st_size > FINDING_FILE_MAX ||
	     (unsigned long long)st->st_blocks * 512 > FINDING_FILE_MAX) && unlink(path) == 0)
		fprintf(dropped, "work/%s: %lld bytes (%lld allocated), over the %llu a finding keeps\n",
		        path + dropped_prefix, (long long)st->st_size, (long long)st->st_blocks * 512,
		        FINDING_FILE_MAX);
	return 0;
}

/* Drops the case's files too big to keep; what went is listed in tmp/dropped.txt. */
static int drop_big_files(const char *tmp, const char *casedir, ddp_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc = DDP_OK;

	if (!(dropped = open_memstream(&text, &len)))
		return ddp_error_set(err, DDP_ERROR, casedir, 0, 0, "%s", strerror(errno));
	dropped_prefix = strlen(casedir) + 1;
	nftw(casedir, drop_big, 16, FTW_PHYS);
	fclose(dropped);
	dropped = NULL;
	if (len)
		rc = put(tmp, "dropped.txt", text, len, err);
	free(text);
	return rc;
}

/* The case's size, for examples smallest first: its arguments' characters. */
static size_t case_size(const ddp_case *c)
{
	size_t n = 0;
	for (int i = 0; i < c->argc; i++)
		n += strlen(c->argv[i]) + 1;
	return n;
}

/*
 * Writes c's finding into a fresh staging directory under f->dir and
 * renames it to final (which must not exist).  *moved 1 when it is there.
 */
static int save_finding(ddp_findings *f, const ddp_config *cfg, const ddp_case *c,
                        const ddp_result *res, uint64_t seed, uint64_t case_no,
                        const char *final, const char *group, const ddp_case *original,
                        int *moved, ddp_error *err)
{
	char stage[4300], tmp[4400], old[4400], prefix[4300];
	int rc, dirfd;

	*moved = 0;
	/* Written in stage/new, marked by stage (a fresh name: one planted is never reused). */
	snprintf(prefix, sizeof(prefix), "%s/.tmp-", f->dir);
	stage[0] = '\0';
	if (ddp_stage_make(stage, sizeof(stage), prefix, tmp, old, sizeof(tmp), err))
		return DDP_ERROR;
	if (!(rc = write_finding(tmp, cfg, c, res, seed, case_no, final, group, original, err)) &&
	    !(rc = res->casedir[0] ? drop_big_files(tmp, res->casedir, err) : DDP_OK)) {
		/* Keep the tools' outputs with the finding when they can move. */
		if (res->casedir[0]) {
			char work[4500];
			snprintf(work, sizeof(work), "%s/work", tmp);
			if (rename(res->casedir, work) == 0)
				ddp_tmpdir_unmark(work); /* part of the finding now */
		}
		dirfd = open(tmp, O_RDONLY | O_DIRECTORY);
		if (dirfd >= 0) {
			fsync(dirfd);
			close(dirfd);
		}
		*moved = rename(tmp, final) == 0;
		if (!*moved && errno != EEXIST && errno != ENOTEMPTY)
			rc = ddp_error_set(err, DDP_ERROR, final, 0, 0,
			                   "cannot rename the finding into place: %s", strerror(errno));
		else
			fsync(f->dirfd);
	}
	ddp_remove_tree(stage);
	return rc;
}

static int json_strings_has(const json_t *a, const char *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e)
		if (!strcmp(json_string_value(e), s))
			return 1;
	return 0;
}

/* The key of a divergence in stderr's text alone (run.c's stderr:text). */
#define TEXT_ONLY "stderr:text @ "

/*
 * The group a divergence of raw key raw (rules: the reference's, when
 * modelled) belongs to: the one that has seen that key, else a minimised
 * group whose rules it all went through (the same bug met through more
 * rules: a vpc output, a skip besides).  *key gets the group's key.
 */
static json_t *find_group(json_t *index, const char *raw, int modelled, const char *rules,
                          const char **key)
{
	const char *k;
	json_t *v, *best = NULL;
	size_t best_n = 0;

	json_object_foreach(index, k, v) {
		if (!strcmp(k, raw) || json_strings_has(json_object_get(v, "aliases"), raw)) {
			*key = k;
			return v;
		}
	}
	/* Other words alone: the group of such divergences, whatever the rules
	 * (its aliases list each rule whose message differs). */
	if (!strncmp(raw, TEXT_ONLY, strlen(TEXT_ONLY)))
		json_object_foreach(index, k, v)
			if (!strncmp(k, TEXT_ONLY, strlen(TEXT_ONLY))) {
				*key = k;
				return v;
			}
	if (!modelled)
		return NULL;
	json_object_foreach(index, k, v) {
		const char *gr = json_string_value(json_object_get(v, "rules"));
		const char *st = json_string_value(json_object_get(v, "state"));
		/* The most specific such group (the most rules) of the same versions (model:all). */
		if (gr && *gr && st && !strcmp(st, "minimised") && ddp_rules_subset(gr, rules) &&
		    !strcmp(versions_part(k), versions_part(raw)) &&
		    strlen(gr) > best_n) {
			best = v;
			best_n = strlen(gr);
			*key = k;
		}
	}
	return best;
}

/* Adds name to the group's examples, kept sorted (names sort smallest first). */
static void add_example(json_t *group, const char *name)
{
	json_t *ex = json_object_get(group, "examples");
	size_t i, at;
	json_t *e;

	if (!ex) {
		ex = json_array();
		json_object_set_new(group, "examples", ex);
	}
	at = json_array_size(ex);
	json_array_foreach(ex, i, e)
		if (strcmp(name, json_string_value(e)) < 0) {
			at = i;
			break;
		}
	json_array_insert_new(ex, at, json_string(name));
}

static void add_alias(json_t *group, const char *raw)
{
	json_t *a = json_object_get(group, "aliases");
	if (!a) {
		a = json_array();
		json_object_set_new(group, "aliases", a);
	}
	if (!json_strings_has(a, raw))
		json_array_append_new(a, json_string(raw));
}

/*
 * The other minimised group with this cause (ddp_case_cause of its
 * headline) and the same versions (model:all), if any.  A group of stderr's
 * wording alone is kept apart: a candidate's own words are a bug of their own.
 */
static json_t *group_by_cause(json_t *index, const char *cause, const char *key,
                              const json_t *self, const char **found)
{
	const char *k;
	json_t *v;

	if (!cause || !*cause || !strncmp(key, TEXT_ONLY, strlen(TEXT_ONLY)))
		return NULL;
	json_object_foreach(index, k, v) {
		const char *gc = json_string_value(json_object_get(v, "cause"));
		if (v != self && gc && !strcmp(gc, cause) && strncmp(k, TEXT_ONLY, strlen(TEXT_ONLY)) &&
		    !strcmp(versions_part(k), versions_part(key))) {
			if (found)
				*found = k;
			return v;
		}
	}
	return NULL;
}

int ddp_findings_add(ddp_findings *f, const ddp_config *cfg, const ddp_case *c,
                     const ddp_result *res, uint64_t seed, uint64_t case_no,
                     int *is_new, char *path_out, size_t path_size, ddp_error *err)
{
	json_t *entry;
	const char *key = NULL;
	char raw[DDP_GROUP_KEY_MAX], name[128], final[4300];
	int rc = DDP_OK, moved;

	ddp_result_group_key(raw, sizeof(raw), res);
	lock_dir(f);
	if ((rc = reload(f, err))) {
		unlock_dir(f);
		return rc;
	}
	entry = find_group(f->signatures, raw, res->ref_modelled, res->ref_rules, &key);
	if (is_new)
		*is_new = entry == NULL;
	if (entry) {
		const char *gdir = json_string_value(json_object_get(entry, "dir"));
		json_t *ex = json_object_get(entry, "examples");
		json_object_set_new(entry, "count",
		                    json_integer(json_integer_value(json_object_get(entry, "count")) + 1));
		add_alias(entry, raw);
		f->total++;
		/* The first few repeats are kept whole: the same bug, other cases. */
		if (json_array_size(ex) < GROUP_EXAMPLES) {
			char exdir[4400];
			snprintf(exdir, sizeof(exdir), "%s/%s/examples", f->dir, gdir);
			snprintf(name, sizeof(name), "%06zu-s%llu-c%llu", case_size(c),
			         (unsigned long long)seed, (unsigned long long)case_no);
			snprintf(final, sizeof(final), "%s/%s", exdir, name);
			if (!(rc = ddp_own_dir(exdir, 1, err)) &&
			    !(rc = save_finding(f, cfg, c, res, seed, case_no, final, key, NULL, &moved, err)) &&
			    moved)
				add_example(entry, name);
		}
		if (path_out)
			snprintf(path_out, path_size, "%s/%s", f->dir, gdir);
		rc = save_signatures(f, err) ? DDP_ERROR : rc;
		unlock_dir(f);
		return rc;
	}
	slug(name, sizeof(name), raw);
	snprintf(final, sizeof(final), "%s/%s", f->dir, name);
	rc = save_finding(f, cfg, c, res, seed, case_no, final, raw, NULL, &moved, err);
	if (!rc) {
		json_t *g = json_pack("{s:i,s:s,s:s,s:s,s:[s]}", "count", 1, "dir", name,
		                      "kinds", res->signature, "state", "new", "aliases", raw);
		if (res->ref_modelled)
			json_object_set_new(g, "rules", json_string(res->ref_rules));
		if (!moved) {
			/* Another campaign's, renamed just before it was killed: a repeat of it. */
			if (is_new)
				*is_new = 0;
			json_object_set_new(g, "count", json_integer(2));
		} else {
			f->new_unique++;
		}
		json_object_set_new(f->signatures, raw, g);
		rc = save_signatures(f, err);
	}
	recount(f);
	if (path_out)
		snprintf(path_out, path_size, "%s", final);
	unlock_dir(f);
	return rc;
}

int ddp_findings_settle(ddp_findings *f, const char *raw, const char *state, const ddp_config *cfg,
                        const ddp_case *head, const ddp_result *res, const ddp_case *original,
                        char *path_out, size_t path_size, ddp_error *err)
{
	json_t *entry, *other = NULL;
	const char *key = NULL, *k;
	char mkey[DDP_GROUP_KEY_MAX], final[4400], cause[DDP_GROUP_KEY_MAX];
	int rc, moved = 0;

	lock_dir(f);
	if ((rc = reload(f, err))) {
		unlock_dir(f);
		return rc;
	}
	/* The group raw made (another campaign may have renamed it since). */
	entry = find_group(f->signatures, raw, 0, "", &key);
	if (!entry) {
		unlock_dir(f);
		return DDP_OK;
	}
	json_incref(entry);
	/* Settled already (by a campaign sharing the directory, which merged ours into it). */
	if (!strcmp(json_string_value(json_object_get(entry, "state")) ?: "", "minimised")) {
		add_alias(entry, raw);
		rc = save_signatures(f, err);
		goto out;
	}
	json_object_set_new(entry, "state", json_string(state));
	if (!head) {
		rc = save_signatures(f, err);
		goto out;
	}
	ddp_result_group_key(mkey, sizeof(mkey), res);
	ddp_case_cause(cause, sizeof(cause), head);
	if (strcmp(mkey, key)) {
		json_t *v;
		json_object_foreach(f->signatures, k, v)
			if (v != entry && !strcmp(k, mkey))
				other = v;
	}
	/*
	 * The same names in the minimal case as another group's: one mistake
	 * met through other rules (drop-count: count=1 shows the window,
	 * count=x a parse error, count=0x1k a warning), counted in that group.
	 */
	if (!other)
		other = group_by_cause(f->signatures, cause, mkey, entry, NULL);
	if (other) {
		/* The same bug as a group already there: this group becomes one of its examples. */
		char from[4400], exdir[4400], name[300];
		const char *odir = json_string_value(json_object_get(other, "dir"));
		json_t *a, *e;
		size_t i;
		snprintf(from, sizeof(from), "%s/%s", f->dir,
		         json_string_value(json_object_get(entry, "dir")));
		snprintf(exdir, sizeof(exdir), "%s/%s/examples", f->dir, odir);
		snprintf(name, sizeof(name), "%06zu-group-%s", case_size(head),
		         json_string_value(json_object_get(entry, "dir")));
		snprintf(final, sizeof(final), "%s/%s", exdir, name);
		if ((rc = ddp_own_dir(exdir, 1, err)))
			goto out;
		if (rename(from, final)) {
			rc = ddp_error_set(err, DDP_ERROR, final, 0, 0, "cannot move the group into %s: %s",
			                   odir, strerror(errno));
			goto out;
		}
		add_example(other, name);
		json_object_set_new(other, "count",
		                    json_integer(json_integer_value(json_object_get(other, "count")) +
		                                 json_integer_value(json_object_get(entry, "count"))));
		a = json_object_get(entry, "aliases");
		json_array_foreach(a, i, e)
			add_alias(other, json_string_value(e));
		add_alias(other, key);
		json_object_del(f->signatures, key);
		if (f->new_unique)
			f->new_unique--;
		if (path_out)
			snprintf(path_out, path_size, "%s/%s", f->dir, odir);
		rc = save_signatures(f, err);
		goto out;
	}
	/* The minimal case's finding in headline/, and its key for the group's. */
	snprintf(final, sizeof(final), "%s/%s/headline", f->dir,
	         json_string_value(json_object_get(entry, "dir")));
	if (access(final, F_OK) == 0 ||
	    !(rc = save_finding(f, cfg, head, res, 0, 0, final, mkey, original, &moved, err))) {
		char *d = ddp_case_describe(head);
		add_alias(entry, key);
		json_object_set_new(entry, "kinds", json_string(res->signature));
		if (res->ref_modelled)
			json_object_set_new(entry, "rules", json_string(res->ref_rules));
		json_object_set_new(entry, "headline", json_string(d ? d : ""));
		json_object_set_new(entry, "cause", json_string(cause));
		free(d);
		json_object_del(f->signatures, key);
		json_object_set(f->signatures, mkey, entry);
		rc = save_signatures(f, err);
	}
	if (path_out)
		snprintf(path_out, path_size, "%s/%s", f->dir,
		         json_string_value(json_object_get(entry, "dir")));
out:
	json_decref(entry);
	recount(f);
	unlock_dir(f);
	return rc;
}

/* ---- merging findings directories from other machines ------------------------ */

/* Copies the directory tree src to dst (new): directories and regular files; links are left out. */
static int copy_tree(const char *src, const char *dst, int depth, ddp_error *err)
{
	DIR *d;
	struct dirent *e;
	int rc = DDP_OK;

	if (depth > 2 * FINDING_DEPTH + 2)
		return ddp_error_set(err, DDP_ERROR, src, 0, 0, "nested too deep for a finding");
	if (mkdir(dst, 0755))
		return ddp_error_errno(err, dst, "cannot create");
	if (!(d = opendir(src)))
		return ddp_error_errno(err, src, "cannot open");
	while (!rc && (e = readdir(d))) {
		char from[4400], to[4400];
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", dst, e->d_name);
		if (lstat(from, &st))
			rc = ddp_error_errno(err, from, "cannot read");
		else if (S_ISDIR(st.st_mode))
			rc = copy_tree(from, to, depth + 1, err);
		else if (S_ISREG(st.st_mode))
			rc = ddp_copy_file(from, to, err);
	}
	closedir(d);
	return rc;
}

/*
 * Copies src into f's directory under a fresh name like want (want-2, ...),
 * first under a marked temporary one, so a merge killed midway leaves
 * nothing a reader takes for a group.  *name gets the name used.
 */
static int copy_in(ddp_findings *f, const char *src, const char *sub, const char *want,
                   char *name, size_t size, ddp_error *err)
{
	char tmp[4400], final[4400];
	int rc;

	snprintf(tmp, sizeof(tmp), "%s/%s.merge-%ld", sub, want, (long)getpid());
	ddp_remove_tree(tmp);
	for (int i = 1;; i++) {
		if (i == 1)
			snprintf(name, size, "%s", want);
		else
			snprintf(name, size, "%.200s-%d", want, i);
		snprintf(final, sizeof(final), "%s/%s", sub, name);
		if (access(final, F_OK) && (sub != f->dir || !group_of_dir(f->signatures, name)))
			break;
	}
	if ((rc = copy_tree(src, tmp, 0, err))) {
		ddp_remove_tree(tmp);
		return rc;
	}
	if (rename(tmp, final)) {
		rc = ddp_error_errno(err, final, "cannot move into place");
		ddp_remove_tree(tmp);
	}
	return rc;
}

/* The source's identity: its .id (written when it was opened), else its real path. */
static void source_id(char *out, size_t size, const char *dir)
{
	char path[4200], *text = NULL, *real;
	size_t len;
	ddp_error e;

	snprintf(path, sizeof(path), "%s/.id", dir);
	if (!ddp_read_own_file(&text, &len, path, 64, &e) && len >= 32 &&
	    strspn(text, "0123456789abcdef") == 32) {
		snprintf(out, size, "%.32s", text);
	} else {
		real = realpath(dir, NULL);
		snprintf(out, size, "path:%s", real ? real : dir);
		free(real);
	}
	free(text);
}

int ddp_findings_id(const char *dir, ddp_error *err)
{
	char path[4200], hex[34];
	unsigned char b[16];

	snprintf(path, sizeof(path), "%s/.id", dir);
	if (!access(path, F_OK))
		return DDP_OK;
	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		return ddp_error_errno(err, path, "no random bytes for the directory's id");
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	hex[32] = '\n';
	return ddp_write_atomic(path, hex, 33, err);
}

/* Merges the source's group (skey, sg, in directory sdir) into f's index. */
static int merge_group(ddp_findings *f, const char *id, const char *src, const char *skey,
                       json_t *sg, ddp_merge_stats *st, ddp_error *err)
{
	const char *sdir = json_string_value(json_object_get(sg, "dir")), *key = NULL, *k;
	json_int_t scount = json_integer_value(json_object_get(sg, "count"));
	json_t *g = find_group(f->signatures, skey, 0, "", &key), *a, *v, *merged;
	char from[4400], name[300], share[DDP_GROUP_KEY_MAX + 128];
	size_t i;
	int rc;

	/* A share is one source's one group: two of its groups may land in one here. */
	snprintf(share, sizeof(share), "%.100s %s", id, skey);
	snprintf(from, sizeof(from), "%s/%s", src, sdir);
	if ((rc = ddp_finding_check(from, err)))
		return rc;
	/* Known here by another of its keys (a machine that minimised it to another key). */
	json_array_foreach(json_object_get(sg, "aliases"), i, a)
		if (!g && json_is_string(a))
			g = find_group(f->signatures, json_string_value(a), 0, "", &key);
	/* Minimised there to the same names as a group here: the same mistake (see settle). */
	if (!g && !strcmp(json_string_value(json_object_get(sg, "state")) ?: "", "minimised"))
		g = group_by_cause(f->signatures, json_string_value(json_object_get(sg, "cause")), skey,
		                   NULL, &key);
	if (!g) {
		if ((rc = copy_in(f, from, f->dir, sdir, name, sizeof(name), err)))
			return rc;
		g = json_deep_copy(sg);
		json_object_set_new(g, "dir", json_string(name));
		json_object_set_new(g, "merged", json_pack("{s:I}", share, scount));
		json_object_set(f->signatures, skey, g);
		json_decref(g);
		st->new_groups++;
		st->count += (size_t)scount;
		return DDP_OK;
	}
	/* This source's share replaces what it gave before: merging twice changes nothing. */
	if (!json_is_object(merged = json_object_get(g, "merged"))) {
		merged = json_object();
		json_object_set_new(g, "merged", merged);
	}
	{
		json_int_t before = json_integer_value(json_object_get(merged, share));
		json_int_t count = json_integer_value(json_object_get(g, "count")) + scount - before;
		json_object_set_new(g, "count", json_integer(count < 1 ? 1 : count));
		json_object_set_new(merged, share, json_integer(scount));
		st->count += (size_t)(scount > before ? scount - before : 0);
	}
	add_alias(g, skey);
	json_array_foreach(json_object_get(sg, "aliases"), i, a)
		if (json_is_string(a))
			add_alias(g, json_string_value(a));
	st->merged_groups++;
	/* Its examples, while the group has room, each once (names carry seed and case). */
	json_array_foreach(json_object_get(sg, "examples"), i, v) {
		char exdir[4400], exfrom[4400], target[4700];
		const char *ex = json_string_value(v);
		if (json_array_size(json_object_get(g, "examples")) >= GROUP_EXAMPLES)
			break;
		if (json_strings_has(json_object_get(g, "examples"), ex))
			continue;
		snprintf(exdir, sizeof(exdir), "%s/%s/examples", f->dir,
		         json_string_value(json_object_get(g, "dir")));
		snprintf(exfrom, sizeof(exfrom), "%s/examples/%s", from, ex);
		snprintf(target, sizeof(target), "%s/%s", exdir, ex);
		if (!access(target, F_OK))
			continue;
		if ((rc = ddp_own_dir(exdir, 1, err)) ||
		    (rc = copy_in(f, exfrom, exdir, ex, name, sizeof(name), err)))
			return rc;
		add_example(g, name);
	}
	/* A headline where this group has none yet. */
	k = json_string_value(json_object_get(g, "state"));
	if ((!k || strcmp(k, "minimised")) &&
	    !strcmp(json_string_value(json_object_get(sg, "state")) ?: "", "minimised")) {
		char head[4400], gdir[4400];
		snprintf(head, sizeof(head), "%s/headline", from);
		snprintf(gdir, sizeof(gdir), "%s/%s", f->dir, json_string_value(json_object_get(g, "dir")));
		if (!access(head, F_OK) && (rc = copy_in(f, head, gdir, "headline", name, sizeof(name), err)))
			return rc;
		json_object_set(g, "state", json_object_get(sg, "state"));
		if (json_object_get(sg, "headline"))
			json_object_set(g, "headline", json_object_get(sg, "headline"));
	}
	return DDP_OK;
}

int ddp_findings_merge(ddp_findings *f, const char *src, ddp_merge_stats *st, ddp_error *err)
{
	char path[4200], id[4200];
	json_t *index;
	const char *k;
	json_t *v;
	int rc;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "%s/signatures.json", src);
	if ((rc = ddp_own_dir(src, 0, err)))
		return rc;
	/* A campaign that found nothing leaves no index: nothing to merge. */
	if (access(path, F_OK) && errno == ENOENT && !access(src, F_OK))
		return DDP_OK;
	if ((rc = ddp_signatures_load(&index, path, err)))
		return rc;
	source_id(id, sizeof(id), src);
	lock_dir(f);
	if (!(rc = reload(f, err))) {
		json_object_foreach(index, k, v) {
			st->groups++;
			if ((rc = merge_group(f, id, src, k, v, st, err)))
				break;
		}
		/* What was copied is kept, and counted, even when a later group failed. */
		if (save_signatures(f, err) && !rc)
			rc = DDP_ERROR;
		recount(f);
	}
	unlock_dir(f);
	json_decref(index);
	return rc;
}
