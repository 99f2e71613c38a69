// BlurPool forward and forward+backward on the shapes of ResNet-50's anti-aliased layers (N=16, filter 4,
// stride 2, reflect), next to PyTorch's times for the same shapes (read from --torch and --torch_reuse,
// written by blurpool_torch.py in the same run by run_blurpool.sh), and the memory bandwidth each achieves
// next to this machine's measured copy bandwidth. PyTorch runs twice: as installed, and with glibc keeping
// freed memory, which spares it the page faults (~10 us each here) of its fresh outputs and gradients; the
// speedup is against the faster of the two. BlurPool reads every input once and writes every output once: it is
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
DEFINE_string(torch_reuse, "", "the same, with glibc told to keep freed memory (no page faults per call)");
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
    using Times = std::map<std::pair<int, int>, std::pair<double, double>>;  // (C, px) -> (fwd, fwd+bwd)
    auto read_times = [](const std::string &path) {
        Times times;
        std::ifstream file(path);
        for (int c, h; file >> c >> h;) file >> times[{c, h}].first >> times[{c, h}].second;
        return times;
    };
    Times torch = read_times(FLAGS_torch), torch_reuse = read_times(FLAGS_torch_reuse);

    const double copy = copy_bandwidth();
    std::printf("memcpy bandwidth: %.1f GB/s (read + write)\n", copy);
    std::printf("BlurPool, N=%d, filter 4, stride 2, reflect; times in ms (best of %d); GB/s = bytes moved / time\n",
                FLAGS_batch, FLAGS_repeats);
    std::printf("%6s %5s | %7s %7s %7s %7s %5s | %7s %7s %7s %7s %5s\n", "C", "px", "fwd", "torch", "torch'",
                "speedup", "GB/s", "fwd+bwd", "torch", "torch'", "speedup", "GB/s");
    const std::pair<int, int> shapes[] = {{64, 112}, {128, 56}, {256, 56}, {256, 28}, {512, 28}, {512, 14}, {1024, 14}};
    // Sums over the shapes: ours, PyTorch as installed, PyTorch reusing memory; forward and forward+backward.
    double total[3] = {0, 0, 0}, total_fb[3] = {0, 0, 0};
    auto get = [](Times &times, int c, int h) { return times.count({c, h}) ? times[{c, h}] : std::make_pair(0.0, 0.0); };
    for (auto [c, h] : shapes) {
        const BlurPool layer(c, PadType::kReflect, 4, 2);
        const Tensor x(Shape{FLAGS_batch, c, h, h});
        const Tensor g(layer.output_shape(x.shape()));
        const double fwd = best_ms([&] { layer.forward(x); }, FLAGS_repeats);
        const double fb = best_ms([&] { layer.forward(x); layer.backward(x, g); }, FLAGS_repeats);
        const double in_bytes = 4.0 * x.shape().elements(), out_bytes = 4.0 * g.shape().elements();
        const auto t = get(torch, c, h), r = get(torch_reuse, c, h);
        const double best = std::min(t.first, r.first), best_fb = std::min(t.second, r.second);
        std::printf("%6d %5d | %7.2f %7.2f %7.2f %6.1fx %5.1f | %7.2f %7.2f %7.2f %6.1fx %5.1f\n", c, h, fwd, t.first,
                    r.first, best / fwd, (in_bytes + out_bytes) / fwd / 1e6, fb, t.second, r.second, best_fb / fb,
                    2 * (in_bytes + out_bytes) / fb / 1e6);
        const double times[3] = {fwd, t.first, r.first}, times_fb[3] = {fb, t.second, r.second};
        for (int i = 0; i < 3; i++) total[i] += times[i], total_fb[i] += times_fb[i];
    }
    std::printf("%12s | %7.2f %7.2f %7.2f %6.1fx %5s | %7.2f %7.2f %7.2f %6.1fx\n", "all", total[0], total[1],
                total[2], std::min(total[1], total[2]) / total[0], "", total_fb[0], total_fb[1], total_fb[2],
                std::min(total_fb[1], total_fb[2]) / total_fb[0]);
    std::printf("all shapes against PyTorch as installed: forward %.1fx, forward+backward %.1fx\n", total[1] / total[0],
                total_fb[1] / total_fb[0]);
    std::printf("torch: PyTorch as installed; torch': with MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ set so glibc "
                "reuses freed memory;\nspeedup: against the faster of the two; GB/s: input + output bytes (fwd), "
                "plus grad_output + grad_input (fwd+bwd), per second\n");
    return 0;
}
