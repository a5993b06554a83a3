/*
 * mapengine.c: `qemu-img map` as an operation of the differential engine.
 * A case is a fixture of the map manifest and map's options (human or
 * JSON output, a window); both tools run it in the fixtures' directory and
 * differ as ddp_map_diverges says.  Findings are kept as for dd.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map/map.h"

static void add_arg(ddp_case *c, const char *s)
{
	if (c->argc < DDP_CASE_MAX_ARGS)
		c->argv[c->argc++] = strdup(s);
}

/* A number as a user or a script writes it: bytes, or with a suffix when exact. */
static void number_text(char *buf, size_t size, int64_t v, ddp_source *src)
{
	static const struct {
		char suffix;
		int64_t mul;
	} units[] = {{'G', INT64_C(1) << 30}, {'M', INT64_C(1) << 20}, {'k', INT64_C(1) << 10}};

	if (v > 0 && ddp_source_chance(src, 25))
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (v % units[i].mul == 0) {
				snprintf(buf, size, "%" PRId64 "%c", v / units[i].mul, units[i].suffix);
				return;
			}
	snprintf(buf, size, "%" PRId64, v);
}

/* Where extents begin and end: the fixture's edges and writes, clusters, past the end. */
static int64_t pick_point(ddp_source *src, const ddp_map_fixture *f)
{
	static const int64_t sizes[] = {512, 4096, 65536, 1 << 20, 2 << 20};
	int64_t vs = f->virtual_size, base;

	switch (ddp_source_below(src, 7)) {
	case 0:
		return 0;
	case 1: /* a write's start or end */
		if (f->nwrites) {
			const ddp_map_write *w = &f->writes[ddp_source_below(src, (uint64_t)f->nwrites)];
			base = ddp_source_chance(src, 50) ? w->offset : w->offset + w->length;
			break;
		}
		/* fall through */
	case 2: /* a cluster boundary */
		base = sizes[ddp_source_below(src, 5)] * (int64_t)ddp_source_below(src, 20);
		break;
	case 3: /* the end, and past it */
		base = vs + sizes[ddp_source_below(src, 5)] * ((int64_t)ddp_source_below(src, 3) - 1);
		break;
	case 4:
		base = vs / 2;
		break;
	case 5:
		return ddp_source_chance(src, 50) ? INT64_MAX : INT64_MAX / 2;
	default:
		base = (int64_t)ddp_source_below(src, (uint64_t)vs + 1);
		break;
	}
	/* Off by one now and then: the sector and cluster arithmetic's edges. */
	if (ddp_source_chance(src, 30))
		base += (int64_t)ddp_source_below(src, 3) - 1;
	return base < 0 ? 0 : base;
}

static int64_t pick_length(ddp_source *src, const ddp_map_fixture *f, int64_t start)
{
	switch (ddp_source_below(src, 6)) {
	case 0:
		return (int64_t)ddp_source_below(src, 2); /* 0 or 1 */
	case 1:
		return f->virtual_size > start ? f->virtual_size - start : 512;
	case 2:
		return INT64_MAX - (int64_t)ddp_source_below(src, 2) * start; /* the sum's overflow */
	default: {
		int64_t end = pick_point(src, f);
		return end > start ? end - start : (int64_t)ddp_source_below(src, 1 << 17);
	}
	}
}

/* What qemu's number parser refuses, or reads in a way that changed between versions. */
static const char *const odd_numbers[] = {
	"-1", "-0", "abc", "", " 512", "512 ", "0x200", "0x1k", "1.5k", ".5k", "1e3",
	"9223372036854775807", "9223372036854775808", "18446744073709551616", "1E", "8E", "1b",
};

void ddp_map_case_generate(ddp_case *c, ddp_source *src, const ddp_config *cfg)
{
	const ddp_map_manifest *m = cfg->map;
	const ddp_map_fixture *f = &m->fixtures[ddp_source_below(src, m->nfixtures)];
	char start_text[40] = "", length_text[40] = "";
	const char *opt[4][2] = {{0}};
	int nopt = 0;
	int64_t start = 0;

	memset(c, 0, sizeof(*c));
	c->kind = DDP_CASE_MAP;
	snprintf(c->fixture, sizeof(c->fixture), "%s", f->name);
	if (ddp_source_chance(src, 50)) {
		int joined = ddp_source_chance(src, 80);
		opt[nopt][0] = joined ? "--output=json" : "--output";
		opt[nopt++][1] = joined ? NULL : "json";
	} else if (ddp_source_chance(src, 10)) {
		opt[nopt++][0] = "--output=human";
	}
	if (ddp_source_chance(src, 80)) {
		start = pick_point(src, f);
		number_text(start_text, sizeof(start_text), start, src);
		opt[nopt][0] = "--start-offset";
		opt[nopt++][1] = start_text;
	}
	if (ddp_source_chance(src, 65)) {
		number_text(length_text, sizeof(length_text), pick_length(src, f, start), src);
		opt[nopt][0] = "--max-length";
		opt[nopt++][1] = length_text;
	}
	if (nopt && ddp_source_chance(src, 5)) {
		/* A value qemu's parser may refuse: map's own error path. */
		int k = (int)ddp_source_below(src, (uint64_t)nopt);
		if (opt[k][1])
			opt[k][1] = odd_numbers[ddp_source_below(
				src, sizeof(odd_numbers) / sizeof(odd_numbers[0]))];
	}
	/* Options in any order (getopt does not care; a reimplementation might). */
	for (int i = nopt - 1; i > 0; i--) {
		int k = (int)ddp_source_below(src, (uint64_t)i + 1);
		const char *t0 = opt[i][0], *t1 = opt[i][1];
		opt[i][0] = opt[k][0];
		opt[i][1] = opt[k][1];
		opt[k][0] = t0;
		opt[k][1] = t1;
	}
	for (int i = 0; i < nopt; i++) {
		add_arg(c, opt[i][0]);
		if (opt[i][1])
			add_arg(c, opt[i][1]);
	}
}

