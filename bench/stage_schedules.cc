// The schedule experiments of the stages other than the forward convolution (bench/autoschedule_bench has that
// one, with its tile search): the convolution's gradients, BlurPool and its gradient, batch norm's training
// stages. For every shape of a stage in a network, the hand schedule against each autoscheduler's variant planned
// for that shape (bench/layers.bzl stage_experiments links this program once per network and stage, with that
// list of variants; bench/run_schedules.sh runs them). Every variant runs on buffers of the shape, made
// from the estimates Halide compiles into its metadata (inputs random, scalars at their estimates), so that one
// program times any stage: adding a stage to the experiments takes no code here.
//
// Reported per shape and variant: ms; GB/s, every buffer read or written once, as a share of the machine's copy
// bandwidth (bench/peak_bandwidth.h); for the convolution's gradients also GFLOP/s of the direct sum, as a share
// of the FMA peak (bench/peak_flops.h). --csv writes every measurement, a progress line per shape goes to stdout.
#include <gflags/gflags.h>

#include <HalideBuffer.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench/best_time.h"
#include "bench/csv_output.h"
#include "bench/peak_bandwidth.h"
#include "bench/peak_flops.h"
#include "bench/stage_variant.h"

DEFINE_double(seconds, 0.3, "time per measurement (at least 2 runs after a warm-up)");
DEFINE_int32(rounds, 3, "measurements of each contender (a variant within 1.5x of the shape's best), taking turns "
                        "with the others: the best counts (this VM's speed drifts within seconds)");
DEFINE_string(csv, "", "also write every measurement here: stage, shape, variant, ms, GB/s, GFLOP/s, peak share");

namespace antialiased {
namespace {

// A variant's arguments, made from the estimates in `metadata`: buffers of the estimated extents (inputs filled
// with values in [0.5, 1.5): positive, as variances must be), scalars at their estimates.
class Arguments {
  public:
    explicit Arguments(const halide_filter_metadata_t *metadata, std::mt19937 &rng) {
        std::uniform_real_distribution<double> value(0.5, 1.5);
        for (int i = 0; i < metadata->num_arguments; i++) {
            const halide_filter_argument_t &arg = metadata->arguments[i];
            if (arg.kind == halide_argument_kind_input_scalar) {
                const halide_scalar_value_t *v = arg.scalar_estimate ? arg.scalar_estimate : arg.scalar_def;
                scalars_.push_back(v ? *v : halide_scalar_value_t{});
                continue;
            }
            std::vector<halide_dimension_t> dims(arg.dimensions);
            int stride = 1;
            for (int d = 0; d < arg.dimensions; d++) {
                dims[d] = {int(*arg.buffer_estimates[2 * d]), int(*arg.buffer_estimates[2 * d + 1]), stride};
                stride *= dims[d].extent;
            }
            Halide::Runtime::Buffer<> buffer(arg.type, nullptr, arg.dimensions, dims.data());
            buffer.allocate();
            if (arg.type.code == halide_type_float && arg.kind == halide_argument_kind_input_buffer) {
                if (arg.type.bits == 32) buffer.as<float>().for_each_value([&](float &x) { x = value(rng); });
                if (arg.type.bits == 64) buffer.as<double>().for_each_value([&](double &x) { x = value(rng); });
            } else {
                std::memset(buffer.data(), 0, buffer.size_in_bytes());
            }
            bytes_ += buffer.size_in_bytes();
            named_[arg.name] = buffer;
            buffers_.push_back(buffer);
        }
        // Pointers only now: the vectors no longer grow. In the metadata's order, as the argv call takes them.
        size_t scalar = 0, buffer = 0;
        for (int i = 0; i < metadata->num_arguments; i++) {
            pointers_.push_back(metadata->arguments[i].kind == halide_argument_kind_input_scalar
                                    ? static_cast<void *>(&scalars_[scalar++])
                                    : static_cast<void *>(buffers_[buffer++].raw_buffer()));
        }
    }

