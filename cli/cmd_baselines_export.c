/*
 * cmd_baselines_export.c: `ddparity baselines export --layout instar DIR`,
 * the committed dd baselines as instar's tests read them (its
 * tests/test_dd_baselines.py and tests/base.py): DIR/dd-info-json/ with
 * exactly instar's DD_CASES (expected-outputs/instar-dd-cases), named as
 * instar names them (vpc spelled vhd), and DIR/ddparity-dd-info-json/ with
 * every other case, so instar's list check (names on disk equal its list)
 * passes.  Each tree is made in a stage under DIR and swapped in whole.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "baselines_cli.h"
#include "cli.h"
#include "map/map.h"
#include "suite/suite.h"

static const char usage[] =
	"usage: ddparity baselines export --layout instar [--cases FILE] [--baselines DIR]\n"
	"                                 [--instar-cases FILE] [--manifest FILE]\n"
	"                                 [--map-baselines DIR] [--json FILE|-] OUTDIR\n"
	"\n"
	"Writes the dd baselines (--baselines, default expected-outputs/dd-info-json;\n"
	"its profiles/ and version-map.json, from `baselines profiles`) in instar's\n"
	"testdata layout under OUTDIR (instar-testdata/expected-outputs):\n"
	"  OUTDIR/dd-info-json/            exactly the cases of --instar-cases (default\n"
	"                                  expected-outputs/instar-dd-cases: instar's\n"
	"                                  DD_CASES), named as instar names them (a\n"
	"                                  final -vpc is -vhd)\n"
	"  OUTDIR/ddparity-dd-info-json/   every other case of --cases, kept apart\n"
	"Each has version-map.json and profiles/profile-<X-Y-Z>/<case>.{stdout.txt,\n"
	"stderr.txt,meta.json} (X.Y.Z the profile's oldest version). The map's\n"
	"version_to_profile lists versions newest first, with an entry M.m.x for\n"
	"each unmeasured release M.m (m 0 to 2) between the measured ones, mapped\n"
	"to the nearest older measured profile (listed in `unmeasured`): instar's\n"
	"lookup (major.minor, then major, then the first entry) so reads the\n"
	"nearest older profile for any version above the oldest measured.\n"
	"  OUTDIR/map-<human|json>/        the map baselines of every fixture of\n"
	"                                  --manifest (default expected-outputs/map-fixtures;\n"
	"                                  from --map-baselines, default expected-outputs)\n"
	"                                  whole, as instar's tests/test_map.py reads them:\n"
	"                                  version-map.json, profiles/<p>/<fixture>.stdout.txt\n"
	"                                  (+ stderr.txt, meta.json), <format>/<version>/\n"
	"                                  <fixture>.meta.json with return_code; the image's\n"
	"                                  path is $TESTDATA_ROOT/expected-outputs/\n"
	"                                  ddparity-map-fixtures/<fixture>.<format> (images\n"
	"                                  are not exported); windows are left out (instar\n"
	"                                  has no reader for them)\n"
	"Nothing outside OUTDIR is written; each tree is swapped in whole.\n"
	"--json FILE (or '-': stdout, the text then on stderr) also writes the\n"
	"trees written as one JSON document, atomically (fields: docs/json.md).\n"
	"\n"
	"Exit status: 0 done, 2 error.\n"
	"\n"
	"Example:\n"
	"  ddparity baselines export --layout instar ../instar-testdata/expected-outputs\n";

#define EXPORT_MAX_PROFILES 64

typedef struct export_profile {
	char profile[24];   /* profile-<hash> */
	char label[48];     /* profile-X-Y-Z */
	char oldest[32];
} export_profile;

typedef struct export_version {
	char key[32];       /* "7.2.22", or "8.1.x" for an unmeasured release */
	int major, minor, patch; /* patch -1 for M.m.x */
	const export_profile *p;
	char borrowed[32];  /* the measured version an M.m.x reads */
} export_version;

static int cmp_export_version(const void *a, const void *b)
{
	const export_version *x = a, *y = b;
	/* Newest first. */
	if (x->major != y->major)
		return x->major < y->major ? 1 : -1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? 1 : -1;
	return x->patch < y->patch ? 1 : x->patch > y->patch ? -1 : 0;
}

/*
 * A file of the stage: written plainly, since the stage is swapped in whole
 * and synced once before (syncfs) rather than each of its thousand files.
 */
