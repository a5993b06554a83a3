/*
 * afl_mutator.c: an AFL++ custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY) that
 * works on cases as text, not on the generator's choices.  An input is a
 * case in its JSON form ({"fixture": ..., "args": [...]}, what case.json
 * holds); anything else (the byte seeds, AFL's own byte havoc) is read as
 * the generator's choices and becomes that case.  Each mutation is the
 * engine's token havoc (ddp_case_havoc: characters, blanks, splices,
 * tokens moved, dropped or doubled, clusters, `--`, dictionary tokens), so
 * afl-fuzz leaves the generator's tables as `ddparity fuzz --explore` does,
 * with the instrumented model's coverage (afl_driver.c) as its feedback.
 *
 * Built without AFL's instrumentation: it runs inside afl-fuzz itself.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

typedef struct mutator {
	ddp_fixtures fixtures; /* the table, unmade: for the names and sizes */
	uint64_t seed, n;
	uint8_t *out;
	size_t out_size;
} mutator;

/* The AFL++ API (afl-fuzz looks these names up); afl_state_t is opaque here. */
void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
                       uint8_t *add_buf, size_t add_buf_size, size_t max_size);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
	mutator *m = calloc(1, sizeof(*m));
	ddp_error err;

	(void)afl;
	if (!m)
		return NULL;
	if (ddp_fixtures_table(&m->fixtures, &err)) {
		fprintf(stderr, "ddp_afl_mutator: %s\n", err.message);
		free(m);
		return NULL;
	}
	m->seed = seed;
	return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
                       uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
	mutator *m = data;
	ddp_source src;
	ddp_case c;
	char *text;
	size_t len;

	(void)add_buf;
	(void)add_buf_size;
	/* A stream of its own per call: the same afl seed gives the same mutations. */
	ddp_source_seed(&src, m->seed, ++m->n);
	/*
	 * A third of the time a fresh case of the generator (half of those
	 * havocked), as --explore keeps unguided cases: havoc stacked on the
	 * queue alone drifts into argument errors, where the model's edges are,
	 * and away from the windows and formats where candidates differ.
	 */
	if (ddp_source_chance(&src, 33)) {
		ddp_case_generate(&c, &src, &m->fixtures);
		if (ddp_source_chance(&src, 50))
			ddp_case_havoc(&c, &src);
	} else {
		ddp_case_of_input(&c, buf, buf_size, &m->fixtures);
		ddp_case_havoc(&c, &src);
	}
	text = ddp_case_to_json(&c);
	ddp_case_free(&c);
	len = text ? strlen(text) : 0;
	if (len > max_size)
		len = 0; /* too long for afl: nothing this round */
	if (len > m->out_size) {
		uint8_t *grown = realloc(m->out, len);
		if (!grown) {
			free(text);
			return 0;
		}
		m->out = grown;
		m->out_size = len;
	}
	if (len)
		memcpy(m->out, text, len);
	free(text);
	*out_buf = m->out;
	return len;
}

void afl_custom_deinit(void *data)
{
	mutator *m = data;

	if (!m)
		return;
	ddp_fixtures_free(&m->fixtures);
	free(m->out);
	free(m);
}
