/*
 * ddparity/common.h: status codes and the error record shared by every
 * part of the ddparity core.
 *
 * Every core function returns an int status (DDP_OK or a negative DDP_E*
 * code) and, when given a non-NULL ddp_error, fills it with what went wrong
 * and where.  The core never prints and never exits.
 */
#ifndef DDPARITY_COMMON_H
#define DDPARITY_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The core's public functions, the only symbols libddpcore.so exports (the
 * rest is built with hidden visibility): what these headers declare is the
 * whole interface.
 */
#if defined(__GNUC__)
#define DDP_EXTERN extern __attribute__((visibility("default")))
#else
#define DDP_EXTERN extern
#endif

/*
 * A status: what every core function returns (as an int, as libgit2's
 * functions return its git_error_code) and what an error record's code is.
 * DDP_OK, or a negative DDP_E*.
 */
typedef enum ddp_status {
	DDP_OK = 0,
	DDP_ERROR = -1,       /* generic failure */
	DDP_EINVAL = -2,      /* bad input given to ddparity itself */
	DDP_EUNMODELLED = -3, /* the model does not know what qemu does here */
	DDP_ERANGE = -4,      /* a number out of range */
	DDP_ENOMEM = -5,      /* an allocation failed */
	DDP_EBUFS = -6,       /* a caller-supplied buffer is too small */
	DDP_EJSON = -7        /* JSON that cannot be read as given */
} ddp_status;

typedef struct ddp_error {
	int code;              /* the ddp_status also returned (an int: the record's layout is fixed) */
	char message[256];     /* what is wrong, one line, no trailing dot */
	char source[128];      /* what was being read: "operand 3", "cases.txt" */
	int line;              /* 1-based line in source, 0 when not a file */
	int column;            /* 1-based column, 0 when unknown */
	size_t position;       /* byte offset in source */
} ddp_error;

/* Returns a static English name for a ddp_status ("unmodelled"). */
DDP_EXTERN const char *ddp_strerror(int status);

/* Clears an error record; safe on NULL. */
DDP_EXTERN void ddp_error_clear(ddp_error *err);

/*
 * Fills err (when not NULL) with code, what was being read (source, and a
 * 1-based line and column, 0 when not known) and a printf-style message;
 * returns code, so that `return ddp_error_set(err, ...)` reads naturally.
 */
DDP_EXTERN int ddp_error_set(ddp_error *err, int code, const char *source, int line,
                             int column, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 6, 7)))
#endif
	;

/* ddp_error_set with a va_list, and the byte position too. */
DDP_EXTERN int ddp_error_vset(ddp_error *err, int code, const char *source, int line,
                              int column, size_t position, const char *fmt, va_list ap);

/* ddp_error_set with strerror(errno) after the message: "what: reason". */
DDP_EXTERN int ddp_error_errno(ddp_error *err, const char *source, const char *what);

#ifdef __cplusplus
}
#endif

#endif
