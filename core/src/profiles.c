/*
 * profiles.c: what differs between qemu versions, as data.
 *
 * One profile per range of versions that behave alike in `qemu-img dd`:
 * how its numbers are read, who prints getopt's errors and with which
 * long options, when --object takes effect, the texts qemu prints, and
 * the formats and protocols built in.  Measured profiles were checked
 * against real Debian builds (docs/qemu-versions.md); the 8.0 and 8.1
 * profiles come from upstream history only and say so.  A version is
 * modelled by the newest profile whose range starts at or below it.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define TiB (1024ULL * 1024 * 1024 * 1024)
#define V(a, b, c) {a, b, c}
#define NEVER V(0, 0, 0)

/* ---- messages ---------------------------------------------------------- */

/* Texts every version measured prints alike. */
#define COMMON_MSGS                                                            \
	[DDP_MSG_UNRECOGNIZED_OPERAND] = "qemu-img: unrecognized operand {0}",     \
	[DDP_MSG_NUMBER_RANGE] = "qemu-img: Invalid {0} specified. Must be between {n0} and {n1}.", \
	[DDP_MSG_HEX_SUFFIX] = "qemu-img: warning: Using a multiplier suffix on hex numbers is deprecated: {0}", \
	[DDP_MSG_NEED_IF_OF] = "qemu-img: Must specify both input and output files", \
	[DDP_MSG_OPEN_FAILED] = "qemu-img: Could not open '{0}': {1}",             \
	[DDP_MSG_OPEN_NO_FILENAME] = "qemu-img: Could not open '{0}': The 'file' block driver requires a file name", \
	[DDP_MSG_OPEN_MISSING] = "qemu-img: Could not open '{0}': Could not open '{0}': No such file or directory", \
	[DDP_MSG_OPEN_UNKNOWN_PROTOCOL] = "qemu-img: Could not open '{0}': Unknown protocol '{1}'", \
	[DDP_MSG_OPEN_UNKNOWN_DRIVER] = "qemu-img: Could not open '{0}': Unknown driver '{1}'", \
	[DDP_MSG_UNKNOWN_FORMAT] = "qemu-img: Unknown file format",                \
	[DDP_MSG_UNKNOWN_PROTOCOL] = "qemu-img: Unknown protocol '{0}'",           \
	[DDP_MSG_NO_CREATE] = "qemu-img: Format driver '{0}' does not support image creation", \
	[DDP_MSG_CREATE_FAILED] = "qemu-img: {0}: error while creating output image: {1}", \
	[DDP_MSG_CREATE_NO_PATH] = "qemu-img: {0}: error while creating output image: Could not create '{0}': No such file or directory", \
	[DDP_MSG_SKIP_PAST_EOF] = "qemu-img: {0}: cannot skip to specified offset", \
	[DDP_MSG_IMAGE_OPTS_WITH_FORMAT] = "qemu-img: --image-opts and --format are mutually exclusive", \
	[DDP_MSG_OBJECT_MISSING] = "qemu-img: Parameter '{0}' is missing",          \
	[DDP_MSG_OBJECT_BAD_TYPE] = "qemu-img: Parameter 'qom-type' does not accept value '{0}'", \
	[DDP_MSG_OPEN_ERRNO] = "qemu-img: Could not open '{0}': Could not open '{0}': {1}", \
	[DDP_MSG_CREATE_ERRNO] = "qemu-img: {0}: error while creating output image: Could not create '{0}': {1}", \
	[DDP_MSG_CREATE_CUT_TOO_LONG] = "qemu-img: {0}: error while creating output image: Could not create '{1}': File name too long"

/* getopt silenced by ":hf:O:U"; qemu names the element (up to 9.x upstream). */
#define QEMU_GETOPT_MSGS                                                       \
	[DDP_MSG_UNRECOGNIZED_OPTION] = "qemu-img: unrecognized option '{0}'",     \
	[DDP_MSG_MISSING_ARGUMENT] = "qemu-img: missing argument for option '{0}'", \
	[DDP_MSG_TRY_HELP] = "Try 'qemu-img --help' for more information"

