/*
 * info.c: `qemu-img info --output=json` read safely, made canonical
 * (normalised) and compared field by field under a profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

/* ---- the fields that vary per run --------------------------------------- */

typedef enum volatile_action {
	VF_PATH,       /* replaced when the value is one of the given paths */
	VF_ALWAYS,     /* replaced whatever it is; its presence is kept */
	VF_UNLESS_NONE /* replaced unless it is the integer `none` */
} volatile_action;

/*
 * THE list of info fields whose values differ between two runs of the
 * same command, or between two output paths, without that being a
 * divergence.  Everything else in an info is kept as it is.  The children
 * array newer qemu versions add (8.0 on) is not removed: it is normalised
 * inside like the rest, and only the strict profile compares it.
 */
static const struct volatile_field {
	ddp_info_volatile pub;   /* key, scope, marker, why */
	const char *in_type;     /* NULL: any object; else only inside the
	                            "data" of a {"type": in_type, "data": ...} */
	volatile_action action;
	json_int_t none;         /* VF_UNLESS_NONE: the value kept */
} volatile_fields[] = {
	/* qemu echoes the path it was given: top level, each vmdk extent,
	 * each child node (8.0 on). */
	{{"filename", "any object", "$FILENAME",
	  "echoes the path given to qemu-img"}, NULL, VF_PATH, 0},
	/* Backing files: never made by dd, but an info of another image may
	 * name one of the given paths. */
	{{"backing-filename", "any object", "$FILENAME",
	  "echoes the backing path given at creation"}, NULL, VF_PATH, 0},
	{{"full-backing-filename", "any object", "$FILENAME",
	  "the backing path as qemu resolved it"}, NULL, VF_PATH, 0},
	/* Host allocation (st_blocks): depends on the filesystem, its block
	 * size, holes and delayed allocation; present or not is kept. */
	{{"actual-size", "any object", "$ACTUAL_SIZE",
	  "host allocation, per filesystem"}, NULL, VF_ALWAYS, 0},
	/* vmdk.c sets the content ID from g_random_int() at creation and
	 * again at the first write. */
	{{"cid", "vmdk format-specific data", "$CID",
	  "random content ID, per creation and first write"}, "vmdk", VF_ALWAYS, 0},
	/* The parent's random CID; 0xffffffff (no parent), which every image
	 * dd creates has, is fixed and kept. */
	{{"parent-cid", "vmdk format-specific data", "$PARENT_CID",
	  "the parent's random CID (4294967295, no parent, is kept)"},
	 "vmdk", VF_UNLESS_NONE, 4294967295LL},
};

size_t ddp_info_volatile_count(void)
{
	return DDP_ARRAY_SIZE(volatile_fields);
}

const ddp_info_volatile *ddp_info_volatile_at(size_t i)
{
	return i < DDP_ARRAY_SIZE(volatile_fields) ? &volatile_fields[i].pub : NULL;
}

/* ---- reading info JSON ---------------------------------------------------- */

/*
 * Parses info JSON: an object, no duplicate keys, integers within int64,
 * at most DDP_INFO_MAX_DEPTH levels.  *out is a new reference.
 */
static int info_load(json_t **out, const char *text, size_t len,
                     const char *source, ddp_error *err)
{
	json_t *root;
	int rc;

	*out = NULL;
	if ((rc = ddp_json_parse(&root, text, len, source, err)))
		return rc;
	if (!json_is_object(root)) {
		json_decref(root);
		return ddp_fail(err, DDP_EINVAL, source, 1, 1, 0,
		                "info must be a JSON object, not an array");
	}
	if ((rc = ddp_json_check_depth(root, source, err))) {
		json_decref(root);
		return rc;
	}
	*out = root;
	return DDP_OK;
}

/* ---- normalisation -------------------------------------------------------- */

typedef struct norm_ctx {
	const char *const *paths;
	size_t n_paths;
	const char *auto_path; /* the top-level filename when no paths given */
} norm_ctx;

