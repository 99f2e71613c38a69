#include "runtime/sgd.h"

#include <HalideBuffer.h>

#include "generators/sgd_step_cpu.h"
#include "runtime/error.h"

namespace antialiased {

Sgd::Sgd(SgdOptions options) : options_(options) {
    if (!(options.lr >= 0) || !(options.momentum >= 0) || !(options.weight_decay >= 0)) {
        throw Error("SGD: lr, momentum and weight decay must be >= 0");
    }
    if (options.nesterov && options.momentum == 0) throw Error("SGD: Nesterov momentum requires a momentum");
}

void Sgd::step(std::vector<float> &param, const std::vector<float> &grad, std::vector<float> &buffer) const {
    if (grad.size() != param.size()) {
        throw Error("SGD: gradient of " + std::to_string(grad.size()) + " values for a parameter of " +
                    std::to_string(param.size()));
    }
    const bool first = buffer.empty();
    if (first) buffer.assign(param.size(), 0.0f);
    const int n = int(param.size());
    Halide::Runtime::Buffer<float> p(param.data(), n), g(const_cast<float *>(grad.data()), n), b(buffer.data(), n);
    // In place: each element is read before it is written, by the same iteration.
    check_halide(sgd_step_cpu(p.raw_buffer(), g.raw_buffer(), b.raw_buffer(), options_.lr, options_.momentum,
                              options_.weight_decay, options_.nesterov, first, p.raw_buffer(), b.raw_buffer()),
                 "SGD step");
}

}  // namespace antialiased
