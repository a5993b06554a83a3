/*
 * findingfiles.c: a finding's files read back (engine.h): case.json,
 * result.json and a findings directory's signatures.json, parsed without
 * I/O but for the *_load functions, each error naming the file and a line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

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

static const ddp_jf_member case_members[] = {
	{"fixture", DDP_JF_NAME, 1}, /* and "args", below */
	{"command", DDP_JF_TEXT, 0}, /* a case kind's name: dd (the default) or map */
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
		return ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "command"),
		               "\"command\" must be dd or map, not '%s'", ddp_jf_shown(buf, cmd));
	if (!cmd && colon && ddp_case_kind_from_name(&c->kind, fixture, (size_t)(colon - fixture)) == DDP_OK)
		fixture = colon + 1;
	if (strlen(fixture) >= sizeof(c->fixture))
		return ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "fixture"),
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
	if ((rc = ddp_jf_load_object(&j, text, len, source, err)))
		return rc;
	at = ddp_jf_value_start(text, len);
	args = json_object_get(j, "args");
	if ((rc = ddp_jf_check_members(j, case_members, DDP_JF_N(case_members), text, len, at, source, err)))
		goto out;
	apos = ddp_jf_member_pos(text, len, at, "args");
	if (!json_is_array(args) || json_array_size(args) > DDP_CASE_MAX_ARGS) {
		rc = ddp_jf_fail_at(err, source, text, len, apos, "\"args\" must be an array "
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
			rc = ddp_jf_fail_at(err, source, text, len, apos, "args[%zu] is neither a string "
			             "nor {\"hex\": \"<pairs of hex digits, no 00>\"}", i);
			break;
		}
		if (!s) {
			rc = hex ? ddp_jf_fail_at(err, source, text, len, apos, "args[%zu]: \"hex\" must be "
			                   "pairs of hex digits, none 00", i)
			         : ddp_jf_out_of_memory(err, source);
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

/* The inverse of ddp_case_to_json, with the checks of a file read back. */
int ddp_case_from_json(ddp_case *c, const char *text, const char *source, ddp_error *err)
{
	return ddp_case_parse(c, text, text ? strlen(text) : 0, source, err);
}

int ddp_case_load(ddp_case *c, const char *path, ddp_error *err)
{
	memset(c, 0, sizeof(*c));
	return ddp_jf_load(c, path, DDP_FINDING_MAX, parse_case, NULL, err);
}

static const ddp_jf_member result_members[] = {
	{"signature", DDP_JF_TEXT, 1},
	{"detail", DDP_JF_STRING, 0},
	{"reference", DDP_JF_TEXT, 1},
	{"candidate", DDP_JF_TEXT, 1},
	{"stderr_mode", DDP_JF_TEXT, 0},
	{"info_profile", DDP_JF_TEXT, 0},
	{"model_profile", DDP_JF_STRING, 0},
	{"seed", DDP_JF_INTEGER, 0}, /* a uint64 written as json_int_t: maybe negative */
	{"case_no", DDP_JF_COUNT, 0},
	{"reference_result", DDP_JF_OBJECT, 0},
	{"candidate_result", DDP_JF_OBJECT, 0},
	{"case", DDP_JF_STRING, 0},
	{"reproduce", DDP_JF_STRING, 0},
	{"group", DDP_JF_STRING, 0},
	{"rules", DDP_JF_STRING, 0},
	{"reader", DDP_JF_TEXT, 0},
	{"differs_from", DDP_JF_STRING, 0},
	{"matches", DDP_JF_STRING, 0},
	{"versions", DDP_JF_STRING, 0},
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
	if ((rc = ddp_jf_load_object(&j, text, len, source, err)))
		return rc;
	at = ddp_jf_value_start(text, len);
	if ((rc = ddp_jf_check_members(j, result_members, DDP_JF_N(result_members), text, len, at,
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
		rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "group"),
		             "\"group\" must be printable ASCII, under %d bytes", DDP_GROUP_KEY_MAX);
	else if (!ddp_signature_ok(out->signature))
		rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "signature"),
		             "\"signature\" must be printable ASCII, under 512 bytes");
	else if (out->stderr_mode && strcmp(out->stderr_mode, "exact") &&
	         strcmp(out->stderr_mode, "class") && strcmp(out->stderr_mode, "ignore"))
		rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "stderr_mode"),
		             "\"stderr_mode\" is '%s', not exact, class or ignore",
		             ddp_jf_shown(a, out->stderr_mode));
	else if (out->info_profile && ddp_info_profile_lookup(&p, out->info_profile, NULL))
		rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "info_profile"),
		             "\"info_profile\" '%s' is not an info profile (`ddparity fuzz "
		             "--help` lists them)", ddp_jf_shown(a, out->info_profile));
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
	return ddp_jf_load(out, path, DDP_FINDING_MAX, parse_result, NULL, err);
}

/* A group of findings (findings.c): older files have only count and dir. */
static const ddp_jf_member signature_members[] = {
	{"count", DDP_JF_COUNT, 1},
	{"dir", DDP_JF_NAME, 1},
	{"kinds", DDP_JF_STRING, 0},
	{"rules", DDP_JF_STRING, 0},
	{"state", DDP_JF_STRING, 0},
	{"headline", DDP_JF_STRING, 0},
	{"cause", DDP_JF_STRING, 0},
	{"aliases", DDP_JF_STRINGS, 0},
	{"examples", DDP_JF_NAMES, 0},
	{"merged", DDP_JF_COUNTS, 0},
};

int ddp_signatures_parse(json_t **out, const char *text, size_t len, const char *source,
                         ddp_error *err)
{
	json_t *j, *v;
	const char *k;
	int rc;

	if ((rc = ddp_jf_load_object(&j, text, len, source, err))) {
		*out = NULL;
		return rc;
	}
	json_object_foreach(j, k, v) {
		size_t at = ddp_jf_member_pos(text, len, 0, k);
		if (!ddp_group_key_ok(k))
			rc = ddp_jf_fail_at(err, source, text, len, at, "a group's key must be printable ASCII, "
			             "under %d bytes", DDP_GROUP_KEY_MAX);
		else if (!json_is_object(v))
			rc = ddp_jf_fail_at(err, source, text, len, at, "a signature's entry must be "
			             "{\"count\": N, \"dir\": NAME}, not %s", ddp_jf_type_name(v));
		else if (!(rc = ddp_jf_check_members(v, signature_members, DDP_JF_N(signature_members),
		                              text, len, at, source, err)) &&
		         json_integer_value(json_object_get(v, "count")) < 1)
			rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "count"),
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
	return ddp_jf_load(out, path, DDP_SIGNATURES_MAX, parse_signatures, NULL, err);
}

