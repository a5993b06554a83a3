/*
 * info_fuzzer.c: arbitrary bytes as `qemu-img info --output=json`,
 * through ddp_info_normalise and ddp_info_compare.
 *
 * Input: the text.  It is normalised twice, with no paths (the top-level
 * filename is the path) and with the paths {"out.img", ""}.
 * Properties: normalising answers with text or a documented error that
 * says why, the same way whatever the paths; the text ends in a newline
 * and normalising it again gives it back; compare(x, x) is equal under
 * every profile, for the raw text and for the normalised one; and
 * compare(x, normalise(x)) finds differences only at volatile fields,
 * the same set both ways round.  Nothing leaks (LeakSanitizer).
 */
#define FUZZ_TARGET "info"
#include "fuzz.h"

static const char *const some_paths[2] = {"out.img", ""};

static int known_status(int rc)
{
	return rc == DDP_OK || rc == DDP_EJSON || rc == DDP_ERANGE || rc == DDP_EINVAL ||
	       rc == DDP_ENOMEM;
}

/* The last segment of a JSON pointer, unescaped, is a volatile key. */
static int at_volatile_key(const char *pointer)
{
	const char *seg = strrchr(pointer, '/');
	char key[256];
	size_t n = 0;

	if (!seg)
		return 0;
	for (seg++; *seg && n < sizeof(key) - 1; seg++) {
		if (seg[0] == '~' && (seg[1] == '0' || seg[1] == '1')) {
			key[n++] = seg[1] == '0' ? '~' : '/';
			seg++;
		} else {
			key[n++] = *seg;
		}
	}
	key[n] = '\0';
	for (size_t i = 0; i < ddp_info_volatile_count(); i++)
		if (!strcmp(key, ddp_info_volatile_at(i)->key))
			return 1;
	return 0;
}

static void check_equal_to_itself(const char *text, size_t len, const ddp_info_profile *prof)
{
	ddp_info_diff *diff = NULL;
	char *json = NULL;
	ddp_error err;
	int rc = ddp_info_compare(&diff, text, len, text, len, prof, &err);

	FUZZ_CHECK(rc == DDP_OK && diff, "compare of a readable info succeeds");
	FUZZ_CHECK(diff->count == 0 && diff->signature && !diff->signature[0],
	           "compare(x, x) is equal");
	rc = ddp_info_diff_to_json(&json, diff, &err);
	FUZZ_CHECK(rc == DDP_OK && json && json[0] == '{' && json[strlen(json) - 1] == '\n',
	           "a diff prints as JSON");
	ddp_info_free(json);
	ddp_info_diff_free(diff);
}

static void check_volatile_only(const char *a, size_t alen, const char *b, size_t blen,
                                const ddp_info_profile *prof)
{
	ddp_info_diff *ab = NULL, *ba = NULL;
	int rc = ddp_info_compare(&ab, a, alen, b, blen, prof, NULL);

	FUZZ_CHECK(rc == DDP_OK && ab, "compare of an info with its normal form succeeds");
	rc = ddp_info_compare(&ba, b, blen, a, alen, prof, NULL);
	FUZZ_CHECK(rc == DDP_OK && ba, "compare of an info with its normal form succeeds");
	for (size_t i = 0; i < ab->count; i++)
		FUZZ_CHECK(at_volatile_key(ab->items[i].pointer),
		           "normalising changes only volatile fields");
	FUZZ_CHECK(ab->count == ba->count && !strcmp(ab->signature, ba->signature),
	           "compare is symmetric");
	ddp_info_diff_free(ab);
	ddp_info_diff_free(ba);
}

/* Normalises with the given paths and checks the answer; returns the text or NULL. */
static char *normalise(int *rc, const char *text, size_t len,
                       const char *const *paths, size_t n_paths)
{
	char *out = (char *)1, *again = NULL;
	ddp_error err;
	size_t n;

	*rc = ddp_info_normalise(&out, text, len, paths, n_paths, &err);
	FUZZ_CHECK(known_status(*rc), "normalise answers with a documented status");
	if (*rc) {
		FUZZ_CHECK(!out && err.code == *rc && err.message[0] && !strcmp(err.source, "info"),
		           "a normalise error says why and leaves no text");
		return NULL;
	}
	FUZZ_CHECK(out && (n = strlen(out)) > 0 && out[n - 1] == '\n',
	           "normalised text ends in a newline");
	*rc = ddp_info_normalise(&again, out, n, paths, n_paths, &err);
	FUZZ_CHECK(*rc == DDP_OK && again && !strcmp(again, out), "normalise is idempotent");
	ddp_info_free(again);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char *norm, *norm_paths;
	int rc, rc_paths;

	if (size > 65536)
		return 0;
	norm = normalise(&rc, text, size, NULL, 0);
	norm_paths = normalise(&rc_paths, text, size, some_paths, 2);
	FUZZ_CHECK(rc == rc_paths, "whether a text reads does not depend on the paths");

	for (size_t i = 0; i < ddp_info_profile_count(); i++) {
		const ddp_info_profile *prof = ddp_info_profile_at(i);
		ddp_info_diff *diff = NULL;

		if (!norm) {
			int crc = ddp_info_compare(&diff, text, size, text, size, prof, NULL);
			FUZZ_CHECK(crc == rc && !diff, "compare refuses what normalise refuses");
			continue;
		}
		check_equal_to_itself(text, size, prof);
		check_equal_to_itself(norm, strlen(norm), prof);
		check_volatile_only(text, size, norm, strlen(norm), prof);
		check_volatile_only(text, size, norm_paths, strlen(norm_paths), prof);
	}
	ddp_info_free(norm);
	ddp_info_free(norm_paths);
	return 0;
}
