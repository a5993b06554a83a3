/*
 * suitefiles.c: the files the suite reads back, parsed without I/O (but
 * for the *_load functions), each error naming the file and a line.
 *
 * jansson keeps no positions of values, so an error about a member points
 * at where its name is written (found in the text), else at the object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "suitefiles.h"

/* ---- where, and failing there --------------------------------------------- */

/* Fails with err at byte pos of text: its 1-based line and column. */
static int fail_at(ddp_error *err, const char *source, const char *text, size_t len,
                   size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int fail_at(ddp_error *err, const char *source, const char *text, size_t len,
                   size_t pos, const char *fmt, ...)
{
	int line = 1, column = 1;
	va_list ap;

	if (pos > len)
		pos = len;
	for (size_t i = 0; i < pos; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	va_start(ap, fmt);
	ddp_error_vset(err, DDP_EINVAL, source, line, column, pos, fmt, ap);
	va_end(ap);
	return DDP_EINVAL;
}

static int out_of_memory(ddp_error *err, const char *source)
{
	return ddp_error_set(err, DDP_ENOMEM, source, 1, 0, "out of memory");
}

/*
 * Where member key is written at or after from: its quoted name followed
 * by a colon; from itself when it is not found (an escaped name, say).
 */
static size_t member_pos(const char *text, size_t len, size_t from, const char *key)
{
	size_t klen = strlen(key), at = from;

	while (at < len) {
		const char *q = memchr(text + at, '"', len - at);
		size_t p, e;

		if (!q)
			break;
		p = (size_t)(q - text);
		e = p + 1 + klen;
		if (e < len && !memcmp(text + p + 1, key, klen) && text[e] == '"') {
			size_t c = e + 1;
			while (c < len && (text[c] == ' ' || text[c] == '\t' || text[c] == '\n' ||
			                   text[c] == '\r'))
				c++;
			if (c < len && text[c] == ':')
				return p;
		}
		at = p + 1;
	}
	return from;
}

/* The first byte that is not a blank: where a value starts. */
static size_t value_start(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	return i;
}

/* msg kept to one printable line ('?' for the rest), cut to size - 1 bytes. */
static const char *printable(char *buf, size_t size, const char *msg)
{
	size_t n = 0;

	for (; *msg && n + 1 < size; msg++)
		buf[n++] = (unsigned char)*msg >= 0x20 && (unsigned char)*msg < 0x7f ? *msg : '?';
	buf[n] = '\0';
	return buf;
}

/* A value quoted in a message: 40 printable bytes at most, then "...". */
static const char *shown(char buf[48], const char *s)
{
	printable(buf, 41, s);
	if (strlen(s) > 40)
		strcpy(buf + 40, "...");
	return buf;
}

/* ---- JSON --------------------------------------------------------------------- */

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/*
 * text as a JSON object, no duplicate keys: jansson's error, at its line
 * and column, when it is not.  A NUL byte is refused first (jansson would
 * stop reading there).  *out is a new reference.
 */
static int load_object(json_t **out, const char *text, size_t len, const char *source,
                       ddp_error *err)
{
	json_error_t je;
	const char *nul;
	json_t *j;

	*out = NULL;
	if (!text && len)
		return ddp_error_set(err, DDP_EINVAL, source, 1, 0, "no text given");
	if (len && (nul = memchr(text, '\0', len)))
		return fail_at(err, source, text, len, (size_t)(nul - text),
		               "a NUL byte: not a text file");
	if (!(j = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &je))) {
		char msg[sizeof(je.text)];
		size_t lines = 1;
		int line, column;

		if (json_error_code(&je) == json_error_out_of_memory)
			return out_of_memory(err, source);
		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		line = je.line < 1 ? 1 : (size_t)je.line > lines ? (int)lines : je.line;
		column = je.column < 0 ? 0 : je.column;
		/* jansson quotes the token it stopped at. */
		return ddp_error_set(err, DDP_EINVAL, source, line, column, "invalid JSON: %s",
		                     printable(msg, sizeof(msg), je.text));
	}
	if (!json_is_object(j)) {
		const char *what = type_name(j);
		json_decref(j);
		return fail_at(err, source, text, len, value_start(text, len),
		               "not a JSON object but %s", what);
	}
	*out = j;
	return DDP_OK;
}

/* ---- members ----------------------------------------------------------------- */

/* What a member must be. */
enum {
	M_STRING,      /* any string */
	M_TEXT,        /* a string, not empty */
	M_NAME,        /* a file or case name */
	M_CASE,        /* a baseline's case name (ddp_baseline_case_name_ok) */
	M_VERSION,     /* a qemu version */
	M_STATUS,      /* an exit status */
	M_STATUS_NULL, /* an exit status or null */
	M_INTEGER,     /* any integer */
	M_COUNT,       /* an integer >= 0 */
	M_STRINGS,     /* an array of strings */
	M_NAMES,       /* an array of file names */
	M_OBJECT,
	M_SHA256,      /* 64 lowercase hex digits */
	M_COUNTS       /* an object of integers >= 0 */
};

static const char *const member_text[] = {
	"a string",
	"a string that is not empty",
	"a name (no '/' or control characters, not . or .., under 256 bytes)",
	"a case name (letters, digits, '.', '_' and '-', not first, at most 100; a map "
	"case's window after '@')",
	"a version (a digit, then digits, '.', '-' and a-z; under 32 bytes)",
	"an exit status (0 to 255)",
	"an exit status (0 to 255) or null",
	"an integer",
	"an integer >= 0",
	"an array of strings",
	"an array of names (no '/' or control characters, not . or ..)",
	"an object",
	"a sha256 (64 lowercase hex digits)",
	"an object of counts (integers >= 0)",
};

typedef struct member {
	const char *key;
	unsigned char what;  /* M_* */
	unsigned char required;
} member;

/* A file name (a finding's directory) or a name compared with one. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 256 || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '/')
			return 0;
	return 1;
}

/* As `baselines profiles` names version directories ("7.2.22", "10.0.2-rc1"). */
static int version_ok(const char *s)
{
	if (!(*s >= '0' && *s <= '9') || strlen(s) >= 32)
		return 0;
	for (; *s; s++)
		if (!(*s >= '0' && *s <= '9') && !(*s >= 'a' && *s <= 'z') && *s != '.' && *s != '-')
			return 0;
	return 1;
}

/* n lowercase hex digits, no more, no fewer. */
static int hex_ok(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (; *s; s++)
		if (!(*s >= '0' && *s <= '9') && !(*s >= 'a' && *s <= 'f'))
			return 0;
	return 1;
}

/* profile-<8 lowercase hex digits>, as `baselines profiles` names them. */
static int profile_ok(const char *s)
{
	return !strncmp(s, "profile-", 8) && hex_ok(s + 8, 8);
}

int ddp_group_key_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= DDP_GROUP_KEY_MAX)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int ddp_signature_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= sizeof(((ddp_result *)0)->signature))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static int is_status(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 255;
}

