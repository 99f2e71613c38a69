#include "runtime/scaled_sum.h"

#include <string>

#include "generators/scaled_sum_cpu.h"
#include "generators/scaled_sum_cuda.h"
#include "generators/scaled_sum_opencl.h"
#include "runtime/error.h"

namespace antialiased {

void scaled_sum(Parameter &x, float a, const Parameter &y, float b, const Device &device) {
    if (x.size() != y.size()) {
        throw Error("a sum of " + std::to_string(x.size()) + " and " + std::to_string(y.size()) + " values");
    }
    Halide::Runtime::Buffer<float> in_out = x.on(device), term = y.on(device);
    // In place: each element is read before it is written, by the same iteration.
    auto stage = device.pick(scaled_sum_cpu, scaled_sum_cuda, scaled_sum_opencl);
    check_halide(stage(in_out.raw_buffer(), term.raw_buffer(), a, b, in_out.raw_buffer()),
                 "scaled sum on " + device.name());
    x.written(device);
}

}  // namespace antialiased
