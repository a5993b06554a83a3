/*
 * What promote decides before it writes anything (diff/suite/promote.c),
 * as tables: whether a case or a map window may join its list, and the
 * list with one more line.  Then its workflow (ddp_promote_dd) with the
 * real qemu-img on PATH, on one 1 MiB case in a directory of its own:
 * the references chosen, the steps in their order (what it says on out),
 * and what is refused (a bad dd-cases line, a case already there, a
 * baseline that differs, a reference that is no qemu-img, a minimiser
 * that fails) with nothing written.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "map/map.h"

static const char cases_text[] =
	"1M-raw-whole-raw     1M  raw  raw\n"
	"1M-raw-count2-qcow2  1M  raw  qcow2  bs=512 count=2\n";

/* A case line, and what promote says of it against cases_text (NULL: it may join). */
static const struct {
	const char *line, *refusal;
} case_rows[] = {
	{"new-case  1M  raw  raw  count=1\n", NULL},
	{"1M-raw-whole-raw  1M  raw  vmdk\n", "already has a case named 1M-raw-whole-raw (line 1)"},
	{"other-name  1M  raw  raw\n", "line 1, 1M-raw-whole-raw, is the same case"},
	{"again  1M  raw  qcow2  bs=512 count=2\n", "line 2, 1M-raw-count2-qcow2, is the same case"},
	{"order  1M  raw  qcow2  count=2 bs=512\n", NULL},        /* another dd: operands in order */
	{"input  1M:sparse  raw  qcow2  bs=512 count=2\n", NULL}, /* another input */
	{"bigger  2M  raw  raw\n", NULL},
};

static void test_check_case(void **state)
{
	ddp_ddcases cases, one;
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_ddcases_parse(&cases, cases_text, "dd-cases", &err), DDP_OK);
	for (size_t i = 0; i < N_ROWS(case_rows); i++) {
		int rc;
		assert_int_equal(ddp_ddcases_parse(&one, case_rows[i].line, "row", &err), DDP_OK);
		memset(&err, 0, sizeof(err));
		rc = ddp_promote_check_case(&cases, &one.items[0], "dd-cases", &err);
		if (!case_rows[i].refusal) {
			if (rc)
				fail_msg("row %zu (%s): refused: %s", i, case_rows[i].line, err.message);
		} else {
			assert_int_equal(rc, DDP_EINVAL);
			if (!strstr(err.message, case_rows[i].refusal))
				fail_msg("row %zu: '%s' does not say '%s'", i, err.message, case_rows[i].refusal);
			assert_string_equal(err.source, "dd-cases");
			assert_true(err.line > 0);
		}
		ddp_ddcases_free(&one);
	}
	ddp_ddcases_free(&cases);
}

static const char manifest_text[] =
	"fixture raw-zero  raw  1M  -  -\n"
	"window  mid       mid-64k  128k\n"
	"window  unaligned 4097     12345\n";

/* A window (name, delta from the start, length) and promote's answer against manifest_text. */
static const struct {
	const char *name;
	int64_t delta, length;
	const char *refusal;
} window_rows[] = {
	{"s8192-l4096", 8192, 4096, NULL},
	{"mid", 8192, 4096, "already has a window named mid (line 2)"},
	{"unaligned", 1, 1, "already has a window named unaligned"},
	{"again", 4097, 12345, "line 3, window unaligned, is the same window"},
	{"longer", 4097, 12346, NULL},
	{"whole", 4097, -1, NULL}, /* no --max-length is another window */
};

static void test_check_window(void **state)
{
	ddp_map_manifest m = {0};
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_map_manifest_parse(&m, manifest_text, strlen(manifest_text), "map-fixtures",
	                                        &err), DDP_OK);
	for (size_t i = 0; i < N_ROWS(window_rows); i++) {
		ddp_map_window w = {.at = DDP_MAP_AT_ZERO, .delta = window_rows[i].delta,
		                    .length = window_rows[i].length};
		int rc;
		snprintf(w.name, sizeof(w.name), "%s", window_rows[i].name);
		memset(&err, 0, sizeof(err));
		rc = ddp_promote_check_window(&m, &w, "map-fixtures", &err);
		if (!window_rows[i].refusal) {
			if (rc)
				fail_msg("row %zu (%s): refused: %s", i, w.name, err.message);
		} else {
			assert_int_equal(rc, DDP_EINVAL);
			if (!strstr(err.message, window_rows[i].refusal))
				fail_msg("row %zu: '%s' does not say '%s'", i, err.message, window_rows[i].refusal);
		}
	}
	ddp_map_manifest_free(&m);
}

