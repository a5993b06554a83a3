/*
 * test_info.c: info normalisation, comparison and the known-divergences
 * file, from real `qemu-img info --output=json` outputs (tests/data/info,
 * see make.sh and MANIFEST there) and hand-made hostile inputs.
 */
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

/* ---- test data ------------------------------------------------------------ */

static char *read_info(const char *file)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "tests/data/info/%.200s", file);
	return read_data(rel, NULL);
}

/* One MANIFEST line: the file and the path qemu-img was given. */
typedef struct real_info {
	char file[128];
	char path[1024];
} real_info;

static size_t read_manifest(real_info *out, size_t max)
{
	char *text = read_data("tests/data/info/MANIFEST", NULL);
	size_t n = 0;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *tab1, *tab2;
		if (line[0] == '#')
			continue;
		tab1 = strchr(line, '\t');
		tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		assert_non_null(tab2);
		assert_true(n < max);
		snprintf(out[n].file, sizeof(out[n].file), "%.*s",
		         (int)(tab1 - line), line);
		snprintf(out[n].path, sizeof(out[n].path), "%.*s",
		         (int)(tab2 - tab1 - 1), tab1 + 1);
		n++;
	}
	free(text);
	return n;
}

static char *normalise_ok(const char *text, const char *path)
{
	const char *paths[1] = {path};
	ddp_error err;
	char *out = NULL;
	int rc;

	ddp_error_clear(&err);
	rc = ddp_info_normalise(&out, text, strlen(text), paths, path ? 1 : 0, &err);
	if (rc)
		fail_msg("normalise failed: %s (%d:%d)", err.message, err.line,
		         err.column);
	assert_non_null(out);
	return out;
}

/* ---- real outputs ----------------------------------------------------------- */

/* Every real output: canonical, idempotent, no path or allocation left. */
static void test_real_idempotent(void **state)
{
	real_info infos[64];
	size_t n = read_manifest(infos, ARRAY_SIZE(infos));

	assert_true(n >= 18);
	for (size_t i = 0; i < n; i++) {
		char *raw = read_info(infos[i].file);
		char *once = normalise_ok(raw, infos[i].path);
		char *twice = normalise_ok(once, infos[i].path);
		char *auto_ = normalise_ok(raw, NULL);
		char *auto2 = normalise_ok(once, NULL);

		assert_string_equal(once, twice);
		assert_string_equal(once, auto_);
		assert_string_equal(once, auto2);
		assert_null(strstr(once, infos[i].path));
		assert_non_null(strstr(once, "\"filename\": \"$FILENAME\""));
		assert_non_null(strstr(once, "\"actual-size\": \"$ACTUAL_SIZE\""));
		assert_int_equal(once[strlen(once) - 1], '\n');
		free(raw);
		ddp_info_free(once);
		ddp_info_free(twice);
		ddp_info_free(auto_);
		ddp_info_free(auto2);
	}
}

/* The same dd into two paths: byte-identical canonical text, per format. */
static void test_real_pairs(void **state)
{
	static const char *const formats[] = {
		"raw", "qcow2", "vmdk", "vpc", "vhdx", "qcow", "qed", "vdi", "parallels",
	};
	real_info infos[64];
	size_t n = read_manifest(infos, ARRAY_SIZE(infos));

	for (size_t f = 0; f < ARRAY_SIZE(formats); f++) {
		const real_info *a = NULL, *b = NULL;
		char name_a[64], name_b[64];
		char *ra, *rb, *na, *nb;

		snprintf(name_a, sizeof(name_a), "%s-a.json", formats[f]);
		snprintf(name_b, sizeof(name_b), "%s-b.json", formats[f]);
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(infos[i].file, name_a))
				a = &infos[i];
			if (!strcmp(infos[i].file, name_b))
				b = &infos[i];
		}
		assert_non_null(a);
		assert_non_null(b);
		ra = read_info(a->file);
		rb = read_info(b->file);
		assert_string_not_equal(ra, rb); /* the paths at least differ */
		na = normalise_ok(ra, a->path);
		nb = normalise_ok(rb, b->path);
		assert_string_equal(na, nb);
		free(ra);
		free(rb);
		ddp_info_free(na);
		ddp_info_free(nb);
	}
}