static int stage_write(const char *path, const char *text, size_t len, ddp_error *err)
{
	FILE *f = fopen(path, "wx");
	int ok;

	if (!f)
		return ddp_error_errno(err, path, "cannot create");
	ok = fwrite(text, 1, len, f) == len;
	if (fclose(f) || !ok)
		return ddp_error_errno(err, path, "cannot write");
	return DDP_OK;
}

/* The names of instar's list file: one a line, '#' comments. */
static int load_names(char ***names, size_t *n, const char *path)
{
	char *text, *line, *save = NULL;
	size_t len;
	int lineno = 0;
	ddp_error err;

	*names = NULL;
	*n = 0;
	if (ddp_read_file(&text, &len, path, 1 << 20, &err))
		return ddp_cli_fail_error(path, &err);
	for (line = text; line; line = save) {
		char *nl = strchr(line, '\n'), *end;
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!*line || *line == '#')
			continue;
		if (strspn(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
		    strlen(line) || strlen(line) >= DDP_DDCASE_NAME_MAX) {
			free(text);
			return ddp_cli_fail("%s:%d: '%s' is not a case name (letters, digits, '.', '_', "
			                    "'-'; one a line)", path, lineno, line);
		}
		for (size_t k = 0; k < *n; k++)
			if (!strcmp((*names)[k], line)) {
				free(text);
				return ddp_cli_fail("%s:%d: %s is listed twice", path, lineno, line);
			}
		*names = realloc(*names, (*n + 1) * sizeof(**names));
		(*names)[(*n)++] = strdup(line);
	}
	free(text);
	if (!*n)
		return ddp_cli_fail("%s: names no case", path);
	return DDP_EXIT_OK;
}

/* meta.json as instar reads it: its case name, vhd for vpc (qemu's name kept beside). */
static int export_meta(char **out, const char *text, size_t len, const char *path,
                       const char *instar_name)
{
	json_error_t jerr;
	json_t *m = json_loadb(text, len, 0, &jerr);
	const char *keys[] = {"output_format", "input_format"};

	if (!json_is_object(m)) {
		json_decref(m);
		return ddp_cli_fail("%s:%d: not a JSON object: %s", path, jerr.line, jerr.text);
	}
	json_object_set_new(m, "case_name", json_string(instar_name));
	for (int i = 0; i < 2; i++) {
		const char *v = json_string_value(json_object_get(m, keys[i]));
		if (v && !strcmp(v, "vpc")) {
			char qkey[32];
			snprintf(qkey, sizeof(qkey), "qemu_%s", keys[i]);
			json_object_set_new(m, qkey, json_string("vpc"));
			json_object_set_new(m, keys[i], json_string("vhd"));
		}
	}
	*out = ddp_suitefile_dumps(m);
	json_decref(m);
	return *out ? DDP_EXIT_OK : ddp_cli_fail("%s: out of memory", path);
}

/* One case's triple from the source profile into the tree's. */
static int export_case(const char *from_dir, const char *to_dir, const char *name,
                       const char *instar_name)
{
	static const char *const suffixes[] = {".stdout.txt", ".stderr.txt", ".meta.json"};
	char from[4400], to[4400];
	ddp_error err;

	for (int i = 0; i < 3; i++) {
		char *text, *meta = NULL;
		size_t len;
		int rc;
		snprintf(from, sizeof(from), "%s/%s%s", from_dir, name, suffixes[i]);
		snprintf(to, sizeof(to), "%s/%s%s", to_dir, instar_name, suffixes[i]);
		if (ddp_read_own_file(&text, &len, from, 16 << 20, &err))
			return ddp_cli_fail("baselines export: %s: %s (run `ddparity baselines "
			                    "generate` and `profiles`)", err.source, err.message);
		if (i == 2 && (rc = export_meta(&meta, text, len, from, instar_name))) {
			free(text);
			return rc;
		}
		rc = stage_write(to, meta ? meta : text, meta ? strlen(meta) : len, &err);
		free(text);
		free(meta);
		if (rc)
			return ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
	}
	return DDP_EXIT_OK;
}

static int parse_version(const char *s, int *major, int *minor, int *patch)
{
	char tail;
	return sscanf(s, "%d.%d.%d%c", major, minor, patch, &tail) == 3;
}

/*
 * version-map.json of an exported tree: profiles (label -> its oldest
 * version), version_to_profile newest first with the unmeasured M.m.x,
 * profile_versions, unmeasured (M.m.x -> the version it borrows),
 * profile_hashes (label -> ddparity's profile name).
 */
