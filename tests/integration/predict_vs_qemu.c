/*
 * predict_vs_qemu: runs a real qemu-img dd over a generated set of
 * argument combinations and checks that ddp_predict agrees on the exit
 * code, every stderr line, whether the output exists, and what
 * `qemu-img info` reports for it.  A disagreement is a model bug.
 *
 * usage: predict_vs_qemu [--qemu-img PATH] [--verbose]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddparity.h"
#include "proc.h"

#define MAX_ARGS 24

typedef struct dd_case {
	const char *input; /* an entry of inputs[] */
	int argc;
	const char *argv[MAX_ARGS];
} dd_case;

typedef struct input_file {
	const char *name;
	const char *format;
	int64_t length;      /* raw length, or virtual size */
	int64_t file_length; /* for -f raw on a structured image */
} input_file;

static input_file inputs[] = {
	{"in.raw", "raw", 10240, 10240},
	{"odd.raw", "raw", 5000, 5000},
	{"big.raw", "raw", 1048576, 1048576},
	{"empty.raw", "raw", 0, 0},
	{"sparse.raw", "raw", 40 << 20, 40 << 20},
	{"in.qcow2", "qcow2", 1048576, -1},
};

static dd_case *cases;
static size_t ncases, capcases;

/* Adds a case: input name, then tokens up to NULL. */
static void add(const char *input, ...)
{
	va_list ap;
	dd_case c = {input, 0, {0}};
	const char *t;

	va_start(ap, input);
	while ((t = va_arg(ap, const char *)) && c.argc < MAX_ARGS)
		c.argv[c.argc++] = t;
	va_end(ap);
	if (ncases == capcases) {
		capcases = capcases ? capcases * 2 : 256;
		cases = realloc(cases, capcases * sizeof(*cases));
	}
	cases[ncases++] = c;
}

static const char *kv(const char *k, const char *v)
{
	char *s;
	if (asprintf(&s, "%s=%s", k, v) < 0)
		abort();
	return s; /* lives for the whole run */
}

/* Sizes as users and fuzzers write them: each a real edge of qemu_strtosz. */
static const char *const bs_tokens[] = {
	"512", "1000", "1", "0", "1k", "1K", "4k", "64k", "0x200", "0x10k",
	"0x1b", "0X1E", "1.5k", "1.3k", ".5k", "1.", "1.k", "-1", "+512",
	" 512", "512 ", "1kb", "1.5", "1.5b", "2147483647", "2147483648", "1e3",
	"99999999999999999999", "0x", "1.9999999999999999999999k", "-0",
	"0x10K", "1b", "1B", "65536", "3072", "1.0005k", "0.0004k", "1.5e3k",
	"2g", "1.5e", "", "k", "-1k", "0x1p4", "1.e5k", "1 k", "1M",
	"0.5k", "00x10", "0x.5", "18446744073709551616k", "inf", "nan",
	"1.5m", "1e", "+0x10", "-0x10", "0x7fffffff", "0x80000000", "3.5",
	"1.0", "0.0k", "0x1.8p1",
};

static const char *const count_tokens[] = {
	"0", "1", "2", "3", "10", "20", "1k", "-1", "-0", "1.5k", "1.5",
	"0x10", "0x10k", "9223372036854775807", "9223372036854775808",
	"99999999999999999999", "1E", "8E", "16E", "-1k", "1b", "7E", "0.5",
	"1.5E", "0.0000000000000000001k", ".5", "1e1",
};

static const char *const skip_tokens[] = {
	"0", "1", "2", "10", "19", "20", "21", "100", "-1", "0x1", "1k",
	"9223372036854775807", "1.5k", "18014398509481984", "18014398509481983",
};

static const char *const formats[] = {
	"raw", "qcow2", "vmdk", "vpc", "vhdx", "qcow", "qed", "vdi", "parallels",
	"file", "luks", "bochs", "foo", "dmg", "null-co", "RAW", "",
};

