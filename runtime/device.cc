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

namespace {

// Selects device `index` of a GPU API for every later call, or says why it cannot (`flag`: the tools' flag).
Device select_gpu(Device::Kind kind, int index, const std::string &flag, const std::string &device,
                  bool (*available)(std::string *)) {
    if (index < 0) throw Error(flag + " " + std::to_string(index) + ": a device index is >= 0");
    halide_set_gpu_device(index);
    std::string reason;
    if (!available(&reason)) {
        throw Error("GPU " + std::to_string(index) + " requested but no usable " + device + " (" + reason + ")");
    }
    return Device{kind, index};
}

}  // namespace

Device Device::cuda(int index) { return select_gpu(kCuda, index, "--gpu", "CUDA GPU", cuda_available); }

Device Device::opencl(int index) {
    return select_gpu(kOpenCL, index, "--opencl", "OpenCL device", opencl_available);
}

std::string Device::name() const {
    return is_cuda() ? "cuda:" + std::to_string(index) : is_opencl() ? "opencl:" + std::to_string(index) : "cpu";
}

const halide_device_interface_t *Device::interface() const {
    return pick<const halide_device_interface_t *>(nullptr, halide_cuda_device_interface(),
                                                   halide_opencl_device_interface());
}

}  // namespace antialiased
