/*
 * jsonq.c: reads FILE with jansson as exactly one JSON document (`-`: stdin)
 * and prints the value at each PATH, one a line: keys and array indexes
 * separated by '.', '#' for the number of members.  Strings print bare,
 * numbers as jansson writes them, the rest as compact JSON.  Exit status 1
 * when FILE is not one JSON document or a PATH names nothing.
 *
 * usage: jsonq FILE PATH...     e.g. jsonq out.json counts.same findings.list.0.key findings.list.#
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value at path in v (a new reference), or NULL. */
static json_t *walk(json_t *v, const char *path)
{
	char part[256], *end;

	while (v && *path) {
		size_t n = strcspn(path, ".");
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		path += n + (path[n] == '.');
		if (!strcmp(part, "#"))
			return *path ? NULL : json_integer((json_int_t)(json_is_array(v) ? json_array_size(v)
			                                                : json_object_size(v)));
		if (json_is_array(v)) {
			unsigned long i = strtoul(part, &end, 10);
			v = *end || !*part ? NULL : json_array_get(v, i);
		} else {
			v = json_object_get(v, part);
		}
	}
	return v ? json_incref(v) : NULL;
}

int main(int argc, char **argv)
{
	json_error_t e;
	json_t *doc;
	int rc = 0;

	if (argc < 3) {
		fputs("usage: jsonq FILE PATH...\n", stderr);
		return 2;
	}
	doc = strcmp(argv[1], "-") ? json_load_file(argv[1], JSON_REJECT_DUPLICATES, &e)
	                           : json_loadf(stdin, JSON_REJECT_DUPLICATES, &e);
	if (!doc) {
		fprintf(stderr, "jsonq: %s:%d:%d: %s\n", argv[1], e.line, e.column, e.text);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		json_t *v = walk(doc, argv[i]);
		char *text;
		if (!v) {
			fprintf(stderr, "jsonq: %s: no %s\n", argv[1], argv[i]);
			rc = 1;
			continue;
		}
		if (json_is_string(v))
			puts(json_string_value(v));
		else if ((text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT))) {
			puts(text);
			free(text);
		}
		json_decref(v);
	}
	json_decref(doc);
	return rc;
}
