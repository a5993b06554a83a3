/*
 * mutate.c: token-level havoc under the generator.  gen.c writes only what
 * its tables hold; a candidate whose mistake is in how it reads some other
 * text (an operand key in capitals, a cluster of short options, `--` before
 * an option, a path with a blank or a second '=') is never met there.  Like
 * AFL++'s havoc on bytes, a generated case gets a stack of small edits, at
 * the level users and parsers see: characters inside a token, whole tokens
 * (duplicated, moved, dropped, spliced), option clusters split and merged,
 * `--` anywhere, and tokens of dict/operands.dict (made a C table at build
 * time: dict_to_c.cmake).  Every choice comes from the case's own source,
 * so a seed still gives the same cases whatever --jobs is.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Tokens grow at most to this (the generator's 64 KiB ones are not edited). */
#define MAX_TOKEN 512

/* Characters worth inserting: the grammar's punctuation, digits, suffixes, blanks. */
static const char alphabet[] = "=-.,:/+ \t0123456789kKmMgGbBeExX_";

static char *dup_n(const char *s, size_t n)
{
	char *d = strndup(s, n);
	if (!d)
		abort();
	return d;
}

/* s with n bytes of t put at position at (replacing del bytes there). */
static char *edit(const char *s, size_t at, size_t del, const char *t, size_t n)
{
	size_t len = strlen(s);
	char *d;

	if (at > len)
		at = len;
	if (del > len - at)
		del = len - at;
	d = malloc(len - del + n + 1);
	if (!d)
		abort();
	memcpy(d, s, at);
	memcpy(d + at, t, n);
	memcpy(d + at + n, s + at + del, len - at - del + 1);
	return d;
}

static void set_token(ddp_case *c, int i, char *t)
{
	free(c->argv[i]);
	c->argv[i] = t;
}

static void insert_token(ddp_case *c, int at, char *t)
{
	if (c->argc >= DDP_CASE_MAX_ARGS) {
		free(t);
		return;
	}
	memmove(&c->argv[at + 1], &c->argv[at], (size_t)(c->argc - at) * sizeof(char *));
	c->argv[at] = t;
	c->argc++;
}

static char *remove_token(ddp_case *c, int at)
{
	char *t = c->argv[at];
	memmove(&c->argv[at], &c->argv[at + 1], (size_t)(c->argc - at - 1) * sizeof(char *));
	c->argc--;
	return t;
}

/*
 * A dictionary token's text up to its first NUL (the dictionary splits
 * argv at NUL bytes); the piece after a leading NUL when it starts with one.
 */
static const char *dict_pick(ddp_source *src, size_t *len)
{
	const ddp_dict_token *d = &ddp_dict_tokens[ddp_source_below(src, ddp_dict_ntokens)];
	const char *t = d->text;
	size_t n = d->len;

	if (n && t[0] == '\0') {
		t++;
		n--;
	}
	*len = strnlen(t, n);
	return t;
}

/*
 * A position in token t: anywhere, or at the seam of key and value (the
 * key's last character, the value's first), where parsers decide most.
 */
static size_t pick_pos(ddp_source *src, const char *t, int end_too)
{
	size_t len = strlen(t);
	const char *eq = strchr(t, '=');

	if (eq && eq > t && ddp_source_chance(src, 40))
		return ddp_source_chance(src, 50) ? (size_t)(eq - t) - 1 : (size_t)(eq - t) + 1;
	return (size_t)ddp_source_below(src, len + (end_too ? 1 : 0));
}

/* Whether d is a long option's name alone (--force-share; not --x=y), of 4 or more. */
static int is_long_option(const ddp_dict_token *d)
{
	return d->len > 3 && !strncmp(d->text, "--", 2) && d->text[2] != '-' &&
	       !memchr(d->text, '=', d->len);
}

/* Whether t is a short option taking an argument, alone ("-O", "-f"). */
static int takes_arg(const char *t)
{
	return t[0] == '-' && (t[1] == 'O' || t[1] == 'f') && t[2] == '\0';
}

