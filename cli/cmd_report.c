/*
 * cmd_report.c: `ddparity report`, one self-contained HTML file (inline CSS,
 * no scripts, no external references) showing the committed baselines as a
 * case x version matrix coloured by profile, what changed from each version
 * to the next, and optionally the findings of campaigns grouped by
 * signature with their reproducers.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "baselines_cli.h"
#include "cli.h"
#include "map/map.h"
#include "suite/suite.h"

static const char usage[] =
	"usage: ddparity report [--output FILE] [--cases FILE] [--baselines DIR]\n"
	"                       [--findings DIR]... [--title TEXT]\n"
	"\n"
	"Writes one self-contained HTML file (default report.html; inline CSS only,\n"
	"no scripts, nothing fetched): the matrix of the dd-cases (rows) against\n"
	"every version of the baselines (DIR, default expected-outputs/dd-info-json;\n"
	"columns), each cell coloured by the version's profile (labelled by its\n"
	"versions) and showing the outcome (dd's exit code, the output's virtual\n"
	"size with units and format, dd's whole stderr) and what in dd's behaviour\n"
	"differs from the version to its left, rows with such a change first; the\n"
	"changes of qemu-img info's own output in a section of their own; a summary\n"
	"of the cases that change between adjacent versions; and, for each --findings\n"
	"DIR (repeatable), the campaign's findings grouped by signature, with their\n"
	"rule labels, counts, minimal cases, stderr texts and reproducers.  The file is written\n"
	"atomically.  Exit status: 0 written, 2 error.\n"
	"\n"
	"Example:\n"
	"  ddparity report --findings findings --output report.html\n";

#define MAX_VERSIONS 32
#define MAX_FINDINGS 16

/* ---- escaping ------------------------------------------------------------ */


/*
 * Writes n bytes of s as HTML text: &, <, >, " and ' as entities, control
 * bytes and invalid UTF-8 as a visible \xNN (in a span of class "byte").
 */
static void esc_n(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	if (!s)
		n = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t l;
		switch (c) {
		case '&': fputs("&amp;", f); i++; continue;
		case '<': fputs("&lt;", f); i++; continue;
		case '>': fputs("&gt;", f); i++; continue;
		case '"': fputs("&quot;", f); i++; continue;
		case '\'': fputs("&#39;", f); i++; continue;
		default: break;
		}
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || !(l = ddp_utf8_len(p + i, n - i))) {
			fprintf(f, "<span class=\"byte\">\\x%02x</span>", c);
			i++;
			continue;
		}
		fwrite(p + i, 1, l, f);
		i += l;
	}
}

static void esc(FILE *f, const char *s)
{
	esc_n(f, s, s ? strlen(s) : 0);
}

/* A class name: letters, digits, '-' and '_' kept, the rest '_'. */
static void cls(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
		      || *s == '-' || *s == '_' ? *s : '_', f);
}

/* ---- the baselines ------------------------------------------------------- */

typedef struct cell {
	int present;
	int dd_rc, info_rc;
	char *dd_err;        /* dd's stderr (before the marker) */
	char *out;           /* normalised info JSON */
	long long vsize;     /* -1: none */
	char format[32];
} cell;

static char *slurp(const char *dir, const char *name, const char *suffix)
{
	char path[4600], *text = NULL;
	snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix);
	if (ddp_read_own_file(&text, NULL, path, 16 << 20, NULL))
		return NULL;
	return text;
}

/*
 * A case's baseline in dir (none: not present).  DDP_EXIT_USAGE, said as
 * FILE:LINE: message, when its meta.json or stdout.txt is corrupt.
 */