static char *export_version_map(const export_version *v, size_t nv, const export_profile *p,
                                size_t np)
{
	json_t *map = json_object(), *profiles = json_object(), *v2p = json_object();
	json_t *members = json_object(), *unmeasured = json_object(), *hashes = json_object();
	char *text, *out = NULL;

	for (size_t i = 0; i < np; i++) {
		json_object_set_new(profiles, p[i].label, json_string(p[i].oldest));
		json_object_set_new(members, p[i].label, json_array());
		if (!strncmp(p[i].profile, "profile-", 8))
			json_object_set_new(hashes, p[i].label, json_string(p[i].profile));
	}
	for (size_t i = 0; i < nv; i++) {
		json_object_set_new(v2p, v[i].key, json_string(v[i].p->label));
		if (v[i].patch < 0)
			json_object_set_new(unmeasured, v[i].key, json_string(v[i].borrowed));
	}
	/* profile_versions oldest first, as ddparity's own map. */
	for (size_t i = nv; i-- > 0;)
		if (v[i].patch >= 0)
			json_array_append_new(json_object_get(members, v[i].p->label),
			                      json_string(v[i].key));
	json_object_set_new(map, "profiles", profiles);
	json_object_set_new(map, "version_to_profile", v2p);
	json_object_set_new(map, "profile_versions", members);
	json_object_set_new(map, "unmeasured", unmeasured);
	if (json_object_size(hashes))
		json_object_set_new(map, "profile_hashes", hashes);
	else
		json_decref(hashes);
	text = json_dumps(map, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(map);
	if (text && asprintf(&out, "%s\n", text) < 0)
		out = NULL;
	free(text);
	return out;
}

/* The versions of the map, measured and unmeasured, newest first. */
static int export_versions(export_version **out, size_t *nout, export_profile *p, size_t *np,
                           const ddp_version_map *map, const char *map_path)
{
	export_version *v = calloc(map->count + 64 * 3, sizeof(*v));
	size_t nv = 0;

	*np = 0;
	if (!v)
		return ddp_cli_fail("baselines export: out of memory");
	for (size_t i = 0; i < map->count; i++) {
		export_version *e = &v[nv];
		size_t k;
		if (!parse_version(map->entries[i].version, &e->major, &e->minor, &e->patch)) {
			free(v);
			return ddp_cli_fail("baselines export: %s: version '%s' is not X.Y.Z", map_path,
			                    map->entries[i].version);
		}
		snprintf(e->key, sizeof(e->key), "%s", map->entries[i].version);
		for (k = 0; k < *np && strcmp(p[k].profile, map->entries[i].profile); k++)
			;
		if (k == *np) {
			if (*np == EXPORT_MAX_PROFILES) {
				free(v);
				return ddp_cli_fail("baselines export: %s: more than %d profiles", map_path,
				                    EXPORT_MAX_PROFILES);
			}
			snprintf(p[k].profile, sizeof(p[k].profile), "%s", map->entries[i].profile);
			p[k].oldest[0] = '\0';
			(*np)++;
		}
		if (!p[k].oldest[0] || ddp_version_text_cmp(e->key, p[k].oldest) < 0)
			snprintf(p[k].oldest, sizeof(p[k].oldest), "%s", e->key);
		e->p = &p[k];
		nv++;
	}
	for (size_t k = 0; k < *np; k++) {
		int a, b, c;
		parse_version(p[k].oldest, &a, &b, &c);
		snprintf(p[k].label, sizeof(p[k].label), "profile-%d-%d-%d", a, b, c);
	}
	qsort(v, nv, sizeof(*v), cmp_export_version);
	/* Each release M.m (m 0..2) between the oldest and newest measured, not measured. */
	{
		size_t measured = nv;
		for (int major = v[measured - 1].major; major <= v[0].major && major - v[measured - 1].major < 64;
		     major++)
			for (int minor = 0; minor <= 2; minor++) {
				const export_version *older = NULL;
				int seen = 0;
				for (size_t i = 0; i < measured; i++) {
					if (v[i].major == major && v[i].minor == minor)
						seen = 1;
					if (!older && (v[i].major < major || (v[i].major == major && v[i].minor < minor)))
						older = &v[i]; /* newest first: the nearest older */
				}
				if (seen || !older || (major == v[0].major && minor > v[0].minor))
					continue;
				v[nv] = (export_version){"", major, minor, -1, older->p, ""};
				snprintf(v[nv].key, sizeof(v[nv].key), "%d.%d.x", major, minor);
				snprintf(v[nv].borrowed, sizeof(v[nv].borrowed), "%s", older->key);
				nv++;
			}
	}
	qsort(v, nv, sizeof(*v), cmp_export_version);
	*out = v;
	*nout = nv;
	return DDP_EXIT_OK;
}


/* ---- map: map-<type>/ as instar's tests/test_map.py reads it ---------------- */

/* Where instar would keep the fixture: the path its test passes, under its testdata root. */
static void map_fixture_path(char *buf, size_t size, const ddp_map_fixture *f)
{
	snprintf(buf, size, "$TESTDATA_ROOT/expected-outputs/ddparity-map-fixtures/%s.%s", f->name,
	         f->format);
}

/* text with $FILENAME and $BACKING as the paths instar passes (malloc'd). */
static char *map_paths(const char *text, size_t len, const ddp_map_manifest *m,
                       const ddp_map_fixture *f)
{
	char path[256], bpath[256];
	const ddp_map_fixture *b = f->backing[0] ? ddp_map_manifest_find(m, f->backing) : NULL;
	char *one, *two;

	map_fixture_path(path, sizeof(path), f);
	if (b)
		map_fixture_path(bpath, sizeof(bpath), b);
	else
		snprintf(bpath, sizeof(bpath), "$BACKING");
	if (!(one = ddp_replace_all(text, len, "$FILENAME", path)))
		return NULL;
	two = ddp_replace_all(one, strlen(one), "$BACKING", bpath);
	free(one);
	return two;
}

/* meta.json as instar reads it: return_code (ours is map_return_code), its paths. */
static int map_meta(char **out, const char *text, size_t len, const char *path,
                    const ddp_map_manifest *m, const ddp_map_fixture *f)
{
	json_error_t jerr;
	json_t *meta = json_loadb(text, len, 0, &jerr), *rc;
	char *dumped;

	if (!json_is_object(meta) || !json_is_integer(rc = json_object_get(meta, "map_return_code"))) {
		json_decref(meta);
		return ddp_cli_fail("%s: not a map baseline's meta.json (no integer map_return_code)",
		                    path);
	}
	json_object_set(meta, "return_code", rc);
	dumped = ddp_suitefile_dumps(meta);
	json_decref(meta);
	*out = dumped ? map_paths(dumped, strlen(dumped), m, f) : NULL;
	free(dumped);
	return *out ? DDP_EXIT_OK : ddp_cli_fail("%s: out of memory", path);
}

/* One version's whole-image baselines of one output type: name, stdout, stderr, meta per fixture. */
typedef struct map_version {
	char version[32];
	char **text;   /* 3 per fixture: stdout, stderr, meta (as committed) */
	size_t *len;
	int group;
} map_version;

static int map_read_version(map_version *v, const char *src, const char *type,
                            const ddp_map_manifest *m)
{
	static const char *const suffixes[] = {".stdout.txt", ".stderr.txt", ".meta.json"};
	ddp_error err;

	v->text = calloc(m->nfixtures * 3, sizeof(*v->text));
	v->len = calloc(m->nfixtures * 3, sizeof(*v->len));
	if (!v->text || !v->len)
		return ddp_cli_fail("baselines export: out of memory");
	for (size_t i = 0; i < m->nfixtures; i++)
		for (int k = 0; k < 3; k++) {
			char path[4400];
			const ddp_map_fixture *f = &m->fixtures[i];
			snprintf(path, sizeof(path), "%s/map-%s/%s/%s/%s%s", src, type, f->format, v->version,
			         f->name, suffixes[k]);
			if (ddp_read_own_file(&v->text[i * 3 + k], &v->len[i * 3 + k], path, 16 << 20, &err))
				return ddp_cli_fail("baselines export: %s: %s (run `ddparity baselines "
				                    "generate --command map`)", err.source, err.message);
		}
	return DDP_EXIT_OK;
}

static void map_version_free(map_version *v, size_t nfixtures)
{
	for (size_t i = 0; v->text && i < nfixtures * 3; i++)
		free(v->text[i]);
	free(v->text);
	free(v->len);
}

static int map_same(const map_version *a, const map_version *b, size_t nfixtures)
{
	for (size_t i = 0; i < nfixtures * 3; i++) {
		if (i % 3 == 2)
			continue; /* meta.json names the version: the other two and the exit code decide */
		if (a->len[i] != b->len[i] || memcmp(a->text[i], b->text[i], a->len[i]))
			return 0;
	}
	for (size_t i = 0; i < nfixtures; i++) {
		json_t *x = json_loadb(a->text[i * 3 + 2], a->len[i * 3 + 2], 0, NULL);
		json_t *y = json_loadb(b->text[i * 3 + 2], b->len[i * 3 + 2], 0, NULL);
		int same = json_equal(json_object_get(x, "map_return_code"),
		                      json_object_get(y, "map_return_code"));
		json_decref(x);
		json_decref(y);
		if (!same)
			return 0;
	}
	return 1;
}

/*
 * fresh/map-<type>/: version-map.json (versions folded by identical
 * whole-image baselines over every fixture), profiles/<label>/<id>.{stdout.txt,
 * stderr.txt,meta.json}, and <format>/<version>/<id>.meta.json, where instar
 * reads the exit code.  Windows are left out: instar has no reader for them.
 */
static int export_map_type(const char *fresh, const char *src, const char *type,
                           const ddp_map_manifest *m, size_t *nprof)
{
	char path[4400], tree[4400];
	ddp_version_map vm = {0};
	map_version *v = NULL;
	export_profile profiles[EXPORT_MAX_PROFILES];
	export_version *versions = NULL;
	size_t nversions = 0, ngroups = 0;
	ddp_error err;
	int rc = DDP_EXIT_OK;

	*nprof = 0;
	/* The versions: those of the first fixture's root (every root has them all). */
	snprintf(path, sizeof(path), "%s/map-%s/%s/version-map.json", src, type, m->fixtures[0].format);
	if (ddp_version_map_load(&vm, path, &err))
		return ddp_cli_fail_error(path, &err);
	if (!(v = calloc(vm.count, sizeof(*v)))) {
		ddp_version_map_free(&vm);
		return ddp_cli_fail("baselines export: out of memory");
	}
	for (size_t i = 0; i < vm.count && !rc; i++) {
		snprintf(v[i].version, sizeof(v[i].version), "%s", vm.entries[i].version);
		rc = map_read_version(&v[i], src, type, m);
	}
	/* Fold: a version joins the first earlier one whose baselines are the same. */
	for (size_t i = 0; i < vm.count && !rc; i++) {
		size_t k;
		for (k = 0; k < i && !map_same(&v[k], &v[i], m->nfixtures); k++)
			;
		v[i].group = k < i ? v[k].group : (int)ngroups++;
		snprintf(vm.entries[i].profile, sizeof(vm.entries[i].profile), "group-%d", v[i].group);
	}
	if (!rc)
		rc = export_versions(&versions, &nversions, profiles, nprof, &vm, path);
	snprintf(tree, sizeof(tree), "%s/map-%s", fresh, type);
	if (!rc && mkdir(tree, 0755))
		rc = ddp_cli_fail("baselines export: %s: %s", tree, strerror(errno));
	snprintf(path, sizeof(path), "%s/profiles", tree);
	if (!rc && mkdir(path, 0755))
		rc = ddp_cli_fail("baselines export: %s: %s", path, strerror(errno));
	for (size_t i = 0; i < vm.count && !rc; i++) {
		const export_profile *p = NULL;
		int first = 1;
		for (size_t q = 0; q < *nprof; q++)
			if (!strcmp(profiles[q].profile, vm.entries[i].profile))
				p = &profiles[q];
		for (size_t k = 0; k < i; k++)
			first &= v[k].group != v[i].group;
		if (first) {
			snprintf(path, sizeof(path), "%s/profiles/%s", tree, p->label);
			if (mkdir(path, 0755))
				rc = ddp_cli_fail("baselines export: %s: %s", path, strerror(errno));
		}
		for (size_t f = 0; f < m->nfixtures && !rc; f++) {
			const ddp_map_fixture *fx = &m->fixtures[f];
			static const char *const suffixes[] = {".stdout.txt", ".stderr.txt", ".meta.json"};
			char *text[3] = {NULL, NULL, NULL}, dir[4400];
			rc = map_meta(&text[2], v[i].text[f * 3 + 2], v[i].len[f * 3 + 2], fx->name, m, fx);
			/* meta.json where instar reads the exit code: <format>/<version>/. */
			snprintf(dir, sizeof(dir), "%s/%s", tree, fx->format);
			if (!rc && mkdir(dir, 0755) && errno != EEXIST)
				rc = ddp_cli_fail("baselines export: %s: %s", dir, strerror(errno));
			snprintf(dir, sizeof(dir), "%s/%s/%s", tree, fx->format, v[i].version);
			if (!rc && mkdir(dir, 0755) && errno != EEXIST)
				rc = ddp_cli_fail("baselines export: %s: %s", dir, strerror(errno));
			snprintf(path, sizeof(path), "%s/%s.meta.json", dir, fx->name);
			if (!rc && stage_write(path, text[2], strlen(text[2]), &err))
				rc = ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
			/* The profile's copy, from its oldest version (the first of its group). */
			for (int k = 0; k < 2 && !rc && first; k++)
				if (!(text[k] = map_paths(v[i].text[f * 3 + k], v[i].len[f * 3 + k], m, fx)))
					rc = ddp_cli_fail("baselines export: out of memory");
			for (int k = 0; k < 3 && !rc && first; k++) {
				snprintf(path, sizeof(path), "%s/profiles/%s/%s%s", tree, p->label, fx->name,
				         suffixes[k]);
				if (stage_write(path, text[k], strlen(text[k]), &err))
					rc = ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
			}
			for (int k = 0; k < 3; k++)
				free(text[k]);
		}
	}
	if (!rc) {
		char *text = export_version_map(versions, nversions, profiles, *nprof);
		snprintf(path, sizeof(path), "%s/version-map.json", tree);
		if (!text)
			rc = ddp_cli_fail("baselines export: %s: out of memory", path);
		else if (stage_write(path, text, strlen(text), &err))
			rc = ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
		free(text);
	}
	for (size_t i = 0; i < vm.count; i++)
		map_version_free(&v[i], m->nfixtures);
	free(v);
	free(versions);
	ddp_version_map_free(&vm);
	return rc;
}

typedef struct export_tree {
	const char *name;        /* dd-info-json, ddparity-dd-info-json */
	int curated;             /* holds instar's list (else the other cases) */
	size_t count;
} export_tree;

/* An export's state, from its options to the trees swapped in. */
typedef struct export_run {
	const char *outdir, *json;
	char cases_path[4200], root[4200], instar_path[4200], manifest_path[4200], map_root[4200];
	char stage[4400], fresh[4400], old[4400];
	int staged;
	ddp_ddcases cases;
	ddp_map_manifest mm;
	ddp_version_map map;
	export_profile profiles[EXPORT_MAX_PROFILES];
	export_version *versions;
	size_t nprofiles, nversions, nnames, map_profiles[2];
	char **names, (*iname)[DDP_DDCASE_NAME_MAX];
	int *curated;
	export_tree trees[2];
} export_run;

/* The trees swapped in under OUTDIR: the two dd trees, then map-human and map-json. */
static const char *const swapped[] = {"dd-info-json", "ddparity-dd-info-json", "map-human",
                                      "map-json"};

/* Reads the options and the files they name: DDP_EXIT_OK, -1 after --help, or the status (said). */
static int export_read(export_run *x, int argc, char **argv)
{
	const char *cases_arg = NULL, *baselines_arg = NULL, *instar_arg = NULL, *layout = NULL;
	const char *manifest_arg = NULL, *map_arg = NULL;
	static char name[] = "baselines export";
	const ddp_opt opts[] = {
		{"layout", DDP_OPT_STRING, &layout},
		{"cases", DDP_OPT_STRING, &cases_arg},
		{"baselines", DDP_OPT_STRING, &baselines_arg},
		{"instar-cases", DDP_OPT_STRING, &instar_arg},
		{"manifest", DDP_OPT_STRING, &manifest_arg},
		{"map-baselines", DDP_OPT_STRING, &map_arg},
		{"json", DDP_OPT_STRING, &x->json},
	};
	char path[4400];
	ddp_error err;
	int first, rc;

	argv[0] = name;
	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 1, 0)))
		return rc;
	x->outdir = first < argc ? argv[first] : NULL;
	if (!layout || strcmp(layout, "instar"))
		return ddp_cli_fail("baselines export: --layout instar is the one layout (see --help)");
	if (!x->outdir || !*x->outdir)
		return ddp_cli_fail("baselines export: OUTDIR? (see --help)");
	if ((rc = ddp_cli_json_begin(x->json, name)))
		return rc;
	ddp_bl_path(x->cases_path, sizeof(x->cases_path), cases_arg ? cases_arg : "expected-outputs/dd-cases");
	ddp_bl_path(x->instar_path, sizeof(x->instar_path),
	            instar_arg ? instar_arg : "expected-outputs/instar-dd-cases");
	if (baselines_arg)
		snprintf(x->root, sizeof(x->root), "%s", baselines_arg);
	else
		ddp_bl_path(x->root, sizeof(x->root), "expected-outputs/dd-info-json");
	ddp_bl_path(x->manifest_path, sizeof(x->manifest_path),
	            manifest_arg ? manifest_arg : "expected-outputs/map-fixtures");
	ddp_bl_path(x->map_root, sizeof(x->map_root), map_arg ? map_arg : "expected-outputs");
	if (ddp_ddcases_load(&x->cases, x->cases_path, &err))
		return ddp_cli_fail_error(x->cases_path, &err);
	if (ddp_map_manifest_load(&x->mm, x->manifest_path, &err))
		return ddp_cli_fail_error(x->manifest_path, &err);
	if (!x->mm.nfixtures)
		return ddp_cli_fail("%s: no fixture", x->manifest_path);
	if ((rc = load_names(&x->names, &x->nnames, x->instar_path)))
		return rc;
	snprintf(path, sizeof(path), "%s/version-map.json", x->root);
	if (ddp_version_map_load(&x->map, path, &err))
		return ddp_cli_fail_error(path, &err);
	return export_versions(&x->versions, &x->nversions, x->profiles, &x->nprofiles, &x->map, path);
}

