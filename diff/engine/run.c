/*
 * run.c: one case through both tools, and what differs.
 *
 * Each side runs in a directory of its own holding a link to the fixture
 * (so both see the same if= text), writes of=out.img, and is then read by
 * the reference: `info --output=json`, normalised, and the data flattened
 * to raw.  The model side is the prediction: its stderr rendered, its info
 * fields, and the fixture's window as the data the output must hold.  The
 * model is the candidate, or (--reference model) the reference, when the
 * reference tool only reads the candidate's output; model:all holds the
 * candidate against every profile's prediction (compare_all).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"

/* One line of the --trace file. */
static void trace(const ddp_config *cfg, json_t *event)
{
	char *line;

	if (!cfg->trace) {
		json_decref(event);
		return;
	}
	line = json_dumps(event, JSON_COMPACT);
	pthread_mutex_lock(cfg->trace_lock);
	fprintf(cfg->trace, "%s\n", line);
	pthread_mutex_unlock(cfg->trace_lock);
	free(line);
	json_decref(event);
}

static int run_tool(ddp_proc_result *r, const ddp_config *cfg, const ddp_tool *t,
                    const char *sub, int argc, char *const *args, const char *cwd,
                    ddp_error *err)
{
	const char *argv[DDP_CASE_MAX_ARGS + 24];
	ddp_proc_opts o = {cwd, cfg->timeout, cfg->output_cap, cfg->deadline, cfg->max_output};
	int n = 0;

	for (int i = 0; i < t->argc; i++)
		argv[n++] = t->argv[i];
	argv[n++] = sub;
	for (int i = 0; i < argc; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (cfg->trace) {
		/* For the bench: the same runs, replayed by a bare loop. */
		json_t *j = json_array();
		for (int i = 0; i < n; i++) {
			json_t *a = json_string(argv[i]);
			json_array_append_new(j, a ? a : json_string("?"));
		}
		trace(cfg, json_pack("{s:s,s:o}", "cwd", cwd ? cwd : ".", "argv", j));
	}
	return ddp_proc_run(r, argv, &o, err);
}

/*
 * The output the case names: the last of= qemu reads, as the core's
 * parser finds it.  When the arguments never get that far (qemu stops at
 * a bad operand), the last of= written: a candidate that reads on writes
 * there, and a case's output must not depend on its of= being out.img
 * (the same case in dd-cases form names out.<format>).  out.img when
 * there is no of= at all.
 */
static const char *output_name(const ddp_config *cfg, const ddp_case *c)
{
	ddp_request req;
	ddp_outcome o;

	if (ddp_parse_args(&req, &o, cfg->model_profile, c->argc,
	                   (const char *const *)c->argv, NULL) == DDP_OK &&
	    req.out_path && *req.out_path)
		return req.out_path;
	for (int i = c->argc - 1; i >= 0; i--)
		if (!strncmp(c->argv[i], "of=", 3) && c->argv[i][3])
			return c->argv[i] + 3;
	return "out.img";
}

/* A side's info JSON, read by the reference (exit 0), kept and normalised. */
static void take_info(ddp_side *s, const char *raw, const char *name)
{
	const char *paths[] = {name};
	ddp_error nerr;

	s->info_raw = strdup(raw);
	if (ddp_info_normalise(&s->info_norm, raw, strlen(raw), paths, 1, &nerr)) {
		s->info_norm = NULL;
		s->info_rc = 1000;
		if (asprintf(&s->info_err, "normalise: %s", nerr.message) < 0)
			s->info_err = NULL;
	}
}

/*
 * An image info says is empty flattens to an empty file: made here, not by
 * convert.  0 (convert it after all) for another size, an output of the
 * reader's own name, or anything of that name there already (the
 * candidate's: convert's to overwrite, as before).
 */
static int empty_flat(ddp_side *s, const ddp_config *cfg, json_t *info, const char *dir,
                      const char *name)
{
	json_t *size = json_object_get(info, "virtual-size");
	int fd;

	if (!json_is_integer(size) || json_integer_value(size) != 0 || !strcmp(name, ".ddp-flat.raw"))
		return 0;
	snprintf(s->flat_path, sizeof(s->flat_path), "%s/.ddp-flat.raw", dir);
	fd = open(s->flat_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return 0;
	close(fd);
	if (cfg->trace)
		trace(cfg, json_pack("{s:s}", "empty-output", s->flat_path));
	return 1;
}

/* The reference reads one side's output: info, normalised, then flattened. */
static int read_output(ddp_side *s, const ddp_config *cfg, const char *dir,
                       const char *name, ddp_error *err)
{
	char out[4200], dotted[4200];
	struct stat st;
	ddp_proc_result r;
	char *args[8];
	const char *paths[] = {name};
	json_t *j;
	const char *fmt;

	snprintf(out, sizeof(out), "%s/%s", dir, name);
	/* A name that begins with '-' would be read as options by info and
	 * convert (of=-out.img): name it from the directory. */
	if (name[0] == '-') {
		snprintf(dotted, sizeof(dotted), "./%s", name);
		name = paths[0] = dotted;
	}
	s->output_exists = lstat(out, &st) == 0;
	s->info_rc = -1;
	if (!s->output_exists)
		return DDP_OK;
	/* Never read what is too big to compare in a case's time (a sparse 100G). */
	if (cfg->max_output && stat(out, &st) == 0 &&
	    ((unsigned long long)st.st_size > cfg->max_output ||
	     (unsigned long long)st.st_blocks * 512 > cfg->max_output)) {
		s->too_large = 1;
		return DDP_OK;
	}
	args[0] = "--output=json";
	args[1] = (char *)name;
	if (run_tool(&r, cfg, &cfg->reference, "info", 2, args, dir, err))
		return DDP_ERROR;
	if (r.cut_short) {
		s->cut_short = 1;
		ddp_proc_result_free(&r);
		return DDP_OK;
	}
	s->info_rc = r.exited ? r.exit_code : 128 + r.signo;
	if (s->info_rc == 0) {
		take_info(s, r.out, paths[0]);
	} else {
		s->info_raw = strdup(r.out);
		s->info_err = strndup(r.err, 300);
	}
	ddp_proc_result_free(&r);
	if (!s->info_norm)
		return DDP_OK;
	/* Flatten with the format info found, so nothing is probed twice. */
	j = json_loads(s->info_raw, 0, NULL);
	fmt = j ? json_string_value(json_object_get(j, "format")) : NULL;
	if (fmt && !strcmp(fmt, "raw")) {
		snprintf(s->flat_path, sizeof(s->flat_path), "%s", out);
		s->flat_ok = 1;
	} else if (fmt && empty_flat(s, cfg, j, dir, name)) {
		/* Nothing to read: an empty vhdx is 74 MB that convert would open for no byte. */
		s->flat_ok = 1;
	} else if (fmt) {
		args[0] = "-f";
		args[1] = (char *)fmt;
		args[2] = "-O";
		args[3] = "raw";
		args[4] = (char *)name;
		args[5] = ".ddp-flat.raw";
		if (run_tool(&r, cfg, &cfg->reference, "convert", 6, args, dir, err)) {
			json_decref(j);
			return DDP_ERROR;
		}
		s->cut_short = r.cut_short;
		s->flat_ok = r.exited && r.exit_code == 0;
		if (s->flat_ok)
			snprintf(s->flat_path, sizeof(s->flat_path), "%s/.ddp-flat.raw", dir);
		ddp_proc_result_free(&r);
	}
	json_decref(j);
	return DDP_OK;
}

/* Outputs up to this size are compared byte for byte before being read twice. */
#define TWIN_MAX_BYTES (64LL << 20)

static int name_order(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The names in dir but "." and "..", ".ddp-flat.raw" (the reader's own), sorted; count or -1. */
static int entry_names(const char *dir, char names[][256], int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, ".ddp-flat.raw")) {
			if (n == max || strlen(e->d_name) >= 256) {
				n = -1;
				break;
			}
			snprintf(names[n++], 256, "%s", e->d_name);
		}
	closedir(d);
	if (n > 0)
		qsort(names, (size_t)n, 256, name_order);
	return n;
}

static int views_differ(const char *a, int64_t a_from, int64_t a_len,
                        const char *b, int64_t b_len, int64_t total, int64_t *at);

/*
 * Whether the candidate's output is the reference's: the same regular
 * file's bytes under the same name, beside the same names and nothing
 * else.  Then all the reference's reading of it (info, the flattened data)
 * holds for it too: info reads only the file (its volatile fields are
 * normalised), with the same program.
 */
static int same_output(const char *refdir, const char *canddir, const char *name)
{
	char a[4200], b[4200], na[8][256], nb[8][256];
	struct stat sa, sb;
	int64_t at;
	int n;

	snprintf(a, sizeof(a), "%s/%s", refdir, name);
	snprintf(b, sizeof(b), "%s/%s", canddir, name);
	if (lstat(a, &sa) || lstat(b, &sb) || !S_ISREG(sa.st_mode) || !S_ISREG(sb.st_mode) ||
	    sa.st_size != sb.st_size || sa.st_size > TWIN_MAX_BYTES)
		return 0;
	n = entry_names(refdir, na, 8);
	if (n < 0 || entry_names(canddir, nb, 8) != n)
		return 0;
	for (int i = 0; i < n; i++)
		if (strcmp(na[i], nb[i]))
			return 0;
	return !views_differ(a, 0, sa.st_size, b, sb.st_size, sa.st_size, &at);
}

/*
 * The candidate's side read from the reference's (same_output holds):
 * its info text again, normalised for this side's name, and its
 * flattened data linked in (or, raw, the output itself).
 */
static int take_twin(ddp_side *s, const ddp_side *twin, const ddp_config *cfg,
                     const char *dir, const char *twindir, const char *name, ddp_error *err)
{
	char out[4200], twin_out[4200], flat[4200], dotted[4200];

	snprintf(out, sizeof(out), "%s/%s", dir, name);
	snprintf(twin_out, sizeof(twin_out), "%s/%s", twindir, name);
	if (name[0] == '-') {
		snprintf(dotted, sizeof(dotted), "./%s", name);
		name = dotted;
	}
	s->output_exists = 1;
	s->info_rc = 0;
	take_info(s, twin->info_raw, name);
	if (!s->info_norm)
		return DDP_OK;
	if (twin->flat_ok && strcmp(twin->flat_path, twin_out)) {
		snprintf(flat, sizeof(flat), "%s/.ddp-flat.raw", dir);
		if (link(twin->flat_path, flat))
			return ddp_error_errno(err, flat, "cannot link the flattened output");
		snprintf(s->flat_path, sizeof(s->flat_path), "%s", flat);
	} else if (twin->flat_ok) {
		snprintf(s->flat_path, sizeof(s->flat_path), "%s", out);
	}
	s->flat_ok = twin->flat_ok;
	s->cut_short = twin->cut_short;
	if (cfg->trace)
		trace(cfg, json_pack("{s:s,s:s}", "same-output", out, "as", twin->flat_path));
	return DDP_OK;
}

static int link_fixture(const ddp_config *cfg, const char *dir, const ddp_fixture *f,
                        ddp_error *err)
{
	char link[4200];

	if (mkdir(dir, 0755))
		return ddp_error_errno(err, dir, "cannot create");
	snprintf(link, sizeof(link), "%s/%s", dir, f->file);
	if (symlink(f->path, link))
		return ddp_error_errno(err, link, "cannot link the fixture");
	if (cfg->trace)
		trace(cfg, json_pack("{s:s,s:s}", "link", f->path, "at", link));
	return DDP_OK;
}

/*
 * One side run in dir; out is the case's output name (output_name's).
 * twin (or NULL): the reference's side, read already in twindir.
 */
static int run_side(ddp_side *s, const ddp_config *cfg, const ddp_tool *t,
                    const ddp_case *c, const ddp_fixture *f, const char *dir,
                    const char *out, const ddp_side *twin, const char *twindir, ddp_error *err)
{
	ddp_proc_result r;

	if (link_fixture(cfg, dir, f, err) ||
	    run_tool(&r, cfg, t, "dd", c->argc, c->argv, dir, err))
		return DDP_ERROR;
	s->ran = 1;
	s->exited = r.exited;
	s->exit_code = r.exit_code;
	s->signo = r.signo;
	s->timed_out = r.timed_out;
	s->cut_short = r.cut_short;
	/* Killed by the file-size limit (cfg->max_output): its output was too large. */
	s->too_large = r.signo == SIGXFSZ;
	s->stderr_text = r.err;
	s->stderr_len = r.err_len;
	r.err = NULL;
	ddp_proc_result_free(&r);
	if (s->timed_out || s->cut_short || s->too_large)
		return DDP_OK;
	if (twin && twin->ran && !twin->timed_out && !twin->cut_short && !twin->too_large &&
	    twin->info_rc == 0 && twin->info_norm && twin->info_raw && twin->flat_ok &&
	    strcmp(out, ".ddp-flat.raw") && same_output(twindir, dir, out))
		return take_twin(s, twin, cfg, dir, twindir, out, err);
	return read_output(s, cfg, dir, out, err);
}

/* The input the model is told about: what the tools will find as in.<fmt>. */
static ddp_input fixture_input(const ddp_fixture *f)
{
	return (ddp_input){strcmp(f->format, "raw") ? f->virtual_size : f->file_length,
	                   f->format, f->file, f->file_length};
}

/* The model's side: what ddp_predict says qemu-img prints and makes. */
static int predict_side(ddp_side *s, ddp_outcome *o, const ddp_config *cfg,
                        const ddp_case *c, const ddp_fixture *f, const char *out,
                        ddp_error *err)
{
	ddp_input in = fixture_input(f);
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int rc = ddp_predict(o, cfg->model_profile, &in, c->argc,
	                     (const char *const *)c->argv, err);

	if (rc)
		return rc;
	m = open_memstream(&buf, &len);
	for (size_t i = 0; i < o->nmsgs; i++) {
		size_t n = ddp_msg_render(NULL, 0, &o->msgs[i], cfg->model_profile);
		char *line = malloc(n + 1);
		ddp_msg_render(line, n + 1, &o->msgs[i], cfg->model_profile);
		fwrite(line, 1, n, m);
		fputc('\n', m);
		free(line);
	}
	fclose(m);
	s->ran = 1;
	s->exited = 1;
	s->exit_code = o->exit_code;
	s->stderr_text = buf;
	s->stderr_len = len;
	/*
	 * An output named "." or "./." is the side's directory: there whatever
	 * qemu does, as lstat finds it on a real side (a safe case's name of
	 * only dots and slashes holds no "..").
	 */
	s->output_exists = o->output_created || strspn(out, "./") == strlen(out);
	s->info_rc = -1;
	return DDP_OK;
}

static void side_free(ddp_side *s);
static void reference_rules(ddp_result *res, const ddp_config *cfg, const ddp_case *c,
                            const ddp_outcome *known);

/* nothing: empty; warning: said something and exited 0; error: said something and failed. */
static const char *stderr_class(const ddp_side *s)
{
	if (!s->stderr_len)
		return "nothing";
	return s->exit_code == 0 ? "warning" : "error";
}

static void add(ddp_result *res, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add(ddp_result *res, const char *component, const char *fmt, ...)
{
	size_t n = strlen(res->signature), d = strlen(res->detail);
	va_list ap;

	snprintf(res->signature + n, sizeof(res->signature) - n, "%s%s", n ? "+" : "", component);
	va_start(ap, fmt);
	vsnprintf(res->detail + d, sizeof(res->detail) - d, fmt, ap);
	va_end(ap);
	d = strlen(res->detail);
	snprintf(res->detail + d, sizeof(res->detail) - d, "\n");
}

/*
 * Compares total bytes of two guest views: a from byte a_from, a_len bytes
 * long, and b, b_len bytes long; each reads as zeros past its end (a raw
 * file's last partial sector).  *at gets the first differing offset.
 */
static int views_differ(const char *a, int64_t a_from, int64_t a_len,
                        const char *b, int64_t b_len, int64_t total, int64_t *at)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	static __thread char ba[65536], bb[65536];
	int64_t pos = 0;
	int differ = 0;

	*at = 0;
	if (!fa || !fb) {
		if (fa) fclose(fa);
		if (fb) fclose(fb);
		return 1;
	}
	if (a_from && fseeko(fa, a_from, SEEK_SET))
		a_len = 0;
	while (pos < total && !differ) {
		size_t want = total - pos < (int64_t)sizeof(ba) ? (size_t)(total - pos) : sizeof(ba);
		size_t na = 0, nb = 0;
		if (pos < a_len)
			na = fread(ba, 1, a_len - pos < (int64_t)want ? (size_t)(a_len - pos) : want, fa);
		if (pos < b_len)
			nb = fread(bb, 1, b_len - pos < (int64_t)want ? (size_t)(b_len - pos) : want, fb);
		memset(ba + na, 0, want - na);
		memset(bb + nb, 0, want - nb);
		for (size_t i = 0; i < want; i++)
			if (ba[i] != bb[i]) {
				differ = 1;
				*at = pos + (int64_t)i;
				break;
			}
		pos += (int64_t)want;
	}
	fclose(fa);
	fclose(fb);
	return differ;
}

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : st.st_size;
}

/*
 * What the dd read: the fixture's guest view, or with -f raw (or file) on
 * a structured image, the image file's own bytes.
 */
static const char *input_view(const ddp_outcome *o, const ddp_fixture *f)
{
	const char *fmt = o->request.in_fmt;

	if (fmt && (!strcmp(fmt, "raw") || !strcmp(fmt, "file")) && strcmp(f->format, "raw"))
		return f->path;
	return f->flat;
}

/* The model's info fields against the info of the real side's output. */
static void compare_model_info(ddp_result *res, const ddp_side *real, const char *name,
                               const ddp_outcome *o)
{
	json_t *j = json_loads(real->info_raw, 0, NULL);
	json_t *cs = json_object_get(j, "cluster-size");
	const char *fmt = json_string_value(json_object_get(j, "format"));
	json_int_t vs = json_integer_value(json_object_get(j, "virtual-size"));
	char fields[128] = "";

	if ((uint64_t)vs != o->virtual_size)
		strcat(fields, "virtual-size,");
	if (!fmt || strcmp(fmt, o->format))
		strcat(fields, "format,");
	if ((cs != NULL) != (o->has_cluster_size != 0) ||
	    (cs && (uint64_t)json_integer_value(cs) != o->cluster_size))
		strcat(fields, "cluster-size,");
	if (*fields) {
		char comp[160];
		fields[strlen(fields) - 1] = '\0';
		snprintf(comp, sizeof(comp), "info:%s", fields);
		add(res, comp, "info: %s virtual-size %lld format %s cluster-size %lld; "
		    "model %llu %s %lld", name, (long long)vs, fmt ? fmt : "?",
		    cs ? (long long)json_integer_value(cs) : -1LL,
		    (unsigned long long)o->virtual_size, o->format,
		    o->has_cluster_size ? (long long)o->cluster_size : -1LL);
	}
	json_decref(j);
}

/*
 * o: the model's outcome when one side is the model (the candidate, or
 * with --reference model the reference), else NULL.
 */
static void compare(ddp_result *res, const ddp_config *cfg, const ddp_outcome *o,
                    const ddp_fixture *f)
{
	ddp_side *a = &res->ref, *b = &res->cand;

	if (a->timed_out || b->timed_out) {
		res->verdict = DDP_INCONCLUSIVE;
		snprintf(res->detail, sizeof(res->detail), "timeout: %s\n",
		         a->timed_out ? "reference" : "candidate");
		return;
	}
	/* Its own kind: nothing else of that side was read. */
	if (a->too_large || b->too_large) {
		if (a->too_large)
			add(res, "output-too-large:reference", "the reference's output passed %llu bytes",
			    cfg->max_output);
		if (b->too_large)
			add(res, "output-too-large:candidate", "the candidate's output passed %llu bytes",
			    cfg->max_output);
		return;
	}
	if (!a->exited)
		add(res, "reference-crash", "reference killed by signal %d", a->signo);
	if (!b->exited)
		add(res, "crash", "candidate killed by signal %d", b->signo);
	if (a->exited && b->exited && a->exit_code != b->exit_code)
		add(res, "exit", "exit: reference %d, candidate %d", a->exit_code, b->exit_code);
	/* stderr:text: the same class in other words, told apart from a message
	 * missing or added, because a candidate that words messages its own way
	 * is one bug however many messages it rewords (findings.c groups it so). */
	if (cfg->stderr_mode == DDP_STDERR_EXACT &&
	    (a->stderr_len != b->stderr_len || memcmp(a->stderr_text, b->stderr_text, a->stderr_len)))
		add(res, a->exited && b->exited && !strcmp(stderr_class(a), stderr_class(b)) ? "stderr:text"
		                                                                            : "stderr",
		    "stderr: reference '%.200s', candidate '%.200s'", a->stderr_text, b->stderr_text);
	if (cfg->stderr_mode == DDP_STDERR_CLASS && strcmp(stderr_class(a), stderr_class(b)))
		add(res, "stderr", "stderr class: reference %s, candidate %s",
		    stderr_class(a), stderr_class(b));
	if (a->output_exists != b->output_exists)
		add(res, "output", "output: reference %s, candidate %s",
		    a->output_exists ? "exists" : "absent", b->output_exists ? "exists" : "absent");

	if (o) {
		/* The model knows the info fields and the window the output holds. */
		int cand_real = !cfg->candidate.is_model;
		const ddp_side *r = cand_real ? b : a;
		const char *name = cand_real ? "candidate" : "reference";
		char kind[64];

		if (r->info_rc == 0 && o->has_info) {
			int64_t got, flat, total = (int64_t)o->virtual_size;
			compare_model_info(res, r, name, o);
			snprintf(kind, sizeof(kind), "flatten-failed:%s", name);
			flat = r->flat_ok ? file_size(r->flat_path) : 0;
			/*
			 * A real candidate's data is held against the window as a real
			 * reference's flattened output would be (zeros past the
			 * shorter), so its kinds are those a real reference gives.
			 */
			if (cand_real && flat > total)
				total = flat;
			if (!r->flat_ok)
				add(res, kind, "the %s's output could not be flattened", name);
			else if ((cand_real || !strstr(res->signature, "info:")) &&
			         views_differ(input_view(o, f), o->window.start, o->window.out_size,
			                      r->flat_path, flat, total, &got))
				add(res, "data", "data: the output differs from the input window at byte %lld",
				    (long long)got);
		} else if (r->info_rc != 0 && r->output_exists && o->has_info) {
			snprintf(kind, sizeof(kind), "info-failed:%s", name);
			add(res, kind, "info of the %s's output failed: %.200s", name,
			    r->info_err ? r->info_err : "");
		} else if (r->info_rc == 0 && !o->has_info && r->exit_code == 0 &&
		           /* a real reference reads no output the model says is absent */
		           (!cand_real || o->output_created)) {
			add(res, "info", "the %s made a readable output; the model predicts none", name);
		}
		return;
	}
	if (a->output_exists && b->output_exists) {
		if ((a->info_rc == 0) != (b->info_rc == 0)) {
			add(res, a->info_rc == 0 ? "info-failed:candidate" : "info-failed:reference",
			    "info failed on one side: %.200s",
			    a->info_rc == 0 ? (b->info_err ? b->info_err : "") : (a->info_err ? a->info_err : ""));
		} else if (a->info_rc == 0) {
			ddp_info_diff *d = NULL;
			ddp_error err;
			if (ddp_info_compare(&d, a->info_norm, strlen(a->info_norm), b->info_norm,
			                     strlen(b->info_norm), cfg->info_profile, &err) == DDP_OK &&
			    d->count) {
				char comp[600];
				snprintf(comp, sizeof(comp), "info:%s", d->signature);
				add(res, comp, "info: %s differs (%s: reference %s, candidate %s)",
				    d->signature, d->items[0].pointer,
				    d->items[0].a ? d->items[0].a : "absent",
				    d->items[0].b ? d->items[0].b : "absent");
			}
			ddp_info_diff_free(d);
			if (a->flat_ok != b->flat_ok) {
				add(res, a->flat_ok ? "flatten-failed:candidate" : "flatten-failed:reference",
				    "flattening one side to raw failed");
			} else if (a->flat_ok) {
				int64_t at, la = file_size(a->flat_path), lb = file_size(b->flat_path);
				int64_t total = la > lb ? la : lb;
				if (views_differ(a->flat_path, 0, la, b->flat_path, lb, total, &at))
					add(res, "data", "data: flattened outputs differ at byte %lld (%lld and %lld bytes)",
					    (long long)at, (long long)la, (long long)lb);
			}
		}
	}
}

/* Appends a profile's name to a list ("5.2,7.2"). */
static void list_add(char *list, size_t size, const char *name)
{
	size_t n = strlen(list);
	snprintf(list + n, size - n, "%s%s", n ? "," : "", name);
}

/*
 * --reference model:all: the candidate's side (run and read) against the
 * model of every profile.  res gets the profiles it differs from, matches
 * and the model cannot answer, and the comparison (signature, detail, the
 * reference's side and rules) of the candidate_version's profile, else of
 * the newest profile it differs from.  Differing only from profiles other
 * than the candidate_version's is a note, not a divergence.
 */
static void compare_all(ddp_result *res, const ddp_config *cfg, const ddp_case *c,
                        const ddp_fixture *f)
{
	ddp_result *best = calloc(1, sizeof(*best)), *r = calloc(1, sizeof(*r));
	ddp_config *pc = malloc(sizeof(*pc));
	ddp_outcome o, best_o;
	const char *best_name = "";
	int have = 0;

	if (!best || !r || !pc) {
		res->verdict = DDP_INCONCLUSIVE;
		snprintf(res->detail, sizeof(res->detail), "out of memory\n");
		goto out;
	}
	if (res->cand.timed_out) {
		res->verdict = DDP_INCONCLUSIVE;
		snprintf(res->detail, sizeof(res->detail), "timeout: candidate\n");
		goto out;
	}
	*pc = *cfg;
	for (size_t i = 0; i < ddp_profile_count(); i++) {
		const ddp_profile *p = ddp_profile_at(i);
		const char *name = ddp_profile_name(p);
		ddp_error perr;

		memset(r, 0, sizeof(*r));
		pc->model_profile = p;
		/* Each profile's parser finds the output name for its version. */
		if (predict_side(&r->ref, &o, pc, c, f, output_name(pc, c), &perr)) {
			side_free(&r->ref);
			list_add(res->unanswered, sizeof(res->unanswered), name);
			continue;
		}
		r->cand = res->cand; /* read only: the candidate ran once */
		compare(r, pc, &o, f);
		memset(&r->cand, 0, sizeof(r->cand));
		list_add(r->signature[0] ? res->differs : res->matches,
		         r->signature[0] ? sizeof(res->differs) : sizeof(res->matches), name);
		if (r->signature[0] && (!cfg->candidate_version || p == cfg->candidate_version)) {
			ddp_result *t = best;
			side_free(&best->ref);
			best = r;
			r = t;
			best_o = o;
			best_name = name;
			have = 1;
		} else {
			side_free(&r->ref);
		}
	}
	if (have) {
		char versions[300];
		ddp_result_versions(versions, sizeof(versions), res);
		snprintf(res->signature, sizeof(res->signature), "%s", best->signature);
		snprintf(res->detail, sizeof(res->detail), "versions: %s\nagainst the model of %s:\n%s",
		         versions, best_name, best->detail);
		res->ref = best->ref;
		memset(&best->ref, 0, sizeof(best->ref));
		reference_rules(res, cfg, c, &best_o);
	} else if (cfg->candidate_version && strstr(res->unanswered,
	                                            ddp_profile_name(cfg->candidate_version))) {
		res->verdict = DDP_UNSUPPORTED;
		snprintf(res->detail, sizeof(res->detail), "the model of %s cannot answer",
		         ddp_profile_name(cfg->candidate_version));
	} else if (res->differs[0]) {
		res->note = 1;
	} else if (!res->matches[0]) {
		res->verdict = DDP_UNSUPPORTED;
		snprintf(res->detail, sizeof(res->detail), "no profile's model can answer");
	}
out:
	if (best)
		side_free(&best->ref);
	free(best);
	free(r);
	free(pc);
}

void ddp_result_versions(char *out, size_t size, const ddp_result *res)
{
	const char *lists[] = {res->matches, res->differs, res->unanswered};
	const char *words[] = {"matches ", "differs from ", "unmodelled in "};
	size_t n = 0;

	out[0] = '\0';
	for (int l = 0; l < 3; l++) {
		const char *p = lists[l];
		if (!*p)
			continue;
		n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s", n ? ", " : "", words[l]);
		while (*p && n < size) {
			size_t k = strcspn(p, ",");
			const char *next = p + k + (p[k] == ',');
			n += (size_t)snprintf(out + n, size - n, "%.*s%s", (int)k, p,
			                      !*next ? "" : strchr(next, ',') ? ", " : " and ");
			p = next;
		}
	}
}

void ddp_config_unmeasured(char *out, size_t size, const ddp_config *cfg)
{
	ddp_version v[2];
	int n = 0;
	size_t len = 0;

	out[0] = '\0';
	if (cfg->reference_model && !cfg->reference_all)
		v[n++] = cfg->model_version;
	else if (!cfg->reference_model && cfg->reference.is_qemu)
		v[n++] = cfg->reference.version;
	if (cfg->candidate.is_qemu && !cfg->candidate.is_model)
		v[n++] = cfg->candidate.version;
	for (int i = 0; i < n; i++)
		if (!ddp_version_measured(v[i]) && (!i || ddp_version_cmp(v[i], v[0]))) {
			char t[32];
			ddp_version_text(t, sizeof(t), v[i]);
			len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s",
			                        len ? ", " : "", t);
		}
}

