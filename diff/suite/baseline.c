/*
 * baseline.c: what one qemu-img version does with a dd-cases line, kept as
 * three files in instar's testdata layout, and the versions that agree
 * folded into profiles.
 *
 * The .stdout.txt is the output's `qemu-img info --output=json` in the
 * core's canonical form (ddp_info_normalise): the output path is
 * $FILENAME, and the fields that change from run to run (actual-size,
 * which depends on the filesystem; vmdk's random cid) hold their markers,
 * so that regenerating a baseline reproduces it byte for byte.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suite/suite.h"

void ddp_baseline_free(ddp_baseline *b)
{
	free(b->stdout_text);
	free(b->stderr_text);
	free(b->meta_text);
	memset(b, 0, sizeof(*b));
}

static json_t *string_array(char *const *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

int ddp_output_sha256(char hex[65], const char *qemu_img, const char *dir, const char *name,
                      const char *fmt, ddp_error *err)
{
	static const char flat[] = ".ddp-flat.raw";
	const char *argv[] = {qemu_img, "convert", "-f", fmt, "-O", "raw", name, flat, NULL};
	ddp_proc_opts o = {dir, 600, 1 << 20, 0, 0};
	ddp_proc_result r;
	char path[4400];
	int rc;

	if (!strcmp(fmt, "raw")) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		return ddp_sha256sum(hex, path, err);
	}
	if (ddp_proc_run(&r, argv, &o, err))
		return DDP_ERROR;
	if (!r.exited || r.exit_code) {
		rc = ddp_error_set(err, DDP_ERROR, name, 0, 0, "%s convert -O raw failed: %.200s",
		                   qemu_img, r.err ? r.err : "");
		ddp_proc_result_free(&r);
		return rc;
	}
	ddp_proc_result_free(&r);
	snprintf(path, sizeof(path), "%s/%s", dir, flat);
	rc = ddp_sha256sum(hex, path, err);
	unlink(path);
	return rc;
}

/*
 * qemu-img info of the output outn (in casedir) for a baseline: info's exit
 * code and (exit 0) its JSON normalised into out, the output's data sha256
 * into sha; info's stderr, the output's name as $FILENAME, into *info_err.
 */
static int read_info(ddp_baseline *out, char **info_err, char sha[65], const ddp_ddcase *c,
                     const char *qemu_img, const char *casedir, const char *outn,
                     const char *workdir, const ddp_proc_opts *o, ddp_error *err)
{
	const char *iargv[] = {qemu_img, "info", "--output=json", outn, NULL};
	const char *paths[] = {outn};
	ddp_proc_result r;
	int rc = DDP_OK;

	if (ddp_proc_run(&r, iargv, o, err))
		return DDP_ERROR;
	if (ddp_machine_fault(c->name, workdir, r.err, r.err_len, err)) {
		ddp_proc_result_free(&r);
		return DDP_ERROR;
	}
	out->info_rc = r.exited ? r.exit_code : 128 + r.signo;
	*info_err = ddp_replace_all(r.err, r.err_len, strlen(outn) >= 4 ? outn : "", "$FILENAME");
	if (out->info_rc == 0) {
		json_t *info = json_loads(r.out, 0, NULL);
		const char *fmt = json_string_value(json_object_get(info, "format"));
		rc = !fmt ? ddp_error_set(err, DDP_ERROR, c->name, 0, 0,
		                          "info of the output names no format")
		          : ddp_output_sha256(sha, qemu_img, casedir, outn, fmt, err);
		json_decref(info);
		if (!rc) {
			free(out->stdout_text);
			if ((rc = ddp_info_normalise(&out->stdout_text, r.out, r.out_len, paths, 1, err)))
				out->stdout_text = NULL;
		}
	}
	ddp_proc_result_free(&r);
	return rc ? DDP_ERROR : DDP_OK;
}

