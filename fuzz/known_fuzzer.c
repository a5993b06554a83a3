/*
 * known_fuzzer.c: arbitrary bytes as a known-divergences file, through
 * ddp_known_divergences_parse and ddp_known_divergences_match (a hostile
 * file the suite reads).
 *
 * Input: the text.  Properties: the parser answers with a list or a
 * documented error that names the file and a line within the text; every
 * entry has a pattern, at least one field and a reason, with lines rising;
 * matching any entry's own pattern text against a signature never fails
 * and only ever returns an entry of the list.  Nothing leaks.
 */
#define FUZZ_TARGET "known"
#include "fuzz.h"

static const char source[] = "known-divergences";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ddp_known_divergences *list = NULL;
	ddp_error err;
	size_t lines = 1;
	int rc;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	rc = ddp_known_divergences_parse(&list, (const char *)data, size, source, &err);
	FUZZ_CHECK(rc == DDP_OK || rc == DDP_EINVAL || rc == DDP_ENOMEM,
	           "the parser answers with a list or a documented error");
	if (rc) {
		FUZZ_CHECK(!list, "a failed parse returns no list");
		FUZZ_CHECK(err.code == rc && err.message[0], "an error says why");
		FUZZ_CHECK(!strcmp(err.source, source) || strstr(err.source, source),
		           "an error names the file");
		FUZZ_CHECK(err.line >= 1 && (size_t)err.line <= lines, "an error names a line of the text");
		return 0;
	}
	FUZZ_CHECK(list != NULL, "a parse that succeeds returns a list");
	for (size_t i = 0; i < list->count; i++) {
		const ddp_known_divergence *e = &list->entries[i];
		const ddp_known_divergence *hit = NULL;

		FUZZ_CHECK(e->case_pattern && e->case_pattern[0] && e->n_fields > 0 && e->reason,
		           "an entry has a pattern, fields and a reason");
		FUZZ_CHECK(e->line >= 1 && (size_t)e->line <= lines &&
		           (i == 0 || e->line > list->entries[i - 1].line), "entries' lines rise");
		rc = ddp_known_divergences_match(&hit, list, e->case_pattern, e->fields[0], &err);
		FUZZ_CHECK(rc == DDP_OK, "matching never fails");
		FUZZ_CHECK(!hit || (hit >= list->entries && hit < list->entries + list->count),
		           "a match is an entry of the list");
	}
	ddp_known_divergences_free(list);
	return 0;
}
