/*
 * maprules.c: the rules of `qemu-img map` a map case goes through, as the
 * group key's rules (the dd cases get theirs from the model).
 *
 * map's output is decided by its options (output type; the window
 * [start, min(start + max-length, size)) and how it meets the image) and
 * by the format's extent logic over the window (clusters, zero and
 * compressed clusters, unmapped, discarded and shrunk ranges, a backing
 * chain, host offsets out of guest order, an existing image's own file).
 * A raw image's holes are the protocol layer every format ends in, so a
 * raw fixture adds no rule of its own: a finding on any format can shrink
 * onto a raw fixture when the format's logic is not what it is about.
 * Everything here is computed from the manifest and the arguments alone
 * (no I/O), so the minimiser can tell a step's rules before running it.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map/map.h"

static const struct {
	const char *id, *text;
} rules[] = {
	{"output-human", "human output (the default): one hex row per extent with data and a host "
	                 "offset; data without one (compressed clusters, vhdx) is an error, exit 1"},
	{"output-json", "--output=json: every extent with depth, present, zero, data (compressed "
	                "from 10.0) and its host offset when known"},
	{"output-unknown", "--output names neither human nor json: an error, exit 1 (the text "
	                   "changed in 10.0)"},
	{"window", "--start-offset or --max-length given: the map covers "
	           "[start, min(start + max-length, size)) instead of the whole image"},
	{"window-number-syntax", "a --start-offset or --max-length value that is not digits with at "
	                         "most one of the suffixes b, k, M, G, T, P, E: qemu_strtosz's hex, "
	                         "fraction and error paths decide it, differently by version"},
	{"window-number-range", "a --start-offset or --max-length value above INT64_MAX: cvtnum's "
	                        "range error, exit 1"},
	{"window-past-end", "--start-offset at or past the image's end: one extent of length 0 at "
	                    "the start offset"},
	{"window-empty", "--max-length 0: one extent of length 0 at the start offset"},
	{"window-end-overflow", "start + max-length above INT64_MAX: qemu's signed sum wraps and "
	                        "the map is empty (one extent of length 0)"},
	{"window-clipped", "start + max-length past the image's end: the window ends at the end"},
	{"window-unaligned", "the window's start, or its end inside the image, is not a multiple "
	                     "of 512: extents are cut at a byte, not at a sector"},
	{"image-end-unaligned", "the window reaches a raw file's length that is not a multiple of "
	                        "512: the last sector's tail past the file maps as zero"},
	{"format-qcow2", "qcow2's L1/L2 tables: data, zero, compressed or unallocated per cluster"},
	{"format-qcow", "qcow (v1)'s L1/L2 tables: allocated or not per cluster"},
	{"format-vmdk", "vmdk's grain directory and tables: allocated or not per grain"},
	{"format-vpc", "vpc's block allocation table and per-block sector bitmaps"},
	{"format-vhdx", "vhdx's block allocation table: payload block states"},
	{"format-qed", "qed's L1/L2 tables: allocated or not per cluster"},
	{"format-vdi", "vdi's block map: allocated or not per block"},
	{"vmdk-stream", "a streamOptimized vmdk: every grain compressed (no host offset)"},
	{"vpc-fixed", "a fixed vpc: the data is one raw extent before the footer"},
	{"vdi-static", "a static vdi: every block preallocated"},
	{"cluster-size", "a cluster or block size other than the format's default"},
	{"zero-clusters", "a zeroed range (qemu-io write -z) in the window: the format's zero flag "
	                  "(raw: a punched hole)"},
	{"compressed-clusters", "a compressed cluster (qemu-io write -c) in the window: data without "
	                        "a host offset"},
	{"unmapped-zero", "a range zeroed with unmap (qemu-io write -z -u) in the window: the format "
	                  "may free its clusters (qcow2: zero with no host offset)"},
	{"discarded", "a discarded range (qemu-io discard) in the window: freed, it reads as zero "
	              "or, in an overlay, as the backing file"},
	{"shrunk", "an image shrunk (qemu-img resize --shrink): its end and the clusters past it "
	           "freed, the file may keep its length"},
	{"image-file", "an existing image named by path and sha256: its extents are what its file "
	               "holds, not computed from the manifest"},
	{"backing", "an overlay's range it did not write, in the window: the backing file's extents "
	            "at depth 1"},
	{"host-order", "data adjacent in the guest but written out of order, in the window: host "
	               "offsets are not contiguous, so qemu does not merge the extents"},
	{"option-other", "an option or operand map's cases do not give (-f, --image-opts, -U, "
	                 "--object, a second file...): not modelled"},
};

const char *ddp_map_rule_text(const char *id)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].id, id))
			return rules[i].text;
	return NULL;
}

/* Rule ids are listed in the table's order, whatever order they are found in. */
typedef struct ruleset {
	unsigned char on[sizeof(rules) / sizeof(rules[0])];
} ruleset;

