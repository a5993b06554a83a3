/*
 * meta_fuzzer.c: arbitrary bytes as a baseline's <case>.meta.json and
 * <case>.stdout.txt, through ddp_baseline_meta_parse and
 * ddp_baseline_stdout_parse (hostile files replay and report read).
 *
 * Input: meta.json up to the first NUL; stdout.txt after it (when there
 * is one), checked against that meta when it parsed, else alone.
 * Properties: each parser answers or fails with a documented error naming
 * its file and a line of its text.  A meta has exit statuses in range,
 * info's null exactly when the dd failed, a case name, and parses again
 * when its own name is expected.  A stdout is empty exactly when the meta
 * (if any) says info did not read the output, else an object with a
 * format and a virtual size that the core compares equal to itself.
 * Nothing leaks.
 */
#define FUZZ_TARGET "meta"
#include "files.h"
#include "suite/suite.h"

static const char meta_source[] = "case.meta.json", out_source[] = "case.stdout.txt";

static void check_stdout(const char *text, size_t len, const ddp_baseline_meta *meta)
{
	const ddp_info_profile *parity;
	ddp_info_diff *d = NULL;
	json_t *obj;
	ddp_error err;
	int rc = ddp_baseline_stdout_parse(&obj, text, len, meta, out_source, &err);

	if (rc) {
		fuzz_check_file_error(rc, &err, out_source, fuzz_lines(text, len));
		FUZZ_CHECK(!obj, "a failed parse returns no object");
		return;
	}
	if (!len) {
		FUZZ_CHECK(!obj, "an empty stdout.txt is no object");
		FUZZ_CHECK(!meta || meta->info_rc != 0, "empty only when info did not read the output");
		return;
	}
	FUZZ_CHECK(!meta || meta->info_rc == 0, "info only when info read the output");
	FUZZ_CHECK(json_is_object(obj) && json_string_value(json_object_get(obj, "format")) &&
	           json_integer_value(json_object_get(obj, "virtual-size")) >= 0,
	           "info has a format and a virtual size");
	FUZZ_CHECK(ddp_info_profile_lookup(&parity, "parity", NULL) == DDP_OK &&
	           ddp_info_compare(&d, text, len, text, len, parity, NULL) == DDP_OK &&
	           d->count == 0, "the core compares the info equal to itself");
	ddp_info_diff_free(d);
	json_decref(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(data, '\0', size);
	size_t len = nul ? (size_t)(nul - text) : size;
	ddp_baseline_meta meta, again;
	ddp_error err;
	int rc = ddp_baseline_meta_parse(&meta, text, len, meta_source, NULL, &err);

	if (rc) {
		fuzz_check_file_error(rc, &err, meta_source, fuzz_lines(text, len));
	} else {
		FUZZ_CHECK(meta.dd_rc >= 0 && meta.dd_rc <= 255 && meta.info_rc >= -1 &&
		           meta.info_rc <= 255, "exit statuses are in range");
		FUZZ_CHECK((meta.info_rc < 0) == (meta.dd_rc != 0), "info did not run exactly when the dd failed");
		FUZZ_CHECK(meta.case_name[0] && !strchr(meta.case_name, '/'), "a meta names its case");
		FUZZ_CHECK(ddp_baseline_meta_parse(&again, text, len, meta_source, meta.case_name,
		                                   &err) == DDP_OK &&
		           !memcmp(&meta, &again, sizeof(meta)), "a meta is the baseline of its own case");
	}
	if (nul)
		check_stdout(nul + 1, size - len - 1, rc ? NULL : &meta);
	return 0;
}