static int is_known_path(const norm_ctx *ctx, const char *s)
{
	if (!ctx->n_paths)
		return ctx->auto_path && !strcmp(s, ctx->auto_path);
	for (size_t i = 0; i < ctx->n_paths; i++)
		if (ctx->paths[i] && !strcmp(s, ctx->paths[i]))
			return 1;
	return 0;
}

/* The marker for member key of an object in scope in_type, or NULL. */
static const char *marker_for(const norm_ctx *ctx, const char *key,
                              const json_t *value, const char *in_type)
{
	for (size_t i = 0; i < DDP_ARRAY_SIZE(volatile_fields); i++) {
		const struct volatile_field *f = &volatile_fields[i];

		if (strcmp(key, f->pub.key))
			continue;
		if (f->in_type && (!in_type || strcmp(in_type, f->in_type)))
			continue;
		switch (f->action) {
		case VF_PATH:
			if (json_is_string(value) &&
			    is_known_path(ctx, json_string_value(value)))
				return f->pub.marker;
			break;
		case VF_ALWAYS:
			return f->pub.marker;
		case VF_UNLESS_NONE:
			if (!json_is_integer(value) ||
			    json_integer_value(value) != f->none)
				return f->pub.marker;
			break;
		}
	}
	return NULL;
}

/*
 * Replaces volatile members of v in place.  in_type is the format-specific
 * type when v is the "data" of a {"type": T, "data": v} object.
 */