static int cell_load(cell *c, const char *dir, const char *name)
{
	char path[4600], *err_text, *mark;
	ddp_baseline_meta meta;
	ddp_error err;
	json_t *o;

	memset(c, 0, sizeof(*c));
	c->vsize = -1;
	snprintf(path, sizeof(path), "%s/%s.meta.json", dir, name);
	if (access(path, F_OK) && errno == ENOENT)
		return DDP_EXIT_OK;
	if (ddp_baseline_meta_load(&meta, path, name, &err))
		return ddp_cli_fail_error(path, &err);
	c->present = 1;
	c->dd_rc = meta.dd_rc;
	c->info_rc = meta.info_rc;
	err_text = slurp(dir, name, ".stderr.txt");
	if (err_text && (mark = strstr(err_text, DDP_BASELINE_STDERR_MARKER)))
		*mark = '\0';
	c->dd_err = err_text ? err_text : strdup("");
	snprintf(path, sizeof(path), "%s/%s.stdout.txt", dir, name);
	if (ddp_baseline_stdout_load(&c->out, path, &meta, &err))
		return ddp_cli_fail_error(path, &err);
	if ((o = json_loads(c->out, 0, NULL))) {
		json_t *v = json_object_get(o, "virtual-size");
		const char *fmt = json_string_value(json_object_get(o, "format"));
		if (json_is_integer(v))
			c->vsize = (long long)json_integer_value(v);
		if (fmt)
			snprintf(c->format, sizeof(c->format), "%s", fmt);
		json_decref(o);
	}
	return DDP_EXIT_OK;
}

static void cell_free(cell *c)
{
	free(c->dd_err);
	free(c->out);
}

/* The top-level info keys that differ: " +added -removed ~changed" (a few). */
static void info_keys(FILE *f, const char *a_text, const char *b_text)
{
	json_t *a = json_loads(a_text, 0, NULL), *b = json_loads(b_text, 0, NULL), *v;
	const char *k;
	int shown = 0;

	if (json_is_object(a) && json_is_object(b)) {
		json_object_foreach(b, k, v) {
			json_t *o = json_object_get(a, k);
			if ((!o || !json_equal(o, v)) && shown++ < 3) {
				fputs(o ? " ~" : " +", f);
				esc(f, k);
			}
		}
		json_object_foreach(a, k, v)
			if (!json_object_get(b, k) && shown++ < 3) {
				fputs(" -", f);
				esc(f, k);
			}
		if (shown > 3)
			fputs(" &hellip;", f);
	}
	json_decref(a);
	json_decref(b);
}

/* A size in bytes with its unit beside: "1048576 B (1 MiB)", "3072 B (3 KiB)", "512 B". */
static void size_text(FILE *f, long long n)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double x = (double)n;
	int u = -1;

	if (n < 0) {
		fputs("&ndash;", f);
		return;
	}
	fprintf(f, "%lld&nbsp;B", n);
	while (x >= 1024 && u < 3) {
		x /= 1024;
		u++;
	}
	if (u >= 0)
		fprintf(f, x == (double)(long long)x ? " (%.0f&nbsp;%s)" : " (%.2f&nbsp;%s)", x, units[u]);
}

/* Whether dd's own behaviour differs (exit, stderr, size, format), not only info's text. */
static int cell_dd_same(const cell *a, const cell *b)
{
	return a->present == b->present && a->dd_rc == b->dd_rc && a->info_rc == b->info_rc &&
	       a->vsize == b->vsize && !strcmp(a->format, b->format) &&
	       !strcmp(a->dd_err ? a->dd_err : "", b->dd_err ? b->dd_err : "");
}

/* What differs from a (the version to the left) to b, for people. */
static void cell_delta(FILE *f, const cell *a, const cell *b)
{
	const char *sep = "";

	if (!a->present || !b->present) {
		fputs(b->present ? "baseline added" : "no baseline", f);
		return;
	}
	if (a->dd_rc != b->dd_rc)
		fprintf(f, "%sexit %d&rarr;%d", sep, a->dd_rc, b->dd_rc), sep = "; ";
	if (a->vsize != b->vsize) {
		fputs(sep, f);
		sep = "; ";
		fputs("size ", f);
		size_text(f, a->vsize);
		fputs(" &rarr; ", f);
		size_text(f, b->vsize);
	}
	if (strcmp(a->dd_err, b->dd_err))
		fprintf(f, "%sstderr text", sep), sep = "; ";
	if (strcmp(a->format, b->format) && a->format[0] && b->format[0]) {
		fputs(sep, f), sep = "; ";
		fputs("format ", f);
		esc(f, a->format);
		fputs(" &rarr; ", f);
		esc(f, b->format);
	}
	if (a->info_rc != b->info_rc && !a->dd_rc && !b->dd_rc)
		fprintf(f, "%sinfo exit %d&rarr;%d", sep, a->info_rc, b->info_rc), sep = "; ";
}

typedef struct version_col {
	char name[64];
	char profile[64];
	int pindex;          /* colour */
} version_col;

