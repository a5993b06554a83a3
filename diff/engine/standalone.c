/*
 * standalone.c: a finding that reruns by hand, without ddparity.
 *
 * The campaign's fixtures are removed when it ends, so the work/ copy of a
 * finding links to nothing.  A finding therefore keeps its own input (a
 * copy, or for a big sparse image the few commands that make it again) and
 * reproduce.sh: POSIX sh needing only qemu-img, the candidate and coreutils
 * (with cmp, grep and sed, Essential on Debian), which recreates the input
 * in a fresh temporary directory, checks its sha256, runs both sides there
 * as the engine does and prints what differs.
 *
 * The case's arguments may hold any bytes but NUL: each is written as one
 * quoted sh word that reads back as exactly its bytes, so nothing of the
 * case is ever code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"

/*
 * Inputs up to this file length are copied into the finding.  A bigger one
 * (raw-56M-sparse, made for VHD's breakpoints) would make every finding of
 * it tens of MiB; its pattern is a truncate and three writes, so the
 * script makes it again instead, and the checksum proves it the same.
 */
#define STANDALONE_COPY_MAX (8LL << 20)
/*
 * Random data has no such recipe (sh cannot run fixtures.c's LCG over
 * megabytes in reasonable time), so a random input is copied above the
 * bound too, up to what findings.c keeps of a work file; past that (no
 * fixture today; a minimised headline's could be) the script only says to
 * use `ddparity reproduce`.
 */
#define STANDALONE_KEEP_MAX (64LL << 20)

/* ---- the input ------------------------------------------------------------ */

/*
 * The fixture's sha256, and when dst is set a copy of it there, holes kept
 * as holes (a sparse 1 MiB fixture stays small).
 */
static int hash_copy(char hex[65], const char *src, const char *dst, ddp_error *err)
{
	if (dst && ddp_copy_file(src, dst, err))
		return DDP_ERROR;
	/* The copy's sum: what the script will check. */
	return ddp_sha256sum(hex, dst ? dst : src, err);
}

/* Whether the script can make the fixture again with coreutils (as fixtures.c's write_raw does). */
static int has_recipe(const ddp_fixture *f)
{
	return !strcmp(f->format, "raw") &&
	       (!strcmp(f->pattern, "zero") || !strcmp(f->pattern, "sparse"));
}

/* ---- sh words ------------------------------------------------------------- */

/* The length of the valid UTF-8 character at p that is no C1 control, else 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = ddp_utf8_len(p, strlen((const char *)p));

	/* U+0080 to U+009F, C1 controls, as any control: written as bytes. */
	return n < 2 || (p[0] == 0xc2 && p[1] < 0xa0) ? 0 : n;
}

/*
 * s as one sh word that reads back as exactly its bytes.  Printable ASCII,
 * newlines and valid UTF-8 go in single quotes (where sh takes every byte
 * literally), a quote as \', and any other byte (a control, non-UTF-8) as
 * "$(printf '\NNN')", so the script stays text a person can read.  A
 * newline never goes through $(...), which would drop it at the end.
 */
static void sh_word(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int quoted = 0;

	if (!*p)
		fputs("''", f);
	while (*p) {
		size_t n = *p == '\n' || (*p >= 0x20 && *p < 0x7f) ? 1 : *p >= 0x80 ? utf8_len(p) : 0;
		if (*p == '\'')
			n = 0;
		if (n && !quoted)
			fputc('\'', f);
		else if (!n && quoted)
			fputc('\'', f);
		quoted = n != 0;
		if (n)
			fwrite(p, 1, n, f);
		else if (*p == '\'')
			fputs("\\'", f);
		else
			fprintf(f, "\"$(printf '\\%03o')\"", *p);
		p += n ? n : 1;
	}
	if (quoted)
		fputc('\'', f);
}

/* name=WORD and a newline. */
static void sh_set(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s=", name);
	sh_word(f, value);
	fputc('\n', f);
}

