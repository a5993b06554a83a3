/*
 * tempdir.c: the suite's temporary directories, and removing them.
 *
 * Every temporary directory the suite makes carries a marker, .ddparity-tmp,
 * written right after mkdir: "ddparity <pid> <start time> <boot id>".  The
 * sweep removes a directory only when its name is one the suite gives
 * temporaries AND it holds a marker whose process is gone (no such pid, a
 * zombie, a pid reused by a later process, or another boot): a user's file
 * or directory, whatever its name, is never removed.  Removal never follows a
 * link (openat O_NOFOLLOW, unlinkat) and uses only system calls, so the
 * signal handler that removes a command's private directory on SIGINT or
 * SIGTERM can use it too.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/common.h"

#define MARKER ".ddparity-tmp"

static int remove_at(int dirfd, const char *name, int depth);

/* ---- removing, without following links --------------------------------- */

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * What directory fd holds, but keep (when set); only system calls
 * (async-signal-safe).  A pass can miss entries removed under it or made
 * meanwhile: again, a few times.
 */
static int remove_contents(int fd, int depth, const char *keep)
{
	char buf[4096];
	int rc = 0;

	for (int pass = 0; pass < 4; pass++) {
		long n;
		int left = 0;
		rc = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
			for (long off = 0; off < n;) {
				struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
				off += e->d_reclen;
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
				    (keep && !strcmp(e->d_name, keep)))
					continue;
				left = 1;
				rc |= remove_at(fd, e->d_name, depth + 1);
			}
		if (!left)
			return 0;
	}
	return rc;
}

/* name under dirfd, and all below it; only system calls (async-signal-safe). */
static int remove_at(int dirfd, const char *name, int depth)
{
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if ((errno != EISDIR && errno != EPERM) || depth > 64)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	for (int pass = 0; pass < 4; pass++) {
		/*
		 * A temporary's marker goes last, so that a removal cut short (a
		 * kill, a tool of a dead run still writing there) leaves it
		 * marked for the next sweep.
		 */
		remove_contents(fd, depth, MARKER);
		remove_contents(fd, depth, NULL);
		if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT) {
			close(fd);
			return 0;
		}
		if (errno != ENOTEMPTY && errno != EEXIST)
			break;
	}
	close(fd);
	return -1;
}

int ddp_remove_tree(const char *path)
{
	return remove_at(AT_FDCWD, path, 0);
}

/* ---- markers ------------------------------------------------------------ */

static void boot_id(char out[40])
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, out, 39) : -1;

	if (fd >= 0)
		close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (!out[0])
		strcpy(out, "-");
}

/* The marker's text for this process: "ddparity <pid> <start time> <boot id>\n". */
static int marker_text(char text[128])
{
	char boot[40];

	boot_id(boot);
	return snprintf(text, 128, "ddparity %ld %llu %s\n", (long)getpid(),
	                ddp_proc_stat_field((long)getpid(), 22), boot);
}

static int write_marker(const char *dir, const char *text, int n, ddp_error *err)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/" MARKER, dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return ddp_error_errno(err, path, "cannot create the temporary's marker");
	if (write(fd, text, (size_t)n) != n) {
		ddp_error_errno(err, path, "cannot write the temporary's marker");
		close(fd);
		unlink(path);
		return DDP_ERROR;
	}
	close(fd);
	return DDP_OK;
}

int ddp_tmpdir_mark(const char *dir, ddp_error *err)
{
	char text[128];
	int n = marker_text(text);

	return write_marker(dir, text, n, err);
}

void ddp_tmpdir_unmark(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/" MARKER, dir);
	unlink(path);
}

int ddp_tmpdir_make(const char *dir, ddp_error *err)
{
	char text[128];
	/* Ready before mkdir: a kill between the two leaves an unmarked directory, never swept. */
	int n = marker_text(text);

	if (mkdir(dir, 0755))
		return ddp_error_errno(err, dir, "cannot create");
	if (write_marker(dir, text, n, err)) {
		rmdir(dir);
		return DDP_ERROR;
	}
	return DDP_OK;
}

int ddp_stage_make(char *stage, size_t stage_size, const char *prefix, char *fresh, char *old,
                   size_t size, ddp_error *err)
{
	/* A fresh name (a name planted here is never reused), then the marker. */
	if (ddp_make_temp(stage, stage_size, prefix, 1, err))
		return DDP_ERROR;
	if (ddp_tmpdir_mark(stage, err)) {
		rmdir(stage);
		return DDP_ERROR;
	}
	snprintf(fresh, size, "%s/new", stage);
	snprintf(old, size, "%s/old", stage);
	if (mkdir(fresh, 0755)) {
		ddp_error_errno(err, fresh, "cannot create");
		ddp_remove_tree(stage);
		return DDP_ERROR;
	}
	return DDP_OK;
}

/*
 * Whether the directory name under dirfd (ours: a directory, not a link,
 * owned by us) holds the marker of a process that is gone.
 */
