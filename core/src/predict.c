/*
 * predict.c: img_dd after its arguments: open the input, find the output
 * format and protocol, create the output with the window's size, reopen it,
 * warn when skip is past the end, copy.  Each failure qemu can meet on the
 * way is checked in qemu's order.
 */
#include <string.h>

#include "internal.h"

static int fail(ddp_outcome *out, ddp_rule rule, ddp_msg_id id, const char *s0, const char *s1)
{
	ddp_outcome_rule(out, rule);
	ddp_outcome_add(out, id, s0, s0 ? strlen(s0) : 0, s1, s1 ? strlen(s1) : 0);
	out->exit_code = 1;
	return DDP_OK;
}

/*
 * path_has_protocol(): a ':' before any '/'.  Returns the protocol's
 * length as bdrv_find_protocol copies it (at most 127 bytes), or -1 for
 * none.  A ':' first is the empty protocol ("Unknown protocol ''").
 */
static long protocol_prefix(const char *path)
{
	size_t n = strcspn(path, ":/");

	if (path[n] != ':')
		return -1;
	return n > 127 ? 127 : (long)n;
}

static int unmodelled(ddp_error *err, const char *what, const char *detail)
{
	return ddp_fail(err, DDP_EUNMODELLED, what, 0, 0, 0, "%s", detail);
}

/*
 * What a path names from the directory the dd runs in, which the model
 * takes to hold the input file and nothing else (that is what
 * ddp_input.path says; an input named with a directory lives elsewhere).
 * The kernel's walk: "." stays, a name is the input or nothing, and
 * nothing can follow a file or a missing name.
 */
typedef enum path_kind {
	PATH_DIR,      /* the directory itself: ".", "./", ".//." */
	PATH_INPUT,    /* the input file */
	PATH_ABSENT,   /* a name that does not exist, in an existing directory */
	PATH_ENOENT,   /* a missing directory on the way */
	PATH_ENOTDIR,  /* a file used as a directory */
	PATH_ENAMETOOLONG, /* 4096 bytes or more, or a name over 255 on the way */
	PATH_UNKNOWN   /* outside the directory, or no input name to go by */
} path_kind;

static path_kind resolve(const char *path, const char *in_name, int *trailing_slash)
{
	path_kind at = PATH_DIR;
	const char *s = path;

	*trailing_slash = 0;
	if (!in_name)
		return PATH_UNKNOWN;
	if (!strcmp(path, in_name))
		return PATH_INPUT;
	if (*path == '/')
		return PATH_UNKNOWN;
	if (strchr(in_name, '/'))
		in_name = ""; /* the input lives elsewhere: no name here is it */
	if (strlen(path) >= 4096) /* PATH_MAX, counting the NUL */
		return PATH_ENAMETOOLONG;
	while (*s) {
		size_t len = strcspn(s, "/");
		int dot = len == 1 && s[0] == '.', dotdot = len == 2 && !memcmp(s, "..", 2);

		if (at == PATH_INPUT)
			return PATH_ENOTDIR;
		if (at == PATH_ABSENT)
			return PATH_ENOENT;
		if (dotdot)
			return PATH_UNKNOWN; /* the parent of the case's directory */
		if (len > 255) /* NAME_MAX, when the directory looks the name up */
			return PATH_ENAMETOOLONG;
		if (!dot)
			at = strlen(in_name) == len && !memcmp(in_name, s, len) ? PATH_INPUT : PATH_ABSENT;
		s += len;
		*trailing_slash = *s == '/';
		s += strspn(s, "/");
	}
	return at;
}

