/*
 * predict.c: img_dd after its arguments: open the input, find the output
 * format and protocol, create the output with the window's size, reopen it,
 * warn when skip is past the end, copy.  Each failure qemu can meet on the
 * way is checked in qemu's order.
 */
#include <string.h>

#include "internal.h"

static int fail(ddp_outcome *out, ddp_msg_id id, const char *s0, const char *s1)
{
	ddp_outcome_add(out, id, s0, s0 ? strlen(s0) : 0, s1, s1 ? strlen(s1) : 0);
	out->exit_code = 1;
	return DDP_OK;
}

/*
 * path_has_protocol(): a ':' before any '/'.  Returns the protocol's
 * length as bdrv_find_protocol copies it (at most 127 bytes), or 0.
 */
static size_t protocol_prefix(const char *path)
{
	size_t n = strcspn(path, ":/");

	if (path[n] != ':')
		return 0;
	return n > 127 ? 127 : n;
}

static int unmodelled(ddp_error *err, const char *what, const char *detail)
{
	return ddp_fail(err, DDP_EUNMODELLED, what, 0, "%s", detail);
}

/* img_open() of the input; *length gets what blk_getlength will see. */
static int open_input(ddp_outcome *out, int64_t *length, int *header_as_raw,
                      const ddp_profile *p, const ddp_input *in,
                      const ddp_request *req, ddp_error *err)
{
	const char *path = req->in_path;
	const char *fmt = req->in_fmt;
	const char *real = in->format ? in->format : "raw";
	size_t proto = protocol_prefix(path);

	if (req->image_opts) {
		if (!*path || strpbrk(path, "=,"))
			return unmodelled(err, "if", "--image-opts with an option string");
		return fail(out, DDP_MSG_OPEN_IMAGE_OPTS, path, NULL);
	}
	if (fmt && !ddp_profile_has(p->drivers, fmt, strlen(fmt))) {
		ddp_outcome_add(out, DDP_MSG_OPEN_UNKNOWN_DRIVER, path, strlen(path), fmt, strlen(fmt));
		out->exit_code = 1;
		return DDP_OK;
	}
	if (!*path)
		return fail(out, DDP_MSG_OPEN_NO_FILENAME, path, NULL);
	if (proto) {
		if (ddp_profile_has(p->protocols, path, proto))
			return unmodelled(err, "if", "an input behind a protocol prefix");
		ddp_outcome_add(out, DDP_MSG_OPEN_UNKNOWN_PROTOCOL, path, strlen(path), path, proto);
		out->exit_code = 1;
		return DDP_OK;
	}
	if (in->path && strcmp(in->path, path))
		return fail(out, DDP_MSG_OPEN_MISSING, path, NULL);
	*length = in->length;
	if (!fmt || !strcmp(fmt, real) || (!strcmp(fmt, "file") && !strcmp(real, "raw")))
		return DDP_OK;
	if (!strcmp(fmt, "raw") || !strcmp(fmt, "file")) {
		/* A structured image read as raw: its file's own length. */
		if (in->file_length < 0)
			return unmodelled(err, "-f", "-f raw on a structured input of unknown file length");
		*length = in->file_length;
		*header_as_raw = 1;
		return DDP_OK;
	}
	if (!strcmp(real, "raw")) {
		const ddp_format_rule *rule = ddp_profile_format(p, fmt);
		if (rule && rule->open_mismatch)
			return fail(out, DDP_MSG_OPEN_FAILED, path, rule->open_mismatch);
	}
	return unmodelled(err, "-f", "-f naming another format than the input's");
}

/* The output's info fields for a created size. */
static int output_info(ddp_outcome *out, const ddp_format_rule *rule,
                       uint64_t size, ddp_error *err)
{
	out->format = rule->info_format;
	if (rule->size == DDP_SIZE_VHD_CHS) {
		if (ddp_vhd_round(&out->virtual_size, &out->chs, size))
			return unmodelled(err, "of", "a VHD over 2040 GiB");
		out->has_chs = 1;
	} else if (ddp_round512(&out->virtual_size, size)) {
		return unmodelled(err, "of", "an output size past INT64_MAX");
	}
	switch (rule->cluster) {
	case DDP_CLUSTER_NONE:
		break;
	case DDP_CLUSTER_FIXED:
		out->has_cluster_size = 1;
		out->cluster_size = rule->cluster_size;
		break;
	case DDP_CLUSTER_VHDX:
		if (ddp_vhdx_block_size(&out->cluster_size, size))
			return unmodelled(err, "of", "a vhdx over 64 TiB");
		out->has_cluster_size = 1;
		break;
	}
	return DDP_OK;
}

