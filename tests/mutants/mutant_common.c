/*
 * mutant_common.c: see mutant_common.h.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700

#include "mutant_common.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- frame ---------------------------------------------------------------- */

const char *mq_qemu_img(void)
{
	const char *q = getenv("DDP_MUTANT_QEMU_IMG");
	return q && *q ? q : "qemu-img";
}

void mq_start_for(int argc, char **argv, const char *name, const char *command)
{
	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
		printf("mutant %s (wrapping qemu-img)\n", name);
		mq_exit(0);
	}
	if (argc < 2 || strcmp(argv[1], command) != 0)
		mq_exec_qemu(argv + 1);
}

void mq_start(int argc, char **argv, const char *name)
{
	mq_start_for(argc, argv, name, "dd");
}

static char **qemu_argv(char *const *args)
{
	size_t n = 0;
	char **v;

	while (args[n])
		n++;
	v = calloc(n + 2, sizeof(*v));
	if (!v)
		abort();
	v[0] = (char *)mq_qemu_img();
	for (size_t i = 0; i < n; i++)
		v[i + 1] = args[i];
	return v;
}

void mq_exec_qemu(char *const *args)
{
	char **v = qemu_argv(args);

	fflush(NULL);
	execvp(v[0], v);
	fprintf(stderr, "mutant: cannot run %s: %s\n", v[0], strerror(errno));
	_exit(127);
}

void mq_exit(int rc)
{
	fflush(NULL);
	exit(rc);
}

void mq_write_stderr(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(2, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += w;
		len -= (size_t)w;
	}
}

