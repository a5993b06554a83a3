/*
 * mappromote.c: `ddparity promote` of a map finding (map.h): whether a
 * window may join its manifest, a minimal case as a window, and the
 * workflow (window, manifest, baselines, profiles, the line last).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "map/map.h"

int ddp_promote_check_window(const ddp_map_manifest *m, const ddp_map_window *w, const char *path,
                             ddp_error *err)
{
	for (size_t i = 0; i < m->nwindows; i++) {
		const ddp_map_window *o = &m->windows[i];
		if (!strcmp(o->name, w->name))
			return ddp_error_set(err, DDP_EINVAL, path, o->line, 0, "%s already has a window "
			                     "named %s (line %d); give another with --name", path, o->name,
			                     o->line);
		if (o->at == DDP_MAP_AT_ZERO && o->delta == w->delta && o->length == w->length)
			return ddp_error_set(err, DDP_EINVAL, path, o->line, 0, "%s line %d, window %s, is "
			                     "the same window", path, o->line, o->name);
	}
	return DDP_OK;
}

static int64_t plain_decimal(const char *t)
{
	int64_t v = 0;
	if (!*t)
		return -1;
	for (; *t; t++) {
		if (*t < '0' || *t > '9' || v > (INT64_MAX - (*t - '0')) / 10)
			return -1;
		v = v * 10 + (*t - '0');
	}
	return v;
}

/* Names the window of mm (from name, else its numbers), and the case through it. */
static int window_names(ddp_map_case_window *mm, const char *name, ddp_error *err)
{
	if (name)
		snprintf(mm->w.name, sizeof(mm->w.name), "%s", name);
	else if (mm->w.length < 0)
		snprintf(mm->w.name, sizeof(mm->w.name), "s%" PRId64, mm->w.delta);
	else
		snprintf(mm->w.name, sizeof(mm->w.name), "s%" PRId64 "-l%" PRId64, mm->w.delta,
		         mm->w.length);
	if (name && strcmp(mm->w.name, name))
		return ddp_error_set(err, DDP_EINVAL, "--name", 0, 0, "minimise: --name '%.100s' is "
		                     "longer than %zu characters", name, sizeof(mm->w.name) - 1);
	ddp_map_window_line(mm->line, sizeof(mm->line), &mm->w);
	snprintf(mm->name, sizeof(mm->name), "map-%s/%s@%s", mm->json ? "json" : "human",
	         mm->fixture, mm->w.name);
	return DDP_OK;
}

int ddp_map_window_of(ddp_map_case_window *mm, const ddp_case *c, const char *name,
                      ddp_error *err)
{
	int64_t start = 0, length = -1;
	int windowed = 0;

	memset(mm, 0, sizeof(*mm));
	snprintf(mm->fixture, sizeof(mm->fixture), "%s", c->fixture);
	for (int i = 0; i < c->argc; i++) {
		const char *o = c->argv[i], *v = i + 1 < c->argc ? c->argv[i + 1] : "";
		if (!strcmp(o, "--output=json")) {
			mm->json = 1;
			continue;
		}
		if (strcmp(o, "--start-offset") && strcmp(o, "--max-length"))
			return ddp_error_set(err, DDP_EINVAL, "case", 0, 0, "minimise: the minimal case's "
			                     "option '%.100s' is none a manifest window gives", o);
		i++;
		windowed = 1;
		if (plain_decimal(v) < 0)
			return ddp_error_set(err, DDP_EINVAL, "case", 0, 0, "minimise: the minimal case's "
			                     "%s '%.100s' is not a plain number: no manifest window gives it",
			                     o, v);
		*(strcmp(o, "--start-offset") ? &length : &start) = plain_decimal(v);
	}
	if (!windowed)
		return ddp_error_set(err, DDP_EINVAL, "case", 0, 0, "minimise: the minimal case reads the "
		                     "whole image: it is map-%s/%s, a case the manifest has already",
		                     mm->json ? "json" : "human", mm->fixture);
	mm->w.at = DDP_MAP_AT_ZERO;
	mm->w.delta = start;
	mm->w.length = length;
	return window_names(mm, name, err);
}

/*
 * The manifest with d->cw's window, checked and read back by the strict
 * parser, into *whole (malloc'd; the manifest itself is not written).
 */
static int promote_manifest(char **whole, ddp_promote_map_done *d, const ddp_promote_map_opts *o,
                            ddp_error *err)
{
	ddp_map_manifest m = {0}, check = {0};
	char *text = NULL;
	size_t len;
	ddp_error why;
	int rc = DDP_ERROR;

	ddp_write_atomic_sweep(o->manifest_path);
	if (ddp_read_file(&text, &len, o->manifest_path, 1 << 20, err) ||
	    ddp_map_manifest_parse(&m, text, len, o->manifest_path, err))
		ddp_error_in_file(err, o->manifest_path);
	else if (ddp_promote_check_window(&m, &d->cw.w, o->manifest_path, &why))
		ddp_error_set(err, why.code, why.source, why.line, 0, "promote: %s", why.message);
	else if (!(*whole = ddp_promote_joined(text, len, d->cw.line)))
		ddp_error_set(err, DDP_ENOMEM, o->manifest_path, 0, 0, "promote: out of memory");
	else if (ddp_map_manifest_parse(&check, *whole, strlen(*whole), o->manifest_path, err))
		ddp_error_in_file(err, o->manifest_path);
	else
		rc = DDP_OK;
	ddp_map_manifest_free(&m);
	ddp_map_manifest_free(&check);
	free(text);
	return rc;
}