/* Which case goes where, by instar's name; each listed name must be one case. */
static int export_names(export_run *x)
{
	const ddp_ddcases *cases = &x->cases;

	x->iname = calloc(cases->count ? cases->count : 1, sizeof(*x->iname));
	x->curated = calloc(cases->count ? cases->count : 1, sizeof(*x->curated));
	if (!x->iname || !x->curated)
		return ddp_cli_fail("baselines export: out of memory");
	for (size_t i = 0; i < cases->count; i++) {
		ddp_ddcase_instar_name(x->iname[i], sizeof(x->iname[i]), &cases->items[i]);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(x->iname[k], x->iname[i]))
				return ddp_cli_fail("%s:%d: %s is %s in instar's spelling, as line %d's %s",
				                    x->cases_path, cases->items[i].line, cases->items[i].name,
				                    x->iname[i], cases->items[k].line, cases->items[k].name);
	}
	for (size_t n = 0; n < x->nnames; n++) {
		size_t i;
		for (i = 0; i < cases->count && strcmp(x->iname[i], x->names[n]); i++)
			;
		if (i == cases->count)
			return ddp_cli_fail("%s: %s: no case of %s has this name in instar's spelling (a "
			                    "final -vpc as -vhd)", x->instar_path, x->names[n], x->cases_path);
		x->curated[i] = 1;
	}
	return DDP_EXIT_OK;
}

