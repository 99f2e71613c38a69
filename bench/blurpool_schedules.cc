// The schedule experiment for the BlurPool forward stage: on every BlurPool shape of resnet50_lpf4 (filter 4,
// stride 2, reflect padding, batch 16), the hand schedule against each autoscheduler's variant for that shape
// (bench/layers.bzl blurpool_per_shape). The stage is memory-bound: reported as ms and GB/s (the input read once
// and the output written once), the table's and the CSV's (--csv, rows as autoschedule_bench's, stage
// "blurpool").
#include <gflags/gflags.h>

#include <HalideBuffer.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/best_time.h"
#include "bench/csv_output.h"
#include "bench/blurpool_per_shape.h"
#include "generators/blurpool_forward_cpu.h"
#include "generators/stage_enums.h"

DEFINE_double(seconds, 1, "time per measurement (at least 2 runs after a warm-up)");
DEFINE_string(csv, "", "also write every measurement here: channels, px, variant, ms, GB/s");

namespace antialiased {
namespace {

constexpr int kBatch = 16, kFilter = 4, kStride = 2;

// Best seconds of `stage` on the map, or -1 when it fails.
double seconds(BlurPoolStage stage, Halide::Runtime::Buffer<float> &input, Halide::Runtime::Buffer<float> &output) {
    auto run = [&] {
        return stage(input.raw_buffer(), kFilter, kFilter, kStride, kStride, int(PadType::kReflect), 0, 0,
                     output.raw_buffer());
    };
    return best_stage_seconds(run, FLAGS_seconds);
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    using namespace antialiased;
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    halide_set_error_handler([](void *, const char *message) { std::fprintf(stderr, "%s\n", message); });
    std::ofstream csv;
    if (!open_csv(csv, FLAGS_csv, "channels,px,variant,ms,gbps")) return 1;
    const std::vector<std::string> labels = {"manual", "Mullapudi2016", "Li2018", "Adams2019", "Adams2019 beam 4",
                                             "Adams2019 retrained"};
    std::printf("resnet50_lpf4's BlurPools (filter 4, stride 2, reflect), batch %d: ms (GB/s)\n%5s %4s |", kBatch,
                "C", "px");
    for (const std::string &l : labels) std::printf(" %19.19s", l.c_str());
    std::printf(" | winner\n");
    std::mt19937 rng(0);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    int last_channels = -1, last_px = -1;
    for (const BlurPoolVariant &first : kBlurPoolPerShapeResnet50Lpf4) {
        if (first.channels == last_channels && first.px == last_px) continue;
        last_channels = first.channels, last_px = first.px;
        const int out_px = (first.px - 1) / kStride + 1;
        Halide::Runtime::Buffer<float> input(first.channels, first.px, first.px, kBatch),
            output(first.channels, out_px, out_px, kBatch);
        input.for_each_value([&](float &v) { v = normal(rng); });
        const double bytes = 4.0 * (input.number_of_elements() + output.number_of_elements());
        std::vector<BlurPoolStage> stages = {blurpool_forward_cpu};
        for (size_t l = 1; l < labels.size(); l++) {
            stages.push_back(nullptr);
            for (const BlurPoolVariant &v : kBlurPoolPerShapeResnet50Lpf4) {
                if (v.channels == first.channels && v.px == first.px && labels[l] == v.autoscheduler) {
                    stages.back() = v.stage;
                }
            }
        }
        std::printf("%5d %4d |", first.channels, first.px);
        size_t winner = 0;
        std::vector<double> ms(stages.size(), 1e30);
        for (size_t i = 0; i < stages.size(); i++) {
            const double t = stages[i] ? seconds(stages[i], input, output) : -1;
            if (t < 0) {
                std::printf(" %19s", stages[i] ? "failed" : "no build");
            } else {
                ms[i] = t * 1e3;
                std::printf(" %9.3f (%6.1f)  ", ms[i], bytes / t / 1e9);
            }
            if (ms[i] < ms[winner]) winner = i;
            if (csv.is_open()) {
                csv << first.channels << ',' << first.px << ',' << labels[i] << ',';
                if (t < 0) {
                    csv << ",\n";
                } else {
                    csv << ms[i] << ',' << bytes / t / 1e9 << '\n';
                }
            }
        }
        std::printf(" | %s\n", labels[winner].c_str());
    }
    return 0;
}
