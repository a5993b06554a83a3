/*
 * test_map.c: `qemu-img map --output=json` normalised and compared, from
 * the committed map baselines (expected-outputs/map-json: what each qemu
 * version printed) and hand-made broken inputs.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddparity.h"
#include "unit_data.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char *read_baseline(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "expected-outputs/map-json/%s", rel);
	return read_data(path, NULL);
}

/* ---- normalise: real outputs -------------------------------------------- */

static const struct {
	const char *file;   /* under expected-outputs/map-json/ */
	const char *first;  /* the canonical first extent line */
	size_t lines;       /* lines of the canonical form: extents + 2 */
} real_maps[] = {
	/* 5.2: no "present" yet. */
	{"qcow2/5.2.0/qcow2-reordered.stdout.txt",
	 "{\"data\":false,\"depth\":0,\"length\":131072,\"start\":0,\"zero\":true},", 7},
	/* 7.2: "present"; an extent past EOF has length 0. */
	{"window/qcow2/7.2.22/qcow2-sparse@past-eof.stdout.txt",
	 "{\"data\":false,\"depth\":0,\"length\":0,\"present\":false,\"start\":1114112,\"zero\":false}", 3},
	/* 11.1: "compressed"; a compressed cluster has no offset. */
	{"qcow2/11.1.3/qcow2-compressed.stdout.txt",
	 "{\"compressed\":true,\"data\":true,\"depth\":0,\"length\":65536,\"present\":true,\"start\":0,"
	 "\"zero\":false},", 7},
	/* vhdx: data without an offset (the human output's error). */
	{"vhdx/7.2.22/vhdx-zero.stdout.txt",
	 "{\"data\":true,\"depth\":0,\"length\":1048576,\"present\":true,\"start\":0,\"zero\":false}", 3},
	/* An overlay: depth 1 for the backing file's extents. */
	{"qcow2/7.2.22/qcow2-overlay.stdout.txt",
	 "{\"data\":true,\"depth\":0,\"length\":131072,\"offset\":327680,\"present\":true,\"start\":0,"
	 "\"zero\":false},", 8},
};

static void test_normalise_real(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(real_maps); i++) {
		char *text = read_baseline(real_maps[i].file), *out = NULL, *again = NULL;
		size_t lines = 0;
		ddp_error err;

		if (ddp_map_normalise(&out, text, strlen(text), real_maps[i].file, &err))
			fail_msg("%s: %s", real_maps[i].file, err.message);
		for (const char *p = out; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, real_maps[i].lines);
		assert_true(!strncmp(out, "[\n", 2));
		if (strncmp(out + 2, real_maps[i].first, strlen(real_maps[i].first)))
			fail_msg("%s: first extent\n%.*s\nwant\n%s", real_maps[i].file,
			         (int)strcspn(out + 2, "\n"), out + 2, real_maps[i].first);
		/* Idempotent. */
		assert_int_equal(ddp_map_normalise(&again, out, strlen(out), "again", &err), DDP_OK);
		assert_string_equal(out, again);
		ddp_map_free(out);
		ddp_map_free(again);
		free(text);
	}
}

/* ---- normalise: what is not a map ----------------------------------------- */

static const struct {
	const char *text;
	int code;
	int line, column;
	const char *message; /* a part of it */
} bad_maps[] = {
	{"{}", DDP_EINVAL, 1, 1, "must be a JSON array"},
	{"", DDP_EJSON, 1, 0, ""},
	{"[{ \"start\": 0, \"length\": 1, \"depth\": 0, \"zero\": true, \"data\": false},\n{ \"start\": 1}]",
	 DDP_EINVAL, 2, 0, "extent 1 has no \"length\""},
	{"[{ \"start\": 0, \"length\": -512, \"depth\": 0, \"zero\": true, \"data\": false}]", DDP_EINVAL,
	 1, 0, "\"length\" is not an integer >= 0"},
	{"[{ \"start\": 0, \"length\": 1, \"depth\": 0, \"zero\": 1, \"data\": false}]", DDP_EINVAL, 1, 0,
	 "\"zero\" is not true or false"},
	{"[{ \"start\": 0, \"length\": 1, \"depth\": 0, \"zero\": true, \"data\": false, \"offset\": \"0\"}]",
	 DDP_EINVAL, 1, 0, "\"offset\" is not an integer"},
	{"[1]", DDP_EINVAL, 1, 0, "extent 0 is not a JSON object"},
	/* qemu's output cut short by a crash. */
	{"[{ \"start\": 0, \"length\": 65536, \"depth\": 0, \"present\": true,", DDP_EJSON, 1, 0, ""},
	{"[{ \"start\": 0, \"start\": 1}]", DDP_EJSON, 1, 0, "duplicate"},
};