static void generate(void)
{
	for (size_t i = 0; i < sizeof(bs_tokens) / sizeof(*bs_tokens); i++)
		add("in.raw", kv("bs", bs_tokens[i]), "count=3", "if=in.raw", "of=out.img", NULL);
	for (size_t i = 0; i < sizeof(count_tokens) / sizeof(*count_tokens); i++)
		add("in.raw", "bs=512", kv("count", count_tokens[i]), "if=in.raw", "of=out.img", NULL);
	for (size_t i = 0; i < sizeof(skip_tokens) / sizeof(*skip_tokens); i++)
		add("in.raw", "bs=512", kv("skip", skip_tokens[i]), "if=in.raw", "of=out.img", NULL);
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		const char *f = formats[i];
		add("in.raw", "-O", f, "if=in.raw", "of=out.img", NULL);
		add("in.raw", "-O", f, "bs=1000", "count=3", "if=in.raw", "of=out.img", NULL);
		add("in.raw", "-O", f, "count=0", "if=in.raw", "of=out.img", NULL);
		add("in.raw", "-O", f, "skip=100", "if=in.raw", "of=out.img", NULL);
		add("big.raw", "-O", f, "bs=65536", "skip=2", "count=4", "if=big.raw", "of=out.img", NULL);
		add("in.qcow2", "-O", f, "bs=1000", "count=3", "if=in.qcow2", "of=out.img", NULL);
	}
	/* Window edges on a 5000-byte file, which reads as 5120. */
	add("odd.raw", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "bs=512", "skip=10", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "bs=512", "skip=11", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "bs=5119", "count=1", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "bs=5120", "count=1", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "bs=5121", "count=1", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "bs=5000", "count=1", "skip=1", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "bs=2560", "skip=2", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "bs=2560", "skip=3", "if=odd.raw", "of=out.img", NULL);
	add("odd.raw", "-O", "vpc", "if=odd.raw", "of=out.img", NULL);
	add("in.raw", "bs=512", "count=2", "skip=1", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "bs=512", "count=1", "skip=2", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "bs=4096", "skip=2251799813685248", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "bs=2147483647", "skip=4294967298", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "bs=2147483647", "count=4294967299", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "bs=1024", "count=9007199254740992", "if=in.raw", "of=out.img", NULL);
	add("empty.raw", "if=empty.raw", "of=out.img", NULL);
	add("empty.raw", "skip=1", "if=empty.raw", "of=out.img", NULL);
	add("empty.raw", "skip=0", "-O", "vmdk", "if=empty.raw", "of=out.img", NULL);
	add("empty.raw", "-O", "vpc", "if=empty.raw", "of=out.img", NULL);
	/* VHD's CHS breakpoints (bytes -> bytes in the facts). */
	{
		static const char *const vhd_sizes[] = {
			"1", "512", "34816", "34817", "65536", "69632", "69633", "131072",
			"1048576", "10485760", "35651584", "35553280", "35584512", "35607552",
			"36000000", "39000000", "8912896", "8929280", "17825792", "2228224",
			"2245632", "4456448", "4473856", "41943040",
		};
		for (size_t i = 0; i < sizeof(vhd_sizes) / sizeof(*vhd_sizes); i++)
			add("sparse.raw", "-O", "vpc", kv("bs", vhd_sizes[i]), "count=1",
			    "if=sparse.raw", "of=out.img", NULL);
	}
	add("sparse.raw", "-O", "vhdx", "bs=1M", "count=3", "if=sparse.raw", "of=out.img", NULL);
	/* Options: getopt_long with permutation, as img_dd calls it. */
	add("in.raw", "-xU", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-Ux", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "if=in.raw", "-xU", "of=out.img", NULL);
	add("in.raw", "if=in.raw", "-U", "-xU", "of=out.img", NULL);
	add("in.raw", "-O", "raw", "if=in.raw", "-Ux", "of=out.img", NULL);
	add("in.raw", "--foo", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--force-share=1", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--f", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--i", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--h", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--=x", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "-O", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "-f", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "-UO", NULL);
	add("in.raw", "-Oqcow2", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-fraw", "-Ovpc", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-U", "-U", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-O", "--", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-O", "raw", "--", "if=in.raw", "of=out.img", "-O", "qcow2", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "--", "-O", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "--", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "-", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "-h", NULL);
	add("in.raw", "-x", "-h", NULL);
	add("in.raw", "-:", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-O", "qcow2", "-O", "vpc", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--image-opts", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-U", "--force-share", "--image", "if=in.raw", "of=out.img", NULL);
	/* Operands. */
	add("in.raw", "=5", "if=in.raw", NULL);
	add("in.raw", "bs==5", "if=in.raw", NULL);
	add("in.raw", "BS=5", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "seek=1", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "conv=notrunc", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "if", "of=out.img", NULL);
	add("in.raw", "if=in.raw", NULL);
	add("in.raw", "of=out.img", NULL);
	add("in.raw", NULL);
	add("in.raw", "bs=1k", "bs=512", "count=1", "count=3", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "if=nope.raw", "if=in.raw", "of=x.img", "of=out.img", NULL);
	add("in.raw", "bs=x", "foo=1", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "foo=1", "bs=x", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "bs=0x10k", "bs=x", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "bs=0x10kk", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "count=0x10k", "skip=0x1k", "if=in.raw", "of=out.img", NULL);
	/* Paths: missing, empty, protocol prefixes. */
	add("in.raw", "if=nope.raw", "of=out.img", NULL);
	add("in.raw", "if=", "of=out.img", NULL);
	add("in.raw", "if=x:y", "of=out.img", NULL);
	add("in.raw", "if=in.raw", "of=x:y", NULL);
	add("in.raw", "if=in.raw", "of=", NULL);
	add("in.raw", "if=in.raw", "of=./x:out.img", NULL);
	add("in.raw", "-f", "foo", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "foo", "if=", "of=out.img", NULL);
	add("in.raw", "-f", "foo", "if=x:y", "of=out.img", NULL);
	add("in.raw", "-f", "qcow2", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "raw", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "file", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "qcow", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "qed", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "parallels", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "vpc", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "vmdk", "if=in.raw", "of=out.img", NULL);
	add("in.qcow2", "-f", "qcow2", "if=in.qcow2", "of=out.img", NULL);
	add("in.qcow2", "-f", "raw", "skip=1", "if=in.qcow2", "of=out.img", NULL);
	add("in.qcow2", "-f", "raw", "-O", "vpc", "if=in.qcow2", "of=out.img", NULL);
	add("in.raw", "-O", "foo", "if=x:y", "of=out.img", NULL);
	add("in.raw", "-O", "foo", "if=in.raw", "of=x:y", NULL);
	add("in.raw", "-O", "bochs", "if=in.raw", "of=x:y", NULL);
	add("in.raw", "-O", "vmdk", "count=0", "skip=100", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-O", "qcow", "skip=100", "if=in.raw", "of=out.img", NULL);
}

static int write_file(const char *dir, const char *name, size_t len, unsigned seed)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")))
		return -1;
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		fputc((int)(seed >> 16) & 0xff, f);
	}
	return fclose(f);
}

static int run_tool(ddp_proc_result *r, const char *const *argv, const char *dir)
{
	ddp_proc_opts o = {dir, 60, 1 << 20};
	ddp_error err;
	if (ddp_proc_run(r, argv, &o, &err)) {
		fprintf(stderr, "predict_vs_qemu: cannot run %s: %s\n", argv[0], err.message);
		return -1;
	}
	return 0;
}

static const char *qemu = "qemu-img";
static int verbose;

static void show_case(const dd_case *c)
{
	fprintf(stderr, "  case: qemu-img dd");
	for (int i = 0; i < c->argc; i++)
		fprintf(stderr, " '%s'", c->argv[i]);
	fprintf(stderr, "   (input %s)\n", c->input);
}

/* Checks one case; returns 0 when the model agrees. */
static int check(const dd_case *c, const char *dir, const ddp_profile *p)
{
	const char *argv[MAX_ARGS + 3];
	char out_path[4096];
	ddp_proc_result r;
	ddp_outcome o;
	ddp_error err;
	const input_file *in = NULL;
	ddp_input di;
	struct stat st;
	int bad = 0, rc, exists;
	size_t line = 0;
	const char *s, *e;

	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++)
		if (!strcmp(inputs[i].name, c->input))
			in = &inputs[i];
	di = (ddp_input){in->length, in->format, in->name, in->file_length};
	rc = ddp_predict(&o, p, &di, c->argc, c->argv, &err);
	/* The file the case names, when it names a plain one. */
	snprintf(out_path, sizeof(out_path), "%s/%s", dir,
	         !rc && o.request.out_path && *o.request.out_path &&
	         !strchr(o.request.out_path + 2, '/') ? o.request.out_path : "out.img");
	unlink(out_path);
	argv[0] = qemu;
	argv[1] = "dd";
	for (int i = 0; i < c->argc; i++)
		argv[i + 2] = c->argv[i];
	argv[c->argc + 2] = NULL;
	if (run_tool(&r, argv, dir))
		return 1;
	exists = stat(out_path, &st) == 0;
	if (rc) {
		/* The set holds only cases the model must know. */
		fprintf(stderr, "DISAGREE: model says %s (%s) for a case in the set\n",
		        ddp_strerror(rc), err.message);
		show_case(c);
		ddp_proc_result_free(&r);
		return 1;
	}
	if (!r.exited || r.exit_code != o.exit_code) {
		fprintf(stderr, "DISAGREE: exit code: qemu-img %d, model %d\n",
		        r.exited ? r.exit_code : -r.signo, o.exit_code);
		bad = 1;
	}
	for (s = r.err; *s; s = *e ? e + 1 : e, line++) {
		char want[8192];
		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		if (line >= o.nmsgs) {
			fprintf(stderr, "DISAGREE: stderr line %zu: qemu-img '%.*s', model nothing\n",
			        line + 1, (int)(e - s), s);
			bad = 1;
			continue;
		}
		ddp_msg_render(want, sizeof(want), &o.msgs[line], p);
		if (strlen(want) != (size_t)(e - s) || memcmp(want, s, (size_t)(e - s))) {
			fprintf(stderr, "DISAGREE: stderr line %zu:\n  qemu-img '%.*s'\n  model    '%s'\n",
			        line + 1, (int)(e - s), s, want);
			bad = 1;
		}
	}
	if (line < o.nmsgs) {
		fprintf(stderr, "DISAGREE: model predicts %zu stderr lines, qemu-img printed %zu\n",
		        o.nmsgs, line);
		bad = 1;
	}
	if (exists != o.output_created) {
		fprintf(stderr, "DISAGREE: output %s, model says %s\n",
		        exists ? "exists" : "does not exist", o.output_created ? "created" : "not created");
		bad = 1;
	}
	if (o.help && strncmp(r.out, "qemu-img version", 16)) {
		fprintf(stderr, "DISAGREE: model predicts help on stdout\n");
		bad = 1;
	}
	ddp_proc_result_free(&r);
	if (!bad && o.has_info) {
		const char *iargv[] = {qemu, "info", "--output=json", out_path, NULL};
		json_t *j, *cs;
		json_error_t je;

		if (run_tool(&r, iargv, dir))
			return 1;
		j = json_loads(r.out, 0, &je);
		if (!j || r.exit_code) {
			fprintf(stderr, "DISAGREE: qemu-img info failed: %s\n", r.err);
			bad = 1;
		} else {
			json_int_t vs = json_integer_value(json_object_get(j, "virtual-size"));
			const char *fmt = json_string_value(json_object_get(j, "format"));
			cs = json_object_get(j, "cluster-size");
			if ((uint64_t)vs != o.virtual_size) {
				fprintf(stderr, "DISAGREE: virtual-size: qemu-img %lld, model %llu\n",
				        (long long)vs, (unsigned long long)o.virtual_size);
				bad = 1;
			}
			if (!fmt || strcmp(fmt, o.format)) {
				fprintf(stderr, "DISAGREE: format: qemu-img %s, model %s\n", fmt, o.format);
				bad = 1;
			}
			if ((cs != NULL) != o.has_cluster_size ||
			    (cs && (uint64_t)json_integer_value(cs) != o.cluster_size)) {
				fprintf(stderr, "DISAGREE: cluster-size: qemu-img %lld, model %llu\n",
				        cs ? (long long)json_integer_value(cs) : -1LL,
				        o.has_cluster_size ? (unsigned long long)o.cluster_size : 0ULL);
				bad = 1;
			}
		}
		json_decref(j);
		ddp_proc_result_free(&r);
	}
	if (bad)
		show_case(c);
	else if (verbose) {
		fprintf(stderr, "agree:");
		show_case(c);
	}
	return bad;
}