/* Whether the arguments ask for JSON (getopt: the last --output wins). */
static int wants_json(const ddp_case *c)
{
	int json = 0;
	for (int i = 0; i < c->argc; i++) {
		if (!strncmp(c->argv[i], "--output=", 9))
			json = !strcmp(c->argv[i] + 9, "json");
		else if (!strcmp(c->argv[i], "--output") && i + 1 < c->argc)
			json = !strcmp(c->argv[++i], "json");
	}
	return json;
}

static void fill_side(ddp_side *s, const ddp_map_outcome *o)
{
	s->ran = 1;
	s->timed_out = o->rc == -1;
	s->exited = o->rc >= 0 && o->rc < 128;
	s->exit_code = s->exited ? o->rc : 0;
	s->signo = o->rc >= 128 ? o->rc - 128 : 0;
	s->info_rc = -1;
	s->stderr_text = strdup(o->err);
	s->stderr_len = strlen(o->err);
	s->stdout_text = strdup(o->out);
	s->stdout_len = strlen(o->out);
}

/* A run's timeout, shortened to the campaign's end: a run killed there is cut short. */
static double run_timeout(const ddp_config *cfg)
{
	double left = cfg->deadline - ddp_proc_now();

	if (!cfg->deadline || left >= cfg->timeout)
		return cfg->timeout;
	return left > 0.001 ? left : 0.001;
}

int ddp_map_case_run(ddp_result *res, const ddp_config *cfg, const ddp_case *c,
                     uint64_t case_no, ddp_error *err)
{
	const ddp_map_fixture *f;
	ddp_map_outcome ref, cand;
	int json = wants_json(c);

	memset(res, 0, sizeof(*res));
	(void)case_no; /* map cases run in the fixtures' directory, not a case's own */
	if (!cfg->map || c->kind != DDP_CASE_MAP || !(f = ddp_map_manifest_find(cfg->map, c->fixture)))
		return ddp_error_set(err, DDP_EINVAL, c->fixture, 0, 0,
		                     "not a fixture of the map manifest");
	if (ddp_map_run_args(&ref, &cfg->reference, f, (const char *const *)c->argv, c->argc,
	                     cfg->map, cfg->map_fixdir, run_timeout(cfg), err))
		return DDP_ERROR;
	if (ddp_map_run_args(&cand, &cfg->candidate, f, (const char *const *)c->argv, c->argc,
	                     cfg->map, cfg->map_fixdir, run_timeout(cfg), err)) {
		ddp_map_outcome_free(&ref);
		return DDP_ERROR;
	}
	fill_side(&res->ref, &ref);
	fill_side(&res->cand, &cand);
	if ((ref.rc == -1 || cand.rc == -1) && cfg->deadline && ddp_proc_now() >= cfg->deadline) {
		res->verdict = DDP_CUT_SHORT;
		snprintf(res->detail, sizeof(res->detail), "cut short by the campaign's end");
	} else if (ref.rc == -1 || cand.rc == -1) {
		res->verdict = DDP_INCONCLUSIVE;
		snprintf(res->signature, sizeof(res->signature), "timeout");
		snprintf(res->detail, sizeof(res->detail), "%s timed out",
		         ref.rc == -1 ? "the reference" : "the candidate");
	} else if (ref.rc >= 128) {
		res->verdict = DDP_DIVERGES;
		snprintf(res->signature, sizeof(res->signature), "reference-crash");
		snprintf(res->detail, sizeof(res->detail), "the reference was killed by signal %d",
		         ref.rc - 128);
	} else {
		ddp_map_diverges(res->signature, sizeof(res->signature), res->detail,
		                 sizeof(res->detail), json, &ref, &cand,
		                 cfg->stderr_mode == DDP_STDERR_EXACT, cfg->map_json_normalised);
		res->verdict = res->signature[0] ? DDP_DIVERGES : DDP_SAME;
	}
	/* The rules map went through: with the kinds, the finding's group. */
	res->ref_modelled = ddp_map_rules(res->ref_rules, sizeof(res->ref_rules), f,
	                                  (const char *const *)c->argv, c->argc);
	ddp_map_outcome_free(&ref);
	ddp_map_outcome_free(&cand);
	return DDP_OK;
}
