// The flags that name a network, shared by the tools, spelled like the reference's main.py: -a/--arch,
// -f/--filter_size, plus --classes, --weights, --gpu (CUDA) and --opencl; and --recompute-maps and --sync-bn for
// the tools that train.
#pragma once

#include <gflags/gflags.h>

#include <string>

#include "models/zoo.h"
#include "runtime/device.h"

DECLARE_string(weights);
DECLARE_int32(classes);
DECLARE_int32(gpu);
DECLARE_int32(opencl);
DECLARE_bool(recompute_maps);
DECLARE_bool(sync_bn);

namespace antialiased {

struct ModelFlags {
    std::string arch;
    ModelOptions options;
};

// The architecture (Error when -a/--arch is not given) and its options.
ModelFlags model_flags();
// --gpu's CUDA device or --opencl's OpenCL device (Device::cpu() without either).
Device device_flag();
// Training's settings from --gpu, --recompute-maps and --sync-bn.
TrainContext training_context();

}  // namespace antialiased