/* img_open() of the input; *length gets what blk_getlength will see. */
static int open_input(ddp_outcome *out, int64_t *length, int *header_as_raw,
                      const ddp_profile *p, const ddp_input *in,
                      const ddp_request *req, ddp_error *err)
{
	const char *path = req->in_path;
	const char *fmt = req->in_fmt;
	const char *real = in->format ? in->format : "raw";
	long proto = protocol_prefix(path);

	if (req->image_opts) {
		if (fmt)
			return fail(out, DDP_RULE_IMAGE_OPTS_WITH_FORMAT, DDP_MSG_IMAGE_OPTS_WITH_FORMAT, NULL, NULL);
		if (!*path || strpbrk(path, "=,"))
			return unmodelled(err, "if", "--image-opts with an option string");
		return fail(out, DDP_RULE_IMAGE_OPTS_OPEN, DDP_MSG_OPEN_IMAGE_OPTS, path, NULL);
	}
	if (fmt && !ddp_profile_has(p->drivers, fmt, strlen(fmt)))
		return fail(out, DDP_RULE_INPUT_UNKNOWN_DRIVER, DDP_MSG_OPEN_UNKNOWN_DRIVER, path, fmt);
	if (!*path)
		return fail(out, DDP_RULE_INPUT_EMPTY_NAME, DDP_MSG_OPEN_NO_FILENAME, path, NULL);
	if (proto >= 0) {
		if (ddp_profile_has(p->protocols, path, (size_t)proto))
			return unmodelled(err, "if", "an input behind a protocol prefix");
		fail(out, DDP_RULE_INPUT_UNKNOWN_PROTOCOL, DDP_MSG_OPEN_UNKNOWN_PROTOCOL, path, NULL);
		out->msgs[out->nmsgs - 1].s[1] = (ddp_slice){path, (size_t)proto};
		return DDP_OK;
	}
	if (!in->path) {
		/* No input name: a plain name is the input, anything else unknown. */
		if (strchr(path, '/') || !strcmp(path, ".") || !strcmp(path, ".."))
			return unmodelled(err, "if", "an input path with directories, and no input name");
	} else {
		int slash;

		switch (resolve(path, in->path, &slash)) {
		case PATH_DIR:
			return fail(out, DDP_RULE_INPUT_PATH, DDP_MSG_OPEN_NOT_REGULAR, path, NULL);
		case PATH_INPUT:
			if (slash)
				return fail(out, DDP_RULE_INPUT_PATH, DDP_MSG_OPEN_ERRNO, path, "Not a directory");
			break;
		case PATH_ABSENT:
		case PATH_ENOENT:
			return fail(out, DDP_RULE_INPUT_PATH, DDP_MSG_OPEN_MISSING, path, NULL);
		case PATH_ENOTDIR:
			return fail(out, DDP_RULE_INPUT_PATH, DDP_MSG_OPEN_ERRNO, path, "Not a directory");
		case PATH_ENAMETOOLONG:
			return fail(out, DDP_RULE_INPUT_PATH, DDP_MSG_OPEN_ERRNO, path, "File name too long");
		case PATH_UNKNOWN:
			return unmodelled(err, "if", "an input path outside the case's directory");
		}
	}
	*length = in->length;
	if (!fmt || !strcmp(fmt, real) || (!strcmp(fmt, "file") && !strcmp(real, "raw")))
		return DDP_OK;
	if (!strcmp(fmt, "raw") || !strcmp(fmt, "file")) {
		/* A structured image read as raw: its file's own length. */
		if (in->file_length < 0)
			return unmodelled(err, "-f", "-f raw on a structured input of unknown file length");
		*length = in->file_length;
		*header_as_raw = 1;
		ddp_outcome_rule(out, DDP_RULE_INPUT_READ_AS_RAW);
		return DDP_OK;
	}
	/* The driver -f names finds no header of its own (the data's, for vdi). */
	{
		const ddp_format_rule *rule = ddp_profile_format(p, fmt);
		if (rule && rule->open_mismatch &&
		    !(rule->mismatch_unmodelled_for && !strcmp(rule->mismatch_unmodelled_for, real))) {
			/* bdrv_getlength() counts whole sectors: 3 bytes are 512 */
			if (!strcmp(real, "raw") && (in->length + 511) / 512 * 512 < rule->small_below)
				return fail(out, DDP_RULE_INPUT_FORMAT_MISMATCH, DDP_MSG_OPEN_FAILED, path,
				            rule->small_text);
			return fail(out, DDP_RULE_INPUT_FORMAT_MISMATCH, rule->mismatch_errno ? DDP_MSG_OPEN_ERRNO : DDP_MSG_OPEN_FAILED,
			            path, rule->open_mismatch);
		}
	}
	return unmodelled(err, "-f", "-f naming a format whose error depends on the input's data");
}

/*
 * Creating of=: the errors of the file itself, which come before any of
 * the format's own (every format makes its file first).  Returns 1 when
 * the outcome is decided (a failure, or unmodelled in *rc).
 */