/* ---- the script ----------------------------------------------------------- */

/* The output the case names: the last of= qemu reads (as run.c's output_name). */
static const char *output_name(const ddp_config *cfg, const ddp_case *c)
{
	ddp_request req;
	ddp_outcome o;

	if (cfg->model_profile &&
	    ddp_parse_args(&req, &o, cfg->model_profile, c->argc, (const char *const *)c->argv,
	                   NULL) == DDP_OK &&
	    req.out_path && *req.out_path)
		return req.out_path;
	return "out.img";
}

static const char script_head[] =
	"#!/bin/sh\n"
	"# reproduce.sh: this finding run again by hand, without ddparity.\n"
	"#\n"
	"#   sh reproduce.sh          (from any directory)\n"
	"#\n"
	"# Recreates the input in a fresh temporary directory (checked by its\n"
	"# sha256), runs `qemu-img dd` with the case's arguments there with the\n"
	"# reference and with the candidate, each in a directory of its own with\n"
	"# the input linked in, and compares as ddparity did: exit code, stderr,\n"
	"# whether the output exists, its `qemu-img info` (format, virtual-size,\n"
	"# cluster-size, dirty-flag, format-specific: the parity profile's fields)\n"
	"# and its data flattened to raw.  Needs qemu-img and the candidate on\n"
	"# PATH, coreutils, cmp, grep and sed.\n"
	"#\n"
	"#   REFERENCE=COMMAND  the reference (default qemu-img); it reads the\n"
	"#                      outputs too (info, convert)\n"
	"#   CANDIDATE=COMMAND  the candidate (default the finding's, below)\n"
	"# A command is split on spaces and gets `dd` and the arguments appended;\n"
	"# a relative program path is taken from where the script is started.\n"
	"# Exit status: 1 they differ, 0 they agree, 2 this script's own error.\n"
	"set -u\n"
	"LC_ALL=C\n"
	"export LC_ALL\n"
	"start=$(pwd) || exit 2\n"
	"case $0 in */*) cd \"${0%/*}\" || exit 2 ;; esac\n"
	"finding=$(pwd) || exit 2\n"
	"\n";

