/*
 * profiles.c: what differs between qemu versions, as data.
 *
 * One profile per range of versions that behave alike in `qemu-img dd`:
 * how qemu_strtosz reads numbers, the texts qemu prints, and the formats
 * built in.  Every entry was measured on a real Debian build (see
 * ARCHITECTURE.md, "Versions"); a version without its own profile gets the
 * newest profile at or below it.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define TiB (1024ULL * 1024 * 1024 * 1024)

/* Texts shared by every version measured so far. */
#define COMMON_MSGS                                                            \
	[DDP_MSG_UNRECOGNIZED_OPTION] = "qemu-img: unrecognized option '{0}'",     \
	[DDP_MSG_MISSING_ARGUMENT] = "qemu-img: missing argument for option '{0}'", \
	[DDP_MSG_TRY_HELP] = "Try 'qemu-img --help' for more information",         \
	[DDP_MSG_UNRECOGNIZED_OPERAND] = "qemu-img: unrecognized operand {0}",     \
	[DDP_MSG_NUMBER_RANGE] = "qemu-img: Invalid {0} specified. Must be between {n0} and {n1}.", \
	[DDP_MSG_HEX_SUFFIX] = "qemu-img: warning: Using a multiplier suffix on hex numbers is deprecated: {0}", \
	[DDP_MSG_NEED_IF_OF] = "qemu-img: Must specify both input and output files", \
	[DDP_MSG_OPEN_FAILED] = "qemu-img: Could not open '{0}': {1}",             \
	[DDP_MSG_OPEN_NO_FILENAME] = "qemu-img: Could not open '{0}': The 'file' block driver requires a file name", \
	[DDP_MSG_OPEN_MISSING] = "qemu-img: Could not open '{0}': Could not open '{0}': No such file or directory", \
	[DDP_MSG_OPEN_UNKNOWN_PROTOCOL] = "qemu-img: Could not open '{0}': Unknown protocol '{1}'", \
	[DDP_MSG_OPEN_UNKNOWN_DRIVER] = "qemu-img: Could not open '{0}': Unknown driver '{1}'", \
	[DDP_MSG_OPEN_IMAGE_OPTS] = "qemu-img: Could not open '{0}': Cannot find device='{0}' nor node-name='{0}'", \
	[DDP_MSG_UNKNOWN_FORMAT] = "qemu-img: Unknown file format",                \
	[DDP_MSG_UNKNOWN_PROTOCOL] = "qemu-img: Unknown protocol '{0}'",           \
	[DDP_MSG_NO_CREATE] = "qemu-img: Format driver '{0}' does not support image creation", \
	[DDP_MSG_CREATE_FAILED] = "qemu-img: {0}: error while creating output image: {1}", \
	[DDP_MSG_CREATE_NO_PATH] = "qemu-img: {0}: error while creating output image: Could not create '{0}': No such file or directory", \
	[DDP_MSG_SKIP_PAST_EOF] = "qemu-img: {0}: cannot skip to specified offset"

#define OLD_INVALID_NUMBER                                                     \
	[DDP_MSG_INVALID_NUMBER] = "qemu-img: Invalid {0} specified. You may use k, M, G, T, P or E suffixes for", \
	[DDP_MSG_INVALID_NUMBER_2] = "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes."

#define NEW_INVALID_NUMBER                                                     \
	[DDP_MSG_INVALID_NUMBER] = "qemu-img: Invalid {0} specified: '{1}'."

#define NO_CREATE(n) {n, DDP_FMT_NO_CREATE, NULL, DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK, NULL, NULL}
#define HOST_DEPENDENT(n) {n, DDP_FMT_UNMODELLED, NULL, DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK, NULL, NULL}

