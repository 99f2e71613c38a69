// The forward convolution's variant for a layer: where the schedule experiments found a register tile faster than
// the default one for the layer's shape (generators/conv2d_tuned.bzl, written by bench/tuned_table.py), that
// variant, else the default. Every variant sums in the same order, so the choice never changes a result.
#pragma once

#include "runtime/conv2d_stage.h"

namespace antialiased {

// The tuned row for a dense, undilated convolution of `in` -> `out` channels, kernel x kernel, `stride`, padding
// kernel / 2, on a px x px input (the experiments' shapes), or nullptr: then the default variant runs.
const TunedConv2d *tuned_conv2d(int in, int out, int kernel, int stride, int padding, int px);

// Whether the tuned table is used (default: yes); off, every layer runs the default variant (the benchmarks
// compare the two in one run: bench/models_bench --tuned=false, tools/train_step --tuned=false).
void use_tuned_conv2d(bool enabled);

}  // namespace antialiased
