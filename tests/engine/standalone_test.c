/*
 * standalone_test.c: a finding's reproduce.sh (diff/standalone.c) on
 * crafted cases, with the real qemu-img.
 *
 *  - hostile arguments (command substitutions, backticks, ';', quotes, a
 *    glob, newlines, control and non-UTF-8 bytes) reach the tools byte for
 *    byte, as a candidate that records its argv sees, and nothing of them
 *    runs;
 *  - a big sparse input is made again by the script's recipe and passes
 *    its sha256 check; a small one is copied;
 *  - against the model, the reference is compared with the saved prediction;
 *  - random data too big to keep: the script says to use ddparity reproduce.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "suite/suite.h"

static char root[256];

static void write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path, size_t *len)
{
	char *text;
	ddp_error err;
	if (ddp_read_file(&text, len, path, 1 << 20, &err))
		fail_msg("%s: %s", err.source, err.message);
	return text;
}

/* `sh DIR/reproduce.sh` from root, its output in DIR.out; its exit status. */
static int run_script(const char *dir)
{
	char cmd[1200];
	int st;
	snprintf(cmd, sizeof(cmd), "cd '%s' && sh '%s/reproduce.sh' > '%s.out' 2>&1", root, dir, dir);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void show(const char *dir)
{
	char path[600], *text;
	size_t len;
	snprintf(path, sizeof(path), "%s.out", dir);
	text = read_text(path, &len);
	fprintf(stderr, "---- %s/reproduce.sh printed:\n%s----\n", dir, text);
	free(text);
}

typedef struct setup {
	ddp_config cfg;
	ddp_fixture fx[2];
	ddp_fixtures fixtures;
} setup;

static void make_setup(setup *s)
{
	ddp_error err;
	char fixdir[300];

	memset(s, 0, sizeof(*s));
	ddp_dd_attach(&s->cfg);
	if (ddp_tool_init(&s->cfg.reference, "qemu-img", &err))
		fail_msg("qemu-img: %s (install qemu-utils)", err.message);
	assert_true(s->cfg.reference.is_qemu);
	s->cfg.model_profile = ddp_profile_for(s->cfg.reference.version, NULL);
	s->cfg.stderr_mode = DDP_STDERR_EXACT;
	s->cfg.max_output = DDP_MAX_OUTPUT_DEFAULT;
	/* Above the copy bound: made again by the script.  Below: copied. */
	s->fx[0] = (ddp_fixture){"raw-9M-sparse", "raw", "in.raw", 9 << 20, "sparse", 0, 0, 0, "", ""};
	s->fx[1] = (ddp_fixture){"raw-5000-random", "raw", "in.raw", 5000, "random", 0, 0, 0, "", ""};
	snprintf(fixdir, sizeof(fixdir), "%s/fixtures", root);
	assert_int_equal(mkdir(fixdir, 0755), 0);
	for (int i = 0; i < 2; i++)
		if (ddp_fixture_make(&s->fx[i], fixdir, "qemu-img", &err))
			fail_msg("%s: %s", err.source, err.message);
	s->fixtures.items = s->fx;
	s->fixtures.count = 2;
	s->cfg.fixtures = &s->fixtures;
}

/* Writes the finding's script for c into root/NAME (made); its path in dir. */
static void write_script(char *dir, size_t size, const char *name, const setup *s,
                         const ddp_case *c, const ddp_result *res)
{
	ddp_error err;
	snprintf(dir, size, "%s/%s", root, name);
	assert_int_equal(mkdir(dir, 0755), 0);
	if (ddp_finding_standalone(dir, &s->cfg, c, res, &err))
		fail_msg("%s: %s", err.source, err.message);
}

static void set_case(ddp_case *c, const char *fixture, const char *const *args)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->fixture, sizeof(c->fixture), "%s", fixture);
	for (; *args; args++)
		c->argv[c->argc++] = strdup(*args);
}

static void hostile_arguments(void **state)
{
	static const char *const cases[][6] = {
		/* All valid: the output gets the hostile name. */
		{"bs=512", "count=1", "if=in.raw",
		 "of=o'$(touch pwned1)`touch pwned2`;touch pwned3 \"$HOME\"\\ \n\x01\xff\x7f\xc3\xa9\xc2\x85 *",
		 NULL},
		/* An operand qemu-img rejects, echoed in its stderr; it ends in a newline. */
		{"if=in.raw", "of=out.img", "$(touch pwned4);`touch pwned5`|x&\x1b[31m'\"\xfe\n", "", NULL},
	};
	setup *s = malloc(sizeof(*s));
	char rec[300], record[300], spec[700], dir[400], path[600];
	ddp_result res;

	(void)state;
	make_setup(s);
	/* The candidate: records its argv (NUL-separated), then is the real qemu-img. */
	snprintf(record, sizeof(record), "%s/record", root);
	snprintf(rec, sizeof(rec), "%s/recorder.sh", root);
	{
		char text[800];
		int n = snprintf(text, sizeof(text),
		                 "[ \"$1\" != dd ] || printf '%%s\\0' \"$@\" > '%s'\nexec qemu-img \"$@\"\n",
		                 record);
		write_text(rec, text, (size_t)n);
	}
	snprintf(spec, sizeof(spec), "/bin/sh %s", rec);
	s->cfg.candidate.spec = spec;
	s->cfg.candidate.argv[0] = "/bin/sh";
	s->cfg.candidate.argv[1] = rec;
	s->cfg.candidate.argc = 2;
	memset(&res, 0, sizeof(res));
	snprintf(res.signature, sizeof(res.signature), "exit+stderr");

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		ddp_case c;
		char name[16], *script, *got, want[1024];
		size_t len, glen, wlen = 0;
		int rc;

		set_case(&c, "raw-9M-sparse", cases[k]);
		snprintf(name, sizeof(name), "hostile%zu", k);
		write_script(dir, sizeof(dir), name, s, &c, &res);
		/* The script is text: the odd bytes are printf's octal escapes in it. */
		snprintf(path, sizeof(path), "%s/reproduce.sh", dir);
		script = read_text(path, &len);
		assert_null(memchr(script, '\x01', len));
		assert_null(memchr(script, '\xff', len));
		assert_null(memchr(script, '\x1b', len));
		free(script);
		/* Too big to copy: no input/, the recipe makes it. */
		snprintf(path, sizeof(path), "%s/input", dir);
		assert_int_not_equal(access(path, F_OK), 0);

		unlink(record);
		rc = run_script(dir);
		if (rc != 0)
			show(dir);
		assert_int_equal(rc, 0);
		got = read_text(record, &glen);
		wlen = (size_t)snprintf(want, sizeof(want), "dd") + 1;
		for (int i = 0; i < c.argc; i++) {
			memcpy(want + wlen, c.argv[i], strlen(c.argv[i]) + 1);
			wlen += strlen(c.argv[i]) + 1;
		}
		assert_int_equal(glen, wlen);
		assert_memory_equal(got, want, wlen);
		free(got);
		for (int i = 1; i <= 5; i++) {
			char p[700];
			snprintf(p, sizeof(p), "%s/pwned%d", root, i);
			assert_int_not_equal(access(p, F_OK), 0);
			snprintf(p, sizeof(p), "%s/pwned%d", dir, i);
			assert_int_not_equal(access(p, F_OK), 0);
		}
		ddp_case_free(&c);
	}
	ddp_tool_free(&s->cfg.reference);
	free(s);
}

