/*
 * signatures_fuzzer.c: arbitrary bytes as a findings directory's
 * signatures.json, through ddp_signatures_parse (a hostile file every
 * campaign reopening its findings, and report, read).
 *
 * Input: the text.  Properties: an object or a documented error naming
 * the file and a line of the text; every signature one the engine could
 * write, with a count of at least 1 and a directory name that stays in
 * the findings directory; written back as the engine saves it, it parses
 * to an equal object.  Nothing leaks.
 */
#define FUZZ_TARGET "signatures"
#include "files.h"
#include "engine/engine.h"

static const char source[] = "signatures.json";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *sigs, *again, *v;
	const char *k, *dir;
	ddp_error err;
	char *text;
	int rc = ddp_signatures_parse(&sigs, (const char *)data, size, source, &err);

	if (rc) {
		fuzz_check_file_error(rc, &err, source, fuzz_lines(data, size));
		FUZZ_CHECK(!sigs, "a failed parse returns no object");
		return 0;
	}
	json_object_foreach(sigs, k, v) {
		FUZZ_CHECK(ddp_signature_ok(k), "a signature is one the engine could write");
		FUZZ_CHECK(json_integer_value(json_object_get(v, "count")) >= 1, "a count is at least 1");
		dir = json_string_value(json_object_get(v, "dir"));
		FUZZ_CHECK(dir && dir[0] && !strchr(dir, '/') && strcmp(dir, ".") && strcmp(dir, ".."),
		           "a directory stays in the findings directory");
	}
	text = json_dumps(sigs, JSON_INDENT(2) | JSON_SORT_KEYS);
	FUZZ_CHECK(text && ddp_signatures_parse(&again, text, strlen(text), source, &err) == DDP_OK &&
	           json_equal(sigs, again), "written back, the signatures parse the same");
	free(text);
	json_decref(again);
	json_decref(sigs);
	return 0;
}
