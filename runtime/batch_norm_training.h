// Batch norm in training mode, as torch.nn.BatchNorm2d.train() computes it: normalization by the batch's
// statistics (followed by the network's activation, fused), their gradients (Halide autodiff), and the running
// statistics' update.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/activation.h"
#include "runtime/device.h"
#include "runtime/tensor.h"

namespace antialiased {

struct BatchNormTrainOutput {
    Tensor output;
    std::vector<float> mean, variance;  // of the batch, per channel; the variance biased (divided by N*H*W)
};

struct BatchNormGradients {
    Tensor grad_input;
    std::vector<float> grad_weight, grad_bias;
};

BatchNormTrainOutput batch_norm_train(const Tensor &input, const std::vector<float> &weight,
                                      const std::vector<float> &bias, Activation activation = Activation::kNone,
                                      float eps = 1e-5f, const Device &device = Device::cpu());
// batch_norm_train's output again, bit for bit, from its input and the statistics it returned (one pass over
// the map instead of three).
Tensor batch_norm_train_normalize(const Tensor &input, const std::vector<float> &weight, const std::vector<float> &bias,
                                  const std::vector<float> &mean, const std::vector<float> &variance,
                                  Activation activation = Activation::kNone, float eps = 1e-5f,
                                  const Device &device = Device::cpu());
BatchNormGradients batch_norm_train_backward(const Tensor &input, const std::vector<float> &weight,
                                             const std::vector<float> &bias, const Tensor &grad_output,
                                             Activation activation = Activation::kNone, float eps = 1e-5f,
                                             const Device &device = Device::cpu());

// PyTorch's running statistics after a batch of `count` values per channel: running = (1 - momentum) *
// running + momentum * batch, with the variance unbiased (count / (count - 1)); and num_batches_tracked += 1.
void update_running_stats(const BatchNormTrainOutput &batch, int64_t count, float momentum, std::vector<float> *mean,
                          std::vector<float> *variance, int64_t *batches_tracked);

}  // namespace antialiased