static int marker_dead(int dirfd, const char *name)
{
	char text[160], boot[40], mboot[40];
	long pid;
	unsigned long long t, state;
	struct stat st;
	ssize_t n;
	int dfd, fd, dead = 0;

	dfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	fd = fstat(dfd, &st) == 0 && st.st_uid == geteuid()
	     ? openat(dfd, MARKER, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	close(dfd);
	if (fd < 0)
		return 0;
	n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, text, sizeof(text) - 1) : -1;
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	if (sscanf(text, "ddparity %ld %llu %39s", &pid, &t, mboot) != 3 || pid < 2)
		return 0;
	boot_id(boot);
	if (strcmp(boot, mboot))
		dead = 1; /* made before this boot */
	else if (kill((pid_t)pid, 0) && errno == ESRCH)
		dead = 1;
	else if ((state = ddp_proc_stat_field(pid, 3)) == 'Z' || state == 'X')
		dead = 1; /* killed, not yet reaped (its parent died too: init reaps it when it can) */
	else if (pid != (long)getpid()) {
		unsigned long long now = ddp_proc_stat_field(pid, 22); /* its start time */
		dead = now && now != t; /* the pid was reused */
	}
	return dead;
}

/* ---- sweeping ------------------------------------------------------------ */

/* The names the suite gives its temporary directories. */
static int temp_name(const char *name)
{
	static const char *const ours[] = {"case-", "bl-", ".tmp-", ".old-", ".profiles-", "ddparity-"};
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (!strncmp(name, ours[i], strlen(ours[i])))
			return 1;
	return 0;
}

/*
 * In dir and depth levels below: a temporary directory of a process gone
 * is removed.  Files, and directories of other names, are never touched.
 */
static int sweep(int dirfd, const char *dir, int depth)
{
	int fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int removed = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;
		if (temp_name(e->d_name) && marker_dead(fd, e->d_name) &&
		    remove_at(fd, e->d_name, 0) == 0) {
			removed++;
			continue;
		}
		if (depth > 0)
			removed += sweep(fd, e->d_name, depth - 1);
	}
	closedir(d);
	return removed;
}

int ddp_workdir_sweep(const char *workdir)
{
	return sweep(AT_FDCWD, workdir, 1);
}

int ddp_temp_root_sweep(const char *root)
{
	return sweep(AT_FDCWD, root, 0);
}

/*
 * path's ddp_write_atomic temporaries left by processes gone.  A file
 * cannot carry a marker, so only what can be nothing but ours goes: named
 * <path's name>.tmp-<pid> or .tmp-<pid>-<6 letters or digits> (what
 * ddp_write_atomic makes for this very target), a regular file of ours with
 * one link, of a pid with no process.
 */
int ddp_write_atomic_sweep(const char *path)
{
	char dir[4200];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t n = strlen(base);
	int fd, removed = 0;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(d))) {
		const char *p = e->d_name + n + 5;
		size_t digits, rest;
		struct stat st;
		long pid;

		/* Only past the prefix check is p inside the name (a shorter name ends before it). */
		if (strncmp(e->d_name, base, n) || strncmp(e->d_name + n, ".tmp-", 5) ||
		    !(digits = strspn(p, "0123456789")))
			continue;
		rest = strlen(p + digits);
		if (rest && !(rest == 7 && p[digits] == '-' &&
		              strspn(p + digits + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                                     "0123456789") == 6))
			continue;
		pid = strtol(p, NULL, 10);
		if (pid < 2 || !(kill((pid_t)pid, 0) && errno == ESRCH) ||
		    fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode) ||
		    st.st_uid != geteuid() || st.st_nlink != 1)
			continue;
		removed += unlinkat(fd, e->d_name, 0) == 0;
	}
	closedir(d);
	return removed;
}

/* ---- a command's private directory, and signals --------------------------- */

/* Private directories to remove on SIGINT/SIGTERM: fixed storage, read by the handler. */
static char own_dirs[4][4200];
static volatile sig_atomic_t own_used[4];

const char *ddp_temp_root(void)
{
	const char *tmp = getenv("TMPDIR");
	return tmp && *tmp ? tmp : "/tmp";
}

int ddp_private_dir(char *buf, size_t size, const char *root, const char *prefix, ddp_error *err)
{
	int n = snprintf(buf, size, "%s/ddparity-%s-XXXXXX", root, prefix);

	if (n < 0 || (size_t)n >= size)
		return ddp_error_set(err, DDP_ERROR, root, 0, 0, "path too long");
	/* What runs killed before us left here (marked, of processes gone). */
	ddp_temp_root_sweep(root);
	if (!mkdtemp(buf))
		return ddp_error_errno(err, buf, "cannot make a work directory");
	if (ddp_tmpdir_mark(buf, err)) {
		rmdir(buf);
		return DDP_ERROR;
	}
	for (int i = 0; i < 4; i++)
		if (!own_used[i]) {
			snprintf(own_dirs[i], sizeof(own_dirs[i]), "%s", buf);
			own_used[i] = 1;
			break;
		}
	return DDP_OK;
}

void ddp_private_dir_remove(const char *dir)
{
	for (int i = 0; i < 4; i++)
		if (own_used[i] && !strcmp(own_dirs[i], dir))
			own_used[i] = 0;
	ddp_remove_tree(dir);
}

static void on_fatal_signal(int sig)
{
	int saved = errno;
	for (int i = 0; i < 4; i++)
		if (own_used[i])
			remove_at(AT_FDCWD, own_dirs[i], 0);
	errno = saved;
	/* Die of the signal, as without a handler (exit status 128 + sig). */
	signal(sig, SIG_DFL);
	raise(sig);
}

void ddp_remove_private_dirs_on_signal(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