/* The canonical text itself, for the richest format. */
static void test_real_vmdk_golden(void **state)
{
	static const char expected[] =
		"{\n"
		"    \"actual-size\": \"$ACTUAL_SIZE\",\n"
		"    \"cluster-size\": 65536,\n"
		"    \"dirty-flag\": false,\n"
		"    \"filename\": \"$FILENAME\",\n"
		"    \"format\": \"vmdk\",\n"
		"    \"format-specific\": {\n"
		"        \"data\": {\n"
		"            \"cid\": \"$CID\",\n"
		"            \"create-type\": \"monolithicSparse\",\n"
		"            \"extents\": [\n"
		"                {\n"
		"                    \"cluster-size\": 65536,\n"
		"                    \"filename\": \"$FILENAME\",\n"
		"                    \"format\": \"\",\n"
		"                    \"virtual-size\": 70144\n"
		"                }\n"
		"            ],\n"
		"            \"parent-cid\": 4294967295\n"
		"        },\n"
		"        \"type\": \"vmdk\"\n"
		"    },\n"
		"    \"virtual-size\": 70144\n"
		"}\n";
	char *raw = read_info("vmdk-a.json");
	char *out = normalise_ok(raw, "a/out.vmdk");

	assert_string_equal(out, expected);
	free(raw);
	ddp_info_free(out);
}

/* ---- hand-made inputs that normalise ---------------------------------------- */

static const struct {
	const char *name;
	const char *input;
	const char *path;     /* NULL: the top-level filename */
	const char *expected; /* canonical text */
} normal_cases[] = {
	{"empty object", "{}", NULL, "{}\n"},
	{"int64 max is fine", "{\"virtual-size\": 9223372036854775807}", NULL,
	 "{\n    \"virtual-size\": 9223372036854775807\n}\n"},
	{"int64 min is fine", "{\"x\": -9223372036854775808}", NULL,
	 "{\n    \"x\": -9223372036854775808\n}\n"},
	{"other filename kept", "{\"filename\": \"x\", \"children\": [{\"info\": "
	 "{\"filename\": \"y\"}}]}", "x",
	 "{\n    \"children\": [\n        {\n            \"info\": {\n"
	 "                \"filename\": \"y\"\n            }\n        }\n"
	 "    ],\n    \"filename\": \"$FILENAME\"\n}\n"},
	{"children of qemu 8+", "{\"children\": [{\"name\": \"file\", \"info\": "
	 "{\"children\": [], \"filename\": \"/i/x.qcow2\", \"actual-size\": 4096,"
	 " \"format\": \"file\"}}], \"filename\": \"/i/x.qcow2\","
	 " \"actual-size\": 8192}", "/i/x.qcow2",
	 "{\n    \"actual-size\": \"$ACTUAL_SIZE\",\n    \"children\": [\n"
	 "        {\n            \"info\": {\n"
	 "                \"actual-size\": \"$ACTUAL_SIZE\",\n"
	 "                \"children\": [],\n"
	 "                \"filename\": \"$FILENAME\",\n"
	 "                \"format\": \"file\"\n            },\n"
	 "            \"name\": \"file\"\n        }\n    ],\n"
	 "    \"filename\": \"$FILENAME\"\n}\n"},
	{"actual-size of any type", "{\"actual-size\": null}", NULL,
	 "{\n    \"actual-size\": \"$ACTUAL_SIZE\"\n}\n"},
	{"cid outside vmdk kept", "{\"cid\": 5, \"format-specific\": {\"type\": "
	 "\"qcow2\", \"data\": {\"cid\": 6}}}", NULL,
	 "{\n    \"cid\": 5,\n    \"format-specific\": {\n        \"data\": {\n"
	 "            \"cid\": 6\n        },\n        \"type\": \"qcow2\"\n"
	 "    }\n}\n"},
	{"vmdk parent-cid of a child image", "{\"format-specific\": {\"type\": "
	 "\"vmdk\", \"data\": {\"cid\": 1, \"parent-cid\": 77}}}", NULL,
	 "{\n    \"format-specific\": {\n        \"data\": {\n"
	 "            \"cid\": \"$CID\",\n            \"parent-cid\": \"$PARENT_CID\"\n"
	 "        },\n        \"type\": \"vmdk\"\n    }\n}\n"},
	{"non-string filename kept", "{\"filename\": 3}", NULL,
	 "{\n    \"filename\": 3\n}\n"},
	{"escaped keys and unicode", "{\"a/b~c\": \"\\u00e9\\n\", \"\\u00e9\": 1}",
	 NULL, "{\n    \"a/b~c\": \"\xc3\xa9\\n\",\n    \"\xc3\xa9\": 1\n}\n"},
	{"reals", "{\"r\": 1e3, \"s\": 0.1}", NULL,
	 "{\n    \"r\": 1000.0,\n    \"s\": 0.10000000000000001\n}\n"},
	{"marker path", "{\"filename\": \"$FILENAME\"}", "$FILENAME",
	 "{\n    \"filename\": \"$FILENAME\"\n}\n"},
};

