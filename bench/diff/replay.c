/*
 * replay: the bare cost of a campaign's tool runs.  Reads a --trace file
 * from `ddparity fuzz` and does the same work with nothing around it: make
 * each case's directory and fixture link, spawn each tool run in its
 * directory and wait for it (output to /dev/null), remove the directory.
 * Prints cases/s, to be set against the campaign's own rate.
 *
 * usage: replay TRACE
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"

extern char **environ;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void mkdirs(const char *path)
{
	char *copy = strdup(path);
	for (char *p = copy + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(copy, 0755);
			*p = '/';
		}
	mkdir(copy, 0755);
	free(copy);
}

int main(int argc, char **argv)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	long cases = 0, runs = 0;
	double start;

	if (argc != 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: replay TRACE\n");
		return 2;
	}
	start = now();
	while (getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		json_t *args = json_object_get(j, "argv");

		if (json_object_get(j, "link")) {
			char *at = strdup(json_string_value(json_object_get(j, "at")));
			char *dir = strdup(at);
			mkdirs(dirname(dir));
			symlink(json_string_value(json_object_get(j, "link")), at);
			free(dir);
			free(at);
		} else if (args) {
			const char *av[64];
			size_t i, n = json_array_size(args) < 63 ? json_array_size(args) : 63;
			posix_spawn_file_actions_t fa;
			pid_t pid;
			int st;

			for (i = 0; i < n; i++)
				av[i] = json_string_value(json_array_get(args, i));
			av[n] = NULL;
			posix_spawn_file_actions_init(&fa);
			posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
			posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
			posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
			posix_spawn_file_actions_addchdir_np(&fa, json_string_value(json_object_get(j, "cwd")));
			if (posix_spawnp(&pid, av[0], &fa, NULL, (char *const *)av, environ) == 0)
				waitpid(pid, &st, 0);
			posix_spawn_file_actions_destroy(&fa);
			runs++;
		} else if (json_object_get(j, "remove")) {
			ddp_remove_tree(json_string_value(json_object_get(j, "remove")));
			cases++;
		}
		json_decref(j);
	}
	free(line);
	fclose(f);
	{
		double el = now() - start;
		printf("replay: %ld cases, %ld tool runs in %.2f s: %.2f cases/s\n", cases, runs, el,
		       el > 0 ? cases / el : 0.0);
	}
	return 0;
}
