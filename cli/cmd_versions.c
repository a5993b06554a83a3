/*
 * cmd_versions.c: `ddparity versions`, every qemu-img the Debian mirror
 * ships as ci/qemu-versions found and materialised it, with the profile the
 * model uses for each and whether that very version was measured.  Reads
 * the cache's files only; runs nothing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baselines_cli.h"
#include "cli.h"

static const char usage[] =
	"usage: ddparity versions [--cache DIR] [--pairs | --measured]\n"
	"\n"
	"Lists every Debian suite ci/qemu-versions found carrying qemu-utils (its\n"
	"`discover`) and the qemu-img it materialised for it: the upstream\n"
	"version, the suite, the package version, the profile the model uses for\n"
	"that version, and whether that version was measured itself (its\n"
	"baselines committed).  An unmeasured version is modelled by its profile\n"
	"and checked by ci/drift-watch against its nearest measured neighbour,\n"
	"named here.  Reads the cache's files; runs nothing.\n"
	"\n"
	"  --cache DIR  ci/qemu-versions' cache (default $QEMU_VERSIONS_CACHE, else\n"
	"               build/qemu-versions of the source tree)\n"
	"  --pairs      instead: one line per unmeasured materialised version,\n"
	"               \"VERSION WRAPPER NEIGHBOUR NEIGHBOUR_WRAPPER\" (the\n"
	"               neighbour's wrapper '-' when it is not materialised)\n"
	"  --measured   instead: the versions the model was measured on, one a\n"
	"               line (their baselines are committed)\n"
	"\n"
	"Exit status: 0 listed, 2 error (no cache, a file of it malformed).\n"
	"\n"
	"Example:\n"
	"  ci/qemu-versions fetch && ddparity versions\n";

#define MAX_ROWS 64

typedef struct row {
	char suite[64];
	char package[96];
	char version[32];    /* upstream, "" when not materialised */
	char dir[PATH_MAX];  /* the version dir, "" when none */
	char note[160];
} row;

/* A name ci/qemu-versions could have written: letters, digits, . + ~ : - _ */
static int plain_name(const char *s)
{
	if (!*s || *s == '-' || *s == '.')
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+~:-_", *s))
			return 0;
	return 1;
}

/* KEY's value in DIR/info ("" when absent). */
static void info_get(char *out, size_t size, const char *dir, const char *key)
{
	char path[PATH_MAX + 8], *text = NULL, *line, *save = NULL;
	size_t len, klen = strlen(key);
	ddp_error err;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/info", dir);
	if (ddp_read_file(&text, &len, path, 1 << 16, &err))
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, key, klen) && line[klen] == '=') {
			snprintf(out, size, "%s", line + klen + 1);
			break;
		}
	free(text);
}

static row *find_row(row *rows, size_t *n, const char *suite)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(rows[i].suite, suite))
			return &rows[i];
	if (*n == MAX_ROWS)
		return NULL;
	memset(&rows[*n], 0, sizeof(*rows));
	snprintf(rows[*n].suite, sizeof(rows->suite), "%s", suite);
	return &rows[(*n)++];
}

/* <cache>/suites: "SUITE PACKAGE-VERSION" lines, as discover wrote them. */
static int load_suites(row *rows, size_t *n, const char *cache)
{
	char path[PATH_MAX + 8], *text = NULL, *line, *save = NULL;
	size_t len;
	int lineno = 0, rc;
	ddp_error err;

	snprintf(path, sizeof(path), "%s/suites", cache);
	if (access(path, F_OK))
		return DDP_EXIT_OK; /* discover never ran: the links alone */
	if (ddp_read_file(&text, &len, path, 1 << 20, &err))
		return ddp_cli_fail("versions: %s: %s", err.source, err.message);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char suite[64], package[96], extra;
		row *r;
		lineno++;
		if (sscanf(line, "%63s %95s %c", suite, package, &extra) != 2 || !plain_name(suite) ||
		    !plain_name(package)) {
			/* Said before the text (line points into it) is freed. */
			rc = ddp_cli_fail("versions: %s:%d: not \"SUITE PACKAGE-VERSION\": '%.80s'",
			                  path, lineno, line);
			free(text);
			return rc;
		}
		if (!(r = find_row(rows, n, suite))) {
			free(text);
			return ddp_cli_fail("versions: %s: more than %d suites", path, MAX_ROWS);
		}
		snprintf(r->package, sizeof(r->package), "%s", package);
		snprintf(r->note, sizeof(r->note), "not materialised (ci/qemu-versions fetch)");
	}
	free(text);
	return DDP_EXIT_OK;
}

/* <cache>/by-suite/SUITE -> ../VERSION: what was materialised for each suite. */
static int load_links(row *rows, size_t *n, const char *cache)
{
	char path[PATH_MAX + 16];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/by-suite", cache);
	if (!(d = opendir(path)))
		return errno == ENOENT ? DDP_EXIT_OK
		                       : ddp_cli_fail("versions: %s: %s", path, strerror(errno));
	while ((e = readdir(d))) {
		char link[PATH_MAX + 300], target[PATH_MAX];
		ssize_t l;
		row *r;
		if (e->d_name[0] == '.' || !plain_name(e->d_name))
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		if ((l = readlink(link, target, sizeof(target) - 1)) < 0)
			continue;
		target[l] = '\0';
		/* "../VERSION", nothing else: a link leading out of the cache is not read */
		if (strncmp(target, "../", 3) || !plain_name(target + 3)) {
			closedir(d);
			return ddp_cli_fail("versions: %s: leads to '%s', not ../VERSION", link, target);
		}
		if (!(r = find_row(rows, n, e->d_name))) {
			closedir(d);
			return ddp_cli_fail("versions: %s: more than %d suites", path, MAX_ROWS);
		}
		snprintf(r->dir, sizeof(r->dir), "%s/%s", cache, target + 3);
		info_get(r->version, sizeof(r->version), r->dir, "qemu_version");
		info_get(r->package, sizeof(r->package), r->dir, "debian_version");
		r->note[0] = '\0';
	}
	closedir(d);
	return DDP_EXIT_OK;
}

