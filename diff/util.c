/* util.c: files for the engine: atomic writes, whole reads, rm -rf. */
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
	char *buf;
	size_t n;

	if (!f)
		return ddp_error_errno(err, path, "cannot open");
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return ddp_error_errno(err, path, "cannot allocate");
	}
	n = fread(buf, 1, max, f);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return ddp_error_errno(err, path, "cannot read");
	}
	if (n == max && fgetc(f) != EOF) {
		free(buf);
		fclose(f);
		return ddp_error_set(err, DDP_ERANGE, path, 0, 0, "file is larger than %zu bytes", max);
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return DDP_OK;
}

int ddp_remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *child;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (asprintf(&child, "%s/%s", path, e->d_name) < 0) {
			rc = -1;
			break;
		}
		rc |= ddp_remove_tree(child);
		free(child);
	}
	closedir(d);
	return rmdir(path) | rc;
}

int ddp_workdir_sweep(const char *workdir)
{
	DIR *d = opendir(workdir);
	struct dirent *e;
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		unsigned long long n;
		long pid;
		char path[4200];

		/* case-<number>-<pid> of a campaign that is gone (killed, say). */
		if (sscanf(e->d_name, "case-%llu-%ld", &n, &pid) != 2 ||
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/%s", workdir, e->d_name);
		if (ddp_remove_tree(path) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
