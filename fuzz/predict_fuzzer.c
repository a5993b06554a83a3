/*
 * predict_fuzzer.c: arbitrary argument vectors through ddp_predict, end
 * to end, on an arbitrary input.
 *
 * Input: byte 0 picks the profile; byte 1 the input's real format (low 3
 * bits), whether its path is known (bit 3) and whether its file length is
 * (bit 4); byte 2 shifts the two lengths right (low 6 bits); then the
 * input's length and file length, 8 bytes each; the rest, split at NUL
 * bytes, is the argv after `qemu-img dd`.
 * Properties: the model answers or says unmodelled, deterministically;
 * it agrees with ddp_parse_args on the request and on every argument
 * error; help is exit 0 and nothing else; a failure is exit 1 ending on
 * an error line; a success has the window ddp_window_compute gives for
 * the length the input is read with, the size, CHS and cluster size the
 * format's rule gives for that window, only warnings on stderr, and the
 * skip warning exactly when the window is past the end; profiles that
 * share every rule but message texts agree on everything else.
 */
#define FUZZ_TARGET "predict"
#include "fuzz.h"
#include "internal.h" /* which profiles share every rule */

static const char *const formats[8] = {
	NULL, "raw", "qcow2", "vpc", "vmdk", "vhdx", "qcow", "qed",
};

static fuzz_argv args;

static int is_warning(ddp_msg_id id)
{
	return id == DDP_MSG_HEX_SUFFIX || id == DDP_MSG_SKIP_PAST_EOF;
}

static int same_window(const ddp_window *a, const ddp_window *b)
{
	return a->size == b->size && a->start == b->start && a->end == b->end &&
	       a->out_size == b->out_size && a->past_eof == b->past_eof;
}

/* The length img_dd reads: the file's own when -f raw reads a structured image. */
static int64_t read_length(const ddp_input *in, const ddp_request *req)
{
	const char *real = in->format ? in->format : "raw";
	const char *f = req->in_fmt;

	if (!f || !strcmp(f, real) || (!strcmp(f, "file") && !strcmp(real, "raw")))
		return in->length;
	if (!strcmp(f, "raw") || !strcmp(f, "file"))
		return in->file_length;
	return in->length;
}

static void check_success(const ddp_outcome *out, const ddp_input *in)
{
	ddp_window w;
	uint64_t size, want = 0, cluster = 0;
	ddp_chs chs;
	int skip_warned = 0;

	FUZZ_CHECK(out->has_window && out->has_info && out->output_created && out->format,
	           "a success has a window and an output info reads");
	FUZZ_CHECK(ddp_window_compute(&w, read_length(in, &out->request), out->request.bs,
	                              out->request.has_count, out->request.count,
	                              out->request.has_skip, out->request.skip, NULL) == DDP_OK &&
	           same_window(&w, &out->window), "the window is ddp_window_compute's");
	for (size_t i = 0; i < out->nmsgs; i++) {
		FUZZ_CHECK(is_warning(out->msgs[i].id), "a success prints only warnings");
		if (out->msgs[i].id == DDP_MSG_SKIP_PAST_EOF) {
			skip_warned = 1;
			FUZZ_CHECK(i == out->nmsgs - 1, "the skip warning is the last line");
		}
	}
	FUZZ_CHECK(skip_warned == out->window.past_eof, "the skip warning iff past the end");
	size = (uint64_t)out->window.out_size;
	if (!strcmp(out->format, "vpc")) {
		FUZZ_CHECK(out->has_chs && ddp_vhd_round(&want, &chs, size) == DDP_OK &&
		           chs.cyls == out->chs.cyls && chs.heads == out->chs.heads &&
		           chs.secs == out->chs.secs, "a VHD has the search's size and CHS");
	} else {
		FUZZ_CHECK(!out->has_chs && ddp_round512(&want, size) == DDP_OK,
		           "other formats round to 512 and have no CHS");
	}
	FUZZ_CHECK(out->virtual_size == want, "the virtual size is the format's rounding");
	FUZZ_CHECK(out->virtual_size >= size, "the output holds the window");
	if (!strcmp(out->format, "vhdx"))
		FUZZ_CHECK(out->has_cluster_size && ddp_vhdx_block_size(&cluster, size) == DDP_OK &&
		           cluster == out->cluster_size, "vhdx's cluster size is its block size");
}