static void model_prediction(void **state)
{
	static const char *const args[] = {"if=in.raw", "of=out.img", "bs=512", "count=1", NULL};
	setup *s = malloc(sizeof(*s));
	char dir[400], path[600], *out;
	ddp_result res;
	ddp_case c;
	size_t len;
	int rc;

	(void)state;
	make_setup(s);
	s->cfg.candidate.is_model = 1;
	s->cfg.candidate.spec = "model";
	set_case(&c, "raw-5000-random", args);
	memset(&res, 0, sizeof(res));
	snprintf(res.signature, sizeof(res.signature), "exit");

	/* The prediction qemu-img agrees with: exit 0, no stderr, an output. */
	res.cand.exit_code = 0;
	res.cand.output_exists = 1;
	write_script(dir, sizeof(dir), "model-same", s, &c, &res);
	snprintf(path, sizeof(path), "%s/candidate.stderr", dir);
	write_text(path, "", 0);
	snprintf(path, sizeof(path), "%s/input/in.raw", dir); /* small: copied */
	assert_int_equal(access(path, F_OK), 0);
	rc = run_script(dir);
	if (rc != 0)
		show(dir);
	assert_int_equal(rc, 0);

	/* One it does not: exit 1 and an error, no output. */
	res.cand.exit_code = 1;
	res.cand.output_exists = 0;
	write_script(dir, sizeof(dir), "model-differs", s, &c, &res);
	snprintf(path, sizeof(path), "%s/candidate.stderr", dir);
	write_text(path, "qemu-img: nonsense\n", 19);
	rc = run_script(dir);
	show(dir);
	assert_int_equal(rc, 1);
	snprintf(path, sizeof(path), "%s.out", dir);
	out = read_text(path, &len);
	assert_non_null(strstr(out, "exit: reference 0, model 1"));
	assert_non_null(strstr(out, "stderr differs"));
	assert_non_null(strstr(out, "output: reference exists, model absent"));
	free(out);
	ddp_case_free(&c);
	ddp_tool_free(&s->cfg.reference);
	free(s);
}

/* Random data past what a finding keeps: the script says to use ddparity reproduce. */
static void input_too_big(void **state)
{
	static const char *const args[] = {"if=in.raw", "of=out.img", NULL};
	ddp_fixture fx = {"raw-65M-random", "raw", "in.raw", 65 << 20, "random", 0, 0, 65 << 20,
	                  "/nonexistent", "/nonexistent"};
	ddp_fixtures one = {&fx, 1, ""};
	ddp_config cfg;
	ddp_result res;
	ddp_case c;
	char dir[400], path[600], *out;
	size_t len;
	int rc;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	ddp_dd_attach(&cfg);
	cfg.fixtures = &one;
	memset(&res, 0, sizeof(res));
	set_case(&c, "raw-65M-random", args);
	snprintf(dir, sizeof(dir), "%s/big", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(ddp_finding_standalone(dir, &cfg, &c, &res, NULL), DDP_OK);
	snprintf(path, sizeof(path), "%s/input", dir);
	assert_int_not_equal(access(path, F_OK), 0);
	rc = run_script(dir);
	assert_int_equal(rc, 2);
	snprintf(path, sizeof(path), "%s.out", dir);
	out = read_text(path, &len);
	assert_non_null(strstr(out, "too big to keep"));
	assert_non_null(strstr(out, "ddparity reproduce"));
	free(out);
	ddp_case_free(&c);
}

static int make_root(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/ddp-standalone-test-XXXXXX", ddp_temp_root());
	return mkdtemp(root) ? 0 : -1;
}

static int remove_root(void **state)
{
	(void)state;
	ddp_remove_tree(root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hostile_arguments, make_root, remove_root),
		cmocka_unit_test_setup_teardown(model_prediction, make_root, remove_root),
		cmocka_unit_test_setup_teardown(input_too_big, make_root, remove_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
