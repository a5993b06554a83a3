/*
 * adhoc_fixture.c: an engine fixture of any size and format, made on
 * demand: the inputs of dd-cases lines, and the inputs minimise tries.
 *
 * The bytes are the engine's "random" pattern for that size (an LCG
 * seeded by the size), so a raw one is byte for byte the engine's
 * raw-<size>-random; other formats are converted from it by the given
 * qemu-img.  Made once per directory; a stamp file marks it complete.
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

#include "baseline.h"

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

/* The engine's raw bytes for a pattern (fixtures.c write_raw), for any size. */
static int write_raw(const char *path, int64_t size, const char *pattern)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	uint32_t seed = 0x9e3779b9u ^ (uint32_t)size;
	char *block;
	int64_t done = 0;
	int rc = 0;

	if (fd < 0)
		return -1;
	block = malloc(65536);
	if (!block) {
		close(fd);
		return -1;
	}
	if (!strcmp(pattern, "random")) {
		while (done < size) {
			size_t n = size - done < 65536 ? (size_t)(size - done) : 65536;
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				block[i] = (char)(seed >> 16);
			}
			if (write(fd, block, n) != (ssize_t)n)
				break;
			done += (int64_t)n;
		}
		rc = done == size ? 0 : -1;
	} else if (ftruncate(fd, size)) {
		rc = -1;
	} else if (!strcmp(pattern, "sparse") && size >= 8192) {
		/* Data at the start, the middle and the very end; holes between. */
		int64_t at[] = {0, size / 2 - 4096, size - 4096};
		memset(block, 0x5a, 4096);
		for (size_t i = 0; i < 3 && !rc; i++) {
			block[0] = (char)i;
			if (pwrite(fd, block, 4096, at[i]) != 4096)
				rc = -1;
		}
	}
	free(block);
	if (close(fd))
		rc = -1;
	return rc;
}

/* qemu-io beside the given qemu-img (a version wrapper has both), else PATH's. */
static char *qemu_io_for(const char *qemu_img)
{
	const char *base = strrchr(qemu_img, '/');
	char *io;

	if (base && !strcmp(base + 1, "qemu-img")) {
		if (asprintf(&io, "%.*sqemu-io", (int)(base + 1 - qemu_img), qemu_img) < 0)
			return NULL;
		if (access(io, X_OK) == 0)
			return io;
		free(io);
	}
	return strdup("qemu-io");
}

static int run(const char *const *argv, const char *name, ddp_error *err)
{
	ddp_proc_result r;
	ddp_proc_opts o = {NULL, 300, 1 << 16};
	int ok;

	if (ddp_proc_run(&r, argv, &o, err))
		return DDP_ERROR;
	ok = r.exited && r.exit_code == 0;
	if (!ok)
		fail(err, name, "%s %s failed: %.200s", argv[0], argv[1], r.err);
	ddp_proc_result_free(&r);
	return ok ? DDP_OK : DDP_ERROR;
}

static int read_info(ddp_fixture *f, const char *qemu_img, ddp_error *err)
{
	const char *argv[] = {qemu_img, "info", "--output=json", "-f", f->format, f->path, NULL};
	ddp_proc_opts o = {NULL, 60, 1 << 20};
	ddp_proc_result r;
	json_t *j;
	struct stat st;

	if (ddp_proc_run(&r, argv, &o, err))
		return DDP_ERROR;
	j = json_loads(r.out, 0, NULL);
	ddp_proc_result_free(&r);
	if (!j || !json_is_integer(json_object_get(j, "virtual-size"))) {
		json_decref(j);
		return fail(err, f->name, "qemu-img info gave no virtual-size");
	}
	f->virtual_size = json_integer_value(json_object_get(j, "virtual-size"));
	json_decref(j);
	if (stat(f->path, &st))
		return fail(err, f->name, "%s: %s", f->path, strerror(errno));
	f->file_length = st.st_size;
	return DDP_OK;
}

int ddp_fixture_adhoc(ddp_fixture *out, const char *dir, const char *qemu_img,
                      int64_t size, const char *format, const char *pattern,
                      ddp_error *err)
{
	static const char *const formats[] = {"raw", "qcow2", "vmdk", "vpc", "vhdx"};
	static const char *const files[] = {"in.raw", "in.qcow2", "in.vmdk", "in.vpc", "in.vhdx"};
	static const char *const patterns[] = {"random", "sparse", "zero"};
	char name[96], stamp[4200], src[4200];
	struct stat st;
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
	snprintf(out->path, sizeof(out->path), "%s/%s.%s", dir, name, format);
	snprintf(stamp, sizeof(stamp), "%s/%s.done", dir, name);
	if (k == 0)
		snprintf(out->flat, sizeof(out->flat), "%s", out->path);
	else
		snprintf(out->flat, sizeof(out->flat), "%s/%s.flat", dir, name);
	if (stat(stamp, &st) == 0)
		return read_info(out, qemu_img, err);

	if (k == 0) {
		if (write_raw(out->path, size, pattern))
			return fail(err, name, "%s: %s", out->path, strerror(errno));
	} else if (p == 0) {
		const char *conv[] = {qemu_img, "convert", "-f", "raw", "-O", format, src, out->path, NULL};
		snprintf(src, sizeof(src), "%s/%s.src", dir, name);
		if (write_raw(src, size, pattern))
			return fail(err, name, "%s: %s", src, strerror(errno));
		if (run(conv, name, err)) {
			unlink(src);
			return DDP_ERROR;
		}
		unlink(src);
	} else {
		char sz[32], w0[64], w1[64], w2[64];
		const char *create[] = {qemu_img, "create", "-q", "-f", format, out->path, sz, NULL};
		snprintf(sz, sizeof(sz), "%lld", (long long)size);
		if (run(create, name, err))
			return DDP_ERROR;
		if (p == 1) {
			/* qemu-io writes patterns: a start, a middle, the very end; holes between. */
			char *io = qemu_io_for(qemu_img);
			const char *w[] = {io, "-f", format, "-c", w0, "-c", w1, "-c", w2, out->path, NULL};
			int64_t end = size / 512 * 512;
			int rc;
			snprintf(w0, sizeof(w0), "write -P 0x5a 0 4096");
			snprintf(w1, sizeof(w1), "write -P 0xa5 %lld 4096", (long long)(end / 2 / 512 * 512));
			snprintf(w2, sizeof(w2), "write -P 0x3c %lld 512", (long long)(end - 512));
			rc = io ? run(w, name, err) : fail(err, name, "out of memory");
			free(io);
			if (rc)
				return DDP_ERROR;
		}
	}
	if (k) {
		const char *flat[] = {qemu_img, "convert", "-f", format, "-O", "raw", out->path, out->flat, NULL};
		if (run(flat, name, err))
			return DDP_ERROR;
	}
	if (read_info(out, qemu_img, err))
		return DDP_ERROR;
	return ddp_write_atomic(stamp, "done\n", 5, err);
}
