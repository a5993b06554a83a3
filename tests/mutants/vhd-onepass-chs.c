/*
 * vhd-onepass-chs: for `-O vpc`, the output's size comes from a one-pass
 * ceil approximation of VHD's CHS geometry instead of qemu's search.
 *
 * qemu (vpc_create) tries calculate_geometry(ts + i) for i = 0, 1, 2, ...
 * until cyls*heads*secs >= ts.  The mistake: take heads and sectors per
 * track from calculate_geometry(ts) once, then round the cylinders up:
 * cyls = ceil(ceil(ts / secs) / heads).  That agrees wherever the floor
 * geometry of ts already covers it (e.g. 68 sectors: 1/4/17) and diverges
 * where qemu's search moves on to a smaller geometry: at 69632 sectors
 * qemu stops at 820/5/17 (35686400 bytes), the one-pass gives 141/16/31
 * (35807232 bytes).
 *
 * Implementation: run the real dd (stderr and exit code are qemu's), work
 * out the window's length from the input's size and the operands, and when
 * the one-pass size differs, rebuild the output as a VHD of that size
 * (`create -o force_size=on`, then `convert -n` of qemu's output into it).
 */
#define _POSIX_C_SOURCE 200809L
#include "mutant_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t onepass_size(int64_t bytes)
{
	int64_t ts = (bytes + 511) / 512, req = ts, cth, cyls, prod;
	mq_chs g;

	if (ts == 0)
		return 0;
	if (ts > MQ_VHD_MAX_GEOMETRY)
		ts = MQ_VHD_MAX_GEOMETRY;
	g = mq_vhd_geometry(ts);
	cth = (ts + g.secs - 1) / g.secs;
	cyls = (cth + g.heads - 1) / g.heads;
	if (cyls > 65535)
		cyls = 65535;
	prod = cyls * g.heads * g.secs;
	if (prod >= MQ_VHD_MAX_GEOMETRY)
		return req * 512;
	return prod * 512;
}

int main(int argc, char **argv)
{
	mq_dd dd;
	int rc, past;
	const char *in, *out;
	char *json, tmp[4096], size_s[32], *src_opts = NULL;
	int64_t in_len, len, q_size, m_size;

	out = mq_run_dd_for_format(&dd, argc, argv, "vhd-onepass-chs", "vpc");
	in = dd.op_value[MQ_OP_IF];
	rc = 0;

	/* The window, as img_dd computes it from the input's length. */
	json = mq_info_json(in, dd.fmt);
	if (!json || mq_json_int(json, "virtual-size", &in_len) != 0)
		mq_exit(rc);
	free(json);
	mq_window(&dd, in_len, &past, &len);

	/* qemu's output must be what its search gives; else we don't know the window. */
	json = mq_info_json(out, "vpc");
	if (!json || mq_json_int(json, "virtual-size", &q_size) != 0 ||
	    q_size != mq_vhd_size(len, NULL))
		mq_exit(rc);
	free(json);
	m_size = onepass_size(len);
	if (m_size == q_size)
		mq_exit(rc);

	if (mq_sibling_temp(out, tmp, sizeof(tmp)) != 0)
		mq_exit(rc);
	snprintf(size_s, sizeof(size_s), "%lld", (long long)m_size);
	{
		char *create[] = {"create", "-q", "-f", "vpc", "-o", "force_size=on", tmp, size_s, NULL};
		if (mq_run_qemu(create, MQ_QUIET, NULL, NULL) != 0)
			goto fail;
	}
	if (m_size >= q_size) {
		char *conv[] = {"convert", "-n", "-f", "vpc", "-O", "vpc", (char *)out, tmp, NULL};
		if (mq_run_qemu(conv, MQ_QUIET, NULL, NULL) != 0)
			goto fail;
	} else {
		/* Only the first m_size bytes (beyond the window, all zero). */
		char *esc = mq_opts_escape(out);
		size_t n = strlen(esc) + 128;
		src_opts = malloc(n);
		if (!src_opts)
			abort();
		snprintf(src_opts, n, "driver=raw,size=%lld,file.driver=vpc,file.file.driver=file,file.file.filename=%s",
		         (long long)m_size, esc);
		free(esc);
		{
			char *conv[] = {"convert", "-n", "--image-opts", src_opts, "-O", "vpc", tmp, NULL};
			if (mq_run_qemu(conv, MQ_QUIET, NULL, NULL) != 0)
				goto fail;
		}
	}
	if (mq_replace(tmp, out) != 0)
		goto fail;
	free(src_opts);
	mq_exit(rc);
fail:
	unlink(tmp);
	free(src_opts);
	mq_exit(rc);
}