static void test_normal_cases(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(normal_cases); i++) {
		char *once = normalise_ok(normal_cases[i].input, normal_cases[i].path);
		char *twice = normalise_ok(once, normal_cases[i].path);

		if (normal_cases[i].expected &&
		    strcmp(once, normal_cases[i].expected))
			fail_msg("%s: got\n%s", normal_cases[i].name, once);
		assert_string_equal(once, twice);
		ddp_info_free(once);
		ddp_info_free(twice);
	}
}

/* ---- hostile inputs ----------------------------------------------------------- */

static const struct {
	const char *name;
	const char *input;
	size_t len;          /* 0: strlen */
	int status;
	const char *message; /* a substring of err.message */
	int line, column;    /* 0: not checked */
	size_t position;
} hostile_cases[] = {
	{"uint64 max", "{\"virtual-size\": 18446744073709551615}", 0, DDP_ERANGE,
	 "integer out of range (above INT64_MAX", 1, 18, 17},
	{"uint64 max names the member", "{\n  \"format\": \"raw\",\n"
	 "  \"virtual-size\": 18446744073709551615\n}", 0, DDP_ERANGE,
	 "18446744073709551615 in member \"virtual-size\"", 3, 19, 39},
	{"int64 max + 1 in an array", "{\"a\": [1, 9223372036854775808]}", 0,
	 DDP_ERANGE, "above INT64_MAX", 1, 11, 10},
	{"below int64 min", "{\"a\": -9223372036854775809}", 0, DDP_ERANGE,
	 "below INT64_MIN", 1, 7, 6},
	{"real overflow", "{\"a\": 1e999}", 0, DDP_ERANGE, "real number out of range",
	 1, 7, 6},
	{"huge integer at the end", "{\"a\": 99999999999999999999999", 0, DDP_ERANGE,
	 "above INT64_MAX", 0, 0, 6},
	{"duplicate key", "{\"a\": 1, \"a\": 2}", 0, DDP_EJSON,
	 "duplicate object key", 1, 12, 0},
	{"duplicate key deep", "{\"x\": {\"format\": 1, \"format\": 1}}", 0,
	 DDP_EJSON, "duplicate object key", 0, 0, 0},
	{"empty", "", 0, DDP_EJSON, "invalid JSON", 0, 0, 0},
	{"truncated", "{\"a\":", 0, DDP_EJSON, "invalid JSON", 1, 0, 0},
	{"trailing garbage", "{} x", 0, DDP_EJSON, "end of file expected", 1, 4, 0},
	{"array, not object", "[1, 2]", 0, DDP_EINVAL, "must be a JSON object", 1,
	 1, 0},
	{"scalar", "3", 0, DDP_EJSON, "invalid JSON", 0, 0, 0},
	{"NUL byte in text", "{\"a\": 1\0}", 9, DDP_EJSON, "NUL byte", 1, 8, 7},
	{"NUL byte after the text", "{\"a\": 1}\n\0", 10, DDP_EJSON, "NUL byte", 2,
	 1, 9},
	{"escaped NUL", "{\"a\": \"\\u0000\"}", 0, DDP_EJSON, "\\u0000", 0, 0, 0},
	{"invalid UTF-8", "{\"a\": \"\xff\"}", 0, DDP_EJSON, "invalid JSON", 0, 0, 0},
	{"lone surrogate", "{\"a\": \"\\ud800\"}", 0, DDP_EJSON, "invalid JSON", 0,
	 0, 0},
	{"single quotes", "{'a': 1}", 0, DDP_EJSON, "invalid JSON", 1, 0, 0},
	{"NaN", "{\"a\": NaN}", 0, DDP_EJSON, "invalid JSON", 0, 0, 0},
};