/* A baseline's meta.json: what ran (args, the dd-cases line's parts), exit codes, the output's sha256. */
static char *meta_text(const ddp_ddcase *c, char **args, int nargs, const char *sha,
                       const char *version, const ddp_baseline *out)
{
	json_t *meta = json_object();
	char *text;

	json_object_set_new(meta, "case_name", json_string(c->name));
	json_object_set_new(meta, "command", json_string("dd"));
	json_object_set_new(meta, "create_return_code", json_integer(0));
	json_object_set_new(meta, "dd_args", string_array(args, nargs));
	json_object_set_new(meta, "dd_return_code", json_integer(out->dd_rc));
	json_object_set_new(meta, "info_return_code",
			    out->info_rc < 0 ? json_null() : json_integer(out->info_rc));
	json_object_set_new(meta, "input_format", json_string(c->in_fmt));
	json_object_set_new(meta, "input_pattern", json_string(c->pattern[0] ? c->pattern : "random"));
	json_object_set_new(meta, "input_size", json_string(c->size_text));
	json_object_set_new(meta, "input_size_bytes", json_integer(c->size));
	json_object_set_new(meta, "output_format", json_string(c->out_fmt));
	if (*sha)
		json_object_set_new(meta, "output_sha256", json_string(sha));
	json_object_set_new(meta, "qemu_version", json_string(version));
	json_object_set_new(meta, "window_operands", string_array(c->ops, c->nops));
	text = ddp_suitefile_dumps(meta);
	json_decref(meta);
	return text;
}

