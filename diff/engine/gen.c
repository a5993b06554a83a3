/*
 * gen.c: dd cases that reach the edges.  Numbers are chosen by what they
 * mean for the fixture (the window's exact boundaries, overflow, VHD's CHS
 * breakpoints) and then written the way users and qemu's parser see them
 * (suffixes in both cases, fractions, hex, '+', spaces); operands are
 * shuffled, duplicated and sometimes wrong; options move around them.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_BLOCKS 2048

static const char *const out_formats[] = {
	"raw", "qcow2", "vmdk", "vpc", "vhdx", "qcow", "qed", "vdi", "parallels",
};
static const char *const odd_formats[] = {
	"file", "luks", "bochs", "dmg", "null-co", "foo", "RAW", "",
};

/*
 * Sector counts where VHD's CHS search changes its mind.  Just above
 * 17 * 1023 * h sectors (h = 4 to 7: 69565, 86956, 104347, 121738) the
 * search stops on a geometry with more heads than calculate_geometry() of
 * its own product gives: a reader that recomputes the geometry from the
 * size gets another disk (up to 51 sectors above each; 391 sector counts
 * of the first 163840).
 */
static const int64_t chs_sectors[] = {
	1, 67, 68, 69, 135, 136, 137, 2048, 2108, 4095, 4096, 4097, 17 * 4096,
	69632, 69633, 69631, 104349, 104348, 71400, 69700, 87040, 87041, 104448,
	17 * 1024 * 5, 17 * 1024 * 5 + 17, 17 * 1024 * 6, 17 * 1024 * 7 + 17,
	17 * 1023 * 4 + 1, 17 * 1023 * 4 + 51, 17 * 1023 * 5 + 1, 17 * 1023 * 5 + 30,
	17 * 1023 * 6 + 1, 17 * 1023 * 7 + 1, 17 * 1023 * 7 + 100,
};

static const char *const junk_numbers[] = {
	"-1", "-0", "1.5", "1kb", "", "x", "99999999999999999999", "1e3", ".5k",
	"0x", "1.9999999999999999999999k", "-1k", "1 k", "512 ", "1.5e3k", "k",
	"0x10kk", "18446744073709551616k", "1.", "1.k", "0x.5", "16E", "8E",
	"1.0005k", "0.0004k", "1.3k", "0x1b", "0X1E", "+0x10", "inf",
};

/*
 * Operands an attacker or a careless script would write: shell syntax
 * (never interpreted: tools run by argv), spaces, control bytes, bytes
 * that are not UTF-8, paths that try to leave the case's directory or
 * reach the network (the engine refuses those before running anything).
 */