/* OUTDIR made (a directory of the user's, no link) and the stage in it. */
static int export_stage(export_run *x)
{
	char path[4400];
	ddp_error err;

	if (mkdir(x->outdir, 0755) && errno != EEXIST)
		return ddp_cli_fail("baselines export: %s: %s", x->outdir, strerror(errno));
	if (ddp_own_dir(x->outdir, 0, &err))
		return ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
	ddp_workdir_sweep(x->outdir); /* what an export that was killed left */
	for (size_t t = 0; t < sizeof(swapped) / sizeof(*swapped); t++) {
		snprintf(path, sizeof(path), "%s/%s", x->outdir, swapped[t]);
		if (ddp_own_dir(path, 0, &err))
			return ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
	}
	snprintf(path, sizeof(path), "%s/.tmp-export-", x->outdir);
	if (ddp_stage_make(x->stage, sizeof(x->stage), path, x->fresh, x->old, sizeof(x->fresh), &err))
		return ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
	x->staged = 1;
	return DDP_EXIT_OK;
}

/* dd tree t (instar's cases, or the others) in the stage: every profile's copies, the version map. */
static int export_dd_tree(export_run *x, export_tree *t)
{
	char tree[4500], dir[4700], from[4400];
	char *vm;
	ddp_error err;
	int rc = DDP_EXIT_OK;

	snprintf(tree, sizeof(tree), "%s/%s", x->fresh, t->name);
	snprintf(dir, sizeof(dir), "%s/profiles", tree);
	if (mkdir(tree, 0755) || mkdir(dir, 0755))
		return ddp_cli_fail("baselines export: %s: %s", dir, strerror(errno));
	for (size_t k = 0; k < x->nprofiles; k++) {
		snprintf(dir, sizeof(dir), "%s/profiles/%s", tree, x->profiles[k].label);
		snprintf(from, sizeof(from), "%s/profiles/%s", x->root, x->profiles[k].profile);
		if (mkdir(dir, 0755))
			return ddp_cli_fail("baselines export: %s: %s", dir, strerror(errno));
		if (ddp_own_dir(from, 0, &err))
			return ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
		t->count = 0;
		for (size_t i = 0; i < x->cases.count && !rc; i++)
			if (x->curated[i] == t->curated) {
				rc = export_case(from, dir, x->cases.items[i].name, x->iname[i]);
				t->count++;
			}
		if (rc)
			return rc;
	}
	snprintf(dir, sizeof(dir), "%s/version-map.json", tree);
	if (!(vm = export_version_map(x->versions, x->nversions, x->profiles, x->nprofiles)))
		return ddp_cli_fail("baselines export: %s: out of memory", dir);
	if (stage_write(dir, vm, strlen(vm), &err))
		rc = ddp_cli_fail("baselines export: %s: %s", err.source, err.message);
	free(vm);
	return rc;
}