static int member_ok(const json_t *v, int what)
{
	const char *s = json_string_value(v);
	size_t i;
	json_t *e;

	switch (what) {
	case M_STRING: return s != NULL;
	case M_TEXT: return s && *s;
	case M_NAME: return s && name_ok(s);
	case M_CASE: return s && ddp_baseline_case_name_ok(s);
	case M_VERSION: return s && version_ok(s);
	case M_SHA256: return s && hex_ok(s, 64);
	case M_COUNTS: {
		const char *k;
		json_t *c;
		if (!json_is_object(v))
			return 0;
		json_object_foreach((json_t *)v, k, c)
			if (!json_is_integer(c) || json_integer_value(c) < 0)
				return 0;
		return 1;
	}
	case M_STATUS: return is_status(v);
	case M_STATUS_NULL: return is_status(v) || json_is_null(v);
	case M_INTEGER: return json_is_integer(v);
	case M_COUNT: return json_is_integer(v) && json_integer_value(v) >= 0;
	case M_STRINGS:
	case M_NAMES:
		if (!json_is_array(v))
			return 0;
		json_array_foreach(v, i, e)
			if (!json_is_string(e) || (what == M_NAMES && !name_ok(json_string_value(e))))
				return 0;
		return 1;
	default: return json_is_object(v);
	}
}

