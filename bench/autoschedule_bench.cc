// Schedule experiments on the forward convolution stage (generators/conv_generator.cpp), timed on every layer of
// a network (bench/layers.bzl: resnet50_lpf4 at 224 px, batch 16, or --network resnet18_lpf3_32, the demo's
// workload, batch 64): the hand schedule; each of Halide 14's autoschedulers (Mullapudi2016, Li2018, Adams2019
// with a beam of 1) scheduling the same algorithm once for one set of estimates (64 channels, 56 px, batch 16:
// "fixed"); each autoscheduler, Adams2019 also with a beam of 4, scheduling it for that layer's own shape and the
// network's batch ("per shape", bench/BUILD's conv2d_per_shape); and the hand schedule with each other register
// tile of generators/conv2d_tiles.bzl's HAND_TILES (the search over its parameters; --hand_only: those alone).
// Prints a line per layer as it goes: ms per variant, GFLOP/s and share of the measured FMA peak of the best, and
// the winner; --csv writes every measurement (bench/plot_schedules.py charts it, bench/tuned_table.py keeps the
// winning tiles). bench/run_schedules.sh runs it all.
#include <HalideBuffer.h>
#include <gflags/gflags.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "bench/best_time.h"
#include "bench/csv_output.h"
#include "bench/conv2d_hand_tiles.h"
#include "bench/conv2d_per_shape.h"
#include "bench/conv2d_per_shape_small.h"
#include "bench/conv2d_variant.h"
#include "bench/network_layers.h"
#include "bench/peak_flops.h"
#include "generators/conv2d_adams2019.h"
#include "generators/conv2d_cpu.h"
#include "generators/conv2d_li2018.h"
#include "generators/conv2d_mullapudi2016.h"
#include "generators/weight_blocks.h"

DEFINE_string(network, "resnet50_lpf4", "the layers timed: resnet50_lpf4 or resnet18_lpf3_32");
DEFINE_int32(batch, 0, "N (0: the batch the per-shape variants are scheduled for, 16 or for resnet18_lpf3_32 64)");
DEFINE_double(seconds, 1, "time per measurement (at least 2 runs after a warm-up)");
DEFINE_bool(hand_only, false, "time the hand schedule's tiles alone (not the autoschedulers' variants)");
DEFINE_string(csv, "", "also write every measurement here: layer, variant, ms, GFLOP/s, share of the peak");