/* A profile as people name it: the versions it holds ("10.0.2 = 10.0.13"), its hash as a tooltip. */
static void profile_label(FILE *f, const version_col *v, size_t nv, int pindex, const char *profile)
{
	const char *sep = "";

	fputs("<span class=\"prof\" title=\"", f);
	esc(f, profile);
	fputs("\">profile ", f);
	for (size_t j = 0; j < nv; j++)
		if (v[j].pindex == pindex) {
			fputs(sep, f);
			esc(f, v[j].name);
			sep = " = ";
		}
	fputs("</span>", f);
}

static int version_cmp(const void *a, const void *b)
{
	return ddp_version_text_cmp(((const version_col *)a)->name, ((const version_col *)b)->name);
}

static int load_versions(version_col *v, size_t *n, const char *root, char profiles[][64],
                         size_t *nprof)
{
	DIR *d = opendir(root);
	struct dirent *e;
	char map_path[4300];
	ddp_version_map map;
	ddp_error err;

	*n = 0;
	*nprof = 0;
	if (!d)
		return ddp_cli_fail("report: %s: %s", root, strerror(errno));
	while ((e = readdir(d)) && *n < MAX_VERSIONS) {
		char path[4400];
		struct stat st;
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || strlen(e->d_name) >= 64)
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		/* A version directory linked elsewhere would put what it holds in the report. */
		if (ddp_own_dir(path, 0, &err)) {
			closedir(d);
			return ddp_cli_fail("report: %s: %s", err.source, err.message);
		}
		snprintf(v[*n].name, sizeof(v[*n].name), "%s", e->d_name);
		(*n)++;
	}
	closedir(d);
	if (!*n)
		return ddp_cli_fail("report: %s has no version directories", root);
	qsort(v, *n, sizeof(*v), version_cmp);
	snprintf(map_path, sizeof(map_path), "%s/version-map.json", root);
	memset(&map, 0, sizeof(map));
	if (!(access(map_path, F_OK) && errno == ENOENT) && ddp_version_map_load(&map, map_path, &err))
		return ddp_cli_fail_error(map_path, &err);
	for (size_t i = 0; i < *n; i++) {
		const ddp_version_map_entry *m = ddp_version_map_find(&map, v[i].name, 0);
		const char *p = m ? m->profile : NULL;
		size_t k;
		snprintf(v[i].profile, sizeof(v[i].profile), "%s", p ? p : "no-profile");
		for (k = 0; k < *nprof && strcmp(profiles[k], v[i].profile); k++)
			;
		if (k == *nprof && *nprof < MAX_VERSIONS)
			snprintf(profiles[(*nprof)++], 64, "%s", v[i].profile);
		v[i].pindex = (int)k;
	}
	ddp_version_map_free(&map);
	return DDP_EXIT_OK;
}

/* ---- the page ------------------------------------------------------------- */

static const char css[] =
	"body{font:12px/1.35 system-ui,-apple-system,'Segoe UI',sans-serif;margin:16px;color:#1b1b1b;background:#fff}"
	"h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:18px 0 6px}h3{font-size:13px;margin:12px 0 4px}"
	"p.meta{color:#555;margin:0 0 8px}"
	"table{border-collapse:collapse}"
	"table.matrix{table-layout:fixed}"
	"table.matrix th,table.matrix td{border:1px solid #bbb;padding:2px 4px;vertical-align:top;text-align:left}"
	"table.matrix thead th{position:sticky;top:0;background:#eee;z-index:1}"
	"table.matrix th.case{width:300px;font-weight:normal;font-family:ui-monospace,monospace;font-size:11px;word-break:break-all}"
	"table.matrix th.case .ops{color:#666}"
	"table.matrix td.cell{width:220px;font-size:11px}"
	"table.matrix tr.drift-row th.case{font-weight:bold}"
	"td.cell .o{font-family:ui-monospace,monospace}"
	"td.cell .e{color:#7a1010;font-family:ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere}"
	"table.info td{font-family:ui-monospace,monospace}"
	".rules span{display:inline-block;background:#e0e7ff;border-radius:3px;padding:0 4px;margin:1px 2px 1px 0;font:11px ui-monospace,monospace}"
	"details summary{cursor:pointer;color:#555}"
	"td.cell .d{color:#000;background:#ffe36b;border-radius:2px;padding:0 2px;display:inline-block;margin-top:1px}"
	"td.cell.changed{border-left:4px solid #d01c1c}"
	"td.cell.fail .o{font-weight:bold}"
	"td.cell.missing{background:#f4f4f4;color:#999}"
	".p0{background:#dbeafe}.p1{background:#dcfce7}.p2{background:#fde2e2}.p3{background:#efe1fb}"
	".p4{background:#fef3c7}.p5{background:#ccfbf1}.p6{background:#fce7f3}.p7{background:#e5e7eb}"
	".legend span.sw{display:inline-block;padding:2px 8px;margin-right:8px;border:1px solid #bbb}"
	".byte{color:#b00;background:#fee}"
	"table.list th,table.list td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}"
	"table.list th{background:#eee}"
	"pre{margin:2px 0;white-space:pre-wrap;word-break:break-all;font:11px ui-monospace,monospace;background:#f6f6f6;padding:3px}"
	"section.campaign{margin-bottom:16px}"
	".unmeasured{color:#fff;background:#b45309;border-radius:3px;padding:0 4px}";