/* After the finding's values and the case's arguments: the helpers. */
static const char script_helpers[] =
	"\n"
	"die() { printf 'reproduce.sh: %s\\n' \"$*\" >&2; exit 2; }\n"
	"differ=0\n"
	"say() { printf '%s\\n' \"$*\"; differ=1; }\n"
	"# show FILE: its text indented, control bytes made visible.\n"
	"show() { cat -v -- \"$1\" | sed 's/^/    | /'; }\n"
	"\n"
	"# A relative program path (a '/' in the first word) is the caller's.\n"
	"absolute() {\n"
	"\tcase $1 in\n"
	"\t/*) printf '%s' \"$1\" ;;\n"
	"\t*) case ${1%% *} in */*) printf '%s/%s' \"$start\" \"$1\" ;; *) printf '%s' \"$1\" ;; esac ;;\n"
	"\tesac\n"
	"}\n"
	"# runnable NAME COMMAND: its program is found, else this script cannot run.\n"
	"runnable() {\n"
	"\t(set -f; IFS=' '; set -- $2; [ $# -gt 0 ] && command -v \"$1\" >/dev/null 2>&1) ||\n"
	"\t\tdie \"$1: cannot find the command '$2' (set $1=...)\"\n"
	"}\n"
	"# run DIR COMMAND ARGS...: COMMAND split on spaces (never globbed) in DIR.\n"
	"run() (\n"
	"\tcd \"$1\" || exit 126\n"
	"\trun_cmd=$2\n"
	"\tshift 2\n"
	"\tset -f\n"
	"\tIFS=' '\n"
	"\texec $run_cmd \"$@\"\n"
	")\n"
	"# side NAME COMMAND ARGS...: the dd in $tmp/NAME, its input linked in;\n"
	"# NAME.stderr, NAME.rc beside, the file size and time limited as the engine does.\n"
	"side() {\n"
	"\tside_name=$1 side_cmd=$2\n"
	"\tshift 2\n"
	"\tmkdir \"$tmp/$side_name\" && ln -s \"$tmp/input/$input\" \"$tmp/$side_name/$input\" ||\n"
	"\t\tdie \"cannot set up $tmp/$side_name\"\n"
	"\t(\n"
	"\t\tif [ \"$max_output\" -gt 0 ]; then ulimit -f $(( (max_output + 511) / 512 )) || exit 125; fi\n"
	"\t\t# A hang is killed as the engine's timeout would (timeout exits 124, or 137 after -k).\n"
	"\t\tif [ \"$timeout_s\" != 0 ]; then side_cmd=\"timeout -k 2 $timeout_s $side_cmd\"; fi\n"
	"\t\trun \"$tmp/$side_name\" \"$side_cmd\" dd \"$@\"\n"
	"\t) >\"$tmp/$side_name.stdout\" 2>\"$tmp/$side_name.stderr\"\n"
	"\techo $? >\"$tmp/$side_name.rc\"\n"
	"}\n"
	"# exists FILE: even a dangling link counts, as the engine's lstat.\n"
	"exists() { [ -e \"$1\" ] || [ -h \"$1\" ]; }\n"
	"# class STDERR RC: nothing, a warning (exit 0) or an error.\n"
	"class() { if [ ! -s \"$1\" ]; then echo nothing; elif [ \"$2\" = 0 ]; then echo warning; else echo error; fi; }\n"
	"# too_large FILE: past max_output, so never read (as the engine).\n"
	"too_large() {\n"
	"\t[ \"$max_output\" -gt 0 ] || return 1\n"
	"\tset -- $(stat -c '%s %b %B' -- \"$1\")\n"
	"\t[ \"$1\" -gt \"$max_output\" ] || [ $(( $2 * $3 )) -gt \"$max_output\" ]\n"
	"}\n"
	"# info NAME: the reference's info of NAME's output; 0 when it succeeds.\n"
	"info() { run \"$tmp/$1\" \"$REFERENCE\" info --output=json \"$out\" >\"$tmp/$1.info\" 2>\"$tmp/$1.info.err\"; }\n"
	"# fields INFO: the fields the parity info profile compares (qemu-img\n"
	"# indents the top level by four), less those that vary per run.\n"
	"fields() {\n"
	"\tgrep -E '^    \"(format|virtual-size|cluster-size|dirty-flag)\":' \"$1\" | sed 's/,$//'\n"
	"\tsed -n '/^    \"format-specific\": {/,/^    }/p' \"$1\" |\n"
	"\t\tgrep -vE '\"(cid|parent-cid|actual-size|filename)\":' | sed 's/,$//'\n"
	"}\n"
	"format_of() { sed -n 's/^    \"format\": \"\\([^\"]*\\)\",\\{0,1\\}$/\\1/p' \"$1\"; }\n"
	"# flat NAME: its output's guest data, flattened to raw in $tmp/NAME.flat.\n"
	"flat() { run \"$tmp/$1\" \"$REFERENCE\" convert -f \"$(format_of \"$tmp/$1.info\")\" -O raw \"$out\" \"$tmp/$1.flat\" >\"$tmp/$1.flat.err\" 2>&1; }\n"
	"\n"
	"REFERENCE=$(absolute \"${REFERENCE:-qemu-img}\")\n"
	"runnable REFERENCE \"$REFERENCE\"\n";

