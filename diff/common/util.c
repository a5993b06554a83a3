/* util.c: files for the engine: atomic writes, whole reads (rm -rf and sweeps: tempdir.c). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"

/* Six random letters (not digits, so that the pid before them stays the last number). */
static void random_suffix(char out[7])
{
	static unsigned long long state;
	unsigned char bytes[6];
	struct timespec ts;

	if (getrandom(bytes, sizeof(bytes), GRND_NONBLOCK) != (ssize_t)sizeof(bytes)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		state ^= (unsigned long long)ts.tv_nsec ^ ((unsigned long long)getpid() << 32);
		for (size_t i = 0; i < sizeof(bytes); i++) {
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			bytes[i] = (unsigned char)(state >> 56);
		}
	}
	for (size_t i = 0; i < sizeof(bytes); i++)
		out[i] = (char)('a' + bytes[i] % 26);
	out[6] = '\0';
}

int ddp_make_temp(char *path, size_t size, const char *prefix, int dir, ddp_error *err)
{
	for (int tries = 0; tries < 100; tries++) {
		char suffix[7];
		int fd = 0;

		random_suffix(suffix);
		if ((size_t)snprintf(path, size, "%s%ld-%s", prefix, (long)getpid(), suffix) >= size)
			return ddp_error_set(err, DDP_ERROR, prefix, 0, 0, "path too long");
		/* Neither mkdir nor O_EXCL follows a link at the name: a planted one is EEXIST. */
		if (dir ? mkdir(path, 0755) == 0
		        : (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) >= 0)
			return fd;
		if (errno != EEXIST)
			return ddp_error_errno(err, path, "cannot create");
	}
	return ddp_error_set(err, DDP_ERROR, path, 0, 0, "cannot create: 100 names taken");
}

int ddp_write_atomic(const char *path, const char *text, size_t len, ddp_error *err)
{
	char tmp[4200], prefix[4200];
	int fd;
	size_t done = 0;

	snprintf(prefix, sizeof(prefix), "%s.tmp-", path);
	if ((fd = ddp_make_temp(tmp, sizeof(tmp), prefix, 0, err)) < 0)
		return DDP_ERROR;
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

/* Opens path to read; own: a file of the suite's, so no link and nothing but a regular file. */
static FILE *open_read(const char *path, int own, ddp_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | (own ? O_NOFOLLOW | O_NONBLOCK : 0));
	FILE *f;

	if (fd < 0) {
		if (own && errno == ELOOP)
			ddp_error_set(err, DDP_ERROR, path, 0, 0,
			              "a symbolic link where the suite keeps its own file: refused");
		else
			ddp_error_errno(err, path, "cannot open");
		return NULL;
	}
	if (own && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
		ddp_error_set(err, DDP_ERROR, path, 0, 0,
		              "not a regular file where the suite keeps its own file: refused");
		close(fd);
		return NULL;
	}
	if (!(f = fdopen(fd, "rb"))) {
		ddp_error_errno(err, path, "cannot open");
		close(fd);
	}
	return f;
}