static void write_cell(FILE *f, const version_col *v, const cell *c, const cell *left,
                       const version_col *lv)
{
	int changed = left && !cell_dd_same(left, c);

	fputs("<td class=\"cell p", f);
	fprintf(f, "%d prof-", v->pindex);
	cls(f, v->profile);
	if (!c->present)
		fputs(" missing", f);
	else if (c->dd_rc)
		fputs(" fail", f);
	if (changed)
		fputs(" changed", f);
	fputs("\" data-version=\"", f);
	esc(f, v->name);
	fputs("\">", f);
	if (!c->present) {
		fputs("no baseline", f);
	} else {
		size_t n = strlen(c->dd_err);
		while (n && c->dd_err[n - 1] == '\n')
			n--;
		fprintf(f, "<div class=\"o\">exit %d", c->dd_rc);
		if (c->vsize >= 0) {
			fputs(" &middot; ", f);
			size_text(f, c->vsize);
			if (c->format[0]) {
				fputs(" ", f);
				esc(f, c->format);
			}
		} else if (!c->dd_rc && c->info_rc > 0) {
			fprintf(f, " &middot; info exit %d", c->info_rc);
		}
		fputs("</div>", f);
		if (n) {
			/* Whole, wrapped by the page: a cut message loses what it says. */
			fputs("<div class=\"e\">", f);
			esc_n(f, c->dd_err, n);
			fputs("</div>", f);
		}
	}
	if (changed) {
		fputs("<div class=\"d\" title=\"differs from ", f);
		esc(f, lv->name);
		fputs("\">&#916; ", f);
		esc(f, lv->name);
		fputs(": ", f);
		cell_delta(f, left, c);
		fputs("</div>", f);
	}
	fputs("</td>", f);
}

static void write_case_head(FILE *f, const ddp_ddcase *c)
{
	char size[64];

	ddp_ddcase_size_column(size, sizeof(size), c);
	fputs("<th class=\"case\" scope=\"row\">", f);
	esc(f, c->name);
	fputs("<div class=\"ops\">", f);
	esc(f, size);
	fputs(" ", f);
	esc(f, c->in_fmt);
	fputs(" &rarr; ", f);
	esc(f, c->out_fmt);
	for (int i = 0; i < c->nops; i++) {
		fputs(" ", f);
		esc(f, c->ops[i]);
	}
	fputs("</div></th>", f);
}

/* The first line of a file under dir (malloc'd, "" when none). */
static char *first_line_of(const char *dir, const char *name)
{
	char *t = slurp(dir, name, "");
	if (!t)
		return strdup("");
	t[strcspn(t, "\n")] = '\0';
	return t;
}

static void write_text_file(FILE *f, const char *dir, const char *name, const char *label)
{
	char *t = slurp(dir, name, "");
	if (!t)
		return;
	fputs("<div>", f);
	esc(f, label);
	fputs(":</div><pre>", f);
	esc_n(f, t, strlen(t) > 4000 ? 4000 : strlen(t));
	fputs("</pre>", f);
	free(t);
}

/*
 * A finding's result.json (in the directory fdir): *r zeroed when there is
 * none; DDP_EXIT_USAGE, said as FILE:LINE: message, when it is corrupt.
 */
