/* rules.c: the img_dd rules an outcome records, and its marks, with their ids and texts. */
#include <string.h>

#include "internal.h"

static const struct {
	const char *id;
	int fails;
	const char *text;
} rules[DDP_RULE__COUNT] = {
	[DDP_RULE_OPTION_UNRECOGNIZED] = {"option-unrecognized", 1,
		"getopt does not take the option (qemu's 'unrecognized option', glibc's 'invalid option'); then the Try line"},
	[DDP_RULE_OPTION_AMBIGUOUS] = {"option-ambiguous", 1,
		"a long-option prefix matches options that differ (glibc's getopt, 10.0 on)"},
	[DDP_RULE_OPTION_NEEDS_ARGUMENT] = {"option-needs-argument", 1,
		"-f, -O or --object is the last element and has no argument"},
	[DDP_RULE_OPTION_TAKES_NO_ARGUMENT] = {"option-takes-no-argument", 1,
		"--flag=VALUE for a flag (glibc's getopt, 10.0 on; older versions call it unrecognized)"},
	[DDP_RULE_HELP] = {"help", 0,
		"-h or --help: help on stdout, exit 0, nothing after it is read"},
	[DDP_RULE_OBJECT_INVALID] = {"object-invalid", 1,
		"--object names no object qemu can create (at the option from 6.0, after the operands before)"},
	[DDP_RULE_OPERAND_UNKNOWN] = {"operand-unknown", 1,
		"an operand without '=', or whose key is not bs, count, skip, if or of"},
	[DDP_RULE_NUMBER_PARSE_STRTOD] = {"number-parse-strtod", 1,
		"qemu_strtosz before 6.0 (the whole number through strtod) refuses the value"},
	[DDP_RULE_NUMBER_PARSE_U64] = {"number-parse-u64", 1,
		"qemu_strtosz 6.0 to 8.0 (an integer, then a strtod fraction) refuses the value"},
	[DDP_RULE_NUMBER_PARSE_UINT] = {"number-parse-uint", 1,
		"qemu_strtosz from 8.1 (parse_uint, negatives out of range) refuses the value"},
	[DDP_RULE_NUMBER_PARSE_STRTOU64] = {"number-parse-strtou64", 1,
		"count or skip read as a plain integer (Debian's 10.0: qemu_strtou64, base 0, no suffix) refuses the value"},
	[DDP_RULE_NUMBER_RANGE] = {"number-range", 1,
		"the value parses but is outside cvtnum's range: bs 1 to INT_MAX, count and skip 0 to INT64_MAX"},
	[DDP_RULE_HEX_SUFFIX_WARNING] = {"hex-suffix-warning", 0,
		"a hex number with a suffix: qemu warns that it is deprecated and goes on (6.0 to 8.0)"},
	[DDP_RULE_NEED_IF_OF] = {"need-if-of", 1,
		"if= or of= is missing"},
	[DDP_RULE_IMAGE_OPTS_WITH_FORMAT] = {"image-opts-with-format", 1,
		"--image-opts and -f together"},
	[DDP_RULE_IMAGE_OPTS_OPEN] = {"image-opts-open", 1,
		"--image-opts with a plain if= name: the option string names no driver"},
	[DDP_RULE_INPUT_UNKNOWN_DRIVER] = {"input-unknown-driver", 1,
		"-f names no driver of this build, checked before the input's name"},
	[DDP_RULE_INPUT_EMPTY_NAME] = {"input-empty-name", 1,
		"if= is empty"},
	[DDP_RULE_INPUT_UNKNOWN_PROTOCOL] = {"input-unknown-protocol", 1,
		"if= has a ':' before any '/' and the prefix is no protocol"},
	[DDP_RULE_INPUT_PATH] = {"input-path", 1,
		"if= is a directory, missing, under a file, or too long a name: the input cannot be opened"},
	[DDP_RULE_INPUT_FORMAT_MISMATCH] = {"input-format-mismatch", 1,
		"-f names a format whose header the input does not have"},
	[DDP_RULE_INPUT_READ_AS_RAW] = {"input-read-as-raw", 0,
		"-f raw (or file) on a structured image: the window is over the file's own bytes and length"},
	[DDP_RULE_OUTPUT_UNKNOWN_FORMAT] = {"output-unknown-format", 1,
		"-O names no format of this build (checked after the input is opened)"},
	[DDP_RULE_OUTPUT_UNKNOWN_PROTOCOL] = {"output-unknown-protocol", 1,
		"of= has a ':' before any '/' and the prefix is no protocol"},
	[DDP_RULE_OUTPUT_NO_CREATE] = {"output-no-create", 1,
		"-O names a format that cannot create images"},
	[DDP_RULE_OUTPUT_CREATE_FAILS] = {"output-create-fails", 1,
		"-O names a format whose creation always fails with dd's options (luks without a secret, ...)"},
	[DDP_RULE_OUTPUT_PATH] = {"output-path", 1,
		"of= is empty, a directory, under a file or a missing directory, or too long: creation fails"},
	[DDP_RULE_WINDOW_INPUT_SECTORS] = {"window-input-sectors", 0,
		"the input's length is read in whole 512-byte sectors: a partial last sector counts whole"},
	[DDP_RULE_WINDOW_COUNT_CAPS_END] = {"window-count-caps-end", 0,
		"count*bs is below the input's end and becomes the end, before skip is subtracted"},
	[DDP_RULE_WINDOW_COUNT_OVERFLOW] = {"window-count-overflow", 0,
		"count*bs overflows int64: count is ignored"},
	[DDP_RULE_WINDOW_SKIP] = {"window-skip", 0,
		"skip*bs is subtracted from the (capped) end"},
	[DDP_RULE_WINDOW_SKIP_PAST_EOF] = {"window-skip-past-eof", 0,
		"skip*bs is past the end (or overflows): a warning, and an empty output"},
	[DDP_RULE_WINDOW_EMPTY] = {"window-empty", 0,
		"the window is empty: the output is created with size 0"},
	[DDP_RULE_VHD_TOO_LARGE] = {"vhd-too-large", 1,
		"a VHD over 2040 GiB: creation fails after the file is made"},
	[DDP_RULE_ZERO_CREATE_FAILS] = {"zero-create-fails", 1,
		"a format that refuses to create an empty image (qcow)"},
	[DDP_RULE_ZERO_REOPEN_FAILS] = {"zero-reopen-fails", 1,
		"an empty image created but not opened again (vmdk)"},
	[DDP_RULE_ROUND_512] = {"round-512", 0,
		"the output's virtual size rounds up to a multiple of 512"},
	[DDP_RULE_VHD_CHS] = {"vhd-chs", 0,
		"VHD: the virtual size is the first CHS geometry's at or above the window"},
	[DDP_RULE_VHDX_BLOCK_SIZE] = {"vhdx-block-size", 0,
		"vhdx: the block size (info's cluster-size) follows the image size"},
	[DDP_RULE_VHD_CHS_ABOVE_FLOOR] = {"vhd-chs-above-floor", 0,
		"VHD: the search stopped on more heads than calculate_geometry() of its own "
		"size gives (just above 17*1023*h sectors): a reader that recomputes the "
		"geometry from the size gets another disk"},
};

