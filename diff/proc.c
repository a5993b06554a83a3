/* proc.c: see proc.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

extern char **environ;

typedef struct sink {
	char *buf;
	size_t len, cap;
	int truncated;
} sink;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

int ddp_proc_run(ddp_proc_result *res, const char *const *argv,
                 const ddp_proc_opts *opts, ddp_error *err)
{
	static const ddp_proc_opts defaults = {NULL, 0, 0};
	int outp[2] = {-1, -1}, errp[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sink so = {0}, se = {0};
	pid_t pid;
	int rc, status = 0, open_fds = 2, reaped = 0;
	double start = now(), deadline, drain_until = 0;

	memset(res, 0, sizeof(*res));
	if (!opts)
		opts = &defaults;
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
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	if (opts->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, opts->cwd);
	posix_spawnattr_init(&attr);
	/* Its own group, so a timeout kills whatever it started too. */
	posix_spawnattr_setpgroup(&attr, 0);
	{
		sigset_t none;
		sigemptyset(&none);
		posix_spawnattr_setsigmask(&attr, &none);
	}
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	rc = strchr(argv[0], '/')
	     ? posix_spawn(&pid, argv[0], &fa, &attr, (char *const *)argv, environ)
	     : posix_spawnp(&pid, argv[0], &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	if (rc)
		goto fail_pipes;

	deadline = opts->timeout > 0 ? start + opts->timeout : 0;
	while (open_fds > 0) {
		struct pollfd pfd[2] = {{outp[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
		int wait_ms = 100;

		if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
			/*
			 * It is done.  Whatever it left running in its group still
			 * holds the pipes: kill them, then drain briefly.
			 */
			reaped = 1;
			kill(-pid, SIGKILL);
			drain_until = now() + 1.0;
		}
		if (reaped && now() >= drain_until)
			break;
		if (deadline && !reaped) {
			double left = deadline - now();
			if (left <= 0) {
				res->timed_out = 1;
				kill(-pid, SIGKILL);
				break;
			}
			if (left * 1000 < wait_ms)
				wait_ms = (int)(left * 1000) + 1;
		}
		if (poll(pfd, 2, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			int *fd = i ? &errp[0] : &outp[0];
			if (*fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    !drain(*fd, i ? &se : &so)) {
				close(*fd);
				*fd = -1;
				open_fds--;
			}
		}
	}
	if (!reaped)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	/* Reap what it left behind in its group. */
	kill(-pid, SIGKILL);
	if (outp[0] >= 0)
		close(outp[0]);
	if (errp[0] >= 0)
		close(errp[0]);
	so.buf[so.len] = '\0';
	se.buf[se.len] = '\0';
	res->out = so.buf;
	res->out_len = so.len;
	res->out_truncated = so.truncated;
	res->err = se.buf;
	res->err_len = se.len;
	res->err_truncated = se.truncated;
	res->seconds = now() - start;
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status) && !res->timed_out) {
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
