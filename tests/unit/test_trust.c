/*
 * What the engine and the dd-cases parser let through (issue 14): each row
 * a spelling and whether it may run or be a dd-cases line.  Paths are
 * judged as the kernel and qemu resolve them, operands by what the core's
 * parser reads them as.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "testutil.h"

#include "suite/suite.h"

static const struct {
	const char *args[4]; /* after the fixture's if= (or with of=out.img when an if=) */
	int safe;
} cases[] = {
	{{"of=out.img"}, 1},
	{{"of=sub/out.img"}, 1},
	{{"of=sub/../out.img"}, 1},
	{{"of=in.raw"}, 0},
	{{"of=./in.raw"}, 0},
	{{"of=.//in.raw"}, 0},
	{{"of=sub/../in.raw"}, 0},
	{{"of=in.raw/"}, 0},
	{{"of=in.raw/."}, 0},
	{{"of=/abs"}, 0},
	{{"of=../x"}, 0},
	{{"of=a/../../x"}, 0},
	{{"of=json:{\"file\":{\"driver\":\"file\",\"filename\":\"/etc/passwd\"}}"}, 0},
	{{"of=JSON:{}"}, 0},
	{{"of=nbd:localhost:10809"}, 0},
	{{"of=file:out.img"}, 0},
	{{"--object=secret,id=s,file=/etc/shadow", "of=out.img"}, 0},
	{{"--obj", "secret,id=s", "of=out.img"}, 0},
	/* --image-opts: QemuOpts, only what is provably local. */
	{{"--image-opts", "of=out.img"}, 1},
	{{"--image-opts", "of=driver=raw,filename=out.img"}, 1},
	{{"--image-opts", "if=driver=file,filename=/etc/shadow", "of=out.img"}, 0},
	{{"--image", "if=driver=file,filename=/etc/shadow", "of=out.img"}, 0},
	{{"--image-opts", "if=filename=../x", "of=out.img"}, 0},
	{{"--image-opts", "of=driver=raw,filename=.//in.raw"}, 0},
	{{"--image-opts", "of=driver=raw,file.filename=/etc/x"}, 0},
	{{"--image-opts", "of=driver=nbd,host=localhost"}, 0},
	{{"--image-opts", "of=driver=raw,filename=out.img,,/x"}, 1}, /* one name: "out.img,/x" */
	{{"--image-opts", "of=driver=raw,filename=/x,,out.img"}, 0},
	{{"--image-opts", "of=out.img,backing.filename=/etc/x"}, 0},
	{{"--image-opts", "of=out.img,nofoo"}, 0},
	{{"--image-opts", "of=json:{\"filename\":\"/etc/x\"}"}, 0},
	/* Without --image-opts a plain (missing) file of that name, inside. */
	{{"if=driver=file,filename=/etc/shadow", "of=out.img"}, 1},
};

static void case_is_safe(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(cases); i++) {
		ddp_case c = {.kind = DDP_CASE_DD, .fixture = "raw-5000-random"};
		const char *why = NULL;
		int has_if = 0, safe;

		for (int k = 0; k < 4 && cases[i].args[k]; k++)
			has_if |= !strncmp(cases[i].args[k], "if=", 3);
		if (!has_if)
			c.argv[c.argc++] = strdup("if=in.raw");
		for (int k = 0; k < 4 && cases[i].args[k]; k++)
			c.argv[c.argc++] = strdup(cases[i].args[k]);
		safe = ddp_case_is_safe(&c, &why);
		if (safe != cases[i].safe)
			fail_msg("row %zu (%s %s): %s, want %s", i, cases[i].args[0],
			         cases[i].args[1] ? cases[i].args[1] : "", safe ? "safe" : why,
			         cases[i].safe ? "safe" : "refused");
		ddp_case_free(&c);
	}
}

