// Anti-aliasing a trained network (the reference's antialiased_cnns.copy_params_buffers, used by main.py
// --finetune): an anti-aliased network has the same parameters as its baseline, in the same order (BlurPool
// has none), and the same buffers plus each BlurPool's fixed filter.
#pragma once

#include <string>

#include "runtime/module.h"

namespace antialiased {

// Copies `source`'s parameters (weights and biases) into `target`'s in order, and each of `source`'s buffers
// (running statistics, batch counters) into the next of `target`'s buffers of the same shape, skipping the
// ones between (BlurPool filters). `source_name` (the baseline's file) prefixes the errors: the parameter
// counts differ, two parameters in the same place differ in shape, or a buffer has no match; each names the
// keys. Unlike the reference, whose loop raises once a match is the target's last buffer (every ResNet,
// DenseNet and MobileNetV2 ends with a batch norm's counter), the last buffer is copied too.
void copy_params_buffers(Module &source, Module &target, const std::string &source_name);

}  // namespace antialiased