/* Checks object o (written at byte at of text) against its members' rules. */
static int check_members(const json_t *o, const member *rules, size_t n, const char *text,
                         size_t len, size_t at, const char *source, ddp_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(o, rules[i].key);

		if (!v && rules[i].required)
			return fail_at(err, source, text, len, at, "no \"%s\": it must be %s",
			               rules[i].key, member_text[rules[i].what]);
		if (v && !member_ok(v, rules[i].what)) {
			char buf[48];
			const char *q = json_is_string(v) ? "'" : "";
			if (json_is_integer(v))
				snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
			return fail_at(err, source, text, len, member_pos(text, len, at, rules[i].key),
			               "\"%s\" must be %s, not %s%s%s", rules[i].key,
			               member_text[rules[i].what], q, json_is_string(v)
			               ? shown(buf, json_string_value(v)) : json_is_integer(v) ? buf
			               : type_name(v), q);
		}
	}
	return DDP_OK;
}

#define N_RULES(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reading ---------------------------------------------------------------- */

/* own: a file the suite wrote (no link, a regular file: ddp_read_own_file). */
static int read_text(char **out, size_t *len, const char *path, size_t max, int own,
                     ddp_error *err)
{
	const char *nul;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = (own ? ddp_read_own_file : ddp_read_file)(out, &n, path, max, err)))
		return rc;
	if ((nul = memchr(*out, '\0', n))) {
		fail_at(err, path, *out, n, (size_t)(nul - *out), "a NUL byte: not a text file");
		free(*out);
		*out = NULL;
		return DDP_EINVAL;
	}
	if (len)
		*len = n;
	return DDP_OK;
}

int ddp_suitefile_read(char **out, size_t *len, const char *path, size_t max, ddp_error *err)
{
	return read_text(out, len, path, max, 0, err);
}

/* A parser as load() calls it: arg is what else it takes. */
typedef int (*parse_fn)(void *out, const char *text, size_t len, const char *source,
                        const void *arg, ddp_error *err);

/* Reads path, a file the suite wrote (at most max bytes, no link), and parses it. */
static int load(void *out, const char *path, size_t max, parse_fn parse, const void *arg,
                ddp_error *err)
{
	char *text;
	size_t len;
	int rc;

	if ((rc = read_text(&text, &len, path, max, 1, err)))
		return rc;
	rc = parse(out, text, len, path, arg, err);
	free(text);
	return rc;
}

/* ---- a baseline ------------------------------------------------------------------- */

static const member meta_members[] = {
	{"case_name", M_CASE, 1},
	{"command", M_STRING, 0},
	{"create_return_code", M_STATUS, 0},
	{"dd_args", M_STRINGS, 0},
	{"dd_return_code", M_STATUS, 1},
	{"info_return_code", M_STATUS_NULL, 1},
	{"input_format", M_STRING, 0},
	{"input_pattern", M_STRING, 0},
	{"input_size", M_STRING, 0},
	{"input_size_bytes", M_COUNT, 0},
	{"output_format", M_STRING, 0},
	{"output_sha256", M_SHA256, 0},
	{"qemu_version", M_VERSION, 0},
	{"window_operands", M_STRINGS, 0},
};

int ddp_baseline_meta_parse(ddp_baseline_meta *out, const char *text, size_t len,
                            const char *source, const char *expect_name, ddp_error *err)
{
	json_t *j, *info;
	size_t at;
	char a[48], b[48];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load_object(&j, text, len, source, err)))
		return rc;
	at = value_start(text, len);
	if ((rc = check_members(j, meta_members, N_RULES(meta_members), text, len, at, source, err)))
		goto out;
	snprintf(out->case_name, sizeof(out->case_name), "%s",
	         json_string_value(json_object_get(j, "case_name")));
	if (json_is_string(json_object_get(j, "qemu_version")))
		snprintf(out->qemu_version, sizeof(out->qemu_version), "%s",
		         json_string_value(json_object_get(j, "qemu_version")));
	out->dd_rc = (int)json_integer_value(json_object_get(j, "dd_return_code"));
	info = json_object_get(j, "info_return_code");
	out->info_rc = json_is_null(info) ? -1 : (int)json_integer_value(info);
	if (json_is_string(json_object_get(j, "output_sha256")))
		snprintf(out->output_sha256, sizeof(out->output_sha256), "%s",
		         json_string_value(json_object_get(j, "output_sha256")));
	/* generate runs info on every output a successful dd made, and only then. */
	if ((out->dd_rc == 0) != (out->info_rc >= 0))
		rc = fail_at(err, source, text, len, member_pos(text, len, at, "info_return_code"),
		             out->dd_rc ? "info_return_code must be null when the dd failed "
		                          "(dd_return_code %d): info does not run then"
		                        : "info_return_code must be an exit status when the dd "
		                          "succeeded (dd_return_code %d): info runs then",
		             out->dd_rc);
	else if (expect_name && strcmp(out->case_name, expect_name))
		rc = fail_at(err, source, text, len, member_pos(text, len, at, "case_name"),
		             "case_name is '%s', not '%s': the baseline of another case",
		             shown(a, out->case_name), shown(b, expect_name));