/* The input, made in $tmp/input and checked. */
static void script_input(FILE *f, const ddp_fixture *fx, int copied, const char *hex)
{
	fputs("tmp=$(mktemp -d \"${TMPDIR:-/tmp}/ddp-reproduce-XXXXXX\") || die \"cannot make a temporary directory\"\n"
	      "trap 'rm -rf \"$tmp\"' EXIT\n"
	      "trap 'exit 2' HUP INT TERM\n"
	      "mkdir \"$tmp/input\" || die \"cannot create $tmp/input\"\n", f);
	if (copied) {
		fputs("# The input, as the campaign made it.\n"
		      "cp -- \"input/$input\" \"$tmp/input/$input\" || die \"cannot copy input/$input\"\n", f);
	} else {
		/* fixtures.c's write_raw: the length, then (sparse) three 4 KiB blocks. */
		fprintf(f, "# The input, made again as the campaign made it (%s, %lld bytes; too\n"
		        "# big to keep a copy of): a file of zeros",
		        fx->name, (long long)fx->file_length);
		if (!strcmp(fx->pattern, "sparse") && fx->size >= 8192)
			fputs(" and 4 KiB of 0x5a (its first byte\n# 0, 1, 2) at the start, before the middle and at the end", f);
		fputs(".\n", f);
		fprintf(f, "truncate -s %lld \"$tmp/input/$input\" || die \"cannot make the input\"\n",
		        (long long)fx->size);
		if (!strcmp(fx->pattern, "sparse") && fx->size >= 8192) {
			long long at[] = {0, fx->size / 2 - 4096, fx->size - 4096};
			fputs("block() { printf \"\\\\$1\"; head -c 4095 /dev/zero | tr '\\000' '\\132'; }\n", f);
			for (int i = 0; i < 3; i++)
				fprintf(f, "block %03o | dd of=\"$tmp/input/$input\" bs=4096 count=1 seek=%lld "
				        "iflag=fullblock oflag=seek_bytes conv=notrunc status=none ||\n"
				        "\tdie \"cannot make the input\"\n", i, at[i]);
		}
	}
	fprintf(f, "(cd \"$tmp/input\" && printf '%%s  %%s\\n' %s \"$input\" | sha256sum -c --status) ||\n"
	        "\tdie \"the input made is not the finding's (sha256 %s of %lld bytes)\"\n",
	        hex, hex, (long long)fx->file_length);
}

