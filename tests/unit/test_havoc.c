/*
 * The havoc layer under the generator (diff/mutate.c): a case number of a
 * seed gives the same edits every time; the edits reach the spellings the
 * generator's tables never write (each a mistake of a tests/mutants
 * candidate); the dictionary compiled in is dict/operands.dict, entry for
 * entry.  No tool runs: fixtures are described, not made.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "engine_fixtures.h"
#include "testutil.h"

#include "engine/engine.h"

static ddp_fixture items[] = {
	ENGINE_FIXTURES,
};
static const ddp_fixtures fixtures = {items, N_ROWS(items), ""};

static void make(ddp_case *c, uint64_t seed, uint64_t n)
{
	ddp_source src;

	ddp_source_seed(&src, seed, n);
	ddp_case_generate(c, &src, &fixtures);
	ddp_case_havoc(c, &src);
}

static void same_seed_same_case(void **state)
{
	(void)state;
	for (uint64_t n = 0; n < 2000; n++) {
		ddp_case a, b;
		make(&a, 7, n);
		make(&b, 7, n);
		assert_int_equal(a.argc, b.argc);
		assert_true(a.argc <= DDP_CASE_MAX_ARGS);
		for (int i = 0; i < a.argc; i++)
			assert_string_equal(a.argv[i], b.argv[i]);
		ddp_case_free(&a);
		ddp_case_free(&b);
	}
}

/* The spellings below the generator, one per mutant that reads it wrong. */
enum { CAPS_KEY, SHORT_KEY, SECOND_EQ, OPTION_AGAIN, OPTION_AFTER_DASHDASH, CLUSTER, LONG_PREFIX, N_SEEN };
static const char *const seen_names[N_SEEN] = {
	"key in capitals (key-case-fold)", "shortened key (key-abbrev)",
	"of= with a second '=' (split-last-eq)", "-O or -f again (first-option-wins)",
	"an option after -- (dashdash-ignored)", "-U cluster (no-option-clusters)",
	"abbreviated long option (long-option-exact)",
};

static const char *const long_names[] = {"--help", "--object", "--image-opts", "--force-share"};

static void look(const ddp_case *c, int seen[N_SEEN])
{
	int dashdash = 0, o = 0, f = 0;

	for (int i = 0; i < c->argc; i++) {
		const char *t = c->argv[i], *eq = strchr(t, '=');
		size_t k = eq ? (size_t)(eq - t) : 0;

		if (dashdash && t[0] == '-' && t[1])
			seen[OPTION_AFTER_DASHDASH]++;
		if (!strcmp(t, "--")) {
			dashdash = 1;
			continue;
		}
		if ((k == 2 && (!strncasecmp(t, "bs", 2) || !strncasecmp(t, "of", 2))) ||
		    (k == 5 && !strncasecmp(t, "count", 5)))
			seen[CAPS_KEY] += strncmp(t, "bs", 2) && strncmp(t, "of", 2) && strncmp(t, "count", 5);
		if (k && ((k < 5 && !strncmp(t, "count", k)) || (k < 4 && !strncmp(t, "skip", k)) ||
		          (k == 1 && strchr("bio", t[0]))))
			seen[SHORT_KEY]++;
		if (!strncmp(t, "of=", 3) && strchr(t + 3, '='))
			seen[SECOND_EQ]++;
		o += t[0] == '-' && t[1] == 'O';
		f += t[0] == '-' && t[1] == 'f';
		if (t[0] == '-' && t[1] == 'U' && t[2] >= 'A')
			seen[CLUSTER]++;
		for (size_t l = 0; l < N_ROWS(long_names); l++)
			seen[LONG_PREFIX] += strlen(t) > 2 && strlen(t) < strlen(long_names[l]) &&
			                     !strncmp(t, long_names[l], strlen(t));
	}
	seen[OPTION_AGAIN] += o > 1 || f > 1;
}

static void reaches_below_the_tables(void **state)
{
	int seen[N_SEEN] = {0}, plain[N_SEEN] = {0};

	(void)state;
	for (uint64_t n = 0; n < 20000; n++) {
		ddp_case c;
		ddp_source src;

		ddp_source_seed(&src, 1, n);
		ddp_case_generate(&c, &src, &fixtures);
		look(&c, plain);
		ddp_case_havoc(&c, &src);
		look(&c, seen);
		ddp_case_free(&c);
	}
	for (int k = 0; k < N_SEEN; k++) {
		printf("%-45s generator %5d, havoc %5d in 20000 cases\n", seen_names[k], plain[k], seen[k]);
		assert_int_equal(plain[k], 0);
		assert_true(seen[k] >= 5);
	}
}

/* dict/operands.dict's entries, counted as dict_to_c.cmake reads them. */
static void dictionary_is_the_file(void **state)
{
	char path[4096], line[4096];
	const char *dir = getenv("DDP_SOURCE_DIR");
	size_t n = 0;
	FILE *f;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/dict/operands.dict", dir);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f))
		n += line[0] == '"';
	fclose(f);
	assert_int_equal(n, ddp_dict_ntokens);
	assert_string_equal(ddp_dict_tokens[2].text, "if=");
	/* "\x00if=in.raw\x00of=out.img": NUL bytes kept, hex escapes not run on. */
	n = 0;
	for (size_t i = 0; i < ddp_dict_ntokens; i++)
		if (ddp_dict_tokens[i].len > 1 && ddp_dict_tokens[i].text[0] == '\0') {
			assert_int_equal(ddp_dict_tokens[i].len, 21);
			assert_memory_equal(ddp_dict_tokens[i].text, "\0if=in.raw\0of=out.img", 21);
			n++;
		}
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_case),
		cmocka_unit_test(reaches_below_the_tables),
		cmocka_unit_test(dictionary_is_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