/*
 * glibc's getopt_long prints (its texts are the same in glibc 2.36, 2.41
 * and 2.43), prefixed by the argv[0] qemu-img gives the command; then
 * tryhelp() ends with "more info" (Debian's 10.0) or "more information".
 */
#define GLIBC_GETOPT_MSGS(more)                                                \
	[DDP_MSG_INVALID_OPTION] = "qemu-img dd: invalid option -- '{0}'",         \
	[DDP_MSG_UNRECOGNIZED_OPTION] = "qemu-img dd: unrecognized option '{0}'",  \
	[DDP_MSG_MISSING_ARGUMENT] = "qemu-img dd: option requires an argument -- '{0}'", \
	[DDP_MSG_AMBIGUOUS_OPTION] = "qemu-img dd: option '{0}' is ambiguous; possibilities:{L}", \
	[DDP_MSG_OPTION_NO_ARGUMENT] = "qemu-img dd: option '--{0}' doesn't allow an argument", \
	[DDP_MSG_OPTION_NEEDS_ARGUMENT] = "qemu-img dd: option '--{0}' requires an argument", \
	[DDP_MSG_TRY_HELP] = "Try 'qemu-img dd --help' for more " more

/* --image-opts naming no node, and an input that is a directory. */
#define OPEN_MSGS_5_2                                                          \
	[DDP_MSG_OPEN_IMAGE_OPTS] = "qemu-img: Could not open '{0}': Cannot find device={0} nor node_name={0}", \
	[DDP_MSG_OPEN_NOT_REGULAR] = "qemu-img: Could not open '{0}': A regular file was expected by the 'file' driver, but something else was given"
#define OPEN_MSGS_6_0                                                          \
	[DDP_MSG_OPEN_IMAGE_OPTS] = "qemu-img: Could not open '{0}': Cannot find device='{0}' nor node-name='{0}'", \
	[DDP_MSG_OPEN_NOT_REGULAR] = "qemu-img: Could not open '{0}': 'file' driver requires '{0}' to be a regular file"

/* cvtnum_full()'s parse error: two lines, then one quoting the value. */
#define INVALID_NUMBER_TWO_LINES                                               \
	[DDP_MSG_INVALID_NUMBER] = "qemu-img: Invalid {0} specified. You may use k, M, G, T, P or E suffixes for", \
	[DDP_MSG_INVALID_NUMBER_2] = "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes."
#define INVALID_NUMBER_QUOTED(end)                                             \
	[DDP_MSG_INVALID_NUMBER] = "qemu-img: Invalid {0} specified: '{1}'" end

/* ---- getopt_long tables (img_dd's long_options[], in order) ------------- */

static const ddp_long_option long_options_5_2[] = {
	{"help", 0, 'h'},
	{"object", 1, DDP_OPT_OBJECT},
	{"image-opts", 0, DDP_OPT_IMAGE_OPTS},
	{"force-share", 0, 'U'},
	{NULL, 0, 0},
};

/* Debian's 10.0 carries the options/--help series as first posted. */
static const ddp_long_option long_options_10_0[] = {
	{"help", 0, 'h'},
	{"object", 1, DDP_OPT_OBJECT},
	{"format", 1, 'f'},
	{"output-format", 1, 'O'},
	{"image-opts", 0, DDP_OPT_IMAGE_OPTS},
	{"force-share", 0, 'U'},
	{NULL, 0, 0},
};

/* ...and 10.1 on as merged (reordered). */
static const ddp_long_option long_options_11_1[] = {
	{"help", 0, 'h'},
	{"format", 1, 'f'},
	{"image-opts", 0, DDP_OPT_IMAGE_OPTS},
	{"output-format", 1, 'O'},
	{"force-share", 0, 'U'},
	{"object", 1, DDP_OPT_OBJECT},
	{NULL, 0, 0},
};

/* ---- output formats ------------------------------------------------------ */

#define OUTPUT(n, info, sz, cl, csize, z, why, mismatch)                       \
	{.name = n, .kind = DDP_FMT_OUTPUT, .info_format = info, .size = sz,       \
	 .cluster = cl, .cluster_size = csize, .zero = z, .reason = why,          \
	 .open_mismatch = mismatch}
