/*
 * predict_vs_qemu: runs a real qemu-img dd over a generated set of
 * argument combinations and checks that ddp_predict agrees on the exit
 * code, every stderr line, whether the output exists, and what
 * `qemu-img info` reports for it.  A disagreement is a model bug.
 *
 * The set is the same for every version: each case names what one version
 * or another does differently (docs/qemu-versions.md).  A case the model
 * must know fails when it says "unmodelled"; a few (module formats, a
 * lowercase --object word, a 0b count) may be unmodelled in some versions,
 * and those are counted apart.
 *
 * Versions that share a profile (10.0.2 and 10.0.13) may split the set:
 * with --part K/N a run checks every Nth case from the Kth, so that N runs
 * of one profile's versions check it whole, each binary on its share.
 *
 * usage: predict_vs_qemu [--qemu-img PATH] [--part K/N] [--verbose]
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
#include "common/common.h"

#define MAX_ARGS 24

typedef struct dd_case {
	const char *input; /* an entry of inputs[] */
	int may_be_unmodelled;
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
	{"in.vmdk", "vmdk", 1048576, -1},
	{"in.vpc", "vpc", -1, -1},   /* its virtual size: CHS-rounded, read back */
	{"in.vhdx", "vhdx", 1048576, -1},
	{"tiny.raw", "raw", 3, 3},
	{"short.raw", "raw", 511, 511},
};

static dd_case *cases;
static size_t ncases, capcases;
static int maybe; /* cases added now may be unmodelled */

static void push(dd_case c)
{
	if (ncases == capcases) {
		capcases = capcases ? capcases * 2 : 256;
		cases = realloc(cases, capcases * sizeof(*cases));
	}
	cases[ncases++] = c;
}

/* Adds a case: input name, then tokens up to NULL. */
static void add(const char *input, ...)
{
	va_list ap;
	dd_case c = {input, maybe, 0, {0}};
	const char *t;

	va_start(ap, input);
	while ((t = va_arg(ap, const char *)) && c.argc < MAX_ARGS)
		c.argv[c.argc++] = t;
	va_end(ap);
	push(c);
}

/* Strings built for cases, freed at the end (so leak checkers stay quiet). */
static char **owned;
static size_t nowned;

static const char *kv(const char *k, const char *v)
{
	char *s;
	if (asprintf(&s, "%s=%s", k, v) < 0 ||
	    !(owned = realloc(owned, (nowned + 1) * sizeof(*owned))))
		abort();
	owned[nowned++] = s;
	return s;
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
	/* 5.2's strtod: exponents, hex floats, signs, truncation */
	"-512", " -1", "-0k", "-.5k", "-0x0", "+-1", "-+1", "1E3", "1e+3",
	"1e-3k", "0x1p10", "0x1P10", "0x1.8p9", "0x1p-1k", "1.5e0k", "1e10",
	"3e9", "1e0", "1e1", "1.5e-1k", "2.9999999999999999", "1.99999999999999k",
	"0.0005k", "0.9999k", "1.7k", "1.00048828125k", "0.00048828125k",
	"0.000244140625k", "2147483647.5", "1000.9", "1e-400", "1e400",
	/* 7.2's fraction bug, hex with a suffix */
	"15.999999999999999999k", "0x1k", "0x1K", "010", "0b1", "0xg",
	"0x10.8", "0.k", ".k", "1kk", "INF", "infinity", "nan(1)", "\t512",
	"\n512", "512\n", "\v+512", ".5", "0x0", "00",
};

