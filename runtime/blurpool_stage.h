// The BlurPool forward stage's signature (generators/blurpool_generators.cpp), shared by its variants: the hand
// schedule and the autoscheduled ones of the schedule experiments, some of which the runtime dispatches to
// (generators/blurpool_tuned.bzl).
#pragma once

#include <HalideRuntime.h>

namespace antialiased {

// input, filt x/y, stride x/y, pad_type, pad_off x/y, output.
using BlurPoolStage = int (*)(halide_buffer_t *, int, int, int, int, int, int, int, halide_buffer_t *);

// A row of the tuned table (generators/blurpool_tuned.bzl): the variant that won the schedule experiments for one
// BlurPool shape (filter 4, stride 2, reflect padding, as resnet50_lpf4's).
struct TunedBlurPool {
    int channels, px;           // the input's channels, width and height
    const char *autoscheduler;  // who scheduled the variant
    BlurPoolStage stage;
};

}  // namespace antialiased
