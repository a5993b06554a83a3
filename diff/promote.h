/*
 * promote.h: the parts of `ddparity promote` that decide, apart from the
 * command: whether a new dd case or map window may join its list, and the
 * list file with one more line, written whole.
 */
#ifndef DDP_PROMOTE_H
#define DDP_PROMOTE_H

#include <stddef.h>

#include "baseline.h"
#include "map.h"

/*
 * Whether case c may join cases (read from path): DDP_OK, or DDP_EINVAL
 * with err (source path, the clashing line) saying that the name is taken
 * or the same case is there under another name.  Pure.
 */
int ddp_promote_check_case(const ddp_ddcases *cases, const ddp_ddcase *c, const char *path,
                           ddp_error *err);

/*
 * The same for window w and map manifest m (read from path): its name
 * taken, or a window from the start of the same delta and length there.
 * Pure.
 */
int ddp_promote_check_window(const ddp_map_manifest *m, const ddp_map_window *w, const char *path,
                             ddp_error *err);

/*
 * text (len bytes) with line after it, a newline between when text does
 * not end in one: malloc'd, NULL when out of memory.  Pure.
 */
char *ddp_promote_joined(const char *text, size_t len, const char *line);

/*
 * path with line at its end, written whole (ddp_write_atomic: temporary,
 * fsync, rename), so a kill leaves the old file or the new; at most max
 * bytes of path are read.  DDP_OK, or an error in err.
 */
int ddp_promote_append(const char *path, const char *line, size_t max, ddp_error *err);

#endif
