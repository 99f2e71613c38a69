#include "tools/model_flags.h"

#include "runtime/blurpool.h"
#include "runtime/error.h"

DEFINE_string(arch, "", "architecture (-a), e.g. resnet50_lpf4, resnet50_lpf (with -f), resnet50");
DEFINE_int32(filter_size, 4, "BlurPool filter size (-f) for 2019-style names (resnet50_lpf)");
DEFINE_string(pad_type, "reflect",
              "BlurPool padding: reflect (the reference's), replicate or zero (for maps too small to reflect)");
DEFINE_string(weights, "", "PyTorch checkpoint (.pth, .pth.tar)");
DEFINE_int32(classes, 1000, "number of classes of the network");
DEFINE_int32(gpu, -1, "GPU index (CUDA); -1 runs on the CPU");
DEFINE_int32(opencl, -1, "OpenCL device index (AMD and Intel GPUs; pocl runs on the CPU); -1: none");
DEFINE_bool(recompute_maps, true,
            "training: recompute batch norms' outputs in the backward pass instead of keeping them "
            "(--no-recompute-maps: 3-5% faster, ~10% more memory)");
DEFINE_bool(sync_bn, false,
            "training under mpirun: batch norms normalize by the statistics of every rank's share together "
            "(torch.nn.SyncBatchNorm) instead of each rank's own (DistributedDataParallel's default)");

namespace antialiased {

ModelFlags model_flags() {
    ModelFlags flags;
    flags.arch = FLAGS_arch;
    if (flags.arch.empty()) throw Error("-a/--arch is required");
    flags.options.filter_size = FLAGS_filter_size;
    try {
        flags.options.pad_type = parse_pad_type(FLAGS_pad_type);
    } catch (const Error &e) {
        throw Error(std::string("--pad-type: ") + e.what());
    }
    flags.options.num_classes = FLAGS_classes;
    return flags;
}

Device device_flag() {
    if (FLAGS_gpu >= 0 && FLAGS_opencl >= 0) throw Error("--gpu (CUDA) and --opencl: one device, not both");
    if (FLAGS_gpu >= 0) return Device::cuda(FLAGS_gpu);
    return FLAGS_opencl >= 0 ? Device::opencl(FLAGS_opencl) : Device::cpu();
}

TrainContext training_context() {
    TrainContext context;
    context.device = device_flag();
    context.recompute_maps = FLAGS_recompute_maps;
    context.sync_batch_norm = FLAGS_sync_bn;
    context.communicator = &Communicator::world();  // the ranks mpirun started, if it did
    return context;
}

}  // namespace antialiased
