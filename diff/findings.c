/*
 * findings.c: every divergence, kept so that nothing reported is lost.
 *
 * One directory per signature (the first case that showed it), its name
 * carrying the signature so duplicates are visible at a glance; a count per
 * signature in signatures.json.  A finding is written under a temporary
 * name, fsynced, and renamed into place, so a campaign killed at any moment
 * leaves whole findings or none.  Campaigns may share a directory: each
 * change is made under a flock of the directory, with signatures.json read
 * again first, so their counts add up and a signature's directory made by
 * the other is a repeat.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "suitefiles.h"

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

int ddp_finding_check(const char *dir, ddp_error *err)
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
		/* The tools' own outputs (and the fixture's link) are in work/, never read. */
		if (!strcmp(e->d_name, "work"))
			rc = ddp_own_dir(path, 0, err);
		else if (lstat(path, &st) || !S_ISREG(st.st_mode))
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
 * signatures.json as another campaign may have left it (under the lock):
 * its counts win; what only this one knows (a finding counted on open) stays.
 */
static int reload(ddp_findings *f, ddp_error *err)
{
	char path[4200];
	json_t *disk;
	const char *k;
	json_t *v;
	int rc;

	snprintf(path, sizeof(path), "%s/signatures.json", f->dir);
	if (access(path, F_OK))
		disk = json_object();
	else if ((rc = ddp_signatures_load(&disk, path, err)))
		return rc;
	if (f->signatures)
		json_object_foreach((json_t *)f->signatures, k, v)
			if (!json_object_get(disk, k))
				json_object_set(disk, k, v);
	json_decref(f->signatures);
	f->signatures = disk;
	recount(f);
	return DDP_OK;
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
	int rc;

	memset(f, 0, sizeof(*f));
	f->dirfd = -1;
	pthread_mutex_init(&f->lock, NULL);
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return ddp_error_set(err, DDP_ERROR, dir, 0, 0, "cannot create the findings directory: %s", strerror(errno));
	if ((f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ddp_error_errno(err, dir, "cannot open the findings directory");
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
		if (!json_object_get(f->signatures, r.signature))
			json_object_set_new(f->signatures, r.signature,
			                    json_pack("{s:i,s:s}", "count", 1, "dir", e->d_name));
		ddp_finding_result_free(&r);
	}
	if (d)
		closedir(d);
	recount(f);
	unlock_dir(f);
	return DDP_OK;
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

static int write_finding(const char *tmp, const ddp_config *cfg, const ddp_case *c,
                         const ddp_result *res, uint64_t seed, uint64_t case_no,
                         const char *final, ddp_error *err)
{
	char *case_json = ddp_case_to_json(c), *describe = ddp_case_describe(c);
	char *result_text, *repro;
	json_t *result;
	int rc;

	/* The tools named: reproduce runs only those its user names (or trusts). */
	{
		size_t rlen;
		FILE *f = open_memstream(&repro, &rlen);
		if (f) {
			fputs("ddparity reproduce ", f);
			ddp_fput_quoted(f, final);
			fputs(" --reference ", f);
			ddp_fput_quoted(f, cfg->reference.spec);
			fputs(" --candidate ", f);
			ddp_fput_quoted(f, cfg->candidate.spec);
			fprintf(f, "\n# %s\n", describe);
			fclose(f);
		} else
			repro = NULL;
	}
	result = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:s,s:s}",
	                   "signature", res->signature,
	                   "detail", res->detail,
	                   "reference", cfg->reference.spec,
	                   "candidate", cfg->candidate.spec,
	                   "stderr_mode", cfg->stderr_mode == DDP_STDERR_EXACT ? "exact"
	                                  : cfg->stderr_mode == DDP_STDERR_CLASS ? "class" : "ignore",
	                   "info_profile", cfg->info_profile->name,
	                   "model_profile", ddp_profile_name(cfg->model_profile),
	                   "seed", (json_int_t)seed, "case_no", (json_int_t)case_no,
	                   "reference_result", side_json(&res->ref),
	                   "candidate_result", side_json(&res->cand),
	                   "case", describe,
	                   "reproduce", repro ? repro : "");
	result_text = json_dumps(result, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
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
	     put(tmp, "reproduce", repro, repro ? strlen(repro) : 0, err)
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

int ddp_findings_add(ddp_findings *f, const ddp_config *cfg, const ddp_case *c,
                     const ddp_result *res, uint64_t seed, uint64_t case_no,
                     int *is_new, char *path_out, size_t path_size, ddp_error *err)
{
	json_t *entry;
	char name[128], stage[4300], tmp[4400], old[4400], final[4300], prefix[4300];
	int rc = DDP_OK, dirfd;

	lock_dir(f);
	if ((rc = reload(f, err))) {
		unlock_dir(f);
		return rc;
	}
	entry = json_object_get(f->signatures, res->signature);
	if (is_new)
		*is_new = entry == NULL;
	if (entry) {
		json_object_set_new(entry, "count",
		                    json_integer(json_integer_value(json_object_get(entry, "count")) + 1));
		f->total++;
		if (path_out)
			snprintf(path_out, path_size, "%s/%s", f->dir,
			         json_string_value(json_object_get(entry, "dir")));
		rc = save_signatures(f, err);
		unlock_dir(f);
		return rc;
	}
	slug(name, sizeof(name), res->signature);
	/* Written in stage/new, marked by stage (a fresh name: one planted is never reused). */
	snprintf(prefix, sizeof(prefix), "%s/.tmp-", f->dir);
	snprintf(final, sizeof(final), "%s/%s", f->dir, name);
	stage[0] = '\0';
	if (ddp_stage_make(stage, sizeof(stage), prefix, tmp, old, sizeof(tmp), err)) {
		rc = DDP_ERROR;
	} else if (!(rc = write_finding(tmp, cfg, c, res, seed, case_no, final, err)) &&
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
		int moved = rename(tmp, final) == 0, e = errno;
		if (!moved && e != EEXIST && e != ENOTEMPTY) {
			rc = ddp_error_set(err, DDP_ERROR, final, 0, 0, "cannot rename the finding into place: %s", strerror(e));
		} else if (!moved) {
			/* Another campaign's, renamed just before it was killed: a repeat of it. */
			if (is_new)
				*is_new = 0;
			json_object_set_new(f->signatures, res->signature,
			                    json_pack("{s:i,s:s}", "count", 2, "dir", name));
			rc = save_signatures(f, err);
		} else {
			fsync(f->dirfd);
			json_object_set_new(f->signatures, res->signature,
			                    json_pack("{s:i,s:s}", "count", 1, "dir", name));
			f->new_unique++;
			rc = save_signatures(f, err);
		}
	}
	if (stage[0])
		ddp_remove_tree(stage);
	recount(f);
	if (path_out)
		snprintf(path_out, path_size, "%s", final);
	unlock_dir(f);
	return rc;
}
