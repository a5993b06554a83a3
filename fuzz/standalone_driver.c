/*
 * standalone_driver.c: runs a fuzz target over files, without a fuzzing
 * engine, so that any compiler builds it and ctest replays every corpus.
 *
 *     <target>_replay FILE|DIR...
 *
 * Each file, and each regular file directly inside each directory (sorted
 * by name, dot files skipped), is read whole into a buffer of its exact
 * size and passed once to LLVMFuzzerTestOneInput.  A broken invariant
 * aborts; the name of the input being replayed is printed first.  Exits 1
 * when an argument cannot be read or when there was nothing to replay.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#if defined(__GNUC__)
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
#endif

static char current[4096];

static void on_signal(int sig)
{
	static const char what[] = "standalone_driver: crashed on ";
	ssize_t ignored;

	ignored = write(2, what, sizeof(what) - 1);
	ignored = write(2, current, strlen(current));
	ignored = write(2, "\n", 1);
	(void)ignored;
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!f) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		fclose(f);
		return -1;
	}
	/* Exact size, so that a sanitizer sees any read past the input. */
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(current, sizeof(current), "%s", path);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

static int skip_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int run_dir(const char *dir, size_t *count)
{
	struct dirent **names;
	int n = scandir(dir, &names, skip_entry, alphasort);
	int rc = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!rc && !stat(path, &st) && S_ISREG(st.st_mode)) {
			if (run_file(path))
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;

#if defined(__GNUC__)
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
#endif
	signal(SIGABRT, on_signal);
	signal(SIGSEGV, on_signal);
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &count)
		                        : (run_file(argv[i]) || (count++, 0)))
			return 1;
	}
	if (!count) {
		fprintf(stderr, "%s: nothing to replay\n", argv[0]);
		return 1;
	}
	printf("%zu inputs replayed\n", count);
	return 0;
}
