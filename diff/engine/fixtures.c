/*
 * fixtures.c: the input images, made once with the reference qemu-img:
 * raw files of every awkward length (0, a partial last sector, exact CHS
 * sizes, a big sparse one for VHD's breakpoints), and qcow2, vmdk, vpc and
 * vhdx images written with qemu-io in patterns.  Each is flattened to raw
 * once, so that the model's data check can read the window it copies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"

#define MiB (1024 * 1024)

static const ddp_fixture table[] = {
	{"raw-0", "raw", "in.raw", 0, "zero", 0, 0, 0, "", ""},
	{"raw-512-random", "raw", "in.raw", 512, "random", 0, 0, 0, "", ""},
	{"raw-5000-random", "raw", "in.raw", 5000, "random", 0, 0, 0, "", ""},
	{"raw-10240-random", "raw", "in.raw", 10240, "random", 0, 0, 0, "", ""},
	{"raw-34817-random", "raw", "in.raw", 34817, "random", 0, 0, 0, "", ""},
	{"raw-65536-zero", "raw", "in.raw", 65536, "zero", 0, 0, 0, "", ""},
	{"raw-69632-random", "raw", "in.raw", 69632, "random", 0, 0, 0, "", ""},
	{"raw-1M-sparse", "raw", "in.raw", MiB, "sparse", 0, 0, 0, "", ""},
	{"raw-1M-random", "raw", "in.raw", MiB, "random", 0, 0, 0, "", ""},
	{"raw-56M-sparse", "raw", "in.raw", 56 * MiB, "sparse", 1, 0, 0, "", ""},
	{"qcow2-1M-random", "qcow2", "in.qcow2", MiB, "random", 0, 0, 0, "", ""},
	{"qcow2-70000-sparse", "qcow2", "in.qcow2", 70000, "sparse", 0, 0, 0, "", ""},
	{"vmdk-1M-sparse", "vmdk", "in.vmdk", MiB, "sparse", 0, 0, 0, "", ""},
	{"vpc-1M-random", "vpc", "in.vpc", MiB, "random", 0, 0, 0, "", ""},
	{"vhdx-1M-sparse", "vhdx", "in.vhdx", MiB, "sparse", 0, 0, 0, "", ""},
};

/* "fixture NAME": what went wrong making it. */
static int fail(ddp_error *err, const char *what, const char *detail)
{
	return ddp_error_set(err, DDP_ERROR, what, 0, 0, "fixture: %s", detail);
}

/* qemu-io beside the given qemu-img (a version wrapper has both), else PATH's. */
char *ddp_qemu_io_for(const char *qemu_img)
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

int ddp_run_checked(const char *const *argv, const char *what, ddp_error *err)
{
	ddp_proc_result r;
	ddp_proc_opts o = {NULL, 300, 1 << 16, 0, 0};
	int ok;

	if (ddp_proc_run(&r, argv, &o, err))
		return DDP_ERROR;
	ok = r.exited && r.exit_code == 0;
	if (!ok)
		ddp_error_set(err, DDP_ERROR, what, 0, 0, "fixture: %s %s failed: %.200s",
		              argv[0], argv[1], r.err);
	ddp_proc_result_free(&r);
	return ok ? DDP_OK : DDP_ERROR;
}