int ddp_baseline_make(ddp_baseline *out, const ddp_ddcase *c, const char *qemu_img,
		      const char *version, const char *fixdir, const char *workdir,
		      ddp_error *err)
{
	ddp_fixture fx;
	char casedir[4200], link[4300], in[64], outn[DDP_DDCASE_NAME_MAX];
	const char *argv[DDP_DDCASE_MAX_OPS + 12];
	char **args = NULL;
	int nargs = 0, n = 0, rc = DDP_ERROR;
	ddp_proc_opts o = {casedir, 600, 1 << 20, 0, 0};
	ddp_proc_result r;
	char *dd_err = NULL, *info_err = NULL, sha[65] = "";

	memset(out, 0, sizeof(*out));
	out->info_rc = -1;
	if (ddp_fixture_adhoc(&fx, fixdir, qemu_img, c->size, c->in_fmt, c->pattern, err))
		return DDP_ERROR;
	ddp_ddcase_in_name(in, sizeof(in), c);
	ddp_ddcase_out_name(outn, sizeof(outn), c);
	snprintf(casedir, sizeof(casedir), "%s/bl-%s-%ld-%p", workdir, c->name, (long)getpid(),
		 (void *)out);
	ddp_remove_tree(casedir);
	if (ddp_tmpdir_make(casedir, err))
		return DDP_ERROR;
	snprintf(link, sizeof(link), "%s/%s", casedir, in);
	if (symlink(fx.path, link)) {
		ddp_error_set(err, DDP_ERROR, link, 0, 0,
			      "cannot link the input: %s", strerror(errno));
		goto out;
	}
	if (ddp_ddcase_args(c, &args, &nargs)) {
		ddp_error_set(err, DDP_ERROR, c->name, 0, 0, "out of memory");
		goto out;
	}
	argv[n++] = qemu_img;
	argv[n++] = "dd";
	for (int i = 0; i < nargs; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (ddp_proc_run(&r, argv, &o, err))
		goto out;
	/* A full disk is the suite's error: never a baseline. */
	if (ddp_machine_fault(c->name, workdir, r.err, r.err_len, err)) {
		ddp_proc_result_free(&r);
		goto out;
	}
	if (!r.exited) {
		ddp_error_set(err, DDP_ERROR, c->name, 0, 0,
			      "%s dd %s", qemu_img, r.timed_out ? "timed out" : "was killed by a signal");
		ddp_proc_result_free(&r);
		goto out;
	}
	out->dd_rc = r.exit_code;
	/*
	 * The output's name as $FILENAME, as info's normalisation has it; a
	 * line's own name too short to be told from other text ("of=.") is
	 * kept as it is.
	 */
	dd_err = ddp_replace_all(r.err, r.err_len, strlen(outn) >= 4 ? outn : "",
	                         "$FILENAME");
	ddp_proc_result_free(&r);
	out->stdout_text = strdup("");
	if (out->dd_rc == 0 &&
	    read_info(out, &info_err, sha, c, qemu_img, casedir, outn, workdir, &o, err))
		goto out;
	/* dd's stderr, then (when info ran) the marker line and info's stderr. */
	{
		size_t dl = strlen(dd_err);
		if (asprintf(&out->stderr_text, "%s%s%s%s%s", dd_err,
			     info_err && dl && dd_err[dl - 1] != '\n' ? "\n" : "",
			     info_err ? DDP_BASELINE_STDERR_MARKER "\n" : "",
			     info_err ? info_err : "", "") < 0) {
			out->stderr_text = NULL;
			ddp_error_set(err, DDP_ERROR, c->name, 0, 0, "out of memory");
			goto out;
		}
	}
	out->meta_text = meta_text(c, args, nargs, sha, version, out);
	if (!out->meta_text || !out->stdout_text) {
		ddp_error_set(err, DDP_ERROR, c->name, 0, 0, "out of memory");
		goto out;
	}
	rc = DDP_OK;
out:
	free(dd_err);
	free(info_err);
	ddp_ddcase_args_free(args, nargs);
	ddp_remove_tree(casedir);
	if (rc)
		ddp_baseline_free(out);
	return rc;
}

static const char *const suffixes[] = {".stdout.txt", ".stderr.txt", ".meta.json"};

static const char *part(const ddp_baseline *b, int i)
{
	return i == 0 ? b->stdout_text : i == 1 ? b->stderr_text : b->meta_text;
}

int ddp_baseline_write(const ddp_baseline *b, const char *dir, const char *name, ddp_error *err)
{
	char path[4400];

	if (ddp_own_dir(dir, 1, err))
		return DDP_ERROR;
	/*
	 * Three renames cannot be one: meta.json goes first and comes back
	 * last, and a triple without it is absent (replay and report skip it,
	 * promote and profiles take it for a write cut short), so a kill
	 * leaves the old triple, none, or the new one.
	 */
	snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffixes[2]);
	if (unlink(path) && errno != ENOENT)
		return ddp_error_set(err, DDP_ERROR, path, 0, 0,
				     "cannot remove: %s", strerror(errno));
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffixes[i]);
		ddp_write_atomic_sweep(path); /* a killed run's temporary of this file */
		if (ddp_write_atomic(path, part(b, i), strlen(part(b, i)), err))
			return DDP_ERROR;
	}
	return DDP_OK;
}

int ddp_baseline_compare_files(int *exists, int *same, const ddp_baseline *b,
			       const char *dir, const char *name, ddp_error *err)
{
	char path[4400];

	*exists = 0;
	*same = 1;
	/* Without its meta.json (written last) a triple is absent: a write cut short. */
	snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffixes[2]);
	if (access(path, F_OK)) {
		*same = 0;
		return DDP_OK;
	}
	for (int i = 0; i < 3; i++) {
		char *text;
		size_t len;
		snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffixes[i]);
		if (access(path, F_OK)) {
			*same = 0;
			continue;
		}
		*exists = 1;
		if (ddp_read_own_file(&text, &len, path, 16 << 20, err))
			return DDP_ERROR;
		if (len != strlen(part(b, i)) || memcmp(text, part(b, i), len))
			*same = 0;
		free(text);
	}
	return DDP_OK;
}

/* ---- profiles --------------------------------------------------------------- */

typedef struct version_dir {
	char name[64];
	char hash[65];
	char profile[32];
} version_dir;