#define NO_CREATE(n) {.name = n, .kind = DDP_FMT_NO_CREATE}
#define CREATE_FAILS(n, why, file_first)                                       \
	{.name = n, .kind = DDP_FMT_CREATE_FAILS, .reason = why, .path_first = file_first}
#define HOST_DEPENDENT(n) {.name = n, .kind = DDP_FMT_UNMODELLED}
#define FORMATS_END {.name = NULL}

/* Created, reopened and copied into, alike in every version measured. */
#define MODELLED_OUTPUTS                                                       \
	OUTPUT("raw", "raw", DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK, NULL, NULL), \
	OUTPUT("file", "raw", DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK, NULL, NULL), \
	OUTPUT("qcow2", "qcow2", DDP_SIZE_ROUND512, DDP_CLUSTER_FIXED, 65536, DDP_ZERO_OK, NULL, \
	       "Image is not in qcow2 format"),                                    \
	{.name = "vmdk", .kind = DDP_FMT_OUTPUT, .info_format = "vmdk",           \
	 .size = DDP_SIZE_ROUND512, .cluster = DDP_CLUSTER_FIXED, .cluster_size = 65536, \
	 .zero = DDP_ZERO_REOPEN_FAILS, .reason = "Unsupported image type 'monolithicSparse'", \
	 .open_mismatch = "invalid VMDK image descriptor", .no_path = "No filename provided", \
	 .create_name_max = 4095, .small_below = 4, .small_text = "File is too small, not a valid image"}, \
	{.name = "vpc", .kind = DDP_FMT_OUTPUT, .info_format = "vpc",             \
	 .size = DDP_SIZE_VHD_CHS, .cluster = DDP_CLUSTER_FIXED, .cluster_size = 2097152, \
	 .open_mismatch = "invalid VPC image", .small_below = 512,               \
	 .small_text = "File too small for a VHD header"},                        \
	{.name = "vhdx", .kind = DDP_FMT_OUTPUT, .info_format = "vhdx",           \
	 .size = DDP_SIZE_ROUND512, .cluster = DDP_CLUSTER_VHDX,                  \
	 .open_mismatch = "Invalid argument", .mismatch_errno = 1},               \
	/* qcow reads a qcow2 (version 3) header and says so, with a hint line */ \
	{.name = "qcow", .kind = DDP_FMT_OUTPUT, .info_format = "qcow",           \
	 .size = DDP_SIZE_ROUND512, .cluster = DDP_CLUSTER_FIXED, .cluster_size = 4096, \
	 .zero = DDP_ZERO_CREATE_FAILS, .reason = "Image size is too small, cannot be zero length", \
	 .open_mismatch = "Image not in qcow format", .mismatch_unmodelled_for = "qcow2"}, \
	OUTPUT("qed", "qed", DDP_SIZE_ROUND512, DDP_CLUSTER_FIXED, 65536, DDP_ZERO_OK, NULL, \
	       "Image not in QED format"),                                         \
	OUTPUT("vdi", "vdi", DDP_SIZE_ROUND512, DDP_CLUSTER_FIXED, 1048576, DDP_ZERO_OK, NULL, NULL), \
	/* luks makes its file first, then fails on the secret and deletes it. */ \
	CREATE_FAILS("luks", "Parameter 'key-secret' is required for cipher", 1)

/* Not in 5.2. */
#define PARALLELS_OUTPUT                                                       \
	OUTPUT("parallels", "parallels", DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK, NULL, \
	       "Image not in Parallels format")

#define NO_CREATE_5_2                                                          \
	NO_CREATE("blkdebug"), NO_CREATE("blklogwrites"), NO_CREATE("blkverify"), \
	NO_CREATE("bochs"), NO_CREATE("cloop"), NO_CREATE("compress"),            \
	NO_CREATE("copy-on-read"), NO_CREATE("dmg"), NO_CREATE("null-aio"),       \
	NO_CREATE("null-co"), NO_CREATE("quorum"), NO_CREATE("replication"),      \
	NO_CREATE("throttle"), NO_CREATE("vvfat")
#define NO_CREATE_7_2                                                          \
	NO_CREATE_5_2, NO_CREATE("copy-before-write"), NO_CREATE("preallocate"),   \
	NO_CREATE("snapshot-access")