namespace antialiased {
namespace {

using Buffer = Halide::Runtime::Buffer<float>;

struct Variant {
    std::string name;
    Conv2dStage stage;
};

// The hand schedule, and each autoscheduler's for the generator's fixed estimates.
std::vector<Variant> fixed_variants() {
    return {{"manual", conv2d_cpu},
            {"Mullapudi2016 fixed", conv2d_mullapudi2016},
            {"Li2018 fixed", conv2d_li2018},
            {"Adams2019 fixed", conv2d_adams2019}};
}

// The per-shape variants' autoschedulers (bench/layers.bzl's labels), in the table's order.
const char *const kPerShape[] = {"Mullapudi2016", "Li2018", "Adams2019", "Adams2019 beam 4", "Adams2019 retrained"};

// Each autoscheduler's variant for this layer's shape, among `all`, in the table's order; a variant Halide could
// not compile (bench/layers.bzl's AUTOSCHEDULER_FAILURES) has no stage.
template <size_t N>
std::vector<Variant> per_shape_variants(const Layer &l, const Conv2dVariant (&all)[N]) {
    std::vector<Variant> variants;
    for (const char *autoscheduler : kPerShape) {
        variants.push_back({std::string(autoscheduler) + " per shape", nullptr});
        for (const Conv2dVariant &v : all) {
            if (v.in == l.in && v.out == l.out && v.kernel == l.kernel && v.stride == l.stride && v.px == l.px &&
                std::strcmp(v.autoscheduler, autoscheduler) == 0) {
                variants.back().stage = v.stage;
            }
        }
    }
    return variants;
}

Buffer random_buffer(std::vector<int> extents, float scale, std::mt19937 &rng) {
    Buffer b(extents);
    std::normal_distribution<float> normal(0.0f, scale);
    b.for_each_value([&](float &v) { v = normal(rng); });
    return b;
}

// Best seconds of one stage on one layer (pad k / 2, ReLU), or -1 when the stage fails (an autoscheduler's
// tiles can be larger than a layer's output: Halide reports the access outside the buffer) or was not compiled.
double seconds(Conv2dStage stage, const Layer &l, Buffer &input, Buffer &weights, Buffer &bias, Buffer &output) {
    if (!stage) return -1;
    const int pad = l.kernel / 2;
    auto run = [&] {
        return stage(input.raw_buffer(), weights.raw_buffer(), bias.raw_buffer(), l.stride, l.stride, pad, pad, 1, 1,
                     1, 1, output.raw_buffer());
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
    if (!open_csv(csv, FLAGS_csv, "in,out,kernel,stride,px,count,variant,ms,gflops,peak_share")) return 1;
    const bool small = FLAGS_network == "resnet18_lpf3_32";
    if (!small && FLAGS_network != "resnet50_lpf4") {
        std::fprintf(stderr, "--network: %s is neither resnet50_lpf4 nor resnet18_lpf3_32\n", FLAGS_network.c_str());
        return 1;
    }
    const std::vector<Layer> &layers = small ? kResnet18Lpf3At32 : kResnet50Lpf4;
    if (FLAGS_batch == 0) FLAGS_batch = small ? 64 : 16;
    const double peak = peak_gflops();
    std::printf("FMA peak %.0f GFLOP/s. %s's convolutions, batch %d: ms per layer (times its count)\n", peak,
                FLAGS_network.c_str(), FLAGS_batch);
    const std::vector<Variant> fixed = FLAGS_hand_only ? std::vector<Variant>{fixed_variants()[0]} : fixed_variants();
    const size_t per_shape = FLAGS_hand_only ? 0 : std::size(kPerShape), hand = std::size(kConv2dHandTiles);
    // The columns' groups: the fixed variants, the per-shape ones, the hand schedule's other tiles.
    const std::vector<size_t> group_starts =
        FLAGS_hand_only ? std::vector<size_t>{fixed.size()} : std::vector<size_t>{fixed.size(), fixed.size() + per_shape};
    std::printf("%5s %5s %2s %4s %3s |", "in", "out", "k", "px", "n");
    for (const Variant &v : fixed) std::printf(" %9.9s", v.name.c_str());
    if (!FLAGS_hand_only) {
        std::printf(" |");
        for (const char *s : {"Mullapudi", "Li2018", "Adams2019", "Adams b4", "Adams retr"}) std::printf(" %9.9s", s);
    }
    std::printf(" |");
    for (const HandTile &t : kConv2dHandTiles) std::printf(" %9.9s", t.label + 5);  // without "hand "
    std::printf(" | %-21s %7s %5s\n", "winner", "GFLOP/s", "peak");
    std::printf("%24s |%*s", "", int(10 * fixed.size()), FLAGS_hand_only ? "hand 2x7x8" : "fixed estimates");
    if (!FLAGS_hand_only) std::printf(" |%50s", "per-shape estimates");
    std::printf(" |%*s |\n", int(10 * hand), "hand schedule, other tiles (vectors x columns x images)");
    std::mt19937 rng(0);
    std::vector<double> totals(fixed.size() + per_shape + hand, 0.0);
    for (const Layer &l : layers) {
        const int out_px = (l.px + 2 * (l.kernel / 2) - l.kernel) / l.stride + 1;
        Buffer input = random_buffer({l.in, l.px, l.px, FLAGS_batch}, 1.0f, rng);
        Buffer weights = random_buffer({kWeightBlock, l.in, l.kernel, l.kernel, weight_blocks(l.out)}, 0.05f, rng);
        Buffer bias = random_buffer({l.out}, 0.1f, rng);
        Buffer output(std::vector<int>{l.out, out_px, out_px, FLAGS_batch});
        const double gflop = 2.0 * l.out * l.in * l.kernel * l.kernel * out_px * out_px * FLAGS_batch / 1e9;
        std::vector<Variant> variants = fixed;
        if (!FLAGS_hand_only) {
            for (const Variant &v : small ? per_shape_variants(l, kConv2dPerShapeResnet18Lpf3At32)
                                          : per_shape_variants(l, kConv2dPerShapeResnet50Lpf4)) {
                variants.push_back(v);
            }
        }
        for (const HandTile &t : kConv2dHandTiles) variants.push_back({t.label, t.stage});
        std::printf("%5d %5d %2d %4d %3d |", l.in, l.out, l.kernel, l.px, l.count);
        size_t winner = 0;
        std::vector<double> ms;
        for (size_t i = 0; i < variants.size(); i++) {
            const double t = seconds(variants[i].stage, l, input, weights, bias, output);
            ms.push_back(t < 0 ? 1e30 : t * 1e3 * l.count);
            for (size_t start : group_starts) {
                if (i == start) std::printf(" |");
            }
            if (t < 0) {
                std::printf(" %9s", variants[i].stage ? "failed" : "no build");
            } else {
                std::printf(" %9.2f", ms.back());
            }
            if (ms.back() < ms[winner]) winner = i;
            totals[i] += ms.back();
            if (csv.is_open()) {
                csv << l.in << ',' << l.out << ',' << l.kernel << ',' << l.stride << ',' << l.px << ',' << l.count
                    << ',' << variants[i].name << ',';
                if (t < 0) {
                    csv << ",,\n";  // failed, or not compiled
                } else {
                    csv << ms.back() << ',' << gflop / t << ',' << gflop / t / peak << '\n';
                }
            }
        }
        const double best = ms[winner] / 1e3 / l.count;
        std::printf(" | %-21s %7.0f %4.0f%%\n", variants[winner].name.c_str(), gflop / best, 100 * gflop / best / peak);
        std::fflush(stdout);
    }
    std::printf("%24s |", "all");
    for (size_t i = 0; i < totals.size(); i++) {
        for (size_t start : group_starts) {
            if (i == start) std::printf(" |");
        }
        if (totals[i] < 1e30) {
            std::printf(" %9.1f", totals[i]);
        } else {
            std::printf(" %9s", "(failed)");
        }
    }
    std::printf("\n");
    return 0;
}