/* Protocols whose drivers reach beyond a local file: never run. */
static const char *const outward[] = {
	"nbd", "nbd+tcp", "nbd+unix", "nbd+vsock", "http", "https", "ftp", "ftps",
	"ssh", "iscsi", "iser", "nfs", "rbd", "gluster", "gluster+tcp",
	"gluster+unix", "gluster+rdma", "json", "file", "host_device",
	"host_cdrom", "nvme", "fat", "vvfat", "blkdebug", "blkverify", "null-co",
	"null-aio", "quorum", "throttle", "replication", "compress",
	"sheepdog", "sheepdog+tcp", "sheepdog+unix", "vxhs", /* 5.2's, gone since */
	NULL,
};

/*
 * A path relative to a case's side directory that stays inside the case,
 * judged by what the kernel opens, not by its spelling: the path is
 * normalised ("." and empty components dropped, ".." steps back: the
 * side's directory holds no link to a directory), so "./in.raw",
 * ".//in.raw", "sub/../in.raw" and "in.raw/" all name the fixture's link.
 */
static const char *path_problem(const char *path, const char *const *links)
{
	size_t proto = strcspn(path, ":/"), len = 0;
	const char *p = path, *why = NULL;
	char *norm;

	if (path[0] == '/')
		return "an absolute path";
	if (path[proto] == ':')
		for (const char *const *o = outward; *o; o++)
			if (strlen(*o) == proto && !strncasecmp(*o, path, proto))
				return "a protocol that reaches out";
	if (!(norm = malloc(strlen(path) + 1)))
		return "out of memory";
	while (*p && !why) {
		size_t n = strcspn(p, "/");
		if (n == 2 && !strncmp(p, "..", 2)) {
			/* Each side keeps to its own directory, so the two never meet. */
			if (!len)
				why = "a path leaving the case's directory";
			while (len && norm[--len] != '/')
				;
		} else if (n && !(n == 1 && *p == '.')) {
			if (len)
				norm[len++] = '/';
			memcpy(norm + len, p, n);
			len += n;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	norm[len] = '\0';
	for (const char *const *l = links; !why && *l; l++)
		if (!strcmp(norm, *l))
			why = "the fixture's link (writing there would change the fixture)";
	free(norm);
	return why;
}

/* Local image formats whose driver opens only the file it is given. */
static const char *const local_drivers[] = {
	"file", "raw", "qcow2", "qcow", "vmdk", "vpc", "vhdx", "vdi", "qed",
	"parallels", "cloop", "dmg", "bochs", NULL,
};

int ddp_local_driver(const char *name)
{
	for (const char *const *d = local_drivers; *d; d++)
		if (!strcmp(*d, name))
			return 1;
	return 0;
}

/*
 * With --image-opts, if= and of= are QemuOpts strings (key=value pairs
 * split on ',', ",," a comma), and many keys name files (filename,
 * file.filename, backing.*, x-*...).  Only what is provably local is
 * accepted: a first element without '=' (qemu's implied "file" key, a node
 * reference that opens nothing), "driver" with a local format, and
 * "filename" with a path that passes path_problem.  Everything else is
 * refused.
 */
static const char *image_opts_problem(const char *opts, const char *const *links)
{
	const char *p = opts, *why = NULL;
	char *value = malloc(strlen(opts) + 1);

	if (!value)
		return "out of memory";
	for (int first = 1;; first = 0) {
		const char *key = p;
		size_t keylen = strcspn(p, "=,"), n = 0;
		int has_value = p[keylen] == '=';

		p += keylen;
		if (has_value)
			for (p++; *p && !(*p == ',' && p[1] != ','); p++) {
				value[n++] = *p;
				if (*p == ',') /* ",," is one comma */
					p++;
			}
		value[n] = '\0';
		if (!has_value) {
			if (!first || !keylen)
				why = "--image-opts: an element without '=' after the first";
			else {
				memcpy(value, key, keylen);
				value[keylen] = '\0';
				why = path_problem(value, links);
			}
		} else if (keylen == 6 && !strncmp(key, "driver", 6)) {
			const char *const *d = local_drivers;
			while (*d && strcmp(*d, value))
				d++;
			if (!*d)
				why = "--image-opts: a driver that is not a local image format";
		} else if (keylen == 8 && !strncmp(key, "filename", 8)) {
			why = path_problem(value, links);
		} else {
			why = "--image-opts: a key other than driver and filename (it may name a file)";
		}
		if (why || !*p)
			break;
		p++; /* the ',' */
	}
	free(value);
	return why;
}

/* Whether arg is --image-opts (or a prefix getopt_long takes for it, with or without "=..."). */
static int is_image_opts(const char *a)
{
	size_t n = strcspn(a, "=");
	return n >= 3 && !strncmp(a, "--image-opts", n);
}

int ddp_case_is_safe(const ddp_case *c, const char **why)
{
	static const char *const links[] = {"in.raw", "in.qcow2", "in.vmdk", "in.vpc",
	                                    "in.vhdx", NULL};
	int after_dashdash = 0, image_opts = 0;

	*why = NULL;
	for (int i = 0; i < c->argc; i++)
		image_opts |= is_image_opts(c->argv[i]);
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		/* --object (and the prefixes getopt_long accepts for it) creates objects. */
		if (!after_dashdash && !strncmp(a, "--o", 3) && !strncmp(a, "--object", strcspn(a, "="))) {
			*why = "--object";
			return 0;
		}
		if (!strcmp(a, "--"))
			after_dashdash = 1;
		if (!strncmp(a, "of=", 3) || !strncmp(a, "if=", 3)) {
			const char *const *l = a[0] == 'o' ? links : links + 5;
			/*
			 * The name as a path always (dd creates the output by its
			 * plain name even with --image-opts), and as options too.
			 */
			const char *problem = path_problem(a + 3, l);
			if (!problem && image_opts)
				problem = image_opts_problem(a + 3, l);
			if (problem) {
				*why = problem;
				return 0;
			}
		}
	}
	return 1;
}

/*
 * A tool that ran out of space would look like a divergence: the suite's
 * own trouble must never be reported as the tools'.  The case is void and
 * the campaign stops.
 */
static int space_problem(const ddp_config *cfg, const ddp_result *res, ddp_error *err)
{
	const ddp_side *sides[] = {&res->ref, &res->cand};

	for (int i = 0; i < 2; i++)
		if (ddp_machine_fault(cfg->workdir, cfg->workdir, sides[i]->stderr_text,
		                      sides[i]->stderr_len, err))
			return DDP_ERROR;
	return DDP_OK;
}

/* id after the *n bytes of buf, joined by ','; 0 (buf cut at the whole ids before) when full. */
static int append_id(char *buf, size_t size, size_t *n, const char *id)
{
	int w = snprintf(buf + *n, size - *n, "%s%s", *n ? "," : "", id);

	if (w < 0 || (size_t)w >= size - *n) {
		buf[*n] = '\0';
		return 0;
	}
	*n += (size_t)w;
	return 1;
}

/* An outcome's rules, joined by ',' (cut at a whole rule when buf is full). */
static void rules_text(char *buf, size_t size, const ddp_outcome *o)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < o->nrules && append_id(buf, size, &n, ddp_rule_id(o->rules[i])); i++)
		;
}