static void test_hostile_cases(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(hostile_cases); i++) {
		const char *in = hostile_cases[i].input;
		size_t len = hostile_cases[i].len ? hostile_cases[i].len : strlen(in);
		ddp_error err;
		char *out = (char *)1;
		int rc;

		ddp_error_clear(&err);
		rc = ddp_info_normalise(&out, in, len, NULL, 0, &err);
		if (rc != hostile_cases[i].status ||
		    !strstr(err.message, hostile_cases[i].message))
			fail_msg("%s: status %d, message '%s'", hostile_cases[i].name, rc,
			         err.message);
		assert_null(out);
		assert_int_equal(err.code, rc);
		assert_string_equal(err.source, "info");
		if (hostile_cases[i].line)
			assert_int_equal(err.line, hostile_cases[i].line);
		if (hostile_cases[i].column)
			assert_int_equal(err.column, hostile_cases[i].column);
		if (hostile_cases[i].position)
			assert_int_equal(err.position, hostile_cases[i].position);
	}
}

/* {"a": [[...[1]...]]} with `levels` containers in all. */
static char *nested(int levels)
{
	char *s = malloc((size_t)levels * 2 + 16), *p = s;

	assert_non_null(s);
	p += sprintf(p, "{\"a\":");
	for (int i = 1; i < levels; i++)
		*p++ = '[';
	*p++ = '1';
	for (int i = 1; i < levels; i++)
		*p++ = ']';
	strcpy(p, "}");
	return s;
}

/* Deep nesting (ours and past jansson's own limit), long inputs, NULLs. */
static void test_hostile_generated(void **state)
{
	size_t depth = 100000, n = 2 * depth + 1;
	char *deep, *out = NULL;
	ddp_error err;

	deep = nested(DDP_INFO_MAX_DEPTH);
	out = normalise_ok(deep, NULL);
	ddp_info_free(out);
	free(deep);
	deep = nested(DDP_INFO_MAX_DEPTH + 1);
	assert_int_equal(ddp_info_normalise(&out, deep, strlen(deep), NULL, 0, &err),
	                 DDP_EJSON);
	assert_null(out);
	assert_non_null(strstr(err.message,
	                       "nesting too deep (more than 64 levels) at /a/0/0/0/"));
	free(deep);

	deep = malloc(n + 1);
	assert_non_null(deep);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	assert_int_equal(ddp_info_normalise(&out, deep, strlen(deep), NULL, 0, &err),
	                 DDP_EJSON);
	assert_non_null(strstr(err.message, "nesting too deep"));
	for (size_t i = 0; i < depth; i++) {
		deep[i] = i % 2 ? '{' : '[';
	}
	assert_int_not_equal(ddp_info_normalise(&out, deep, depth, NULL, 0, &err),
	                     DDP_OK);
	free(deep);

	/* a long key and a long string value are fine */
	{
		size_t big = 1 << 20;
		char *text = malloc(2 * big + 32);
		char *p = text;
		assert_non_null(text);
		p += sprintf(p, "{\"");
		memset(p, 'k', big);
		p += big;
		p += sprintf(p, "\": \"");
		memset(p, 'v', big);
		p += big;
		p += sprintf(p, "\"}");
		assert_int_equal(ddp_info_normalise(&out, text, (size_t)(p - text),
		                                    NULL, 0, &err), DDP_OK);
		ddp_info_free(out);
		free(text);
	}
	/* NULL text */
	assert_int_equal(ddp_info_normalise(&out, NULL, 3, NULL, 0, &err), DDP_EINVAL);
	assert_int_equal(ddp_info_normalise(NULL, "{}", 2, NULL, 0, &err), DDP_EINVAL);
	/* a buffer without terminator: only len bytes are read */
	assert_int_equal(ddp_info_normalise(&out, "{\"a\": 1}garbage", 8, NULL, 0,
	                                    &err), DDP_OK);
	assert_string_equal(out, "{\n    \"a\": 1\n}\n");
	ddp_info_free(out);
	/* no error record is fine */
	assert_int_equal(ddp_info_normalise(&out, "[", 1, NULL, 0, NULL), DDP_EJSON);
}

/* ---- comparison ------------------------------------------------------------- */