static int same_rules(const ddp_profile *a, const ddp_profile *b)
{
	return a != b && a->parser == b->parser && a->hex_suffix == b->hex_suffix &&
	       a->fraction_one_bug == b->fraction_one_bug &&
	       a->count_parser == b->count_parser && a->getopt == b->getopt &&
	       a->long_options == b->long_options && a->object == b->object &&
	       a->formats == b->formats &&
	       a->drivers == b->drivers && a->protocols == b->protocols &&
	       a->max_modelled_size == b->max_modelled_size;
}

/* Two outcomes alike but for message texts (and a parse error's second line). */
static int same_but_texts(const ddp_outcome *a, const ddp_outcome *b)
{
	size_t i = 0, j = 0;

	if (a->exit_code != b->exit_code || a->help != b->help ||
	    a->output_created != b->output_created || a->has_info != b->has_info ||
	    a->virtual_size != b->virtual_size || a->has_window != b->has_window ||
	    (a->has_window && !same_window(&a->window, &b->window)))
		return 0;
	for (;;) {
		while (i < a->nmsgs && a->msgs[i].id == DDP_MSG_INVALID_NUMBER_2)
			i++;
		while (j < b->nmsgs && b->msgs[j].id == DDP_MSG_INVALID_NUMBER_2)
			j++;
		if (i == a->nmsgs || j == b->nmsgs)
			return i == a->nmsgs && j == b->nmsgs;
		if (a->msgs[i++].id != b->msgs[j++].id)
			return 0;
	}
}

static int has_rule(const ddp_outcome *o, ddp_rule r)
{
	for (size_t i = 0; i < o->nrules; i++)
		if (o->rules[i] == r)
			return 1;
	return 0;
}

static int has_msg(const ddp_outcome *o, ddp_msg_id id)
{
	for (size_t i = 0; i < o->nmsgs; i++)
		if (o->msgs[i].id == id)
			return 1;
	return 0;
}