out:
	json_decref(j);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

static const member meta_name_members[] = {
	{"case_name", M_CASE, 1},
};

int ddp_baseline_meta_name_check(const char *text, size_t len, const char *source,
                                 const char *expect_name, ddp_error *err)
{
	json_t *j;
	size_t at;
	char a[48], b[48];
	int rc;

	if ((rc = load_object(&j, text, len, source, err)))
		return rc;
	at = value_start(text, len);
	rc = check_members(j, meta_name_members, N_RULES(meta_name_members), text, len, at,
	                   source, err);
	if (!rc && strcmp(json_string_value(json_object_get(j, "case_name")), expect_name))
		rc = fail_at(err, source, text, len, member_pos(text, len, at, "case_name"),
		             "case_name is '%s', not '%s': the baseline of another case",
		             shown(a, json_string_value(json_object_get(j, "case_name"))),
		             shown(b, expect_name));
	json_decref(j);
	return rc;
}

static int parse_meta(void *out, const char *text, size_t len, const char *source,
                      const void *expect_name, ddp_error *err)
{
	return ddp_baseline_meta_parse(out, text, len, source, expect_name, err);
}

int ddp_baseline_meta_load(ddp_baseline_meta *out, const char *path, const char *expect_name,
                           ddp_error *err)
{
	memset(out, 0, sizeof(*out));
	return load(out, path, DDP_META_MAX, parse_meta, expect_name, err);
}

static const member info_members[] = {
	{"format", M_TEXT, 1},
	{"virtual-size", M_COUNT, 1},
	{"cluster-size", M_COUNT, 0},
};

int ddp_baseline_stdout_parse(json_t **out, const char *text, size_t len,
                              const ddp_baseline_meta *meta, const char *source,
                              ddp_error *err)
{
	const ddp_info_profile *parity;
	ddp_info_diff *d = NULL;
	ddp_error cerr;
	char msg[sizeof(cerr.message)];
	json_t *j;
	int rc;

	if (out)
		*out = NULL;
	if (!len) {
		if (meta && meta->info_rc == 0)
			return ddp_error_set(err, DDP_EINVAL, source, 1, 0,
			                     "empty, but meta.json says info read the output "
			                     "(info_return_code 0): its info is missing");
		return DDP_OK;
	}
	if (meta && meta->info_rc != 0)
		return ddp_error_set(err, DDP_EINVAL, source, 1, 1,
		                     "holds info, but meta.json says %s: it must be empty",
		                     meta->info_rc < 0 ? "the dd failed" : "info failed");
	if ((rc = load_object(&j, text, len, source, err)))
		return rc;
	if ((rc = check_members(j, info_members, N_RULES(info_members), text, len,
	                        value_start(text, len), source, err))) {
		json_decref(j);
		return rc;
	}
	/* What replay does with it: the core's comparison must read it. */
	if (ddp_info_profile_lookup(&parity, "parity", &cerr) ||
	    (rc = ddp_info_compare(&d, text, len, text, len, parity, &cerr))) {
		json_decref(j);
		if (rc == DDP_ENOMEM)
			return out_of_memory(err, source);
		return ddp_error_set(err, DDP_EINVAL, source,
		                     cerr.line > 0 ? cerr.line : 1, cerr.line > 0 ? cerr.column : 0,
		                     "not info the core reads: %s",
		                     printable(msg, sizeof(msg), cerr.message));
	}
	ddp_info_diff_free(d);
	if (out)
		*out = j;
	else
		json_decref(j);
	return DDP_OK;
}

