#include "runtime/sgd.h"

#include <HalideBuffer.h>

#include "generators/sgd_step_cpu.h"
#include "generators/sgd_step_cuda.h"
#include "generators/sgd_step_opencl.h"
#include "runtime/error.h"

namespace antialiased {

Sgd::Sgd(SgdOptions options) : options_(options) {
    if (!(options.lr >= 0) || !(options.momentum >= 0) || !(options.weight_decay >= 0)) {
        throw Error("SGD: lr, momentum and weight decay must be >= 0");
    }
    if (options.nesterov && options.momentum == 0) throw Error("SGD: Nesterov momentum requires a momentum");
}

void Sgd::step(Parameter &param, const Parameter &grad, Parameter &buffer, const Device &device) const {
    if (grad.size() != param.size()) {
        throw Error("SGD: gradient of " + std::to_string(grad.size()) + " values for a parameter of " +
                    std::to_string(param.size()));
    }
    const bool first = buffer.empty();
    if (first) buffer.resize(param.size());  // (its zeros are not read: the first step starts it at d)
    Halide::Runtime::Buffer<float> p = param.on(device), g = grad.on(device), b = buffer.on(device);
    // In place: each element is read before it is written, by the same iteration.
    auto stage = device.pick(sgd_step_cpu, sgd_step_cuda, sgd_step_opencl);
    check_halide(stage(p.raw_buffer(), g.raw_buffer(), b.raw_buffer(), options_.lr, options_.momentum,
                       options_.weight_decay, options_.nesterov, first, p.raw_buffer(), b.raw_buffer()),
                 "SGD step on " + device.name());
    param.written(device);
    buffer.written(device);
}

}  // namespace antialiased