static int is_version_name(const char *s)
{
	int digits = 0;
	if (!(*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != '.' && *s != '-' && !(*s >= 'a' && *s <= 'z'))
			return 0;
	}
	return digits > 0;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

static int is_baseline_file(const char *s)
{
	return has_suffix(s, ".stdout.txt") || has_suffix(s, ".stderr.txt") ||
	       has_suffix(s, ".meta.json");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a triple's file has its meta.json (written last): else a write cut short. */
static int triple_whole(const char *dir, const char *file)
{
	char path[4400];

	if (has_suffix(file, ".meta.json"))
		return 1;
	/* <case>.stdout.txt or <case>.stderr.txt: 11 characters after the case. */
	snprintf(path, sizeof(path), "%s/%.*s.meta.json", dir, (int)(strlen(file) - 11), file);
	return access(path, F_OK) == 0;
}

/* The baseline files of a directory (whole triples), sorted; *n gets how many. */
static char **list_files(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !is_baseline_file(e->d_name) || !triple_whole(dir, e->d_name))
			continue;
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * sha256 of a version's baselines, as coreutils' sha256sum computes it
 * over a manifest: each file's name, length and bytes, the meta.json files
 * without their qemu_version.
 */
static int version_hash(char hash[65], const char *root, const char *version,
			const char *tmpdir, ddp_error *err)
{
	char dir[4200], path[4400], manifest[4200];
	size_t n;
	char **files;
	FILE *m;
	int rc = DDP_OK;

	snprintf(dir, sizeof(dir), "%s/%s", root, version);
	snprintf(manifest, sizeof(manifest), "%s/manifest-%s", tmpdir, version);
	files = list_files(dir, &n);
	if (!(m = fopen(manifest, "wb"))) {
		free_list(files, n);
		return ddp_error_set(err, DDP_ERROR, manifest, 0, 0,
				     "cannot create: %s", strerror(errno));
	}
	for (size_t i = 0; i < n && !rc; i++) {
		char *text = NULL;
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (ddp_read_own_file(&text, &len, path, 16 << 20, err)) {
			rc = DDP_ERROR;
			break;
		}
		if (has_suffix(files[i], ".meta.json")) {
			char stem[4200];
			json_t *j;
			char *dumped;
			/* Checked like every file the suite reads: a case name, the file's. */
			snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(files[i]) - 10), files[i]);
			if ((rc = ddp_baseline_meta_name_check(text, len, path, stem, err))) {
				free(text);
				break;
			}
			if (!(j = json_loads(text, 0, NULL))) {
				free(text);
				rc = ddp_error_set(err, DDP_ERROR, path, 0, 0, "not a JSON object");
				break;
			}
			json_object_del(j, "qemu_version");
			dumped = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
			json_decref(j);
			free(text);
			text = dumped;
			len = strlen(text);
		}
		fprintf(m, "%s\n%zu\n", files[i], len);
		fwrite(text, 1, len, m);
		fputc('\n', m);
		free(text);
	}
	free_list(files, n);
	if (fclose(m) && !rc)
		rc = ddp_error_set(err, DDP_ERROR, manifest, 0, 0,
				   "cannot write: %s", strerror(errno));
	if (!rc)
		rc = ddp_sha256sum(hash, manifest, err);
	unlink(manifest);
	return rc;
}

static int copy_file(const char *from, const char *to, ddp_error *err)
{
	char *text;
	size_t len;
	int rc;

	if (ddp_read_own_file(&text, &len, from, 16 << 20, err))
		return DDP_ERROR;
	rc = ddp_write_atomic(to, text, len, err);
	free(text);
	return rc;
}

static int cmp_version_dir(const void *a, const void *b)
{
	return ddp_version_text_cmp(((const version_dir *)a)->name, ((const version_dir *)b)->name);
}

/*
 * The version directories of root (names a version's, no link: a linked
 * one is an error naming it), oldest first; *out malloc'd.
 */
