/*
 * rounding.c: the sizes an output format reports for the size dd asked
 * for: 512-byte sectors everywhere, VHD's CHS geometry search, vhdx's
 * block size.
 */
#include "internal.h"

#define VHD_MAX_GEOMETRY (65535ULL * 16 * 255)
#define VHD_MAX_SECTORS 0xff000000ULL /* 2040 GiB */
#define MiB (1024ULL * 1024)
#define GiB (1024ULL * MiB)
#define TiB (1024ULL * GiB)

int ddp_round512(uint64_t *out, uint64_t bytes)
{
	if (bytes > (uint64_t)INT64_MAX - 511)
		return DDP_ERANGE;
	*out = (bytes + 511) / 512 * 512;
	return DDP_OK;
}

void ddp_vhd_geometry(ddp_chs *out, uint64_t sectors)
{
	uint64_t n = sectors > VHD_MAX_GEOMETRY ? VHD_MAX_GEOMETRY : sectors;
	uint64_t spt, heads, cth;

	if (n >= 65535ULL * 16 * 63) {
		spt = 255;
		heads = 16;
		cth = n / spt;
	} else {
		spt = 17;
		cth = n / spt;
		heads = (cth + 1023) / 1024;
		if (heads < 4)
			heads = 4;
		if (cth >= heads * 1024 || heads > 16) {
			spt = 31;
			heads = 16;
			cth = n / spt;
		}
		if (cth >= heads * 1024) {
			spt = 63;
			heads = 16;
			cth = n / spt;
		}
	}
	out->cyls = (unsigned)(cth / heads);
	out->heads = (unsigned)heads;
	out->secs = (unsigned)spt;
}

static uint64_t chs_product(const ddp_chs *g)
{
	return (uint64_t)g->cyls * g->heads * g->secs;
}

/*
 * The first sector count above n at which calculate_geometry() may pick
 * another (sectors, heads) pair: heads follows ceil((n/17)/1024), the
 * switch to 31 sectors happens when n/17 is a multiple of 1024 or heads
 * passes 16, to 63 at n/31 >= 16384, to 255 at 65535*16*63.
 */
static uint64_t next_geometry_change(uint64_t n)
{
	for (uint64_t k = 4; k <= 16; k++) {
		if (17 * 1024 * k > n)
			return 17 * 1024 * k;
		if (17 * (1024 * k + 1) > n)
			return 17 * (1024 * k + 1);
	}
	if (31ULL * 16384 > n)
		return 31ULL * 16384;
	if (65535ULL * 16 * 63 > n)
		return 65535ULL * 16 * 63;
	return UINT64_MAX;
}

/*
 * qemu tries geometry(ts), geometry(ts+1), ... until c*h*s >= ts.  While
 * the (sectors, heads) pair stays the same, c*h*s only changes at
 * multiples of h*s, so whole stretches that cannot succeed are skipped:
 * the answer is the one qemu's loop reaches, in a few dozen steps.
 */
static void vhd_search(ddp_chs *g, uint64_t ts)
{
	uint64_t n = ts;

	for (;;) {
		uint64_t unit, next, change;

		ddp_vhd_geometry(g, n);
		if (chs_product(g) >= ts)
			return;
		unit = (uint64_t)g->heads * g->secs;
		next = (n / unit + 1) * unit;
		change = next_geometry_change(n);
		n = next < change ? next : change;
	}
}

int ddp_vhd_round(uint64_t *out_bytes, ddp_chs *chs, uint64_t bytes)
{
	uint64_t rounded, req, ts, total;
	ddp_chs g = {0, 0, 0};

	if (ddp_round512(&rounded, bytes))
		return DDP_ERANGE;
	req = rounded / 512;
	ts = req < VHD_MAX_GEOMETRY ? req : VHD_MAX_GEOMETRY;
	if (ts > 0)
		vhd_search(&g, ts);
	if (chs_product(&g) == VHD_MAX_GEOMETRY) {
		/* Too big for a CHS geometry: the footer's own size is used. */
		total = req;
		if (total > VHD_MAX_SECTORS)
			return DDP_ERANGE;
	} else {
		total = chs_product(&g);
	}
	*out_bytes = total * 512;
	if (chs)
		*chs = g;
	return DDP_OK;
}

int ddp_vhdx_block_size(uint64_t *out, uint64_t bytes)
{
	if (bytes > 64 * TiB)
		return DDP_ERANGE;
	if (bytes > 32 * TiB)
		*out = 64 * MiB;
	else if (bytes > 100 * GiB)
		*out = 32 * MiB;
	else if (bytes > 1 * GiB)
		*out = 16 * MiB;
	else
		*out = 8 * MiB;
	return DDP_OK;
}