static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap + 1);

	if (!b)
		abort();
	for (;;) {
		ssize_t r;
		if (n == cap) {
			cap *= 2;
			b = realloc(b, cap + 1);
			if (!b)
				abort();
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	if (len)
		*len = n;
	return 0;
}

int mq_run_qemu(char *const *args, int mode, char **buf, size_t *len)
{
	char **v = qemu_argv(args);
	posix_spawn_file_actions_t fa;
	int pfd[2] = {-1, -1};
	pid_t pid;
	int status, rc;

	if (buf)
		*buf = NULL;
	if (len)
		*len = 0;
	posix_spawn_file_actions_init(&fa);
	if (mode == MQ_CAPTURE_ERR || mode == MQ_CAPTURE_OUT || mode == MQ_CAPTURE_STDOUT) {
		if (pipe(pfd) != 0) {
			free(v);
			return -1;
		}
		fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
		fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
		posix_spawn_file_actions_adddup2(&fa, pfd[1], mode == MQ_CAPTURE_ERR ? 2 : 1);
	}
	if (mode == MQ_QUIET || mode == MQ_CAPTURE_OUT) {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
		if (mode == MQ_QUIET)
			posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	}
	fflush(NULL);
	rc = posix_spawnp(&pid, v[0], &fa, NULL, v, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(v);
	if (pfd[1] >= 0)
		close(pfd[1]);
	if (rc != 0) {
		if (pfd[0] >= 0)
			close(pfd[0]);
		if (mode == MQ_INHERIT || mode == MQ_CAPTURE_ERR)
			fprintf(stderr, "mutant: cannot run %s: %s\n", mq_qemu_img(), strerror(rc));
		return -1;
	}
	if (pfd[0] >= 0) {
		read_all(pfd[0], buf, len);
		close(pfd[0]);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/* ---- numbers ----------------------------------------------------------------- */

static int64_t suffix_mul(char c)
{
	switch (toupper((unsigned char)c)) {
	case 'B': return 1;
	case 'K': return INT64_C(1) << 10;
	case 'M': return INT64_C(1) << 20;
	case 'G': return INT64_C(1) << 30;
	case 'T': return INT64_C(1) << 40;
	case 'P': return INT64_C(1) << 50;
	case 'E': return INT64_C(1) << 60;
	}
	return -1;
}

static void mulu64(uint64_t *plow, uint64_t *phigh, uint64_t a, uint64_t b)
{
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);

	*plow = (p00 & 0xffffffffu) | (mid << 32);
	*phigh = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

int mq_strtosz(const char *s, uint64_t *out)
{
	char *ep;
	unsigned long long v;
	uint64_t val, valf = 0;
	int hex = 0;
	int64_t mul;

	errno = 0;
	v = strtoull(s, &ep, 10);
	if (ep == s)
		return MQ_NUM_INVALID;
	if (errno == ERANGE)
		return MQ_NUM_RANGE;
	if (memchr(s, '-', (size_t)(ep - s)))
		return MQ_NUM_INVALID;
	if (v == 0 && (*ep == 'x' || *ep == 'X')) {
		errno = 0;
		v = strtoull(s, &ep, 16);
		if (ep == s)
			return MQ_NUM_INVALID;
		if (errno == ERANGE)
			return MQ_NUM_RANGE;
		if (*ep == '.')
			return MQ_NUM_INVALID;
		hex = 1;
	} else if (*ep == '.') {
		char *f = ep, *e2;
		double d;

		errno = 0;
		d = strtod(f, &e2);
		if (e2 == f) {
			ep = f + 1;  /* "1." and "1.k": no fraction digits */
		} else {
			if (errno != 0 || !isfinite(d) || d >= 1.0 || d < 0.0)
				return MQ_NUM_UNKNOWN; /* 7.2's undefined corners */
			if (memchr(f, 'e', (size_t)(e2 - f)) || memchr(f, 'E', (size_t)(e2 - f)))
				return MQ_NUM_INVALID;
			valf = (uint64_t)(d * 18446744073709551616.0);
			ep = e2;
		}
	}
	(void)hex;
	val = v;
	mul = suffix_mul(*ep);
	if (mul > 0)
		ep++;
	else
		mul = 1;
	if (mul == 1) {
		if (valf != 0)
			return MQ_NUM_INVALID;
	} else {
		uint64_t valh, tmp;

		mulu64(&val, &valh, val, (uint64_t)mul);
		mulu64(&valf, &tmp, valf, (uint64_t)mul);
		val += tmp;
		valh += val < tmp;
		tmp = valf >> 63;
		val += tmp;
		valh += val < tmp;
		if (valh != 0)
			return MQ_NUM_RANGE;
	}
	if (*ep)
		return MQ_NUM_INVALID;
	*out = val;
	return MQ_NUM_OK;
}

int mq_cvtnum(const char *s, int64_t min, int64_t max, int64_t *out)
{
	uint64_t v;
	int r = mq_strtosz(s, &v);

	if (r != MQ_NUM_OK)
		return r;
	if (v > (uint64_t)MQ_INT64_MAX || (int64_t)v < min || (int64_t)v > max)
		return MQ_NUM_RANGE;
	*out = (int64_t)v;
	return MQ_NUM_OK;
}

int mq_is_plain_decimal(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* ---- dd's arguments ------------------------------------------------------------ */

static const char *const op_names[MQ_OP_N] = {"bs", "count", "skip", "if", "of"};

static const char *const long_names[] = {"help", "object", "image-opts", "force-share"};

/* getopt_long's match: exact, else a unique prefix; -1 none, -2 ambiguous. */
static int match_long(const char *name, size_t len)
{
	int found = -1;

	for (int i = 0; i < 4; i++)
		if (strlen(long_names[i]) == len && !strncmp(long_names[i], name, len))
			return i;
	for (int i = 0; i < 4; i++) {
		if (!strncmp(long_names[i], name, len)) {
			if (found >= 0)
				return -2;
			found = i;
		}
	}
	return found;
}

void mq_parse_dd(mq_dd *dd, int argc, char **args)
{
	int *operands = calloc((size_t)argc + 1, sizeof(int));
	int nops = 0, dashdash = 0;

	if (!operands)
		abort();
	memset(dd, 0, sizeof(*dd));
	dd->argc = argc;
	dd->args = args;
	dd->options_ok = 1;
	dd->operands_ok = 1;
	dd->numbers_ok = 1;
	dd->bs = 512;
	for (int k = 0; k < MQ_OP_N; k++)
		dd->op_index[k] = -1;
	if (getenv("POSIXLY_CORRECT"))
		dd->options_ok = 0; /* getopt would stop at the first operand */

	/* Options, as getopt_long(":hf:O:U") with glibc's permutation. */
	for (int i = 1; i < argc; i++) {
		const char *t = args[i];

		if (dashdash || t[0] != '-' || t[1] == '\0') {
			operands[nops++] = i;
			continue;
		}
		if (!strcmp(t, "--")) {
			dashdash = 1;
			continue;
		}
		if (t[1] == '-') {
			const char *name = t + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int m = match_long(name, len);

			if (m < 0) {
				dd->options_ok = 0;
				break;
			}
			if (m == 1) { /* --object ARG */
				if (!eq) {
					if (i + 1 >= argc) {
						dd->options_ok = 0;
						break;
					}
					i++;
				}
				dd->object = 1;
			} else if (eq) {
				dd->options_ok = 0; /* an argument to a flag */
				break;
			} else if (m == 0) {
				dd->help = 1;
			} else if (m == 2) {
				dd->image_opts = 1;
			} else {
				dd->force_share = 1;
			}
			continue;
		}
		for (int j = 1; t[j]; j++) {
			char c = t[j];
			if (c == 'U') {
				dd->force_share = 1;
			} else if (c == 'h') {
				dd->help = 1;
			} else if (c == 'f' || c == 'O') {
				const char *a;
				if (t[j + 1]) {
					a = t + j + 1;
				} else if (i + 1 < argc) {
					a = args[++i];
				} else {
					dd->options_ok = 0;
					break;
				}
				if (c == 'f')
					dd->fmt = a;
				else
					dd->ofmt = a;
				break;
			} else {
				dd->options_ok = 0;
				break;
			}
		}
		if (!dd->options_ok)
			break;
	}

	/* Operands, left to right, stopping at the first bad one. */
	for (int n = 0; n < nops && dd->options_ok; n++) {
		int i = operands[n], k;
		const char *t = args[i], *eq = strchr(t, '=');

		if (!eq) {
			dd->operands_ok = 0;
			break;
		}
		for (k = 0; k < MQ_OP_N; k++)
			if (strlen(op_names[k]) == (size_t)(eq - t) && !strncmp(op_names[k], t, (size_t)(eq - t)))
				break;
		if (k == MQ_OP_N) {
			dd->operands_ok = 0;
			break;
		}
		if (k <= MQ_OP_SKIP) {
			int64_t v;
			int r = k == MQ_OP_BS ? mq_cvtnum(eq + 1, 1, 2147483647, &v)
			                      : mq_cvtnum(eq + 1, 0, MQ_INT64_MAX, &v);
			if (r != MQ_NUM_OK) {
				dd->numbers_ok = 0;
				if (r == MQ_NUM_UNKNOWN)
					dd->numbers_unknown = 1;
				break;
			}
			if (k == MQ_OP_BS)
				dd->bs = v;
			else if (k == MQ_OP_COUNT) {
				dd->count = v;
				dd->has_count = 1;
			} else {
				dd->skip = v;
				dd->has_skip = 1;
			}
		}
		dd->op_index[k] = i;
		dd->op_value[k] = eq + 1;
	}
	dd->operands = operands;
	dd->noperands = nops;
}

int mq_dd_clean(const mq_dd *dd)
{
	return dd->options_ok && dd->operands_ok && dd->numbers_ok && !dd->help &&
	       !dd->object && !dd->image_opts && dd->op_index[MQ_OP_IF] >= 0 &&
	       dd->op_index[MQ_OP_OF] >= 0;
}

int mq_dd_ofmt_is(const mq_dd *dd, const char *fmt)
{
	if (!dd->ofmt)
		return !strcmp(fmt, "raw");
	return !strcmp(dd->ofmt, fmt);
}

char **mq_dd_edit_start(mq_dd *dd, int argc, char **argv, const char *name)
{
	mq_start(argc, argv, name);
	mq_parse_dd(dd, argc - 1, argv + 1);
	if (!dd->options_ok)
		mq_exec_qemu(argv + 1);
	return mq_args_copy(dd);
}

void mq_exec_keys_read_as(int argc, char **argv, const char *name,
                          const char *(*keyfix)(const char *key, size_t len))
{
	mq_dd dd;
	char **args = mq_dd_edit_start(&dd, argc, argv, name);

	for (int n = 0; n < dd.noperands; n++) {
		int i = dd.operands[n];
		const char *eq = strchr(args[i], '='), *key;
		char *t;

		if (!eq || !(key = keyfix(args[i], (size_t)(eq - args[i]))))
			continue;
		if (!(t = malloc(strlen(key) + strlen(eq) + 1)))
			abort();
		strcpy(t, key);
		strcat(t, eq);
		args[i] = t;
	}
	mq_exec_qemu(args);
}

void mq_exec_dropping(int argc, char **argv, const char *name, int (*drop)(const char *arg))
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int n = 0;

	mq_start(argc, argv, name);
	if (!args)
		mq_exec_qemu(argv + 1);
	for (int i = 1; i < argc; i++)
		if (!drop(argv[i]))
			args[n++] = argv[i];
	args[n] = NULL;
	mq_exec_qemu(args);
}

char **mq_args_copy(const mq_dd *dd)
{
	char **v = calloc((size_t)dd->argc + 1, sizeof(*v));

	if (!v)
		abort();
	for (int i = 0; i < dd->argc; i++)
		v[i] = dd->args[i];
	return v;
}

void mq_args_set_operand(char **args, int i, const char *value)
{
	const char *eq = strchr(args[i], '=');
	size_t klen = eq ? (size_t)(eq - args[i]) : strlen(args[i]);
	char *t = malloc(klen + strlen(value) + 2);

	if (!t)
		abort();
	memcpy(t, args[i], klen);
	t[klen] = '=';
	strcpy(t + klen + 1, value);
	args[i] = t;
}

void mq_window(const mq_dd *dd, int64_t input_len, int *past, int64_t *out_len)
{
	int64_t size = input_len, skip = dd->has_skip ? dd->skip : 0;

	if (dd->has_count && dd->count <= MQ_INT64_MAX / dd->bs && dd->count * dd->bs < size)
		size = dd->count * dd->bs;
	*past = dd->has_skip && (skip > MQ_INT64_MAX / dd->bs || size < skip * dd->bs);
	*out_len = *past ? 0 : size - skip * dd->bs;
}

/* ---- files and images -------------------------------------------------------------- */

int mq_has_protocol(const char *path)
{
	const char *p = path + strcspn(path, ":/");
	return *p == ':';
}

int mq_plain_path(const char *path)
{
	return path && *path && !mq_has_protocol(path);
}

int64_t mq_file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	return (int64_t)st.st_size;
}

int mq_read_at(const char *path, int64_t off, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = pread(fd, buf, n, (off_t)off);
	close(fd);
	return r == (ssize_t)n ? 0 : -1;
}

int mq_write_at(const char *path, int64_t off, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY);
	ssize_t w;

	if (fd < 0)
		return -1;
	w = pwrite(fd, buf, n, (off_t)off);
	if (close(fd) != 0)
		return -1;
	return w == (ssize_t)n ? 0 : -1;
}

char *mq_info_json(const char *path, const char *fmt)
{
	char *args[8];
	int n = 0, rc;
	char *out;

	args[n++] = "info";
	args[n++] = "--output=json";
	args[n++] = "-U";
	if (fmt) {
		args[n++] = "-f";
		args[n++] = (char *)fmt;
	}
	args[n++] = "--";
	args[n++] = (char *)path;
	args[n] = NULL;
	rc = mq_run_qemu(args, MQ_CAPTURE_OUT, &out, NULL);
	if (rc != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static const char *json_find(const char *json, const char *key)
{
	size_t klen = strlen(key);
	const char *p = json;

	while ((p = strchr(p, '"')) != NULL) {
		if (!strncmp(p + 1, key, klen) && p[1 + klen] == '"') {
			p += klen + 2;
			while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
				p++;
			if (*p != ':')
				continue;
			p++;
			while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
				p++;
			return p;
		}
		p++;
	}
	return NULL;
}

int mq_json_int(const char *json, const char *key, int64_t *out)
{
	const char *p = json ? json_find(json, key) : NULL;
	char *e;
	long long v;

	if (!p)
		return -1;
	errno = 0;
	v = strtoll(p, &e, 10);
	if (e == p || errno)
		return -1;
	*out = v;
	return 0;
}

int mq_json_str(const char *json, const char *key, char *buf, size_t size)
{
	const char *p = json ? json_find(json, key) : NULL;
	const char *e;

	if (!p || *p != '"')
		return -1;
	p++;
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= size)
		return -1;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return 0;
}

int mq_sibling_temp(const char *path, char *buf, size_t size)
{
	int fd;

	if ((size_t)snprintf(buf, size, "%s.mutant.XXXXXX", path) >= size)
		return -1;
	fd = mkstemp(buf);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int mq_replace(const char *tmp, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		chmod(tmp, st.st_mode & 07777);
	return rename(tmp, path);
}

char *mq_opts_escape(const char *s)
{
	char *d = malloc(strlen(s) * 2 + 1), *p;

	if (!d)
		abort();
	for (p = d; *s; s++) {
		*p++ = *s;
		if (*s == ',')
			*p++ = ',';
	}
	*p = '\0';
	return d;
}

/* ---- VHD ---------------------------------------------------------------------------- */

mq_chs mq_vhd_geometry(int64_t n)
{
	mq_chs g;
	uint32_t cth;

	if (n > MQ_VHD_MAX_GEOMETRY)
		n = MQ_VHD_MAX_GEOMETRY;
	if (n >= INT64_C(65535) * 16 * 63) {
		g.secs = 255;
		g.heads = 16;
		cth = (uint32_t)(n / g.secs);
	} else {
		g.secs = 17;
		cth = (uint32_t)(n / g.secs);
		g.heads = (cth + 1023) / 1024;
		if (g.heads < 4)
			g.heads = 4;
		if (cth >= g.heads * 1024 || g.heads > 16) {
			g.secs = 31;
			g.heads = 16;
			cth = (uint32_t)(n / g.secs);
		}
		if (cth >= g.heads * 1024) {
			g.secs = 63;
			g.heads = 16;
			cth = (uint32_t)(n / g.secs);
		}
	}
	g.cyls = (uint16_t)(cth / g.heads); /* a 16-bit field in qemu */
	return g;
}

int64_t mq_vhd_size(int64_t bytes, mq_chs *stop)
{
	int64_t ts = (bytes + 511) / 512, req = ts;
	mq_chs g = {0, 0, 0};
	int64_t prod = 0;

	if (ts > MQ_VHD_MAX_GEOMETRY)
		ts = MQ_VHD_MAX_GEOMETRY;
	for (int64_t i = 0; ts > prod; i++) {
		g = mq_vhd_geometry(ts + i);
		prod = (int64_t)g.cyls * g.heads * g.secs;
	}
	if (stop)
		*stop = g;
	if (prod == MQ_VHD_MAX_GEOMETRY)
		return req * 512;
	return prod * 512;
}

uint32_t mq_vhd_checksum(const unsigned char footer[512])
{
	uint32_t sum = 0;

	for (int i = 0; i < 512; i++)
		if (i < 64 || i >= 68)
			sum += footer[i];
	return ~sum;
}

uint64_t mq_be64(const unsigned char *p)
{
	return ((uint64_t)mq_be32(p) << 32) | mq_be32(p + 4);
}

uint32_t mq_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

uint16_t mq_be16(const unsigned char *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

void mq_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

void mq_put_be16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

const char *mq_run_dd_for_format(mq_dd *dd, int argc, char **argv, const char *name,
                                 const char *fmt)
{
	int rc;

	mq_start(argc, argv, name);
	mq_parse_dd(dd, argc - 1, argv + 1);
	if (!mq_dd_clean(dd) || !dd->ofmt || strcmp(dd->ofmt, fmt) != 0 ||
	    !mq_plain_path(dd->op_value[MQ_OP_OF]))
		mq_exec_qemu(argv + 1);
	rc = mq_run_qemu(argv + 1, MQ_INHERIT, NULL, NULL);
	if (rc != 0)
		mq_exit(rc < 0 ? 1 : rc);
	return dd->op_value[MQ_OP_OF];
}