static const char *const count_tokens[] = {
	"0", "1", "2", "3", "10", "20", "1k", "-1", "-0", "1.5k", "1.5",
	"0x10", "0x10k", "9223372036854775807", "9223372036854775808",
	"99999999999999999999", "1E", "8E", "16E", "-1k", "1b", "7E", "0.5",
	"1.5E", "0.0000000000000000001k", ".5", "1e1",
	/* 10.0's plain integers (base 0) against strtosz elsewhere */
	"010", "08", "00", "0x1b", "0X1E", "-0x0", " -0", "-0.0", "-0x1",
	"-9223372036854775808", "-18446744073709551615", "-18446744073709551616",
	"+0x10", " +1", "\t1", "1.0", "1.", ".5k", "0.0005k", "1.3k", "1.0005k",
	"0.k", "1kk", "0x", "+-1", "0x-1", "0o7", "1_000", "0b", "0B",
	"9223372036854775295", "9223372036854775296", "0x7fffffffffffffff",
	"0x8000000000000000", "18446744073709551615", "9.3e18", "1e18", "-0k",
	"0x10000000000000000", "1.9999999999999999999999k", "1e1k", "1.5e1",
	"-1b", "+", "- 1", "0x1.8", "1 ",
};

static const char *const skip_tokens[] = {
	"0", "1", "2", "10", "19", "20", "21", "100", "-1", "0x1", "1k",
	"9223372036854775807", "1.5k", "18014398509481984", "18014398509481983",
	"010", "-0", "0x10", "1b", "08", "-0x0", "0.5k", "1.0", "1e1", "-1k",
	"9223372036854775296", "0x14", "024", "+20", " 21", "0.0196k",
};

/* Values that reach a build-dependent corner in some version. */
static const char *const count_maybe_tokens[] = {"0b11", "0B1", "-0b1"};

static const char *const formats[] = {
	"raw", "qcow2", "vmdk", "vpc", "vhdx", "qcow", "qed", "vdi", "parallels",
	"file", "luks", "bochs", "foo", "dmg", "null-co", "RAW", "",
};

/* Formats that never create an output: one case each, and an empty of=. */
static const char *const failing_formats[] = {
	"nbd", "nvme", "blkdebug", "blklogwrites", "blkverify", "cloop", "compress",
	"copy-on-read", "null-aio", "quorum", "replication", "throttle", "vvfat",
	"copy-before-write", "preallocate", "snapshot-access", "io-uring", "gluster2",
};

/* Module and host drivers: unmodelled wherever the build knows them. */
static const char *const host_formats[] = {
	"ssh", "http", "https", "ftp", "ftps", "nfs", "iscsi", "iser", "rbd",
	"gluster", "io_uring", "nvme-io_uring", "virtio-blk-vfio-pci",
	"virtio-blk-vhost-user", "virtio-blk-vhost-vdpa", "host_device", "host_cdrom",
};

