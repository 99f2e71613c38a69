// The variants the schedule experiments found faster than the hand schedule for a stage's shape, compiled in as
// tuned tables, both written by bench/tuned_table.py: the forward convolution's register tiles
// (generators/conv2d_tuned.bzl) and the map stages' autoscheduled variants (generators/map_stages_tuned.bzl:
// BlurPool forward, batch norm's training normalization and input gradient). The runtime runs a stage of a listed
// shape on the CPU with its variant; every variant gives the hand schedule's floats bit for bit
// (tests/tuned_dispatch_test), so the choice never changes a result.
#pragma once

#include "generators/batch_norm_train_backward_input_cpu.h"
#include "generators/batch_norm_train_normalize_cpu.h"
#include "generators/blurpool_forward_cpu.h"
#include "runtime/conv2d_stage.h"

namespace antialiased {

// The tuned row for a dense, undilated convolution of `in` -> `out` channels, kernel x kernel, `stride`, padding
// kernel / 2, on a px x px input (the experiments' shapes), or nullptr: then the default variant runs.
const TunedConv2d *tuned_conv2d(int in, int out, int kernel, int stride, int padding, int px);

// The CPU variant of a map stage for maps of `channels` x px x px: the tuned table's, else the hand schedule's.
// BlurPool's table holds for the experiments' parameters alone (filter 4 and stride 2 on both axes, reflect
// padding, no offset): other parameters get the hand schedule.
decltype(&blurpool_forward_cpu) tuned_blurpool_forward(int channels, int px, int filt_x, int filt_y, int stride_x,
                                                       int stride_y, int pad_type, int pad_off_x, int pad_off_y);
decltype(&batch_norm_train_normalize_cpu) tuned_batch_norm_train_normalize(int channels, int px);
decltype(&batch_norm_train_backward_input_cpu) tuned_batch_norm_train_backward_input(int channels, int px);

// Whether the tuned tables are used (default: yes); off, every stage runs its hand schedule (the benchmarks
// compare the two in one run: bench/models_bench --tuned=false, tools/train_step --tuned=false).
void use_tuned_stages(bool enabled);

}  // namespace antialiased