/* Each tree swapped in in one step (a kill leaves its old or its new whole), said and in list. */
static int export_swap(export_run *x, json_t *list)
{
	char tree[4500], was[4500], path[4400];
	int fd = open(x->fresh, O_RDONLY | O_DIRECTORY);

	if (fd < 0 || syncfs(fd)) {
		if (fd >= 0)
			close(fd);
		return ddp_cli_fail("baselines export: %s: cannot sync: %s", x->fresh, strerror(errno));
	}
	close(fd);
	for (size_t t = 0; t < sizeof(swapped) / sizeof(*swapped); t++) {
		int dd = t < 2;
		size_t n = dd ? x->trees[t].count : x->mm.nfixtures;
		size_t np = dd ? x->nprofiles : x->map_profiles[t - 2];
		snprintf(tree, sizeof(tree), "%s/%s", x->fresh, swapped[t]);
		snprintf(was, sizeof(was), "%s-%s", x->old, swapped[t]);
		snprintf(path, sizeof(path), "%s/%s", x->outdir, swapped[t]);
		if (ddp_dir_replace(tree, path, was))
			return ddp_cli_fail("baselines export: %s: cannot put in place: %s", path,
			                    strerror(errno));
		printf("baselines export: %s: %zu %s%s x %zu profile%s\n", path, n, dd ? "case" : "fixture",
		       n == 1 ? "" : "s", np, np == 1 ? "" : "s");
		json_array_append_new(list, json_pack("{s:s, s:I, s:I}", "dir", path,
		                      dd ? "cases" : "fixtures", (json_int_t)n, "profiles", (json_int_t)np));
	}
	return DDP_EXIT_OK;
}

