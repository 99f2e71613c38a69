// A compiled variant of the forward convolution stage (generators/conv_generator.cpp), for the schedule
// experiments: its signature, and the layer shape and autoscheduler it was scheduled for.
#pragma once

#include <HalideRuntime.h>

namespace antialiased {

// input, weights, bias, stride x/y, pad x/y, dilation x/y, groups, activation, output.
using Conv2dStage = int (*)(halide_buffer_t *, halide_buffer_t *, halide_buffer_t *, int, int, int, int, int, int, int,
                            int, halide_buffer_t *);

struct Conv2dVariant {
    int in, out, kernel, stride, px;  // the shape its estimates describe (padding kernel / 2)
    const char *autoscheduler;
    Conv2dStage stage;
};

}  // namespace antialiased
