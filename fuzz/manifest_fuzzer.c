/*
 * manifest_fuzzer.c: arbitrary bytes as a map fixture manifest
 * (expected-outputs/map-fixtures), through ddp_map_manifest_parse: the
 * file says what qemu-img create and qemu-io run, so it is read strictly.
 *
 * Input: the text.  Properties: the parser answers with a manifest or a
 * documented error naming the file, a line of the text and a column
 * within that line; a manifest has fixtures with unique names, known
 * formats, options of plain words, a backing fixture above each overlay,
 * writes inside the image, and lines that rise; printed again
 * (ddp_map_fixture_line, ddp_map_window_line) it parses to the same
 * manifest.  Nothing leaks.
 */
#define _POSIX_C_SOURCE 200809L
#define FUZZ_TARGET "manifest"
#include "files.h"
#include "map/map.h"

static const char source[] = "map-fixtures";

static FUZZ_NO_COVERAGE int same_fixture(const ddp_map_fixture *a, const ddp_map_fixture *b)
{
	if (a->kind != b->kind || strcmp(a->path, b->path) || strcmp(a->sha256, b->sha256) ||
	    strcmp(a->snapshot_of, b->snapshot_of) ||
	    strcmp(a->name, b->name) || strcmp(a->format, b->format) || a->size != b->size ||
	    strcmp(a->options, b->options) || strcmp(a->backing, b->backing) ||
	    a->nwrites != b->nwrites)
		return 0;
	for (int i = 0; i < a->nwrites; i++)
		if (memcmp(&a->writes[i], &b->writes[i], sizeof(a->writes[i])))
			return 0;
	return 1;
}

static FUZZ_NO_COVERAGE int same_window(const ddp_map_window *a, const ddp_map_window *b)
{
	return !strcmp(a->name, b->name) && a->at == b->at && a->delta == b->delta &&
	       a->length == b->length;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ddp_map_manifest m, again;
	ddp_error err;
	size_t lines = fuzz_lines(data, size);
	char *text = NULL, line[2048];
	size_t len = 0;
	FILE *f;
	int rc, prev = 0;

	rc = ddp_map_manifest_parse(&m, (const char *)data, size, source, &err);
	if (rc) {
		fuzz_check_file_error(rc, &err, source, lines);
		FUZZ_CHECK(err.column >= 0, "a column is 1-based or 0");
		FUZZ_CHECK(!m.fixtures && !m.windows, "a failed parse keeps nothing");
		return 0;
	}
	FUZZ_CHECK(m.nfixtures > 0, "a manifest has a fixture");
	f = open_memstream(&text, &len);
	for (size_t i = 0; i < m.nfixtures; i++) {
		const ddp_map_fixture *x = &m.fixtures[i];
		/* A map step's snapshot is on its fixture's line, after it. */
		FUZZ_CHECK((x->kind == DDP_MAP_SNAPSHOT ? x->line == prev : x->line > prev) &&
		           (size_t)x->line <= lines, "fixtures' lines rise");
		prev = x->line;
		FUZZ_CHECK(ddp_map_manifest_find(&m, x->name) == x, "fixture names are unique");
		if (x->backing[0]) {
			const ddp_map_fixture *b = ddp_map_manifest_find(&m, x->backing);
			FUZZ_CHECK(b && b < x, "a backing fixture is above its overlay");
		}
		for (const char *p = x->options; *p; p++)
			FUZZ_CHECK(*p == ',' || *p == '=' || *p == '.' || *p == '-' || *p == '_' ||
			           (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			           (*p >= 'A' && *p <= 'Z'), "options are plain words");
		for (int k = 0; k < x->nwrites; k++)
			FUZZ_CHECK(x->writes[k].op >= DDP_MAP_STEP_SHRINK || (x->writes[k].length > 0 &&
			           x->writes[k].offset + x->writes[k].length <= x->size),
			           "writes are inside the image");
		FUZZ_CHECK(x->kind != DDP_MAP_IMAGE || (strlen(x->sha256) == 64 && x->path[0]),
		           "an image has a path and a sha256");
		/* Its fixture's line prints it again. */
		if (x->kind == DDP_MAP_SNAPSHOT)
			continue;
		ddp_map_fixture_line(line, sizeof(line), x);
		fprintf(f, "%s\n", line);
	}
	for (size_t i = 0; i < m.nwindows; i++) {
		ddp_map_window_line(line, sizeof(line), &m.windows[i]);
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	rc = ddp_map_manifest_parse(&again, text, len, "printed", &err);
	if (rc)
		fprintf(stderr, "printed manifest: %s:%d:%d: %s\n%s", err.source, err.line, err.column,
		        err.message, text);
	FUZZ_CHECK(rc == DDP_OK, "a printed manifest parses");
	FUZZ_CHECK(again.nfixtures == m.nfixtures && again.nwindows == m.nwindows,
	           "a printed manifest has the same lines");
	for (size_t i = 0; i < m.nfixtures; i++)
		FUZZ_CHECK(same_fixture(&m.fixtures[i], &again.fixtures[i]),
		           "a printed fixture parses to the same fixture");
	for (size_t i = 0; i < m.nwindows; i++)
		FUZZ_CHECK(same_window(&m.windows[i], &again.windows[i]),
		           "a printed window parses to the same window");
	ddp_map_manifest_free(&again);
	ddp_map_manifest_free(&m);
	free(text);
	return 0;
}
