/*
 * finding_fuzzer.c: arbitrary bytes as a finding's case.json or
 * result.json, through ddp_case_parse and ddp_finding_result_parse
 * (hostile files reproduce, minimise, promote, report and a campaign
 * reopening its findings read).
 *
 * Input: byte 0 picks the file (even: case.json, odd: result.json); the
 * rest is the text.  Properties: a result or a documented error naming
 * the file and a line of the text.  A case has a fixture name and at most
 * DDP_CASE_MAX_ARGS arguments, and written back (ddp_case_to_json) parses
 * to the same case.  A result has a signature the engine could write, the
 * two tools, and modes `ddparity fuzz` accepts.  Nothing leaks.
 */
#define FUZZ_TARGET "finding"
#include "files.h"
#include "engine/engine.h"

static void check_case(const char *text, size_t len)
{
	static const char source[] = "case.json";
	ddp_case c, again;
	ddp_error err;
	char *json;
	int rc = ddp_case_parse(&c, text, len, source, &err);

	if (rc) {
		fuzz_check_file_error(rc, &err, source, fuzz_lines(text, len));
		FUZZ_CHECK(c.argc == 0, "a failed parse returns no arguments");
		return;
	}
	FUZZ_CHECK(c.fixture[0] && !strchr(c.fixture, '/'), "a case names its fixture");
	FUZZ_CHECK(c.argc >= 0 && c.argc <= DDP_CASE_MAX_ARGS, "at most DDP_CASE_MAX_ARGS arguments");
	json = ddp_case_to_json(&c);
	FUZZ_CHECK(json && ddp_case_parse(&again, json, strlen(json), source, &err) == DDP_OK,
	           "a case written back parses");
	FUZZ_CHECK(!strcmp(c.fixture, again.fixture) && c.argc == again.argc,
	           "a case written back is the same case");
	for (int i = 0; i < c.argc; i++)
		FUZZ_CHECK(c.argv[i] && !strcmp(c.argv[i], again.argv[i]),
		           "a case written back has the same arguments");
	free(json);
	ddp_case_free(&again);
	ddp_case_free(&c);
}

static void check_result(const char *text, size_t len)
{
	static const char source[] = "result.json";
	const ddp_info_profile *p;
	ddp_finding_result r;
	ddp_error err;
	int rc = ddp_finding_result_parse(&r, text, len, source, &err);

	if (rc) {
		fuzz_check_file_error(rc, &err, source, fuzz_lines(text, len));
		FUZZ_CHECK(!r.json && !r.signature, "a failed parse returns no result");
		return;
	}
	FUZZ_CHECK(json_is_object(r.json), "a result is an object");
	FUZZ_CHECK(r.signature && ddp_signature_ok(r.signature), "a result has a signature");
	FUZZ_CHECK(r.reference && r.reference[0] && r.candidate && r.candidate[0],
	           "a result names both tools");
	FUZZ_CHECK(!r.stderr_mode || !strcmp(r.stderr_mode, "exact") ||
	           !strcmp(r.stderr_mode, "class") || !strcmp(r.stderr_mode, "ignore"),
	           "a stderr mode is one `ddparity fuzz` accepts");
	FUZZ_CHECK(!r.info_profile || ddp_info_profile_lookup(&p, r.info_profile, NULL) == DDP_OK,
	           "an info profile is one the core has");
	ddp_finding_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t which = fuzz_u8(&data, &size);

	if (which % 2)
		check_result((const char *)data, size);
	else
		check_case((const char *)data, size);
	return 0;
}