int ddp_baseline_stdout_load(char **text, const char *path, const ddp_baseline_meta *meta,
                             ddp_error *err)
{
	size_t len;
	int rc;

	if ((rc = read_text(text, &len, path, DDP_STDOUT_MAX, 1, err)))
		return rc;
	if ((rc = ddp_baseline_stdout_parse(NULL, *text, len, meta, path, err))) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

/* ---- version-map.json ------------------------------------------------------------ */

static const member map_members[] = {
	{"profiles", M_OBJECT, 1},
	{"version_to_profile", M_OBJECT, 1},
	{"profile_versions", M_OBJECT, 1},
};

void ddp_version_map_free(ddp_version_map *m)
{
	free(m->entries);
	m->entries = NULL;
	m->count = 0;
}

/* The entry of a version (exactly), or NULL. */
static const ddp_version_map_entry *map_get(const ddp_version_map *m, const char *version)
{
	for (size_t i = 0; i < m->count; i++)
		if (!strcmp(m->entries[i].version, version))
			return &m->entries[i];
	return NULL;
}

/* How many versions map to profile. */
static size_t map_members_of(const ddp_version_map *m, const char *profile)
{
	size_t n = 0;

	for (size_t i = 0; i < m->count; i++)
		n += !strcmp(m->entries[i].profile, profile);
	return n;
}

/*
 * profiles and profile_versions against version_to_profile (in m): each
 * profile used has an entry, and each entry is a profile used, whose
 * versions (one in profiles, all of them in profile_versions) map to it.
 */
static int check_profiles(const ddp_version_map *m, const json_t *profiles,
                          const json_t *members, const char *text, size_t len,
                          const char *source, ddp_error *err)
{
	size_t ppos = member_pos(text, len, 0, "profiles");
	size_t mpos = member_pos(text, len, 0, "profile_versions");
	const char *k;
	json_t *v;
	char a[48], b[48];

	json_object_foreach((json_t *)profiles, k, v) {
		const ddp_version_map_entry *e = json_is_string(v) ? map_get(m, json_string_value(v)) : NULL;
		if (!map_members_of(m, k))
			return fail_at(err, source, text, len, member_pos(text, len, ppos, k),
			               "profiles: '%s' is no version's profile in version_to_profile",
			               shown(a, k));
		if (!e || strcmp(e->profile, k))
			return fail_at(err, source, text, len, member_pos(text, len, ppos, k),
			               "profiles: '%s' must name one of its versions", shown(a, k));
	}
	json_object_foreach((json_t *)members, k, v) {
		size_t i;
		json_t *ver;
		size_t at = member_pos(text, len, mpos, k);

		if (!map_members_of(m, k))
			return fail_at(err, source, text, len, at, "profile_versions: '%s' is no "
			               "version's profile in version_to_profile", shown(a, k));
		if (!json_is_array(v) || json_array_size(v) != map_members_of(m, k))
			return fail_at(err, source, text, len, at, "profile_versions: '%s' must list "
			               "the %zu version(s) version_to_profile maps to it", shown(a, k),
			               map_members_of(m, k));
		json_array_foreach(v, i, ver) {
			const char *s = json_string_value(ver);
			const ddp_version_map_entry *e = s ? map_get(m, s) : NULL;
			if (!e || strcmp(e->profile, k))
				return fail_at(err, source, text, len, at, "profile_versions: '%s' "
				               "lists %s, not one of its versions", shown(a, k),
				               s ? shown(b, s) : type_name(ver));
			for (size_t p = 0; p < i; p++)
				if (!strcmp(json_string_value(json_array_get(v, p)), s))
					return fail_at(err, source, text, len, at, "profile_versions: "
					               "'%s' lists %s twice", shown(a, k), shown(b, s));
		}
	}
	for (size_t i = 0; i < m->count; i++) {
		const char *p = m->entries[i].profile;
		if (!json_object_get(profiles, p) || !json_object_get(members, p))
			return fail_at(err, source, text, len,
			               json_object_get(profiles, p) ? mpos : ppos,
			               "%s: no entry for %s (the profile of %s)",
			               json_object_get(profiles, p) ? "profile_versions" : "profiles",
			               p, m->entries[i].version);
	}
	return DDP_OK;
}

int ddp_version_map_parse(ddp_version_map *out, const char *text, size_t len,
                          const char *source, ddp_error *err)
{
	json_t *j, *v2p, *v;
	const char *k;
	size_t vpos;
	char a[48];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load_object(&j, text, len, source, err)))
		return rc;
	if ((rc = check_members(j, map_members, N_RULES(map_members), text, len,
	                        value_start(text, len), source, err)))
		goto out;
	v2p = json_object_get(j, "version_to_profile");
	vpos = member_pos(text, len, 0, "version_to_profile");
	if (!json_object_size(v2p)) {
		rc = fail_at(err, source, text, len, vpos, "version_to_profile maps no version");
		goto out;
	}
	if (!(out->entries = calloc(json_object_size(v2p), sizeof(*out->entries)))) {
		rc = out_of_memory(err, source);
		goto out;
	}
	json_object_foreach(v2p, k, v) {
		ddp_version_map_entry *e = &out->entries[out->count];
		const char *p = json_string_value(v);

		if (!version_ok(k)) {
			rc = fail_at(err, source, text, len, member_pos(text, len, vpos, k),
			             "version_to_profile: '%s' is not %s", shown(a, k),
			             member_text[M_VERSION]);
			goto out;
		}
		if (!p || !profile_ok(p)) {
			rc = fail_at(err, source, text, len, member_pos(text, len, vpos, k),
			             "version_to_profile: %s must map to a profile name "
			             "(profile-<8 hex digits>)", shown(a, k));
			goto out;
		}
		snprintf(e->version, sizeof(e->version), "%s", k);
		snprintf(e->profile, sizeof(e->profile), "%s", p);
		out->count++;
	}
	rc = check_profiles(out, json_object_get(j, "profiles"),
	                    json_object_get(j, "profile_versions"), text, len, source, err);
