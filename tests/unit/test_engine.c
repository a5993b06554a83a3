/*
 * The engine's pure parts, no tool run: a seed's cases are the same
 * whatever order (and so whatever --jobs split) makes them, dd and map
 * alike; a case's kind survives its file, an older file's spelling of a
 * map case still reads, and the kind picks the command; two map outputs
 * compare into the kinds findings group by.  Fixtures and a manifest are
 * described, not made.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "engine_fixtures.h"
#include "testutil.h"

#include "map/map.h"

static ddp_fixture items[] = {
	ENGINE_FIXTURES,
	{.name = "raw-56M-sparse", .format = "raw", .file = "in.raw", .size = 56 << 20,
	 .pattern = "sparse", .edge_only = 1, .virtual_size = 56 << 20, .file_length = 56 << 20},
};
static const ddp_fixtures fixtures = {items, N_ROWS(items), ""};

static const char manifest_text[] =
	"fixture raw-hole raw 1M - write -P 1 0 64k;write -P 2 512k 64k\n"
	"fixture qcow2-sparse qcow2 4M - write -P 3 1M 64k\n"
	"window head 0 64k\n";

/* Case n of seed through the command's generator, as a campaign's worker makes it. */
static char *nth(const ddp_command *cmd, const ddp_config *cfg, uint64_t seed, uint64_t n)
{
	ddp_source src;
	ddp_case c;
	char *line, *json, *both;

	ddp_source_seed(&src, seed, n);
	cmd->generate(&c, &src, cfg);
	line = ddp_case_describe(&c);
	json = ddp_case_to_json(&c);
	assert_int_equal(asprintf(&both, "%s\n%s", line, json) > 0, 1);
	free(line);
	free(json);
	ddp_case_free(&c);
	return both;
}

/*
 * Orders a campaign's cases are made in: one job in turn, jobs taking
 * numbers as they come free (a stride through them), the last first.
 */
static uint64_t order(int how, uint64_t i, uint64_t n)
{
	switch (how) {
	case 0: return i;
	case 1: return i * 7 % n; /* a permutation: 7 and n are coprime */
	default: return n - 1 - i;
	}
}

static void seed_gives_cases(const ddp_command *cmd, const ddp_config *cfg)
{
	enum { N = 301 }; /* coprime with 7 */
	static const uint64_t seeds[] = {0, 7, 0xdeadbeef};
	char *first[N];

	for (size_t s = 0; s < N_ROWS(seeds); s++) {
		for (uint64_t i = 0; i < N; i++)
			first[i] = nth(cmd, cfg, seeds[s], i);
		for (int how = 1; how < 3; how++)
			for (uint64_t i = 0; i < N; i++) {
				uint64_t n = order(how, i, N);
				char *again = nth(cmd, cfg, seeds[s], n);
				if (strcmp(again, first[n]))
					fail_msg("seed %llu case %llu (order %d): '%s', first '%s'",
					         (unsigned long long)seeds[s], (unsigned long long)n, how,
					         again, first[n]);
				free(again);
			}
		/* Another seed gives other cases. */
		if (s) {
			char *other = nth(cmd, cfg, seeds[s - 1], 0);
			int same = 0;
			for (uint64_t i = 1; i < N; i++) {
				char *o = nth(cmd, cfg, seeds[s - 1], i);
				same += !strcmp(o, first[i]);
				free(o);
			}
			assert_true(same < N / 2);
			free(other);
		}
		for (uint64_t i = 0; i < N; i++)
			free(first[i]);
	}
}

static void dd_seed_gives_cases(void **state)
{
	ddp_config cfg;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fixtures = &fixtures;
	seed_gives_cases(&ddp_dd_command, &cfg);
}