/* Output formats of the 7.2 build (Debian 1:7.2+dfsg-7). */
static const ddp_format_rule formats_7_2[] = {
	{"raw", DDP_FMT_OUTPUT, "raw", DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK, NULL, NULL},
	{"file", DDP_FMT_OUTPUT, "raw", DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK, NULL, NULL},
	{"qcow2", DDP_FMT_OUTPUT, "qcow2", DDP_SIZE_ROUND512, DDP_CLUSTER_FIXED, 65536, DDP_ZERO_OK, NULL,
	 "Image is not in qcow2 format"},
	{"vmdk", DDP_FMT_OUTPUT, "vmdk", DDP_SIZE_ROUND512, DDP_CLUSTER_FIXED, 65536, DDP_ZERO_REOPEN_FAILS,
	 "Unsupported image type 'monolithicSparse'", "invalid VMDK image descriptor"},
	{"vpc", DDP_FMT_OUTPUT, "vpc", DDP_SIZE_VHD_CHS, DDP_CLUSTER_FIXED, 2097152, DDP_ZERO_OK, NULL,
	 "invalid VPC image"},
	{"vhdx", DDP_FMT_OUTPUT, "vhdx", DDP_SIZE_ROUND512, DDP_CLUSTER_VHDX, 0, DDP_ZERO_OK, NULL, NULL},
	{"qcow", DDP_FMT_OUTPUT, "qcow", DDP_SIZE_ROUND512, DDP_CLUSTER_FIXED, 4096, DDP_ZERO_CREATE_FAILS,
	 "Image size is too small, cannot be zero length", "Image not in qcow format"},
	{"qed", DDP_FMT_OUTPUT, "qed", DDP_SIZE_ROUND512, DDP_CLUSTER_FIXED, 65536, DDP_ZERO_OK, NULL,
	 "Image not in QED format"},
	{"vdi", DDP_FMT_OUTPUT, "vdi", DDP_SIZE_ROUND512, DDP_CLUSTER_FIXED, 1048576, DDP_ZERO_OK, NULL, NULL},
	{"parallels", DDP_FMT_OUTPUT, "parallels", DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK, NULL,
	 "Image not in Parallels format"},
	{"luks", DDP_FMT_CREATE_FAILS, NULL, DDP_SIZE_ROUND512, DDP_CLUSTER_NONE, 0, DDP_ZERO_OK,
	 "Parameter 'key-secret' is required for cipher", NULL},
	NO_CREATE("blkdebug"), NO_CREATE("blklogwrites"), NO_CREATE("blkverify"),
	NO_CREATE("bochs"), NO_CREATE("cloop"), NO_CREATE("compress"),
	NO_CREATE("copy-before-write"), NO_CREATE("copy-on-read"), NO_CREATE("dmg"),
	NO_CREATE("ftp"), NO_CREATE("ftps"), NO_CREATE("http"), NO_CREATE("https"),
	NO_CREATE("null-aio"), NO_CREATE("null-co"), NO_CREATE("preallocate"),
	NO_CREATE("quorum"), NO_CREATE("replication"), NO_CREATE("snapshot-access"),
	NO_CREATE("throttle"), NO_CREATE("vvfat"),
	HOST_DEPENDENT("gluster"), HOST_DEPENDENT("host_cdrom"), HOST_DEPENDENT("host_device"),
	HOST_DEPENDENT("iscsi"), HOST_DEPENDENT("iser"), HOST_DEPENDENT("nbd"),
	HOST_DEPENDENT("nfs"), HOST_DEPENDENT("nvme"), HOST_DEPENDENT("rbd"),
	HOST_DEPENDENT("ssh"),
	{NULL, 0, NULL, 0, 0, 0, 0, NULL, NULL},
};

/* `qemu-img --help`, "Supported formats:" of the 7.2 build. */
static const char *const drivers_7_2[] = {
	"blkdebug", "blklogwrites", "blkverify", "bochs", "cloop", "compress",
	"copy-before-write", "copy-on-read", "dmg", "file", "ftp", "ftps",
	"gluster", "host_cdrom", "host_device", "http", "https", "iscsi", "iser",
	"luks", "nbd", "nfs", "null-aio", "null-co", "nvme", "parallels",
	"preallocate", "qcow", "qcow2", "qed", "quorum", "raw", "rbd",
	"replication", "snapshot-access", "ssh", "throttle", "vdi", "vhdx",
	"vmdk", "vpc", "vvfat", NULL,
};