out:
	json_decref(j);
	if (rc)
		ddp_version_map_free(out);
	return rc;
}

static int parse_map(void *out, const char *text, size_t len, const char *source,
                     const void *unused, ddp_error *err)
{
	return ddp_version_map_parse(out, text, len, source, err);
}

int ddp_version_map_load(ddp_version_map *out, const char *path, ddp_error *err)
{
	memset(out, 0, sizeof(*out));
	return load(out, path, DDP_VERSION_MAP_MAX, parse_map, NULL, err);
}

const ddp_version_map_entry *ddp_version_map_find(const ddp_version_map *m,
                                                  const char *version, int same_minor)
{
	const ddp_version_map_entry *e = map_get(m, version);
	const char *dot = strchr(version, '.');
	size_t n;

	if (e || !same_minor)
		return e;
	/* "10.0." of "10.0.8": the major.minor and its dot. */
	dot = dot ? strchr(dot + 1, '.') : NULL;
	n = dot ? (size_t)(dot - version) + 1 : strlen(version);
	for (size_t i = 0; i < m->count; i++)
		if (!strncmp(m->entries[i].version, version, n) &&
		    (dot || m->entries[i].version[n] == '.'))
			return &m->entries[i];
	return NULL;
}

/* ---- a finding ------------------------------------------------------------------- */

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* {"hex": "..."}'s bytes: pairs of hex digits, none 00; NULL when not. */
static char *unhex(const char *hex)
{
	size_t n = strlen(hex);
	char *s;

	if (n % 2 || !(s = malloc(n / 2 + 1)))
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0 || (hi | lo) == 0) {
			free(s);
			return NULL;
		}
		s[i] = (char)(hi << 4 | lo);
	}
	s[n / 2] = '\0';
	return s;
}

static const member case_members[] = {
	{"fixture", M_NAME, 1}, /* and "args", below */
	{"command", M_TEXT, 0}, /* a case kind's name: dd (the default) or map */
};

/*
 * A case's kind and fixture from its "command" and "fixture".  The one
 * place an older spelling is read: before cases had a "command", a map
 * case's fixture was "<command>:<name>"; such a prefix naming a case kind
 * is taken as its "command".
 */
static int case_kind(ddp_case *c, const json_t *j, const char *text, size_t len, size_t at,
                     const char *source, ddp_error *err)
{
	const char *cmd = json_string_value(json_object_get(j, "command"));
	const char *fixture = json_string_value(json_object_get(j, "fixture"));
	const char *colon = strchr(fixture, ':');
	char buf[48];

	c->kind = DDP_CASE_DD;
	if (cmd && ddp_case_kind_from_name(&c->kind, cmd, strlen(cmd)))
		return fail_at(err, source, text, len, member_pos(text, len, at, "command"),
		               "\"command\" must be dd or map, not '%s'", shown(buf, cmd));
	if (!cmd && colon && ddp_case_kind_from_name(&c->kind, fixture, (size_t)(colon - fixture)) == DDP_OK)
		fixture = colon + 1;
	if (strlen(fixture) >= sizeof(c->fixture))
		return fail_at(err, source, text, len, member_pos(text, len, at, "fixture"),
		               "\"fixture\" is longer than %zu bytes", sizeof(c->fixture) - 1);
	snprintf(c->fixture, sizeof(c->fixture), "%s", fixture);
	return DDP_OK;
}

