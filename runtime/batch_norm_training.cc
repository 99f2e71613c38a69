#include "runtime/batch_norm_training.h"

#include <HalideBuffer.h>

#include "generators/batch_norm_train_backward_cpu.h"
#include "generators/batch_norm_train_backward_cuda.h"
#include "generators/batch_norm_train_forward_cpu.h"
#include "generators/batch_norm_train_forward_cuda.h"
#include "generators/batch_norm_train_normalize_cpu.h"
#include "generators/batch_norm_train_normalize_cuda.h"
#include "runtime/error.h"

namespace antialiased {
namespace {

void check_parameters(const Tensor &input, const std::vector<float> &weight, const std::vector<float> &bias) {
    const int c = input.shape().c;
    if (weight.size() != size_t(c) || bias.size() != size_t(c)) {
        throw Error("BatchNorm2d (training): " + std::to_string(weight.size()) + " weights and " +
                    std::to_string(bias.size()) + " biases for an input of " + std::to_string(c) + " channels");
    }
    if (input.shape().n * input.shape().h * input.shape().w < 2) {
        throw Error("BatchNorm2d (training): needs more than one value per channel, got input " + input.shape().str());
    }
}

Halide::Runtime::Buffer<float> view(const std::vector<float> &values) {
    Halide::Runtime::Buffer<float> buffer(const_cast<float *>(values.data()), int(values.size()));
    buffer.set_host_dirty();  // for a GPU run: the host copy is the current one
    return buffer;
}

}  // namespace

BatchNormTrainOutput batch_norm_train(const Tensor &input, const std::vector<float> &weight,
                                      const std::vector<float> &bias, Activation activation, float eps,
                                      const Device &device) {
    check_parameters(input, weight, bias);
    const int c = input.shape().c;
    BatchNormTrainOutput out{Tensor::uninitialized(input.shape()), std::vector<float>(c), std::vector<float>(c)};
    Halide::Runtime::Buffer<float> w = view(weight), b = view(bias), mean(out.mean.data(), c), var(out.variance.data(), c);
    auto pipeline = device.is_cuda() ? batch_norm_train_forward_cuda : batch_norm_train_forward_cpu;
    check_halide(pipeline(input.raw(), w.raw_buffer(), b.raw_buffer(), eps, int(activation), out.output.raw(),
                          mean.raw_buffer(), var.raw_buffer()),
                 "BatchNorm2d (training) forward on " + device.name());
    mean.copy_to_host();
    var.copy_to_host();
    return out;
}

Tensor batch_norm_train_normalize(const Tensor &input, const std::vector<float> &weight, const std::vector<float> &bias,
                                  const std::vector<float> &mean, const std::vector<float> &variance,
                                  Activation activation, float eps, const Device &device) {
    check_parameters(input, weight, bias);
    if (mean.size() != weight.size() || variance.size() != weight.size()) {
        throw Error("BatchNorm2d (training): " + std::to_string(mean.size()) + " means and " +
                    std::to_string(variance.size()) + " variances for " + std::to_string(weight.size()) + " channels");
    }
    Tensor output = Tensor::uninitialized(input.shape());
    Halide::Runtime::Buffer<float> w = view(weight), b = view(bias), m = view(mean), v = view(variance);
    auto pipeline = device.is_cuda() ? batch_norm_train_normalize_cuda : batch_norm_train_normalize_cpu;
    check_halide(pipeline(input.raw(), w.raw_buffer(), b.raw_buffer(), eps, int(activation), m.raw_buffer(),
                          v.raw_buffer(), output.raw()),
                 "BatchNorm2d (training) normalization on " + device.name());
    return output;
}

BatchNormGradients batch_norm_train_backward(const Tensor &input, const std::vector<float> &weight,
                                             const std::vector<float> &bias, const Tensor &grad_output,
                                             Activation activation, float eps, const Device &device) {
    check_parameters(input, weight, bias);
    if (grad_output.shape() != input.shape()) {
        throw Error("BatchNorm2d (training) backward: grad_output " + grad_output.shape().str() + " for input " +
                    input.shape().str());
    }
    const int c = input.shape().c;
    BatchNormGradients g{Tensor::uninitialized(input.shape()), std::vector<float>(c), std::vector<float>(c)};
    Halide::Runtime::Buffer<float> w = view(weight), b = view(bias), gw(g.grad_weight.data(), c), gb(g.grad_bias.data(), c);
    auto pipeline = device.is_cuda() ? batch_norm_train_backward_cuda : batch_norm_train_backward_cpu;
    check_halide(pipeline(input.raw(), w.raw_buffer(), b.raw_buffer(), eps, int(activation), grad_output.raw(),
                          g.grad_input.raw(), gw.raw_buffer(), gb.raw_buffer()),
                 "BatchNorm2d (training) backward on " + device.name());
    gw.copy_to_host();
    gb.copy_to_host();
    return g;
}

void update_running_stats(const BatchNormTrainOutput &batch, int64_t count, float momentum, std::vector<float> *mean,
                          std::vector<float> *variance, int64_t *batches_tracked) {
    const float unbias = float(count) / float(count - 1);
    for (size_t c = 0; c < batch.mean.size(); c++) {
        (*mean)[c] = (1 - momentum) * (*mean)[c] + momentum * batch.mean[c];
        (*variance)[c] = (1 - momentum) * (*variance)[c] + momentum * batch.variance[c] * unbias;
    }
    ++*batches_tracked;
}

}  // namespace antialiased