static void map_seed_gives_cases(void **state)
{
	ddp_map_manifest m;
	ddp_config cfg;
	ddp_error err;

	(void)state;
	assert_int_equal(ddp_map_manifest_parse(&m, manifest_text, strlen(manifest_text), "m", &err),
	                 DDP_OK);
	m.fixtures[0].virtual_size = 1 << 20;
	m.fixtures[1].virtual_size = 4 << 20;
	memset(&cfg, 0, sizeof(cfg));
	ddp_map_attach(&cfg, &m);
	assert_int_equal(cfg.generate, DDP_CASE_MAP);
	seed_gives_cases(&ddp_map_command, &cfg);
	/* A map case says so, and names its fixture without the command. */
	{
		char *c = nth(&ddp_map_command, &cfg, 7, 0);
		assert_true(!strncmp(c, "qemu-img map ", 13));
		assert_non_null(strstr(c, "\"command\": \"map\""));
		free(c);
	}
	ddp_map_manifest_free(&m);
}

/* ---- a case's file: its kind, an older spelling, the command it picks --------- */

static const struct {
	const char *text;
	int rc;
	ddp_case_kind kind;
	const char *fixture, *describe;
} files[] = {
	{"{\"fixture\": \"raw-5000-random\", \"args\": [\"if=in.raw\"]}", DDP_OK, DDP_CASE_DD,
	 "raw-5000-random", "qemu-img dd 'if=in.raw'   # input raw-5000-random"},
	{"{\"command\": \"map\", \"fixture\": \"raw-hole\", \"args\": [\"--output=json\"]}", DDP_OK,
	 DDP_CASE_MAP, "raw-hole", "qemu-img map '--output=json' '<raw-hole>'"},
	{"{\"command\": \"dd\", \"fixture\": \"raw-5000-random\", \"args\": []}", DDP_OK, DDP_CASE_DD,
	 "raw-5000-random", "qemu-img dd   # input raw-5000-random"},
	/* Findings written before cases had a kind. */
	{"{\"fixture\": \"map:vmdk-sparse\", \"args\": [\"--output\", \"json\"]}", DDP_OK,
	 DDP_CASE_MAP, "vmdk-sparse", "qemu-img map '--output' 'json' '<vmdk-sparse>'"},
	/* A colon that names no command is part of a dd fixture's name. */
	{"{\"fixture\": \"x:y\", \"args\": []}", DDP_OK, DDP_CASE_DD, "x:y", NULL},
	{"{\"command\": \"convert\", \"fixture\": \"a\", \"args\": []}", DDP_EINVAL, 0, NULL, NULL},
	{"{\"command\": 3, \"fixture\": \"a\", \"args\": []}", DDP_EINVAL, 0, NULL, NULL},
};

static void case_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(files); i++) {
		ddp_case c, back;
		ddp_error err;
		char *json, *line;
		int rc = ddp_case_parse(&c, files[i].text, strlen(files[i].text), "case.json", &err);

		if (rc != files[i].rc)
			fail_msg("row %zu: %d (%s), want %d", i, rc, rc ? err.message : "", files[i].rc);
		if (rc) {
			assert_non_null(strstr(err.message, "command"));
			continue;
		}
		assert_int_equal(c.kind, files[i].kind);
		assert_string_equal(c.fixture, files[i].fixture);
		line = ddp_case_describe(&c);
		if (files[i].describe)
			assert_string_equal(line, files[i].describe);
		/* Written and read again: the same case, a dd case with no "command". */
		json = ddp_case_to_json(&c);
		assert_int_equal(strstr(json, "\"command\"") != NULL, c.kind != DDP_CASE_DD);
		assert_int_equal(ddp_case_parse(&back, json, strlen(json), "again", &err), DDP_OK);
		assert_int_equal(back.kind, c.kind);
		assert_string_equal(back.fixture, c.fixture);
		assert_int_equal(back.argc, c.argc);
		free(json);
		free(line);
		ddp_case_free(&back);
		ddp_case_free(&c);
	}
}

