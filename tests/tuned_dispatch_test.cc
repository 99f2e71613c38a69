// The tuned tables (generators/conv2d_tuned.bzl, generators/blurpool_tuned.bzl): each variant they compile in gives
// the hand schedule's output bit for bit on its shape (the dispatch must never change a result), and the lookups
// find exactly their rows.
#include <gtest/gtest.h>

#include <HalideBuffer.h>

#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <tuple>

#include "generators/blurpool_forward_cpu.h"
#include "generators/blurpool_tuned.h"
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

Buffer blurpool(BlurPoolStage stage, Buffer &input, int filter, int pad_type) {
    const int out_px = (input.dim(1).extent() - 1) / 2 + 1;
    Buffer output(std::vector<int>{input.dim(0).extent(), out_px, out_px, input.dim(3).extent()});
    output.fill(std::nanf(""));
    EXPECT_EQ(stage(input.raw_buffer(), filter, filter, 2, 2, pad_type, 0, 0, output.raw_buffer()), 0);
    return output;
}

TEST(TunedBlurPool, EveryVariantEqualsTheHandScheduleBitForBit) {
    ASSERT_FALSE(kBlurPoolTuned.empty());
    std::mt19937 rng(1);
    for (const TunedBlurPool &row : kBlurPoolTuned) {
        SCOPED_TRACE(std::to_string(row.channels) + " channels at " + std::to_string(row.px) + " px, " +
                     row.autoscheduler);
        // The table's shape at another batch than the variant planned for (16), with a partial vector of
        // channels too; and the other filters and paddings a variant never runs with must still be right.
        for (const auto &[channels, batch, filter, pad_type] :
             {std::tuple{row.channels, 3, 4, kReflect}, std::tuple{row.channels + 3, 2, 4, kReflect},
              std::tuple{row.channels, 1, 3, int(PadType::kZero)}}) {
            Buffer input = random_buffer({channels, row.px, row.px, batch}, rng);
            const Buffer expected = blurpool(blurpool_forward_cpu, input, filter, pad_type);
            const Buffer actual = blurpool(row.stage, input, filter, pad_type);
            ASSERT_EQ(std::memcmp(expected.data(), actual.data(), expected.size_in_bytes()), 0)
                << channels << " channels, batch " << batch << ", filter " << filter;
        }
    }
}

TEST(TunedBlurPool, LookupFindsTheTableRowsWithTheirParametersOnlyAndCanBeTurnedOff) {
    for (const TunedBlurPool &row : kBlurPoolTuned) {
        EXPECT_EQ(tuned_blurpool(row.channels, row.px, 4, 4, 2, 2, kReflect, 0, 0), &row);
        EXPECT_EQ(tuned_blurpool(row.channels + 1, row.px, 4, 4, 2, 2, kReflect, 0, 0), nullptr);
        EXPECT_EQ(tuned_blurpool(row.channels, row.px + 1, 4, 4, 2, 2, kReflect, 0, 0), nullptr);
        EXPECT_EQ(tuned_blurpool(row.channels, row.px, 3, 3, 2, 2, kReflect, 0, 0), nullptr);
        EXPECT_EQ(tuned_blurpool(row.channels, row.px, 4, 4, 1, 1, kReflect, 0, 0), nullptr);
        EXPECT_EQ(tuned_blurpool(row.channels, row.px, 4, 4, 2, 2, int(PadType::kZero), 0, 0), nullptr);
        EXPECT_EQ(tuned_blurpool(row.channels, row.px, 4, 4, 2, 2, kReflect, 1, 0), nullptr);
        use_tuned_stages(false);
        EXPECT_EQ(tuned_blurpool(row.channels, row.px, 4, 4, 2, 2, kReflect, 0, 0), nullptr);
        use_tuned_stages(true);
    }
}

}  // namespace
}  // namespace antialiased