static const struct {
	const char *a, *b;      /* files in tests/data/info */
	const char *profile;
	const char *signature;
	const char *pointer;    /* the first difference, or NULL */
	const char *va, *vb;    /* its values (NULL: absent) */
	size_t count;
} compare_files[] = {
	{"vpc-34816.json", "vpc-35807232.json", "parity", "virtual-size",
	 "/virtual-size", "34816", "35807232", 1},
	{"vpc-34816.json", "vpc-35807232.json", "strict", "virtual-size",
	 "/virtual-size", "34816", "35807232", 1},
	{"vpc-35686400.json", "vpc-35807232.json", "parity", "virtual-size",
	 "/virtual-size", "35686400", "35807232", 1},
	{"vhdx-8m.json", "vhdx-32m.json", "parity", "cluster-size",
	 "/cluster-size", "8388608", "33554432", 1},
	{"vmdk-a.json", "vmdk-b.json", "strict", "", NULL, NULL, NULL, 0},
	{"vpc-a.json", "vhdx-a.json", "parity", "cluster-size,format,virtual-size",
	 "/cluster-size", "2097152", "8388608", 3},
	{"raw-a.json", "qcow2-a.json", "parity",
	 "cluster-size,format,format-specific", "/cluster-size", NULL, "65536", 3},
	{"qcow2-a.json", "parallels-a.json", "parity",
	 "cluster-size,dirty-flag,format,format-specific", "/cluster-size",
	 "65536", NULL, 4},
	{"qcow2-a.json", "raw-a.json", "strict",
	 "cluster-size,format,format-specific", "/cluster-size", "65536", NULL, 3},
};

static char *normalised_file(const char *file)
{
	char *raw = read_info(file);
	char *n = normalise_ok(raw, NULL);
	free(raw);
	return n;
}

static void test_compare_files(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(compare_files); i++) {
		const ddp_info_profile *profile;
		char *a = normalised_file(compare_files[i].a);
		char *b = normalised_file(compare_files[i].b);
		ddp_info_diff *diff;
		ddp_error err;

		assert_int_equal(ddp_info_profile_lookup(&profile,
		                 compare_files[i].profile, &err), DDP_OK);
		assert_int_equal(ddp_info_compare(&diff, a, strlen(a), b, strlen(b),
		                                  profile, &err), DDP_OK);
		if (strcmp(diff->signature, compare_files[i].signature))
			fail_msg("%s vs %s: signature '%s'", compare_files[i].a,
			         compare_files[i].b, diff->signature);
		assert_int_equal(diff->count, compare_files[i].count);
		assert_ptr_equal(diff->profile, profile);
		if (compare_files[i].pointer) {
			const ddp_info_difference *d = &diff->items[0];
			assert_string_equal(d->pointer, compare_files[i].pointer);
			if (compare_files[i].va)
				assert_string_equal(d->a, compare_files[i].va);
			else
				assert_null(d->a);
			if (compare_files[i].vb)
				assert_string_equal(d->b, compare_files[i].vb);
			else
				assert_null(d->b);
		}
		ddp_info_diff_free(diff);
		ddp_info_free(a);
		ddp_info_free(b);
	}
}

/* Hand-made pairs, with hand-made profiles for the rule kinds. */
static const ddp_info_rule extents_rules[] = {
	{"/format-specific/data/extents/*/virtual-size", DDP_INFO_EQUAL},
	{"/children", DDP_INFO_PRESENCE},
};
static const ddp_info_rule ignore_rules[] = {
	{"", DDP_INFO_EQUAL},
	{"/children", DDP_INFO_IGNORE},
	{"/x~1y", DDP_INFO_IGNORE},
};
static const ddp_info_profile extents_profile = {
	"extents", "test", extents_rules, ARRAY_SIZE(extents_rules)};
static const ddp_info_profile ignore_profile = {
	"ignore", "test", ignore_rules, ARRAY_SIZE(ignore_rules)};
static const ddp_info_profile empty_profile = {"empty", "test", NULL, 0};

