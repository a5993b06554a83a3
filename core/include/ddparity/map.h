/*
 * ddparity/map.h: `qemu-img map --output=json`, read and compared.
 *
 * qemu prints one JSON object per extent, in its own spacing, with fields
 * that come and go between versions ("present" from 6.0, "compressed" from
 * 10.0; "offset" only for extents with a host offset).  The canonical form
 * keeps every field and every extent as qemu gave them (merging or
 * splitting extents is exactly what a reimplementation gets wrong), and
 * drops only the spacing and key order: one extent a line, keys sorted.
 */
#ifndef DDPARITY_MAP_H
#define DDPARITY_MAP_H

#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The canonical form of a map JSON text (len bytes, need not be
 * NUL-terminated):
 *
 *     [
 *     {"data":true,"depth":0,"length":8192,"offset":20480,"present":true,"start":0,"zero":false},
 *     ...
 *     ]
 *
 * The text must be an array of objects, each with integer "start",
 * "length" and "depth" (>= 0) and boolean "zero" and "data"; "present" and
 * "compressed" must be booleans and "offset" an integer when present.
 * Errors (DDP_EJSON, DDP_EINVAL) name source and the line and column.
 * Free *out with ddp_map_free.
 */
DDP_EXTERN int ddp_map_normalise(char **out, const char *text, size_t len,
                                 const char *source, ddp_error *err);

DDP_EXTERN void ddp_map_free(char *text);

typedef struct ddp_map_diff {
	size_t extents_a, extents_b;
	long first;          /* index of the first extent that differs; -1 when equal */
	/*
	 * The differing fields over all extents compared by index, sorted and
	 * comma-separated ("data,offset"), with "extents" first when the counts
	 * differ; "" when equal.
	 */
	char signature[160];
	/* The first difference, for people: `extent 3 (start 65536): "zero" true / false`. */
	char detail[256];
} ddp_map_diff;

/*
 * Compares two map texts (each is normalised first, so qemu's own output
 * can be given).  Errors name err->source "A" or "B".
 */
DDP_EXTERN int ddp_map_compare(ddp_map_diff *out, const char *a, size_t a_len,
                               const char *b, size_t b_len, ddp_error *err);

#ifdef __cplusplus
}
#endif

#endif
