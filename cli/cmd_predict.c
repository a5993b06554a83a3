/* cmd_predict.c: `ddparity predict`, the model of one qemu-img dd run. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/common.h"

static const char usage[] =
	"usage: ddparity predict [--qemu-version V | --reference QEMU_IMG]\n"
	"                        --input-size BYTES [--input-format FMT]\n"
	"                        [--input-path PATH] [--input-file-length BYTES]\n"
	"                        -- DD_ARGS...\n"
	"\n"
	"Prints, as one JSON object, what `qemu-img dd DD_ARGS` would do: its\n"
	"exit_code, its stderr lines, and the output's virtual_size, format,\n"
	"cluster_size, window and (for vpc) vhd_chs.\n"
	"\n"
	"  --qemu-version V    the qemu version to model (default: the installed\n"
	"                      qemu-img's, else the newest profile)\n"
	"  --reference PATH    ask this qemu-img binary for the version\n"
	"  --input-size BYTES  the raw input's length, or a structured input's\n"
	"                      virtual size (suffixes K, M, G, T allowed)\n"
	"  --input-format FMT  the input's real format (default raw)\n"
	"  --input-path PATH   the input's path: another if= fails to open\n"
	"  --input-file-length BYTES  a structured input's file length (for -f raw)\n"
	"\n"
	"Exit status: 0 predicted, 2 usage error, 3 the model does not know\n"
	"(the reason is printed as \"unmodelled\").\n"
	"\n"
	"Example:\n"
	"  ddparity predict --qemu-version 7.2 --input-size 10240 -- \\\n"
	"      -O vpc bs=1000 count=3 if=in.raw of=out.img\n";

/* A byte count: decimal digits with an optional K, M, G or T (1024s). */
static int parse_bytes(int64_t *out, const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (*end || v > (unsigned long long)INT64_MAX >> shift)
		return -1;
	*out = (int64_t)(v << shift);
	return 0;
}

int ddp_cmd_predict(int argc, char **argv)
{
	const char *version_text = NULL, *reference = NULL;
	ddp_input in = {-1, NULL, NULL, -1};
	ddp_version v;
	ddp_error err;
	ddp_outcome out;
	const ddp_profile *p;
	char rule[256];
	json_t *j;
	int i, rc;

	const char *size_text = NULL, *file_length_text = NULL;
	const ddp_opt opts[] = {
		{"qemu-version", DDP_OPT_STRING, &version_text},
		{"reference", DDP_OPT_STRING, &reference},
		{"input-size", DDP_OPT_STRING, &size_text},
		{"input-file-length", DDP_OPT_STRING, &file_length_text},
		{"input-format", DDP_OPT_STRING, &in.format},
		{"input-path", DDP_OPT_STRING, &in.path},
	};

	if ((rc = ddp_cli_parse(&i, argc, argv, DDP_OPTS(opts), DDP_OPT_DD_AFTER)))
		return rc;
	if (i < 0)
		return fputs(usage, stdout) < 0 ? DDP_EXIT_USAGE : DDP_EXIT_OK;
	if (!size_text)
		return ddp_cli_fail("predict: --input-size is required (see 'ddparity help predict')");
	if (parse_bytes(&in.length, size_text))
		return ddp_cli_fail("predict: --input-size '%s' is not a byte count", size_text);
	if (file_length_text && parse_bytes(&in.file_length, file_length_text))
		return ddp_cli_fail("predict: --input-file-length '%s' is not a byte count",
		                    file_length_text);

	if (version_text) {
		if (ddp_version_parse(&v, version_text, &err))
			return ddp_cli_fail("predict: --qemu-version: %s", err.message);
	} else if (ddp_qemu_version(&v, reference, &err)) {
		if (reference)
			return ddp_cli_fail("predict: --reference: %s", err.message);
		/* No qemu-img here: the newest profile. */
		v = (ddp_version){99, 0, 0};
	}
	p = ddp_profile_for(v, NULL);
	ddp_profile_explain(rule, sizeof(rule), v);

	rc = ddp_predict(&out, p, &in, argc - i, (const char *const *)argv + i, &err);
	if (rc && rc != DDP_EUNMODELLED)
		return ddp_cli_fail("predict: %s: %s", err.source, err.message);
	j = rc ? json_pack("{s:s,s:s}", "profile", ddp_profile_name(p), "unmodelled", err.message)
	       : ddp_cli_outcome_json(&out, p);
	json_object_set_new(j, "profile_rule", json_string(rule));
	json_object_set_new(j, "measured", json_boolean(ddp_version_measured(v)));
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
	return rc ? 3 : DDP_EXIT_OK;
}