/*
 * Protocol drivers used as -O: bdrv_co_create_opts_simple() opens the
 * name as an existing image; for nbd and nvme that fails whatever of= is.
 * host_device and host_cdrom depend on the file (modelled nowhere).
 */
#define PROTOCOL_OUTPUTS(intro)                                                \
	CREATE_FAILS("nbd", "Protocol driver 'nbd' " intro "File name string for NBD must start with 'nbd:'", 0), \
	CREATE_FAILS("nvme", "Protocol driver 'nvme' " intro "'device' option is required", 0), \
	HOST_DEPENDENT("host_device"), HOST_DEPENDENT("host_cdrom")
#define PROTOCOL_INTRO_OLD "does not support image creation, and opening the image failed: "
#define PROTOCOL_INTRO_NEW                                                     \
	"does not support creating new images, so an existing image must be selected as the " \
	"target; however, opening the given target as an existing image failed: "

/*
 * Drivers Debian builds as modules (qemu-block-extra, -supplemental):
 * what -O does depends on whether the host has them installed, and on a
 * module directory the model cannot see.
 */
#define MODULE_OUTPUTS_COMMON                                                  \
	HOST_DEPENDENT("ftp"), HOST_DEPENDENT("ftps"), HOST_DEPENDENT("http"),    \
	HOST_DEPENDENT("https"), HOST_DEPENDENT("iscsi"), HOST_DEPENDENT("iser"), \
	HOST_DEPENDENT("nfs"), HOST_DEPENDENT("rbd"), HOST_DEPENDENT("ssh")
/* libblkio's drivers: in 10.0.13's build (trixie), not in 10.0.2's (bookworm). */
#define MODULE_OUTPUTS_BLKIO                                                   \
	HOST_DEPENDENT("io_uring"), HOST_DEPENDENT("nvme-io_uring"),              \
	HOST_DEPENDENT("virtio-blk-vfio-pci"), HOST_DEPENDENT("virtio-blk-vhost-user"), \
	HOST_DEPENDENT("virtio-blk-vhost-vdpa")

static const ddp_format_rule formats_5_2[] = {
	MODELLED_OUTPUTS, NO_CREATE_5_2, PROTOCOL_OUTPUTS(PROTOCOL_INTRO_OLD),
	MODULE_OUTPUTS_COMMON, HOST_DEPENDENT("gluster"), FORMATS_END,
};

static const ddp_format_rule formats_7_2[] = {
	MODELLED_OUTPUTS, PARALLELS_OUTPUT, NO_CREATE_7_2,
	PROTOCOL_OUTPUTS(PROTOCOL_INTRO_OLD), MODULE_OUTPUTS_COMMON,
	HOST_DEPENDENT("gluster"), FORMATS_END,
};

/* 8.x: never measured; when the protocol drivers' wording changed is unknown. */
static const ddp_format_rule formats_8[] = {
	MODELLED_OUTPUTS, PARALLELS_OUTPUT, NO_CREATE_7_2,
	HOST_DEPENDENT("nbd"), HOST_DEPENDENT("nvme"), HOST_DEPENDENT("host_device"),
	HOST_DEPENDENT("host_cdrom"), MODULE_OUTPUTS_COMMON, HOST_DEPENDENT("gluster"),
	FORMATS_END,
};

static const ddp_format_rule formats_10_0[] = {
	MODELLED_OUTPUTS, PARALLELS_OUTPUT, NO_CREATE_7_2,
	PROTOCOL_OUTPUTS(PROTOCOL_INTRO_NEW), MODULE_OUTPUTS_COMMON,
	HOST_DEPENDENT("gluster"), MODULE_OUTPUTS_BLKIO, FORMATS_END,
};

/* 11.1 has no gluster at all: -O gluster is an unknown format. */
static const ddp_format_rule formats_11_1[] = {
	MODELLED_OUTPUTS, PARALLELS_OUTPUT, NO_CREATE_7_2,
	PROTOCOL_OUTPUTS(PROTOCOL_INTRO_NEW), MODULE_OUTPUTS_COMMON,
	MODULE_OUTPUTS_BLKIO, FORMATS_END,
};

/* ---- drivers -f accepts ("Supported formats" of `qemu-img --help`) ------- */

