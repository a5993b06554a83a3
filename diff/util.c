/* util.c: files for the engine: atomic writes, whole reads (rm -rf and sweeps: tempdir.c). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

int ddp_write_atomic(const char *path, const char *text, size_t len, ddp_error *err)
{
	char tmp[4200];
	int fd;
	size_t done = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ddp_error_errno(err, tmp, "cannot create");
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ddp_error_errno(err, tmp, "cannot write");
			close(fd);
			unlink(tmp);
			return DDP_ERROR;
		}
		done += (size_t)n;
	}
	if (fsync(fd) || close(fd)) {
		ddp_error_errno(err, tmp, "cannot write");
		unlink(tmp);
		return DDP_ERROR;
	}
	if (rename(tmp, path)) {
		ddp_error_errno(err, path, "cannot rename into place");
		unlink(tmp);
		return DDP_ERROR;
	}
	return DDP_OK;
}

int ddp_read_file(char **out, size_t *len, const char *path, size_t max, ddp_error *err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf, *bigger;
	size_t n = 0, cap;

	if (!f)
		return ddp_error_errno(err, path, "cannot open");
	/* What the file holds, not the cap: sanitizers pay for every byte asked. */
	cap = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < max
	      ? (size_t)st.st_size : max;
	buf = malloc(cap + 1);
	for (;;) {
		if (!buf) {
			fclose(f);
			return ddp_error_errno(err, path, "cannot allocate");
		}
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f)) {
			free(buf);
			fclose(f);
			return ddp_error_errno(err, path, "cannot read");
		}
		if (n < cap)
			break;
		if (cap == max) {
			if (fgetc(f) == EOF)
				break;
			free(buf);
			fclose(f);
			return ddp_error_set(err, DDP_ERANGE, path, 0, 0, "file is larger than %zu bytes", max);
		}
		/* It grew since (or is not a regular file): on, up to the cap. */
		cap = max - cap > cap + 4096 ? 2 * cap + 4096 : max;
		if (!(bigger = realloc(buf, cap + 1)))
			free(buf);
		buf = bigger;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return DDP_OK;
}

int ddp_dir_replace(const char *fresh, const char *dir, const char *old)
{
	if (renameat2(AT_FDCWD, fresh, AT_FDCWD, dir, RENAME_EXCHANGE) == 0)
		return rename(fresh, old);
	if (errno == ENOENT && access(dir, F_OK))
		return rename(fresh, dir);
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
	/* A filesystem that cannot exchange: dir is missing for a moment. */
	if (rename(dir, old) && errno != ENOENT)
		return -1;
	return rename(fresh, dir);
}

/* text with every occurrence of what replaced by with (malloc'd). */
char *ddp_replace_all(const char *text, size_t len, const char *what, const char *with)
{
	char *buf = NULL;
	size_t blen = 0, wl = strlen(what);
	FILE *f = open_memstream(&buf, &blen);
	size_t i = 0;

	while (i < len) {
		if (wl && i + wl <= len && !memcmp(text + i, what, wl)) {
			fputs(with, f);
			i += wl;
		} else {
			fputc(text[i++], f);
		}
	}
	fclose(f);
	return buf;
}