/* Both sides run: what ddparity's comparison (run.c's compare) looks at. */
static const char script_compare[] =
	"side reference \"$REFERENCE\" \"$@\"\n"
	"side candidate \"$CANDIDATE\" \"$@\"\n"
	"ref_rc=$(cat \"$tmp/reference.rc\") cand_rc=$(cat \"$tmp/candidate.rc\")\n"
	"[ \"$ref_rc\" = \"$cand_rc\" ] || say \"exit: reference $ref_rc, candidate $cand_rc\"\n"
	"case \" $ref_rc $cand_rc \" in *\" 124 \"*|*\" 137 \"*) [ \"$timeout_s\" = 0 ] ||\n"
	"\techo \"    (124, or 137 after a kill: the timeout of $timeout_s s)\" ;; esac\n"
	"case $stderr_mode in\n"
	"exact)\n"
	"\tif ! cmp -s \"$tmp/reference.stderr\" \"$tmp/candidate.stderr\"; then\n"
	"\t\tsay \"stderr differs; reference:\"\n"
	"\t\tshow \"$tmp/reference.stderr\"\n"
	"\t\techo \"candidate:\"\n"
	"\t\tshow \"$tmp/candidate.stderr\"\n"
	"\tfi ;;\n"
	"class)\n"
	"\ta=$(class \"$tmp/reference.stderr\" \"$ref_rc\") b=$(class \"$tmp/candidate.stderr\" \"$cand_rc\")\n"
	"\t[ \"$a\" = \"$b\" ] || say \"stderr class: reference $a, candidate $b\" ;;\n"
	"esac\n"
	"a=absent b=absent\n"
	"exists \"$tmp/reference/$out\" && a=exists\n"
	"exists \"$tmp/candidate/$out\" && b=exists\n"
	"[ \"$a\" = \"$b\" ] || say \"output: reference $a, candidate $b\"\n"
	"if [ \"$a$b\" = existsexists ]; then\n"
	"\tif too_large \"$tmp/reference/$out\" || too_large \"$tmp/candidate/$out\"; then\n"
	"\t\tsay \"output: larger than $max_output bytes, not read\"\n"
	"\telse\n"
	"\t\tinfo reference; a=$?\n"
	"\t\tinfo candidate; b=$?\n"
	"\t\tif [ \"$a\" != 0 ] || [ \"$b\" != 0 ]; then\n"
	"\t\t\tif [ \"$a\" = 0 ] || [ \"$b\" = 0 ]; then\n"
	"\t\t\t\t[ \"$a\" = 0 ] && say \"info failed on the candidate's output:\" || say \"info failed on the reference's output:\"\n"
	"\t\t\t\tshow \"$tmp/reference.info.err\"\n"
	"\t\t\t\tshow \"$tmp/candidate.info.err\"\n"
	"\t\t\tfi\n"
	"\t\telse\n"
	"\t\t\tif [ \"$(fields \"$tmp/reference.info\")\" != \"$(fields \"$tmp/candidate.info\")\" ]; then\n"
	"\t\t\t\tsay \"info differs; reference:\"\n"
	"\t\t\t\tfields \"$tmp/reference.info\" | sed 's/^ */    /'\n"
	"\t\t\t\techo \"candidate:\"\n"
	"\t\t\t\tfields \"$tmp/candidate.info\" | sed 's/^ */    /'\n"
	"\t\t\tfi\n"
	"\t\t\tflat reference; a=$?\n"
	"\t\t\tflat candidate; b=$?\n"
	"\t\t\tif [ \"$a\" != 0 ] || [ \"$b\" != 0 ]; then\n"
	"\t\t\t\tif [ \"$a\" = 0 ] || [ \"$b\" = 0 ]; then\n"
	"\t\t\t\t\tsay \"flattening one side to raw failed:\"\n"
	"\t\t\t\t\tshow \"$tmp/reference.flat.err\"\n"
	"\t\t\t\t\tshow \"$tmp/candidate.flat.err\"\n"
	"\t\t\t\tfi\n"
	"\t\t\telse\n"
	"\t\t\t\t# Each reads as zeros past its end, as the engine compares.\n"
	"\t\t\t\tla=$(stat -c %s \"$tmp/reference.flat\") lb=$(stat -c %s \"$tmp/candidate.flat\")\n"
	"\t\t\t\tif [ \"$la\" -lt \"$lb\" ]; then truncate -s \"$lb\" \"$tmp/reference.flat\"; fi\n"
	"\t\t\t\tif [ \"$lb\" -lt \"$la\" ]; then truncate -s \"$la\" \"$tmp/candidate.flat\"; fi\n"
	"\t\t\t\tif ! at=$(cd \"$tmp\" && cmp reference.flat candidate.flat 2>&1); then\n"
	"\t\t\t\t\tsay \"data: flattened outputs differ ($la and $lb bytes): $at\"\n"
	"\t\t\t\tfi\n"
	"\t\t\tfi\n"
	"\t\tfi\n"
	"\tfi\n"
	"fi\n"
	"if [ \"$differ\" = 0 ]; then\n"
	"\techo \"no difference: exit code, stderr ($stderr_mode), output, info and data agree\"\n"
	"fi\n"
	"exit \"$differ\"\n";

/*
 * The model: nothing to run; its saved prediction (in $model_side.stderr)
 * against the other side, $real, run now by $real_cmd.
 */
