/*
 * ddparity.h: the public interface of the ddparity core, a model of
 * `qemu-img dd` per qemu version and the comparison of its outputs.
 * Every name is prefixed ddp_.
 */
#ifndef DDPARITY_H
#define DDPARITY_H

#include "ddparity/common.h"
#include "ddparity/model.h"
#include "ddparity/info.h"
#include "ddparity/map.h"

#endif