/* A file's text, the line promote adds, and the file after. */
static const struct {
	const char *text, *line, *joined;
} join_rows[] = {
	{"", "a\n", "a\n"},
	{"x\n", "a\n", "x\na\n"},
	{"x", "a\n", "x\na\n"},       /* a last line without its newline gets one */
	{"x\n\n", "a\n", "x\n\na\n"}, /* blank lines kept */
	{"# c\nx\n", "window w 1 2", "# c\nx\nwindow w 1 2"},
};

static void test_joined(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(join_rows); i++) {
		char *j = ddp_promote_joined(join_rows[i].text, strlen(join_rows[i].text), join_rows[i].line);
		assert_non_null(j);
		assert_string_equal(j, join_rows[i].joined);
		free(j);
	}
}


/* ---- the workflow ------------------------------------------------------------------------ */

/* A directory of its own: dd-cases (cases_text), the baselines' root and a work directory. */
typedef struct wf {
	char dir[512], cases[600], root[600], work[600], finding[600];
	char *out_text;
	size_t out_len;
	FILE *out;
	ddp_promote_opts o;
	ddp_promote_done d;
	ddp_error err;
	const char *minimised; /* the line the test's minimiser gives */
	int minimise_rc, minimise_calls;
} wf;

static const char *const qemu_img[] = {"qemu-img"};

static int wf_minimise(ddp_ddcase *out, void *ctx, const char *finding)
{
	wf *w = ctx;
	ddp_ddcases one;
	ddp_error err;

	w->minimise_calls++;
	assert_string_equal(finding, w->finding);
	if (w->minimise_rc)
		return w->minimise_rc;
	assert_int_equal(ddp_ddcases_parse(&one, w->minimised, "minimised", &err), DDP_OK);
	assert_int_equal(ddp_ddcase_copy(out, &one.items[0]), 0);
	ddp_ddcases_free(&one);
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	char *text = NULL;
	size_t len;
	ddp_error err;
	return ddp_read_file(&text, &len, path, 1 << 20, &err) ? NULL : text;
}