static int list_versions(version_dir **out, size_t *count, const char *root, ddp_error *err)
{
	DIR *d = opendir(root);
	struct dirent *e;
	version_dir *v = NULL;
	size_t nv = 0, cap = 0;
	char path[4400];

	if (!d)
		return ddp_error_set(err, DDP_ERROR, root, 0, 0,
				     "cannot open: %s", strerror(errno));
	while ((e = readdir(d))) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		if (!is_version_name(e->d_name) || lstat(path, &st) || strlen(e->d_name) >= sizeof(v->name))
			continue;
		/* A version directory linked elsewhere is not the suite's: never read through. */
		if (S_ISLNK(st.st_mode)) {
			closedir(d);
			free(v);
			return ddp_own_dir(path, 0, err);
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		if (nv == cap) {
			version_dir *nvp = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
			if (!nvp) {
				closedir(d);
				free(v);
				return ddp_error_set(err, DDP_ERROR, root, 0, 0, "out of memory");
			}
			v = nvp;
		}
		memset(&v[nv], 0, sizeof(*v));
		strcpy(v[nv++].name, e->d_name);
	}
	closedir(d);
	if (!nv) {
		free(v);
		return ddp_error_set(err, DDP_ERROR, root, 0, 0,
				     "no version directories (run `ddparity baselines generate` first)");
	}
	qsort(v, nv, sizeof(*v), cmp_version_dir);
	*out = v;
	*count = nv;
	return DDP_OK;
}

/* A new profile: a copy, into fresh/<profile>, of its oldest version's files. */
static int copy_profile(const char *root, const char *fresh, const char *version,
                        const char *profile, ddp_error *err)
{
	char from_dir[4200], to_dir[4400], from[4400], to[4500];
	size_t n;
	char **files;
	int rc = DDP_OK;

	snprintf(from_dir, sizeof(from_dir), "%s/%s", root, version);
	snprintf(to_dir, sizeof(to_dir), "%s/%s", fresh, profile);
	if (mkdir(to_dir, 0755))
		return ddp_error_set(err, DDP_ERROR, to_dir, 0, 0, "cannot create: %s", strerror(errno));
	files = list_files(from_dir, &n);
	for (size_t k = 0; k < n && !rc; k++) {
		snprintf(from, sizeof(from), "%s/%s", from_dir, files[k]);
		snprintf(to, sizeof(to), "%s/%s", to_dir, files[k]);
		rc = copy_file(from, to, err);
	}
	free_list(files, n);
	return rc;
}

/* root/version-map.json written atomically (members in the map's order). */
static int write_version_map(const char *root, const json_t *map, ddp_error *err)
{
	char path[4400];
	char *text = json_dumps(map, JSON_INDENT(2) | JSON_PRESERVE_ORDER), *with_nl = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/version-map.json", root);
	if (!text || asprintf(&with_nl, "%s\n", text) < 0) {
		rc = ddp_error_set(err, DDP_ERROR, path, 0, 0, "out of memory");
	} else {
		ddp_write_atomic_sweep(path); /* a killed run's temporary of it */
		rc = ddp_write_atomic(path, with_nl, strlen(with_nl), err);
	}
	free(text);
	free(with_nl);
	return rc;
}

