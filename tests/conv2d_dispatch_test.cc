// The tuned table (generators/conv2d_tuned.bzl): each variant it compiles in gives the default variant's output
// bit for bit on its shape (the dispatch must never change a result), and the lookup finds exactly its rows.
#include <gtest/gtest.h>

#include <HalideBuffer.h>

#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <tuple>

#include "generators/conv2d_cpu.h"
#include "generators/conv2d_tuned.h"
#include "generators/weight_blocks.h"
#include "runtime/conv2d_dispatch.h"

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
        use_tuned_conv2d(false);
        EXPECT_EQ(tuned_conv2d(row.in, row.out, row.kernel, row.stride, row.kernel / 2, row.px), nullptr);
        use_tuned_conv2d(true);
    }
}

}  // namespace
}  // namespace antialiased
