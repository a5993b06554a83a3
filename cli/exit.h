/* exit.h: the exit statuses of the ddparity command, a type of their own. */
#ifndef DDP_CLI_EXIT_H
#define DDP_CLI_EXIT_H

typedef enum ddp_exit {
	DDP_EXIT_OK = 0,        /* done; nothing differs */
	DDP_EXIT_DIFFERENT = 1, /* done; something differs (a divergence, a failed case) */
	DDP_EXIT_USAGE = 2,     /* an error: a mistake in the arguments or files, or a fault */
	DDP_EXIT_SIGNAL = 128   /* fuzz stopped by a signal: 128 + its number (130, 143) */
} ddp_exit;

#endif
