#include "runtime/device.h"

#include <HalideBuffer.h>
#include <HalideRuntimeCuda.h>

#include <mutex>

#include "runtime/error.h"

namespace antialiased {

bool cuda_available(std::string *reason) {
    static std::once_flag once;
    static std::string failure;
    std::call_once(once, [] {
        // Allocating one float on the device runs cuInit and creates a context: exactly what a pipeline
        // would do first. Without a driver the runtime reports "CUDA API not found: cuInit".
        try {
            Halide::Runtime::Buffer<float> probe(1);
            check_halide(probe.device_malloc(halide_cuda_device_interface()), "CUDA");
            probe.device_free();
        } catch (const Error &e) {
            failure = e.what();
        }
    });
    if (reason) *reason = failure;
    return failure.empty();
}

Device Device::cuda(int index) {
    if (index < 0) throw Error("--gpu " + std::to_string(index) + ": a GPU index is >= 0");
    halide_set_gpu_device(index);
    std::string reason;
    if (!cuda_available(&reason)) {
        throw Error("GPU " + std::to_string(index) + " requested but no usable CUDA GPU (" + reason + ")");
    }
    return Device{kCuda, index};
}

std::string Device::name() const { return is_cuda() ? "cuda:" + std::to_string(index) : "cpu"; }

const halide_device_interface_t *Device::interface() const {
    return is_cuda() ? halide_cuda_device_interface() : nullptr;
}

}  // namespace antialiased