int ddp_case_parse(ddp_case *c, const char *text, size_t len, const char *source,
                   ddp_error *err)
{
	json_t *j, *args, *a;
	size_t i, at, apos;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = load_object(&j, text, len, source, err)))
		return rc;
	at = value_start(text, len);
	args = json_object_get(j, "args");
	if ((rc = check_members(j, case_members, N_RULES(case_members), text, len, at, source, err)))
		goto out;
	apos = member_pos(text, len, at, "args");
	if (!json_is_array(args) || json_array_size(args) > DDP_CASE_MAX_ARGS) {
		rc = fail_at(err, source, text, len, apos, "\"args\" must be an array "
		             "of at most %d arguments", DDP_CASE_MAX_ARGS);
		goto out;
	}
	if ((rc = case_kind(c, j, text, len, at, source, err)))
		goto out;
	json_array_foreach(args, i, a) {
		const char *hex = json_string_value(json_object_get(a, "hex"));
		char *s = NULL;

		if (json_is_string(a) && !memchr(json_string_value(a), 0, json_string_length(a)))
			s = strdup(json_string_value(a));
		else if (json_is_object(a) && hex && json_object_size(a) == 1)
			s = unhex(hex);
		else {
			rc = fail_at(err, source, text, len, apos, "args[%zu] is neither a string "
			             "nor {\"hex\": \"<pairs of hex digits, no 00>\"}", i);
			break;
		}
		if (!s) {
			rc = hex ? fail_at(err, source, text, len, apos, "args[%zu]: \"hex\" must be "
			                   "pairs of hex digits, none 00", i)
			         : out_of_memory(err, source);
			break;
		}
		c->argv[c->argc++] = s;
	}
out:
	json_decref(j);
	if (rc)
		ddp_case_free(c);
	return rc;
}

static int parse_case(void *out, const char *text, size_t len, const char *source,
                      const void *unused, ddp_error *err)
{
	return ddp_case_parse(out, text, len, source, err);
}

int ddp_case_load(ddp_case *c, const char *path, ddp_error *err)
{
	memset(c, 0, sizeof(*c));
	return load(c, path, DDP_FINDING_MAX, parse_case, NULL, err);
}

static const member result_members[] = {
	{"signature", M_TEXT, 1},
	{"detail", M_STRING, 0},
	{"reference", M_TEXT, 1},
	{"candidate", M_TEXT, 1},
	{"stderr_mode", M_TEXT, 0},
	{"info_profile", M_TEXT, 0},
	{"model_profile", M_STRING, 0},
	{"seed", M_INTEGER, 0}, /* a uint64 written as json_int_t: maybe negative */
	{"case_no", M_COUNT, 0},
	{"reference_result", M_OBJECT, 0},
	{"candidate_result", M_OBJECT, 0},
	{"case", M_STRING, 0},
	{"reproduce", M_STRING, 0},
	{"group", M_STRING, 0},
	{"rules", M_STRING, 0},
	{"reader", M_TEXT, 0},
	{"differs_from", M_STRING, 0},
	{"matches", M_STRING, 0},
	{"versions", M_STRING, 0},
};