#define DRIVERS_5_2                                                            \
	"blkdebug", "blklogwrites", "blkverify", "bochs", "cloop", "compress",    \
	"copy-on-read", "dmg", "file", "ftp", "ftps", "host_cdrom", "host_device", \
	"http", "https", "iscsi", "iser", "luks", "nbd", "nfs", "null-aio",       \
	"null-co", "nvme", "qcow", "qcow2", "qed", "quorum", "raw", "rbd",        \
	"replication", "ssh", "throttle", "vdi", "vhdx", "vmdk", "vpc", "vvfat"
#define DRIVERS_7_2 DRIVERS_5_2, "copy-before-write", "parallels", "preallocate", "snapshot-access"
#define DRIVERS_BLKIO                                                          \
	"io_uring", "nvme-io_uring", "virtio-blk-vfio-pci", "virtio-blk-vhost-user", \
	"virtio-blk-vhost-vdpa"

static const char *const drivers_5_2[] = {DRIVERS_5_2, "gluster", NULL};
static const char *const drivers_7_2[] = {DRIVERS_7_2, "gluster", NULL};
/* 10.0.2's list plus 10.0.13's blkio drivers (module formats: unmodelled). */
static const char *const drivers_10_0[] = {DRIVERS_7_2, "gluster", DRIVERS_BLKIO, NULL};
static const char *const drivers_11_1[] = {DRIVERS_7_2, DRIVERS_BLKIO, NULL};

/*
 * ---- protocol prefixes ("x:...") a version resolves to a driver ---------
 * Measured with if=NAME:x: any other prefix is "Unknown protocol".  The
 * module drivers' prefixes are known only with the module installed, so
 * they are listed (unmodelled) wherever a build has the module.
 */
#define PROTOCOLS_BUILTIN                                                      \
	"file", "host_device", "host_cdrom", "nbd", "nbd+tcp", "nbd+unix",        \
	"null-co", "null-aio", "nvme", "fat", "blkdebug", "blkverify", "json"
#define PROTOCOLS_MODULES                                                      \
	"ftp", "ftps", "http", "https", "iscsi", "iser", "nfs", "rbd", "ssh"
#define PROTOCOLS_GLUSTER "gluster", "gluster+tcp", "gluster+unix", "gluster+rdma"

static const char *const protocols_5_2[] = {
	PROTOCOLS_BUILTIN, PROTOCOLS_MODULES, PROTOCOLS_GLUSTER, NULL,
};
static const char *const protocols_10_0[] = {
	PROTOCOLS_BUILTIN, PROTOCOLS_MODULES, PROTOCOLS_GLUSTER, DRIVERS_BLKIO, NULL,
};
static const char *const protocols_11_1[] = {
	PROTOCOLS_BUILTIN, PROTOCOLS_MODULES, DRIVERS_BLKIO, NULL,
};

/* ---- the profiles ---------------------------------------------------------- */

/* What 6.0 to 9.x share but their number parsers. */
#define PROFILE_6_TO_9                                                         \
	.count_parser = DDP_COUNT_STRTOSZ, .getopt = DDP_GETOPT_QEMU,             \
	.long_options = long_options_5_2, .object = DDP_OBJECT_AT_OPTION,         \
	.msg = {COMMON_MSGS, QEMU_GETOPT_MSGS, OPEN_MSGS_6_0, INVALID_NUMBER_TWO_LINES}, \
	.drivers = drivers_7_2, .protocols = protocols_5_2, .max_modelled_size = TiB

/* What 10.0 on share: 8.1's qemu_strtosz for bs, glibc printing getopt's errors. */
#define PROFILE_10_ON                                                          \
	.parser = DDP_PARSER_UINT, .hex_suffix = DDP_HEX_SUFFIX_ERROR,            \
	.getopt = DDP_GETOPT_GLIBC, .object = DDP_OBJECT_AT_OPTION,               \
	.max_modelled_size = TiB