static int output_path_fails(int *rc, ddp_outcome *out, const ddp_format_rule *rule,
                             const char *path, const ddp_input *in, ddp_error *err)
{
	path_kind kind;
	int slash;

	*rc = DDP_OK;
	if (!*path) {
		if (rule->no_path)
			fail(out, DDP_RULE_OUTPUT_PATH, DDP_MSG_CREATE_FAILED, path, rule->no_path);
		else
			fail(out, DDP_RULE_OUTPUT_PATH, DDP_MSG_CREATE_NO_PATH, path, NULL);
		return 1;
	}
	if (rule->create_name_max && strlen(path) > rule->create_name_max) {
		/* vmdk copies the name into a PATH_MAX buffer (pstrcpy) and creates
		 * that: qemu-img's prefix names all of of=, the error the cut part. */
		char cut[4096];
		size_t n = rule->create_name_max < sizeof(cut) - 1 ? rule->create_name_max : sizeof(cut) - 1;

		memcpy(cut, path, n);
		cut[n] = '\0';
		if (!in->path || resolve(cut, in->path, &slash) != PATH_ENAMETOOLONG) {
			*rc = unmodelled(err, "of", "an output name the driver cuts to a path that may exist");
			return 1;
		}
		ddp_outcome_rule(out, DDP_RULE_OUTPUT_PATH);
		ddp_outcome_add(out, DDP_MSG_CREATE_CUT_TOO_LONG, path, strlen(path), path, n);
		out->exit_code = 1;
		return 1;
	}
	if (!in->path) {
		if (!strchr(path, '/') && strcmp(path, ".") && strcmp(path, ".."))
			return 0;
		*rc = unmodelled(err, "of", "an output path with directories, and no input name");
		return 1;
	}
	/* open(O_CREAT) refuses a trailing slash (EISDIR) once the walk is done. */
	kind = resolve(path, in->path, &slash);
	switch (kind) {
	case PATH_DIR:
		out->output_created = 1; /* it was there all along */
		fail(out, DDP_RULE_OUTPUT_PATH, DDP_MSG_CREATE_ERRNO, path, "Is a directory");
		return 1;
	case PATH_ABSENT:
	case PATH_INPUT:
		if (slash) {
			fail(out, DDP_RULE_OUTPUT_PATH, DDP_MSG_CREATE_ERRNO, path, "Is a directory");
			return 1;
		}
		if (kind == PATH_ABSENT)
			return 0;
		*rc = unmodelled(err, "of", "the output is the input: qemu reads what it overwrites");
		return 1;
	case PATH_ENOTDIR:
		fail(out, DDP_RULE_OUTPUT_PATH, DDP_MSG_CREATE_ERRNO, path, "Not a directory");
		return 1;
	case PATH_ENOENT:
		fail(out, DDP_RULE_OUTPUT_PATH, DDP_MSG_CREATE_NO_PATH, path, NULL);
		return 1;
	case PATH_ENAMETOOLONG:
		fail(out, DDP_RULE_OUTPUT_PATH, DDP_MSG_CREATE_ERRNO, path, "File name too long");
		return 1;
	case PATH_UNKNOWN:
		break;
	}
	*rc = unmodelled(err, "of", "an output path outside the case's directory");
	return 1;
}

/* The window's rules, from what ddp_window_compute reports. */
static void window_rules(ddp_outcome *out, int64_t length, const ddp_request *req)
{
	const ddp_window *w = &out->window;

	/* The rounded input length matters only where count does not set the end. */
	if (length % 512 && !w->count_capped)
		ddp_outcome_rule(out, DDP_RULE_WINDOW_INPUT_SECTORS);
	if (w->count_capped)
		ddp_outcome_rule(out, DDP_RULE_WINDOW_COUNT_CAPS_END);
	if (w->count_overflow)
		ddp_outcome_rule(out, DDP_RULE_WINDOW_COUNT_OVERFLOW);
	if (w->past_eof)
		ddp_outcome_rule(out, DDP_RULE_WINDOW_SKIP_PAST_EOF);
	else if (req->has_skip && req->skip)
		ddp_outcome_rule(out, DDP_RULE_WINDOW_SKIP);
	if (!w->out_size)
		ddp_outcome_rule(out, DDP_RULE_WINDOW_EMPTY);
	/* Marks: the window's edges, where off-by-one readings part. */
	int64_t rounded = (length + 511) / 512 * 512;
	if (req->has_count && !w->count_overflow) {
		int64_t end = req->count * req->bs;
		if (end == rounded)
			ddp_outcome_mark(out, DDP_MARK_WINDOW_COUNT_AT_END);
		else if (end > length && end < rounded)
			ddp_outcome_mark(out, DDP_MARK_WINDOW_COUNT_IN_TAIL);
	}
	if (req->has_skip && req->skip <= INT64_MAX / req->bs) {
		int64_t from = req->skip * req->bs;
		if (from > length && from <= rounded)
			ddp_outcome_mark(out, DDP_MARK_WINDOW_SKIP_IN_TAIL);
	}
	if (req->has_skip && req->skip && !w->past_eof && !w->out_size)
		ddp_outcome_mark(out, DDP_MARK_WINDOW_SKIP_AT_END);
	if (w->out_size % req->bs)
		ddp_outcome_mark(out, DDP_MARK_WINDOW_PARTIAL_BLOCK);
	if (w->out_size && w->out_size <= req->bs)
		ddp_outcome_mark(out, DDP_MARK_WINDOW_ONE_BLOCK);
	if (w->out_size && !(w->out_size % 512))
		ddp_outcome_mark(out, DDP_MARK_SIZE_SECTOR_EXACT);
}