    void **argv() { return pointers_.data(); }
    double bytes() const { return double(bytes_); }
    // The FLOPs of the convolution's gradients as a direct sum, 2 per multiply-add: each value of grad_output
    // meets every weight of its output channel; 0 for other stages.
    double direct_sum_flops() const {
        auto output = named_.find("grad_output");
        auto weights = named_.find("grad_weights");
        if (weights == named_.end()) weights = named_.find("weights_t");
        if (output == named_.end() || weights == named_.end()) return 0;
        return 2.0 * output->second.number_of_elements() * weights->second.number_of_elements() /
               output->second.dim(0).extent();
    }

  private:
    std::vector<halide_scalar_value_t> scalars_;
    std::vector<Halide::Runtime::Buffer<>> buffers_;
    std::map<std::string, Halide::Runtime::Buffer<>> named_;
    std::vector<void *> pointers_;
    size_t bytes_ = 0;
};

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    using namespace antialiased;
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    halide_set_error_handler([](void *, const char *message) { std::fprintf(stderr, "%s\n", message); });
    const std::vector<StageVariant> &variants = stage_variants();
    // The shapes: [begin, end) ranges of consecutive rows (the hand schedule first).
    std::vector<std::pair<size_t, size_t>> shapes;
    for (size_t i = 0; i < variants.size(); i++) {
        if (i == 0 || std::strcmp(variants[i].shape, variants[i - 1].shape)) shapes.push_back({i, i});
        shapes.back().second = i + 1;
    }
    std::ofstream csv;
    if (!open_csv(csv, FLAGS_csv, "stage,shape,variant,ms,gbps,gflops,peak_share")) return 1;
    const double peak_gbps = peak_copy_gbps(), peak = peak_gflops();
    std::printf("copy bandwidth %.1f GB/s, FMA peak %.0f GFLOP/s; per variant: ms (GB/s, or GFLOP/s for the "
                "convolution's gradients)\n\n%s\n", peak_gbps, peak, variants.front().stage);
    std::mt19937 rng(0);
    for (size_t s = 0; s < shapes.size(); s++) {
        const auto [first, end] = shapes[s];
        Arguments args(variants[first].metadata(), rng);
        const double flops = args.direct_sum_flops();
        std::printf("[%zu/%zu] %-20s", s + 1, shapes.size(), variants[first].shape);
        // Contenders (within 1.5x of the shape's best) are measured again each round; a variant over 3x slower
        // than the best on its first call is ranked by one more run (the autoscheduled convolution gradients
        // take seconds a call, 30-100x the hand schedule).
        std::vector<double> best(end - first, 1e30);  // seconds; negative: the variant failed
        double shape_best = 1e30;
        for (int round = 0; round < FLAGS_rounds; round++) {
            for (size_t i = first; i < end; i++) {
                double &mine = best[i - first];
                if (mine < 0 || variants[i].not_compiled || (round > 0 && mine > 1.5 * shape_best)) continue;
                const double t = best_stage_seconds([&] { return variants[i].argv(args.argv()); }, FLAGS_seconds,
                                                    3 * shape_best);
                mine = t < 0 ? t : std::min(mine, t);
                if (t >= 0) shape_best = std::min(shape_best, t);
            }
        }
        double manual_ms = 0, best_ms = 1e30;
        const char *winner = "";
        for (size_t i = first; i < end; i++) {
            const StageVariant &v = variants[i];
            const double t = best[i - first];
            if (csv.is_open()) csv << v.stage << ",\"" << v.shape << "\"," << v.autoscheduler << ',';
            if (t < 0 || v.not_compiled) {
                std::printf(" | %s %s", v.autoscheduler, v.not_compiled ? "not compiled" : "failed");
                if (csv.is_open()) csv << ",,,\n";
                continue;
            }
            const double ms = t * 1e3, gbps = args.bytes() / t / 1e9, gflops = flops / t / 1e9;
            std::printf(" | %s %.3f (%.1f)", v.autoscheduler, ms, flops ? gflops : gbps);
            if (csv.is_open()) {
                csv << ms << ',' << gbps << ',' << (flops ? std::to_string(gflops) : "") << ','
                    << (flops ? gflops / peak : gbps / peak_gbps) << '\n';
            }
            if (!std::strcmp(v.autoscheduler, "manual")) manual_ms = ms;
            if (ms < best_ms) best_ms = ms, winner = v.autoscheduler;
        }
        std::printf(" | winner %s (%.2fx the hand schedule)\n", winner, manual_ms / best_ms);
        std::fflush(stdout);
    }
    return 0;
}
