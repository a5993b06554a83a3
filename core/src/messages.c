/* messages.c: qemu's stderr lines, rendered from a profile's templates. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Copies len bytes to buf at *pos while room remains; counts them all. */
static void put(char *buf, size_t size, size_t *pos, const char *s, size_t len)
{
	if (*pos < size) {
		size_t room = size - 1 - *pos;
		memcpy(buf + *pos, s, len < room ? len : room);
	}
	*pos += len;
}

size_t ddp_msg_render(char *buf, size_t size, const ddp_msg *m,
                      const ddp_profile *p)
{
	const char *t = (unsigned)m->id < DDP_MSG__COUNT ? p->msg[m->id] : NULL;
	size_t pos = 0;

	if (!t)
		t = "qemu-img: (no text for this message in this version)";
	while (*t) {
		const char *open = strchr(t, '{');
		char num[24];

		if (!open) {
			put(buf, size, &pos, t, strlen(t));
			break;
		}
		put(buf, size, &pos, t, (size_t)(open - t));
		if (!strncmp(open, "{0}", 3) || !strncmp(open, "{1}", 3)) {
			const ddp_slice *s = &m->s[open[1] - '0'];
			put(buf, size, &pos, s->ptr ? s->ptr : "", s->ptr ? s->len : 0);
			t = open + 3;
		} else if (!strncmp(open, "{n0}", 4) || !strncmp(open, "{n1}", 4)) {
			int n = snprintf(num, sizeof(num), "%" PRId64, m->n[open[2] - '0']);
			put(buf, size, &pos, num, (size_t)n);
			t = open + 4;
		} else if (!strncmp(open, "{L}", 3)) {
			/* glibc's possibilities: " '--name'" per bit of n0, in table order */
			for (size_t i = 0; p->long_options && p->long_options[i].name && i < 63; i++) {
				if (!(m->n[0] >> i & 1))
					continue;
				put(buf, size, &pos, " '--", 4);
				put(buf, size, &pos, p->long_options[i].name,
				    strlen(p->long_options[i].name));
				put(buf, size, &pos, "'", 1);
			}
			t = open + 3;
		} else {
			put(buf, size, &pos, "{", 1);
			t = open + 1;
		}
	}
	if (size)
		buf[pos < size ? pos : size - 1] = '\0';
	return pos;
}

void ddp_outcome_add(ddp_outcome *out, ddp_msg_id id, const char *s0,
                     size_t len0, const char *s1, size_t len1)
{
	ddp_msg *m;

	if (out->nmsgs >= DDP_MAX_MSGS)
		return;
	m = &out->msgs[out->nmsgs++];
	memset(m, 0, sizeof(*m));
	m->id = id;
	m->s[0].ptr = s0;
	m->s[0].len = len0;
	m->s[1].ptr = s1;
	m->s[1].len = len1;
}