static int normalise_value(json_t *v, const char *in_type, const norm_ctx *ctx)
{
	if (json_is_object(v)) {
		json_t *type = json_object_get(v, "type");
		const char *type_name = json_is_string(type) ? json_string_value(type) : NULL;

		for (void *it = json_object_iter(v); it;
		     it = json_object_iter_next(v, it)) {
			const char *key = json_object_iter_key(it);
			json_t *child = json_object_iter_value(it);
			const char *marker = marker_for(ctx, key, child, in_type);

			if (marker) {
				if (json_object_iter_set_new(v, it, json_string(marker)))
					return DDP_ENOMEM;
				continue;
			}
			if (normalise_value(child, !strcmp(key, "data") ? type_name : NULL,
			                    ctx))
				return DDP_ENOMEM;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *child;

		json_array_foreach(v, i, child)
			if (normalise_value(child, NULL, ctx))
				return DDP_ENOMEM;
	}
	return DDP_OK;
}

/* Dumps v canonically (sorted keys, indent 4) with a trailing newline. */
static int dump_canonical(char **out, const json_t *v, size_t flags, ddp_error *err)
{
	char *s = json_dumps(v, flags), *t;
	size_t n;

	*out = NULL;
	if (!s)
		return ddp_fail(err, DDP_ENOMEM, "info", 0, 0, 0, "cannot serialise JSON");
	n = strlen(s);
	if (!(t = realloc(s, n + 2))) {
		free(s);
		return ddp_fail(err, DDP_ENOMEM, "info", 0, 0, 0, "out of memory");
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	*out = t;
	return DDP_OK;
}

int ddp_info_normalise(char **out, const char *text, size_t len,
                       const char *const *paths, size_t n_paths,
                       ddp_error *err)
{
	norm_ctx ctx = {paths, n_paths, NULL};
	json_t *root, *top;
	int rc;

	if (!out)
		return ddp_fail(err, DDP_EINVAL, "info", 0, 0, 0, "no output given");
	*out = NULL;
	if (n_paths && !paths)
		return ddp_fail(err, DDP_EINVAL, "info", 0, 0, 0, "no paths given");
	if ((rc = info_load(&root, text, len, "info", err)))
		return rc;
	top = json_object_get(root, "filename");
	if (json_is_string(top))
		ctx.auto_path = json_string_value(top);
	/* auto_path points into root: copy it before the walk replaces it. */
	char *auto_copy = ctx.auto_path ? malloc(strlen(ctx.auto_path) + 1) : NULL;
	if (ctx.auto_path && !auto_copy) {
		json_decref(root);
		return ddp_fail(err, DDP_ENOMEM, "info", 0, 0, 0, "out of memory");
	}
	if (auto_copy)
		strcpy(auto_copy, ctx.auto_path);
	ctx.auto_path = auto_copy;
	if (normalise_value(root, NULL, &ctx))
		rc = ddp_fail(err, DDP_ENOMEM, "info", 0, 0, 0, "out of memory");
	else
		rc = dump_canonical(out, root, JSON_SORT_KEYS | JSON_INDENT(4), err);
	free(auto_copy);
	json_decref(root);
	return rc;
}

void ddp_info_free(char *text)
{
	free(text);
}

/* ---- profiles ------------------------------------------------------------- */

/* strict: everything normalisation leaves, children and markers included. */
static const ddp_info_rule strict_rules[] = {
	{"", DDP_INFO_EQUAL},
};

/* parity: what a reimplementation of dd must reproduce. */
static const ddp_info_rule parity_rules[] = {
	{"/virtual-size", DDP_INFO_EQUAL},
	{"/format", DDP_INFO_EQUAL},
	{"/cluster-size", DDP_INFO_EQUAL},
	{"/format-specific", DDP_INFO_EQUAL},
	{"/dirty-flag", DDP_INFO_EQUAL},
};

static const ddp_info_profile profiles[] = {
	{"strict", "every field after normalisation",
	 strict_rules, DDP_ARRAY_SIZE(strict_rules)},
	{"parity", "virtual-size, format, cluster-size, format-specific, dirty-flag",
	 parity_rules, DDP_ARRAY_SIZE(parity_rules)},
};

size_t ddp_info_profile_count(void)
{
	return DDP_ARRAY_SIZE(profiles);
}

const ddp_info_profile *ddp_info_profile_at(size_t i)
{
	return i < DDP_ARRAY_SIZE(profiles) ? &profiles[i] : NULL;
}

int ddp_info_profile_lookup(const ddp_info_profile **out, const char *name,
                            ddp_error *err)
{
	if (!out)
		return ddp_fail(err, DDP_EINVAL, "profile", 0, 0, 0, "no output given");
	*out = NULL;
	for (size_t i = 0; name && i < DDP_ARRAY_SIZE(profiles); i++) {
		if (!strcmp(name, profiles[i].name)) {
			*out = &profiles[i];
			return DDP_OK;
		}
	}
	return ddp_fail(err, DDP_EINVAL, "profile", 0, 0, 0,
	                "unknown profile '%s' (known: strict, parity)",
	                name ? name : "");
}

/* ---- comparison ------------------------------------------------------------ */

typedef struct cmp_ctx {
	const ddp_info_profile *profile;
	const char *segs[DDP_INFO_MAX_DEPTH + 2]; /* the path walked, unescaped */
	int is_index[DDP_INFO_MAX_DEPTH + 2];
	char idx[DDP_INFO_MAX_DEPTH + 2][24];
	size_t depth;
	ddp_info_difference *items;
	char **sig;                               /* one element per item */
	size_t count, cap;
} cmp_ctx;

/* Does the escaped pointer segment pat[0..n) match the key? */
static int seg_match(const char *pat, size_t n, const char *key)
{
	size_t i = 0;

	if (n == 1 && pat[0] == '*')
		return 1;
	while (i < n) {
		char c = pat[i++];
		if (c == '~' && i < n && (pat[i] == '0' || pat[i] == '1'))
			c = pat[i++] == '0' ? '~' : '/';
		if (*key++ != c)
			return 0;
	}
	return *key == '\0';
}

/*
 * Matches a rule pointer against the current path.  Returns 1 when the
 * rule covers the path (its segments are a prefix of it), 2 when the path
 * is a proper prefix of the rule, 0 otherwise; *len gets the rule's
 * segment count.
 */
static int rule_match(const char *pointer, const cmp_ctx *ctx, size_t *len)
{
	const char *p = pointer;
	size_t k = 0;

	while (*p == '/') {
		const char *seg = ++p;
		while (*p && *p != '/')
			p++;
		if (k == ctx->depth) {
			/* the path ran out first: the rule is deeper */
			while (*p) /* count the rest */
				if (*p++ == '/')
					k++;
			*len = k + 1;
			return 2;
		}
		if (!seg_match(seg, (size_t)(p - seg), ctx->segs[k]))
			return 0;
		k++;
	}
	*len = k;
	return *p ? 0 : 1; /* a pointer not starting with '/' is "" or bad */
}

static void find_rule(const cmp_ctx *ctx, const ddp_info_rule **best, int *deeper)
{
	size_t best_len = 0, len;

	*best = NULL;
	*deeper = 0;
	for (size_t i = 0; i < ctx->profile->n_rules; i++) {
		const ddp_info_rule *r = &ctx->profile->rules[i];
		int m = rule_match(r->pointer ? r->pointer : "", ctx, &len);

		if (m == 1 && (!*best || len >= best_len)) {
			*best = r;
			best_len = len;
		} else if (m == 2) {
			*deeper = 1;
		}
	}
}

/*
 * Builds the JSON pointer of the path ("/extents/0/x"), or its signature
 * element: no leading '/', indices as '*', '%' and ',' escaped.
 */
static char *path_text(const cmp_ctx *ctx, int signature)
{
	size_t n = 1;
	char *s, *p;

	for (size_t k = 0; k < ctx->depth; k++)
		n += 1 + 3 * strlen(ctx->segs[k]);
	if (!(s = malloc(n)))
		return NULL;
	p = s;
	for (size_t k = 0; k < ctx->depth; k++) {
		if (k || !signature)
			*p++ = '/';
		if (signature && ctx->is_index[k]) {
			*p++ = '*';
			continue;
		}
		for (const char *c = ctx->segs[k]; *c; c++) {
			if (*c == '~' || *c == '/') {
				*p++ = '~';
				*p++ = *c == '~' ? '0' : '1';
			} else if (signature && (*c == '%' || *c == ',')) {
				memcpy(p, *c == '%' ? "%25" : "%2C", 3);
				p += 3;
			} else {
				*p++ = *c;
			}
		}
	}
	*p = '\0';
	return s;
}

static char *compact(const json_t *v)
{
	return v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

static int add_difference(cmp_ctx *ctx, const json_t *a, const json_t *b)
{
	ddp_info_difference *d;

	if (ctx->count == ctx->cap) {
		size_t cap = ctx->cap ? 2 * ctx->cap : 8;
		ddp_info_difference *items = realloc(ctx->items, cap * sizeof(*items));
		char **sig;

		if (!items)
			return DDP_ENOMEM;
		ctx->items = items;
		if (!(sig = realloc(ctx->sig, cap * sizeof(*sig))))
			return DDP_ENOMEM;
		ctx->sig = sig;
		ctx->cap = cap;
	}
	d = &ctx->items[ctx->count];
	d->pointer = path_text(ctx, 0);
	d->a = compact(a);
	d->b = compact(b);
	ctx->sig[ctx->count] = path_text(ctx, 1);
	ctx->count++;
	if (!d->pointer || (a && !d->a) || (b && !d->b) || !ctx->sig[ctx->count - 1])
		return DDP_ENOMEM;
	return DDP_OK;
}

static int cmp_keys(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int compare_value(cmp_ctx *ctx, const json_t *a, const json_t *b);

static int compare_child(cmp_ctx *ctx, const char *seg, int is_index,
                         const json_t *a, const json_t *b)
{
	int rc;

	ctx->segs[ctx->depth] = seg;
	ctx->is_index[ctx->depth] = is_index;
	ctx->depth++;
	rc = compare_value(ctx, a, b);
	ctx->depth--;
	return rc;
}

static int compare_objects(cmp_ctx *ctx, const json_t *a, const json_t *b)
{
	size_t na = a ? json_object_size(a) : 0, nb = b ? json_object_size(b) : 0;
	const char **keys = malloc((na + nb + 1) * sizeof(*keys));
	size_t n = 0;
	const char *key;
	json_t *v;
	int rc = DDP_OK;

	if (!keys)
		return DDP_ENOMEM;
	if (a)
		json_object_foreach((json_t *)a, key, v)
			keys[n++] = key;
	if (b)
		json_object_foreach((json_t *)b, key, v)
			keys[n++] = key;
	qsort(keys, n, sizeof(*keys), cmp_keys);
	for (size_t i = 0; i < n && !rc; i++) {
		if (i && !strcmp(keys[i], keys[i - 1]))
			continue;
		rc = compare_child(ctx, keys[i], 0,
		                   a ? json_object_get(a, keys[i]) : NULL,
		                   b ? json_object_get(b, keys[i]) : NULL);
	}
	free(keys);
	return rc;
}

static int compare_arrays(cmp_ctx *ctx, const json_t *a, const json_t *b)
{
	size_t na = a ? json_array_size(a) : 0, nb = b ? json_array_size(b) : 0;
	int rc = DDP_OK;

	for (size_t i = 0; i < (na > nb ? na : nb) && !rc; i++) {
		char *idx = ctx->idx[ctx->depth];
		snprintf(idx, sizeof(ctx->idx[0]), "%zu", i);
		rc = compare_child(ctx, idx, 1, i < na ? json_array_get(a, i) : NULL,
		                   i < nb ? json_array_get(b, i) : NULL);
	}
	return rc;
}

/* a or b is NULL where the field is absent. */
static int compare_value(cmp_ctx *ctx, const json_t *a, const json_t *b)
{
	const ddp_info_rule *rule;
	int deeper;
	ddp_info_how how;

	if (!a && !b)
		return DDP_OK;
	find_rule(ctx, &rule, &deeper);
	how = rule ? rule->how : DDP_INFO_IGNORE;
	if (how == DDP_INFO_IGNORE && !deeper)
		return DDP_OK;
	if (a && b && json_equal((json_t *)a, (json_t *)b))
		return DDP_OK;
	if ((!a || !b) && how != DDP_INFO_IGNORE)
		return add_difference(ctx, a, b); /* EQUAL or PRESENCE */
	if (how == DDP_INFO_PRESENCE && !deeper)
		return DDP_OK;
	if (ctx->depth > DDP_INFO_MAX_DEPTH)
		return how == DDP_INFO_EQUAL ? add_difference(ctx, a, b) : DDP_OK;
	if ((!a || json_is_object(a)) && (!b || json_is_object(b)))
		return compare_objects(ctx, a, b);
	if ((!a || json_is_array(a)) && (!b || json_is_array(b)))
		return compare_arrays(ctx, a, b);
	/* differing scalars or differing types */
	return how == DDP_INFO_EQUAL ? add_difference(ctx, a, b) : DDP_OK;
}

/* Sorted, deduplicated, comma-joined signature elements. */
static char *join_signature(char **sig, size_t n)
{
	char **sorted = malloc((n + 1) * sizeof(*sorted));
	size_t len = 1, m = 0;
	char *s, *p;

	if (!sorted)
		return NULL;
	if (n)
		memcpy(sorted, sig, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_keys);
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(sorted[i], sorted[i - 1]))
			sorted[m++] = sorted[i];
	for (size_t i = 0; i < m; i++)
		len += strlen(sorted[i]) + 1;
	if ((s = malloc(len))) {
		p = s;
		for (size_t i = 0; i < m; i++) {
			size_t l = strlen(sorted[i]);
			if (i)
				*p++ = ',';
			memcpy(p, sorted[i], l);
			p += l;
		}
		*p = '\0';
	}
	free(sorted);
	return s;
}

void ddp_info_diff_free(ddp_info_diff *diff)
{
	if (!diff)
		return;
	for (size_t i = 0; i < diff->count; i++) {
		free(diff->items[i].pointer);
		free(diff->items[i].a);
		free(diff->items[i].b);
	}
	free(diff->items);
	free(diff->signature);
	free(diff);
}

int ddp_info_compare(ddp_info_diff **out, const char *a, size_t a_len,
                     const char *b, size_t b_len,
                     const ddp_info_profile *profile, ddp_error *err)
{
	json_t *ja = NULL, *jb = NULL;
	cmp_ctx *ctx;
	ddp_info_diff *diff;
	int rc;

	if (!out)
		return ddp_fail(err, DDP_EINVAL, "compare", 0, 0, 0, "no output given");
	*out = NULL;
	if (!profile || (profile->n_rules && !profile->rules))
		return ddp_fail(err, DDP_EINVAL, "compare", 0, 0, 0, "no profile given");
	if ((rc = info_load(&ja, a, a_len, "A", err)))
		return rc;
	if ((rc = info_load(&jb, b, b_len, "B", err))) {
		json_decref(ja);
		return rc;
	}
	ctx = calloc(1, sizeof(*ctx));
	diff = calloc(1, sizeof(*diff));
	if (!ctx || !diff) {
		rc = DDP_ENOMEM;
	} else {
		ctx->profile = profile;
		rc = compare_value(ctx, ja, jb);
	}
	if (!rc && !(diff->signature = join_signature(ctx->sig, ctx->count)))
		rc = DDP_ENOMEM;
	if (ctx) {
		for (size_t i = 0; i < ctx->count; i++)
			free(ctx->sig[i]);
		free(ctx->sig);
		if (diff) {
			diff->items = ctx->items;
			diff->count = ctx->count;
		} else {
			for (size_t i = 0; i < ctx->count; i++) {
				free(ctx->items[i].pointer);
				free(ctx->items[i].a);
				free(ctx->items[i].b);
			}
			free(ctx->items);
		}
	}
	if (diff)
		diff->profile = profile;
	free(ctx);
	json_decref(ja);
	json_decref(jb);
	if (rc) {
		ddp_info_diff_free(diff);
		return ddp_fail(err, DDP_ENOMEM, "compare", 0, 0, 0, "out of memory");
	}
	*out = diff;
	return DDP_OK;
}

int ddp_info_diff_to_json(char **out, const ddp_info_diff *diff, ddp_error *err)
{
	json_t *root, *list;
	int rc = DDP_OK;

	if (!out)
		return ddp_fail(err, DDP_EINVAL, "diff", 0, 0, 0, "no output given");
	*out = NULL;
	if (!diff)
		return ddp_fail(err, DDP_EINVAL, "diff", 0, 0, 0, "no diff given");
	root = json_object();
	list = json_array();
	if (!root || !list ||
	    json_object_set_new(root, "equal", json_boolean(diff->count == 0)) ||
	    json_object_set_new(root, "profile",
	                        json_string(diff->profile ? diff->profile->name : "")) ||
	    json_object_set_new(root, "signature",
	                        json_string(diff->signature ? diff->signature : "")) ||
	    json_object_set(root, "differences", list))
		rc = DDP_ENOMEM;
	for (size_t i = 0; !rc && i < diff->count; i++) {
		const ddp_info_difference *d = &diff->items[i];
		json_t *item = json_object();

		if (!item || json_array_append_new(list, item) ||
		    json_object_set_new(item, "pointer", json_string(d->pointer)))
			rc = DDP_ENOMEM;
		if (!rc && d->a && json_object_set_new(item, "a",
		        json_loads(d->a, JSON_DECODE_ANY, NULL)))
			rc = DDP_ENOMEM;
		if (!rc && d->b && json_object_set_new(item, "b",
		        json_loads(d->b, JSON_DECODE_ANY, NULL)))
			rc = DDP_ENOMEM;
	}
	json_decref(list);
	if (!rc)
		rc = dump_canonical(out, root, JSON_SORT_KEYS | JSON_INDENT(4), err);
	else
		ddp_fail(err, rc, "diff", 0, 0, 0, "out of memory");
	json_decref(root);
	return rc;
}
