/*
 * maprun.c: one map case run by a tool, its paths normalised, compared
 * with another run, and kept as a baseline.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map/map.h"

void ddp_map_case_name(char *buf, size_t size, const ddp_map_case *c)
{
	if (!c->windowed)
		snprintf(buf, size, "%s", c->fixture->name);
	else if (c->window[0])
		snprintf(buf, size, "%s@%s", c->fixture->name, c->window);
	else if (c->length < 0)
		snprintf(buf, size, "%s@%" PRId64 "+", c->fixture->name, c->start);
	else
		snprintf(buf, size, "%s@%" PRId64 "+%" PRId64, c->fixture->name, c->start, c->length);
}

int ddp_map_fixture_args(const char **argv, const ddp_map_fixture *f)
{
	if (f->kind != DDP_MAP_IMAGE)
		return 0;
	argv[0] = "-f";
	argv[1] = f->format;
	return 2;
}

int ddp_map_case_args(const char **argv, char buf[2][40], const ddp_map_case *c)
{
	int n = ddp_map_fixture_args(argv, c->fixture);

	if (c->json)
		argv[n++] = "--output=json";
	if (c->windowed) {
		snprintf(buf[0], 40, "%" PRId64, c->start);
		argv[n++] = "--start-offset";
		argv[n++] = buf[0];
		if (c->length >= 0) {
			snprintf(buf[1], 40, "%" PRId64, c->length);
			argv[n++] = "--max-length";
			argv[n++] = buf[1];
		}
	}
	argv[n++] = c->fixture->file;
	argv[n] = NULL;
	return n;
}

void ddp_map_outcome_free(ddp_map_outcome *o)
{
	free(o->out);
	free(o->err);
	memset(o, 0, sizeof(*o));
}

/* text with the paths a tool may print replaced by markers (malloc'd). */
static char *normalise_paths(const char *text, size_t len, const char *fixdir,
                             const ddp_map_fixture *f, const ddp_map_fixture *b)
{
	char dir[4200];
	const char *names[2][2] = {{f->file, "$FILENAME"}, {b ? b->file : NULL, "$BACKING"}};
	char *cur, *next;

	/* Absolute paths first ("/fixtures/x.qcow2" is "x.qcow2"), then names, longer first. */
	snprintf(dir, sizeof(dir), "%s/", fixdir);
	if (!(cur = ddp_replace_all(text, len, dir, "")))
		return NULL;
	if (b && strlen(b->file) > strlen(f->file)) {
		const char *t[2] = {names[0][0], names[0][1]};
		names[0][0] = names[1][0];
		names[0][1] = names[1][1];
		names[1][0] = t[0];
		names[1][1] = t[1];
	}
	for (int i = 0; i < 2 && cur; i++) {
		if (!names[i][0])
			continue;
		next = ddp_replace_all(cur, strlen(cur), names[i][0], names[i][1]);
		free(cur);
		cur = next;
	}
	return cur;
}

int ddp_map_run_args(ddp_map_outcome *out, const ddp_tool *tool, const ddp_map_fixture *f,
                     const char *const *args, int nargs, const ddp_map_manifest *m,
                     const char *fixdir, double timeout, ddp_error *err)
{
	const char *argv[DDP_CASE_MAX_ARGS + 20];
	ddp_proc_opts o = {fixdir, timeout, 1 << 20, 0, 0};
	ddp_proc_result r;
	const ddp_map_fixture *b;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (tool->is_model)
		return ddp_error_set(err, DDP_EINVAL, tool->spec, 0, 0,
		                     "the model does not model `qemu-img map`: give a command");
	if (nargs > DDP_CASE_MAX_ARGS)
		return ddp_error_set(err, DDP_EINVAL, f->name, 0, 0, "more than %d arguments",
		                     DDP_CASE_MAX_ARGS);
	for (int i = 0; i < tool->argc; i++)
		argv[n++] = tool->argv[i];
	argv[n++] = "map";
	n += ddp_map_fixture_args(argv + n, f);
	for (int i = 0; i < nargs; i++)
		argv[n++] = args[i];
	argv[n++] = f->file;
	argv[n] = NULL;
	if (ddp_proc_run(&r, argv, &o, err))
		return DDP_ERROR;
	out->rc = r.timed_out ? -1 : r.exited ? r.exit_code : 128 + r.signo;
	b = f->backing[0] ? ddp_map_manifest_find(m, f->backing) : NULL;
	out->out = normalise_paths(r.out, r.out_len, fixdir, f, b);
	out->err = normalise_paths(r.err, r.err_len, fixdir, f, b);
	ddp_proc_result_free(&r);
	if (!out->out || !out->err) {
		ddp_map_outcome_free(out);
		return ddp_error_set(err, DDP_ENOMEM, tool->spec, 0, 0, "out of memory");
	}
	return DDP_OK;
}