static void set(ruleset *r, const char *id)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].id, id))
			r->on[i] = 1;
}

/*
 * A value as qemu_strtosz reads plain text: digits, at most one suffix.
 * 0 plain and in range (*v set), 1 not plain, 2 above INT64_MAX.
 */
static int plain_size(const char *s, int64_t *v)
{
	static const char suffixes[] = "bBkKmMgGtTpPeE";
	uint64_t n = 0, mul = 1;
	const char *p = s;
	int shift;

	if (*p < '0' || *p > '9')
		return 1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return 2;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*p) {
		const char *at = strchr(suffixes, *p);
		if (!at || p[1])
			return 1;
		shift = (int)((at - suffixes) / 2) * 10;
		mul = (uint64_t)1 << shift;
		if (n && n > UINT64_MAX / mul)
			return 2;
	}
	n *= mul;
	if (n > (uint64_t)INT64_MAX)
		return 2;
	*v = (int64_t)n;
	return 0;
}

static int overlaps(int64_t a, int64_t alen, int64_t s, int64_t e)
{
	return alen > 0 && a < e && a + alen > s;
}

/* The format's extent logic over [s, e) of fixture f. */
static void extent_rules(ruleset *r, const ddp_map_fixture *f, int64_t s, int64_t e)
{
	int raw = !strcmp(f->format, "raw");
	int prealloc = !!strstr(f->options, "subformat=fixed") || !!strstr(f->options, "static=on");
	int64_t covered = 0;

	if (!raw) {
		char id[32];
		snprintf(id, sizeof(id), "format-%s", f->format);
		set(r, id);
	}
	if (strstr(f->options, "subformat=streamOptimized"))
		set(r, "vmdk-stream");
	if (!strcmp(f->format, "vpc") && strstr(f->options, "subformat=fixed"))
		set(r, "vpc-fixed");
	if (!strcmp(f->format, "vdi") && strstr(f->options, "static=on"))
		set(r, "vdi-static");
	if (strstr(f->options, "cluster_size=") || strstr(f->options, "block_size="))
		set(r, "cluster-size");
	if (raw && f->size % 512 && e > f->size)
		set(r, "image-end-unaligned");
	if (f->kind == DDP_MAP_IMAGE)
		set(r, "image-file");
	for (int i = 0; i < f->nwrites; i++) {
		const ddp_map_write *w = &f->writes[i];
		if (w->op == DDP_MAP_STEP_SHRINK)
			set(r, "shrunk");
		if (!overlaps(w->offset, w->length, s, e))
			continue;
		if (w->op == DDP_MAP_STEP_DISCARD) {
			set(r, "discarded");
			continue;
		}
		if (w->unmap)
			set(r, "unmapped-zero");
		if (w->zero)
			set(r, "zero-clusters");
		if (w->compressed)
			set(r, "compressed-clusters");
		/* Written before a write just above it in the guest: the host order differs. */
		for (int j = i + 1; j < f->nwrites && !raw && !prealloc && !w->zero; j++) {
			const ddp_map_write *x = &f->writes[j];
			if (x->op == DDP_MAP_STEP_WRITE && !x->zero && x->offset + x->length == w->offset &&
			    overlaps(x->offset, x->length + w->length, s, e))
				set(r, "host-order");
		}
	}
	if (f->backing[0]) {
		/* Any byte of the window the overlay did not write falls through to the backing. */
		int64_t at = s;
		for (int moved = 1; moved && at < e;) {
			moved = 0;
			for (int i = 0; i < f->nwrites; i++)
				if (f->writes[i].op == DDP_MAP_STEP_WRITE && f->writes[i].offset <= at &&
				    f->writes[i].offset + f->writes[i].length > at) {
					at = f->writes[i].offset + f->writes[i].length;
					moved = 1;
				}
		}
		covered = at >= e;
		if (!covered)
			set(r, "backing");
	}
}