static int wf_setup(void **state)
{
	wf *w = calloc(1, sizeof(*w));
	const char *tmp = getenv("TMPDIR");

	assert_non_null(w);
	snprintf(w->dir, sizeof(w->dir), "%s/test_promote-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->cases, sizeof(w->cases), "%s/dd-cases", w->dir);
	snprintf(w->root, sizeof(w->root), "%s/dd-info-json", w->dir);
	snprintf(w->work, sizeof(w->work), "%s/work", w->dir);
	snprintf(w->finding, sizeof(w->finding), "%s/finding", w->dir);
	write_text(w->cases, cases_text);
	w->out = open_memstream(&w->out_text, &w->out_len);
	w->o = (ddp_promote_opts){w->cases, w->root, qemu_img, 1, 0, 0, 1, w->work, wf_minimise, w,
	                          w->out, NULL};
	*state = w;
	return 0;
}

static int wf_teardown(void **state)
{
	wf *w = *state;
	ddp_promote_done_free(&w->d);
	fclose(w->out);
	free(w->out_text);
	ddp_remove_tree(w->dir);
	free(w);
	return 0;
}

/* A finding directory (what promote tells from a dd-cases name by its case.json). */
static void wf_finding(wf *w, const char *minimised)
{
	char path[700];
	assert_int_equal(mkdir(w->finding, 0755), 0);
	snprintf(path, sizeof(path), "%s/case.json", w->finding);
	write_text(path, "{}\n");
	w->minimised = minimised;
}

/* Promotes what; the status, with out's text flushed. */
static int wf_run(wf *w, const char *what)
{
	int rc = ddp_promote_dd(&w->d, &w->o, what, &w->err);
	fflush(w->out);
	return rc;
}

/* Refused at step: err says why, and nothing was written (dd-cases as it was, no baselines). */
static void assert_refused(wf *w, ddp_promote_step step, const char *why)
{
	char *cases = read_text(w->cases);

	assert_int_equal(w->d.step, step);
	if (!strstr(w->err.message, why))
		fail_msg("'%s' does not say '%s'", w->err.message, why);
	assert_non_null(cases);
	assert_string_equal(cases, cases_text);
	free(cases);
	assert_int_equal(access(w->root, F_OK), -1);
	assert_int_equal(w->d.nwritten, 0);
}

/* The lines of out that start with "promote: ", in order, must start with each of want. */
static void assert_said(const wf *w, const char *const *want, size_t n)
{
	const char *p = w->out_text ? w->out_text : "";
	size_t k = 0;

	for (; *p && k < n; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (!strncmp(p, "promote: ", 9)) {
			if (strncmp(p + 9, want[k], strlen(want[k])))
				fail_msg("said '%.*s', wanted 'promote: %s'", (int)strcspn(p, "\n"), p, want[k]);
			k++;
		}
	if (k < n)
		fail_msg("'promote: %s' not said; out was:\n%s", want[k], w->out_text);
}

static void qemu_img_version(char *buf, size_t size)
{
	ddp_version v;
	ddp_error err;
	assert_int_equal(ddp_qemu_version(&v, "qemu-img", &err), DDP_OK);
	ddp_version_text(buf, size, v);
}

static void test_references(void **state)
{
	wf *w = *state;
	const char *const twice[] = {"qemu-img", "/usr/bin/qemu-img"};
	const char *const not_qemu[] = {"/bin/true"};
	char version[32];
	ddp_bl_ref *refs = NULL;
	size_t n = 0;

	qemu_img_version(version, sizeof(version));
	/* Those given, each with the version its --version says. */
	assert_int_equal(ddp_promote_references(&refs, &n, &w->o, &w->err), DDP_OK);
	assert_int_equal(n, 1);
	assert_string_equal(refs[0].path, "qemu-img");
	assert_string_equal(refs[0].version, version);
	free(refs);
	/* One version twice is refused, as is a program that is no qemu-img. */
	w->o.given = twice;
	w->o.ngiven = 2;
	if (access(twice[1], X_OK) == 0) {
		assert_int_not_equal(ddp_promote_references(&refs, &n, &w->o, &w->err), DDP_OK);
		if (!strstr(w->err.message, "are both qemu-img"))
			fail_msg("%s", w->err.message);
		assert_null(refs);
	}
	w->o.given = not_qemu;
	w->o.ngiven = 1;
	assert_int_not_equal(ddp_promote_references(&refs, &n, &w->o, &w->err), DDP_OK);
	if (strncmp(w->err.message, "promote: /bin/true: ", 20))
		fail_msg("%s", w->err.message);
	assert_int_equal(n, 0);
}

/* A dd-cases case: its baselines and the profiles, dd-cases untouched. */
static void test_name(void **state)
{
	wf *w = *state;
	const char *said[] = {"", "profiles refreshed; for instar's DD_CASES: "};
	char version[32], path[800], expect[800], *cases;

	qemu_img_version(version, sizeof(version));
	snprintf(expect, sizeof(expect), "%s/%s/1M-raw-count2-qcow2.{stdout.txt,stderr.txt,meta.json} "
	         "(dd exit 0)", w->root, version);
	said[0] = expect;
	assert_int_equal(wf_run(w, "1M-raw-count2-qcow2"), DDP_OK);
	assert_int_equal(w->d.step, DDP_PROMOTE_DONE);
	assert_int_equal(w->d.appended, 0);
	assert_int_equal(w->d.nwritten, 1);
	assert_int_equal(w->d.dd_exit[0], 0);
	assert_said(w, said, 2);
	assert_null(strstr(w->out_text, "appended"));
	snprintf(path, sizeof(path), "%s/%s/1M-raw-count2-qcow2.meta.json", w->root, version);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/version-map.json", w->root);
	assert_int_equal(access(path, F_OK), 0);
	cases = read_text(w->cases);
	assert_string_equal(cases, cases_text);
	free(cases);
	assert_non_null(w->d.line);
	/* The case's line as dd-cases writes it (in columns). */
	assert_int_equal(strncmp(w->d.line, "1M-raw-count2-qcow2 ", 20), 0);
	assert_non_null(strstr(w->d.line, " bs=512 count=2\n"));
}

/* A finding: minimised, baselines written, profiles, and its line appended last. */
static void test_finding(void **state)
{
	wf *w = *state;
	const char *said[] = {"", "appended to ", "profiles refreshed; "};
	const char line[] = "new-case  1M  raw  raw  count=1\n";
	char version[32], expect[800], *cases, *p;

	qemu_img_version(version, sizeof(version));
	snprintf(expect, sizeof(expect), "%s/%s/new-case.{", w->root, version);
	said[0] = expect;
	wf_finding(w, line);
	assert_int_equal(wf_run(w, w->finding), DDP_OK);
	assert_int_equal(w->minimise_calls, 1);
	assert_int_equal(w->d.step, DDP_PROMOTE_DONE);
	assert_int_equal(w->d.appended, 1);
	assert_said(w, said, 3);
	/* The profiles are refreshed before the line goes in. */
	p = strstr(w->out_text, "promote: appended to ");
	assert_non_null(p);
	assert_non_null(strstr(w->out_text, "profile-"));
	assert_true(strstr(w->out_text, "profile-") < p);
	cases = read_text(w->cases);
	assert_non_null(cases);
	assert_int_equal(strlen(cases), strlen(cases_text) + strlen(w->d.line));
	assert_memory_equal(cases, cases_text, strlen(cases_text));
	assert_string_equal(cases + strlen(cases_text), w->d.line);
	assert_non_null(strstr(w->d.line, "new-case"));
	free(cases);
}

static void test_refused_bad_line(void **state)
{
	wf *w = *state;

	write_text(w->cases, cases_text);
	{
		FILE *f = fopen(w->cases, "a");
		fputs("broken 1M raw\n", f);
		fclose(f);
	}
	assert_int_not_equal(wf_run(w, "1M-raw-whole-raw"), DDP_OK);
	assert_int_equal(w->d.step, DDP_PROMOTE_CASES);
	assert_string_equal(w->err.source, w->cases);
	assert_int_equal(w->err.line, 3);
	assert_int_equal(strncmp(w->err.message, w->cases, strlen(w->cases)), 0);
	assert_int_equal(access(w->root, F_OK), -1);
	write_text(w->cases, cases_text);
}

static void test_refused_unknown(void **state)
{
	wf *w = *state;

	assert_int_not_equal(wf_run(w, "no-such-case"), DDP_OK);
	assert_refused(w, DDP_PROMOTE_CASE, "is neither a finding directory nor a case of");
	assert_int_equal(w->minimise_calls, 0);
}

static void test_refused_taken(void **state)
{
	wf *w = *state;

	wf_finding(w, "1M-raw-whole-raw  1M  raw  vmdk\n");
	assert_int_not_equal(wf_run(w, w->finding), DDP_OK);
	assert_refused(w, DDP_PROMOTE_CHECK, "already has a case named 1M-raw-whole-raw");
	assert_int_equal(w->d.appended, 0);
	wf_teardown(state);
	wf_setup(state);
	w = *state;
	wf_finding(w, "other-name  1M  raw  raw\n");
	assert_int_not_equal(wf_run(w, w->finding), DDP_OK);
	assert_refused(w, DDP_PROMOTE_CHECK, "is the same case");
}

static void test_refused_minimise(void **state)
{
	wf *w = *state;

	wf_finding(w, "new-case  1M  raw  raw  count=1\n");
	w->minimise_rc = 2;
	assert_int_not_equal(wf_run(w, w->finding), DDP_OK);
	assert_int_equal(w->d.minimise_rc, 2);
	assert_refused(w, DDP_PROMOTE_MINIMISE, "not minimised");
}

static void test_refused_reference(void **state)
{
	wf *w = *state;
	const char *const not_qemu[] = {"/bin/true"};

	w->o.given = not_qemu;
	wf_finding(w, "new-case  1M  raw  raw  count=1\n");
	assert_int_not_equal(wf_run(w, w->finding), DDP_OK);
	assert_refused(w, DDP_PROMOTE_REFERENCES, "/bin/true");
}

/* A baseline there that differs: nothing written without force; written with it. */
static void test_refused_differs(void **state)
{
	wf *w = *state;
	static const char *const suffixes[] = {"stdout.txt", "stderr.txt", "meta.json"};
	char version[32], dir[800], path[900], *text;

	qemu_img_version(version, sizeof(version));
	assert_int_equal(mkdir(w->root, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/%s", w->root, version);
	assert_int_equal(mkdir(dir, 0755), 0);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/1M-raw-whole-raw.%s", dir, suffixes[i]);
		write_text(path, "old\n");
	}
	assert_int_not_equal(wf_run(w, "1M-raw-whole-raw"), DDP_OK);
	assert_int_equal(w->d.step, DDP_PROMOTE_WRITE);
	if (!strstr(w->err.message, "exists and differs"))
		fail_msg("%s", w->err.message);
	assert_int_equal(w->d.nwritten, 0);
	text = read_text(path);
	assert_string_equal(text, "old\n");
	free(text);
	snprintf(path, sizeof(path), "%s/version-map.json", w->root);
	assert_int_equal(access(path, F_OK), -1);
	ddp_promote_done_free(&w->d);
	w->o.force = 1;
	assert_int_equal(wf_run(w, "1M-raw-whole-raw"), DDP_OK);
	assert_int_equal(w->d.step, DDP_PROMOTE_DONE);
	assert_int_equal(access(path, F_OK), 0);
}


/* ---- a map finding: its minimal case as a window, and the workflow's refusals ------------- */

/* A minimal map case's options (at most 5), the window name given, and the line and case it makes (or why not). */
static const struct {
	const char *args[5];
	const char *name, *line, *case_name, *refusal;
} window_of_rows[] = {
	{{"--start-offset", "8192", "--max-length", "4096"}, NULL, "window s8192-l4096 8k 4k",
	 "map-human/raw-zero@s8192-l4096", NULL},
	{{"--output=json", "--max-length", "4096"}, NULL, "window s0-l4096 0 4k",
	 "map-json/raw-zero@s0-l4096", NULL},
	{{"--start-offset", "7"}, "mine", "window mine 7 -", "map-human/raw-zero@mine", NULL},
	{{"--output=json"}, NULL, NULL, NULL, "reads the whole image: it is map-json/raw-zero"},
	{{"--start-offset", "8k"}, NULL, NULL, NULL, "'8k' is not a plain number"},
	{{"-f", "raw"}, NULL, NULL, NULL, "option '-f' is none a manifest window gives"},
	{{"--start-offset", "1"}, "a-name-longer-than-thirty-one-characters", NULL, NULL,
	 "is longer than 31 characters"},
};

static void map_case(ddp_case *c, const char *const *args)
{
	memset(c, 0, sizeof(*c));
	c->kind = DDP_CASE_MAP;
	snprintf(c->fixture, sizeof(c->fixture), "raw-zero");
	for (; c->argc < 5 && args[c->argc]; c->argc++)
		c->argv[c->argc] = strdup(args[c->argc]);
}

static void test_window_of(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(window_of_rows); i++) {
		ddp_map_case_window cw;
		ddp_case c;
		ddp_error err;
		int rc;
		map_case(&c, window_of_rows[i].args);
		rc = ddp_map_window_of(&cw, &c, window_of_rows[i].name, &err);
		ddp_case_free(&c);
		if (window_of_rows[i].refusal) {
			assert_int_equal(rc, DDP_EINVAL);
			if (!strstr(err.message, window_of_rows[i].refusal))
				fail_msg("row %zu: '%s' does not say '%s'", i, err.message,
				         window_of_rows[i].refusal);
			continue;
		}
		if (rc)
			fail_msg("row %zu: %s", i, err.message);
		/* The line's words (the manifest writes them in columns). */
		for (char *p = cw.line, *q = cw.line;; p++)
			if (*p != ' ' || q == cw.line || q[-1] != ' ')
				if (!(*q++ = *p))
					break;
		assert_string_equal(cw.line, window_of_rows[i].line);
		assert_string_equal(cw.name, window_of_rows[i].case_name);
	}
}

/* The map minimiser of the tests: the case of w->minimised's words. */
static int wf_minimise_map(ddp_case *out, void *ctx, const char *finding)
{
	wf *w = ctx;
	const char *args[5] = {0};
	char *words = strdup(w->minimised), *save = NULL;
	int n = 0;

	w->minimise_calls++;
	assert_string_equal(finding, w->finding);
	for (char *t = strtok_r(words, " ", &save); t && n < 4; t = strtok_r(NULL, " ", &save))
		args[n++] = t;
	map_case(out, args);
	free(words);
	return w->minimise_rc;
}

/* A window taken (by name, or the same numbers), or a whole-image case: refused, nothing written. */
static void test_map_refused(void **state)
{
	static const struct {
		const char *minimised, *name, *refusal;
		ddp_promote_map_step step;
	} rows[] = {
		{"--start-offset 8192 --max-length 4096", "mid", "already has a window named mid",
		 DDP_PROMOTE_MAP_MANIFEST},
		{"--start-offset 4097 --max-length 12345", NULL, "window unaligned, is the same window",
		 DDP_PROMOTE_MAP_MANIFEST},
		{"--output=json", NULL, "reads the whole image", DDP_PROMOTE_MAP_WINDOW},
	};
	wf *w = *state;
	char manifest[700], *text;

	snprintf(manifest, sizeof(manifest), "%s/map-fixtures", w->dir);
	write_text(manifest, manifest_text);
	wf_finding(w, NULL);
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		ddp_promote_map_opts o = {manifest, w->root, qemu_img, 1, 0, 1, w->work, rows[i].name,
		                          wf_minimise_map, w, w->out, NULL};
		ddp_promote_map_done d;
		w->minimised = rows[i].minimised;
		assert_int_not_equal(ddp_promote_map(&d, &o, w->finding, &w->err), DDP_OK);
		assert_int_equal(d.step, rows[i].step);
		if (!strstr(w->err.message, rows[i].refusal))
			fail_msg("row %zu: '%s' does not say '%s'", i, w->err.message, rows[i].refusal);
		text = read_text(manifest);
		assert_string_equal(text, manifest_text);
		free(text);
		assert_int_equal(access(w->root, F_OK), -1);
		assert_int_equal(access(w->work, F_OK), -1);
	}
	/* A minimiser that fails: its own status, nothing else done. */
	{
		ddp_promote_map_opts o = {manifest, w->root, qemu_img, 1, 0, 1, w->work, NULL,
		                          wf_minimise_map, w, w->out, NULL};
		ddp_promote_map_done d;
		w->minimised = "--start-offset 1";
		w->minimise_rc = 2;
		assert_int_not_equal(ddp_promote_map(&d, &o, w->finding, &w->err), DDP_OK);
		assert_int_equal(d.step, DDP_PROMOTE_MAP_MINIMISE);
		assert_int_equal(d.minimise_rc, 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_case),
		cmocka_unit_test(test_check_window),
		cmocka_unit_test(test_joined),
		cmocka_unit_test_setup_teardown(test_references, wf_setup, wf_teardown),
		cmocka_unit_test_setup_teardown(test_name, wf_setup, wf_teardown),
		cmocka_unit_test_setup_teardown(test_finding, wf_setup, wf_teardown),
		cmocka_unit_test_setup_teardown(test_refused_bad_line, wf_setup, wf_teardown),
		cmocka_unit_test_setup_teardown(test_refused_unknown, wf_setup, wf_teardown),
		cmocka_unit_test_setup_teardown(test_refused_taken, wf_setup, wf_teardown),
		cmocka_unit_test_setup_teardown(test_refused_minimise, wf_setup, wf_teardown),
		cmocka_unit_test_setup_teardown(test_refused_reference, wf_setup, wf_teardown),
		cmocka_unit_test_setup_teardown(test_refused_differs, wf_setup, wf_teardown),
		cmocka_unit_test(test_window_of),
		cmocka_unit_test_setup_teardown(test_map_refused, wf_setup, wf_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
