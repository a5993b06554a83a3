/*
 * map-drop-window: a `qemu-img map` that ignores --start-offset and
 * --max-length and always maps the whole image, as a reimplementation
 * that parses the window options but never applies them would.  One bug
 * met through every fixture, output type and window value: a map campaign
 * should hand it over as one group per output type.
 *
 * Implementation: the real map with those options (and their values)
 * left out, whatever the values are (so an invalid one is not refused
 * either).  Every other subcommand runs the real qemu-img.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int n = 0;

	mq_start_for(argc, argv, "map-drop-window", "map");
	if (!args)
		mq_exit(1);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--start-offset") || !strcmp(argv[i], "--max-length")) {
			i++; /* and its value */
			continue;
		}
		if (!strncmp(argv[i], "--start-offset=", 15) || !strncmp(argv[i], "--max-length=", 13))
			continue;
		args[n++] = argv[i];
	}
	args[n] = NULL;
	mq_exec_qemu(args);
}