const char *ddp_rule_id(ddp_rule r)
{
	return (unsigned)r < DDP_RULE__COUNT ? rules[r].id : NULL;
}

const char *ddp_rule_text(ddp_rule r)
{
	return (unsigned)r < DDP_RULE__COUNT ? rules[r].text : NULL;
}

int ddp_rule_fails(ddp_rule r)
{
	return (unsigned)r < DDP_RULE__COUNT && rules[r].fails;
}

int ddp_rule_lookup(const char *id)
{
	for (int r = 0; id && r < DDP_RULE__COUNT; r++)
		if (!strcmp(rules[r].id, id))
			return r;
	return -1;
}

void ddp_outcome_rule(ddp_outcome *out, ddp_rule r)
{
	for (size_t i = 0; i < out->nrules; i++)
		if (out->rules[i] == r)
			return;
	if (out->nrules < DDP_MAX_RULES)
		out->rules[out->nrules++] = r;
}

static const char *const marks[DDP_MARK__COUNT] = {
	[DDP_MARK_OPTION_CLUSTER] = "option-cluster",
	[DDP_MARK_OPTION_ATTACHED] = "option-attached",
	[DDP_MARK_OPTION_LONG_PREFIX] = "option-long-prefix",
	[DDP_MARK_OPTION_LONG_EQ] = "option-long-eq",
	[DDP_MARK_OPTION_REPEATED] = "option-repeated",
	[DDP_MARK_OPTION_PERMUTED] = "option-permuted",
	[DDP_MARK_OPTION_CASE] = "option-case",
	[DDP_MARK_DASHDASH] = "dashdash",
	[DDP_MARK_DASHDASH_DASH] = "dashdash-dash",
	[DDP_MARK_OPERAND_REPEATED] = "operand-repeated",
	[DDP_MARK_OPERAND_VALUE_EQ] = "operand-value-eq",
	[DDP_MARK_OPERAND_EMPTY_VALUE] = "operand-empty-value",
	[DDP_MARK_KEY_ABBREV] = "key-abbrev",
	[DDP_MARK_KEY_EXTENDED] = "key-extended",
	[DDP_MARK_KEY_CASE] = "key-case",
	[DDP_MARK_KEY_NEAR] = "key-near",
	[DDP_MARK_KEY_BLANK] = "key-blank",
	[DDP_MARK_NUMBER_BLANK] = "number-blank",
	[DDP_MARK_NUMBER_SIGN] = "number-sign",
	[DDP_MARK_NUMBER_HEX] = "number-hex",
	[DDP_MARK_NUMBER_ZERO_LEAD] = "number-zero-lead",
	[DDP_MARK_NUMBER_FRACTION] = "number-fraction",
	[DDP_MARK_NUMBER_EXPONENT] = "number-exponent",
	[DDP_MARK_NUMBER_SUFFIX] = "number-suffix",
	[DDP_MARK_NUMBER_SUFFIX_LOWER] = "number-suffix-lower",
	[DDP_MARK_NUMBER_SUFFIX_BYTES] = "number-suffix-bytes",
	[DDP_MARK_NUMBER_ZERO] = "number-zero",
	[DDP_MARK_NUMBER_MAX] = "number-max",
	[DDP_MARK_WINDOW_COUNT_AT_END] = "window-count-at-end",
	[DDP_MARK_WINDOW_SKIP_AT_END] = "window-skip-at-end",
	[DDP_MARK_WINDOW_SKIP_IN_TAIL] = "window-skip-in-tail",
	[DDP_MARK_WINDOW_COUNT_IN_TAIL] = "window-count-in-tail",
	[DDP_MARK_WINDOW_PARTIAL_BLOCK] = "window-partial-block",
	[DDP_MARK_WINDOW_ONE_BLOCK] = "window-one-block",
	[DDP_MARK_SIZE_SECTOR_EXACT] = "size-sector-exact",
	[DDP_MARK_VHD_SEARCHED] = "vhd-searched",
	[DDP_MARK_VHD_EXACT] = "vhd-exact",
	[DDP_MARK_VHD_SPT_17] = "vhd-spt-17",
	[DDP_MARK_VHD_SPT_31] = "vhd-spt-31",
	[DDP_MARK_VHD_SPT_63] = "vhd-spt-63",
	[DDP_MARK_VHD_SPT_255] = "vhd-spt-255",
	[DDP_MARK_VHDX_TIER_EDGE] = "vhdx-tier-edge",
};

const char *ddp_mark_id(ddp_mark m)
{
	return (unsigned)m < DDP_MARK__COUNT ? marks[m] : NULL;
}

void ddp_outcome_mark(ddp_outcome *out, ddp_mark m)
{
	out->marks |= (uint64_t)1 << m;
}
