/* qemu_version.c: asking a qemu-img binary which version it is. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

int ddp_cli_qemu_version(ddp_version *out, const char *path, ddp_error *err)
{
	const char *prog = path ? path : "qemu-img";
	char *argv[] = {(char *)prog, "--version", NULL};
	char buf[512];
	size_t used = 0;
	int fds[2], status = 0, rc;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	ssize_t n;

	if (pipe(fds))
		return ddp_cli_error(err, prog, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = path && strchr(path, '/') ? posix_spawn(&pid, prog, &fa, NULL, argv, environ)
	                               : posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc) {
		close(fds[0]);
		return ddp_cli_error(err, prog, "cannot run %s: %s", prog, strerror(rc));
	}
	while (used < sizeof(buf) - 1 &&
	       (n = read(fds[0], buf + used, sizeof(buf) - 1 - used)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		used += (size_t)n;
	}
	buf[used] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ddp_cli_error(err, prog, "%s --version failed (is it a qemu-img?)", prog);
	buf[strcspn(buf, "\n")] = '\0';
	if (ddp_version_parse(out, buf, err))
		return ddp_cli_error(err, prog, "%s is not a qemu-img: its --version says '%.80s'", prog, buf);
	return DDP_OK;
}