/* The rules an outcome records agree with the outcome itself. */
static void check_rules(const ddp_outcome *o)
{
	FUZZ_CHECK(o->nrules < DDP_MAX_RULES, "no rule is dropped for want of room");
	for (size_t i = 0; i < o->nrules; i++) {
		FUZZ_CHECK(ddp_rule_id(o->rules[i]) != NULL, "every rule has an id");
		FUZZ_CHECK(i + 1 == o->nrules || !ddp_rule_fails(o->rules[i]),
		           "only the last rule fails the run");
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(o->rules[j] != o->rules[i], "a rule is recorded once");
	}
	FUZZ_CHECK((o->exit_code == 1) == (o->nrules && ddp_rule_fails(o->rules[o->nrules - 1])),
	           "a run fails exactly when its last rule is a failing one");
	FUZZ_CHECK(o->help == has_rule(o, DDP_RULE_HELP), "help is the help rule");
	FUZZ_CHECK(has_msg(o, DDP_MSG_HEX_SUFFIX) == has_rule(o, DDP_RULE_HEX_SUFFIX_WARNING),
	           "a hex-suffix warning is the hex-suffix rule");
	if (o->exit_code == 0 && !o->help)
		FUZZ_CHECK(has_msg(o, DDP_MSG_SKIP_PAST_EOF) == has_rule(o, DDP_RULE_WINDOW_SKIP_PAST_EOF),
		           "the skip warning is the skip-past-EOF rule");
	if (o->has_info) {
		FUZZ_CHECK(o->has_chs == has_rule(o, DDP_RULE_VHD_CHS), "CHS rounding is the vhd-chs rule");
		FUZZ_CHECK((!o->has_chs && o->virtual_size != (uint64_t)o->window.out_size) ==
		           has_rule(o, DDP_RULE_ROUND_512), "a rounded size is the round-512 rule");
		FUZZ_CHECK((o->window.out_size == 0) == has_rule(o, DDP_RULE_WINDOW_EMPTY),
		           "an empty window is the window-empty rule");
		FUZZ_CHECK(!has_rule(o, DDP_RULE_VHDX_BLOCK_SIZE) || o->has_cluster_size,
		           "the vhdx rule gives a cluster size");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ddp_outcome out, again, parsed, other;
	const ddp_profile *p = fuzz_profile(fuzz_u8(&data, &size));
	uint8_t in_flags = fuzz_u8(&data, &size);
	int shift = fuzz_u8(&data, &size) & 63;
	int64_t length = (int64_t)((fuzz_u64(&data, &size) >> shift) & INT64_MAX);
	int64_t file_length = (int64_t)((fuzz_u64(&data, &size) >> shift) & INT64_MAX);
	ddp_input in = {length, formats[in_flags & 7], (in_flags & 8) ? "in.raw" : NULL,
	                (in_flags & 16) ? file_length : -1};
	ddp_request req;
	ddp_error err;
	int rc, rc2;

	if (fuzz_argv_split(&args, data, size))
		return 0;

	rc = ddp_predict(&out, p, &in, args.argc, args.argv, &err);
	/* Lengths no file has (past INT64_MAX - 511) are bad input (EINVAL). */
	FUZZ_CHECK(rc == DDP_OK || rc == DDP_EUNMODELLED ||
	           (rc == DDP_EINVAL && (in.length > INT64_MAX - 511 ||
	                                 in.file_length > INT64_MAX - 511)),
	           "the model answers or says unmodelled");
	if (rc)
		FUZZ_CHECK(err.code == rc && err.message[0], "an unanswered case says why");
	if (rc == DDP_EINVAL)
		return 0;
	rc2 = ddp_predict(&again, p, &in, args.argc, args.argv, NULL);
	FUZZ_CHECK(rc2 == rc && (rc || !memcmp(&out, &again, sizeof(out))),
	           "prediction is deterministic");

	rc2 = ddp_parse_args(&req, &parsed, p, args.argc, args.argv, NULL);
	if (rc2) {
		FUZZ_CHECK(rc == rc2, "unmodelled arguments are unmodelled end to end");
		return 0;
	}
	if (rc)
		return 0;
	FUZZ_CHECK(!memcmp(&req, &out.request, sizeof(req)), "the request is the parser's");
	fuzz_check_msgs(&out, p, &args);
	FUZZ_CHECK(out.exit_code == 0 || out.exit_code == 1, "exit 0 or 1");
	check_rules(&out);

	if (req.failed) {
		FUZZ_CHECK(out.exit_code == parsed.exit_code && out.nmsgs == parsed.nmsgs &&
		           !memcmp(out.msgs, parsed.msgs, sizeof(out.msgs)) && !out.has_info &&
		           out.nrules == parsed.nrules &&
		           !memcmp(out.rules, parsed.rules, sizeof(out.rules)),
		           "an argument error is the parser's, and nothing more");
	} else if (req.help) {
		FUZZ_CHECK(out.help && out.exit_code == 0 && out.nmsgs == 0 && !out.output_created,
		           "help is exit 0 and nothing else");
	} else if (out.exit_code == 0) {
		check_success(&out, &in);
	} else {
		FUZZ_CHECK(out.nmsgs > 0 && !is_warning(out.msgs[out.nmsgs - 1].id) && !out.has_info,
		           "a failure ends on an error line and leaves no info");
	}

	for (size_t i = 0; i < ddp_profile_count(); i++) {
		const ddp_profile *q = ddp_profile_at(i);
		if (!same_rules(p, q))
			continue;
		rc2 = ddp_predict(&other, q, &in, args.argc, args.argv, NULL);
		FUZZ_CHECK(rc2 == DDP_OK && same_but_texts(&out, &other),
		           "profiles that differ only in texts agree");
	}
	return 0;
}
