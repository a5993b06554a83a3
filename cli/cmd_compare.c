/* cmd_compare.c: `ddparity compare`, two infos field by field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

/* Each info profile, a line, for the usage. */
static void list_profiles(FILE *f)
{
	for (size_t i = 0; i < ddp_info_profile_count(); i++)
		fprintf(f, "  %-8s %s%s\n", ddp_info_profile_at(i)->name, ddp_info_profile_at(i)->summary,
		        !strcmp(ddp_info_profile_at(i)->name, "parity") ? " (the default)" : "");
}

static void compare_usage(FILE *f)
{
	fputs("usage: ddparity compare [--profile NAME] [--path P]... [--json]\n"
	      "                        [--known FILE --case NAME] A.json B.json\n"
	      "\n"
	      "Normalises two `qemu-img info --output=json` outputs (see 'ddparity\n"
	      "normalise --help') and compares them under a profile:\n\n", f);
	list_profiles(f);
	fputs("\n"
	      "  --profile NAME   the fields compared (default parity)\n"
	      "  --path P         a path given to qemu-img for either image\n"
	      "                   (repeatable; default: each file's own filename)\n"
	      "  --json           print the differences as JSON\n"
	      "  --known FILE     a known-divergences file; with --case NAME, a\n"
	      "  --case NAME      difference it lists for NAME is reported as known\n"
	      "                   and exits 0\n"
	      "\n"
	      "Prints each differing field (a JSON pointer) with both values and\n"
	      "the signature of the difference (the fields, sorted, comma-separated).\n"
	      "Exit status: 0 equal (or a known divergence), 1 different, 2 error.\n"
	      "\n"
	      "Example:\n"
	      "  ddparity compare --path out.vpc ours.json qemu.json\n",
	      f);
}

/* Reads and normalises one info file; returns an exit status. */
static int load_normalised(char **out, const char *file, const char **paths,
                           size_t n_paths)
{
	char *text;
	size_t len;
	ddp_error err;
	int rc;

	*out = NULL;
	if ((rc = ddp_cli_read_file(&text, &len, file)))
		return rc;
	ddp_error_clear(&err);
	if (ddp_info_normalise(out, text, len, paths, n_paths, &err))
		rc = ddp_cli_fail_error(strcmp(file, "-") ? file : "standard input",
		                        &err);
	free(text);
	return rc;
}

static void print_value(const char *file, const char *value)
{
	printf("    %s: %s\n", file, value ? value : "(absent)");
}

/* Prints the JSON diff, with a "known" member when one applies. */
static int print_json(const ddp_info_diff *diff, const ddp_known_divergences *known,
                      const ddp_known_divergence *entry)
{
	ddp_error err;
	char *text;
	json_t *root;

	ddp_error_clear(&err);
	if (ddp_info_diff_to_json(&text, diff, &err))
		return ddp_cli_fail("compare: %s", err.message);
	if (!entry) {
		fputs(text, stdout);
		ddp_info_free(text);
		return DDP_EXIT_OK;
	}
	root = json_loads(text, 0, NULL);
	ddp_info_free(text);
	if (!root || json_object_set_new(root, "known",
	        json_pack("{s:s, s:i, s:s}", "source", known->source,
	                  "line", entry->line, "reason", entry->reason))) {
		json_decref(root);
		return ddp_cli_fail("compare: out of memory");
	}
	text = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(4));
	json_decref(root);
	if (!text)
		return ddp_cli_fail("compare: out of memory");
	printf("%s\n", text);
	free(text);
	return DDP_EXIT_OK;
}

int ddp_cmd_compare(int argc, char **argv)
{
	ddp_opt_list pl = {{0}, 0};
	const char **paths = pl.v, *files[2] = {NULL, NULL}, *profile_name = "parity";
	const char *known_file = NULL, *case_name = NULL;
	const ddp_info_profile *profile;
	const ddp_known_divergence *entry = NULL;
	ddp_known_divergences *known = NULL;
	ddp_info_diff *diff = NULL;
	char *canon[2] = {NULL, NULL};
	size_t n_paths;
	int json = 0, first, rc;
	ddp_error err;
	const ddp_opt opts[] = {
		{"json", DDP_OPT_FLAG, &json},
		{"profile", DDP_OPT_STRING, &profile_name},
		{"path", DDP_OPT_LIST, &pl},
		{"known", DDP_OPT_STRING, &known_file},
		{"case", DDP_OPT_STRING, &case_name},
	};

	if ((rc = ddp_cli_parse(&first, argc, argv, DDP_OPTS(opts), 0)))
		return rc;
	if (first < 0) {
		compare_usage(stdout);
		return DDP_EXIT_OK;
	}
	n_paths = (size_t)pl.n;
	if (argc - first != 2)
		return ddp_cli_fail("compare: needs two files, A.json B.json, not %d (see 'ddparity help "
		                    "compare')", argc - first);
	files[0] = argv[first];
	files[1] = argv[first + 1];
	if (!rc && !known_file != !case_name)
		rc = ddp_cli_fail("compare: --known and --case go together");
	ddp_error_clear(&err);
	if (!rc && ddp_info_profile_lookup(&profile, profile_name, &err))
		rc = ddp_cli_fail("compare: %s", err.message);
	if (!rc && known_file) {
		char *text;
		size_t len;
		if (!(rc = ddp_cli_read_file(&text, &len, known_file))) {
			if (ddp_known_divergences_parse(&known, text, len, known_file, &err))
				rc = ddp_cli_fail_error(known_file, &err);
			free(text);
		}
	}
	for (int k = 0; k < 2 && !rc; k++)
		rc = load_normalised(&canon[k], files[k], paths, n_paths);
	if (!rc && ddp_info_compare(&diff, canon[0], strlen(canon[0]), canon[1],
	                            strlen(canon[1]), profile, &err))
		rc = ddp_cli_fail("compare: %s", err.message);
	if (!rc && known && ddp_known_divergences_match(&entry, known, case_name,
	                                                diff->signature, &err))
		rc = ddp_cli_fail("compare: %s", err.message);
	if (!rc && json) {
		rc = print_json(diff, known, entry);
	} else if (!rc && !diff->count) {
		printf("equal under profile %s\n", profile->name);
	} else if (!rc) {
		printf("different under profile %s: %s\n", profile->name,
		       diff->signature);
		for (size_t i = 0; i < diff->count; i++) {
			printf("  %s\n", diff->items[i].pointer);
			print_value(files[0], diff->items[i].a);
			print_value(files[1], diff->items[i].b);
		}
		if (entry)
			printf("known divergence (%s:%d): %s\n", known->source,
			       entry->line, entry->reason);
	}
	if (!rc && diff->count && !entry)
		rc = DDP_EXIT_DIFFERENT;
	if (fflush(stdout) && rc != DDP_EXIT_USAGE)
		rc = ddp_cli_fail("compare: write error");
	ddp_info_diff_free(diff);
	ddp_known_divergences_free(known);
	ddp_info_free(canon[0]);
	ddp_info_free(canon[1]);
	return rc;
}