int ddp_map_run(ddp_map_outcome *out, const ddp_tool *tool, const ddp_map_case *c,
                const ddp_map_manifest *m, const char *fixdir, double timeout,
                ddp_error *err)
{
	const char *argv[10];
	char buf[2][40];
	int n = ddp_map_case_args(argv, buf, c), k = ddp_map_fixture_args(argv, c->fixture);

	/* The fixture's own arguments and the file: ddp_map_run_args adds them. */
	return ddp_map_run_args(out, tool, c->fixture, argv + k, n - 1 - k, m, fixdir, timeout, err);
}

static void add_kind(char *sig, size_t size, const char *kind)
{
	size_t used = strlen(sig);
	snprintf(sig + used, size - used, "%s%s", used ? "+" : "", kind);
}

/* Where two texts that hold the same map differ in their bytes, for a detail. */
static void bytes_detail(char *detail, size_t size, const char *a, const char *b)
{
	size_t i = 0, la = strlen(a), lb = strlen(b);

	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb + 1 && i == lb && a[lb] == '\n')
		snprintf(detail, size, "the same map, but the candidate's JSON lacks its trailing newline");
	else if (lb == la + 1 && i == la && b[la] == '\n')
		snprintf(detail, size, "the same map, but the candidate's JSON has a newline more at its end");
	else
		snprintf(detail, size, "the same map in other bytes (JSON text of %zu and %zu bytes, first "
		         "difference at byte %zu)", la, lb, i);
}

void ddp_map_diverges(char *sig, size_t sig_size, char *detail, size_t detail_size,
                      int json, const ddp_map_outcome *ref, const ddp_map_outcome *cand,
                      int exact_stderr, int json_normalised)
{
	sig[0] = detail[0] = '\0';
	if (cand->rc == -1 || ref->rc == -1) {
		add_kind(sig, sig_size, "timeout");
		snprintf(detail, detail_size, "%s timed out", ref->rc == -1 ? "the reference" : "the candidate");
		return;
	}
	if (cand->rc >= 128 && ref->rc < 128) {
		add_kind(sig, sig_size, "crash");
		snprintf(detail, detail_size, "the candidate was killed by signal %d", cand->rc - 128);
	}
	if (cand->rc != ref->rc) {
		add_kind(sig, sig_size, "exit");
		if (!detail[0])
			snprintf(detail, detail_size, "exit %d / %d", ref->rc, cand->rc);
	}
	if (exact_stderr ? strcmp(ref->err, cand->err) != 0 : !ref->err[0] != !cand->err[0]) {
		add_kind(sig, sig_size, "stderr");
		if (!detail[0])
			snprintf(detail, detail_size, "stderr: %.100s / %.100s", ref->err, cand->err);
	}
	if (strcmp(ref->out, cand->out)) {
		ddp_map_diff d;
		char kind[200];
		/* Only two maps compare as maps; nothing printed is a difference of output. */
		if (!json || !ref->out[0] || !cand->out[0]) {
			add_kind(sig, sig_size, "stdout");
			if (!detail[0])
				snprintf(detail, detail_size, "human output differs");
		} else if (ddp_map_compare(&d, ref->out, strlen(ref->out), cand->out,
		                           strlen(cand->out), NULL) == DDP_OK) {
			if (d.signature[0]) {
				snprintf(kind, sizeof(kind), "%s:%s", ddp_case_kind_name(DDP_CASE_MAP),
				         d.signature);
				add_kind(sig, sig_size, kind);
				if (!detail[0])
					snprintf(detail, detail_size, "%s", d.detail);
			} else if (!json_normalised) {
				/* The same map in other bytes: what a byte-for-byte reader (instar's) rejects. */
				add_kind(sig, sig_size, "stdout");
				if (!detail[0])
					bytes_detail(detail, detail_size, ref->out, cand->out);
			}
		} else {
			ddp_error e;
			char *norm = NULL;
			/* Which side is not a map? */
			int ref_bad = ddp_map_normalise(&norm, ref->out, strlen(ref->out), "reference",
			                                &e) != DDP_OK;
			ddp_map_free(norm);
			if (!ref_bad && !ddp_map_normalise(&norm, cand->out, strlen(cand->out),
			                                   "candidate", &e))
				ddp_map_free(norm);
			add_kind(sig, sig_size, ref_bad ? "map-invalid:reference" : "map-invalid:candidate");
			if (!detail[0])
				snprintf(detail, detail_size, "%s", e.message);
		}
	}
}

void ddp_map_baseline_root(char *buf, size_t size, const char *root, const ddp_map_case *c)
{
	snprintf(buf, size, "%s/map-%s%s/%s", root, c->json ? "json" : "human",
	         c->windowed ? "/window" : "", c->fixture->format);
}