static const ddp_profile profiles[] = {
	{
		.name = "5.2",
		.first = V(5, 2, 0),
		.measured_lo = V(5, 2, 0),
		.measured_hi = V(5, 2, 99),
		.measured = "Debian bullseye 1:5.2+dfsg-11+deb11u3",
		.parser = DDP_PARSER_STRTOD,
		.hex_suffix = DDP_HEX_SUFFIX_PLAIN,
		.count_parser = DDP_COUNT_STRTOSZ,
		.getopt = DDP_GETOPT_QEMU,
		.long_options = long_options_5_2,
		.object = DDP_OBJECT_AFTER_OPERANDS,
		.msg = {COMMON_MSGS, QEMU_GETOPT_MSGS, OPEN_MSGS_5_2, INVALID_NUMBER_TWO_LINES},
		.formats = formats_5_2,
		.drivers = drivers_5_2,
		.protocols = protocols_5_2,
		.max_modelled_size = TiB,
	},
	{
		.name = "7.2",
		.first = V(6, 0, 0),
		.measured_lo = V(7, 2, 0),
		.measured_hi = V(7, 2, 99),
		.measured = "Debian bookworm 1:7.2+dfsg-7+deb12u18+b3 (qemu-img 7.2.22)",
		.parser = DDP_PARSER_U64,
		.hex_suffix = DDP_HEX_SUFFIX_WARN,
		.fraction_one_bug = 1,
		.formats = formats_7_2,
		PROFILE_6_TO_9,
	},
	{
		.name = "8.0",
		.first = V(8, 0, 0),
		.measured_lo = NEVER,
		.measured_hi = NEVER,
		.measured = "never measured: 7.2's rules but hex with a suffix is a parse error "
		            "(upstream history; no Debian suite ships 8.0)",
		.parser = DDP_PARSER_U64,
		.hex_suffix = DDP_HEX_SUFFIX_ERROR,
		.fraction_one_bug = 1,
		.formats = formats_8,
		PROFILE_6_TO_9,
	},
	{
		.name = "8.1",
		.first = V(8, 1, 0),
		.measured_lo = NEVER,
		.measured_hi = NEVER,
		.measured = "never measured: 8.0's rules with 8.1's qemu_strtosz, the one Debian's "
		            "10.0 and 11.1 use for bs (upstream history; no Debian suite ships 8.1 to 9.2)",
		.parser = DDP_PARSER_UINT,
		.hex_suffix = DDP_HEX_SUFFIX_ERROR,
		.formats = formats_8,
		PROFILE_6_TO_9,
	},
	{
		.name = "10.0",
		.first = V(10, 0, 0),
		.measured_lo = V(10, 0, 0),
		.measured_hi = V(10, 0, 99),
		.measured = "Debian bookworm-backports 1:10.0.2+ds-2+deb13u1~bpo12+1 and trixie "
		            "1:10.0.13+ds-0+deb13u1",
		PROFILE_10_ON,
		/* mjt's options series as first posted: count and skip are integers */
		.count_parser = DDP_COUNT_STRTOU64,
		.long_options = long_options_10_0,
		.msg = {COMMON_MSGS, GLIBC_GETOPT_MSGS("info"), OPEN_MSGS_6_0,
		        INVALID_NUMBER_QUOTED(".")},
		.formats = formats_10_0,
		.drivers = drivers_10_0,
		.protocols = protocols_10_0,
	},
	{
		.name = "11.1",
		.first = V(10, 1, 0),
		.measured_lo = V(11, 1, 0),
		.measured_hi = V(11, 1, 99),
		.measured = "Debian forky 1:11.1.2+ds-3 and sid 1:11.1.3+ds-1",
		PROFILE_10_ON,
		/* the series as merged (10.1): sizes again, reordered options */
		.count_parser = DDP_COUNT_STRTOSZ,
		.long_options = long_options_11_1,
		.msg = {COMMON_MSGS, GLIBC_GETOPT_MSGS("information"), OPEN_MSGS_6_0,
		        INVALID_NUMBER_QUOTED("")},
		.formats = formats_11_1,
		.drivers = drivers_11_1,
		.protocols = protocols_11_1,
	},
};

/*
 * The builds measured themselves: each has baselines in expected-outputs
 * (dd-info-json/<version>/, checked by the baselines test).  A version not
 * listed is modelled by its profile but unmeasured: `ddparity versions`,
 * predict, fuzz and report say so, and ci/drift-watch runs it against its
 * nearest measured neighbour.
 */
