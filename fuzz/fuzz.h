/*
 * fuzz.h: what the fuzz targets share.
 *
 * Every target is one LLVMFuzzerTestOneInput that calls the core directly
 * (no I/O, no processes) and checks properties.  A broken property aborts
 * with a single stable stderr line, "ddparity-fuzz: <target>: <invariant>",
 * so that findings group by the line.  Targets keep no state between runs.
 */
#ifndef DDP_FUZZ_H
#define DDP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddparity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts naming the invariant when cond is false. */
#define FUZZ_CHECK(cond, invariant)                                            \
	do {                                                                       \
		if (!(cond)) {                                                         \
			fprintf(stderr, "ddparity-fuzz: %s: %s\n", FUZZ_TARGET, invariant); \
			abort();                                                           \
		}                                                                      \
	} while (0)

/*
 * For a target's own code, which is not what is being fuzzed: no
 * coverage feedback (FUZZ_NO_COVERAGE, for property checks: the
 * sanitizers still watch them) or nothing at all (FUZZ_UNINSTRUMENTED,
 * for reference implementations), so that the engine's feedback is the
 * core's and the checks cost what plain code costs.
 */
#if defined(__clang__)
#define FUZZ_UNINSTRUMENTED __attribute__((no_sanitize("coverage", "address", "undefined")))
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_UNINSTRUMENTED
#define FUZZ_NO_COVERAGE
#endif

/*
 * Known core bugs: reported, not yet fixed.  While one is open, a macro
 * here names the inputs it covers, the targets skip exactly those (so
 * that a run still finds every other bug), -DDDP_FUZZ_STRICT skips none,
 * and its reproducer sits in fuzz/known/ (see fuzz/README.md).  None is
 * open now: the last (an outcome dropping lines past DDP_MAX_MSGS) was
 * fixed, and its reproducer lives on in corpus/operands/.
 */

/* The profile the byte picks: every profile is reachable. */
static inline const ddp_profile *fuzz_profile(uint8_t b)
{
	return ddp_profile_at(b % ddp_profile_count());
}

/* The profile named name, or NULL. */
static inline const ddp_profile *fuzz_profile_named(const char *name)
{
	for (size_t i = 0; i < ddp_profile_count(); i++)
		if (!strcmp(ddp_profile_name(ddp_profile_at(i)), name))
			return ddp_profile_at(i);
	return NULL;
}

/* Little-endian 64 bits from up to 8 bytes at *data, zero-padded. */
static inline uint64_t fuzz_u64(const uint8_t **data, size_t *size)
{
	uint64_t v = 0;
	size_t n = *size < 8 ? *size : 8;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)(*data)[i] << (8 * i);
	*data += n;
	*size -= n;
	return v;
}

/* One byte from *data, 0 when none is left. */
static inline uint8_t fuzz_u8(const uint8_t **data, size_t *size)
{
	uint8_t b = 0;

	if (*size) {
		b = **data;
		(*data)++;
		(*size)--;
	}
	return b;
}

#define FUZZ_MAX_ARGS 64
#define FUZZ_MAX_TEXT 4096

/*
 * An argument vector split from bytes at NUL bytes, as the kernel hands
 * argv to qemu-img: each element is a NUL-terminated string, and no
 * element can contain a NUL.  A trailing NUL does not start an element.
 */
typedef struct fuzz_argv {
	int argc;
	const char *argv[FUZZ_MAX_ARGS];
	char text[FUZZ_MAX_TEXT + 1];
	size_t len;
} fuzz_argv;

/* Returns 0, or -1 when the bytes are too long to be worth reading. */
static inline int fuzz_argv_split(fuzz_argv *a, const uint8_t *data, size_t size)
{
	size_t start = 0;

	a->argc = 0;
	if (size > FUZZ_MAX_TEXT)
		return -1;
	memcpy(a->text, data, size);
	a->text[size] = '\0';
	a->len = size;
	for (size_t i = 0; i <= size && a->argc < FUZZ_MAX_ARGS; i++) {
		if (a->text[i] == '\0') {
			if (i == size && start == size)
				break;
			a->argv[a->argc++] = a->text + start;
			start = i + 1;
		}
	}
	return 0;
}

/* Is p inside the argument text, or NULL-free static text elsewhere? */
static inline int fuzz_argv_owns(const fuzz_argv *a, const char *p)
{
	return p >= a->text && p <= a->text + a->len;
}

static inline int fuzz_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/*
 * Every stderr line of an outcome renders snprintf-style: the same length
 * into any buffer, a NUL-terminated prefix when truncated, and slices that
 * stay inside the argument text they point into.
 */
static inline void fuzz_check_msgs(const ddp_outcome *out, const ddp_profile *p,
                                   const fuzz_argv *a)
{
	static char full[4 * FUZZ_MAX_TEXT + 1024];
	char small[17];

	FUZZ_CHECK(out->nmsgs <= DDP_MAX_MSGS, "at most DDP_MAX_MSGS lines");
	for (size_t i = 0; i < out->nmsgs; i++) {
		const ddp_msg *m = &out->msgs[i];
		size_t n, k;

		FUZZ_CHECK((unsigned)m->id < DDP_MSG__COUNT, "message id is known");
		for (int j = 0; j < 2; j++) {
			const ddp_slice *s = &m->s[j];
			FUZZ_CHECK(s->ptr || s->len == 0, "a NULL slice is empty");
			if (s->ptr && a && fuzz_argv_owns(a, s->ptr))
				FUZZ_CHECK(s->ptr + s->len <= a->text + a->len,
				           "a slice ends inside the arguments");
		}
		n = ddp_msg_render(full, sizeof(full), m, p);
		FUZZ_CHECK(n < sizeof(full), "a line fits the largest buffer");
		FUZZ_CHECK(strlen(full) == n, "a line holds no NUL");
		FUZZ_CHECK(strncmp(full, "qemu-img", 8) == 0 || m->id == DDP_MSG_TRY_HELP,
		           "a line starts with qemu-img");
		FUZZ_CHECK(ddp_msg_render(NULL, 0, m, p) == n, "render length without a buffer");
		k = ddp_msg_render(small, sizeof(small), m, p);
		FUZZ_CHECK(k == n, "render length is the same in a small buffer");
		k = n < sizeof(small) - 1 ? n : sizeof(small) - 1;
		FUZZ_CHECK(small[k] == '\0' && memcmp(small, full, k) == 0,
		           "a truncated line is a prefix of the full one");
	}
}

#endif