static int load_result(ddp_finding_result *r, const char *fdir)
{
	char rp[4700];
	ddp_error err;

	memset(r, 0, sizeof(*r));
	snprintf(rp, sizeof(rp), "%s/result.json", fdir);
	/* Every file of it read, none through a link (a stderr linked to /etc/shadow). */
	if (ddp_finding_check(fdir, &err))
		return ddp_cli_fail("report: %s: %s", err.source, err.message);
	if (access(rp, F_OK) && errno == ENOENT)
		return DDP_EXIT_OK;
	if (ddp_finding_result_load(r, rp, &err))
		return ddp_cli_fail_error(rp, &err);
	return DDP_EXIT_OK;
}

/*
 * The tools of a campaign, from its first finding's result (freed here),
 * a side never measured itself flagged; the <p> is left open.
 */
static void write_campaign_meta(FILE *f, ddp_finding_result *first)
{
	const char *u;

	fputs("<p class=\"meta\">", f);
	if (!first->json)
		return;
	fputs("reference <code>", f);
	esc(f, first->reference);
	fputs("</code>, candidate <code>", f);
	esc(f, first->candidate);
	fputs("</code>, stderr compared ", f);
	esc(f, first->stderr_mode);
	fputs("; ", f);
	/* ci/drift-watch's campaigns: a version modelled by its profile alone */
	u = json_string_value(json_object_get(first->json, "unmeasured"));
	if (u && *u) {
		fputs("<strong class=\"unmeasured\">UNMEASURED: qemu ", f);
		esc(f, u);
		fputs("</strong> (modelled by its profile, never measured itself); ", f);
	}
	ddp_finding_result_free(first);
}

static int write_findings(FILE *f, const char *dir)
{
	char path[4300], fdir[4600];
	json_t *sigs, *val;
	ddp_finding_result first;
	const char *sig;
	size_t total = 0;
	ddp_error err;

	snprintf(path, sizeof(path), "%s/signatures.json", dir);
	if (access(path, F_OK) && errno == ENOENT) {
		struct stat st;
		if (stat(dir, &st) || !S_ISDIR(st.st_mode))
			return ddp_cli_fail("report: --findings %s: no readable signatures.json", dir);
		sigs = json_object(); /* a campaign that found nothing */
	} else if (ddp_signatures_load(&sigs, path, &err)) {
		return ddp_cli_fail_error(path, &err);
	}
	json_object_foreach(sigs, sig, val)
		total += (size_t)json_integer_value(json_object_get(val, "count"));
	fputs("<section class=\"campaign\"><h3>", f);
	esc(f, dir);
	fputs("</h3>", f);
	/* The tools, from the first finding's result.json. */
	memset(&first, 0, sizeof(first));
	json_object_foreach(sigs, sig, val) {
		snprintf(fdir, sizeof(fdir), "%s/%s", dir, json_string_value(json_object_get(val, "dir")));
		if (load_result(&first, fdir)) {
			json_decref(sigs);
			return DDP_EXIT_USAGE;
		}
		if (first.json)
			break;
	}
	write_campaign_meta(f, &first);
	fprintf(f, "%zu groups, %zu divergences</p>", json_object_size(sigs), total);
	fputs("<table class=\"list findings\"><thead><tr><th>group (kinds @ rules)</th><th>count</th>"
	      "<th>case and what differs</th><th>stderr (reference / candidate)</th>"
	      "<th>reproducer</th></tr></thead><tbody>", f);
	json_object_foreach(sigs, sig, val) {
		ddp_finding_result r;
		char *rs, *cs;

		snprintf(fdir, sizeof(fdir), "%s/%s", dir, json_string_value(json_object_get(val, "dir")));
		if (load_result(&r, fdir)) {
			json_decref(sigs);
			return DDP_EXIT_USAGE;
		}
		fputs("<tr class=\"finding\"><td><code>", f);
		esc(f, sig);
		fputs("</code>", f);
		/* The group's rule labels (the model's: what in qemu the cases go through). */
		{
			const char *rules = json_string_value(json_object_get(val, "rules"));
			if (rules && *rules) {
				char *copy = strdup(rules), *save = NULL;
				fputs("<div class=\"rules\">", f);
				for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t;
				     t = strtok_r(NULL, ",", &save)) {
					int id = ddp_rule_lookup(t);
					const char *text = id >= 0 ? ddp_rule_text((ddp_rule)id)
					                           : ddp_map_rule_text(t);
					fputs("<span title=\"", f);
					esc(f, text ? text : "");
					fputs("\">", f);
					esc(f, t);
					fputs("</span>", f);
				}
				fputs("</div>", f);
				free(copy);
			}
		}
		fprintf(f, "</td><td>%lld</td><td>",
		        (long long)json_integer_value(json_object_get(val, "count")));
		/* The group's minimal case first, when it was minimised; the case as found below. */
		{
			const char *headline = json_string_value(json_object_get(val, "headline"));
			if (headline && *headline) {
				fputs("<div>minimal case:</div><pre class=\"minimal\">", f);
				esc(f, headline);
				fputs("</pre><details><summary>as found</summary><pre>", f);
				esc(f, r.case_text);
				fputs("</pre></details>", f);
			} else {
				fputs("<div>case (not minimised):</div><pre>", f);
				esc(f, r.case_text);
				fputs("</pre>", f);
			}
		}
		fputs("<pre>", f);
		esc(f, r.detail);
		fputs("</pre></td><td>", f);
		rs = first_line_of(fdir, "reference.stderr");
		cs = first_line_of(fdir, "candidate.stderr");
		fputs("<pre>", f);
		esc(f, *rs ? rs : "(nothing)");
		fputs("</pre><pre>", f);
		esc(f, *cs ? cs : "(nothing)");
		fputs("</pre></td><td>", f);
		free(rs);
		free(cs);
		write_text_file(f, fdir, "reproduce", "reproduce");
		write_text_file(f, fdir, "minimised", "minimised dd-cases line");
		fputs("</td></tr>", f);
		ddp_finding_result_free(&r);
	}
	fputs("</tbody></table></section>", f);
	json_decref(sigs);
	return DDP_EXIT_OK;
}