static const ddp_version measured_builds[] = {
	V(5, 2, 0), V(7, 2, 22), V(10, 0, 2), V(10, 0, 13), V(11, 1, 2), V(11, 1, 3),
};

const ddp_version *ddp_measured_versions(size_t *n)
{
	*n = DDP_ARRAY_SIZE(measured_builds);
	return measured_builds;
}

int ddp_version_measured(ddp_version v)
{
	for (size_t i = 0; i < DDP_ARRAY_SIZE(measured_builds); i++)
		if (!ddp_version_cmp(measured_builds[i], v))
			return 1;
	return 0;
}

/* The nearest measured build below (else above) v, of profile p when not NULL. */
static const ddp_version *measured_below(ddp_version v, int below, const ddp_profile *p)
{
	const ddp_version *best = NULL;

	for (size_t i = 0; i < DDP_ARRAY_SIZE(measured_builds); i++) {
		const ddp_version *m = &measured_builds[i];
		int c = ddp_version_cmp(*m, v);
		if ((p && ddp_profile_for(*m, NULL) != p) || (below ? c >= 0 : c <= 0))
			continue;
		if (!best || (below ? ddp_version_cmp(*m, *best) > 0 : ddp_version_cmp(*m, *best) < 0))
			best = m;
	}
	return best;
}

ddp_version ddp_version_neighbour(ddp_version v)
{
	const ddp_profile *p = ddp_profile_for(v, NULL);
	const ddp_version *m;

	if (ddp_version_measured(v))
		return v;
	if ((m = measured_below(v, 1, p)) || (m = measured_below(v, 0, p)) ||
	    (m = measured_below(v, 1, NULL)))
		return *m;
	return measured_builds[0];
}

size_t ddp_profile_count(void)
{
	return DDP_ARRAY_SIZE(profiles);
}

const ddp_profile *ddp_profile_at(size_t i)
{
	return i < DDP_ARRAY_SIZE(profiles) ? &profiles[i] : NULL;
}

const char *ddp_profile_name(const ddp_profile *p)
{
	return p->name;
}

static int never_measured(const ddp_profile *p)
{
	return p->measured_hi.major == 0;
}

const ddp_profile *ddp_profile_for(ddp_version v, int *exact)
{
	const ddp_profile *best = &profiles[0];

	for (size_t i = 0; i < DDP_ARRAY_SIZE(profiles); i++)
		if (ddp_version_cmp(profiles[i].first, v) <= 0)
			best = &profiles[i];
	if (exact)
		*exact = !never_measured(best) &&
		         ddp_version_cmp(best->measured_lo, v) <= 0 &&
		         ddp_version_cmp(v, best->measured_hi) <= 0;
	return best;
}

size_t ddp_profile_explain(char *buf, size_t size, ddp_version v)
{
	int exact;
	const ddp_profile *p = ddp_profile_for(v, &exact);
	int n;

	if (exact && ddp_version_measured(v))
		n = snprintf(buf, size, "qemu %d.%d.%d uses profile %s (measured on %s)",
		             v.major, v.minor, v.micro, p->name, p->measured);
	else if (exact)
		n = snprintf(buf, size, "qemu %d.%d.%d uses profile %s (measured on %s); "
		             "%d.%d.%d itself is unmeasured",
		             v.major, v.minor, v.micro, p->name, p->measured, v.major, v.minor,
		             v.micro);
	else
		n = snprintf(buf, size,
		             "qemu %d.%d.%d has no profile of its own; using %s, the newest "
		             "profile at or below it (or the oldest, for older versions), "
		             "for %d.%d on: %s%s",
		             v.major, v.minor, v.micro, p->name, p->first.major,
		             p->first.minor, never_measured(p) ? "" : "measured on ",
		             p->measured);
	return n < 0 ? 0 : (size_t)n;
}

const ddp_format_rule *ddp_profile_format(const ddp_profile *p, const char *name)
{
	for (const ddp_format_rule *f = p->formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

int ddp_profile_has(const char *const *list, const char *name, size_t len)
{
	for (; *list; list++)
		if (strlen(*list) == len && !memcmp(*list, name, len))
			return 1;
	return 0;
}
