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
	va_list ap;

	if (err) {
		memset(err, 0, sizeof(*err));
		err->code = DDP_ERROR;
		snprintf(err->source, sizeof(err->source), "fixture %s", name);
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return DDP_ERROR;
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

static int write_pattern(const char *path, int64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	uint32_t seed = 0x9e3779b9u ^ (uint32_t)size;
	char *block;
	int64_t done = 0;

	if (fd < 0)
		return -1;
	block = malloc(65536);
	while (block && done < size) {
		size_t n = size - done < 65536 ? (size_t)(size - done) : 65536;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			block[i] = (char)(seed >> 16);
		}
		if (write(fd, block, n) != (ssize_t)n)
			break;
		done += (int64_t)n;
	}
	free(block);
	if (close(fd) || done != size)
		return -1;
	return 0;
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
                      int64_t size, const char *format, ddp_error *err)
{
	static const char *const formats[] = {"raw", "qcow2", "vmdk", "vpc", "vhdx"};
	char name[64], stamp[4200], src[4200];
	struct stat st;
	size_t k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
		if (!strcmp(formats[k], format))
			break;
	if (k == sizeof(formats) / sizeof(formats[0]))
		return fail(err, format, "unknown input format '%s'", format);
	if (size < 0)
		return fail(err, format, "negative size");
	snprintf(name, sizeof(name), "dd-%s-%lld", format, (long long)size);
	out->name = intern(name);
	if (!out->name)
		return fail(err, name, "out of memory");
	out->format = formats[k];
	out->file = k == 0 ? "in.raw" : k == 1 ? "in.qcow2" : k == 2 ? "in.vmdk"
	          : k == 3 ? "in.vpc" : "in.vhdx";
	out->size = size;
	out->pattern = "random";
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
		if (write_pattern(out->path, size))
			return fail(err, name, "%s: %s", out->path, strerror(errno));
	} else {
		const char *conv[] = {qemu_img, "convert", "-f", "raw", "-O", format, src, out->path, NULL};
		const char *flat[] = {qemu_img, "convert", "-f", format, "-O", "raw", out->path, out->flat, NULL};
		snprintf(src, sizeof(src), "%s/%s.src", dir, name);
		if (write_pattern(src, size))
			return fail(err, name, "%s: %s", src, strerror(errno));
		if (run(conv, name, err)) {
			unlink(src);
			return DDP_ERROR;
		}
		unlink(src);
		if (run(flat, name, err))
			return DDP_ERROR;
	}
	if (read_info(out, qemu_img, err))
		return DDP_ERROR;
	return ddp_write_atomic(stamp, "done\n", 5, err);
}