static int make_inputs(const char *dir)
{
	char path[4096];
	int fd;
	ddp_proc_result r;
	const char *conv[] = {qemu, "convert", "-f", "raw", "-O", "qcow2", "big.raw", "in.qcow2", NULL};

	if (write_file(dir, "in.raw", 10240, 1) || write_file(dir, "odd.raw", 5000, 2) ||
	    write_file(dir, "big.raw", 1048576, 3) || write_file(dir, "empty.raw", 0, 4))
		return -1;
	snprintf(path, sizeof(path), "%s/sparse.raw", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 40 << 20) || close(fd))
		return -1;
	if (run_tool(&r, conv, dir) || !r.exited || r.exit_code) {
		fprintf(stderr, "predict_vs_qemu: qemu-img convert failed\n");
		return -1;
	}
	ddp_proc_result_free(&r);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, inputs[i].name);
		if (stat(path, &st))
			return -1;
		inputs[i].file_length = st.st_size;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/ddp-predict-XXXXXX";
	ddp_version v;
	const ddp_profile *p;
	ddp_proc_result r;
	const char *vargv[] = {NULL, "--version", NULL};
	size_t failed = 0;
	char rule[256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--qemu-img") && i + 1 < argc)
			qemu = argv[++i];
		else if (!strcmp(argv[i], "--verbose"))
			verbose = 1;
		else {
			fprintf(stderr, "usage: predict_vs_qemu [--qemu-img PATH] [--verbose]\n");
			return 2;
		}
	}
	vargv[0] = qemu;
	if (run_tool(&r, vargv, NULL) || !r.exited || r.exit_code) {
		fprintf(stderr, "predict_vs_qemu: %s --version failed: is qemu-utils installed?\n", qemu);
		return 2;
	}
	r.out[strcspn(r.out, "\n")] = '\0';
	if (ddp_version_parse(&v, r.out, NULL)) {
		fprintf(stderr, "predict_vs_qemu: cannot read a version from '%s'\n", r.out);
		return 2;
	}
	ddp_proc_result_free(&r);
	p = ddp_profile_for(v, NULL);
	ddp_profile_explain(rule, sizeof(rule), v);
	if (!mkdtemp(dir) || make_inputs(dir)) {
		fprintf(stderr, "predict_vs_qemu: cannot make the inputs in %s: %s\n", dir, strerror(errno));
		return 2;
	}
	generate();
	for (size_t i = 0; i < ncases; i++)
		failed += check(&cases[i], dir, p) != 0;
	{
		const char *rmargv[] = {"rm", "-rf", dir, NULL};
		if (!run_tool(&r, rmargv, NULL))
			ddp_proc_result_free(&r);
	}
	printf("predict_vs_qemu: %s: %s\n", qemu, rule);
	printf("predict_vs_qemu: ran %zu combinations, %zu agree, %zu disagree\n",
	       ncases, ncases - failed, failed);
	printf("%zu passed, %zu failed\n", ncases - failed, failed);
	return failed ? 1 : 0;
}
