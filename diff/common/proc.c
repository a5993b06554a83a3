/* proc.c: see proc.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"

extern char **environ;

typedef struct sink {
	char *buf;
	size_t len, cap;
	int truncated;
} sink;

double ddp_proc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A tool's children that call setsid leave its group, so killing the group
 * misses them.  As a child subreaper the suite inherits them when their
 * parent dies, and kills every child of its own that is not a tool some
 * thread still waits on.  The lock covers spawning and registering a tool,
 * so a sweep never sees a worker's tool before it is known.
 */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t live[256];
static size_t nlive;

static void subreaper_once(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

static void live_remove(pid_t pid)
{
	pthread_mutex_lock(&live_lock);
	for (size_t i = 0; i < nlive; i++)
		if (live[i] == pid) {
			live[i] = live[--nlive];
			break;
		}
	pthread_mutex_unlock(&live_lock);
}

unsigned long long ddp_proc_stat_field(long pid, int field)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (field < 3 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command (field 2) may hold spaces and parentheses: count from the last ')'. */
	if (!(p = strrchr(buf, ')')))
		return 0;
	for (int i = 2; i < field && p; i++)
		p = strchr(p + 1, ' ');
	if (p && field == 3)
		return (unsigned char)p[1]; /* the state, a letter */
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* The last pid the kernel gave out (0 when unknown). */
static pid_t last_pid(void)
{
	char buf[32];
	int fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (pid_t)atol(buf);
}

/*
 * Kills and reaps our children that are no live tool's; how many.  What a
 * tool left was born after it: only pids from `from` on are read (reading
 * every /proc/<pid>/stat costs milliseconds), unless pids wrapped since.
 */
static int kill_strays(pid_t from)
{
	pid_t self = getpid(), strays[64];
	int n = 0;
	DIR *d;
	struct dirent *e;

	if (last_pid() < from)
		from = 0;
	pthread_mutex_lock(&live_lock);
	if ((d = opendir("/proc"))) {
		while ((e = readdir(d)) && n < 64) {
			pid_t pid = (pid_t)atol(e->d_name);
			size_t i = 0;
			if (pid <= 0 || pid < from || (pid_t)ddp_proc_stat_field(pid, 4) != self)
				continue;
			while (i < nlive && live[i] != pid)
				i++;
			if (i == nlive && kill(pid, SIGKILL) == 0)
				strays[n++] = pid;
		}
		closedir(d);
	}
	pthread_mutex_unlock(&live_lock);
	for (int i = 0; i < n; i++)
		while (waitpid(strays[i], NULL, 0) < 0 && errno == EINTR)
			;
	return n;
}

/*
 * After the tool is reaped: its group killed, then whatever escaped it,
 * until the group is gone (a dying member's children come to us only as
 * it dies) or a second has passed.
 */
static void kill_descendants(pid_t pgid)
{
	double until = ddp_proc_now() + 1.0;

	kill(-pgid, SIGKILL);
	for (;;) {
		struct timespec ms = {0, 1000000};
		/* Gone before the sweep: all it left had come to us by then. */
		int gone = kill(-pgid, 0) != 0;
		if ((!kill_strays(pgid) && gone) || ddp_proc_now() >= until)
			break;
		kill(-pgid, SIGKILL);
		nanosleep(&ms, NULL);
	}
}

static int set_error(ddp_error *err, const char *what, int e)
{
	return ddp_error_set(err, DDP_ERROR, what, 0, 0, "%s", strerror(e));
}

/* Reads what is there; keeps up to the cap, drains the rest. */
static int drain(int fd, sink *s)
{
	char tmp[65536];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
	if (s->len < s->cap) {
		size_t keep = (size_t)n < s->cap - s->len ? (size_t)n : s->cap - s->len;
		memcpy(s->buf + s->len, tmp, keep);
		s->len += keep;
		if (keep < (size_t)n)
			s->truncated = 1;
	} else {
		s->truncated = 1;
	}
	return 1;
}

/*
 * Starts argv with stdin /dev/null, stdout and stderr the pipes' write
 * ends, in its own process group, registered as a live tool (under the
 * lock a sweep takes) and its file-size limit set at once.  0 or an errno.
 */
static int spawn_tool(pid_t *pid, const char *const *argv, const ddp_proc_opts *opts,
                      int out_w, int err_w)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	if (opts->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, opts->cwd);
	posix_spawnattr_init(&attr);
	/* Its own group, so a timeout kills whatever it started too. */
	posix_spawnattr_setpgroup(&attr, 0);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	pthread_mutex_lock(&live_lock);
	if (nlive == sizeof(live) / sizeof(live[0]))
		rc = EAGAIN;
	else
		rc = strchr(argv[0], '/')
		     ? posix_spawn(pid, argv[0], &fa, &attr, (char *const *)argv, environ)
		     : posix_spawnp(pid, argv[0], &fa, &attr, (char *const *)argv, environ);
	if (!rc)
		live[nlive++] = *pid;
	pthread_mutex_unlock(&live_lock);
	if (!rc && opts->max_file_size) {
		/*
		 * posix_spawn cannot set a limit: set it at once, while the
		 * tool is still starting (an interpreter, a loader), so a tool
		 * writing (or truncating to) 100 GiB gets EFBIG or SIGXFSZ.
		 */
		struct rlimit lim = {opts->max_file_size, opts->max_file_size};
		prlimit(*pid, RLIMIT_FSIZE, &lim, NULL);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/*
 * Reads the tool's stdout and stderr (fds, the pipes' read ends; each set
 * to -1 when closed) into so and se until it is reaped and its pipes are
 * drained, or its timeout or the campaign's deadline (res->timed_out,
 * res->cut_short: its group killed).  Then it is reaped, and whatever it
 * left behind killed; *status is its wait status.
 */
static void watch(ddp_proc_result *res, int *status, pid_t pid, int fds[2], sink *so, sink *se,
                  const ddp_proc_opts *opts, double start)
{
	int open_fds = 2, reaped = 0, cuts = 0;
	double deadline, drain_until = 0;
	/* Readable when it exits: the loop wakes then, whatever the pipes do. */
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	deadline = opts->timeout > 0 ? start + opts->timeout : 0;
	/* The campaign's end comes first: the run is cut short, not timed out. */
	if (opts->deadline && (!deadline || opts->deadline < deadline))
		deadline = opts->deadline, cuts = 1;
	/* Till it is reaped too: a tool that closes its pipes still has its timeout. */
	while (open_fds > 0 || !reaped) {
		struct pollfd pfd[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0},
		                        {reaped ? -1 : pidfd, POLLIN, 0}};
		/* Without a pidfd, a tool that closed its pipes is polled for. */
		int wait_ms = open_fds || pidfd >= 0 ? 100 : 2;

		if (!reaped && waitpid(pid, status, WNOHANG) == pid) {
			/*
			 * It is done.  Whatever it left running in its group still
			 * holds the pipes: kill them, then drain briefly.
			 */
			reaped = 1;
			live_remove(pid);
			kill_descendants(pid);
			drain_until = ddp_proc_now() + 1.0;
			if (cuts && drain_until > deadline)
				drain_until = deadline;
		}
		if (reaped && ddp_proc_now() >= drain_until)
			break;
		if (deadline && !reaped) {
			double left = deadline - ddp_proc_now();
			if (left <= 0) {
				*(cuts ? &res->cut_short : &res->timed_out) = 1;
				kill(-pid, SIGKILL);
				break;
			}
			if (left * 1000 < wait_ms)
				wait_ms = (int)(left * 1000) + 1;
		}
		if (poll(pfd, 3, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i] >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    !drain(fds[i], i ? se : so)) {
				close(fds[i]);
				fds[i] = -1;
				open_fds--;
			}
		}
	}
	if (!reaped) {
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
		live_remove(pid);
		/* Kill and reap what it left behind, in its group or not. */
		kill_descendants(pid);
	}
	if (pidfd >= 0)
		close(pidfd);
}

int ddp_proc_run(ddp_proc_result *res, const char *const *argv,
                 const ddp_proc_opts *opts, ddp_error *err)
{
	static const ddp_proc_opts defaults = {NULL, 0, 0, 0, 0};
	static pthread_once_t subreaper = PTHREAD_ONCE_INIT;
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, fds[2];
	sink so = {0}, se = {0};
	pid_t pid;
	int rc, status = 0;
	double start = ddp_proc_now();

	memset(res, 0, sizeof(*res));
	if (!opts)
		opts = &defaults;
	if (opts->deadline && start >= opts->deadline) {
		/* The campaign is over: not started, and said so. */
		res->cut_short = 1;
		res->out = calloc(1, 1);
		res->err = calloc(1, 1);
		if (!res->out || !res->err) {
			ddp_proc_result_free(res);
			return set_error(err, argv[0], ENOMEM);
		}
		return DDP_OK;
	}
	so.cap = se.cap = opts->cap ? opts->cap : 1 << 20;
	so.buf = malloc(so.cap + 1);
	se.buf = malloc(se.cap + 1);
	if (!so.buf || !se.buf) {
		free(so.buf);
		free(se.buf);
		return set_error(err, argv[0], ENOMEM);
	}
	if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		rc = errno;
		goto fail_pipes;
	}
	pthread_once(&subreaper, subreaper_once);
	rc = spawn_tool(&pid, argv, opts, outp[1], errp[1]);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	if (rc)
		goto fail_pipes;
	fds[0] = outp[0];
	fds[1] = errp[0];
	watch(res, &status, pid, fds, &so, &se, opts, start);
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	so.buf[so.len] = '\0';
	se.buf[se.len] = '\0';
	res->out = so.buf;
	res->out_len = so.len;
	res->out_truncated = so.truncated;
	res->err = se.buf;
	res->err_len = se.len;
	res->err_truncated = se.truncated;
	res->seconds = ddp_proc_now() - start;
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status) && !res->timed_out && !res->cut_short) {
		res->signo = WTERMSIG(status);
	}
	return DDP_OK;

fail_pipes:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	free(so.buf);
	free(se.buf);
	return set_error(err, argv[0], rc);
}

void ddp_proc_result_free(ddp_proc_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}
