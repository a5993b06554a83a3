/*
 * adhoc_fixture.c: an engine fixture of any size and format, made on
 * demand: the inputs of dd-cases lines, and the inputs minimise tries.
 *
 * Made by the engine's own ddp_fixture_make, so a raw one is byte for
 * byte the engine's raw-<size>-<pattern>; made once per directory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"

static int fail(ddp_error *err, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(ddp_error *err, const char *name, const char *fmt, ...)
{
	char source[128], msg[256];
	va_list ap;

	snprintf(source, sizeof(source), "fixture %s", name);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ddp_error_set(err, DDP_ERROR, source, 0, 0, "%s", msg);
}

/*
 * A ddp_fixture's name must outlive it and survive copies: names are kept
 * here, once each, for the life of the process (one per size and format
 * asked for: a few hundred at most).
 */
static const char *intern(const char *name)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct interned { struct interned *next; char name[]; } *head;
	struct interned *e;

	pthread_mutex_lock(&lock);
	for (e = head; e; e = e->next)
		if (!strcmp(e->name, name))
			break;
	if (!e && (e = malloc(sizeof(*e) + strlen(name) + 1))) {
		strcpy(e->name, name);
		e->next = head;
		head = e;
	}
	pthread_mutex_unlock(&lock);
	return e ? e->name : NULL;
}

int ddp_fixture_adhoc(ddp_fixture *out, const char *dir, const char *qemu_img,
                      int64_t size, const char *format, const char *pattern,
                      ddp_error *err)
{
	static const char *const formats[] = {"raw", "qcow2", "vmdk", "vpc", "vhdx"};
	static const char *const files[] = {"in.raw", "in.qcow2", "in.vmdk", "in.vpc", "in.vhdx"};
	static const char *const patterns[] = {"random", "sparse", "zero"};
	char name[96];
	size_t k, p;

	memset(out, 0, sizeof(*out));
	if (!pattern || !*pattern)
		pattern = "random";
	for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
		if (!strcmp(formats[k], format))
			break;
	if (k == sizeof(formats) / sizeof(formats[0]))
		return fail(err, format, "unknown input format '%s'", format);
	for (p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++)
		if (!strcmp(patterns[p], pattern))
			break;
	if (p == sizeof(patterns) / sizeof(patterns[0]))
		return fail(err, format, "unknown input pattern '%s'", pattern);
	if (size < 0)
		return fail(err, format, "negative size");
	snprintf(name, sizeof(name), "dd-%s-%lld%s%s", format, (long long)size, p ? "-" : "",
	         p ? pattern : "");
	out->name = intern(name);
	if (!out->name)
		return fail(err, name, "out of memory");
	out->format = formats[k];
	out->file = files[k];
	out->size = size;
	out->pattern = patterns[p];
	if (mkdir(dir, 0755) && errno != EEXIST)
		return fail(err, name, "%s: %s", dir, strerror(errno));
	return ddp_fixture_make(out, dir, qemu_img, err);
}

int ddp_fixture_adhoc_named(ddp_fixture *out, const char *dir, const char *qemu_img,
                            const char *name, ddp_error *err)
{
	char format[16];
	long long size;
	int n = 0;

	/* dd-<format>-<size>[-<pattern>], as ddp_fixture_adhoc names them. */
	if (sscanf(name, "dd-%15[a-z0-9]-%lld%n", format, &size, &n) != 2 || n <= 0 ||
	    (name[n] && (name[n] != '-' || !name[n + 1])))
		return fail(err, name, "not the name of an ad hoc input (dd-FORMAT-SIZE[-PATTERN])");
	return ddp_fixture_adhoc(out, dir, qemu_img, size, format, name[n] ? name + n + 1 : "random",
	                         err);
}