/* The pattern's bytes: an LCG seeded by the size, zeros, or sparse blocks. */
static int write_raw(const char *path, int64_t size, const char *pattern)
{
	/* In the work directory: a link planted at the name is refused, not written through. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
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

int ddp_image_virtual_size(int64_t *out, const char *qemu_img, const char *format,
                           const char *path, const char *cwd, const char *what,
                           ddp_error *err)
{
	return ddp_image_probe(out, NULL, 0, qemu_img, format, path, cwd, what, err);
}

int ddp_image_info(json_t **out, const char *qemu_img, const char *format, const char *path,
                   const char *cwd, const char *what, ddp_error *err)
{
	const char *with_f[] = {qemu_img, "info", "--output=json", "-f", format, path, NULL};
	const char *probing[] = {qemu_img, "info", "--output=json", path, NULL};
	ddp_proc_opts o = {cwd, 60, 1 << 20, 0, 0};
	ddp_proc_result r;
	json_t *j;

	*out = NULL;
	if (ddp_proc_run(&r, format ? with_f : probing, &o, err))
		return DDP_ERROR;
	j = r.exited && !r.exit_code ? json_loads(r.out, 0, NULL) : NULL;
	if (!json_is_integer(json_object_get(j, "virtual-size"))) {
		json_decref(j);
		ddp_error_set(err, DDP_ERROR, what, 0, 0,
		              "fixture: qemu-img info of %s gave no virtual-size: %.200s", path, r.err);
		ddp_proc_result_free(&r);
		return DDP_ERROR;
	}
	ddp_proc_result_free(&r);
	*out = j;
	return DDP_OK;
}

int ddp_image_probe(int64_t *out, char *probed, size_t probed_size, const char *qemu_img,
                    const char *format, const char *path, const char *cwd, const char *what,
                    ddp_error *err)
{
	json_t *j;

	if (ddp_image_info(&j, qemu_img, format, path, cwd, what, err))
		return DDP_ERROR;
	*out = json_integer_value(json_object_get(j, "virtual-size"));
	if (probed)
		snprintf(probed, probed_size, "%s",
		         json_is_string(json_object_get(j, "format"))
		         ? json_string_value(json_object_get(j, "format")) : "");
	json_decref(j);
	return DDP_OK;
}

/* What the reference's info says of it (with -f: nothing is probed). */
static int read_info(ddp_fixture *f, const char *qemu_img, ddp_error *err)
{
	struct stat st;

	if (ddp_image_virtual_size(&f->virtual_size, qemu_img, f->format, f->path, NULL, f->name,
	                           err))
		return DDP_ERROR;
	if (stat(f->path, &st))
		return fail(err, f->name, strerror(errno));
	f->file_length = st.st_size;
	return DDP_OK;
}

int ddp_fixture_make(ddp_fixture *f, const char *dir, const char *qemu_img, ddp_error *err)
{
	char stamp[4200], src[4200], sz[32];
	struct stat st;
	int raw = !strcmp(f->format, "raw");

	snprintf(f->path, sizeof(f->path), "%s/%s.%s", dir, f->name, f->format);
	/* A raw fixture is its own flat view (read as whole sectors). */
	if (raw)
		snprintf(f->flat, sizeof(f->flat), "%s", f->path);
	else
		snprintf(f->flat, sizeof(f->flat), "%s/%s.flat", dir, f->name);
	snprintf(stamp, sizeof(stamp), "%s/%s.done", dir, f->name);
	snprintf(sz, sizeof(sz), "%lld", (long long)f->size);
	if (stat(stamp, &st) == 0)
		return read_info(f, qemu_img, err);
	/* qemu-img follows a link at the name it creates: one planted here is refused. */
	if (ddp_own_dir(dir, 0, err))
		return DDP_ERROR;
	for (int i = 0; i < 2; i++)
		if (lstat(i ? f->flat : f->path, &st) == 0 && !S_ISREG(st.st_mode))
			return ddp_error_set(err, DDP_ERROR, i ? f->flat : f->path, 0, 0,
			                     "a link or not a regular file where a fixture goes: refused");

	if (raw) {
		if (write_raw(f->path, f->size, f->pattern))
			return fail(err, f->name, strerror(errno));
	} else if (!strcmp(f->pattern, "random")) {
		const char *conv[] = {qemu_img, "convert", "-f", "raw", "-O", f->format, src, f->path, NULL};
		int rc;
		snprintf(src, sizeof(src), "%s/%s.src", dir, f->name);
		if (write_raw(src, f->size, "random"))
			return fail(err, f->name, strerror(errno));
		rc = ddp_run_checked(conv, f->name, err);
		unlink(src);
		if (rc)
			return DDP_ERROR;
	} else {
		const char *create[] = {qemu_img, "create", "-q", "-f", f->format, f->path, sz, NULL};
		if (ddp_run_checked(create, f->name, err))
			return DDP_ERROR;
		if (!strcmp(f->pattern, "sparse")) {
			/* qemu-io writes patterns: a start, a middle, the very end; holes between. */
			char w0[64], w1[64], w2[64];
			char *io = ddp_qemu_io_for(qemu_img);
			const char *w[] = {io, "-f", f->format, "-c", w0, "-c", w1, "-c", w2, f->path, NULL};
			int64_t end = f->size / 512 * 512;
			int rc;
			snprintf(w0, sizeof(w0), "write -P 0x5a 0 4096");
			snprintf(w1, sizeof(w1), "write -P 0xa5 %lld 4096", (long long)(end / 2 / 512 * 512));
			snprintf(w2, sizeof(w2), "write -P 0x3c %lld 512", (long long)(end - 512));
			rc = io ? ddp_run_checked(w, f->name, err) : fail(err, f->name, "out of memory");
			free(io);
			if (rc)
				return DDP_ERROR;
		}
	}
	if (!raw) {
		const char *conv[] = {qemu_img, "convert", "-f", f->format, "-O", "raw", f->path, f->flat, NULL};
		if (ddp_run_checked(conv, f->name, err))
			return DDP_ERROR;
	}
	if (read_info(f, qemu_img, err))
		return DDP_ERROR;
	return ddp_write_atomic(stamp, "done\n", 5, err);
}

int ddp_fixtures_make(ddp_fixtures *fx, const char *dir, const char *qemu_img, ddp_error *err)
{
	return ddp_fixtures_make_only(fx, dir, qemu_img, NULL, err);
}

int ddp_fixtures_make_only(ddp_fixtures *fx, const char *dir, const char *qemu_img,
                           const char *only, ddp_error *err)
{
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "%s", dir);
	if (ddp_own_dir(dir, 1, err))
		return DDP_ERROR;
	fx->items = malloc(sizeof(table));
	if (!fx->items)
		return fail(err, dir, "out of memory");
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!only || !strcmp(table[i].name, only))
			fx->items[fx->count++] = table[i];
	for (size_t i = 0; i < fx->count; i++) {
		if (ddp_fixture_make(&fx->items[i], dir, qemu_img, err)) {
			ddp_fixtures_free(fx);
			return DDP_ERROR;
		}
	}
	return DDP_OK;
}

int ddp_fixtures_table(ddp_fixtures *fx, ddp_error *err)
{
	memset(fx, 0, sizeof(*fx));
	fx->items = malloc(sizeof(table));
	if (!fx->items)
		return fail(err, "fixtures", "out of memory");
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		fx->items[fx->count] = table[i];
		/* Unmade: the size asked of qemu-img create stands for the virtual size. */
		fx->items[fx->count++].virtual_size = table[i].size;
	}
	return DDP_OK;
}

const ddp_fixture *ddp_fixtures_find(const ddp_fixtures *fx, const char *name)
{
	for (size_t i = 0; i < fx->count; i++)
		if (!strcmp(fx->items[i].name, name))
			return &fx->items[i];
	return NULL;
}

void ddp_fixtures_free(ddp_fixtures *fx)
{
	free(fx->items);
	fx->items = NULL;
	fx->count = 0;
}