static const struct {
	const char *name;
	const char *a, *b;
	const ddp_info_profile *profile; /* NULL: by name */
	const char *profile_name;
	const char *signature;
	const char *first_pointer;
} compare_cases[] = {
	{"equal", "{\"a\": 1}", "{\"a\": 1}", NULL, "strict", "", NULL},
	{"key order does not matter", "{\"a\": 1, \"b\": 2}", "{\"b\": 2, \"a\": 1}",
	 NULL, "strict", "", NULL},
	{"type change", "{\"a\": 1}", "{\"a\": \"1\"}", NULL, "strict", "a", "/a"},
	{"object against scalar", "{\"a\": {\"b\": 1}}", "{\"a\": 1}", NULL,
	 "strict", "a", "/a"},
	{"nested leaf", "{\"a\": {\"b\": 1, \"c\": 2}}", "{\"a\": {\"b\": 1, \"c\": 3}}",
	 NULL, "strict", "a/c", "/a/c"},
	{"array length, indices as *", "{\"a\": [1, 2]}", "{\"a\": [1, 2, 3, 4]}",
	 NULL, "strict", "a/*", "/a/2"},
	{"escaping", "{\"x/y\": 1, \"p~q\": 1, \"c,d%\": 1}",
	 "{\"x/y\": 2, \"p~q\": 2, \"c,d%\": 2}", NULL, "strict",
	 "c%2Cd%25,p~0q,x~1y", "/c,d%"},
	{"parity ignores the rest", "{\"virtual-size\": 1, \"children\": []}",
	 "{\"virtual-size\": 1, \"other\": 2}", NULL, "parity", "", NULL},
	{"parity: format-specific leaf",
	 "{\"format-specific\": {\"type\": \"qcow2\", \"data\": {\"compat\": \"1.1\"}}}",
	 "{\"format-specific\": {\"type\": \"qcow2\", \"data\": {\"compat\": \"0.10\"}}}",
	 NULL, "parity", "format-specific/data/compat", "/format-specific/data/compat"},
	{"wildcard rule",
	 "{\"format-specific\": {\"data\": {\"extents\": [{\"virtual-size\": 1, "
	 "\"x\": 1}, {\"virtual-size\": 2}]}}}",
	 "{\"format-specific\": {\"data\": {\"extents\": [{\"virtual-size\": 1, "
	 "\"x\": 2}, {\"virtual-size\": 3}]}}}",
	 &extents_profile, NULL, "format-specific/data/extents/*/virtual-size",
	 "/format-specific/data/extents/1/virtual-size"},
	{"wildcard rule, one side absent", "{}",
	 "{\"format-specific\": {\"data\": {\"extents\": [{\"virtual-size\": 1}]}}}",
	 &extents_profile, NULL, "format-specific/data/extents/*/virtual-size",
	 "/format-specific/data/extents/0/virtual-size"},
	{"presence: both there", "{\"children\": [1]}", "{\"children\": [2]}",
	 &extents_profile, NULL, "", NULL},
	{"presence: one missing", "{\"children\": [1]}", "{}",
	 &extents_profile, NULL, "children", "/children"},
	{"ignore under equal", "{\"children\": [1], \"x/y\": 1, \"z\": 1}",
	 "{\"children\": [2], \"x/y\": 2, \"z\": 2}", &ignore_profile, NULL, "z",
	 "/z"},
	{"empty profile compares nothing", "{\"a\": 1}", "{\"a\": 2}",
	 &empty_profile, NULL, "", NULL},
	{"same field twice in the signature once",
	 "{\"e\": [{\"s\": 1}, {\"s\": 1}]}", "{\"e\": [{\"s\": 2}, {\"s\": 2}]}",
	 NULL, "strict", "e/*/s", "/e/0/s"},
};

static void test_compare_cases(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(compare_cases); i++) {
		const ddp_info_profile *profile = compare_cases[i].profile;
		const char *a = compare_cases[i].a, *b = compare_cases[i].b;
		ddp_info_diff *diff;
		ddp_error err;

		if (!profile)
			assert_int_equal(ddp_info_profile_lookup(&profile,
			                 compare_cases[i].profile_name, &err), DDP_OK);
		assert_int_equal(ddp_info_compare(&diff, a, strlen(a), b, strlen(b),
		                                  profile, &err), DDP_OK);
		if (strcmp(diff->signature, compare_cases[i].signature))
			fail_msg("%s: signature '%s'", compare_cases[i].name,
			         diff->signature);
		if (compare_cases[i].first_pointer) {
			assert_true(diff->count > 0);
			assert_string_equal(diff->items[0].pointer,
			                    compare_cases[i].first_pointer);
		} else {
			assert_int_equal(diff->count, 0);
		}
		ddp_info_diff_free(diff);
	}
}

static void test_compare_errors(void **state)
{
	const ddp_info_profile *strict;
	ddp_info_diff *diff = (ddp_info_diff *)1;
	ddp_error err;
	const char *big = "{\"virtual-size\": 18446744073709551615}";

	assert_int_equal(ddp_info_profile_lookup(&strict, "strict", &err), DDP_OK);
	assert_int_equal(ddp_info_compare(&diff, "{}", 2, big, strlen(big), strict,
	                                  &err), DDP_ERANGE);
	assert_null(diff);
	assert_string_equal(err.source, "B");
	assert_int_equal(ddp_info_compare(&diff, "{", 1, "{}", 2, strict, &err),
	                 DDP_EJSON);
	assert_string_equal(err.source, "A");
	assert_int_equal(ddp_info_compare(&diff, "{}", 2, "{}", 2, NULL, &err),
	                 DDP_EINVAL);
}

