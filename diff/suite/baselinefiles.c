/*
 * baselinefiles.c: a baseline's files read back (suite.h): <case>.meta.json,
 * <case>.stdout.txt and a root's version-map.json, parsed without I/O but
 * for the *_load functions, each error naming the file and a line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite/suite.h"

/* ---- a baseline ------------------------------------------------------------------- */

static const ddp_jf_member meta_members[] = {
	{"case_name", DDP_JF_CASE, 1},
	{"command", DDP_JF_STRING, 0},
	{"create_return_code", DDP_JF_STATUS, 0},
	{"dd_args", DDP_JF_STRINGS, 0},
	{"dd_return_code", DDP_JF_STATUS, 1},
	{"info_return_code", DDP_JF_STATUS_NULL, 1},
	{"input_format", DDP_JF_STRING, 0},
	{"input_pattern", DDP_JF_STRING, 0},
	{"input_size", DDP_JF_STRING, 0},
	{"input_size_bytes", DDP_JF_COUNT, 0},
	{"output_format", DDP_JF_STRING, 0},
	{"output_sha256", DDP_JF_SHA256, 0},
	{"qemu_version", DDP_JF_VERSION, 0},
	{"window_operands", DDP_JF_STRINGS, 0},
};

int ddp_baseline_meta_parse(ddp_baseline_meta *out, const char *text, size_t len,
                            const char *source, const char *expect_name, ddp_error *err)
{
	json_t *j, *info;
	size_t at;
	char a[48], b[48];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ddp_jf_load_object(&j, text, len, source, err)))
		return rc;
	at = ddp_jf_value_start(text, len);
	if ((rc = ddp_jf_check_members(j, meta_members, DDP_JF_N(meta_members), text, len, at, source, err)))
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
		rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "info_return_code"),
		             out->dd_rc ? "info_return_code must be null when the dd failed "
		                          "(dd_return_code %d): info does not run then"
		                        : "info_return_code must be an exit status when the dd "
		                          "succeeded (dd_return_code %d): info runs then",
		             out->dd_rc);
	else if (expect_name && strcmp(out->case_name, expect_name))
		rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "case_name"),
		             "case_name is '%s', not '%s': the baseline of another case",
		             ddp_jf_shown(a, out->case_name), ddp_jf_shown(b, expect_name));
out:
	json_decref(j);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

static const ddp_jf_member meta_name_members[] = {
	{"case_name", DDP_JF_CASE, 1},
};

int ddp_baseline_meta_name_check(const char *text, size_t len, const char *source,
                                 const char *expect_name, ddp_error *err)
{
	json_t *j;
	size_t at;
	char a[48], b[48];
	int rc;

	if ((rc = ddp_jf_load_object(&j, text, len, source, err)))
		return rc;
	at = ddp_jf_value_start(text, len);
	rc = ddp_jf_check_members(j, meta_name_members, DDP_JF_N(meta_name_members), text, len, at,
	                   source, err);
	if (!rc && strcmp(json_string_value(json_object_get(j, "case_name")), expect_name))
		rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, at, "case_name"),
		             "case_name is '%s', not '%s': the baseline of another case",
		             ddp_jf_shown(a, json_string_value(json_object_get(j, "case_name"))),
		             ddp_jf_shown(b, expect_name));
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
	return ddp_jf_load(out, path, DDP_META_MAX, parse_meta, expect_name, err);
}