int ddp_baseline_profiles(const char *root, FILE *summary, ddp_error *err)
{
	version_dir *v = NULL;
	size_t nv = 0;
	char tmpdir[4200], fresh[4300], oldp[4300], profiles[4200], path[4400];
	json_t *map = NULL, *reps, *v2p, *members;
	int rc = DDP_OK;

	if ((rc = list_versions(&v, &nv, root, err)))
		return rc;

	ddp_workdir_sweep(root); /* what runs that were killed left */
	snprintf(profiles, sizeof(profiles), "%s/profiles", root);
	snprintf(path, sizeof(path), "%s/.profiles-tmp-", root);
	if (ddp_own_dir(profiles, 0, err) ||
	    ddp_stage_make(tmpdir, sizeof(tmpdir), path, fresh, oldp, sizeof(fresh), err)) {
		free(v);
		return DDP_ERROR;
	}
	for (size_t i = 0; i < nv && !rc; i++) {
		rc = version_hash(v[i].hash, root, v[i].name, tmpdir, err);
		snprintf(v[i].profile, sizeof(v[i].profile), "profile-%.8s", v[i].hash);
	}
	/* Two different hashes with the same 8 digits would share a name. */
	for (size_t i = 0; i < nv && !rc; i++)
		for (size_t k = 0; k < i && !rc; k++)
			if (!strcmp(v[i].profile, v[k].profile) && strcmp(v[i].hash, v[k].hash))
				rc = ddp_error_set(err, DDP_ERROR, root, 0, 0,
						   "%s and %s differ but their hashes share the first 8 "
						   "digits (%s)", v[k].name, v[i].name, v[i].profile);

	map = json_object();
	reps = json_object();
	v2p = json_object();
	members = json_object();
	for (size_t i = 0; i < nv && !rc; i++) {
		json_t *list = json_object_get(members, v[i].profile);
		json_object_set_new(v2p, v[i].name, json_string(v[i].profile));
		if (list) {
			json_array_append_new(list, json_string(v[i].name));
			continue;
		}
		/* A new profile: a copy of this (its oldest) version's files. */
		json_object_set_new(reps, v[i].profile, json_string(v[i].name));
		list = json_array();
		json_array_append_new(list, json_string(v[i].name));
		json_object_set_new(members, v[i].profile, list);
		if ((rc = copy_profile(root, fresh, v[i].name, v[i].profile, err)))
			break;
	}
	json_object_set_new(map, "profiles", reps);
	json_object_set_new(map, "version_to_profile", v2p);
	json_object_set_new(map, "profile_versions", members);
	if (!rc) {
		/* Swap the new profiles in, in one step (a kill leaves the old or the new); the old go. */
		if (ddp_dir_replace(fresh, profiles, oldp))
			rc = ddp_error_set(err, DDP_ERROR, profiles, 0, 0,
					   "cannot rename into place: %s", strerror(errno));
	}
	ddp_remove_tree(oldp);
	if (!rc)
		rc = write_version_map(root, map, err);
	if (!rc && summary) {
		const char *k;
		json_t *list;
		json_object_foreach(members, k, list) {
			size_t i;
			json_t *ver;
			fprintf(summary, "%s:", k);
			json_array_foreach(list, i, ver)
				fprintf(summary, " %s", json_string_value(ver));
			fputc('\n', summary);
		}
	}
	json_decref(map);
	ddp_remove_tree(tmpdir);
	free(v);
	return rc;
}

int ddp_baseline_profile_for(char *dir, size_t size, char *version_used,
			     const char *root, const char *version, ddp_error *err)
{
	char path[4200];
	ddp_version_map map;
	const ddp_version_map_entry *hit;
	int rc;

	snprintf(path, sizeof(path), "%s/version-map.json", root);
	if ((rc = ddp_version_map_load(&map, path, err)))
		return rc;
	/* Else a version with the same major.minor (10.0.8 reads 10.0.13's). */
	if (!(hit = ddp_version_map_find(&map, version, 1))) {
		ddp_version_map_free(&map);
		return ddp_error_set(err, DDP_ERROR, path, 0, 0,
				     "no baselines for qemu-img %s (nor another of its "
				     "major.minor): run `ddparity baselines generate "
				     "--reference` with it, then `ddparity baselines profiles`",
				     version);
	}
	if (version_used)
		snprintf(version_used, 32, "%s", hit->version);
	/* Replay reads what is there: never through a link to elsewhere. */
	snprintf(dir, size, "%s/profiles", root);
	rc = ddp_own_dir(dir, 0, err);
	snprintf(dir, size, "%s/profiles/%s", root, hit->profile);
	if (!rc)
		rc = ddp_own_dir(dir, 0, err);
	ddp_version_map_free(&map);
	return rc;
}