static void export_free(export_run *x)
{
	if (x->staged)
		ddp_remove_tree(x->stage);
	for (size_t n = 0; n < x->nnames; n++)
		free(x->names[n]);
	free(x->names);
	free(x->iname);
	free(x->curated);
	free(x->versions);
	ddp_version_map_free(&x->map);
	ddp_ddcases_free(&x->cases);
	ddp_map_manifest_free(&x->mm);
}

int ddp_bl_export(int argc, char **argv)
{
	static const char *const map_types[2] = {"human", "json"};
	export_run *x = calloc(1, sizeof(*x));
	json_t *doc, *list = json_array();
	int rc;

	if (!x)
		return ddp_cli_fail("baselines export: out of memory");
	x->trees[0] = (export_tree){"dd-info-json", 1, 0};
	x->trees[1] = (export_tree){"ddparity-dd-info-json", 0, 0};
	if ((rc = export_read(x, argc, argv)) < 0) {
		export_free(x);
		free(x);
		json_decref(list);
		return DDP_EXIT_OK;
	}
	doc = ddp_cli_json_doc("baselines");
	json_object_update_new(doc, json_pack("{s:s, s:s, s:o, s:s, s:o}", "subcommand", "export",
	                       "layout", "instar", "outdir", ddp_cli_json_str(x->outdir),
	                       "baselines", x->root, "trees", list));
	/* Stage both dd trees and the map trees under OUTDIR, then swap each in whole. */
	if (!rc && !(rc = export_names(x)) && !(rc = export_stage(x))) {
		for (size_t t = 0; t < 2 && !rc; t++)
			rc = export_dd_tree(x, &x->trees[t]);
		for (size_t t = 0; t < 2 && !rc; t++)
			rc = export_map_type(x->fresh, x->map_root, map_types[t], &x->mm, &x->map_profiles[t]);
		if (!rc)
			rc = export_swap(x, list);
	}
	export_free(x);
	rc = ddp_cli_json_write(x->json, doc, "baselines export", rc);
	free(x);
	return rc;
}