static int read_file(char **out, size_t *len, const char *path, size_t max, int own,
                     ddp_error *err)
{
	FILE *f = open_read(path, own, err);
	struct stat st;
	char *buf, *bigger;
	size_t n = 0, cap;

	if (!f)
		return DDP_ERROR;
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

int ddp_read_file(char **out, size_t *len, const char *path, size_t max, ddp_error *err)
{
	return read_file(out, len, path, max, 0, err);
}

int ddp_read_own_file(char **out, size_t *len, const char *path, size_t max, ddp_error *err)
{
	return read_file(out, len, path, max, 1, err);
}

int ddp_own_dir(const char *path, int create, ddp_error *err)
{
	struct stat st;

	if (lstat(path, &st)) {
		if (errno == ENOENT && !create)
			return DDP_OK;
		if (errno == ENOENT && (mkdir(path, 0755) == 0 || errno == EEXIST))
			return ddp_own_dir(path, 0, err);
		return ddp_error_errno(err, path, "cannot create");
	}
	if (S_ISLNK(st.st_mode))
		return ddp_error_set(err, DDP_ERROR, path, 0, 0,
		                     "a symbolic link where the suite keeps its own directory: refused");
	if (!S_ISDIR(st.st_mode))
		return ddp_error_set(err, DDP_ERROR, path, 0, 0, "not a directory");
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

int ddp_sha256sum(char hex[65], const char *path, ddp_error *err)
{
	const char *argv[] = {"sha256sum", "--", path, NULL};
	ddp_proc_opts o = {NULL, 300, 4096, 0, 0};
	ddp_proc_result r;
	const char *sum;
	int rc = DDP_OK;

	if (ddp_proc_run(&r, argv, &o, err))
		return DDP_ERROR;
	/* A name with a backslash or newline gets a '\\' before the sum. */
	sum = r.out && r.out[0] == '\\' ? r.out + 1 : r.out;
	if (!r.exited || r.exit_code || !sum || strlen(sum) < 64 ||
	    strspn(sum, "0123456789abcdef") < 64)
		rc = ddp_error_set(err, DDP_ERROR, path, 0, 0, "sha256sum failed: %.200s",
		                   r.err ? r.err : "");
	else {
		memcpy(hex, sum, 64);
		hex[64] = '\0';
	}
	ddp_proc_result_free(&r);
	return rc;
}

size_t ddp_utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (!n)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not UTF-8 (nor JSON's). */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

char *ddp_utf8_text(const char *s)
{
	size_t n = strlen(s), len = 0;
	char *out = malloc(4 * n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t l = ddp_utf8_len((const unsigned char *)s + i, n - i);
		if (l) {
			memcpy(out + len, s + i, l);
			len += l;
			i += l;
		} else {
			len += (size_t)sprintf(out + len, "\\x%02x", (unsigned char)s[i++]);
		}
	}
	out[len] = '\0';
	return out;
}

/*
 * Copies in (at its start) to the new file dst: the source's data extents
 * (SEEK_DATA, SEEK_HOLE; the whole file where they are not known) with
 * their holes kept, and, with zeros_to_holes, zero blocks inside them too.
 */
static int copy_fd(int in, const char *src, const char *dst, int zeros_to_holes, ddp_error *err)
{
	static __thread char block[65536];
	struct stat st;
	int out, bad = 0; /* 1: a read failed, 2: a write */
	off_t at = 0, data, hole;

	if (fstat(in, &st))
		return ddp_error_errno(err, src, "cannot read");
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
		return ddp_error_errno(err, dst, "cannot create");
	while (at < st.st_size && !bad) {
		if ((data = lseek(in, at, SEEK_DATA)) < 0)
			data = errno == ENXIO ? st.st_size : at;
		if ((hole = lseek(in, data, SEEK_HOLE)) < 0 || hole > st.st_size)
			hole = st.st_size;
		for (at = data; at < hole && !bad;) {
			size_t want = hole - at < (off_t)sizeof(block) ? (size_t)(hole - at) : sizeof(block);
			ssize_t n = pread(in, block, want, at), i = 0;
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				errno = n ? errno : EIO; /* shorter than fstat said */
				bad = 1;
				break;
			}
			while (zeros_to_holes && i < n && !block[i])
				i++;
			if ((!zeros_to_holes || i < n) && pwrite(out, block, (size_t)n, at) != n)
				bad = 2;
			at += n;
		}
	}
	if (bad || ftruncate(out, st.st_size) || fsync(out)) {
		int e = errno;
		close(out);
		errno = e;
		return ddp_error_errno(err, bad == 1 ? src : dst, bad == 1 ? "cannot read" : "cannot write");
	}
	if (close(out))
		return ddp_error_errno(err, dst, "cannot write");
	return DDP_OK;
}

int ddp_copy_file(const char *src, const char *dst, ddp_error *err)
{
	int in, rc;

	if ((in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return ddp_error_errno(err, src, "cannot read");
	rc = copy_fd(in, src, dst, 1, err);
	close(in);
	return rc;
}

int ddp_copy_image(const char *src, const char *dst, ddp_error *err)
{
	struct stat st;
	int in, rc;

	/* O_NONBLOCK: a FIFO planted at src does not hang the open. */
	if ((in = open(src, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return ddp_error_errno(err, src, "cannot read");
	if (fstat(in, &st) || !S_ISREG(st.st_mode)) {
		close(in);
		return ddp_error_set(err, DDP_EINVAL, src, 0, 0, "%s, not an image file",
		                     S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
	}
	rc = copy_fd(in, src, dst, 0, err);
	close(in);
	return rc;
}

void ddp_version_text(char *buf, size_t size, ddp_version v)
{
	snprintf(buf, size, "%d.%d.%d", v.major, v.minor, v.micro);
}

int ddp_version_text_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long long na = strtoull(a, &ea, 10), nb = strtoull(b, &eb, 10);
			if (na != nb)
				return na < nb ? -1 : 1;
			a = ea;
			b = eb;
		} else {
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++;
			b++;
		}
	}
	return *a ? 1 : *b ? -1 : 0;
}

int ddp_error_prefix(ddp_error *err, const char *fmt, ...)
{
	char prefix[128], message[sizeof(err->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* The record is read before it is written: its message is a part of the new one. */
	snprintf(message, sizeof(message), "%s%.100s: %s", prefix, err->source, err->message);
	memcpy(err->message, message, sizeof(message));
	if (!err->code)
		err->code = DDP_ERROR;
	return err->code;
}

int ddp_error_in_file(ddp_error *err, const char *path)
{
	char file[sizeof(err->source)], source[sizeof(err->source) + 32];

	/* path may be err->source itself: read before the record is written. */
	snprintf(file, sizeof(file), "%s", path);
	/* As a file's mistake is said: "path:line:column: message", or "path: message". */
	if (err->line > 0)
		snprintf(source, sizeof(source), "%.100s:%d:%d", file, err->line, err->column);
	else
		snprintf(source, sizeof(source), "%.100s", file);
	snprintf(err->source, sizeof(err->source), "%s", source);
	ddp_error_prefix(err, "%s", "");
	memcpy(err->source, file, sizeof(file));
	return err->code;
}
