/*
 * ddcases_fuzzer.c: arbitrary bytes as a dd-cases file, through
 * ddp_ddcases_parse (a hostile file the suite reads).
 *
 * Input: the text (up to its first NUL: the parser reads a C string, and
 * ddp_ddcases_load refuses a NUL byte before it).  Properties: the parser
 * answers with a list or a documented error naming the file and a line of
 * the text; a list has at least one case, each passing ddp_ddcase_check,
 * with unique names and rising lines; each case's printed line
 * (ddp_ddcase_line) parses to the same case.  Nothing leaks.
 */
#define FUZZ_TARGET "ddcases"
#include "files.h"
#include "suite/suite.h"

static const char source[] = "dd-cases";

static const char *pattern_of(const ddp_ddcase *c)
{
	return c->pattern[0] ? c->pattern : "random";
}

static FUZZ_NO_COVERAGE int same_case(const ddp_ddcase *a, const ddp_ddcase *b)
{
	if (strcmp(a->name, b->name) || a->size != b->size || strcmp(a->size_text, b->size_text) ||
	    strcmp(pattern_of(a), pattern_of(b)) || strcmp(a->in_fmt, b->in_fmt) ||
	    strcmp(a->out_fmt, b->out_fmt) || a->nops != b->nops)
		return 0;
	for (int i = 0; i < a->nops; i++)
		if (strcmp(a->ops[i], b->ops[i]))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	ddp_ddcases list, one;
	ddp_error err;
	size_t lines;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	lines = fuzz_lines(text, strlen(text));
	rc = ddp_ddcases_parse(&list, text, source, &err);
	if (rc) {
		fuzz_check_file_error(rc, &err, source, lines);
		FUZZ_CHECK(!list.count && !list.items, "a failed parse returns no list");
		free(text);
		return 0;
	}
	FUZZ_CHECK(list.count >= 1, "a file that parses has a case");
	for (size_t i = 0; i < list.count; i++) {
		const ddp_ddcase *c = &list.items[i];
		char *line;

		FUZZ_CHECK(ddp_ddcase_check(c, source, NULL) == DDP_OK, "every case passes the check");
		FUZZ_CHECK(c->line >= 1 && (size_t)c->line <= lines &&
		           (i == 0 || c->line > list.items[i - 1].line), "cases' lines rise");
		FUZZ_CHECK(ddp_ddcases_find(&list, c->name) == c, "case names are unique");
		line = ddp_ddcase_line(c);
		FUZZ_CHECK(line != NULL, "a case prints");
		rc = ddp_ddcases_parse(&one, line, source, &err);
		FUZZ_CHECK(rc == DDP_OK && one.count == 1, "a printed case parses");
		FUZZ_CHECK(same_case(c, &one.items[0]), "a printed case parses to the same case");
		ddp_ddcases_free(&one);
		free(line);
	}
	ddp_ddcases_free(&list);
	free(text);
	return 0;
}
