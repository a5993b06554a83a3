/*
 * empty_fuzzer.c: the bench's baseline, a target that does nothing, built
 * with the same flags and engine as the real ones.  A target's exec/s over
 * this one's is the cost of its own work.
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
