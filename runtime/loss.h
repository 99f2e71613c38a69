// The classification loss of training: mean softmax cross-entropy (torch.nn.CrossEntropyLoss), with its
// gradient with respect to the logits from Halide's autodiff (generators/training_generators.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/device.h"
#include "runtime/tensor.h"

namespace antialiased {

struct LossAndGradient {
    float loss;
    Tensor grad_logits;  // the logits' shape
};

// `logits` is (N, K, 1, 1); `labels` holds N classes in [0, K) (Error naming the first one outside).
LossAndGradient cross_entropy(const Tensor &logits, const std::vector<int64_t> &labels,
                              const Device &device = Device::cpu());

}  // namespace antialiased
