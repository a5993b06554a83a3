/*
 * rounding_fuzzer.c: output sizes by format on arbitrary byte sizes.
 *
 * Input: byte 0 shifts the number right (low 6 bits), so that every
 * magnitude is as easy to reach as every other; then the size, 8 bytes,
 * little-endian.
 * Properties: ddp_round512 rounds up to the next multiple of 512; VHD's
 * size is at least the request, a multiple of 512, idempotent on its own
 * output, covered by its footer geometry (or the request itself when the
 * geometry is the maximum), refused exactly over 2040 GiB, and equal,
 * with the same footer CHS, to qemu's search written out literally below
 * (vpc.c calculate_geometry and calculate_rounded_image_size: try
 * geometry(ts + i) for i = 0, 1, 2, ... until c*h*s >= ts), which
 * ddp_vhd_round does in a few steps instead of up to ~4080; vhdx's block
 * size follows vhdx.c's thresholds.
 */
#define FUZZ_TARGET "rounding"
#include "fuzz.h"

#define VHD_MAX_GEOMETRY (65535LL * 16 * 255)
#define VHD_MAX_SECTORS 0xff000000LL
#define MiB (1024ULL * 1024)
#define GiB (1024ULL * MiB)
#define TiB (1024ULL * GiB)

/* vpc.c calculate_geometry(), with qemu's types. */
FUZZ_UNINSTRUMENTED static void calculate_geometry(int64_t total_sectors, uint16_t *cyls,
                               uint8_t *heads, uint8_t *secs_per_cyl)
{
	uint32_t cyls_times_heads;

	total_sectors = total_sectors < VHD_MAX_GEOMETRY ? total_sectors : VHD_MAX_GEOMETRY;
	if (total_sectors >= 65535LL * 16 * 63) {
		*secs_per_cyl = 255;
		*heads = 16;
		cyls_times_heads = (uint32_t)(total_sectors / *secs_per_cyl);
	} else {
		*secs_per_cyl = 17;
		cyls_times_heads = (uint32_t)(total_sectors / *secs_per_cyl);
		*heads = (uint8_t)((cyls_times_heads + 1023) / 1024);
		if (*heads < 4)
			*heads = 4;
		if (cyls_times_heads >= (uint32_t)(*heads * 1024) || *heads > 16) {
			*secs_per_cyl = 31;
			*heads = 16;
			cyls_times_heads = (uint32_t)(total_sectors / *secs_per_cyl);
		}
		if (cyls_times_heads >= (uint32_t)(*heads * 1024)) {
			*secs_per_cyl = 63;
			*heads = 16;
			cyls_times_heads = (uint32_t)(total_sectors / *secs_per_cyl);
		}
	}
	*cyls = (uint16_t)(cyls_times_heads / *heads);
}

/*
 * vpc.c calculate_rounded_image_size() for a request of `size` bytes,
 * which qemu-img create first rounds up to whole sectors.  Returns 0, or
 * -1 for "Disk size is too large" and for sizes qemu cannot be asked for.
 */
FUZZ_UNINSTRUMENTED static int rounded_image_size(uint64_t *out, ddp_chs *chs, uint64_t size)
{
	uint16_t cyls = 0;
	uint8_t heads = 0, secs_per_cyl = 0;
	int64_t total_size, total_sectors;

	if (size > (uint64_t)INT64_MAX - 511)
		return -1;
	total_size = (int64_t)((size + 511) / 512 * 512);
	total_sectors = total_size / 512 < VHD_MAX_GEOMETRY ? total_size / 512 : VHD_MAX_GEOMETRY;
	for (int i = 0; total_sectors > (int64_t)cyls * heads * secs_per_cyl; i++)
		calculate_geometry(total_sectors + i, &cyls, &heads, &secs_per_cyl);
	if ((int64_t)cyls * heads * secs_per_cyl == VHD_MAX_GEOMETRY) {
		total_sectors = total_size / 512;
		if (total_sectors > VHD_MAX_SECTORS)
			return -1;
	} else {
		total_sectors = (int64_t)cyls * heads * secs_per_cyl;
	}
	*out = (uint64_t)total_sectors * 512;
	chs->cyls = cyls;
	chs->heads = heads;
	chs->secs = secs_per_cyl;
	return 0;
}

