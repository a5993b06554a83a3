/*
 * map.c: `qemu-img map --output=json` in canonical form, and two of them
 * compared extent by extent.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The fields qemu prints, and the JSON type each must have. */
static const struct {
	const char *name;
	int required;
	int boolean;  /* else a non-negative integer */
} fields[] = {
	{"start", 1, 0},   {"length", 1, 0}, {"depth", 1, 0},      {"present", 0, 1},
	{"zero", 1, 1},    {"data", 1, 1},   {"compressed", 0, 1}, {"offset", 0, 0},
};

/*
 * A map's text position of extent i: jansson keeps no positions after the
 * parse, and qemu prints one extent a line, so the line is i + 1 there.
 */
static int extent_fail(ddp_error *err, const char *source, size_t i, const char *fmt,
                       const char *field)
{
	return ddp_error_set(err, DDP_EINVAL, source, (int)i + 1, 0, fmt, i, field);
}

static int check_extent(json_t *e, size_t i, const char *source, ddp_error *err)
{
	if (!json_is_object(e))
		return extent_fail(err, source, i, "extent %zu is not a JSON object%s", "");
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		json_t *v = json_object_get(e, fields[k].name);
		if (!v) {
			if (fields[k].required)
				return extent_fail(err, source, i, "extent %zu has no \"%s\"",
				                   fields[k].name);
			continue;
		}
		if (fields[k].boolean ? !json_is_boolean(v)
		                      : !json_is_integer(v) || json_integer_value(v) < 0)
			return extent_fail(err, source, i,
			                   fields[k].boolean ? "extent %zu: \"%s\" is not true or false"
			                                     : "extent %zu: \"%s\" is not an integer >= 0",
			                   fields[k].name);
	}
	return DDP_OK;
}

static int map_load(json_t **out, const char *text, size_t len, const char *source,
                    ddp_error *err)
{
	json_t *root, *e;
	size_t i;
	int rc;

	if ((rc = ddp_json_parse(&root, text, len, source, err)))
		return rc;
	if (!json_is_array(root)) {
		json_decref(root);
		return ddp_error_set(err, DDP_EINVAL, source, 1, 1,
		                     "a map must be a JSON array of extents");
	}
	json_array_foreach(root, i, e)
		if ((rc = check_extent(e, i, source, err))) {
			json_decref(root);
			return rc;
		}
	*out = root;
	return DDP_OK;
}

static char *render(json_t *root)
{
	char *buf = NULL;
	size_t blen = 0, i;
	json_t *e;
	FILE *f = open_memstream(&buf, &blen);

	if (!f)
		return NULL;
	fputs("[\n", f);
	json_array_foreach(root, i, e) {
		char *line = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
		if (!line) {
			fclose(f);
			free(buf);
			return NULL;
		}
		fprintf(f, "%s%s\n", line, i + 1 < json_array_size(root) ? "," : "");
		free(line);
	}
	fputs("]\n", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int ddp_map_normalise(char **out, const char *text, size_t len, const char *source,
                      ddp_error *err)
{
	json_t *root;
	int rc;

	*out = NULL;
	if ((rc = map_load(&root, text, len, source, err)))
		return rc;
	*out = render(root);
	json_decref(root);
	return *out ? DDP_OK : ddp_error_set(err, DDP_ENOMEM, source, 0, 0, "out of memory");
}

void ddp_map_free(char *text)
{
	free(text);
}

/* The differing field names, a set. */
typedef struct name_set {
	const char *names[32];
	size_t n;
} name_set;

static void add_field(name_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->names[i], name))
			return;
	if (set->n < sizeof(set->names) / sizeof(set->names[0]))
		set->names[set->n++] = name;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void value_text(char *buf, size_t size, json_t *v)
{
	char *t = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	snprintf(buf, size, "%s", t ? t : "(absent)");
	free(t);
}

/* Every key of a or b whose values differ goes into sig; the first into detail. */
static void compare_extent(ddp_map_diff *d, json_t *a, json_t *b, size_t i, name_set *set)
{
	const char *k;
	json_t *v;
	json_t *sides[2] = {a, b};

	for (int s = 0; s < 2; s++)
		json_object_foreach(sides[s], k, v) {
			json_t *o = json_object_get(sides[!s], k);
			if (s == 1 && json_object_get(a, k))
				continue; /* seen from a's side */
			if (o && json_equal(v, o))
				continue;
			add_field(set, k);
			if (d->first < 0) {
				char va[48], vb[48];
				value_text(va, sizeof(va), json_object_get(a, k));
				value_text(vb, sizeof(vb), json_object_get(b, k));
				d->first = (long)i;
				snprintf(d->detail, sizeof(d->detail),
				         "extent %zu (start %lld): \"%s\" %s / %s", i,
				         (long long)json_integer_value(json_object_get(a, "start")), k, va,
				         vb);
			}
		}
}

int ddp_map_compare(ddp_map_diff *out, const char *a, size_t a_len, const char *b,
                    size_t b_len, ddp_error *err)
{
	json_t *ja, *jb;
	size_t n, used = 0;
	name_set set = {{0}, 0};
	int rc;

	memset(out, 0, sizeof(*out));
	out->first = -1;
	if ((rc = map_load(&ja, a, a_len, "A", err)))
		return rc;
	if ((rc = map_load(&jb, b, b_len, "B", err))) {
		json_decref(ja);
		return rc;
	}
	out->extents_a = json_array_size(ja);
	out->extents_b = json_array_size(jb);
	n = out->extents_a < out->extents_b ? out->extents_a : out->extents_b;
	for (size_t i = 0; i < n; i++)
		compare_extent(out, json_array_get(ja, i), json_array_get(jb, i), i, &set);
	qsort(set.names, set.n, sizeof(set.names[0]), cmp_name);
	if (out->extents_a != out->extents_b) {
		used = (size_t)snprintf(out->signature, sizeof(out->signature), "extents");
		if (out->first < 0) {
			out->first = (long)n;
			snprintf(out->detail, sizeof(out->detail), "%zu extents / %zu", out->extents_a,
			         out->extents_b);
		}
	}
	for (size_t i = 0; i < set.n && used < sizeof(out->signature); i++)
		used += (size_t)snprintf(out->signature + used, sizeof(out->signature) - used, "%s%s",
		                         used ? "," : "", set.names[i]);
	/* The names point into the documents: done with them only now. */
	json_decref(ja);
	json_decref(jb);
	return DDP_OK;
}