/* Marks of a VHD size: the CHS branch, a search that changed heads or sectors, exactness. */
static void vhd_marks(ddp_outcome *out, uint64_t size)
{
	static const struct { unsigned secs; ddp_mark mark; } spt[] = {
		{17, DDP_MARK_VHD_SPT_17}, {31, DDP_MARK_VHD_SPT_31},
		{63, DDP_MARK_VHD_SPT_63}, {255, DDP_MARK_VHD_SPT_255}};
	uint64_t sectors = (size + 511) / 512;
	ddp_chs first;

	for (size_t i = 0; i < DDP_ARRAY_SIZE(spt); i++)
		if (out->chs.secs == spt[i].secs)
			ddp_outcome_mark(out, spt[i].mark);
	ddp_vhd_geometry(&first, sectors);
	if (first.heads != out->chs.heads || first.secs != out->chs.secs)
		ddp_outcome_mark(out, DDP_MARK_VHD_SEARCHED);
	if (out->virtual_size == size)
		ddp_outcome_mark(out, DDP_MARK_VHD_EXACT);
}

/* Whether a vhdx size is within a sector of a block-size tier's edge. */
static int vhdx_tier_edge(uint64_t size)
{
	static const uint64_t edges[] = {1ULL << 30, 100ULL << 30, 32ULL << 40};

	for (size_t i = 0; i < DDP_ARRAY_SIZE(edges); i++)
		if (size + 512 >= edges[i] && size <= edges[i] + 512)
			return 1;
	return 0;
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
		ddp_outcome_rule(out, DDP_RULE_VHD_CHS);
		/* An empty VHD has no geometry (0/0/0) to be above a floor. */
		if (out->virtual_size) {
			ddp_chs floor;
			ddp_vhd_geometry(&floor, (uint64_t)out->chs.cyls * out->chs.heads * out->chs.secs);
			if (floor.heads != out->chs.heads || floor.cyls != out->chs.cyls ||
			    floor.secs != out->chs.secs)
				ddp_outcome_rule(out, DDP_RULE_VHD_CHS_ABOVE_FLOOR);
			vhd_marks(out, size);
		}
	} else if (ddp_round512(&out->virtual_size, size)) {
		return unmodelled(err, "of", "an output size past INT64_MAX");
	} else if (out->virtual_size != size) {
		ddp_outcome_rule(out, DDP_RULE_ROUND_512);
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
		ddp_outcome_rule(out, DDP_RULE_VHDX_BLOCK_SIZE);
		if (vhdx_tier_edge(size))
			ddp_outcome_mark(out, DDP_MARK_VHDX_TIER_EDGE);
		break;
	}
	return DDP_OK;
}