static const char *const hostile[] = {
	"bs=$(touch pwned)", "of=out.img;touch pwned", "if=in.raw|cat", "bs=`id`",
	"of='out.img'", "of=\"out.img\"", "of=out img", "bs=5\n12", "bs=\t512",
	"count=1 2", "of=./out.img", "of=sub/../out.img", "of=../out.img",
	"if=../in.raw", "of=/tmp/ddp-escape.img", "of=nbd:localhost:10809",
	"of=x:y", "bs=\xff\xfe", "of=out\xe9.img", "of=\x01\x02", "if=in.raw\r",
	"--object=secret,id=s0,data=x", "of=in.raw", "of=.", "of=sub/out.img",
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/*
 * v in KiB with four decimals, a hair below v: qemu rounds half up to v,
 * a reimplementation that truncates gets v-1.
 */
static char *render_fraction(ddp_source *src, int64_t v)
{
	int64_t frac = (v % 1024) * 10000 / 1024;
	return fmt("%" PRId64 ".%04" PRId64 "%c", v / 1024, frac,
	           ddp_source_chance(src, 50) ? 'k' : 'K');
}

/* v written as a user might: decimal, suffixed, hex, signed, a fraction. */
static char *render_number(ddp_source *src, int64_t v)
{
	static const char suffixes[] = "kmgtpe";
	unsigned style = (unsigned)ddp_source_below(src, 20);
	int k = 0;

	while (k < 6 && v != 0 && v % (1LL << (10 * (k + 1))) == 0)
		k++;
	switch (style) {
	case 0: case 1: case 2: case 3:
		if (k) { /* the largest suffix that divides it, either case */
			char c = suffixes[k - 1];
			return fmt("%" PRId64 "%c", v >> (10 * k),
			           ddp_source_chance(src, 50) ? c - 32 : c);
		}
		break;
	case 4:
		return fmt("0x%" PRIx64, (uint64_t)v);
	case 5:
		return fmt("0X%" PRIX64, (uint64_t)v);
	case 6: case 14:
		/* hex with a suffix: deprecated in 7.2, an error from 8.0 */
		if (k)
			return fmt("0x%" PRIx64 "%c", (uint64_t)(v >> (10 * k)), suffixes[k - 1]);
		if (v >= 1024) /* the nearest KiB above */
			return fmt("0x%" PRIx64 "%c", ((uint64_t)v + 1023) / 1024,
			           ddp_source_chance(src, 50) ? 'k' : 'K');
		break;
	case 7:
		return fmt("+%" PRId64, v);
	case 8:
		return fmt(" %" PRId64, v);
	case 9: case 12: case 13:
		if (v % 1024)
			return render_fraction(src, v);
		break;
	case 10:
		if (v > 0 && v % 512 == 0) /* half a KiB */
			return fmt("%" PRId64 ".5K", v / 1024);
		break;
	case 11:
		return fmt("%" PRId64 "b", v);
	}
	return fmt("%" PRId64, v);
}

/* A block size: small and round, near the fixture, or an edge of the range. */
static int64_t pick_bs(ddp_source *src, int64_t size)
{
	static const int64_t round[] = {1, 2, 3, 7, 100, 511, 512, 513, 1000, 1024,
	                                4096, 65536, 1 << 20, 3000};
	switch (ddp_source_below(src, 8)) {
	case 0: case 1: case 2:
		return round[ddp_source_below(src, ARRAY_SIZE(round))];
	case 3:
		return size > 0 ? size : 512;
	case 4:
		return size > 1 ? size + (int64_t)ddp_source_below(src, 3) - 1 : 1;
	case 5:
		return size > 2 ? size / (int64_t)(2 + ddp_source_below(src, 7)) : 512;
	case 6:
		return ddp_source_chance(src, 50) ? 2147483647 : 2147483648;
	default:
		return 1 + (int64_t)ddp_source_below(src, (uint64_t)(size > 0 ? 2 * size : 4096));
	}
}

/* count or skip: around size/bs, small, or overflowing. */
static int64_t pick_blocks(ddp_source *src, int64_t size, int64_t bs)
{
	int64_t n = bs > 0 ? (size + 511) / 512 * 512 / bs : 0;

	switch (ddp_source_below(src, 9)) {
	case 0:
		return 0;
	case 1:
		return 1 + (int64_t)ddp_source_below(src, 4);
	case 2: case 3:
		return n; /* exactly the end: count*bs == size, skip*bs == size */
	case 4:
		return n + 1;
	case 5:
		return n > 0 ? n - 1 : 0;
	case 6:
		/* The last count*bs that fits, or the first that overflows. */
		return bs > 1 ? INT64_MAX / bs + (int64_t)ddp_source_below(src, 2) : INT64_MAX;
	case 7:
		return ddp_source_chance(src, 50) ? INT64_MAX : 4294967296LL;
	default:
		return (int64_t)ddp_source_below(src, (uint64_t)(n * 2 + 2));
	}
}

/* key=value, the value rendered, or now and then a junk number. */
static char *number_operand(ddp_source *src, const char *key, int64_t v)
{
	char *t = ddp_source_chance(src, 4)
	          ? xstrdup(junk_numbers[ddp_source_below(src, ARRAY_SIZE(junk_numbers))])
	          : render_number(src, v);
	char *op = fmt("%s=%s", key, t);
	free(t);
	return op;
}

static void push(ddp_case *c, char *arg)
{
	if (c->argc < DDP_CASE_MAX_ARGS)
		c->argv[c->argc++] = arg;
	else
		free(arg);
}

/* A case being made: its operands and its options, placed among them at the end. */
typedef struct draft {
	char *ops[16];
	char *opts[8];
	int nops, nopts;
} draft;

/* The output format (-O, right, odd or none) and now and then -f, -U, -x; the format chosen. */
static const char *pick_options(draft *d, ddp_source *src, const ddp_fixture *f)
{
	const char *ofmt = NULL;

	if (ddp_source_chance(src, 75))
		ofmt = out_formats[ddp_source_below(src, ARRAY_SIZE(out_formats))];
	else if (ddp_source_chance(src, 20))
		ofmt = odd_formats[ddp_source_below(src, ARRAY_SIZE(odd_formats))];
	if (ofmt) {
		if (ddp_source_chance(src, 15))
			d->opts[d->nopts++] = fmt("-O%s", ofmt);
		else {
			d->opts[d->nopts++] = xstrdup("-O");
			d->opts[d->nopts++] = xstrdup(ofmt);
		}
	}
	if (ddp_source_chance(src, 8)) { /* -f: usually right, sometimes not */
		d->opts[d->nopts++] = xstrdup("-f");
		d->opts[d->nopts++] = xstrdup(ddp_source_chance(src, 70) ? f->format
		                              : out_formats[ddp_source_below(src, ARRAY_SIZE(out_formats))]);
	}
	if (ddp_source_chance(src, 5))
		d->opts[d->nopts++] = xstrdup("-U");
	if (ddp_source_chance(src, 2))
		d->opts[d->nopts++] = xstrdup(ddp_source_chance(src, 50) ? "-x" : "--image-opts");
	return ofmt;
}

/*
 * A window of one block at a VHD breakpoint: bs a listed CHS sector count
 * (or any up to the fixture's), count=1.  Mostly on the largest raw
 * fixture, which *f (and c's fixture) then becomes; else up to size.
 */
static void vhd_window(draft *d, ddp_case *c, ddp_source *src, const ddp_fixtures *fx,
                       const ddp_fixture **f, int64_t size)
{
	int64_t want, bs;
	char *t;

	if (ddp_source_chance(src, 80)) {
		for (size_t i = 0; i < fx->count; i++)
			if (fx->items[i].virtual_size > (*f)->virtual_size &&
			    !strcmp(fx->items[i].format, "raw"))
				*f = &fx->items[i];
		snprintf(c->fixture, sizeof(c->fixture), "%s", (*f)->name);
		size = (*f)->virtual_size;
	}
	want = ddp_source_chance(src, 50)
	       ? chs_sectors[ddp_source_below(src, ARRAY_SIZE(chs_sectors))] * 512
	       : (1 + (int64_t)ddp_source_below(src, (uint64_t)(size / 512 + 1))) * 512;
	want -= (int64_t)ddp_source_below(src, 2) * 511;
	if (want > size)
		want = size;
	bs = want > 0 ? want : 512;
	t = render_number(src, bs);
	d->ops[d->nops++] = fmt("bs=%s", t);
	free(t);
	d->ops[d->nops++] = xstrdup("count=1");
}

/*
 * bs, count and skip chosen for what they mean to an input of size bytes
 * (exact ends, overflow, a window inside the input), bs raised when the
 * window would take more than MAX_BLOCKS blocks.
 */
static void number_window(draft *d, ddp_source *src, int64_t size)
{
	int has_count = ddp_source_chance(src, 60), has_skip = ddp_source_chance(src, 40);
	int64_t count = 0, skip = 0, bs = 512;
	int has_bs, bs_fraction = 0;
	ddp_window w;

	has_bs = ddp_source_chance(src, 70);
	if (has_bs)
		bs = pick_bs(src, size);
	if (has_count)
		count = pick_blocks(src, size, bs);
	if (has_skip)
		skip = pick_blocks(src, size, bs);
	if (ddp_source_chance(src, 20)) {
		/*
		 * A window inside the input: skip blocks in, ending at block
		 * count (qemu's count is the absolute end, not a length).
		 */
		int64_t n = bs > 0 ? (size + 511) / 512 * 512 / bs : 0;
		if (n > 2) {
			has_count = has_skip = 1;
			skip = 1 + (int64_t)ddp_source_below(src, (uint64_t)(n / 2));
			count = skip + 1 + (int64_t)ddp_source_below(src, (uint64_t)(n / 2));
			/* Where rounding of a fraction moves the window's ends. */
			bs_fraction = has_bs && ddp_source_chance(src, 30);
		}
	}
	/*
	 * qemu copies block by block (~0.2 ms each): keep a case under
	 * MAX_BLOCKS blocks by raising bs, so every case stays fast.
	 */
	if (ddp_window_compute(&w, size, bs, has_count, count, has_skip, skip, NULL) == DDP_OK &&
	    w.out_size / bs > MAX_BLOCKS) {
		int64_t scale = w.out_size / MAX_BLOCKS / bs + 1;
		has_bs = 1;
		bs = bs * scale > 2147483647 ? 2147483647 : bs * scale;
		if (has_count)
			count = count / scale + 1;
		if (has_skip)
			skip = skip / scale;
	}
	if (has_bs && bs_fraction && bs % 1024) {
		char *t = render_fraction(src, bs);
		d->ops[d->nops++] = fmt("bs=%s", t);
		free(t);
	} else if (has_bs) {
		d->ops[d->nops++] = number_operand(src, "bs", bs);
	}
	if (has_count)
		d->ops[d->nops++] = number_operand(src, "count", count);
	if (has_skip)
		d->ops[d->nops++] = number_operand(src, "skip", skip);
}

/*
 * The rest of the operands: now and then a duplicate with another value,
 * if= and of= (almost always), an operand qemu does not know, a hostile one.
 */
static void other_operands(draft *d, ddp_source *src, const ddp_fixture *f)
{
	if (d->nops && ddp_source_chance(src, 6)) {
		/*
		 * A duplicate of an operand with another value: the last one wins.
		 * bs only grows, so a duplicate never makes a case slow.
		 */
		int key = (int)(strchr(d->ops[0], '=') - d->ops[0]);
		int is_bs = key == 2 && !strncmp(d->ops[0], "bs", 2);
		d->ops[d->nops++] = fmt("%.*s=%s", key, d->ops[0],
		                        is_bs ? "1M" : ddp_source_chance(src, 50) ? "1" : "0");
	}
	if (ddp_source_chance(src, 98))
		d->ops[d->nops++] = fmt("if=%s", f->file);
	if (ddp_source_chance(src, 98))
		d->ops[d->nops++] = xstrdup("of=out.img");
	if (ddp_source_chance(src, 3))
		d->ops[d->nops++] = xstrdup(ddp_source_chance(src, 50) ? "seek=1" : "of");

	if (ddp_source_chance(src, 3)) {
		unsigned k = (unsigned)ddp_source_below(src, ARRAY_SIZE(hostile) + 1);
		if (k < ARRAY_SIZE(hostile)) {
			d->ops[d->nops++] = xstrdup(hostile[k]);
		} else { /* a 64 KiB token */
			char *t = malloc(65536 + 4);
			memcpy(t, ddp_source_chance(src, 50) ? "bs=" : "of=", 3);
			memset(t + 3, ddp_source_chance(src, 50) ? '9' : 'a', 65536);
			t[65539] = '\0';
			d->ops[d->nops++] = t;
		}
	}
}

/* The operands shuffled into c, the options before, after or between them; "--" sometimes. */
static void place(ddp_case *c, draft *d, ddp_source *src)
{
	/* Their order matters only for duplicates. */
	for (int i = d->nops - 1; i > 0; i--) {
		int j = (int)ddp_source_below(src, (uint64_t)i + 1);
		char *t = d->ops[i];
		d->ops[i] = d->ops[j];
		d->ops[j] = t;
	}
	int at = (int)ddp_source_below(src, (uint64_t)d->nops + 1);
	int dashdash = at == 0 && ddp_source_chance(src, 10);
	for (int i = 0; i <= d->nops; i++) {
		if (i == at) {
			for (int j = 0; j < d->nopts; j++)
				push(c, d->opts[j]);
			if (dashdash)
				push(c, xstrdup("--"));
		}
		if (i < d->nops)
			push(c, d->ops[i]);
	}
}

void ddp_case_generate(ddp_case *c, ddp_source *src, const ddp_fixtures *fx)
{
	const ddp_fixture *f = &fx->items[ddp_source_below(src, fx->count)];
	/*
	 * The numbers are chosen around the first fixture drawn, even when it
	 * is the big one drawn again below: so seeds give the cases they gave.
	 */
	int64_t size = f->virtual_size;
	const char *ofmt;
	draft d = {.nops = 0};

	/* The big fixture is only for VHD's breakpoints, chosen below. */
	while (f->edge_only)
		f = &fx->items[ddp_source_below(src, fx->count)];
	memset(c, 0, sizeof(*c));
	snprintf(c->fixture, sizeof(c->fixture), "%s", f->name);
	ofmt = pick_options(&d, src, f);
	/* The window: a VHD breakpoint, or numbers around the fixture. */
	if (ofmt && !strcmp(ofmt, "vpc") && ddp_source_chance(src, 60))
		vhd_window(&d, c, src, fx, &f, size);
	else
		number_window(&d, src, size);
	other_operands(&d, src, f);
	place(c, &d, src);
}

void ddp_case_of_input(ddp_case *c, const uint8_t *data, size_t size, const ddp_fixtures *fx)
{
	ddp_source src;
	ddp_error err;

	if (size && data[0] == '{' && !ddp_case_parse(c, (const char *)data, size, "input", &err)) {
		if (ddp_fixtures_find(fx, c->fixture))
			return;
		ddp_case_free(c);
	}
	ddp_source_bytes(&src, data, size);
	ddp_case_generate(c, &src, fx);
}

void ddp_dd_generate(ddp_case *c, ddp_source *src, const ddp_config *cfg)
{
	ddp_case_generate(c, src, cfg->fixtures);
}
