// How close the convolutions get to this CPU's peak: the peak FLOP rate measured with a small FMA kernel (as
// many independent vector FMAs as registers allow, on every core), then the Conv2d stage on ResNet-50's 3x3
// layers (batch 16, stride 1, pad 1; Winograd's algorithm beside the direct sum) and on every convolution of
// resnet50_lpf4, in GFLOP/s of the direct sum (2 per multiply-add) and as a share of that peak.
#include <gflags/gflags.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/best_time.h"
#include "bench/peak_flops.h"
#include "bench/network_layers.h"
#include "runtime/layers.h"

DEFINE_int32(batch, 16, "N");
DEFINE_double(seconds, 2, "time per measurement");
DEFINE_bool(backward, false,
            "time the gradient stages instead (weights and input, twice the forward's FLOPs; the stem: weights only), "
            "and each one's milliseconds");
DEFINE_bool(small, false, "time resnet18_lpf3's convolutions at 32 px (the demo's workload; use --batch 64) instead");
DEFINE_string(only, "", "time only the layers of this in,out,kernel,px (e.g. 64,256,1,56), to profile one shape");

namespace antialiased {
namespace {

// Seconds of the layer's forward stage, or with --backward of its weight-gradient stage alone and of both gradient
// stages (weights and input) after a forward_train: the best of at least 2 runs each.
struct Seconds {
    double all, weights;
};
Seconds conv_seconds(Conv2d &conv, const Tensor &x) {
    if (!FLAGS_backward) return {best_seconds([&] { conv.forward(x, Device::cpu()); }, FLAGS_seconds), 0};
    TrainContext context;
    Tensor grad;  // any values: the stages' speed does not depend on them
    const auto backward = [&](bool input_grad) {
        return best_seconds([&] { conv.backward(grad, context, input_grad); }, FLAGS_seconds,
                            [&] { grad = conv.forward_train(x, context); });
    };
    // A network's first layer (3 input channels here) needs no input gradient, and training skips it.
    const double weights = backward(false);
    return {x.shape().c == 3 ? weights : backward(true), weights};
}

// Seconds of layer `l` computed by `algorithm`, on random weights and input.
Seconds layer_seconds(const Layer &l, ConvAlgorithm algorithm) {
    Conv2d conv(l.in, l.out, l.kernel, ConvOptions{l.stride, l.kernel / 2, 1, 1, false, algorithm});
    std::vector<StateEntry> entries;
    conv.state("", &entries);
    std::mt19937 rng(0);
    std::normal_distribution<float> normal(0.0f, std::sqrt(2.0f / (l.in * l.kernel * l.kernel)));
    for (float &w : *entries[0].values) w = normal(rng);
    conv.prepare();
    Tensor x(Shape{FLAGS_batch, l.in, l.px, l.px});
    std::normal_distribution<float> unit;
    for (size_t i = 0; i < x.shape().elements(); i++) x.data()[i] = unit(rng);
    return conv_seconds(conv, x);
}

// Times every layer of `layers` as the network runs it (ConvAlgorithm::kAuto) and prints them, their total and
// its share of `peak`, in GFLOP/s of the direct sum (2 per multiply-add of the definition: Winograd's layers do
// fewer, so their share can pass 100%); with --backward also the weight gradient's and the input gradient's
// shares of the time. With `direct_too`, the same layers forced to the direct sum beside them: its share of the
// peak is the schedule's efficiency, the ratio is what Winograd's algorithm gains.
void time_layers(const std::vector<Layer> &layers, double peak, bool direct_too) {
    std::printf("%6s %6s %3s %3s %5s %5s | %9s %9s %7s", "in", "out", "k", "s", "px", "count", "ms", "GFLOP/s",
                "of peak");
    if (FLAGS_backward) std::printf(" | %9s %9s", "weights", "input");
    if (direct_too) std::printf(" | %9s %9s %7s %7s", "direct ms", "GFLOP/s", "of peak", "speedup");
    std::printf("\n");
    double flops_total = 0, seconds_total = 0, weights_total = 0, direct_total = 0;
    for (const Layer &l : layers) {
        const std::string shape = std::to_string(l.in) + "," + std::to_string(l.out) + "," +
                                  std::to_string(l.kernel) + "," + std::to_string(l.px);
        if (!FLAGS_only.empty() && shape != FLAGS_only) continue;
        const Seconds t = layer_seconds(l, ConvAlgorithm::kAuto);
        const double s = t.all * l.count, weights = t.weights * l.count;
        const double out_px = (l.px + 2 * (l.kernel / 2) - l.kernel) / l.stride + 1;
        const double stages = FLAGS_backward ? (l.in == 3 ? 1 : 2) : 1;
        const double flops = 2.0 * stages * FLAGS_batch * out_px * out_px * l.in * l.out * l.kernel *
                             l.kernel * l.count;
        flops_total += flops, seconds_total += s, weights_total += weights;
        std::printf("%6d %6d %3d %3d %5d %5d | %9.2f %9.1f %6.0f%%", l.in, l.out, l.kernel, l.stride, l.px, l.count,
                    s * 1e3, flops / s / 1e9, 100 * flops / s / 1e9 / peak);
        if (FLAGS_backward) std::printf(" | %9.2f %9.2f", weights * 1e3, (s - weights) * 1e3);
        if (direct_too) {
            const double d = layer_seconds(l, ConvAlgorithm::kDirect).all * l.count;
            direct_total += d;
            std::printf(" | %9.2f %9.1f %6.0f%% %6.2fx", d * 1e3, flops / d / 1e9, 100 * flops / d / 1e9 / peak, d / s);
        }
        std::printf("\n");
    }
    std::printf("%33s | %9.2f %9.1f %6.0f%%", "all", seconds_total * 1e3, flops_total / seconds_total / 1e9,
                100 * flops_total / seconds_total / 1e9 / peak);
    if (FLAGS_backward) std::printf(" | %9.2f %9.2f", weights_total * 1e3, (seconds_total - weights_total) * 1e3);
    if (direct_too) {
        std::printf(" | %9.2f %9.1f %6.0f%% %6.2fx", direct_total * 1e3, flops_total / direct_total / 1e9,
                    100 * flops_total / direct_total / 1e9 / peak, direct_total / seconds_total);
    }
    std::printf("\n");
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    using namespace antialiased;
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    const double peak = peak_gflops();
    std::printf("peak (FMA kernel, %u threads, %s): %.1f GFLOP/s\n", std::thread::hardware_concurrency(),
                __builtin_cpu_supports("avx512f") ? "AVX-512" : "AVX2", peak);
    if (FLAGS_small) {
        std::printf("\nEvery convolution of resnet18_lpf3 at 32 px (times the count), batch %d\n", FLAGS_batch);
        time_layers(kResnet18Lpf3At32, peak, true);
        return 0;
    }
    std::printf("\nResNet-50's 3x3 convolutions, batch %d\n", FLAGS_batch);
    std::vector<Layer> three_by_three;
    for (auto [c, px] : {std::pair{64, 56}, {128, 28}, {256, 14}, {512, 7}, {128, 56}, {256, 28}, {512, 14}}) {
        three_by_three.push_back({c, c, 3, 1, px, 1});
    }
    time_layers(three_by_three, peak, true);
    std::printf("\nEvery convolution of resnet50_lpf4 (times the count), batch %d\n", FLAGS_batch);
    time_layers(kResnet50Lpf4, peak, false);
    return 0;
}
