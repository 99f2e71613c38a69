// Where a layer runs: the CPU, or a CUDA GPU through Halide's CUDA runtime.
#pragma once

#include <string>

struct halide_device_interface_t;

namespace antialiased {

struct Device {
    enum Kind { kCpu, kCuda };
    Kind kind = kCpu;
    int index = 0;  // the GPU's ordinal for kCuda

    static Device cpu() { return Device{}; }
    // Selects GPU `index` for every later CUDA call. Throws Error naming the reason (no driver, no device,
    // bad index) when it cannot be used; `--gpu` in the tools maps to this.
    static Device cuda(int index = 0);

    bool is_cuda() const { return kind == kCuda; }
    std::string name() const;
    // Halide's device interface for this device, or nullptr for the CPU.
    const halide_device_interface_t *interface() const;
};

// Whether a usable CUDA GPU is present (the answer is computed once). On false, `reason` says why.
bool cuda_available(std::string *reason = nullptr);

}  // namespace antialiased