static const char script_model[] =
	"side \"$real\" \"$real_cmd\" \"$@\"\n"
	"real_rc=$(cat \"$tmp/$real.rc\")\n"
	"echo \"the $model_side is ddparity's model: the $real is compared with the model's\"\n"
	"echo \"prediction saved in this finding (exit code, stderr, whether the output exists)\"\n"
	"[ \"$real_rc\" = \"$model_exit\" ] || say \"exit: $real $real_rc, model $model_exit\"\n"
	"case $stderr_mode in\n"
	"exact)\n"
	"\tif ! cmp -s \"$tmp/$real.stderr\" \"$finding/$model_side.stderr\"; then\n"
	"\t\tsay \"stderr differs; $real:\"\n"
	"\t\tshow \"$tmp/$real.stderr\"\n"
	"\t\techo \"model:\"\n"
	"\t\tshow \"$finding/$model_side.stderr\"\n"
	"\tfi ;;\n"
	"class)\n"
	"\ta=$(class \"$tmp/$real.stderr\" \"$real_rc\") b=$(class \"$finding/$model_side.stderr\" \"$model_exit\")\n"
	"\t[ \"$a\" = \"$b\" ] || say \"stderr class: $real $a, model $b\" ;;\n"
	"esac\n"
	"a=absent\n"
	"exists \"$tmp/$real/$out\" && a=exists\n"
	"[ \"$a\" = \"$model_output\" ] || say \"output: $real $a, model $model_output\"\n"
	"if [ \"$a\" = exists ] && ! too_large \"$tmp/$real/$out\" && info \"$real\"; then\n"
	"\techo \"the $real's output (the model's info and data are checked by ddparity reproduce):\"\n"
	"\tfields \"$tmp/$real.info\" | sed 's/^ */    /'\n"
	"fi\n"
	"if [ \"$differ\" = 0 ]; then\n"
	"\techo \"no difference in exit code, stderr ($stderr_mode) and output\"\n"
	"fi\n"
	"exit \"$differ\"\n";

/* A finding whose input the script cannot have: it says why, and what to use (exit 2). */
static int script_stub(const char *dir, const char *why, ddp_error *err)
{
	char path[4400], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return ddp_error_errno(err, dir, "reproduce.sh");
	fprintf(f, "#!/bin/sh\n"
	        "# reproduce.sh: %s: its input is not kept here, so this finding\n"
	        "# runs again only with the `ddparity reproduce` line in the file `reproduce`.\n"
	        "echo 'reproduce.sh: %s: use `ddparity reproduce` (see the file reproduce)' >&2\n"
	        "exit 2\n", why, why);
	fclose(f);
	snprintf(path, sizeof(path), "%s/reproduce.sh", dir);
	rc = ddp_write_atomic(path, text, len, err);
	free(text);
	return rc;
}