/* Protocol prefixes ("nbd:...") the 7.2 build resolves to a driver. */
static const char *const protocols_7_2[] = {
	"file", "host_device", "host_cdrom", "nbd", "nbd+tcp", "nbd+unix",
	"nbd+vsock", "ftp", "ftps", "http", "https", "gluster", "gluster+tcp",
	"gluster+unix", "gluster+rdma", "iscsi", "iser", "nfs", "rbd", "ssh",
	"null-co", "null-aio", "nvme", "fat", "blkdebug", "blkverify", "json",
	"vvfat", NULL,
};

static const ddp_profile profiles[] = {
	{
		.name = "5.2",
		.first = {5, 0, 0},
		.last = {5, 2, 0},
		.measured = "Debian bullseye 1:5.2+dfsg",
		.parser = DDP_PARSER_STRTOD,
		.hex_suffix = DDP_HEX_SUFFIX_PLAIN,
		.msg = {COMMON_MSGS, OLD_INVALID_NUMBER},
		.formats = formats_7_2,
		.drivers = drivers_7_2,
		.protocols = protocols_7_2,
		.max_modelled_size = TiB,
	},
	{
		.name = "7.2",
		.first = {6, 0, 0},
		.last = {7, 2, 99},
		.measured = "Debian bookworm 1:7.2+dfsg-7 (qemu-img 7.2.22)",
		.parser = DDP_PARSER_U64,
		.hex_suffix = DDP_HEX_SUFFIX_WARN,
		.fraction_one_bug = 1,
		.msg = {COMMON_MSGS, OLD_INVALID_NUMBER},
		.formats = formats_7_2,
		.drivers = drivers_7_2,
		.protocols = protocols_7_2,
		.max_modelled_size = TiB,
	},
	{
		.name = "8.0",
		.first = {8, 0, 0},
		.last = {8, 0, 99},
		.measured = "upstream history only",
		.parser = DDP_PARSER_U64,
		.hex_suffix = DDP_HEX_SUFFIX_ERROR,
		.fraction_one_bug = 1,
		.msg = {COMMON_MSGS, OLD_INVALID_NUMBER},
		.formats = formats_7_2,
		.drivers = drivers_7_2,
		.protocols = protocols_7_2,
		.max_modelled_size = TiB,
	},
	{
		.name = "8.1",
		.first = {8, 1, 0},
		.last = {9, 2, 99},
		.measured = "upstream history only",
		.parser = DDP_PARSER_UINT,
		.hex_suffix = DDP_HEX_SUFFIX_ERROR,
		.msg = {COMMON_MSGS, OLD_INVALID_NUMBER},
		.formats = formats_7_2,
		.drivers = drivers_7_2,
		.protocols = protocols_7_2,
		.max_modelled_size = TiB,
	},
	{
		.name = "10.0",
		.first = {10, 0, 0},
		.last = {11, 1, 99},
		.measured = "not yet measured",
		.parser = DDP_PARSER_UINT,
		.hex_suffix = DDP_HEX_SUFFIX_ERROR,
		.msg = {COMMON_MSGS, NEW_INVALID_NUMBER},
		.formats = formats_7_2,
		.drivers = drivers_7_2,
		.protocols = protocols_7_2,
		.max_modelled_size = TiB,
	},
};

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

const ddp_profile *ddp_profile_for(ddp_version v, int *exact)
{
	const ddp_profile *best = &profiles[0];

	for (size_t i = 0; i < DDP_ARRAY_SIZE(profiles); i++)
		if (ddp_version_cmp(profiles[i].first, v) <= 0)
			best = &profiles[i];
	if (exact)
		*exact = ddp_version_cmp(best->first, v) <= 0 &&
		         ddp_version_cmp(v, best->last) <= 0;
	return best;
}

size_t ddp_profile_explain(char *buf, size_t size, ddp_version v)
{
	int exact;
	const ddp_profile *p = ddp_profile_for(v, &exact);
	int n;

	if (exact)
		n = snprintf(buf, size, "qemu %d.%d.%d uses profile %s (measured on %s)",
		             v.major, v.minor, v.micro, p->name, p->measured);
	else
		n = snprintf(buf, size,
		             "qemu %d.%d.%d has no profile of its own; using %s, the newest "
		             "profile at or below it (or the oldest, for older versions)",
		             v.major, v.minor, v.micro, p->name);
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