static void test_diff_json(void **state)
{
	const ddp_info_profile *parity;
	const char *a = "{\"virtual-size\": 34816, \"format\": \"vpc\"}";
	const char *b = "{\"virtual-size\": 35807232}";
	ddp_info_diff *diff;
	ddp_error err;
	char *json;

	assert_int_equal(ddp_info_profile_lookup(&parity, "parity", &err), DDP_OK);
	assert_int_equal(ddp_info_compare(&diff, a, strlen(a), b, strlen(b), parity,
	                                  &err), DDP_OK);
	assert_int_equal(ddp_info_diff_to_json(&json, diff, &err), DDP_OK);
	assert_string_equal(json,
		"{\n"
		"    \"differences\": [\n"
		"        {\n"
		"            \"a\": \"vpc\",\n"
		"            \"pointer\": \"/format\"\n"
		"        },\n"
		"        {\n"
		"            \"a\": 34816,\n"
		"            \"b\": 35807232,\n"
		"            \"pointer\": \"/virtual-size\"\n"
		"        }\n"
		"    ],\n"
		"    \"equal\": false,\n"
		"    \"profile\": \"parity\",\n"
		"    \"signature\": \"format,virtual-size\"\n"
		"}\n");
	ddp_info_free(json);
	ddp_info_diff_free(diff);
}

static void test_profiles(void **state)
{
	const ddp_info_profile *p;
	ddp_error err;

	assert_int_equal(ddp_info_profile_count(), 2);
	assert_string_equal(ddp_info_profile_at(0)->name, "strict");
	assert_string_equal(ddp_info_profile_at(1)->name, "parity");
	assert_null(ddp_info_profile_at(2));
	assert_int_equal(ddp_info_profile_lookup(&p, "parity", &err), DDP_OK);
	assert_ptr_equal(p, ddp_info_profile_at(1));
	assert_int_equal(ddp_info_profile_lookup(&p, "Parity", &err), DDP_EINVAL);
	assert_null(p);
	assert_non_null(strstr(err.message, "unknown profile 'Parity'"));
	assert_non_null(strstr(err.message, "strict, parity"));
	assert_int_equal(ddp_info_profile_lookup(&p, NULL, &err), DDP_EINVAL);
}

static void test_volatile_table(void **state)
{
	size_t n = ddp_info_volatile_count();

	assert_true(n >= 5);
	assert_null(ddp_info_volatile_at(n));
	for (size_t i = 0; i < n; i++) {
		const ddp_info_volatile *v = ddp_info_volatile_at(i);
		assert_true(v->key[0] && v->scope[0] && v->why[0]);
		assert_int_equal(v->marker[0], '$');
	}
}

/* ---- known divergences ------------------------------------------------------- */

static const struct {
	const char *name;
	const char *text;
	int status;
	const char *message;
	int line, column;
	size_t count;
} known_cases[] = {
	{"empty file", "", DDP_OK, NULL, 0, 0, 0},
	{"comments and blanks", "# x\n\n   \t\n  # y\n", DDP_OK, NULL, 0, 0, 0},
	{"one entry", "*vhdx*  cluster-size  32 MiB blocks\n", DDP_OK, NULL, 0, 0, 1},
	{"CRLF and no final newline",
	 "# c\r\nvpc-*\tvirtual-size,format-specific/data/*\tCHS\r\nq? a b c", DDP_OK,
	 NULL, 0, 0, 2},
	{"no fields", "\n*vhdx*\n", DDP_EINVAL, "expected FIELD", 2, 7, 0},
	{"no reason", "*vhdx* cluster-size   \n", DDP_EINVAL, "expected a reason",
	 1, 23, 0},
	{"empty field", "a b,,c why\n", DDP_EINVAL, "empty field", 1, 5, 0},
	{"trailing comma", "a b, why\n", DDP_EINVAL, "empty field", 1, 5, 0},
	{"leading slash", "# x\n\na /virtual-size why\n", DDP_EINVAL,
	 "without its leading '/'", 3, 3, 0},
	{"empty segment", "a format-specific//data why\n", DDP_EINVAL,
	 "empty segment", 1, 19, 0},
	{"control character", "a b c\x01\n", DDP_EINVAL, "control character 0x01",
	 1, 6, 0},
	{"non-ASCII pattern", "\xc3\xa9 b why\n", DDP_EINVAL, "printable ASCII",
	 1, 1, 0},
	{"duplicate", "a b why\nc d why\na  b  again\n", DDP_EINVAL,
	 "duplicate entry (the same pattern and fields as line 1)", 3, 1, 0},
	{"NUL byte", "a b why\0\n", DDP_EINVAL, "control character 0x00", 1, 8, 0},
};

