#include "runtime/batch_norm_training.h"

#include <HalideBuffer.h>

#include <climits>

#include "generators/batch_norm_train_average_cpu.h"
#include "generators/batch_norm_train_average_cuda.h"
#include "generators/batch_norm_train_average_opencl.h"
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
#include "runtime/scaled_sum.h"
#include "runtime/tuned_dispatch.h"

namespace antialiased {
namespace {

void check_parameters(const Tensor &input, const Parameter &weight, const Parameter &bias,
                      const BatchStatistics &statistics) {
    const size_t c = size_t(input.shape().c);
    const size_t means = statistics.mean ? statistics.mean->size() : 0,
                 variances = statistics.variance ? statistics.variance->size() : 0;
    if (weight.size() != c || bias.size() != c || means != c || variances != c) {
        throw Error("BatchNorm2d (training): " + std::to_string(weight.size()) + " weights, " +
                    std::to_string(bias.size()) + " biases, " + std::to_string(means) + " means and " +
                    std::to_string(variances) + " variances for an input of " + std::to_string(c) + " channels");
    }
}

// Per channel, `sums` (made by a stage on `device`) divided by `count`, in float: on the device by a stage, or,
// synchronized, summed over the ranks on the host first.
std::shared_ptr<Parameter> averaged(Halide::Runtime::Buffer<double> &sums, int64_t count, const Device &device,
                                    const Communicator *synchronized) {
    const int c = sums.dim(0).extent();
    auto result = std::make_shared<Parameter>(size_t(c));
    const double inverse = 1.0 / double(count);
    if (synchronized) {
        check_halide(sums.copy_to_host(), "BatchNorm2d (training): copying the sums from " + device.name());
        synchronized->sum(sums.data(), size_t(c));
        for (int i = 0; i < c; i++) (*result)[i] = float(sums(i) * inverse);
        return result;
    }
    Halide::Runtime::Buffer<float> out = result->to_write_on(device);
    check_halide(device.pick(batch_norm_train_average_cpu, batch_norm_train_average_cuda,
                             batch_norm_train_average_opencl)(sums.raw_buffer(), inverse, out.raw_buffer()),
                 "BatchNorm2d (training) statistics on " + device.name());
    result->written(device);
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
    Halide::Runtime::Buffer<double> sums(s.c);
    check_halide(device.pick(batch_norm_train_sum_cpu, batch_norm_train_sum_cuda, batch_norm_train_sum_opencl)(
                     input.raw(), sums.raw_buffer()),
                 "BatchNorm2d (training) mean" + where);
    statistics.mean = averaged(sums, statistics.count, device, synchronized);
    check_halide(device.pick(batch_norm_train_squared_deviations_cpu,
                             batch_norm_train_squared_deviations_cuda,
                             batch_norm_train_squared_deviations_opencl)(
                     input.raw(), statistics.mean->on(device).raw_buffer(), sums.raw_buffer()),
                 "BatchNorm2d (training) variance" + where);
    statistics.variance = averaged(sums, statistics.count, device, synchronized);
    return statistics;
}

Tensor batch_norm_train_normalize(const Tensor &input, const Parameter &weight, const Parameter &bias,
                                  const BatchStatistics &statistics, Activation activation, float eps,
                                  const Device &device) {
    check_parameters(input, weight, bias, statistics);
    Tensor output = Tensor::uninitialized(input.shape());
    auto pipeline = device.pick(batch_norm_train_normalize_cpu,
                                batch_norm_train_normalize_cuda,
                                batch_norm_train_normalize_opencl);
    if (!device.is_gpu() && input.shape().h == input.shape().w) {
        pipeline = tuned_batch_norm_train_normalize(input.shape().c, input.shape().w);
    }
    check_halide(pipeline(input.raw(), weight.on(device).raw_buffer(), bias.on(device).raw_buffer(), eps,
                          int(activation), statistics.mean->on(device).raw_buffer(),
                          statistics.variance->on(device).raw_buffer(), output.raw()),
                 "BatchNorm2d (training) normalization on " + device.name());
    return output;
}

BatchNormTrainOutput batch_norm_train(const Tensor &input, const Parameter &weight, const Parameter &bias,
                                      Activation activation, float eps, const Device &device,
                                      const Communicator *synchronized) {
    BatchNormTrainOutput out;
    out.statistics = batch_statistics(input, device, synchronized);
    out.output = batch_norm_train_normalize(input, weight, bias, out.statistics, activation, eps, device);
    return out;
}

BatchNormGradients batch_norm_train_backward(const Tensor &input, const Parameter &weight, const Parameter &bias,
                                             const BatchStatistics &statistics, const Tensor &grad_output,
                                             Activation activation, float eps, const Device &device,
                                             const Communicator *synchronized) {
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
    BatchNormGradients g{Tensor(), Parameter(size_t(c)), Parameter(size_t(c))};
    // The statistics' adjoints, summed over the ranks when synchronized; the weight's and the bias's gradients.
    Halide::Runtime::Buffer<float> gm(c), gs(c), gw = g.grad_weight.to_write_on(device),
                                   gb = g.grad_bias.to_write_on(device);
    Halide::Runtime::Buffer<float> w = weight.on(device), b = bias.on(device), m = statistics.mean->on(device),
                                   v = statistics.variance->on(device);
    check_halide(device.pick(batch_norm_train_backward_sums_cpu,
                             batch_norm_train_backward_sums_cuda,
                             batch_norm_train_backward_sums_opencl)(
                     input.raw(), w.raw_buffer(), b.raw_buffer(), eps, int(activation), m.raw_buffer(), v.raw_buffer(),
                     grad_output.raw(), gm.raw_buffer(), gs.raw_buffer(), gw.raw_buffer(), gb.raw_buffer()),
                 "BatchNorm2d (training) backward" + where);
    g.grad_weight.written(device);
    g.grad_bias.written(device);
    if (synchronized) {
        for (auto *sums : {&gm, &gs}) {
            sums->copy_to_host();
            synchronized->sum(sums->data(), c);
            sums->set_host_dirty();
        }
    }
    g.grad_input = Tensor::uninitialized(input.shape());
    auto input_gradient = device.pick(batch_norm_train_backward_input_cpu,
                                      batch_norm_train_backward_input_cuda,
                                      batch_norm_train_backward_input_opencl);
    if (!device.is_gpu() && input.shape().h == input.shape().w) {
        input_gradient = tuned_batch_norm_train_backward_input(c, input.shape().w);
    }
    check_halide(input_gradient(
                     input.raw(), w.raw_buffer(), b.raw_buffer(), eps, int(activation), m.raw_buffer(), v.raw_buffer(),
                     grad_output.raw(), gm.raw_buffer(), gs.raw_buffer(), int(statistics.count), g.grad_input.raw()),
                 "BatchNorm2d (training) backward" + where);
    return g;
}

void update_running_stats(const BatchStatistics &batch, float momentum, Parameter *mean, Parameter *variance,
                          int64_t *batches_tracked, const Device &device) {
    const float unbias = float(batch.count) / float(batch.count - 1);
    scaled_sum(*mean, 1 - momentum, *batch.mean, momentum, device);
    scaled_sum(*variance, 1 - momentum, *batch.variance, momentum * unbias, device);
    ++*batches_tracked;
}

}  // namespace antialiased
