// Schedule experiments: the forward convolution stage as scheduled by hand (generators/conv_generator.cpp) and as
// each of Halide 14's autoschedulers schedules the same algorithm (Mullapudi2016, Li2018, Adams2019 with a beam
// of 1; generators/BUILD), timed on every convolution of resnet50_lpf4. Prints ms per layer and stage and the
// winner. Run:
//   bazel build -c opt //bench:autoschedule_bench && bazel-out/k8-opt/bin/bench/autoschedule_bench [--batch 16]
#include <HalideBuffer.h>
#include <gflags/gflags.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/best_time.h"
#include "bench/network_layers.h"
#include "generators/conv2d_adams2019.h"
#include "generators/conv2d_cpu.h"
#include "generators/conv2d_li2018.h"
#include "generators/conv2d_mullapudi2016.h"
#include "generators/weight_blocks.h"

DEFINE_int32(batch, 16, "N");
DEFINE_double(seconds, 1, "time per measurement (at least 2 runs after a warm-up)");

namespace antialiased {
namespace {

using Buffer = Halide::Runtime::Buffer<float>;
using Stage = int (*)(halide_buffer_t *, halide_buffer_t *, halide_buffer_t *, int, int, int, int, int, int, int,
                      int, halide_buffer_t *);

struct Schedule {
    const char *name;
    Stage stage;
};
const Schedule kSchedules[] = {{"manual", conv2d_cpu},
                               {"Mullapudi2016", conv2d_mullapudi2016},
                               {"Li2018", conv2d_li2018},
                               {"Adams2019", conv2d_adams2019}};

Buffer random_buffer(std::vector<int> extents, float scale, std::mt19937 &rng) {
    Buffer b(extents);
    std::normal_distribution<float> normal(0.0f, scale);
    b.for_each_value([&](float &v) { v = normal(rng); });
    return b;
}

// Best seconds of one stage on one layer (pad k / 2, ReLU), or -1 when the stage fails (an autoscheduler's
// tiles can be larger than a layer's output: Halide reports the access outside the buffer).
double seconds(Stage stage, const Layer &l, Buffer &input, Buffer &weights, Buffer &bias, Buffer &output) {
    const int pad = l.kernel / 2;
    auto run = [&] {
        return stage(input.raw_buffer(), weights.raw_buffer(), bias.raw_buffer(), l.stride, l.stride, pad, pad, 1, 1,
                     1, 1, output.raw_buffer());
    };
    if (run() != 0) return -1;
    return best_seconds(run, FLAGS_seconds);
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    using namespace antialiased;
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    halide_set_error_handler([](void *, const char *message) { std::fprintf(stderr, "%s\n", message); });
    std::mt19937 rng(0);
    std::printf("resnet50_lpf4's convolutions, batch %d: ms per layer (times its count in the network)\n",
                FLAGS_batch);
    std::printf("%6s %6s %3s %5s %5s |", "in", "out", "k", "px", "count");
    for (const Schedule &s : kSchedules) std::printf(" %13s", s.name);
    std::printf(" | winner\n");
    std::vector<double> totals(std::size(kSchedules), 0.0);
    for (const Layer &l : kResnet50Lpf4) {
        const int out_px = (l.px + 2 * (l.kernel / 2) - l.kernel) / l.stride + 1;
        Buffer input = random_buffer({l.in, l.px, l.px, FLAGS_batch}, 1.0f, rng);
        Buffer weights = random_buffer({kWeightBlock, l.in, l.kernel, l.kernel, weight_blocks(l.out)}, 0.05f, rng);
        Buffer bias = random_buffer({l.out}, 0.1f, rng);
        Buffer output(std::vector<int>{l.out, out_px, out_px, FLAGS_batch});
        std::printf("%6d %6d %3d %5d %5d |", l.in, l.out, l.kernel, l.px, l.count);
        int winner = 0;
        std::vector<double> ms;
        for (const Schedule &s : kSchedules) {
            const double t = seconds(s.stage, l, input, weights, bias, output);
            ms.push_back(t < 0 ? 1e30 : t * 1e3 * l.count);
            if (t < 0) {
                std::printf(" %13s", "failed");
            } else {
                std::printf(" %13.2f", ms.back());
            }
            if (ms.back() < ms[winner]) winner = int(ms.size()) - 1;
        }
        for (size_t i = 0; i < ms.size(); i++) totals[i] += ms[i];
        std::printf(" | %s\n", kSchedules[winner].name);
        std::fflush(stdout);
    }
    std::printf("%30s |", "all");
    for (double t : totals) {
        if (t < 1e30) {
            std::printf(" %13.2f", t);
        } else {
            std::printf(" %13s", "(failures)");
        }
    }
    std::printf("\n");
    return 0;
}
