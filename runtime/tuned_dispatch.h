// The variants the schedule experiments found faster than the hand schedule for a stage's shape, compiled in as
// tuned tables: the forward convolution's register tiles (generators/conv2d_tuned.bzl) and the BlurPool forward
// stage's autoscheduled variants (generators/blurpool_tuned.bzl), both written by bench/tuned_table.py. The runtime
// runs a stage of a listed shape on the CPU with its variant; every variant gives the hand schedule's floats bit
// for bit (tests/tuned_dispatch_test), so the choice never changes a result.
#pragma once

#include "runtime/blurpool_stage.h"
#include "runtime/conv2d_stage.h"

namespace antialiased {

// The tuned row for a dense, undilated convolution of `in` -> `out` channels, kernel x kernel, `stride`, padding
// kernel / 2, on a px x px input (the experiments' shapes), or nullptr: then the default variant runs.
const TunedConv2d *tuned_conv2d(int in, int out, int kernel, int stride, int padding, int px);

// The tuned row for a BlurPool of `channels` on a px x px input with the experiments' parameters (filter 4 and
// stride 2 on both axes, reflect padding, no offset), or nullptr: then the hand schedule runs.
const TunedBlurPool *tuned_blurpool(int channels, int px, int filt_x, int filt_y, int stride_x, int stride_y,
                                    int pad_type, int pad_off_x, int pad_off_y);

// Whether the tuned tables are used (default: yes); off, every stage runs its hand schedule (the benchmarks
// compare the two in one run: bench/models_bench --tuned=false, tools/train_step --tuned=false).
void use_tuned_stages(bool enabled);

}  // namespace antialiased
