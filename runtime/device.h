// Where a layer runs: the CPU, a CUDA GPU through Halide's CUDA runtime, or an OpenCL device (AMD and Intel GPUs;
// pocl's CPU device in CI) through Halide's OpenCL runtime. The GPU devices run the same GPU schedules.
#pragma once

#include <string>

struct halide_device_interface_t;

namespace antialiased {

struct Device {
    enum Kind { kCpu, kCuda, kOpenCL };
    Kind kind = kCpu;
    int index = 0;  // the GPU's ordinal for kCuda and kOpenCL

    static Device cpu() { return Device{}; }
    // Selects GPU `index` for every later CUDA call. Throws Error naming the reason (no driver, no device,
    // bad index) when it cannot be used; `--gpu` in the tools maps to this.
    static Device cuda(int index = 0);
    // The same for OpenCL device `index` of the first platform (HL_OCL_PLATFORM_NAME, HL_OCL_DEVICE_TYPE choose
    // others, as in Halide); `--opencl` in the tools.
    static Device opencl(int index = 0);

    bool is_cuda() const { return kind == kCuda; }
    bool is_opencl() const { return kind == kOpenCL; }
    bool is_gpu() const { return kind != kCpu; }
    // The variant of a stage for this device: `cpu`, `cuda` or `opencl` (each stage is compiled for all three).
    template <typename Stage>
    Stage pick(Stage cpu, Stage cuda, Stage opencl) const {
        return kind == kCuda ? cuda : kind == kOpenCL ? opencl : cpu;
    }
    std::string name() const;
    // Halide's device interface for this device, or nullptr for the CPU.
    const halide_device_interface_t *interface() const;
};

// Whether a usable CUDA GPU, or OpenCL device, is present (each answer is computed once). On false, `reason`
// says why.
bool cuda_available(std::string *reason = nullptr);
bool opencl_available(std::string *reason = nullptr);

}  // namespace antialiased
