// bazel run //tools:blurpool -- --input IN --output OUT [--filt_size K] [--stride S] [--pad_type T]
//     [--pad_off P] [--grad_output G.npy --grad_input GI.npy] [--naive_output NAIVE] [--gpu N]
//
// Anti-aliased downsampling (BlurPool) of a .npy array or an image.
//   .npy: float32 (N, C, H, W) in C order (BlurPool), or (N, C, L) (BlurPool1D).
//   PNG / JPEG: the image's own channels in [0, 1]; OUT is an image too (PNG, or JPEG for .jpg/.jpeg), and
//   --naive_output writes plain subsampling (x[::s, ::s], what a strided layer does without the blur) to
//   compare: its aliasing (jagged edges, moire) is what BlurPool removes.
// With --grad_output, also writes the gradient with respect to the input for that upstream gradient.
#include <gflags/gflags.h>

#include <cstdio>
#include <string>

#include "runtime/blurpool.h"
#include "runtime/error.h"
#include "runtime/image_io.h"
#include "runtime/npy.h"
#include "tools/tool_main.h"

DEFINE_string(input, "", "input: float32 .npy (N,C,H,W) or (N,C,L), or a PNG/JPEG image");
DEFINE_string(output, "", "output: .npy for .npy input, an image (.png, .jpg) for image input");
DEFINE_int32(filt_size, 4, "filter size, 1..7 (binomial taps; 1 is plain subsampling)");
DEFINE_int32(stride, 2, "subsampling stride, >= 1");
DEFINE_string(pad_type, "reflect", "reflect | replicate | zero (also the reference's refl, repl)");
DEFINE_int32(pad_off, 0, "extra padding on every side, >= 0");
DEFINE_string(grad_output, "", "optional upstream gradient .npy, the shape of the output");
DEFINE_string(grad_input, "", "where to write the input gradient .npy (with --grad_output)");
DEFINE_string(naive_output, "", "image input only: also write plain subsampling without the blur here");
DEFINE_int32(gpu, -1, "GPU index to run on (CUDA); -1 runs on the CPU");

namespace antialiased {
namespace {

void require(bool condition, const std::string &message) {
    if (!condition) throw Error(message);
}

void run() {
    require(!FLAGS_input.empty(), "--input is required");
    require(!FLAGS_output.empty(), "--output is required");
    require(FLAGS_grad_output.empty() == FLAGS_grad_input.empty(),
            "--grad_output and --grad_input go together");
    const PadType pad_type = parse_pad_type(FLAGS_pad_type);
    const Device device = FLAGS_gpu >= 0 ? Device::cuda(FLAGS_gpu) : Device::cpu();
    const bool image = is_image_file(FLAGS_input);
    require(!image || FLAGS_grad_output.empty(), "--grad_output needs a .npy --input, not an image");
    require(image || FLAGS_naive_output.empty(), "--naive_output is for image input");

    // A .npy of rank 3 is a batch of 1-D signals, held with height 1.
    bool one_d = false;
    const Tensor input =
        image ? image_to_tensor(read_image(FLAGS_input)) : read_npy_tensor(FLAGS_input, true, &one_d);
    const int channels = input.shape().c;
    const BlurPool layer = one_d ? BlurPool::one_d(channels, pad_type, FLAGS_filt_size, FLAGS_stride, FLAGS_pad_off)
                                 : BlurPool(channels, pad_type, FLAGS_filt_size, FLAGS_stride, FLAGS_pad_off);
    const Tensor output = layer.forward(input, device);
    if (image) {
        write_image(FLAGS_output, tensor_to_image(output));
        if (!FLAGS_naive_output.empty()) {
            const BlurPool naive(channels, pad_type, 1, FLAGS_stride, FLAGS_pad_off);
            write_image(FLAGS_naive_output, tensor_to_image(naive.forward(input, device)));
        }
    } else {
        write_npy_tensor(FLAGS_output, output, one_d);
    }
    std::printf("%s %s -> %s %s (%s, filt_size %d, stride %d, pad_off %d, %s)\n", FLAGS_input.c_str(),
                input.shape().str().c_str(), FLAGS_output.c_str(), output.shape().str().c_str(),
                pad_type_name(pad_type).c_str(), FLAGS_filt_size, FLAGS_stride, FLAGS_pad_off,
                device.name().c_str());

    if (!FLAGS_grad_output.empty()) {
        const Tensor grad_output = read_npy_tensor(FLAGS_grad_output, one_d);
        write_npy_tensor(FLAGS_grad_input, layer.backward(input, grad_output, device), one_d);
        std::printf("%s -> %s\n", FLAGS_grad_output.c_str(), FLAGS_grad_input.c_str());
    }
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    return antialiased::tool_main("blurpool", "anti-aliased downsampling (BlurPool) of a .npy array or a PNG/JPEG image",
                                  argc, argv, antialiased::run);
}