/*
 * qemu-img info's own output: where dd behaves the same but info's JSON
 * differs (a field added or dropped by a newer info), one line per change
 * and pair of versions, with how many cases show it.
 */
static void write_info_changes(FILE *f, const cell *cells, const ddp_ddcases *cases,
                               const version_col *v, size_t nv)
{
	fputs("<h2 id=\"info-changes\">Changes of <code>qemu-img info</code>'s own output</h2>\n"
	      "<p class=\"meta\">The output's info JSON differs while dd's behaviour does not: "
	      "info itself changed (+ added, - dropped, ~ changed top-level keys).</p>\n"
	      "<table class=\"list info\"><thead><tr><th>from</th><th>to</th><th>change</th>"
	      "<th>cases</th></tr></thead><tbody>", f);
	for (size_t j = 1; j < nv; j++) {
		char *keys[64];
		size_t count[64], nkeys = 0, examples[64];
		for (size_t i = 0; i < cases->count; i++) {
			const cell *a = &cells[i * nv + j - 1], *b = &cells[i * nv + j];
			char *text = NULL;
			size_t len = 0, k;
			FILE *m;
			if (!a->present || !b->present || !cell_dd_same(a, b) || !strcmp(a->out, b->out))
				continue;
			if (!(m = open_memstream(&text, &len)))
				continue;
			info_keys(m, a->out, b->out);
			fclose(m);
			for (k = 0; k < nkeys && strcmp(keys[k], text); k++)
				;
			if (k < nkeys) {
				count[k]++;
				free(text);
			} else if (nkeys < 64) {
				keys[nkeys] = text;
				examples[nkeys] = i;
				count[nkeys++] = 1;
			} else {
				free(text);
			}
		}
		for (size_t k = 0; k < nkeys; k++) {
			fputs("<tr><td>", f);
			esc(f, v[j - 1].name);
			fputs("</td><td>", f);
			esc(f, v[j].name);
			fprintf(f, "</td><td>%s</td><td>%zu (such as ", keys[k][0] ? keys[k] : "(whitespace or order)",
			        count[k]);
			esc(f, cases->items[examples[k]].name);
			fputs(")</td></tr>", f);
			free(keys[k]);
		}
	}
	fputs("</tbody></table>\n", f);
}

/* What the page is made of: the cases, the versions and their cells. */
typedef struct report {
	const char *title;
	char root[4200];
	ddp_ddcases cases;
	version_col v[MAX_VERSIONS];
	size_t nv, nprof;
	char profiles[MAX_VERSIONS][64];
	cell *cells;       /* cells[i * nv + j]: case i, version j */
	size_t *nchanged;  /* [j]: cases whose dd changes from version j - 1 */
} report;

