// A compiled variant of the forward convolution stage (generators/conv_generator.cpp), for the schedule
// experiments: the layer shape and autoscheduler it was scheduled for, or the hand schedule's register tile.
#pragma once

#include "runtime/conv2d_stage.h"

namespace antialiased {

struct Conv2dVariant {
    int in, out, kernel, stride, px;  // the shape its estimates describe (padding kernel / 2)
    const char *autoscheduler;
    Conv2dStage stage;
};

// The hand schedule with another register tile than its default (generators/conv2d_tiles.bzl HAND_TILES).
struct HandTile {
    const char *label;  // "hand <vectors>x<columns>x<images>"
    Conv2dStage stage;
};

}  // namespace antialiased
