/* source.c: where the generator's choices come from. */
#include <string.h>

#include "engine/engine.h"

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Case n of a seed is the same whatever ran before it or beside it. */
void ddp_source_seed(ddp_source *src, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ splitmix(&stream);

	memset(src, 0, sizeof(*src));
	for (int i = 0; i < 4; i++)
		src->s[i] = splitmix(&x);
}

void ddp_source_bytes(ddp_source *src, const uint8_t *data, size_t len)
{
	memset(src, 0, sizeof(*src));
	src->data = data;
	src->len = len;
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t ddp_source_u64(ddp_source *src)
{
	uint64_t r, t;

	if (src->data) {
		/* A fuzzer's bytes: short choices use few bytes; exhausted reads 0. */
		r = 0;
		for (int i = 0; i < 8 && src->pos < src->len; i++)
			r = (r << 8) | src->data[src->pos++];
		return r;
	}
	r = rotl(src->s[1] * 5, 7) * 9;
	t = src->s[1] << 17;
	src->s[2] ^= src->s[0];
	src->s[3] ^= src->s[1];
	src->s[1] ^= src->s[2];
	src->s[0] ^= src->s[3];
	src->s[2] ^= t;
	src->s[3] = rotl(src->s[3], 45);
	return r;
}

uint64_t ddp_source_below(ddp_source *src, uint64_t n)
{
	if (n == 0)
		return 0;
	if (src->data) {
		/* One byte for small choices keeps a fuzzer's mutations local. */
		uint64_t r = 0;
		int bytes = n <= 256 ? 1 : n <= 65536 ? 2 : 8;
		for (int i = 0; i < bytes && src->pos < src->len; i++)
			r = (r << 8) | src->data[src->pos++];
		return r % n;
	}
	return ddp_source_u64(src) % n;
}

int ddp_source_chance(ddp_source *src, unsigned percent)
{
	return ddp_source_below(src, 100) < percent;
}
