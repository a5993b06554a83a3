/*
 * versionmap_fuzzer.c: arbitrary bytes as dd-info-json/version-map.json,
 * through ddp_version_map_parse and ddp_version_map_find (a hostile file
 * replay and report read; its profile names become directory names).
 *
 * Input: the text.  Properties: a map or a documented error naming the
 * file and a line of the text; a map has versions (unique, each a
 * version name under 32 bytes) and profiles named profile-<8 hex
 * digits>; finding a version of the map gives its entry, with or without
 * the major.minor fallback, and the fallback for a version the map lacks
 * gives one of the same major.minor.  Nothing leaks.
 */
#define FUZZ_TARGET "versionmap"
#include "files.h"
#include "suite/suite.h"

static const char source[] = "version-map.json";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ddp_version_map m;
	ddp_error err;
	int rc = ddp_version_map_parse(&m, (const char *)data, size, source, &err);

	if (rc) {
		fuzz_check_file_error(rc, &err, source, fuzz_lines(data, size));
		FUZZ_CHECK(!m.entries && !m.count, "a failed parse returns no map");
		return 0;
	}
	FUZZ_CHECK(m.count >= 1, "a map has a version");
	for (size_t i = 0; i < m.count; i++) {
		const ddp_version_map_entry *e = &m.entries[i], *hit;
		const char *dot = strchr(e->version, '.');
		char probe[64];

		FUZZ_CHECK(e->version[0] >= '0' && e->version[0] <= '9' && !strchr(e->version, '/'),
		           "a version is a version name");
		FUZZ_CHECK(strlen(e->profile) == 16 && !strncmp(e->profile, "profile-", 8) &&
		           strspn(e->profile + 8, "0123456789abcdef") == 8,
		           "a profile is named profile-<8 hex digits>");
		FUZZ_CHECK(ddp_version_map_find(&m, e->version, 0) == e &&
		           ddp_version_map_find(&m, e->version, 1) == e, "a version finds its entry");
		dot = dot ? strchr(dot + 1, '.') : NULL;
		if (!dot)
			continue;
		snprintf(probe, sizeof(probe), "%.*s.x-not-listed", (int)(dot - e->version), e->version);
		hit = ddp_version_map_find(&m, probe, 1);
		FUZZ_CHECK(hit && !strncmp(hit->version, e->version, (size_t)(dot - e->version) + 1),
		           "a version not listed finds one of its major.minor");
	}
	ddp_version_map_free(&m);
	return 0;
}