/* The model's outcome on dd case c for the reference's version. */
static int case_outcome(ddp_outcome *o, const ddp_config *cfg, const ddp_case *c)
{
	const ddp_fixture *f = ddp_fixtures_find(cfg->fixtures, c->fixture);
	ddp_input in;

	if (!f || !cfg->model_profile)
		return DDP_ERROR;
	in = fixture_input(f);
	return ddp_predict(o, cfg->model_profile, &in, c->argc, (const char *const *)c->argv, NULL);
}

int ddp_case_behaviour(char *buf, size_t size, ddp_outcome *o, const ddp_config *cfg,
                       const ddp_case *c)
{
	ddp_outcome own;
	size_t n;
	int rc;

	snprintf(buf, size, "unmodelled");
	if (!o)
		o = &own;
	rc = case_outcome(o, cfg, c);
	if (rc != DDP_OK)
		return rc;
	rules_text(buf, size, o);
	/* Then the marks: how it was spelled, where the sizes fell. */
	n = strlen(buf);
	for (int m = 0; m < DDP_MARK__COUNT; m++)
		if (o->marks >> m & 1 && !append_id(buf, size, &n, ddp_mark_id(m)))
			break;
	return DDP_OK;
}

/*
 * The rules the reference went through on c (the model's, for its
 * version): known already when the candidate is the model, else predicted
 * here, which costs microseconds against the tool runs' milliseconds.
 */
