#include "runtime/device.h"

#include <HalideBuffer.h>
#include <HalideRuntimeCuda.h>
#include <HalideRuntimeOpenCL.h>


#include "runtime/error.h"

namespace antialiased {

namespace {

// Allocating one float on the device initializes the runtime and creates a context: exactly what a pipeline
// would do first. Without a driver the runtime reports so ("CUDA API not found: cuInit", "OpenCL API not found").
std::string probe(const halide_device_interface_t *device, const char *api) {
    try {
        Halide::Runtime::Buffer<float> buffer(1);
        check_halide(buffer.device_malloc(device), api);
        buffer.device_free();
    } catch (const Error &e) {
        return e.what();
    }
    return "";
}

}  // namespace

bool cuda_available(std::string *reason) {
    static const std::string failure = probe(halide_cuda_device_interface(), "CUDA");
    if (reason) *reason = failure;
    return failure.empty();
}

bool opencl_available(std::string *reason) {
    static const std::string failure = probe(halide_opencl_device_interface(), "OpenCL");
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

Device Device::opencl(int index) {
    if (index < 0) throw Error("--opencl " + std::to_string(index) + ": a device index is >= 0");
    halide_set_gpu_device(index);
    std::string reason;
    if (!opencl_available(&reason)) {
        throw Error("OpenCL device " + std::to_string(index) + " requested but none is usable (" + reason + ")");
    }
    return Device{kOpenCL, index};
}

std::string Device::name() const {
    return is_cuda() ? "cuda:" + std::to_string(index) : is_opencl() ? "opencl:" + std::to_string(index) : "cpu";
}

const halide_device_interface_t *Device::interface() const {
    return pick<const halide_device_interface_t *>(nullptr, halide_cuda_device_interface(),
                                                   halide_opencl_device_interface());
}

}  // namespace antialiased
