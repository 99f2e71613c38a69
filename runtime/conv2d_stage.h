// The forward convolution stage's signature (generators/conv_generator.cpp), shared by its variants: the default
// hand schedule, the ones with another register tile (generators/conv2d_tiles.bzl) and the autoscheduled ones of
// the schedule experiments.
#pragma once

#include <HalideRuntime.h>

namespace antialiased {

// input, weights, bias, stride x/y, pad x/y, dilation x/y, groups, activation, output.
using Conv2dStage = int (*)(halide_buffer_t *, halide_buffer_t *, halide_buffer_t *, int, int, int, int, int, int, int,
                            int, halide_buffer_t *);

// A row of the tuned table (generators/conv2d_tuned.bzl): the variant that won the schedule experiments for one
// layer shape.
struct TunedConv2d {
    int in, out, kernel, stride, px;  // px: the input's width and height
    const char *tile;                 // "<vectors>x<columns>x<images>"
    Conv2dStage stage;
};

}  // namespace antialiased