void ddp_finding_result_free(ddp_finding_result *r)
{
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

int ddp_finding_result_parse(ddp_finding_result *out, const char *text, size_t len,
                             const char *source, ddp_error *err)
{
	const ddp_info_profile *p;
	json_t *j;
	size_t at;
	char a[48];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load_object(&j, text, len, source, err)))
		return rc;
	at = value_start(text, len);
	if ((rc = check_members(j, result_members, N_RULES(result_members), text, len, at,
	                        source, err)))
		goto out;
	out->json = j;
	out->signature = json_string_value(json_object_get(j, "signature"));
	out->reference = json_string_value(json_object_get(j, "reference"));
	out->candidate = json_string_value(json_object_get(j, "candidate"));
	out->stderr_mode = json_string_value(json_object_get(j, "stderr_mode"));
	out->info_profile = json_string_value(json_object_get(j, "info_profile"));
	out->detail = json_string_value(json_object_get(j, "detail"));
	out->case_text = json_string_value(json_object_get(j, "case"));
	out->group = json_string_value(json_object_get(j, "group"));
	if (out->group && !ddp_group_key_ok(out->group))
		rc = fail_at(err, source, text, len, member_pos(text, len, at, "group"),
		             "\"group\" must be printable ASCII, under %d bytes", DDP_GROUP_KEY_MAX);
	else if (!ddp_signature_ok(out->signature))
		rc = fail_at(err, source, text, len, member_pos(text, len, at, "signature"),
		             "\"signature\" must be printable ASCII, under 512 bytes");
	else if (out->stderr_mode && strcmp(out->stderr_mode, "exact") &&
	         strcmp(out->stderr_mode, "class") && strcmp(out->stderr_mode, "ignore"))
		rc = fail_at(err, source, text, len, member_pos(text, len, at, "stderr_mode"),
		             "\"stderr_mode\" is '%s', not exact, class or ignore",
		             shown(a, out->stderr_mode));
	else if (out->info_profile && ddp_info_profile_lookup(&p, out->info_profile, NULL))
		rc = fail_at(err, source, text, len, member_pos(text, len, at, "info_profile"),
		             "\"info_profile\" '%s' is not an info profile (`ddparity fuzz "
		             "--help` lists them)", shown(a, out->info_profile));
out:
	if (rc) {
		json_decref(j);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

static int parse_result(void *out, const char *text, size_t len, const char *source,
                        const void *unused, ddp_error *err)
{
	return ddp_finding_result_parse(out, text, len, source, err);
}

int ddp_finding_result_load(ddp_finding_result *out, const char *path, ddp_error *err)
{
	memset(out, 0, sizeof(*out));
	return load(out, path, DDP_FINDING_MAX, parse_result, NULL, err);
}

/* A group of findings (findings.c): older files have only count and dir. */
static const member signature_members[] = {
	{"count", M_COUNT, 1},
	{"dir", M_NAME, 1},
	{"kinds", M_STRING, 0},
	{"rules", M_STRING, 0},
	{"state", M_STRING, 0},
	{"headline", M_STRING, 0},
	{"aliases", M_STRINGS, 0},
	{"examples", M_NAMES, 0},
	{"merged", M_COUNTS, 0},
};

int ddp_signatures_parse(json_t **out, const char *text, size_t len, const char *source,
                         ddp_error *err)
{
	json_t *j, *v;
	const char *k;
	int rc;

	if ((rc = load_object(&j, text, len, source, err))) {
		*out = NULL;
		return rc;
	}
	json_object_foreach(j, k, v) {
		size_t at = member_pos(text, len, 0, k);
		if (!ddp_group_key_ok(k))
			rc = fail_at(err, source, text, len, at, "a group's key must be printable ASCII, "
			             "under %d bytes", DDP_GROUP_KEY_MAX);
		else if (!json_is_object(v))
			rc = fail_at(err, source, text, len, at, "a signature's entry must be "
			             "{\"count\": N, \"dir\": NAME}, not %s", type_name(v));
		else if (!(rc = check_members(v, signature_members, N_RULES(signature_members),
		                              text, len, at, source, err)) &&
		         json_integer_value(json_object_get(v, "count")) < 1)
			rc = fail_at(err, source, text, len, member_pos(text, len, at, "count"),
			             "\"count\" must be at least 1: a signature is kept once seen");
		if (rc)
			break;
	}
	if (rc) {
		json_decref(j);
		j = NULL;
	}
	*out = j;
	return rc;
}

static int parse_signatures(void *out, const char *text, size_t len, const char *source,
                            const void *unused, ddp_error *err)
{
	return ddp_signatures_parse(out, text, len, source, err);
}

int ddp_signatures_load(json_t **out, const char *path, ddp_error *err)
{
	*out = NULL;
	return load(out, path, DDP_SIGNATURES_MAX, parse_signatures, NULL, err);
}

char *ddp_suitefile_dumps(const json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS), *out = NULL;

	if (text && asprintf(&out, "%s\n", text) < 0)
		out = NULL;
	free(text);
	return out;
}
