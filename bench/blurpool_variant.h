// A compiled variant of the BlurPool forward stage (generators/blurpool_generators.cpp), for the schedule
// experiments: the shape it was scheduled for and by which autoscheduler.
#pragma once

#include <HalideRuntime.h>

namespace antialiased {

// The stage's signature: input, filt_x, filt_y, stride_x, stride_y, pad_type, pad_off_x, pad_off_y, output.
using BlurPoolStage = int (*)(halide_buffer_t *, int, int, int, int, int, int, int, halide_buffer_t *);

struct BlurPoolVariant {
    int channels, px;  // the (channels, px, px, batch) input its estimates describe; filter 4, stride 2
    const char *autoscheduler;
    BlurPoolStage stage;
};

}  // namespace antialiased
