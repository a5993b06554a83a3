/* outcome_json.c: a prediction as JSON, shared by every command that shows one. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

json_t *ddp_cli_json_text(const char *s, size_t len)
{
	char *buf = malloc(len * 3 + 1);
	size_t o = 0;
	json_t *j;

	if (!buf)
		return NULL;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		json_t *probe = NULL;

		if (n && i + n <= len && c != 0 && (n == 1 || (probe = json_stringn(s + i, n)))) {
			memcpy(buf + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3); /* U+FFFD */
			o += 3;
			i++;
		}
		json_decref(probe);
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

char *ddp_cli_render_line(const ddp_outcome *o, size_t i, const ddp_profile *p)
{
	size_t n = ddp_msg_render(NULL, 0, &o->msgs[i], p);
	char *line = malloc(n + 1);

	if (line)
		ddp_msg_render(line, n + 1, &o->msgs[i], p);
	return line;
}

json_t *ddp_cli_outcome_json(const ddp_outcome *o, const ddp_profile *p)
{
	json_t *j = json_object();
	json_t *lines = json_array();

	for (size_t i = 0; i < o->nmsgs; i++) {
		char *line = ddp_cli_render_line(o, i, p);
		if (line)
			json_array_append_new(lines, ddp_cli_json_text(line, strlen(line)));
		free(line);
	}
	json_object_set_new(j, "profile", json_string(ddp_profile_name(p)));
	json_object_set_new(j, "exit_code", json_integer(o->exit_code));
	json_object_set_new(j, "stderr", lines);
	json_object_set_new(j, "help", json_boolean(o->help));
	json_object_set_new(j, "output_created", json_boolean(o->output_created));
	json_object_set_new(j, "virtual_size", o->has_info ? json_integer((json_int_t)o->virtual_size) : json_null());
	json_object_set_new(j, "format", o->has_info ? json_string(o->format) : json_null());
	json_object_set_new(j, "cluster_size", o->has_info && o->has_cluster_size
	                    ? json_integer((json_int_t)o->cluster_size) : json_null());
	if (o->has_window)
		json_object_set_new(j, "window", json_pack("{s:I,s:I,s:I,s:b}",
		        "start", (json_int_t)o->window.start, "end", (json_int_t)o->window.end,
		        "length", (json_int_t)o->window.out_size, "past_eof", o->window.past_eof));
	else
		json_object_set_new(j, "window", json_null());
	{
		json_t *rules = json_array();
		for (size_t i = 0; i < o->nrules; i++)
			json_array_append_new(rules, json_string(ddp_rule_id(o->rules[i])));
		json_object_set_new(j, "rules", rules);
	}
	{
		json_t *marks = json_array();
		for (int m = 0; m < DDP_MARK__COUNT; m++)
			if (o->marks & (uint64_t)1 << m)
				json_array_append_new(marks, json_string(ddp_mark_id(m)));
		json_object_set_new(j, "marks", marks);
	}
	if (o->has_info && o->has_chs)
		json_object_set_new(j, "vhd_chs", json_pack("[i,i,i]", (int)o->chs.cyls,
		                                            (int)o->chs.heads, (int)o->chs.secs));
	return j;
}