static void kind_picks_command(void **state)
{
	ddp_config cfg;
	ddp_case dd = {.kind = DDP_CASE_DD}, map = {.kind = DDP_CASE_MAP};
	ddp_error err;
	ddp_case_kind k;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	assert_null(ddp_case_command(&cfg, &dd, &err));
	ddp_dd_attach(&cfg);
	assert_ptr_equal(ddp_case_command(&cfg, &dd, &err), &ddp_dd_command);
	assert_null(ddp_case_command(&cfg, &map, &err));
	assert_string_equal(err.message, "no map cases in this run");
	cfg.commands[DDP_CASE_MAP] = &ddp_map_command;
	assert_ptr_equal(ddp_case_command(&cfg, &map, &err), &ddp_map_command);
	/* Only map's findings cannot be rerun by hand. */
	assert_null(ddp_dd_command.not_by_hand);
	assert_non_null(ddp_map_command.not_by_hand);
	assert_int_equal(ddp_case_kind_from_name(&k, "map", 3), DDP_OK);
	assert_int_equal(k, DDP_CASE_MAP);
	assert_int_equal(ddp_case_kind_from_name(&k, "ma", 2), DDP_EINVAL);
	assert_null(ddp_case_kind_name(DDP_CASE_KINDS));
}

/* ---- comparison: two outcomes of a map ----------------------------------------------- */

#define MAP_A "[{ \"start\": 0, \"length\": 65536, \"depth\": 0, \"present\": true, \"zero\": false, \"data\": true, \"offset\": 0}]\n"
#define MAP_B "[{ \"start\": 0, \"length\": 131072, \"depth\": 0, \"present\": true, \"zero\": false, \"data\": true, \"offset\": 0}]\n"
#define MAP_A_NO_NL "[{ \"start\": 0, \"length\": 65536, \"depth\": 0, \"present\": true, \"zero\": false, \"data\": true, \"offset\": 0}]"

static const struct {
	int json, ref_rc, cand_rc;
	const char *ref_out, *cand_out, *ref_err, *cand_err;
	int exact, normalised;
	const char *sig;
} outcomes[] = {
	{1, 0, 0, MAP_A, MAP_A, "", "", 1, 0, ""},
	{1, 0, 1, MAP_A, "", "", "qemu-img: x\n", 1, 0, "exit+stderr+stdout"},
	{1, 0, 0, MAP_A, MAP_B, "", "", 1, 0, "map:length"},
	/* The same map in other bytes: a byte-for-byte reader rejects it, unless normalised. */
	{1, 0, 0, MAP_A, MAP_A_NO_NL, "", "", 1, 0, "stdout"},
	{1, 0, 0, MAP_A, MAP_A_NO_NL, "", "", 1, 1, ""},
	{1, 0, 0, MAP_A, "not json", "", "", 1, 0, "map-invalid:candidate"},
	{0, 0, 0, "0 64k\n", "0 128k\n", "", "", 1, 0, "stdout"},
	/* stderr by class when the candidate is no qemu-img: worded otherwise is the same. */
	{0, 1, 1, "", "", "qemu-img: a\n", "error: b\n", 0, 0, ""},
	{0, 1, 1, "", "", "qemu-img: a\n", "error: b\n", 1, 0, "stderr"},
	{0, 0, 137, "x\n", "", "", "", 1, 0, "crash+exit+stdout"},
	{0, 0, -1, "x\n", "", "", "", 1, 0, "timeout"},
};

static void map_comparison(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ROWS(outcomes); i++) {
		ddp_map_outcome ref = {outcomes[i].ref_rc, (char *)outcomes[i].ref_out,
		                       (char *)outcomes[i].ref_err};
		ddp_map_outcome cand = {outcomes[i].cand_rc, (char *)outcomes[i].cand_out,
		                        (char *)outcomes[i].cand_err};
		char sig[512], detail[1024], key[DDP_GROUP_KEY_MAX];

		ddp_map_diverges(sig, sizeof(sig), detail, sizeof(detail), outcomes[i].json, &ref, &cand,
		                 outcomes[i].exact, outcomes[i].normalised);
		if (strcmp(sig, outcomes[i].sig))
			fail_msg("row %zu: '%s' (%s), want '%s'", i, sig, detail, outcomes[i].sig);
		assert_int_equal(!sig[0], !detail[0]);
		/* Which fields differ is one bug: the group keys on the command's kind. */
		ddp_group_key(key, sizeof(key), sig, 1, "output-json");
		assert_null(strstr(key, "map:"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dd_seed_gives_cases),
		cmocka_unit_test(map_seed_gives_cases),
		cmocka_unit_test(case_files),
		cmocka_unit_test(kind_picks_command),
		cmocka_unit_test(map_comparison),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