static void test_known_parse(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_cases); i++) {
		const char *text = known_cases[i].text;
		size_t len = strlen(text);
		ddp_known_divergences *list = NULL;
		ddp_error err;
		int rc;

		if (!strcmp(known_cases[i].name, "NUL byte"))
			len = 9;
		ddp_error_clear(&err);
		rc = ddp_known_divergences_parse(&list, text, len, "kd.txt", &err);
		if (rc != known_cases[i].status)
			fail_msg("%s: status %d (%s)", known_cases[i].name, rc, err.message);
		if (rc) {
			assert_null(list);
			if (!strstr(err.message, known_cases[i].message))
				fail_msg("%s: message '%s'", known_cases[i].name, err.message);
			assert_string_equal(err.source, "kd.txt");
			assert_int_equal(err.line, known_cases[i].line);
			assert_int_equal(err.column, known_cases[i].column);
		} else {
			assert_non_null(list);
			assert_int_equal(list->count, known_cases[i].count);
			assert_string_equal(list->source, "kd.txt");
			ddp_known_divergences_free(list);
		}
	}
}

static void test_known_match(void **state)
{
	const char *text =
		"# known\n"
		"*vhdx*       cluster-size                  32 MiB blocks\n"
		"vpc-*        virtual-size,format-specific/*  CHS search\n"
		"*            format-specific/data/extents/*/cluster-size  extents\n";
	static const struct {
		const char *case_name, *signature;
		int line; /* 0: no match */
	} matches[] = {
		{"vhdx/bs=512", "cluster-size", 2},
		{"qcow2/x", "cluster-size", 0},
		{"vhdx/bs=512", "cluster-size,virtual-size", 0},
		{"vpc-1", "virtual-size", 3},
		{"vpc-1", "format-specific/data/x,virtual-size", 3},
		{"vpc-1", "", 0},
		{"vmdk", "format-specific/data/extents/*/cluster-size", 4},
		{"vmdk", "format-specific/data/extents/*/virtual-size", 0},
	};
	ddp_known_divergences *list;
	const ddp_known_divergence *e;
	ddp_error err;

	assert_int_equal(ddp_known_divergences_parse(&list, text, strlen(text),
	                                             "kd", &err), DDP_OK);
	assert_int_equal(list->count, 3);
	assert_int_equal(list->entries[1].n_fields, 2);
	assert_string_equal(list->entries[1].fields[1], "format-specific/*");
	assert_string_equal(list->entries[1].reason, "CHS search");
	for (size_t i = 0; i < ARRAY_SIZE(matches); i++) {
		assert_int_equal(ddp_known_divergences_match(&e, list,
		                 matches[i].case_name, matches[i].signature, &err), DDP_OK);
		if (!matches[i].line)
			assert_null(e);
		else if (!e || e->line != matches[i].line)
			fail_msg("%s %s: matched line %d", matches[i].case_name,
			         matches[i].signature, e ? e->line : 0);
	}
	assert_int_equal(ddp_known_divergences_match(&e, NULL, "a", "b", &err),
	                 DDP_EINVAL);
	ddp_known_divergences_free(list);
}

/* The project's own file parses. */
static void test_known_project_file(void **state)
{
	size_t len;
	char *text = read_data("expected-outputs/known-divergences", &len);
	ddp_known_divergences *list;
	ddp_error err;

	if (ddp_known_divergences_parse(&list, text, len,
	                                "expected-outputs/known-divergences", &err))
		fail_msg("%s:%d:%d: %s", err.source, err.line, err.column, err.message);
	assert_true(list->count >= 1);
	ddp_known_divergences_free(list);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_idempotent),
		cmocka_unit_test(test_real_pairs),
		cmocka_unit_test(test_real_vmdk_golden),
		cmocka_unit_test(test_normal_cases),
		cmocka_unit_test(test_hostile_cases),
		cmocka_unit_test(test_hostile_generated),
		cmocka_unit_test(test_compare_files),
		cmocka_unit_test(test_compare_cases),
		cmocka_unit_test(test_compare_errors),
		cmocka_unit_test(test_diff_json),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_volatile_table),
		cmocka_unit_test(test_known_parse),
		cmocka_unit_test(test_known_match),
		cmocka_unit_test(test_known_project_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
