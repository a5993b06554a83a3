/* version.c: qemu version numbers, as written and as qemu-img reports them. */
#include <ctype.h>
#include <string.h>

#include "internal.h"

static int read_part(int *out, const char **p)
{
	long v = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		if (v > 100000)
			return -1;
		(*p)++;
	}
	*out = (int)v;
	return 0;
}

int ddp_version_parse(ddp_version *out, const char *text, ddp_error *err)
{
	static const char banner[] = "qemu-img version ";
	const char *p = text;
	ddp_version v = {0, 0, 0};

	if (!text)
		return ddp_fail(err, DDP_EINVAL, "version", 0, 0, 0, "no version given");
	if (!strncmp(p, banner, sizeof(banner) - 1))
		p += sizeof(banner) - 1;
	if (read_part(&v.major, &p) || *p != '.' || (p++, read_part(&v.minor, &p)))
		return ddp_fail(err, DDP_EINVAL, "version", 0, 0, (size_t)(p - text),
		                "'%.60s' is not a qemu version (expected MAJOR.MINOR[.MICRO])", text);
	if (*p == '.' && (p++, read_part(&v.micro, &p)))
		return ddp_fail(err, DDP_EINVAL, "version", 0, 0, (size_t)(p - text),
		                "'%.60s' has a bad micro version", text);
	/* After the number only the banner's " (Debian ...)" tail may follow. */
	if (*p && *p != ' ' && *p != '\n')
		return ddp_fail(err, DDP_EINVAL, "version", 0, 0, (size_t)(p - text),
		                "'%.60s' has junk after the version", text);
	*out = v;
	return DDP_OK;
}

int ddp_version_cmp(ddp_version a, ddp_version b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	if (a.micro != b.micro)
		return a.micro < b.micro ? -1 : 1;
	return 0;
}
