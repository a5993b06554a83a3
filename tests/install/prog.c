/* A program of someone else's, built against an installed ddparity with
 * pkg-config: predicts `-O vpc bs=1000 count=3` on 10240 bytes for 7.2. */
#include <ddparity.h>
#include <inttypes.h>
#include <stdio.h>

int main(void)
{
	const char *argv[] = {"-O", "vpc", "bs=1000", "count=3", "if=in.raw", "of=out.img"};
	ddp_input in = {10240, "raw", NULL, -1};
	ddp_version v;
	ddp_outcome o;
	ddp_error err;

	if (ddp_version_parse(&v, "7.2.22", &err) ||
	    ddp_predict(&o, ddp_profile_for(v, NULL), &in, 6, argv, &err)) {
		fprintf(stderr, "prog: %s: %s\n", err.source, err.message);
		return 1;
	}
	printf("exit %d, %s, virtual-size %" PRIu64 ", rules", o.exit_code, o.format, o.virtual_size);
	for (size_t i = 0; i < o.nrules; i++)
		printf(" %s", ddp_rule_id(o.rules[i]));
	printf("\n");
	return 0;
}
