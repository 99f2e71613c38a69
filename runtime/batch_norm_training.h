// Batch norm in training mode, as torch.nn.BatchNorm2d.train() computes it: normalization by the batch's
// statistics (followed by the network's activation, fused), their gradients (Halide autodiff), and the running
// statistics' update. With a communicator (--sync-bn, as torch.nn.SyncBatchNorm), the statistics are those of
// every rank's batch together, and the backward pass sums the statistics' adjoints over the ranks: R ranks
// with a share each compute what one process computes on the whole batch.
#pragma once

#include <HalideBuffer.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "generators/stage_enums.h"
#include "runtime/communicator.h"
#include "runtime/device.h"
#include "runtime/parameter.h"
#include "runtime/tensor.h"

namespace antialiased {

// A batch's statistics, per channel: the mean and the biased variance (divided by `count`) over `count` values
// per channel (N*H*W, summed over the ranks when synchronized). One buffer each, made on the device the stages
// run on and shared by every copy of these statistics (the normalization, its recomputation and the backward
// stages read them there).
struct BatchStatistics {
    std::shared_ptr<Parameter> mean, variance;
    int64_t count = 0;
};

struct BatchNormTrainOutput {
    Tensor output;
    BatchStatistics statistics;
};

struct BatchNormGradients {
    Tensor grad_input;
    // This process's terms; under data parallelism the trainer averages them over the ranks with the others.
    Parameter grad_weight, grad_bias;
};

// `synchronized`: the communicator whose ranks' batches the statistics are over; nullptr for this process's.
BatchStatistics batch_statistics(const Tensor &input, const Device &device = Device::cpu(),
                                 const Communicator *synchronized = nullptr);
// The normalization by given statistics, then the activation.
Tensor batch_norm_train_normalize(const Tensor &input, const Parameter &weight, const Parameter &bias,
                                  const BatchStatistics &statistics, Activation activation = Activation::kNone,
                                  float eps = 1e-5f, const Device &device = Device::cpu());
// batch_statistics, then batch_norm_train_normalize.
BatchNormTrainOutput batch_norm_train(const Tensor &input, const Parameter &weight, const Parameter &bias,
                                      Activation activation = Activation::kNone, float eps = 1e-5f,
                                      const Device &device = Device::cpu(), const Communicator *synchronized = nullptr);
// Given the statistics the forward pass used (and the same communicator).
BatchNormGradients batch_norm_train_backward(const Tensor &input, const Parameter &weight, const Parameter &bias,
                                             const BatchStatistics &statistics, const Tensor &grad_output,
                                             Activation activation = Activation::kNone, float eps = 1e-5f,
                                             const Device &device = Device::cpu(),
                                             const Communicator *synchronized = nullptr);

// PyTorch's running statistics after a batch: running = (1 - momentum) * running + momentum * batch, with the
// variance unbiased (count / (count - 1)), as a stage on `device`; and num_batches_tracked += 1.
void update_running_stats(const BatchStatistics &batch, float momentum, Parameter *mean, Parameter *variance,
                          int64_t *batches_tracked, const Device &device = Device::cpu());

}  // namespace antialiased
