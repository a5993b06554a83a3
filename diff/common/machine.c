/*
 * machine.c: telling the machine's trouble from qemu's behaviour.  A tool
 * that ran out of disk or quota fails as qemu never would on a roomy disk;
 * recording that as a finding, a baseline or a replay failure would be a
 * lie, so every runner asks here and reports the suite's own error.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/statvfs.h>

#include "common/common.h"

int ddp_machine_fault(const char *what, const char *dir, const char *text, size_t len,
                      ddp_error *err)
{
	/* What the C library says for ENOSPC and EDQUOT, whoever prints it. */
	static const char *const says[] = {"No space left on device", "Disk quota exceeded", NULL};
	struct statvfs vfs;
	unsigned long long avail;

	if (statvfs(dir, &vfs))
		return ddp_error_errno(err, dir, "cannot read the filesystem's free space");
	avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	for (const char *const *s = says; text && *s; s++)
		if (memmem(text, len, *s, strlen(*s)))
			return ddp_error_set(err, DDP_ERROR, what, 0, 0,
			                     "the filesystem is full at %s: a tool said '%s' (%llu bytes "
			                     "free); the machine's trouble, not qemu's", dir, *s, avail);
	if (avail < DDP_MIN_FREE_BYTES)
		return ddp_error_set(err, DDP_ERROR, what, 0, 0,
		                     "the filesystem is full at %s (%llu bytes free, %llu needed)",
		                     dir, avail, DDP_MIN_FREE_BYTES);
	return DDP_OK;
}