static void generate(void)
{
	for (size_t i = 0; i < sizeof(bs_tokens) / sizeof(*bs_tokens); i++)
		add("in.raw", kv("bs", bs_tokens[i]), "count=3", "if=in.raw", "of=out.img", NULL);
	for (size_t i = 0; i < sizeof(count_tokens) / sizeof(*count_tokens); i++)
		add("in.raw", "bs=512", kv("count", count_tokens[i]), "if=in.raw", "of=out.img", NULL);
	for (size_t i = 0; i < sizeof(skip_tokens) / sizeof(*skip_tokens); i++)
		add("in.raw", "bs=512", kv("skip", skip_tokens[i]), "if=in.raw", "of=out.img", NULL);
	maybe = 1;
	for (size_t i = 0; i < sizeof(count_maybe_tokens) / sizeof(*count_maybe_tokens); i++) {
		add("in.raw", "bs=512", kv("count", count_maybe_tokens[i]), "if=in.raw", "of=out.img", NULL);
		add("in.raw", "bs=512", kv("skip", count_maybe_tokens[i]), "if=in.raw", "of=out.img", NULL);
	}
	for (size_t i = 0; i < sizeof(host_formats) / sizeof(*host_formats); i++) {
		add("in.raw", "-O", host_formats[i], "if=in.raw", "of=out.img", NULL);
		add("in.raw", "-f", host_formats[i], "if=in.raw", "of=out.img", NULL);
	}
	add("in.raw", "--object", "foo", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "help", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "secret,id=s0,data=x", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "copy-before-write", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "if=gluster+rdma:x", "of=out.img", NULL);
	add("in.raw", "if=io_uring:x", "of=out.img", NULL);
	add("in.raw", "if=in.raw", "of=http:x", NULL);
	maybe = 0;
	for (size_t i = 0; i < sizeof(failing_formats) / sizeof(*failing_formats); i++) {
		add("in.raw", "-O", failing_formats[i], "if=in.raw", "of=out.img", NULL);
		add("in.raw", "-O", failing_formats[i], "skip=100", "if=in.raw", "of=", NULL);
	}
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
	/*
	 * Each version's getopt texts (glibc's own from 10.0 on), then if= and
	 * of=: the options alone decide these.
	 */
	{
		static const char *const opts[][4] = {
			{"-W"},
			{"-Wfoo"},
			{"-;"},
			{"-U-"},
			{"--forc=1"},
			{"--fo=x"},
			{"--o"},
			{"--ou", "qcow2"},
			{"--ou"},
			{"--format="},
			{"--format", "raw"},
			{"--format=qcow2"},
			{"--form=raw", "-O", "vpc"},
			{"--output-format=qcow2"},
			{"-O", "qcow2", "--output-format", "vpc"},
			{"--output-format", "vdi", "-O", "qed"},
			{"--help=x"},
			{"--h=1"},
			{"--image-opts=1"},
			{"--="},
			{"--foo=1"},
		};
		for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
			dd_case c = {"in.raw", maybe, 0, {0}};
			for (int j = 0; j < 4 && opts[i][j]; j++)
				c.argv[c.argc++] = opts[i][j];
			c.argv[c.argc++] = "if=in.raw";
			c.argv[c.argc++] = "of=out.img";
			push(c);
		}
	}
	add("in.raw", "if=in.raw", "of=out.img", "--output-format", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "--out", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "--ob", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "--format", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "--obj=", NULL);
	add("in.raw", "--help", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--he", NULL);
	add("in.raw", "-h", "-x", NULL);
	add("in.raw", "-U", "-f", NULL);
	add("in.raw", "if=in.raw", "of=out.img", "-Uf", NULL);
	add("in.raw", "if=in.raw", "-Ofoo", "-xU", "of=out.img", NULL);
	add("in.raw", "--force-share", "--i", "-x", "if=in.raw", "of=out.img", NULL);
	/* --object: 5.2 creates objects after the operands, later ones at once. */
	add("in.raw", "--object", "", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "Foo", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "a b", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "x.y", "-x", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-x", "--object", "X", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "X", "bs=x", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "X", "if=in.raw", NULL);
	add("in.raw", "--object", "X", "-h", NULL);
	add("in.raw", "--object=", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--obj", "Q", "-f", "foo", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "", "--object", "X", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "help=1", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "Foo=bar", "-x", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--object", "a_b-c=", "bs=x", "if=in.raw", "of=out.img", NULL);
	/* --image-opts with and without -f */
	add("in.raw", "--image-opts", "-f", "raw", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "--image-opts", "-f", "foo", "if=x:y", "of=out.img", NULL);
	add("in.raw", "--image-opts", "if=x:y", "of=out.img", NULL);
	add("in.raw", "--image-opts", "if=help", "of=out.img", NULL);
	add("in.raw", "--image-opts", "if=nope", "-O", "foo", "of=out.img", NULL);
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
	add("in.raw", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=x",
	    "if=in.raw", "of=out.img", NULL);
	maybe = 1; /* 7.2: more warnings than an outcome holds */
	add("in.raw", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k", "bs=0x1k",
	    "bs=x", "if=in.raw", "of=out.img", NULL);
	maybe = 0;
	add("in.raw", "count=0x10k", "skip=0x1k", "if=in.raw", "of=out.img", NULL);
	/* Paths: missing, empty, protocol prefixes. */
	add("in.raw", "if=nope.raw", "of=out.img", NULL);
	add("in.raw", "if=", "of=out.img", NULL);
	add("in.raw", "if=x:y", "of=out.img", NULL);
	add("in.raw", "if=in.raw", "of=x:y", NULL);
	add("in.raw", "if=in.raw", "of=", NULL);
	add("in.raw", "if=in.raw", "of=./x:out.img", NULL);
	/* -f naming another format than the file's, on every kind of input. */
	{
		static const char *const named[] = {
			"qcow2", "vmdk", "vpc", "vhdx", "qcow", "qed", "parallels", "vdi", "raw", "file",
		};
		static const char *const files[] = {
			"in.raw", "empty.raw", "tiny.raw", "short.raw", "in.qcow2", "in.vmdk",
			"in.vpc", "in.vhdx",
		};
		for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
			for (size_t j = 0; j < sizeof(named) / sizeof(*named); j++) {
				int vdi = !strcmp(named[j], "vdi"), qcow = !strcmp(named[j], "qcow");
				/* vdi quotes the data it finds; qcow reads qcow2's header */
				maybe = vdi || (qcow && !strcmp(files[i], "in.qcow2"));
				add(files[i], "-f", named[j], "skip=1", "-O", "qcow2", kv("if", files[i]),
				    "of=out.img", NULL);
				maybe = 0;
			}
			add(files[i], kv("if", files[i]), "-O", "vpc", "of=out.img", NULL);
			add(files[i], "count=1", "bs=4k", kv("if", files[i]), "of=out.img", NULL);
		}
	}
	/* Paths the case's directory resolves: it holds the input only. */
	{
		static const char *const in_paths[] = {
			".", "./", "./in.raw", ".//in.raw", "in.raw/", "in.raw/.", "sub/x",
			"sub/../in.raw", "./sub/", "in.raw/x",
		};
		static const char *const out_paths[] = {
			".", "./", "./out.img", ".//out.img", "out.img/", "sub/out.img",
			"sub/../out.img", "in.raw/x", "in.raw/", "./.", "out img",
		};
		static const char *const path_formats[] = {"raw", "qcow2", "vmdk", "qcow", "luks", "nbd"};

		static char name255[256], name256[257], dots[4101], dots4095[4096];

		/* NAME_MAX and PATH_MAX: 255 fits, 256 does not; 4095 bytes fit, 4096 not */
		memset(name255, 'a', 255);
		memset(name256, 'a', 256);
		for (int i = 0; i < 2047; i++)
			memcpy(dots + 2 * i, "./", 2);
		memcpy(dots + 4094, "in.raw", 6);
		memcpy(dots4095, dots, 4092);
		memcpy(dots4095 + 4092, "abc", 3);
		add("in.raw", kv("if", name256), "of=out.img", NULL);
		add("in.raw", kv("if", dots), "of=out.img", NULL);
		add("in.raw", "-O", "qcow", "count=0", "if=in.raw", kv("of", name256), NULL);
		add("in.raw", "-O", "qcow", "count=0", "if=in.raw", kv("of", dots4095), NULL);
		add("in.raw", "count=0", "if=in.raw", kv("of", name255), NULL);
		add("in.raw", "-O", "vpc", "if=in.raw", kv("of", kv(name256, "x")), NULL);
		for (size_t i = 0; i < sizeof(in_paths) / sizeof(*in_paths); i++) {
			add("in.raw", kv("if", in_paths[i]), "of=out.img", NULL);
			add("in.raw", "-f", "qcow2", kv("if", in_paths[i]), "of=out.img", NULL);
		}
		for (size_t i = 0; i < sizeof(out_paths) / sizeof(*out_paths); i++)
			add("in.raw", "count=1", "if=in.raw", kv("of", out_paths[i]), NULL);
		for (size_t i = 0; i < sizeof(path_formats) / sizeof(*path_formats); i++) {
			add("in.raw", "-O", path_formats[i], "if=in.raw", "of=.", NULL);
			add("in.raw", "-O", path_formats[i], "count=0", "if=in.raw", "of=sub/o", NULL);
			add("in.raw", "-O", path_formats[i], "skip=99", "if=in.raw", "of=o/", NULL);
		}
	}
	add("in.raw", "if=nbd+vsock:x", "of=out.img", NULL);
	add("in.raw", "if=vvfat:x", "of=out.img", NULL);
	add("in.raw", "if=blkio:x", "of=out.img", NULL);
	add("in.raw", "if=in.raw", "of=vvfat:x", NULL);
	add("in.raw", "-O", "luks", "if=in.raw", "of=", NULL);
	add("in.raw", "-f", "parallels", "-O", "parallels", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "", "if=in.raw", "of=out.img", NULL);
	add("in.raw", "-f", "preallocate", "if=nope", "of=out.img", NULL);
	add("in.raw", "-f", "io_uring2", "if=in.raw", "of=out.img", NULL);
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
	ddp_proc_opts o = {dir, 60, 1 << 20, 0, 0};
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

/* Prints text line by line, each quoted, for a disagreement. */
static void print_lines(const char *who, const char *text, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len && start == len)
			break;
		if (i == len || text[i] == '\n') {
			fprintf(stderr, "    %-8s '%.*s'\n", who, (int)(i - start), text + start);
			start = i + 1;
		}
	}
}

