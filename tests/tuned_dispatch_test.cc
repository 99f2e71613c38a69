// The tuned tables (generators/conv2d_tuned.bzl, generators/map_stages_tuned.bzl): each variant they compile in gives
// the hand schedule's output bit for bit on its shape (the dispatch must never change a result), and the lookups
// find exactly their rows.
#include <gtest/gtest.h>

#include <HalideBuffer.h>

#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <tuple>

#include "generators/batch_norm_train_backward_input_tuned.h"
#include "generators/batch_norm_train_normalize_tuned.h"
#include "generators/blurpool_forward_tuned.h"
#include "generators/conv2d_cpu.h"
#include "generators/conv2d_tuned.h"
#include "generators/stage_enums.h"
#include "generators/weight_blocks.h"
#include "runtime/tuned_dispatch.h"

namespace antialiased {
namespace {

using Buffer = Halide::Runtime::Buffer<float>;

Buffer random_buffer(std::vector<int> extents, std::mt19937 &rng) {
    Buffer b(extents);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    b.for_each_value([&](float &v) { v = normal(rng); });
    return b;
}

Buffer run(Conv2dStage stage, const TunedConv2d &row, Buffer &input, Buffer &weights, Buffer &bias) {
    const int pad = row.kernel / 2, out_px = (row.px + 2 * pad - row.kernel) / row.stride + 1;
    Buffer output(std::vector<int>{row.out, out_px, out_px, input.dim(3).extent()});
    output.fill(std::nanf(""));
    EXPECT_EQ(stage(input.raw_buffer(), weights.raw_buffer(), bias.raw_buffer(), row.stride, row.stride, pad, pad, 1,
                    1, 1, 1 /* ReLU */, output.raw_buffer()),
              0);
    return output;
}

TEST(TunedConv2d, EveryVariantEqualsTheDefaultBitForBit) {
    std::mt19937 rng(0);
    for (const TunedConv2d &row : kConv2dTuned) {
        SCOPED_TRACE(std::to_string(row.in) + " -> " + std::to_string(row.out) + " k" + std::to_string(row.kernel) +
                     " at " + std::to_string(row.px) + " px, tile " + row.tile);
        // Narrow maps run their tile along images: 9 of them leave a partial tile (shifted inwards).
        const int batch = row.px < 16 ? 9 : 2;
        Buffer input = random_buffer({row.in, row.px, row.px, batch}, rng);
        Buffer weights = random_buffer({kWeightBlock, row.in, row.kernel, row.kernel, weight_blocks(row.out)}, rng);
        Buffer bias = random_buffer({row.out}, rng);
        const Buffer expected = run(conv2d_cpu, row, input, weights, bias);
        const Buffer actual = run(row.stage, row, input, weights, bias);
        ASSERT_EQ(std::memcmp(expected.data(), actual.data(), expected.size_in_bytes()), 0);
    }
}

TEST(TunedConv2d, LookupFindsTheTableRowsOnlyAndCanBeTurnedOff) {
    std::set<std::tuple<int, int, int, int, int>> shapes;
    for (const TunedConv2d &row : kConv2dTuned) {
        EXPECT_TRUE(shapes.insert({row.in, row.out, row.kernel, row.stride, row.px}).second) << "a shape twice";
        EXPECT_EQ(tuned_conv2d(row.in, row.out, row.kernel, row.stride, row.kernel / 2, row.px), &row);
        EXPECT_EQ(tuned_conv2d(row.in, row.out, row.kernel, row.stride, row.kernel / 2 + 1, row.px), nullptr);
        EXPECT_EQ(tuned_conv2d(row.in, row.out, row.kernel, row.stride, row.kernel / 2, row.px + 1), nullptr);
        use_tuned_stages(false);
        EXPECT_EQ(tuned_conv2d(row.in, row.out, row.kernel, row.stride, row.kernel / 2, row.px), nullptr);
        use_tuned_stages(true);
    }
}

constexpr int kReflect = int(PadType::kReflect);

// Each map (channels, px, px, batch) a stage's variant runs on: the table's shape at another batch than the one it
// was planned for (16), and with a partial vector of channels.
std::vector<std::vector<int>> maps_for(int channels, int px) {
    return {{channels, px, px, 3}, {channels + 3, px, px, 2}};
}

Buffer blurpool(decltype(&blurpool_forward_cpu) stage, Buffer &input, int filter, int pad_type) {
    const int out_px = (input.dim(1).extent() - 1) / 2 + 1;
    Buffer output(std::vector<int>{input.dim(0).extent(), out_px, out_px, input.dim(3).extent()});
    output.fill(std::nanf(""));
    EXPECT_EQ(stage(input.raw_buffer(), filter, filter, 2, 2, pad_type, 0, 0, output.raw_buffer()), 0);
    return output;
}

void expect_same(const Buffer &expected, const Buffer &actual) {
    ASSERT_EQ(std::memcmp(expected.data(), actual.data(), expected.size_in_bytes()), 0);
}

TEST(TunedMapStages, BlurPoolVariantsEqualTheHandScheduleBitForBit) {
    std::mt19937 rng(1);
    for (const auto &row : kBlurpoolForwardTuned) {
        SCOPED_TRACE(std::to_string(row.channels) + " channels at " + std::to_string(row.px) + " px");
        for (std::vector<int> extents : maps_for(row.channels, row.px)) {
            Buffer input = random_buffer(extents, rng);
            expect_same(blurpool(blurpool_forward_cpu, input, 4, kReflect), blurpool(row.stage, input, 4, kReflect));
            // Parameters the dispatch never runs it with must still be right.
            expect_same(blurpool(blurpool_forward_cpu, input, 3, int(PadType::kZero)),
                        blurpool(row.stage, input, 3, int(PadType::kZero)));
        }
    }
}

// Batch norm's layer inputs for a map of `channels`: weight, bias, mean and a positive variance.
struct BatchNormInputs {
    Buffer weight, bias, mean, variance;
    BatchNormInputs(int channels, std::mt19937 &rng)
        : weight(random_buffer({channels}, rng)), bias(random_buffer({channels}, rng)),
          mean(random_buffer({channels}, rng)), variance(random_buffer({channels}, rng)) {
        variance.for_each_value([](float &v) { v = v * v + 0.1f; });
    }
};

TEST(TunedMapStages, BatchNormVariantsEqualTheHandScheduleBitForBit) {
    std::mt19937 rng(2);
    const int relu = int(Activation::kRelu);
    for (const auto &row : kBatchNormTrainNormalizeTuned) {
        SCOPED_TRACE("normalize, " + std::to_string(row.channels) + " channels at " + std::to_string(row.px) + " px");
        for (std::vector<int> extents : maps_for(row.channels, row.px)) {
            Buffer input = random_buffer(extents, rng);
            BatchNormInputs p(extents[0], rng);
            auto run = [&](decltype(&batch_norm_train_normalize_cpu) stage) {
                Buffer output(extents);
                output.fill(std::nanf(""));
                EXPECT_EQ(stage(input.raw_buffer(), p.weight.raw_buffer(), p.bias.raw_buffer(), 1e-5f, relu,
                                p.mean.raw_buffer(), p.variance.raw_buffer(), output.raw_buffer()),
                          0);
                return output;
            };
            expect_same(run(batch_norm_train_normalize_cpu), run(row.stage));
        }
    }
    for (const auto &row : kBatchNormTrainBackwardInputTuned) {
        SCOPED_TRACE("input gradient, " + std::to_string(row.channels) + " channels at " + std::to_string(row.px) +
                     " px");
        for (std::vector<int> extents : maps_for(row.channels, row.px)) {
            Buffer input = random_buffer(extents, rng), grad_output = random_buffer(extents, rng);
            BatchNormInputs p(extents[0], rng);
            Buffer grad_negated_mean = random_buffer({extents[0]}, rng), grad_std_dev = random_buffer({extents[0]}, rng);
            const int count = extents[1] * extents[2] * extents[3];
            auto run = [&](decltype(&batch_norm_train_backward_input_cpu) stage) {
                Buffer grad_input(extents);
                grad_input.fill(std::nanf(""));
                EXPECT_EQ(stage(input.raw_buffer(), p.weight.raw_buffer(), p.bias.raw_buffer(), 1e-5f, relu,
                                p.mean.raw_buffer(), p.variance.raw_buffer(), grad_output.raw_buffer(),
                                grad_negated_mean.raw_buffer(), grad_std_dev.raw_buffer(), count,
                                grad_input.raw_buffer()),
                          0);
                return grad_input;
            };
            expect_same(run(batch_norm_train_backward_input_cpu), run(row.stage));
        }
    }
}

TEST(TunedMapStages, LookupFindsTheTableRowsOnlyAndCanBeTurnedOff) {
    ASSERT_FALSE(kBatchNormTrainNormalizeTuned.empty());  // the table this test exercises
    for (const auto &row : kBatchNormTrainNormalizeTuned) {
        EXPECT_EQ(tuned_batch_norm_train_normalize(row.channels, row.px), row.stage);
        EXPECT_EQ(tuned_batch_norm_train_normalize(row.channels + 1, row.px), &batch_norm_train_normalize_cpu);
        EXPECT_EQ(tuned_batch_norm_train_normalize(row.channels, row.px + 1), &batch_norm_train_normalize_cpu);
        use_tuned_stages(false);
        EXPECT_EQ(tuned_batch_norm_train_normalize(row.channels, row.px), &batch_norm_train_normalize_cpu);
        use_tuned_stages(true);
    }
    for (const auto &row : kBatchNormTrainBackwardInputTuned) {
        EXPECT_EQ(tuned_batch_norm_train_backward_input(row.channels, row.px), row.stage);
    }
    for (const auto &row : kBlurpoolForwardTuned) {
        EXPECT_EQ(tuned_blurpool_forward(row.channels, row.px, 4, 4, 2, 2, kReflect, 0, 0), row.stage);
        // Other parameters than the experiments' get the hand schedule.
        EXPECT_EQ(tuned_blurpool_forward(row.channels, row.px, 3, 3, 2, 2, kReflect, 0, 0), &blurpool_forward_cpu);
        EXPECT_EQ(tuned_blurpool_forward(row.channels, row.px, 4, 4, 1, 1, kReflect, 0, 0), &blurpool_forward_cpu);
        EXPECT_EQ(tuned_blurpool_forward(row.channels, row.px, 4, 4, 2, 2, int(PadType::kZero), 0, 0),
                  &blurpool_forward_cpu);
        EXPECT_EQ(tuned_blurpool_forward(row.channels, row.px, 4, 4, 2, 2, kReflect, 1, 0), &blurpool_forward_cpu);
    }
}

}  // namespace
}  // namespace antialiased