static const ddp_jf_member info_members[] = {
	{"format", DDP_JF_TEXT, 1},
	{"virtual-size", DDP_JF_COUNT, 1},
	{"cluster-size", DDP_JF_COUNT, 0},
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
	if ((rc = ddp_jf_load_object(&j, text, len, source, err)))
		return rc;
	if ((rc = ddp_jf_check_members(j, info_members, DDP_JF_N(info_members), text, len,
	                        ddp_jf_value_start(text, len), source, err))) {
		json_decref(j);
		return rc;
	}
	/* What replay does with it: the core's comparison must read it. */
	if (ddp_info_profile_lookup(&parity, "parity", &cerr) ||
	    (rc = ddp_info_compare(&d, text, len, text, len, parity, &cerr))) {
		json_decref(j);
		if (rc == DDP_ENOMEM)
			return ddp_jf_out_of_memory(err, source);
		return ddp_error_set(err, DDP_EINVAL, source,
		                     cerr.line > 0 ? cerr.line : 1, cerr.line > 0 ? cerr.column : 0,
		                     "not info the core reads: %s",
		                     ddp_jf_printable(msg, sizeof(msg), cerr.message));
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

	if ((rc = ddp_jf_read_text(text, &len, path, DDP_STDOUT_MAX, 1, err)))
		return rc;
	if ((rc = ddp_baseline_stdout_parse(NULL, *text, len, meta, path, err))) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

/* ---- version-map.json ------------------------------------------------------------ */

static const ddp_jf_member map_members[] = {
	{"profiles", DDP_JF_OBJECT, 1},
	{"version_to_profile", DDP_JF_OBJECT, 1},
	{"profile_versions", DDP_JF_OBJECT, 1},
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
	size_t ppos = ddp_jf_member_pos(text, len, 0, "profiles");
	size_t mpos = ddp_jf_member_pos(text, len, 0, "profile_versions");
	const char *k;
	json_t *v;
	char a[48], b[48];

	json_object_foreach((json_t *)profiles, k, v) {
		const ddp_version_map_entry *e = json_is_string(v) ? map_get(m, json_string_value(v)) : NULL;
		if (!map_members_of(m, k))
			return ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, ppos, k),
			               "profiles: '%s' is no version's profile in version_to_profile",
			               ddp_jf_shown(a, k));
		if (!e || strcmp(e->profile, k))
			return ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, ppos, k),
			               "profiles: '%s' must name one of its versions", ddp_jf_shown(a, k));
	}
	json_object_foreach((json_t *)members, k, v) {
		size_t i;
		json_t *ver;
		size_t at = ddp_jf_member_pos(text, len, mpos, k);

		if (!map_members_of(m, k))
			return ddp_jf_fail_at(err, source, text, len, at, "profile_versions: '%s' is no "
			               "version's profile in version_to_profile", ddp_jf_shown(a, k));
		if (!json_is_array(v) || json_array_size(v) != map_members_of(m, k))
			return ddp_jf_fail_at(err, source, text, len, at, "profile_versions: '%s' must list "
			               "the %zu version(s) version_to_profile maps to it", ddp_jf_shown(a, k),
			               map_members_of(m, k));
		json_array_foreach(v, i, ver) {
			const char *s = json_string_value(ver);
			const ddp_version_map_entry *e = s ? map_get(m, s) : NULL;
			if (!e || strcmp(e->profile, k))
				return ddp_jf_fail_at(err, source, text, len, at, "profile_versions: '%s' "
				               "lists %s, not one of its versions", ddp_jf_shown(a, k),
				               s ? ddp_jf_shown(b, s) : ddp_jf_type_name(ver));
			for (size_t p = 0; p < i; p++)
				if (!strcmp(json_string_value(json_array_get(v, p)), s))
					return ddp_jf_fail_at(err, source, text, len, at, "profile_versions: "
					               "'%s' lists %s twice", ddp_jf_shown(a, k), ddp_jf_shown(b, s));
		}
	}
	for (size_t i = 0; i < m->count; i++) {
		const char *p = m->entries[i].profile;
		if (!json_object_get(profiles, p) || !json_object_get(members, p))
			return ddp_jf_fail_at(err, source, text, len,
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
	if ((rc = ddp_jf_load_object(&j, text, len, source, err)))
		return rc;
	if ((rc = ddp_jf_check_members(j, map_members, DDP_JF_N(map_members), text, len,
	                        ddp_jf_value_start(text, len), source, err)))
		goto out;
	v2p = json_object_get(j, "version_to_profile");
	vpos = ddp_jf_member_pos(text, len, 0, "version_to_profile");
	if (!json_object_size(v2p)) {
		rc = ddp_jf_fail_at(err, source, text, len, vpos, "version_to_profile maps no version");
		goto out;
	}
	if (!(out->entries = calloc(json_object_size(v2p), sizeof(*out->entries)))) {
		rc = ddp_jf_out_of_memory(err, source);
		goto out;
	}
	json_object_foreach(v2p, k, v) {
		ddp_version_map_entry *e = &out->entries[out->count];
		const char *p = json_string_value(v);

		if (!ddp_jf_version_ok(k)) {
			rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, vpos, k),
			             "version_to_profile: '%s' is not %s", ddp_jf_shown(a, k),
			             ddp_jf_member_text(DDP_JF_VERSION));
			goto out;
		}
		if (!p || !ddp_jf_profile_ok(p)) {
			rc = ddp_jf_fail_at(err, source, text, len, ddp_jf_member_pos(text, len, vpos, k),
			             "version_to_profile: %s must map to a profile name "
			             "(profile-<8 hex digits>)", ddp_jf_shown(a, k));
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
	return ddp_jf_load(out, path, DDP_VERSION_MAP_MAX, parse_map, NULL, err);
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

