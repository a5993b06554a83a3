/*
 * files.h: what the targets of the files the suite reads share (include
 * after fuzz.h, FUZZ_TARGET defined).  Each feeds the bytes to a parser
 * and checks that it answers with its result or a documented error that
 * says, on one line, what is wrong in which file and on which line.
 */
#ifndef DDP_FUZZ_FILES_H
#define DDP_FUZZ_FILES_H

#include "fuzz.h"

/* The lines of the text, as an error may name them: 1 + its newlines. */
static inline size_t fuzz_lines(const void *text, size_t len)
{
	const char *p = text;
	size_t n = 1;

	for (size_t i = 0; i < len; i++)
		n += p[i] == '\n';
	return n;
}

/* A parser's failure (rc) on a text of lines lines read as source. */
static inline FUZZ_NO_COVERAGE void fuzz_check_file_error(int rc, const ddp_error *err,
                                                          const char *source, size_t lines)
{
	FUZZ_CHECK(rc == DDP_EINVAL || rc == DDP_ENOMEM,
	           "the parser answers with its result or a documented error");
	FUZZ_CHECK(err->code == rc && err->message[0], "an error says why");
	for (const char *p = err->message; *p; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f,
		           "an error is one line without control characters");
	FUZZ_CHECK(!strcmp(err->source, source), "an error names the file");
	FUZZ_CHECK(err->line >= 1 && (size_t)err->line <= lines, "an error names a line of the text");
}

#endif