int ddp_predict(ddp_outcome *out, const ddp_profile *p, const ddp_input *in,
                int argc, const char *const *argv, ddp_error *err)
{
	ddp_request req;
	const ddp_format_rule *rule;
	int64_t length = 0;
	int header_as_raw = 0;
	size_t proto;
	uint64_t size, vhd_size;
	int rc;

	if (!out || !p || !in)
		return ddp_fail(err, DDP_EINVAL, "predict", 0, "missing argument");
	if (in->length < 0)
		return ddp_fail(err, DDP_EINVAL, "input", 0, "negative input length");
	rc = ddp_parse_args(&req, out, p, argc, argv, err);
	out->request = req;
	if (rc || req.failed)
		return rc;
	if (req.help) {
		out->help = 1;
		return DDP_OK;
	}

	rc = open_input(out, &length, &header_as_raw, p, in, &req, err);
	if (rc || out->exit_code)
		return rc;

	rule = ddp_profile_format(p, req.out_fmt);
	if (!rule) {
		if (ddp_profile_has(p->drivers, req.out_fmt, strlen(req.out_fmt)))
			return unmodelled(err, "-O", "a driver the profile has no rule for");
		return fail(out, DDP_MSG_UNKNOWN_FORMAT, req.out_fmt, NULL);
	}
	proto = protocol_prefix(req.out_path);
	if (proto) {
		if (ddp_profile_has(p->protocols, req.out_path, proto))
			return unmodelled(err, "of", "an output behind a protocol prefix");
		ddp_outcome_add(out, DDP_MSG_UNKNOWN_PROTOCOL, req.out_path, proto, NULL, 0);
		out->exit_code = 1;
		return DDP_OK;
	}
	switch (rule->kind) {
	case DDP_FMT_NO_CREATE:
		return fail(out, DDP_MSG_NO_CREATE, rule->name, NULL);
	case DDP_FMT_CREATE_FAILS:
		return fail(out, DDP_MSG_CREATE_FAILED, req.out_path, rule->reason);
	case DDP_FMT_UNMODELLED:
		return unmodelled(err, "-O", "a driver whose creation depends on the host");
	case DDP_FMT_OUTPUT:
		break;
	}

	rc = ddp_window_compute(&out->window, length, req.bs, req.has_count,
	                        req.count, req.has_skip, req.skip, err);
	if (rc)
		return rc;
	out->has_window = 1;
	size = (uint64_t)out->window.out_size;
	/*
	 * A structured image read with -f raw and copied from its first byte
	 * into a raw output keeps its header: qemu-img info then probes the
	 * copy as that format, which depends on the header's contents.
	 */
	if (header_as_raw && out->window.start == 0 && size > 0 &&
	    !strcmp(rule->info_format, "raw"))
		return unmodelled(err, "of", "a raw copy of a structured image's header (info probes it)");

	if (!*req.out_path) {
		if (strcmp(rule->info_format, "raw"))
			return unmodelled(err, "of", "an empty output name for a structured format");
		return fail(out, DDP_MSG_CREATE_NO_PATH, req.out_path, NULL);
	}
	if (rule->size == DDP_SIZE_VHD_CHS &&
	    ddp_vhd_round(&vhd_size, NULL, size) == DDP_ERANGE) {
		out->output_created = 1;
		return fail(out, DDP_MSG_CREATE_FAILED, req.out_path,
		            "Disk size is too large, max size is 2040 GiB");
	}
	if (size > p->max_modelled_size)
		return unmodelled(err, "of", "an output larger than the sizes the model was measured on");
	if (size == 0 && rule->zero == DDP_ZERO_CREATE_FAILS) {
		out->output_created = 1;
		return fail(out, DDP_MSG_CREATE_FAILED, req.out_path, rule->reason);
	}
	out->output_created = 1;
	if (size == 0 && rule->zero == DDP_ZERO_REOPEN_FAILS)
		return fail(out, DDP_MSG_OPEN_FAILED, req.out_path, rule->reason);

	if (out->window.past_eof)
		ddp_outcome_add(out, DDP_MSG_SKIP_PAST_EOF, req.in_path, strlen(req.in_path), NULL, 0);
	rc = output_info(out, rule, size, err);
	if (rc)
		return rc;
	out->has_info = 1;
	out->exit_code = 0;
	return DDP_OK;
}