static const struct {
	const char *ops;
	int at; /* where in ops the refused operand starts; -1: accepted */
} ddcases[] = {
	{"bs=512 count=3", -1},
	{"--image-opts", -1},           /* the runner's if= becomes a node name: opens nothing */
	{"-U bs=512", -1},
	{"-UOqcow2", 0},
	{"-U -O qcow2", 3},
	{"--output-f=qcow2", 0},
	{"--object=secret,id=s,data=x", 0},
	{"bs=1 --obj secret", 5},
	{"--help", 0},
	{"-Uh", 0},
	{"-f raw", -1},                 /* a local format: the input read as another */
	{"--format=qcow2", -1},
	{"-f vvfat", 0},                /* a directory as a disk: never */
	{"--format=nbd", 0},
	{"count=1 -f", 8},              /* would take the runner's if= */
	{"-x -Oqcow2", 3},              /* hidden behind an option error */
	/* The operands' own -O (OUT raw here): the one that applies must be raw. */
	{"-O qcow2 -Oraw", -1},
	{"-UOraw", -1},
	{"-Oraw -O qcow2", 6},
	/* After "--" an -O is an operand to qemu (dashdash-ignored's finding). */
	{"-- -O vpc", -1},
	{"-O vpc --", 0},
	/* Quoted operands: blanks, none, other bytes; a bad quote is refused where it is. */
	{"'- O'", -1},
	{"'' bs=512", -1},
	{"'count=1\\x01' 'it\\'s'", -1},
	{"'- O", 0},
	{"'a\\x00'", 2},
	{"'a\\q'", 2},
	{"'a'b", 3},
	{"if=../x", 0},
	{"of=/etc/x", 0},
	/* A line's own files: as a case's (ddp_case_is_safe), each named where it is. */
	{"if=IN of=OUT bs=512", -1},
	{"bs=512 of=out.img of=b.img", -1},
	{"if=IN of=sub/../in.raw", 6},   /* the input's link */
	{"if=IN of=IN", 6},
	{"--image-opts if=driver=nbd,host=x of=OUT", 13},
	{"of=nbd:localhost:1", 0},
};

static void ddcases_operands(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(ddcases); i++) {
		char line[200];
		ddp_ddcases list;
		ddp_error err;
		int rc;

		/* The operands start at column 16. */
		snprintf(line, sizeof(line), "c%02zu 1M raw raw %s\n", i, ddcases[i].ops);
		rc = ddp_ddcases_parse(&list, line, "dd-cases", &err);
		if (!rc)
			ddp_ddcases_free(&list);
		if (ddcases[i].at >= 0 ? !rc || err.line != 1 || err.column != 16 + ddcases[i].at
		                       : rc != 0)
			fail_msg("'%s': %s (column %d), want %s column %d", ddcases[i].ops,
			         rc ? err.message : "accepted", rc ? err.column : 0,
			         ddcases[i].at >= 0 ? "refused at" : "accepted", 16 + ddcases[i].at);
	}
}

/* A line written by ddp_ddcase_line reads back as the same operands, whatever their bytes. */
static void ddcases_quoting(void **state)
{
	static const char *const ops[][3] = {
		{"- O", "", "bs=512"},
		{"count=1\x01", "it's", "a\\b"},
		{"'quoted'", "\xc3\xa9", "#x"},
	};
	(void)state;
	for (size_t i = 0; i < N_ROWS(ops); i++) {
		ddp_ddcase c = {.name = "q", .size_text = "4k", .size = 4096, .in_fmt = "raw",
		                .out_fmt = "raw", .nops = 3};
		ddp_ddcases list;
		ddp_error err;
		char *line;
		for (int k = 0; k < 3; k++)
			c.ops[k] = (char *)ops[i][k];
		line = ddp_ddcase_line(&c);
		if (ddp_ddcases_parse(&list, line, "dd-cases", &err))
			fail_msg("row %zu: '%s' does not read back: %s", i, line, err.message);
		assert_int_equal(list.count, 1);
		assert_int_equal(list.items[0].nops, 3);
		for (int k = 0; k < 3; k++)
			if (strcmp(list.items[0].ops[k], ops[i][k]))
				fail_msg("row %zu: operand %d reads back as '%s' from '%s'", i, k,
				         list.items[0].ops[k], line);
		ddp_ddcases_free(&list);
		free(line);
	}
}

static const struct {
	const char *name;
	int ok;
} names[] = {
	{"1M-raw-whole-raw", 1},
	{"vhdx-sparse@past-eof", 1},
	{"raw-sparse@4259840+65536", 1},
	{"../../../x", 0},
	{"a/b", 0},
	{".hidden", 0},
	{"-x", 0},
	{"x@", 0},
	{"x@a/b", 0},
	{"x@y@z", 0},
	{"", 0},
};

static void meta_case_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(names); i++) {
		char text[300];
		ddp_error err;
		int rc;

		snprintf(text, sizeof(text), "{\n  \"case_name\": \"%s\"\n}\n", names[i].name);
		rc = ddp_baseline_meta_name_check(text, strlen(text), "x.meta.json", names[i].name, &err);
		if ((rc == 0) != names[i].ok)
			fail_msg("case_name '%s': %s", names[i].name, rc ? err.message : "accepted");
		if (rc && (err.line != 2 || !strstr(err.message, "case_name")))
			fail_msg("case_name '%s': error at line %d: %s", names[i].name, err.line, err.message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(case_is_safe),
		cmocka_unit_test(ddcases_operands),
		cmocka_unit_test(ddcases_quoting),
		cmocka_unit_test(meta_case_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
