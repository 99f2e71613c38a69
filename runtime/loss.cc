#include "runtime/loss.h"

#include <HalideBuffer.h>

#include <algorithm>

#include "generators/cross_entropy_cpu.h"
#include "generators/cross_entropy_cuda.h"
#include "generators/cross_entropy_opencl.h"
#include "runtime/error.h"

namespace antialiased {

LossAndGradient cross_entropy(const Tensor &logits, const std::vector<int64_t> &labels, const Device &device) {
    const Shape &s = logits.shape();
    if (s.h != 1 || s.w != 1) throw Error("cross_entropy: logits " + s.str() + " must be (N, K, 1, 1)");
    if (labels.size() != size_t(s.n)) {
        throw Error("cross_entropy: " + std::to_string(labels.size()) + " labels for " + std::to_string(s.n) + " images");
    }
    Halide::Runtime::Buffer<int32_t> label_buffer(s.n);
    Halide::Runtime::Buffer<float> shift(s.n);
    const float *z = logits.data();
    for (int n = 0; n < s.n; n++) {
        if (labels[n] < 0 || labels[n] >= s.c) {
            throw Error("cross_entropy: label " + std::to_string(labels[n]) + " of image " + std::to_string(n) +
                        " is not a class of 0.." + std::to_string(s.c - 1));
        }
        label_buffer(n) = int32_t(labels[n]);
        shift(n) = *std::max_element(z + size_t(n) * s.c, z + size_t(n + 1) * s.c);
    }
    label_buffer.set_host_dirty();
    shift.set_host_dirty();
    // The logits and their gradient stay where the network is (on a GPU, the host copy read above is a copy of the
    // device's, which stays current).
    LossAndGradient result{0, Tensor::uninitialized(s)};
    Halide::Runtime::Buffer<float> loss = Halide::Runtime::Buffer<float>::make_scalar();
    auto pipeline = device.pick(cross_entropy_cpu, cross_entropy_cuda, cross_entropy_opencl);
    check_halide(pipeline(logits.raw(), label_buffer.raw_buffer(), shift.raw_buffer(), loss.raw_buffer(),
                          result.grad_logits.raw()),
                 "cross_entropy on " + device.name());
    loss.copy_to_host();
    result.loss = loss();
    return result;
}

}  // namespace antialiased