static void reference_rules(ddp_result *res, const ddp_config *cfg, const ddp_case *c,
                            const ddp_outcome *known)
{
	ddp_outcome own;

	res->ref_modelled = 0;
	res->ref_rules[0] = '\0';
	if (known)
		rules_text(res->ref_rules, sizeof(res->ref_rules), known);
	else if (case_outcome(&own, cfg, c) == DDP_OK)
		rules_text(res->ref_rules, sizeof(res->ref_rules), &own);
	else
		return;
	res->ref_modelled = 1;
}

int ddp_case_run(ddp_result *res, const ddp_config *cfg, const ddp_case *c,
                 uint64_t case_no, ddp_error *err)
{
	const ddp_command *cmd = ddp_case_command(cfg, c, err);
	const char *why;

	memset(res, 0, sizeof(*res));
	if (!cmd)
		return DDP_EINVAL;
	/* Before any command: a map case's options may hold --object too. */
	if (!ddp_case_is_safe(c, &why)) {
		res->verdict = DDP_REFUSED;
		snprintf(res->detail, sizeof(res->detail), "refused: %s", why);
		return DDP_OK;
	}
	return cmd->run(res, cfg, c, case_no, err);
}

int ddp_dd_run(ddp_result *res, const ddp_config *cfg, const ddp_case *c, uint64_t case_no,
               ddp_error *err)
{
	const ddp_fixture *f = ddp_fixtures_find(cfg->fixtures, c->fixture);
	/* Read once: which output the case names is the same for both sides. */
	const char *out = output_name(cfg, c);
	char refdir[4200], canddir[4200];
	ddp_outcome o;
	int rc, model;

	memset(res, 0, sizeof(*res));
	if (!f)
		return ddp_error_set(err, DDP_EINVAL, "case", 0, 0, "no fixture named '%s'", c->fixture);
	/* The model's side: the candidate's, or with --reference model the reference's. */
	if (cfg->candidate.is_model || (cfg->reference_model && !cfg->reference_all)) {
		ddp_error perr;
		ddp_side *ms = cfg->candidate.is_model ? &res->cand : &res->ref;
		rc = predict_side(ms, &o, cfg, c, f, out, &perr);
		if (rc == DDP_EUNMODELLED && cfg->reference_model && cfg->ref_real.argc) {
			/* A real qemu-img of the model's version answers instead. */
			memset(ms, 0, sizeof(*ms));
			res->ref_real_ran = 1;
		} else if (rc == DDP_EUNMODELLED) {
			res->verdict = DDP_UNSUPPORTED;
			snprintf(res->detail, sizeof(res->detail), "%s", perr.message);
			return DDP_OK;
		} else if (rc) {
			if (err)
				*err = perr;
			return rc;
		}
	}
	model = cfg->candidate.is_model ||
	        (cfg->reference_model && !cfg->reference_all && !res->ref_real_ran);
	if (space_problem(cfg, res, err))
		return DDP_ERROR;
	snprintf(res->casedir, sizeof(res->casedir), "%s/case-%llu-%ld", cfg->workdir,
	         (unsigned long long)case_no, (long)getpid());
	ddp_remove_tree(res->casedir);
	if (ddp_tmpdir_make(res->casedir, err))
		return DDP_ERROR;
	snprintf(refdir, sizeof(refdir), "%s/reference", res->casedir);
	snprintf(canddir, sizeof(canddir), "%s/candidate", res->casedir);
	rc = DDP_OK;
	if (!cfg->reference_model || res->ref_real_ran)
		rc = run_side(&res->ref, cfg, res->ref_real_ran ? &cfg->ref_real : &cfg->reference, c,
		              f, refdir, out, NULL, NULL, err);
	if (!rc && !cfg->candidate.is_model)
		rc = run_side(&res->cand, cfg, &cfg->candidate, c, f, canddir, out,
		              cfg->reference_model && !res->ref_real_ran ? NULL : &res->ref, refdir, err);
	if (!rc && (res->ref.cut_short || res->cand.cut_short)) {
		/* The campaign ended while it ran: no verdict either way. */
		res->verdict = DDP_CUT_SHORT;
		snprintf(res->detail, sizeof(res->detail), "cut short by the campaign's end\n");
		return DDP_OK;
	}
	if (!rc)
		rc = space_problem(cfg, res, err);
	if (rc) {
		ddp_remove_tree(res->casedir);
		res->casedir[0] = '\0';
		return rc;
	}
	if (cfg->reference_all) {
		compare_all(res, cfg, c, f);
	} else {
		compare(res, cfg, model ? &o : NULL, f);
		if (res->signature[0])
			reference_rules(res, cfg, c, model ? &o : NULL);
	}
	if (cfg->trace)
		trace(cfg, json_pack("{s:s}", "remove", res->casedir));
	if (res->verdict != DDP_INCONCLUSIVE && res->verdict != DDP_UNSUPPORTED)
		res->verdict = res->signature[0] ? DDP_DIVERGES : DDP_SAME;
	return DDP_OK;
}

static void side_free(ddp_side *s)
{
	free(s->stderr_text);
	free(s->stdout_text);
	free(s->info_raw);
	ddp_info_free(s->info_norm);
	free(s->info_err);
	memset(s, 0, sizeof(*s));
}

void ddp_result_free(ddp_result *res)
{
	if (res->casedir[0])
		ddp_remove_tree(res->casedir);
	side_free(&res->ref);
	side_free(&res->cand);
}
