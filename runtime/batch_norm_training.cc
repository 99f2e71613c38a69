#include "runtime/batch_norm_training.h"

#include <HalideBuffer.h>

#include <climits>

#include "generators/batch_norm_train_backward_input_cpu.h"
#include "generators/batch_norm_train_backward_input_cuda.h"
#include "generators/batch_norm_train_backward_input_opencl.h"
#include "generators/batch_norm_train_backward_sums_cpu.h"
#include "generators/batch_norm_train_backward_sums_cuda.h"
#include "generators/batch_norm_train_backward_sums_opencl.h"
#include "generators/batch_norm_train_normalize_cpu.h"
#include "generators/batch_norm_train_normalize_cuda.h"
#include "generators/batch_norm_train_normalize_opencl.h"
#include "generators/batch_norm_train_squared_deviations_cpu.h"
#include "generators/batch_norm_train_squared_deviations_cuda.h"
#include "generators/batch_norm_train_squared_deviations_opencl.h"
#include "generators/batch_norm_train_sum_cpu.h"
#include "generators/batch_norm_train_sum_cuda.h"
#include "generators/batch_norm_train_sum_opencl.h"
#include "runtime/error.h"

namespace antialiased {
namespace {

void check_parameters(const Tensor &input, const std::vector<float> &weight, const std::vector<float> &bias,
                      const BatchStatistics &statistics) {
    const size_t c = size_t(input.shape().c);
    if (weight.size() != c || bias.size() != c || statistics.mean.size() != c || statistics.variance.size() != c) {
        throw Error("BatchNorm2d (training): " + std::to_string(weight.size()) + " weights, " +
                    std::to_string(bias.size()) + " biases, " + std::to_string(statistics.mean.size()) + " means and " +
                    std::to_string(statistics.variance.size()) + " variances for an input of " + std::to_string(c) +
                    " channels");
    }
}

template <typename T>
Halide::Runtime::Buffer<T> view(const std::vector<T> &values) {
    Halide::Runtime::Buffer<T> buffer(const_cast<T *>(values.data()), int(values.size()));
    buffer.set_host_dirty();  // for a GPU run: the host copy is the current one
    return buffer;
}

using SharedBuffer = std::shared_ptr<Halide::Runtime::Buffer<float>>;

// An owning copy of `values`, marked current on the host (a GPU stage uploads it, once).
SharedBuffer shared_copy(const std::vector<float> &values) {
    auto buffer = std::make_shared<Halide::Runtime::Buffer<float>>(view(values).copy());
    buffer->set_host_dirty();
    return buffer;
}

// The statistics' buffer of `values`: `kept` when batch_statistics made one, else a view made now.
SharedBuffer stage_buffer(const SharedBuffer &kept, const std::vector<float> &values) {
    return kept ? kept : std::make_shared<Halide::Runtime::Buffer<float>>(view(values));
}

// Per channel, `values` summed over the ranks of `synchronized` (if any), each divided by `count`, in float.
std::vector<float> averaged(std::vector<double> values, int64_t count, const Communicator *synchronized) {
    if (synchronized) synchronized->sum(values.data(), values.size());
    std::vector<float> result(values.size());
    const double inverse = 1.0 / double(count);
    for (size_t c = 0; c < values.size(); c++) result[c] = float(values[c] * inverse);
    return result;
}

}  // namespace

BatchStatistics batch_statistics(const Tensor &input, const Device &device, const Communicator *synchronized) {
    const Shape &s = input.shape();
    BatchStatistics statistics;
    statistics.count = int64_t(s.n) * s.h * s.w;
    if (synchronized) synchronized->sum(&statistics.count, 1);
    if (statistics.count < 2) {
        throw Error("BatchNorm2d (training): needs more than one value per channel, got input " + s.str() +
                    (synchronized ? " on each rank" : ""));
    }
    // The mean first, then the deviations from it (summed in double, as PyTorch's CPU kernels do): one
    // process's arithmetic, whatever the number of ranks, up to the order of the sums.
    const std::string where = " on " + device.name();
    std::vector<double> sums(s.c);
    Halide::Runtime::Buffer<double> sum_buffer(sums.data(), s.c);
    check_halide(device.pick(batch_norm_train_sum_cpu, batch_norm_train_sum_cuda, batch_norm_train_sum_opencl)(
                     input.raw(), sum_buffer.raw_buffer()),
                 "BatchNorm2d (training) mean" + where);
    sum_buffer.copy_to_host();
    statistics.mean = averaged(sums, statistics.count, synchronized);
    statistics.mean_buffer = shared_copy(statistics.mean);

    check_halide(device.pick(batch_norm_train_squared_deviations_cpu,
                             batch_norm_train_squared_deviations_cuda,
                             batch_norm_train_squared_deviations_opencl)(
                     input.raw(), statistics.mean_buffer->raw_buffer(), sum_buffer.raw_buffer()),
                 "BatchNorm2d (training) variance" + where);
    sum_buffer.copy_to_host();
    statistics.variance = averaged(sums, statistics.count, synchronized);
    statistics.variance_buffer = shared_copy(statistics.variance);
    return statistics;
}

Tensor batch_norm_train_normalize(const Tensor &input, const std::vector<float> &weight, const std::vector<float> &bias,
                                  const BatchStatistics &statistics, Activation activation, float eps,
                                  const Device &device) {
    check_parameters(input, weight, bias, statistics);
    Tensor output = Tensor::uninitialized(input.shape());
    Halide::Runtime::Buffer<float> w = view(weight), b = view(bias);
    const auto m = stage_buffer(statistics.mean_buffer, statistics.mean),
               v = stage_buffer(statistics.variance_buffer, statistics.variance);
    auto pipeline = device.pick(batch_norm_train_normalize_cpu,
                                batch_norm_train_normalize_cuda,
                                batch_norm_train_normalize_opencl);
    check_halide(pipeline(input.raw(), w.raw_buffer(), b.raw_buffer(), eps, int(activation), m->raw_buffer(),
                          v->raw_buffer(), output.raw()),
                 "BatchNorm2d (training) normalization on " + device.name());
    return output;
}

BatchNormTrainOutput batch_norm_train(const Tensor &input, const std::vector<float> &weight,
                                      const std::vector<float> &bias, Activation activation, float eps,
                                      const Device &device, const Communicator *synchronized) {
    BatchNormTrainOutput out;
    out.statistics = batch_statistics(input, device, synchronized);
    out.output = batch_norm_train_normalize(input, weight, bias, out.statistics, activation, eps, device);
    return out;
}

BatchNormGradients batch_norm_train_backward(const Tensor &input, const std::vector<float> &weight,
                                             const std::vector<float> &bias, const BatchStatistics &statistics,
                                             const Tensor &grad_output, Activation activation, float eps,
                                             const Device &device, const Communicator *synchronized) {
    check_parameters(input, weight, bias, statistics);
    if (grad_output.shape() != input.shape()) {
        throw Error("BatchNorm2d (training) backward: grad_output " + grad_output.shape().str() + " for input " +
                    input.shape().str());
    }
    if (statistics.count < 2 || statistics.count > INT_MAX) {
        throw Error("BatchNorm2d (training) backward: statistics over " + std::to_string(statistics.count) +
                    " values per channel");
    }
    const int c = input.shape().c;
    const std::string where = " on " + device.name();
    BatchNormGradients g{Tensor(), std::vector<float>(c), std::vector<float>(c)};
    std::vector<float> grad_negated_mean(c), grad_std_dev(c);
    Halide::Runtime::Buffer<float> w = view(weight), b = view(bias), gm(grad_negated_mean.data(), c),
                                   gs(grad_std_dev.data(), c), gw(g.grad_weight.data(), c), gb(g.grad_bias.data(), c);
    const auto m = stage_buffer(statistics.mean_buffer, statistics.mean),
               v = stage_buffer(statistics.variance_buffer, statistics.variance);
    check_halide(device.pick(batch_norm_train_backward_sums_cpu,
                             batch_norm_train_backward_sums_cuda,
                             batch_norm_train_backward_sums_opencl)(
                     input.raw(), w.raw_buffer(), b.raw_buffer(), eps, int(activation), m->raw_buffer(), v->raw_buffer(),
                     grad_output.raw(), gm.raw_buffer(), gs.raw_buffer(), gw.raw_buffer(), gb.raw_buffer()),
                 "BatchNorm2d (training) backward" + where);
    for (auto *buffer : {&gm, &gs, &gw, &gb}) buffer->copy_to_host();
    if (synchronized) {
        synchronized->sum(grad_negated_mean.data(), c);
        synchronized->sum(grad_std_dev.data(), c);
        gm.set_host_dirty();
        gs.set_host_dirty();
    }
    g.grad_input = Tensor::uninitialized(input.shape());
    check_halide(device.pick(batch_norm_train_backward_input_cpu,
                             batch_norm_train_backward_input_cuda,
                             batch_norm_train_backward_input_opencl)(
                     input.raw(), w.raw_buffer(), b.raw_buffer(), eps, int(activation), m->raw_buffer(), v->raw_buffer(),
                     grad_output.raw(), gm.raw_buffer(), gs.raw_buffer(), int(statistics.count), g.grad_input.raw()),
                 "BatchNorm2d (training) backward" + where);
    return g;
}

void update_running_stats(const BatchStatistics &batch, float momentum, std::vector<float> *mean,
                          std::vector<float> *variance, int64_t *batches_tracked) {
    const float unbias = float(batch.count) / float(batch.count - 1);
    for (size_t c = 0; c < batch.mean.size(); c++) {
        (*mean)[c] = (1 - momentum) * (*mean)[c] + momentum * batch.mean[c];
        (*variance)[c] = (1 - momentum) * (*variance)[c] + momentum * batch.variance[c] * unbias;
    }
    ++*batches_tracked;
}

}  // namespace antialiased
