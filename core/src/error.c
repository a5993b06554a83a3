/* error.c: the error record every core function fills. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *ddp_strerror(int status)
{
	switch (status) {
	case DDP_OK: return "ok";
	case DDP_ERROR: return "error";
	case DDP_EINVAL: return "invalid input";
	case DDP_EUNMODELLED: return "not modelled";
	case DDP_ERANGE: return "out of range";
	case DDP_ENOMEM: return "out of memory";
	case DDP_EBUFS: return "buffer too small";
	case DDP_EJSON: return "invalid JSON";
	}
	return "unknown status";
}

void ddp_error_clear(ddp_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int ddp_error_vset(ddp_error *err, int code, const char *source, int line,
                   int column, size_t position, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	err->line = line;
	err->column = column;
	err->position = position;
	snprintf(err->source, sizeof(err->source), "%s", source ? source : "");
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	return code;
}

int ddp_fail(ddp_error *err, int code, const char *source, int line, int column,
             size_t position, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ddp_error_vset(err, code, source, line, column, position, fmt, ap);
	va_end(ap);
	return code;
}

int ddp_error_set(ddp_error *err, int code, const char *source, int line,
                  int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ddp_error_vset(err, code, source, line, column, 0, fmt, ap);
	va_end(ap);
	return code;
}

int ddp_error_errno(ddp_error *err, const char *source, const char *what)
{
	int e = errno;
	return ddp_error_set(err, DDP_ERROR, source, 0, 0, "%s: %s", what, strerror(e));
}
