/*
 * engine_fixtures.h: the engine's fixtures as the unit tests describe them
 * (made by no tool): a small raw input and a qcow2 one, the rows of a
 * ddp_fixture table.
 */
#ifndef DDP_TEST_ENGINE_FIXTURES_H
#define DDP_TEST_ENGINE_FIXTURES_H

#define ENGINE_FIXTURES \
	{.name = "raw-5000-random", .format = "raw", .file = "in.raw", .size = 5000, \
	 .pattern = "random", .virtual_size = 5000, .file_length = 5000}, \
	{.name = "qcow2-1M-random", .format = "qcow2", .file = "in.qcow2", .size = 1 << 20, \
	 .pattern = "random", .virtual_size = 1 << 20, .file_length = 200704}

#endif