int ddp_map_baseline_from(ddp_baseline *b, const ddp_map_case *c, const ddp_map_outcome *o,
                          const char *version, const char *fixtures_by, ddp_error *err)
{
	const char *argv[10];
	char buf[2][40], name[128], line[2048];
	json_t *meta = json_object(), *args = json_array(), *win = json_null();
	int n = ddp_map_case_args(argv, buf, c);

	memset(b, 0, sizeof(*b));
	for (int i = 0; i < n; i++)
		json_array_append_new(args, json_string(i == n - 1 ? "$FILENAME" : argv[i]));
	if (c->windowed) {
		win = json_object();
		json_object_set_new(win, "name", json_string(c->window));
		json_object_set_new(win, "start_offset", json_integer(c->start));
		json_object_set_new(win, "max_length", c->length < 0 ? json_null() : json_integer(c->length));
	}
	ddp_map_case_name(name, sizeof(name), c);
	ddp_map_fixture_line(line, sizeof(line), c->fixture);
	json_object_set_new(meta, "case_name", json_string(name));
	json_object_set_new(meta, "command", json_string("map"));
	json_object_set_new(meta, "output", json_string(c->json ? "json" : "human"));
	json_object_set_new(meta, "fixture", json_string(c->fixture->name));
	json_object_set_new(meta, "fixture_manifest_line", json_string(line));
	if (c->fixture->kind == DDP_MAP_SNAPSHOT)
		json_object_set_new(meta, "map_step_of", json_string(c->fixture->snapshot_of));
	json_object_set_new(meta, "fixtures_made_by", json_string(fixtures_by));
	json_object_set_new(meta, "source_format", json_string(c->fixture->format));
	/* A made fixture is mapped without -f: say so when qemu takes it for another format. */
	if (strcmp(c->fixture->probed_format, c->fixture->format))
		json_object_set_new(meta, "probed_format", json_string(c->fixture->probed_format));
	json_object_set_new(meta, "virtual_size", json_integer(c->fixture->virtual_size));
	json_object_set_new(meta, "map_args", args);
	json_object_set_new(meta, "map_return_code", json_integer(o->rc));
	json_object_set_new(meta, "window", win);
	json_object_set_new(meta, "qemu_version", json_string(version));
	b->meta_text = ddp_suitefile_dumps(meta);
	json_decref(meta);
	b->stdout_text = strdup(o->out);
	b->stderr_text = strdup(o->err);
	b->dd_rc = o->rc;
	b->info_rc = -1;
	if (!b->meta_text || !b->stdout_text || !b->stderr_text) {
		ddp_baseline_free(b);
		return ddp_error_set(err, DDP_ENOMEM, name, 0, 0, "out of memory");
	}
	return DDP_OK;
}

int ddp_map_cases_build(ddp_map_case **out, size_t *n, const ddp_map_manifest *m,
                        ddp_error *err)
{
	size_t per = 1 + m->nwindows, k = 0;
	ddp_map_case *v = calloc(m->nfixtures * per * 2, sizeof(*v));

	*out = v;
	*n = 0;
	if (!v)
		return ddp_error_set(err, DDP_ENOMEM, "map cases", 0, 0, "out of memory");
	for (int json = 0; json < 2; json++)
		for (size_t f = 0; f < m->nfixtures; f++)
			for (size_t w = 0; w < per; w++) {
				ddp_map_case *c = &v[k++];
				c->fixture = &m->fixtures[f];
				c->json = json;
				c->windowed = w > 0;
				c->length = -1;
				if (w > 0) {
					snprintf(c->window, sizeof(c->window), "%s", m->windows[w - 1].name);
					ddp_map_window_resolve(&c->start, &c->length, &m->windows[w - 1],
					                       c->fixture->virtual_size);
				}
			}
	*n = k;
	return DDP_OK;
}

void ddp_map_signature_fields(char *buf, size_t size, const char *sig)
{
	size_t used = 0;
	const char *p = sig;
	/* The map command's own kind: its name, then the fields that differ. */
	const char *mk = ddp_case_kind_name(DDP_CASE_MAP);
	size_t ml = strlen(mk);

	buf[0] = '\0';
	while (*p && used < size) {
		size_t n = strcspn(p, "+");
		if (n > ml + 1 && !strncmp(p, mk, ml) && p[ml] == ':') {
			/* map:a,b -> map/a,map/b */
			const char *f = p + ml + 1, *end = p + n;
			while (f < end && used < size) {
				size_t m = strcspn(f, ",+");
				if (f + m > end)
					m = (size_t)(end - f);
				used += (size_t)snprintf(buf + used, size - used, "%smap/%.*s",
				                         used ? "," : "", (int)m, f);
				f += m + (f + m < end);
			}
		} else {
			size_t m = strcspn(p, ":+");
			used += (size_t)snprintf(buf + used, size - used, "%s%.*s", used ? "," : "",
			                         (int)(m < n ? m : n), p);
		}
		p += n + (p[n] == '+');
	}
}