/* img_dd from the arguments on: the outcome, unless unmodelled. */
static int predict(ddp_outcome *out, const ddp_profile *p, const ddp_input *in,
                   int argc, const char *const *argv, ddp_error *err)
{
	ddp_request req;
	const ddp_format_rule *rule;
	int64_t length = 0;
	int header_as_raw = 0;
	long proto;
	uint64_t size, vhd_size;
	int rc;

	if (!out || !p || !in)
		return ddp_fail(err, DDP_EINVAL, "predict", 0, 0, 0, "missing argument");
	/* qemu counts whole sectors of an int64 length: past this it cannot be. */
	if (in->length < 0 || in->length > INT64_MAX - 511 || in->file_length > INT64_MAX - 511)
		return ddp_fail(err, DDP_EINVAL, "input", 0, 0, 0,
		                "input length %lld (file %lld) is not a length qemu can read",
		                (long long)in->length, (long long)in->file_length);
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
		return fail(out, DDP_RULE_OUTPUT_UNKNOWN_FORMAT, DDP_MSG_UNKNOWN_FORMAT, req.out_fmt, NULL);
	}
	proto = protocol_prefix(req.out_path);
	if (proto >= 0) {
		if (ddp_profile_has(p->protocols, req.out_path, (size_t)proto))
			return unmodelled(err, "of", "an output behind a protocol prefix");
		fail(out, DDP_RULE_OUTPUT_UNKNOWN_PROTOCOL, DDP_MSG_UNKNOWN_PROTOCOL, NULL, NULL);
		out->msgs[out->nmsgs - 1].s[0] = (ddp_slice){req.out_path, (size_t)proto};
		return DDP_OK;
	}
	switch (rule->kind) {
	case DDP_FMT_NO_CREATE:
		return fail(out, DDP_RULE_OUTPUT_NO_CREATE, DDP_MSG_NO_CREATE, rule->name, NULL);
	case DDP_FMT_CREATE_FAILS:
		if (rule->path_first && output_path_fails(&rc, out, rule, req.out_path, in, err))
			return rc;
		return fail(out, DDP_RULE_OUTPUT_CREATE_FAILS, DDP_MSG_CREATE_FAILED, req.out_path,
		            rule->reason);
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
	window_rules(out, length, &req);
	size = (uint64_t)out->window.out_size;
	if (output_path_fails(&rc, out, rule, req.out_path, in, err))
		return rc;
	/*
	 * A structured image read with -f raw and copied from its first byte
	 * into a raw output keeps its header: qemu-img info then probes the
	 * copy as that format, which depends on the header's contents.
	 */
	if (header_as_raw && out->window.start == 0 && size > 0 &&
	    !strcmp(rule->info_format, "raw"))
		return unmodelled(err, "of", "a raw copy of a structured image's header (info probes it)");

	if (rule->size == DDP_SIZE_VHD_CHS &&
	    ddp_vhd_round(&vhd_size, NULL, size) == DDP_ERANGE) {
		out->output_created = 1;
		return fail(out, DDP_RULE_VHD_TOO_LARGE, DDP_MSG_CREATE_FAILED, req.out_path,
		            "Disk size is too large, max size is 2040 GiB");
	}
	if (size > p->max_modelled_size)
		return unmodelled(err, "of", "an output larger than the sizes the model was measured on");
	if (size == 0 && rule->zero == DDP_ZERO_CREATE_FAILS) {
		out->output_created = 1;
		return fail(out, DDP_RULE_ZERO_CREATE_FAILS, DDP_MSG_CREATE_FAILED, req.out_path,
		            rule->reason);
	}
	out->output_created = 1;
	if (size == 0 && rule->zero == DDP_ZERO_REOPEN_FAILS)
		return fail(out, DDP_RULE_ZERO_REOPEN_FAILS, DDP_MSG_OPEN_FAILED, req.out_path,
		            rule->reason);

	if (out->window.past_eof)
		ddp_outcome_add(out, DDP_MSG_SKIP_PAST_EOF, req.in_path, strlen(req.in_path), NULL, 0);
	rc = output_info(out, rule, size, err);
	if (rc)
		return rc;
	out->has_info = 1;
	out->exit_code = 0;
	return DDP_OK;
}

int ddp_predict(ddp_outcome *out, const ddp_profile *p, const ddp_input *in,
                int argc, const char *const *argv, ddp_error *err)
{
	int rc = predict(out, p, in, argc, argv, err);
	const char *of = rc ? NULL : out->request.out_path;
	int slash;

	/*
	 * of= naming something that was there before (the directory, the
	 * input) exists afterwards whatever qemu did, even when it stopped
	 * before reading that of=: the last one the parser reached counts.
	 */
	if (of && *of && in->path) {
		path_kind kind = resolve(of, in->path, &slash);
		if (kind == PATH_DIR || (kind == PATH_INPUT && !slash))
			out->output_created = 1;
	}
	return rc;
}