static void test_normalise_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_maps); i++) {
		char *out = (char *)1;
		ddp_error err;
		int rc = ddp_map_normalise(&out, bad_maps[i].text, strlen(bad_maps[i].text), "m.json",
		                           &err);
		if (rc != bad_maps[i].code)
			fail_msg("row %zu: rc %d, want %d (%s)", i, rc, bad_maps[i].code, err.message);
		assert_null(out);
		assert_string_equal(err.source, "m.json");
		assert_int_equal(err.line, bad_maps[i].line);
		if (bad_maps[i].column)
			assert_int_equal(err.column, bad_maps[i].column);
		if (!strstr(err.message, bad_maps[i].message))
			fail_msg("row %zu: message '%s' lacks '%s'", i, err.message, bad_maps[i].message);
	}
	/* A NUL inside: jansson would stop there. */
	{
		static const char nul[] = "[{\"start\":0}]\0junk";
		char *out;
		ddp_error err;
		assert_int_not_equal(ddp_map_normalise(&out, nul, sizeof(nul) - 1, "m.json", &err), DDP_OK);
		assert_int_equal(err.line, 1);
	}
}

/* ---- compare: versions and reimplementation mistakes ---------------------- */

static const struct {
	const char *a, *b;  /* files, or inline text when starting with '[' */
	const char *signature;
	long first;
} compares[] = {
	/* The same image, 5.2 and 7.2: only "present" came. */
	{"qcow2/5.2.0/qcow2-reordered.stdout.txt", "qcow2/7.2.22/qcow2-reordered.stdout.txt",
	 "present", 0},
	/* 7.2 and 10.0: "compressed" came. */
	{"qcow2/7.2.22/qcow2-compressed.stdout.txt", "qcow2/10.0.13/qcow2-compressed.stdout.txt",
	 "compressed", 0},
	/* 10.0.2 and 10.0.13 agree. */
	{"qcow2/10.0.2/qcow2-compressed.stdout.txt", "qcow2/10.0.13/qcow2-compressed.stdout.txt", "",
	 -1},
	/* Adjacent data extents merged although their offsets do not follow. */
	{"qcow2/7.2.22/qcow2-reordered.stdout.txt",
	 "[{ \"start\": 0, \"length\": 131072, \"depth\": 0, \"present\": false, \"zero\": true, \"data\": false},\n"
	 "{ \"start\": 131072, \"length\": 196608, \"depth\": 0, \"present\": true, \"zero\": false, \"data\": true, \"offset\": 458752},\n"
	 "{ \"start\": 327680, \"length\": 720896, \"depth\": 0, \"present\": false, \"zero\": true, \"data\": false}]\n",
	 "extents,data,length,offset,present,start,zero", 1},
	/* Formatting alone is no difference. */
	{"vhdx/7.2.22/vhdx-zero.stdout.txt",
	 "[ {\"zero\":false,\"data\":true,\"start\":0,\"length\":1048576,\"depth\":0,\"present\":true} ]", "",
	 -1},
};

static void test_compare(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(compares); i++) {
		char *a = compares[i].a[0] == '[' ? strdup(compares[i].a) : read_baseline(compares[i].a);
		char *b = compares[i].b[0] == '[' ? strdup(compares[i].b) : read_baseline(compares[i].b);
		ddp_map_diff d;
		ddp_error err;

		if (ddp_map_compare(&d, a, strlen(a), b, strlen(b), &err))
			fail_msg("row %zu: %s: %s", i, err.source, err.message);
		if (strcmp(d.signature, compares[i].signature))
			fail_msg("row %zu: signature '%s', want '%s' (%s)", i, d.signature,
			         compares[i].signature, d.detail);
		assert_int_equal(d.first, compares[i].first);
		assert_true(!d.signature[0] == !d.detail[0]);
		free(a);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_real),
		cmocka_unit_test(test_normalise_bad),
		cmocka_unit_test(test_compare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