/* Edits inside token i (t, len bytes): characters inserted, deleted, replaced, duplicated, changed in case; blanks; a dictionary token. */
static int edit_chars(ddp_case *c, ddp_source *src, int i, const char *t, size_t len,
                      unsigned kind)
{
	char ch[1];

	switch (kind) {
	case 0: /* insert a character */
		if (!t)
			return 0;
		ch[0] = ddp_source_chance(src, 85)
		        ? alphabet[ddp_source_below(src, sizeof(alphabet) - 1)]
		        : (char)(1 + ddp_source_below(src, 255));
		set_token(c, i, edit(t, pick_pos(src, t, 1), 0, ch, 1));
		return 1;
	case 1: /* delete one, or the tail */
		if (!len)
			return 0;
		{
			size_t at = pick_pos(src, t, 0);
			size_t n = ddp_source_chance(src, 20) ? len - at : 1;
			set_token(c, i, edit(t, at, n, "", 0));
		}
		return 1;
	case 2: /* replace one */
		if (!len)
			return 0;
		ch[0] = alphabet[ddp_source_below(src, sizeof(alphabet) - 1)];
		set_token(c, i, edit(t, pick_pos(src, t, 0), 1, ch, 1));
		return 1;
	case 3: /* duplicate one, 1 to 3 times */
		if (!len)
			return 0;
		{
			size_t at = (size_t)ddp_source_below(src, len);
			char rep[3] = {t[at], t[at], t[at]};
			set_token(c, i, edit(t, at, 0, rep, 1 + (size_t)ddp_source_below(src, 3)));
		}
		return 1;
	case 4: /* change the case of one letter, or of the whole token */
		if (!len)
			return 0;
		{
			char *d = dup_n(t, len);
			if (ddp_source_chance(src, 40)) {
				int up = ddp_source_chance(src, 50);
				for (char *p = d; *p; p++)
					*p = (char)(up ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
			} else {
				char *p = d + pick_pos(src, d, 0);
				if (isupper((unsigned char)*p))
					*p = (char)tolower((unsigned char)*p);
				else if (*p)
					*p = (char)toupper((unsigned char)*p);
			}
			set_token(c, i, d);
		}
		return 1;
	case 5: /* a blank at either end or inside */
		if (!t)
			return 0;
		{
			size_t at = ddp_source_chance(src, 35) ? 0
			            : ddp_source_chance(src, 50) ? len : pick_pos(src, t, 1);
			set_token(c, i, edit(t, at, 0, ddp_source_chance(src, 75) ? " " : "\t", 1));
		}
		return 1;
	case 14: /* a dictionary token inside a token, or over it */
		if (!t)
			return 0;
		{
			size_t n, at = pick_pos(src, t, 1);
			const char *d = dict_pick(src, &n);
			int over = ddp_source_chance(src, 50);
			set_token(c, i, over ? dup_n(d, n) : edit(t, at, 0, d, n));
		}
		return 1;
	}
	return 0;
}

/* Edits of whole tokens: splices, duplicates, moves, drops; "--", a dictionary token, an empty one. */
static int edit_tokens(ddp_case *c, ddp_source *src, int i, const char *t, size_t len,
                       unsigned kind)
{
	switch (kind) {
	case 6: /* splice: the head of one token, the tail of another */
		if (c->argc < 1)
			return 0;
		{
			const char *u = c->argv[ddp_source_below(src, (uint64_t)c->argc)];
			size_t ul = strlen(u);
			size_t at = (size_t)ddp_source_below(src, len + 1);
			size_t from = (size_t)ddp_source_below(src, ul + 1);
			if (ul > MAX_TOKEN)
				return 0;
			set_token(c, i, edit(t, at, len - at, u + from, ul - from));
		}
		return 1;
	case 7: /* duplicate a token (an option with its argument) elsewhere */
		if (!t)
			return 0;
		{
			int pair = takes_arg(t) && i + 1 < c->argc;
			char *a = dup_n(t, len), *b = pair ? dup_n(c->argv[i + 1], strlen(c->argv[i + 1])) : NULL;
			int at = (int)ddp_source_below(src, (uint64_t)c->argc + 1);
			insert_token(c, at, a);
			if (b)
				insert_token(c, at + 1, b);
		}
		return 1;
	case 8: /* move a token */
		if (c->argc < 2)
			return 0;
		{
			char *m = remove_token(c, i);
			insert_token(c, (int)ddp_source_below(src, (uint64_t)c->argc + 1), m);
		}
		return 1;
	case 9: /* drop a token */
		if (!t)
			return 0;
		free(remove_token(c, i));
		return 1;
	case 12: /* "--" anywhere, or just before an option (where it matters) */
		{
			int at = (int)ddp_source_below(src, (uint64_t)c->argc + 1);
			if (ddp_source_chance(src, 50))
				for (int k = 0; k < c->argc; k++)
					if (c->argv[(at + k) % c->argc][0] == '-') {
						at = (at + k) % c->argc;
						break;
					}
			insert_token(c, at, dup_n("--", 2));
		}
		return 1;
	case 13: /* a dictionary token, as a token of its own */
		{
			size_t n;
			const char *d = dict_pick(src, &n);
			insert_token(c, (int)ddp_source_below(src, (uint64_t)c->argc + 1), dup_n(d, n));
		}
		return 1;
	case 16: /* an empty token */
		insert_token(c, (int)ddp_source_below(src, (uint64_t)c->argc + 1), dup_n("", 0));
		return 1;
	}
	return 0;
}

/* Short option clusters split and merged, and tokens joined. */
static int edit_clusters(ddp_case *c, ddp_source *src, int i, const char *t, size_t len,
                         unsigned kind)
{
	switch (kind) {
	case 10: /* split a cluster: -UOraw -> -U -Oraw, -Oraw -> -O raw */
		if (!t || t[0] != '-' || t[1] == '-' || len < 3)
			return 0;
		{
			char *head = dup_n(t, 2);
			char *tail = (t[1] == 'O' || t[1] == 'f') ? dup_n(t + 2, len - 2)
			             : edit(t + 2, 0, 0, "-", 1);
			set_token(c, i, head);
			insert_token(c, i + 1, tail);
		}
		return 1;
	case 11: /* merge: -U ... -O raw -> ... -UO raw; -O raw -> -Oraw; a b -> ab */
		if (!t)
			return 0;
		for (int k = 0; k < c->argc; k++) { /* a flag, if there is one */
			const char *u = c->argv[(i + k) % c->argc];
			if (u[0] == '-' && u[1] && u[1] != '-' && !strpbrk(u, "Of") && strlen(u) < 8) {
				i = (i + k) % c->argc;
				t = u;
				len = strlen(t);
				break;
			}
		}
		if (!(t[0] == '-' && t[1] && t[1] != '-' && !strpbrk(t, "Of")) && ddp_source_chance(src, 50)) {
			/* No flag here: one joins a short option's cluster ("-O" -> "-UO"). */
			for (int k = 0; k < c->argc; k++) {
				const char *u = c->argv[(i + k) % c->argc];
				if (u[0] == '-' && u[1] && u[1] != '-' && strlen(u) <= MAX_TOKEN) {
					set_token(c, (i + k) % c->argc,
					          edit(u, 1, 0, ddp_source_chance(src, 80) ? "U" : "h", 1));
					return 1;
				}
			}
		}
		if (t[0] == '-' && t[1] && t[1] != '-' && !strpbrk(t, "Of")) {
			/* A flag (cluster) joins another short option wherever it is. */
			int j = (int)ddp_source_below(src, (uint64_t)c->argc);
			const char *u = c->argv[j];
			if (j != i && u[0] == '-' && u[1] && u[1] != '-') {
				set_token(c, j, edit(u, 1, 0, t + 1, len - 1));
				free(remove_token(c, i));
				return 1;
			}
		}
		if (i + 1 >= c->argc)
			return 0;
		{
			const char *u = c->argv[i + 1];
			int opt = t[0] == '-' && t[1] && t[1] != '-' && u[0] == '-' && u[1] && u[1] != '-';
			char *m = edit(t, len, 0, opt ? u + 1 : u, strlen(opt ? u + 1 : u));
			free(remove_token(c, i + 1));
			set_token(c, i, m);
		}
		return 1;
	}
	return 0;
}

/* Options and operand keys as users mistype them: a key in capitals or shortened, a second '=', an option again, a long option shortened. */
static int edit_options(ddp_case *c, ddp_source *src, unsigned kind)
{
	switch (kind) {
	case 15: /* an option given again with another argument (which one wins?) */
		{
			int k;
			size_t n;
			const char *d;
			for (k = 0; k < c->argc; k++)
				if (takes_arg(c->argv[k]) ||
				    (c->argv[k][0] == '-' && (c->argv[k][1] == 'O' || c->argv[k][1] == 'f')))
					break;
			if (k == c->argc)
				return 0;
			d = dict_pick(src, &n);
			{
				char *o = dup_n(c->argv[k], 2), *v = dup_n(d, n);
				int at = (int)ddp_source_below(src, (uint64_t)c->argc + 1);
				insert_token(c, at, o);
				insert_token(c, at + 1, v);
			}
		}
		return 1;
	case 17: /* an operand's key in capitals, a letter of it in the other case, shortened; a second '=' */
		{
			int k, n = 0;
			for (k = 0; k < c->argc; k++)
				n += strchr(c->argv[k], '=') > c->argv[k] && c->argv[k][0] != '-';
			if (!n)
				return 0;
			n = (int)ddp_source_below(src, (uint64_t)n);
			for (k = 0; k < c->argc; k++)
				if (strchr(c->argv[k], '=') > c->argv[k] && c->argv[k][0] != '-' && n-- == 0)
					break;
			if (strlen(c->argv[k]) > MAX_TOKEN)
				return 0;
			{
				char *d = dup_n(c->argv[k], strlen(c->argv[k]));
				size_t klen = (size_t)(strchr(d, '=') - d);
				switch (ddp_source_below(src, 4)) {
				case 3: /* or a second '=' in its value */
					free(d);
					d = edit(c->argv[k], klen + 1 + ddp_source_below(src, strlen(c->argv[k]) - klen),
					         0, "=", 1);
					break;
				case 0:
					for (size_t j = 0; j < klen; j++)
						d[j] = (char)toupper((unsigned char)d[j]);
					break;
				case 1:
					{
						char *p = d + ddp_source_below(src, klen);
						*p = (char)(isupper((unsigned char)*p) ? tolower((unsigned char)*p)
						                                       : toupper((unsigned char)*p));
					}
					break;
				default:
					if (klen < 2) {
						free(d);
						return 0;
					}
					memmove(d + 1 + ddp_source_below(src, klen - 1), d + klen, strlen(d + klen) + 1);
				}
				set_token(c, k, d);
			}
		}
		return 1;
	default: /* a long option of the dictionary shortened: --force-share as --forc */
		{
			size_t n = 0, pick;
			for (size_t k = 0; k < ddp_dict_ntokens; k++)
				n += is_long_option(&ddp_dict_tokens[k]);
			if (!n)
				return 0;
			pick = (size_t)ddp_source_below(src, n);
			for (size_t k = 0; k < ddp_dict_ntokens; k++)
				if (is_long_option(&ddp_dict_tokens[k]) && pick-- == 0) {
					const ddp_dict_token *d = &ddp_dict_tokens[k];
					insert_token(c, (int)ddp_source_below(src, (uint64_t)c->argc + 1),
					             dup_n(d->text, 3 + (size_t)ddp_source_below(src, d->len - 3)));
					break;
				}
		}
		return 1;
	}
	return 0;
}

/* One edit; 0 when it did not apply (the caller tries another). */
static int havoc_one(ddp_case *c, ddp_source *src)
{
	int i = c->argc ? (int)ddp_source_below(src, (uint64_t)c->argc) : 0;
	const char *t = c->argc ? c->argv[i] : NULL;
	size_t len = t ? strlen(t) : 0;
	/* 19 kinds; key edits, merges, dictionary tokens, long options weigh double. */
	unsigned kind = (unsigned)ddp_source_below(src, 23);

	if (t && len > MAX_TOKEN)
		return 0;
	if (kind >= 19)
		kind = kind == 19 ? 11 : kind == 20 ? 13 : kind == 21 ? 17 : 18;
	switch (kind) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 14:
		return edit_chars(c, src, i, t, len, kind);
	case 6: case 7: case 8: case 9: case 12: case 13: case 16:
		return edit_tokens(c, src, i, t, len, kind);
	case 10: case 11:
		return edit_clusters(c, src, i, t, len, kind);
	default:
		return edit_options(c, src, kind);
	}
}

int ddp_case_havoc(ddp_case *c, ddp_source *src)
{
	/*
	 * 1 to 8 edits (AFL++'s stacking, scaled to argv), one in 70% of the
	 * cases: a second edit mostly breaks what the first found.
	 */
	int want = ddp_source_chance(src, 70) ? 1 : 1 << (1 + ddp_source_below(src, 3)), done = 0;

	if (want > 2)
		want = 2 + (int)ddp_source_below(src, (uint64_t)want - 1);
	for (int tries = 0; done < want && tries < 4 * want; tries++)
		done += havoc_one(c, src);
	return done;
}

int ddp_case_copy(ddp_case *dst, const ddp_case *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->kind = src->kind;
	memcpy(dst->fixture, src->fixture, sizeof(dst->fixture));
	for (int i = 0; i < src->argc; i++)
		if (!(dst->argv[dst->argc++] = strdup(src->argv[i]))) {
			ddp_case_free(dst);
			return DDP_ERROR;
		}
	return DDP_OK;
}