/* Loads the cases, the versions and every cell.  A ddparity exit status. */
static int report_load(report *r, const char *cases_arg, const char *root_arg)
{
	char cases_path[4200];
	ddp_error err;
	int rc;

	ddp_bl_path(cases_path, sizeof(cases_path), cases_arg ? cases_arg : "expected-outputs/dd-cases");
	ddp_bl_path(r->root, sizeof(r->root), root_arg ? root_arg : "expected-outputs/dd-info-json");
	if (ddp_ddcases_load(&r->cases, cases_path, &err))
		return ddp_cli_fail_error(cases_path, &err);
	if ((rc = load_versions(r->v, &r->nv, r->root, r->profiles, &r->nprof)))
		return rc;
	r->cells = calloc(r->cases.count * r->nv + 1, sizeof(*r->cells));
	r->nchanged = calloc(r->nv + 1, sizeof(*r->nchanged));
	if (!r->cells || !r->nchanged)
		return ddp_cli_fail("report: out of memory");
	for (size_t i = 0; i < r->cases.count; i++)
		for (size_t j = 0; j < r->nv; j++) {
			char dir[4400];
			cell *c = &r->cells[i * r->nv + j];
			snprintf(dir, sizeof(dir), "%s/%s", r->root, r->v[j].name);
			if ((rc = cell_load(c, dir, r->cases.items[i].name)))
				return rc;
			if (j && !cell_dd_same(c - 1, c))
				r->nchanged[j]++;
		}
	return DDP_EXIT_OK;
}

static void report_free(report *r)
{
	for (size_t i = 0; r->cells && i < r->cases.count * r->nv; i++)
		cell_free(&r->cells[i]);
	free(r->cells);
	free(r->nchanged);
	ddp_ddcases_free(&r->cases);
}

/* 1 when a column's version parses and was never measured itself. */
static int version_unmeasured(const char *name)
{
	ddp_version ver;
	ddp_error err;

	return !ddp_version_parse(&ver, name, &err) && !ddp_version_measured(ver);
}

/* The title, what the page covers, and the profiles' legend. */
static void write_head(FILE *f, const report *r)
{
	time_t now = time(NULL);
	char when[64], *rp;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"generator\" content=\"ddparity report\"><title>", f);
	esc(f, r->title);
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>", css);
	esc(f, r->title);
	fprintf(f, "</h1><p class=\"meta\">%zu cases &times; %zu versions, %zu profiles; "
	        "baselines ", r->cases.count, r->nv, r->nprof);
	rp = realpath(r->root, NULL);
	esc(f, rp ? rp : r->root);
	free(rp);
	fprintf(f, "; generated %s by ddparity %s</p>\n", when, DDP_VERSION_STRING);

	/* Legend: one colour per profile. */
	fputs("<p class=\"legend\" id=\"profiles\">", f);
	for (size_t k = 0; k < r->nprof; k++) {
		fprintf(f, "<span class=\"sw p%zu prof-", k % 8);
		cls(f, r->profiles[k]);
		fputs("\">", f);
		profile_label(f, r->v, r->nv, (int)k, r->profiles[k]);
		fputs("</span>", f);
	}
	fputs(" A red left edge and a yellow &#916; mark a cell where dd's behaviour (exit, "
	      "stderr, the output's size or format) differs from the version to its left; rows "
	      "with such a change come first. Changes of <code>qemu-img info</code>'s own output "
	      "have <a href=\"#info-changes\">a section of their own</a>.</p>\n", f);
}