static size_t unmodelled_allowed;

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
	char *want = NULL;
	size_t want_len = 0;
	FILE *m;

	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++)
		if (!strcmp(inputs[i].name, c->input))
			in = &inputs[i];
	di = (ddp_input){in->length, in->format, in->name, in->file_length};
	rc = ddp_predict(&o, p, &di, c->argc, c->argv, &err);
	if (rc == DDP_EUNMODELLED && c->may_be_unmodelled) {
		unmodelled_allowed++;
		if (verbose) {
			fprintf(stderr, "unmodelled (allowed): %s:", err.message);
			show_case(c);
		}
		return 0;
	}
	/* The path the case names (inside the case's directory), else out.img. */
	snprintf(out_path, sizeof(out_path), "%s/%s", dir,
	         !rc && o.request.out_path && *o.request.out_path &&
	         o.request.out_path[0] != '/' && !strstr(o.request.out_path, "..")
	         ? o.request.out_path : "out.img");
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
	/* stderr, byte for byte: the model's lines, each ended by '\n'. */
	m = open_memstream(&want, &want_len);
	for (size_t i = 0; i < o.nmsgs; i++) {
		size_t n = ddp_msg_render(NULL, 0, &o.msgs[i], p);
		char *line = malloc(n + 1);
		ddp_msg_render(line, n + 1, &o.msgs[i], p);
		fwrite(line, 1, n, m);
		fputc('\n', m);
		free(line);
	}
	fclose(m);
	if (want_len != r.err_len || memcmp(want, r.err, want_len)) {
		fprintf(stderr, "DISAGREE: stderr:\n");
		print_lines("qemu-img", r.err, r.err_len);
		print_lines("model", want, want_len);
		bad = 1;
	}
	free(want);
	if (exists != o.output_created) {
		fprintf(stderr, "DISAGREE: output %s, model says %s\n",
		        exists ? "exists" : "does not exist", o.output_created ? "created" : "not created");
		bad = 1;
	}
	/* Help goes to stdout: the global help up to 7.2, dd's own from 10.0. */
	if (o.help != (r.out_len > 0)) {
		fprintf(stderr, "DISAGREE: stdout has %zu bytes, model predicts %s\n", r.out_len,
		        o.help ? "help" : "nothing");
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

/* The structured inputs, converted from big.raw by the qemu-img under test. */
static int convert_inputs(const char *dir)
{
	static const char *const formats_made[] = {"qcow2", "vmdk", "vpc", "vhdx"};
	ddp_proc_result r;

	for (size_t i = 0; i < sizeof(formats_made) / sizeof(*formats_made); i++) {
		char name[32];
		const char *conv[] = {qemu, "convert", "-f", "raw", "-O", formats_made[i],
		                      "big.raw", name, NULL};

		snprintf(name, sizeof(name), "in.%s", formats_made[i]);
		if (run_tool(&r, conv, dir) || !r.exited || r.exit_code) {
			fprintf(stderr, "predict_vs_qemu: qemu-img convert to %s failed\n", formats_made[i]);
			return -1;
		}
		ddp_proc_result_free(&r);
	}
	return 0;
}

/* What blk_getlength sees: the virtual size qemu-img info reports. */
static int64_t virtual_size(const char *dir, const char *name)
{
	const char *iargv[] = {qemu, "info", "--output=json", name, NULL};
	ddp_proc_result r;
	json_t *j;
	int64_t vs = -1;

	if (run_tool(&r, iargv, dir))
		return -1;
	if ((j = json_loads(r.out, 0, NULL))) {
		vs = json_integer_value(json_object_get(j, "virtual-size"));
		json_decref(j);
	}
	ddp_proc_result_free(&r);
	return vs;
}

static int make_inputs(const char *dir)
{
	char path[4096];
	int fd;

	if (write_file(dir, "in.raw", 10240, 1) || write_file(dir, "odd.raw", 5000, 2) ||
	    write_file(dir, "big.raw", 1048576, 3) || write_file(dir, "empty.raw", 0, 4) ||
	    write_file(dir, "tiny.raw", 3, 5) || write_file(dir, "short.raw", 511, 6))
		return -1;
	snprintf(path, sizeof(path), "%s/sparse.raw", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 40 << 20) || close(fd))
		return -1;
	if (convert_inputs(dir))
		return -1;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, inputs[i].name);
		if (stat(path, &st))
			return -1;
		inputs[i].file_length = st.st_size;
		if (inputs[i].length < 0 && (inputs[i].length = virtual_size(dir, inputs[i].name)) < 0)
			return -1;
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
	size_t failed = 0, part = 1, parts = 1, ran = 0;
	char rule[256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--qemu-img") && i + 1 < argc) {
			/* Cases run in a temporary directory: a relative path would break. */
			qemu = argv[++i];
			if (strchr(qemu, '/') && !(qemu = realpath(qemu, NULL))) {
				fprintf(stderr, "predict_vs_qemu: %s: %s\n", argv[i], strerror(errno));
				return 2;
			}
		}
		else if (!strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--part") && i + 1 < argc &&
		         sscanf(argv[i + 1], "%zu/%zu", &part, &parts) == 2 && part >= 1 && part <= parts)
			i++;
		else {
			fprintf(stderr, "usage: predict_vs_qemu [--qemu-img PATH] [--part K/N] [--verbose]\n");
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
	for (size_t i = part - 1; i < ncases; i += parts, ran++)
		failed += check(&cases[i], dir, p) != 0;
	{
		const char *rmargv[] = {"rm", "-rf", dir, NULL};
		if (!run_tool(&r, rmargv, NULL))
			ddp_proc_result_free(&r);
	}
	printf("predict_vs_qemu: %s: %s\n", qemu, rule);
	if (parts > 1)
		printf("predict_vs_qemu: part %zu of %zu: one in %zu of the %zu combinations, "
		       "from number %zu\n", part, parts, parts, ncases, part);
	printf("predict_vs_qemu: ran %zu combinations, %zu agree, %zu disagree "
	       "(%zu of the agreeing are unmodelled where allowed)\n",
	       ran, ran - failed, failed, unmodelled_allowed);
	printf("%zu passed, %zu failed\n", ran - failed, failed);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(cases);
	return failed ? 1 : 0;
}