/*
 * The qemu-imgs: those given, or every materialised one (all_versions:
 * or an error); by default every materialised one when the list works,
 * else (said on log) qemu-img on PATH.
 */
static int promote_map_references(ddp_bl_ref **refs, size_t *nrefs,
                                  const ddp_promote_map_opts *o, ddp_error *err)
{
	ddp_error why;

	if (o->ngiven || o->all_versions)
		return ddp_bl_references(refs, nrefs, o->given, o->ngiven, o->ngiven ? 0 : 1,
		                         "baselines generate", err);
	if (!ddp_bl_references(refs, nrefs, NULL, 0, 1, "promote", &why))
		return DDP_OK;
	if (o->log)
		fprintf(o->log, "%s\n", why.message);
	return ddp_bl_references(refs, nrefs, NULL, 0, 0, "baselines generate", err);
}

/* Every reference's baselines of the fixtures through the new window (tmp_manifest), then the profiles. */
static int promote_map_baselines(ddp_promote_map_done *d, const ddp_promote_map_opts *o,
                                 const char *tmp_manifest, ddp_error *err)
{
	ddp_map_manifest m = {0};
	ddp_map_bl_done made;
	ddp_bl_ref *refs = NULL;
	size_t nrefs = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char workdir[4200];
	int rc, own = 0;

	d->step = DDP_PROMOTE_MAP_REFERENCES;
	if ((rc = promote_map_references(&refs, &nrefs, o, err)) ||
	    (rc = ddp_bl_workdir(workdir, sizeof(workdir), NULL, &own, err)))
		goto out;
	if (ddp_map_manifest_load(&m, tmp_manifest, err)) {
		rc = ddp_error_in_file(err, tmp_manifest);
		goto out;
	}
	/* The copy's images are where the manifest's own relative paths say. */
	ddp_map_images_dir(m.images_dir, sizeof(m.images_dir), o->manifest_path);
	d->step = DDP_PROMOTE_MAP_BASELINES;
	{
		ddp_map_bl_opts mo = {refs, nrefs, NULL, 0, d->cw.w.name, "qemu-img", tmp_manifest,
		                      workdir, o->root, o->jobs ? o->jobs : ncpu > 0 ? (int)ncpu : 1,
		                      o->out, o->log};
		rc = ddp_map_baselines_make(&made, &m, &mo, err);
		ddp_map_bl_done_free(&made);
	}
	if (!rc) {
		d->step = DDP_PROMOTE_MAP_PROFILES;
		rc = ddp_map_baselines_profiles(o->root, o->out, NULL, NULL, err);
	}
out:
	if (own)
		ddp_private_dir_remove(workdir);
	ddp_map_manifest_free(&m);
	free(refs);
	return rc ? DDP_ERROR : DDP_OK;
}

int ddp_promote_map(ddp_promote_map_done *d, const ddp_promote_map_opts *o, const char *finding,
                    ddp_error *err)
{
	char workdir[4200], tmp_manifest[4300], wln[260], *whole = NULL;
	ddp_case c;
	int rc, own = 0;

	memset(d, 0, sizeof(*d));
	memset(&c, 0, sizeof(c));
	d->step = DDP_PROMOTE_MAP_MINIMISE;
	if ((d->minimise_rc = o->minimise(&c, o->ctx, finding))) {
		ddp_case_free(&c); /* what a failing minimiser left */
		return ddp_error_set(err, DDP_ERROR, finding, 0, 0, "promote: %.100s: not minimised",
		                     finding);
	}
	d->step = DDP_PROMOTE_MAP_WINDOW;
	rc = ddp_map_window_of(&d->cw, &c, o->name, err);
	ddp_case_free(&c);
	if (rc)
		return rc;
	d->step = DDP_PROMOTE_MAP_MANIFEST;
	if ((rc = promote_manifest(&whole, d, o, err)) ||
	    (rc = ddp_bl_workdir(workdir, sizeof(workdir), o->workdir, &own, err)))
		goto out;
	snprintf(tmp_manifest, sizeof(tmp_manifest), "%s/map-fixtures", workdir);
	if ((rc = ddp_write_atomic(tmp_manifest, whole, strlen(whole), err))) {
		ddp_error_prefix(err, "promote: ");
		goto out;
	}
	if ((rc = promote_map_baselines(d, o, tmp_manifest, err)))
		goto out;
	d->step = DDP_PROMOTE_MAP_APPEND;
	snprintf(wln, sizeof(wln), "%s\n", d->cw.line);
	if ((rc = ddp_promote_append(o->manifest_path, wln, 16 << 20, err))) {
		ddp_error_prefix(err, "promote: ");
		goto out;
	}
	if (o->out)
		fprintf(o->out, "promote: appended to %s: %s\npromote: the finding's case: %s\n",
		        o->manifest_path, d->cw.line, d->cw.name);
	d->step = DDP_PROMOTE_MAP_DONE;
out:
	if (own)
		ddp_private_dir_remove(workdir);
	free(whole);
	return rc ? DDP_ERROR : DDP_OK;
}