int ddp_finding_standalone(const char *dir, const ddp_config *cfg, const ddp_case *c,
                           const ddp_result *res, ddp_error *err)
{
	const ddp_fixture *fx;
	char path[4400], hex[65], *text = NULL;
	size_t len = 0;
	int copied, rc;
	/* One side is the model: its saved prediction is compared with the other. */
	int model = cfg->candidate.is_model || (cfg->reference_model && !res->ref_real_ran);
	FILE *f;

	/* A command whose inputs the script cannot make (map's: the manifest's create -o, backing files, qemu-io). */
	const ddp_command *cmd = ddp_case_command(cfg, c, err);
	if (!cmd)
		return DDP_EINVAL;
	if (cmd->not_by_hand)
		return script_stub(dir, cmd->not_by_hand, err);
	if (!cfg->fixtures || !(fx = ddp_fixtures_find(cfg->fixtures, c->fixture)))
		return ddp_error_set(err, DDP_EINVAL, "case", 0, 0, "no fixture named '%s'", c->fixture);
	if (!has_recipe(fx) && fx->file_length > STANDALONE_KEEP_MAX)
		return script_stub(dir, "an input too big to keep", err);
	/* Only a pattern the script can make again is left out; anything else is kept. */
	copied = fx->file_length <= STANDALONE_COPY_MAX || !has_recipe(fx);
	snprintf(path, sizeof(path), "%s/input", dir);
	if (copied && mkdir(path, 0755))
		return ddp_error_errno(err, path, "cannot create");
	snprintf(path, sizeof(path), "%s/input/%s", dir, fx->file);
	if (hash_copy(hex, fx->path, copied ? path : NULL, err))
		return DDP_ERROR;
	if (copied) {
		int fd;
		snprintf(path, sizeof(path), "%s/input", dir);
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			fsync(fd);
			close(fd);
		}
	}

	if (!(f = open_memstream(&text, &len)))
		return ddp_error_errno(err, dir, "reproduce.sh");
	fputs(script_head, f);
	fputs("# What the finding was (the tools it ran, what it compared).\n", f);
	sh_set(f, "signature", res->signature);
	sh_set(f, "found_reference", ddp_config_reference(cfg));
	sh_set(f, "found_candidate", cfg->candidate.spec);
	sh_set(f, "input", fx->file);
	sh_set(f, "out", output_name(cfg, c));
	fprintf(f, "stderr_mode=%s\n", cfg->stderr_mode == DDP_STDERR_EXACT ? "exact"
	                                : cfg->stderr_mode == DDP_STDERR_CLASS ? "class" : "ignore");
	fprintf(f, "max_output=%llu\n", cfg->max_output);
	fprintf(f, "timeout_s=%g\n", cfg->timeout > 0 ? cfg->timeout : 0.0);
	if (model) {
		const ddp_side *ms = cfg->candidate.is_model ? &res->cand : &res->ref;
		fprintf(f, "model_side=%s\n", cfg->candidate.is_model ? "candidate" : "reference");
		fprintf(f, "real=%s\n", cfg->candidate.is_model ? "reference" : "candidate");
		fprintf(f, "model_exit=%d\n", ms->exit_code);
		fprintf(f, "model_output=%s\n", ms->output_exists ? "exists" : "absent");
	}
	if (!cfg->candidate.is_model) {
		/* The command as it ran: a relative program path was made absolute. */
		char *joined = NULL;
		size_t jlen = 0;
		FILE *j = open_memstream(&joined, &jlen);
		for (int i = 0; j && i < cfg->candidate.argc; i++)
			fprintf(j, "%s%s", i ? " " : "", cfg->candidate.argv[i]);
		if (j)
			fclose(j);
		sh_set(f, "default_candidate", joined ? joined : cfg->candidate.spec);
		free(joined);
	}
	fputs("\n# The case's arguments after `qemu-img dd`, byte for byte.\nset --\n", f);
	for (int i = 0; i < c->argc; i++) {
		fputs("set -- \"$@\" ", f);
		sh_word(f, c->argv[i]);
		fputc('\n', f);
	}
	fputs(script_helpers, f);
	if (!cfg->candidate.is_model)
		fputs("CANDIDATE=$(absolute \"${CANDIDATE:-$default_candidate}\")\n"
		      "runnable CANDIDATE \"$CANDIDATE\"\n", f);
	fputs("printf 'finding: %s\\n' \"$signature\"\n"
	      "printf 'reference: %s (the finding ran %s)\\n' \"$REFERENCE\" \"$found_reference\"\n", f);
	if (!cfg->candidate.is_model)
		fputs("printf 'candidate: %s\\n' \"$CANDIDATE\"\n", f);
	fputc('\n', f);
	script_input(f, fx, copied, hex);
	fputc('\n', f);
	if (model)
		fprintf(f, "real_cmd=$%s\n", cfg->candidate.is_model ? "REFERENCE" : "CANDIDATE");
	fputs(model ? script_model : script_compare, f);
	if (fclose(f)) {
		free(text);
		return ddp_error_errno(err, dir, "reproduce.sh");
	}
	snprintf(path, sizeof(path), "%s/reproduce.sh", dir);
	rc = ddp_write_atomic(path, text, len, err);
	free(text);
	return rc;
}