FUZZ_NO_COVERAGE static uint64_t chs_bytes(const ddp_chs *g)
{
	return (uint64_t)g->cyls * g->heads * g->secs * 512;
}

FUZZ_NO_COVERAGE static int same_chs(const ddp_chs *a, const ddp_chs *b)
{
	return a->cyls == b->cyls && a->heads == b->heads && a->secs == b->secs;
}

FUZZ_NO_COVERAGE static void check_round512(uint64_t bytes)
{
	uint64_t r = 0;
	int rc = ddp_round512(&r, bytes);

	if (bytes > (uint64_t)INT64_MAX - 511) {
		FUZZ_CHECK(rc == DDP_ERANGE, "round512 refuses sizes past INT64_MAX");
		return;
	}
	FUZZ_CHECK(rc == DDP_OK && r >= bytes && r % 512 == 0 && r - bytes < 512,
	           "round512 is the next multiple of 512");
}

FUZZ_NO_COVERAGE static void check_geometry(uint64_t sectors)
{
	ddp_chs core, lit;
	uint16_t c;
	uint8_t h, s;

	ddp_vhd_geometry(&core, sectors);
	calculate_geometry(sectors > INT64_MAX ? INT64_MAX : (int64_t)sectors, &c, &h, &s);
	lit.cyls = c;
	lit.heads = h;
	lit.secs = s;
	FUZZ_CHECK(same_chs(&core, &lit), "ddp_vhd_geometry is calculate_geometry");
}

FUZZ_NO_COVERAGE static void check_vhd(uint64_t bytes)
{
	uint64_t got = 0, want = 0, again = 0, r512 = 0;
	ddp_chs g = {0, 0, 0}, want_g = {0, 0, 0}, g2;
	int rc = ddp_vhd_round(&got, &g, bytes);
	int want_rc = rounded_image_size(&want, &want_g, bytes);

	FUZZ_CHECK(rc == DDP_OK || rc == DDP_ERANGE, "vhd: a size or ERANGE");
	FUZZ_CHECK((rc == DDP_OK) == (want_rc == 0), "vhd: refused exactly where qemu refuses");
	if (rc)
		return;
	FUZZ_CHECK(got == want, "vhd: the size qemu's search gives");
	FUZZ_CHECK(same_chs(&g, &want_g), "vhd: the footer CHS qemu's search stops on");

	ddp_round512(&r512, bytes);
	FUZZ_CHECK(got >= bytes && got >= r512, "vhd: at least the request");
	FUZZ_CHECK(got % 512 == 0, "vhd: a multiple of 512");
	FUZZ_CHECK(got <= (uint64_t)VHD_MAX_SECTORS * 512, "vhd: at most 2040 GiB");
	if (g.cyls == 65535 && g.heads == 16 && g.secs == 255)
		FUZZ_CHECK(got == r512, "vhd: past the largest geometry the size is the request");
	else
		FUZZ_CHECK(chs_bytes(&g) == got, "vhd: the footer geometry covers the size");
	FUZZ_CHECK(ddp_vhd_round(&again, &g2, got) == DDP_OK && again == got,
	           "vhd: idempotent on its own output");
}

FUZZ_NO_COVERAGE static void check_vhdx(uint64_t bytes)
{
	uint64_t bsz = 0, want;
	int rc = ddp_vhdx_block_size(&bsz, bytes);

	/* vhdx.c vhdx_co_create: max 64 TB, then the default block size. */
	if (bytes > 64 * TiB) {
		FUZZ_CHECK(rc == DDP_ERANGE, "vhdx: refused over 64 TiB");
		return;
	}
	if (bytes > 32 * TiB)
		want = 64 * MiB;
	else if (bytes > 100 * GiB)
		want = 32 * MiB;
	else if (bytes > 1 * GiB)
		want = 16 * MiB;
	else
		want = 8 * MiB;
	FUZZ_CHECK(rc == DDP_OK && bsz == want, "vhdx: the default block size");
}

FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int shift = fuzz_u8(&data, &size) & 63;
	uint64_t bytes = fuzz_u64(&data, &size) >> shift;

	check_round512(bytes);
	check_geometry(bytes); /* the number as a sector count */
	check_vhd(bytes);
	check_vhdx(bytes);
	return 0;
}