/* The case x version matrix, rows where dd's behaviour drifts first. */
static void write_matrix(FILE *f, const report *r)
{
	size_t nv = r->nv;

	fputs("<h2>Case &times; version</h2>\n<table class=\"matrix\" id=\"matrix\"><thead><tr>"
	      "<th class=\"case\">case</th>", f);
	for (size_t j = 0; j < nv; j++) {
		fprintf(f, "<th class=\"version p%d prof-", r->v[j].pindex % 8);
		cls(f, r->v[j].profile);
		fputs("\" scope=\"col\">", f);
		esc(f, r->v[j].name);
		if (version_unmeasured(r->v[j].name))
			fputs(" <strong class=\"unmeasured\">UNMEASURED</strong>", f);
		fputs("<br><small>", f);
		profile_label(f, r->v, nv, r->v[j].pindex, r->v[j].profile);
		fputs("</small></th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	/* Rows where dd's behaviour drifts first, then the rest, each in dd-cases order. */
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->cases.count; i++) {
			const cell *row = &r->cells[i * nv];
			int drift = 0;
			for (size_t j = 1; j < nv; j++)
				drift |= !cell_dd_same(&row[j - 1], &row[j]);
			if (drift != !pass)
				continue;
			fputs(drift ? "<tr class=\"case-row drift-row\" data-case=\""
			            : "<tr class=\"case-row\" data-case=\"", f);
			esc(f, r->cases.items[i].name);
			fputs("\">", f);
			write_case_head(f, &r->cases.items[i]);
			for (size_t j = 0; j < nv; j++) {
				version_col c = r->v[j];
				c.pindex %= 8;
				write_cell(f, &c, &row[j], j ? &row[j - 1] : NULL, j ? &r->v[j - 1] : NULL);
			}
			fputs("</tr>\n", f);
		}
	fputs("</tbody></table>\n", f);
}

/* Changes between adjacent versions: which cases' dd behaviour changes. */
static void write_changes(FILE *f, const report *r)
{
	size_t nv = r->nv;

	fputs("<h2>Changes of dd between adjacent versions</h2>\n<table class=\"list\" "
	      "id=\"changes\"><thead><tr><th>from</th><th>to</th>"
	      "<th>cases whose dd behaviour changes</th></tr></thead><tbody>", f);
	for (size_t j = 1; j < nv; j++) {
		const char *sep = "";
		fputs("<tr><td>", f);
		esc(f, r->v[j - 1].name);
		fputs("</td><td>", f);
		esc(f, r->v[j].name);
		fprintf(f, "</td><td>%zu", r->nchanged[j]);
		if (r->nchanged[j])
			fputs(": ", f);
		for (size_t i = 0; i < r->cases.count; i++)
			if (!cell_dd_same(&r->cells[i * nv + j - 1], &r->cells[i * nv + j])) {
				fputs(sep, f);
				esc(f, r->cases.items[i].name);
				sep = ", ";
			}
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table>\n", f);
	write_info_changes(f, r->cells, &r->cases, r->v, nv);
}

int ddp_cmd_report(int argc, char **argv)
{
	const char *out_arg = "report.html", *cases_arg = NULL, *root_arg = NULL;
	ddp_opt_list fl = {{0}, 0};
	report r;
	ddp_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc, first;

	memset(&r, 0, sizeof(r));
	r.title = "qemu-img dd across qemu versions";
	{
		const ddp_opt opts[] = {
			{"output", DDP_OPT_STRING, &out_arg},
			{"cases", DDP_OPT_STRING, &cases_arg},
			{"baselines", DDP_OPT_STRING, &root_arg},
			{"title", DDP_OPT_STRING, &r.title},
			{"findings", DDP_OPT_LIST, &fl},
		};
		if ((rc = ddp_cli_options(&first, argc, argv, DDP_OPTS(opts), usage, 0, 0)))
			return rc < 0 ? DDP_EXIT_OK : rc;
	}
	if (fl.n > MAX_FINDINGS)
		return ddp_cli_fail("report: at most %d --findings", MAX_FINDINGS);
	if ((rc = report_load(&r, cases_arg, root_arg)))
		goto out;
	if (!(f = open_memstream(&buf, &len))) {
		rc = ddp_cli_fail("report: out of memory");
		goto out;
	}
	write_head(f, &r);
	write_matrix(f, &r);
	write_changes(f, &r);
	if (fl.n) {
		fputs("<h2 id=\"findings\">Campaign findings, by signature</h2>\n", f);
		for (int k = 0; k < fl.n && !rc; k++)
			rc = write_findings(f, fl.v[k]);
	}
	fputs("</body></html>\n", f);
	if (fclose(f)) {
		rc = ddp_cli_fail("report: out of memory");
		goto out;
	}
	if (rc)
		goto out;
	if (ddp_write_atomic(out_arg, buf, len, &err))
		rc = ddp_cli_fail("report: %s: %s", out_arg, err.message);
	else
		printf("report: %s (%zu cases x %zu versions, %zu profiles, %d campaigns, %zu bytes)\n",
		       out_arg, r.cases.count, r.nv, r.nprof, fl.n, len);
out:
	free(buf);
	report_free(&r);
	return rc;
}