int ddp_map_rules(char *buf, size_t size, const ddp_map_fixture *f, const char *const *args,
                  int nargs)
{
	ruleset r;
	const char *start_text = NULL, *length_text = NULL, *output = "human";
	int64_t start = 0, length = -1, vs = f->virtual_size;
	int modelled = 1, bad = 0, windowed = 0;
	size_t n = 0;

	memset(&r, 0, sizeof(r));
	/* getopt_long as map's: an option's value is the next argument whatever it holds. */
	for (int i = 0; i < nargs; i++) {
		const char *a = args[i];
		if (!strncmp(a, "--output=", 9))
			output = a + 9;
		else if (!strcmp(a, "--output") && i + 1 < nargs)
			output = args[++i];
		else if (!strncmp(a, "--start-offset=", 15))
			start_text = a + 15, windowed = 1;
		else if (!strcmp(a, "--start-offset") && i + 1 < nargs)
			start_text = args[++i], windowed = 1;
		else if (!strncmp(a, "--max-length=", 13))
			length_text = a + 13, windowed = 1;
		else if (!strcmp(a, "--max-length") && i + 1 < nargs)
			length_text = args[++i], windowed = 1;
		else
			modelled = 0;
	}
	if (!modelled)
		set(&r, "option-other");
	set(&r, !strcmp(output, "json") ? "output-json" : !strcmp(output, "human") ? "output-human"
	        : "output-unknown");
	if (windowed)
		set(&r, "window");
	for (int k = 0; k < 2; k++) {
		const char *t = k ? length_text : start_text;
		int64_t v = 0;
		int pr;
		if (!t)
			continue;
		pr = plain_size(t, &v);
		if (pr == 1)
			set(&r, "window-number-syntax");
		else if (pr == 2)
			set(&r, "window-number-range");
		else if (k)
			length = v;
		else
			start = v;
		bad |= pr != 0;
	}
	/* A value refused (or read differently by version) ends here: the window is unknown. */
	if (!bad && strcmp(output, "json") && strcmp(output, "human"))
		bad = 1;
	if (!bad) {
		int64_t end = vs;
		if (start >= vs) {
			set(&r, "window-past-end");
		} else if (length == 0) {
			set(&r, "window-empty");
		} else if (length > 0 && length > INT64_MAX - start) {
			set(&r, "window-end-overflow");
		} else {
			if (length > 0 && start + length > vs)
				set(&r, "window-clipped");
			else if (length > 0)
				end = start + length;
			if (start % 512 || (end < vs && end % 512))
				set(&r, "window-unaligned");
			extent_rules(&r, f, start, end);
		}
	}
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (r.on[i] && n < size) {
			int w = snprintf(buf + n, size - n, "%s%s", n ? "," : "", rules[i].id);
			n += w > 0 ? (size_t)w : 0;
		}
	if (n >= size && size)
		buf[size - 1] = '\0';
	return modelled;
}