/* <cache>/same/SUITE: "PACKAGE VERSION from SUITE (PACKAGE)": a build of an upstream version kept once. */
static void load_same(row *rows, size_t n, const char *cache)
{
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX + 80], *text = NULL, from[64] = "", package[96], version[32];
		size_t len;
		ddp_error err;
		if (rows[i].dir[0])
			continue;
		snprintf(path, sizeof(path), "%s/same/%s", cache, rows[i].suite);
		if (ddp_read_file(&text, &len, path, 1 << 12, &err))
			continue;
		if (sscanf(text, "%95s %31s from %63s", package, version, from) == 3 &&
		    plain_name(version) && plain_name(from) && !strcmp(package, rows[i].package)) {
			snprintf(rows[i].version, sizeof(rows[i].version), "%s", version);
			snprintf(rows[i].note, sizeof(rows[i].note), "the same upstream as %s's, kept once",
			         from);
		}
		free(text);
	}
}

static int row_cmp(const void *a, const void *b)
{
	const row *x = a, *y = b;
	int c;

	if (!x->version[0] != !y->version[0])
		return x->version[0] ? -1 : 1;
	if ((c = ddp_version_text_cmp(x->version, y->version)))
		return c;
	/* the suite the version dir came from before the others */
	if ((c = (x->note[0] != '\0') - (y->note[0] != '\0')))
		return c;
	return strcmp(x->suite, y->suite);
}

/* The materialised dir of version text v, or NULL. */
static const char *dir_of(const row *rows, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].dir[0] && !strcmp(rows[i].version, v))
			return rows[i].dir;
	return NULL;
}

static int print_rows(const row *rows, size_t n, int pairs)
{
	if (!pairs)
		printf("%-9s %-19s %-31s %-8s %s\n", "version", "suite", "package", "profile",
		       "measured");
	for (size_t i = 0; i < n; i++) {
		const row *r = &rows[i];
		ddp_version v, nb;
		ddp_error err;
		char nbt[32], measured[200];
		int known = r->version[0] && !ddp_version_parse(&v, r->version, &err);

		if (!known) {
			if (!pairs)
				printf("%-9s %-19s %-31s %-8s %s\n", "?", r->suite, r->package, "-", r->note);
			continue;
		}
		nb = ddp_version_neighbour(v);
		ddp_version_text(nbt, sizeof(nbt), nb);
		if (pairs) {
			const char *nd = dir_of(rows, n, nbt);
			if (r->dir[0] && !ddp_version_measured(v) && dir_of(rows, n, r->version) == r->dir)
				printf("%s %s/qemu-img %s %s%s\n", r->version, r->dir, nbt, nd ? nd : "-",
				       nd ? "/qemu-img" : "");
			continue;
		}
		if (ddp_version_measured(v))
			snprintf(measured, sizeof(measured), "yes");
		else
			snprintf(measured, sizeof(measured), "no (UNMEASURED: ci/drift-watch against %s)",
			         nbt);
		printf("%-9s %-19s %-31s %-8s %s%s%s\n", r->version, r->suite, r->package,
		       ddp_profile_name(ddp_profile_for(v, NULL)), measured, r->note[0] ? "; " : "",
		       r->note);
	}
	return fflush(stdout) ? DDP_EXIT_USAGE : DDP_EXIT_OK;
}

int ddp_cmd_versions(int argc, char **argv)
{
	const char *cache_opt = NULL, *env = getenv("QEMU_VERSIONS_CACHE");
	char cache[PATH_MAX], given[PATH_MAX];
	row *rows;
	size_t n = 0;
	int first, rc, pairs = 0, measured = 0;
	const ddp_opt opts[] = {
		{"cache", DDP_OPT_STRING, &cache_opt},
		{"pairs", DDP_OPT_FLAG, &pairs},
		{"measured", DDP_OPT_FLAG, &measured},
	};

	if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)))
		return rc < 0 ? DDP_EXIT_OK : rc;
	if (measured && pairs)
		return ddp_cli_fail("versions: --pairs or --measured, not both");
	if (measured) {
		size_t nm;
		const ddp_version *m = ddp_measured_versions(&nm);
		for (size_t i = 0; i < nm; i++)
			printf("%d.%d.%d\n", m[i].major, m[i].minor, m[i].micro);
		return fflush(stdout) ? DDP_EXIT_USAGE : DDP_EXIT_OK;
	}
	if (cache_opt)
		snprintf(given, sizeof(given), "%s", cache_opt);
	else if (env && *env)
		snprintf(given, sizeof(given), "%s", env);
	else
		ddp_bl_path(given, sizeof(given), "build/qemu-versions");
	if (!realpath(given, cache))
		return ddp_cli_fail("versions: cache %s: %s (run ci/qemu-versions fetch)", given,
		                    strerror(errno));
	if (!(rows = calloc(MAX_ROWS, sizeof(*rows))))
		return ddp_cli_fail("versions: out of memory");
	if (!(rc = load_suites(rows, &n, cache)) && !(rc = load_links(rows, &n, cache))) {
		load_same(rows, n, cache);
		qsort(rows, n, sizeof(*rows), row_cmp);
		if (!n && !pairs)
			printf("no qemu-img version in %s (run ci/qemu-versions fetch)\n", cache);
		else
			rc = print_rows(rows, n, pairs);
	}
	free(rows);
	return rc;
}
