/* testutil.h: what the table-driven unit tests share. */
#ifndef DDP_TESTUTIL_H
#define DDP_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddparity.h"

#define N_ROWS(t) (sizeof(t) / sizeof((t)[0]))

/* The profile named name ("7.2"); fails the test when there is none. */
static inline const ddp_profile *profile_named(const char *name)
{
	for (size_t i = 0; i < ddp_profile_count(); i++)
		if (!strcmp(ddp_profile_name(ddp_profile_at(i)), name))
			return ddp_profile_at(i);
	fail_msg("no profile named %s", name);
	return NULL;
}

#endif
