/*
 * vhd-floor-footer: for `-O vpc`, the footer's CHS is the floor geometry of
 * the result (calculate_geometry(result_sectors)) instead of the geometry
 * qemu's search stopped on.
 *
 * qemu writes the geometry its search stopped on, whose product is the
 * disk's size; `qemu-img info` reads a 'qemu' VHD's size back from that
 * CHS.  For most sizes the floor geometry of the product is the same
 * triple; where the search stopped on a geometry with more heads than the
 * floor one (a 104349-sector window: the search stops on 877/7/17 =
 * 104363 sectors, whose floor geometry is 1023/6/17 = 104346) the patched
 * footer makes the disk smaller.
 *
 * Implementation: run the real dd, then patch CHS (offset 56: cylinders u16
 * BE, heads u8, sectors u8) and the checksum (offset 64) in the footer at
 * the end of the file and in its copy at offset 0.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <string.h>

static int patch(const char *path, int64_t off, mq_chs g)
{
	unsigned char f[512];

	if (mq_read_at(path, off, f, sizeof(f)) != 0 || memcmp(f, "conectix", 8) != 0)
		return -1;
	mq_put_be16(f + 56, (uint16_t)g.cyls);
	f[58] = (unsigned char)g.heads;
	f[59] = (unsigned char)g.secs;
	mq_put_be32(f + 64, mq_vhd_checksum(f));
	return mq_write_at(path, off, f, sizeof(f));
}

int main(int argc, char **argv)
{
	mq_dd dd;
	int rc;
	const char *out;
	unsigned char f[512];
	int64_t flen;
	uint64_t cur;
	mq_chs have, floor_g;

	out = mq_run_dd_for_format(&dd, argc, argv, "vhd-floor-footer", "vpc");
	rc = 0;

	flen = mq_file_size(out);
	if (flen < 1024 || mq_read_at(out, flen - 512, f, sizeof(f)) != 0 ||
	    memcmp(f, "conectix", 8) != 0 || memcmp(f + 28, "qemu", 4) != 0)
		mq_exit(rc);
	cur = mq_be64(f + 48);
	have.cyls = mq_be16(f + 56);
	have.heads = f[58];
	have.secs = f[59];
	if ((int64_t)have.cyls * have.heads * have.secs >= MQ_VHD_MAX_GEOMETRY)
		mq_exit(rc);
	floor_g = mq_vhd_geometry((int64_t)(cur / 512));
	if (floor_g.cyls == have.cyls && floor_g.heads == have.heads && floor_g.secs == have.secs)
		mq_exit(rc);
	if (patch(out, flen - 512, floor_g) == 0)
		patch(out, 0, floor_g);
	mq_exit(rc);
}
