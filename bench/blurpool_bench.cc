// BlurPool forward and forward+backward on the shapes of ResNet-50's anti-aliased layers (N=16, filter 4,
// stride 2, reflect), next to PyTorch's times for the same shapes (read from --torch, written by
// blurpool_torch.py in the same run by run_blurpool.sh), and the memory bandwidth each achieves next to this
// machine's measured copy bandwidth. BlurPool reads every input once and writes every output once: it is
// memory-bound, so bytes moved / time is the figure of merit.
#include <gflags/gflags.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <vector>

#include "runtime/blurpool.h"

DEFINE_string(torch, "", "PyTorch times: lines 'C H forward_ms forward_backward_ms' (blurpool_torch.py)");
DEFINE_int32(batch, 16, "N");
DEFINE_int32(repeats, 10, "timed runs per measurement (the minimum is reported)");

namespace antialiased {
namespace {

double best_ms(const std::function<void()> &run, int repeats) {
    run();  // warm up: page faults, thread pool
    double best = 1e30;
    for (int i = 0; i < repeats; i++) {
        const auto start = std::chrono::steady_clock::now();
        run();
        best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

// GB/s of memcpy between two 256 MB buffers, counting the bytes read and written.
double copy_bandwidth() {
    const size_t bytes = size_t(256) << 20;
    std::vector<char> a(bytes, 1), b(bytes, 2);
    const double ms = best_ms([&] { std::memcpy(b.data(), a.data(), bytes); }, 5);
    return 2.0 * bytes / ms / 1e6;
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    using namespace antialiased;
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    std::map<std::pair<int, int>, std::pair<double, double>> torch;
    std::ifstream torch_file(FLAGS_torch);
    for (int c, h; torch_file >> c >> h;) torch_file >> torch[{c, h}].first >> torch[{c, h}].second;

    const double copy = copy_bandwidth();
    std::printf("memcpy bandwidth: %.1f GB/s (read + write)\n", copy);
    std::printf("BlurPool, N=%d, filter 4, stride 2, reflect; times in ms (best of %d); GB/s = bytes moved / time\n",
                FLAGS_batch, FLAGS_repeats);
    std::printf("%6s %5s | %8s %8s %7s %6s | %8s %8s %7s %6s\n", "C", "px", "fwd", "torch", "speedup", "GB/s",
                "fwd+bwd", "torch", "speedup", "GB/s");
    const std::pair<int, int> shapes[] = {{64, 112}, {128, 56}, {256, 56}, {256, 28}, {512, 28}, {512, 14}, {1024, 14}};
    double total = 0, total_torch = 0, total_fb = 0, total_fb_torch = 0;
    for (auto [c, h] : shapes) {
        const BlurPool layer(c, PadType::kReflect, 4, 2);
        const Tensor x(Shape{FLAGS_batch, c, h, h});
        const Tensor g(layer.output_shape(x.shape()));
        const double fwd = best_ms([&] { layer.forward(x); }, FLAGS_repeats);
        const double fb = best_ms([&] { layer.forward(x); layer.backward(x, g); }, FLAGS_repeats);
        const double in_bytes = 4.0 * x.shape().elements(), out_bytes = 4.0 * g.shape().elements();
        const auto t = torch.count({c, h}) ? torch[{c, h}] : std::make_pair(0.0, 0.0);
        std::printf("%6d %5d | %8.2f %8.2f %6.1fx %6.1f | %8.2f %8.2f %6.1fx %6.1f\n", c, h, fwd, t.first,
                    t.first / fwd, (in_bytes + out_bytes) / fwd / 1e6, fb, t.second, t.second / fb,
                    2 * (in_bytes + out_bytes) / fb / 1e6);
        total += fwd, total_torch += t.first, total_fb += fb, total_fb_torch += t.second;
    }
    std::printf("%12s | %8.2f %8.2f %6.1fx %6s | %8.2f %8.2f %6.1fx\n", "all", total, total_torch,
                total_torch / total, "", total_fb, total_fb_torch, total_fb_torch / total_fb);
    return 0;
}
