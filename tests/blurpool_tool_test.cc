// The blurpool command-line tool, run as a person runs it: .npy and image files in and out, gradients,
// and a one-line error with a non-zero exit for every bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "runtime/blurpool.h"
#include "runtime/device.h"
#include "runtime/error.h"
#include "runtime/file_io.h"
#include "runtime/image_io.h"
#include "runtime/npy.h"
#include "tests/tool_run.h"

namespace antialiased {
namespace {

std::string temp_path(const std::string &name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

ToolRun blurpool(const std::string &arguments) { return run_tool("tools/blurpool " + arguments); }

std::vector<float> random_values(size_t count, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> v(count);
    for (float &x : v) x = normal(rng);
    return v;
}

TEST(BlurPoolTool, NpyForwardAndGradientEqualTheLayer) {
    const std::string in = temp_path("in.npy"), out = temp_path("out.npy"), g = temp_path("g.npy"),
                      gi = temp_path("gi.npy");
    const Shape shape{2, 5, 9, 12};
    const std::vector<float> x = random_values(shape.elements(), 1);
    write_npy(in, {2, 5, 9, 12}, x.data());
    const BlurPool layer(5, PadType::kReplicate, 5, 3, 1);
    const Shape out_shape = layer.output_shape(shape);
    const std::vector<float> grad = random_values(out_shape.elements(), 2);
    write_npy(g, {out_shape.n, out_shape.c, out_shape.h, out_shape.w}, grad.data());

    const ToolRun run = blurpool("--input " + in + " --output " + out + " --filt_size 5 --stride 3 --pad_type repl"
                             " --pad_off 1 --grad_output " + g + " --grad_input " + gi);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const Tensor input = Tensor::from_nchw(x.data(), shape);
    EXPECT_EQ(read_npy_float(out).data, layer.forward(input).to_nchw());
    EXPECT_EQ(read_npy_float(out).shape, (std::vector<int64_t>{2, 5, 4, 5}));
    EXPECT_EQ(read_npy_float(gi).data, layer.backward(input, Tensor::from_nchw(grad.data(), out_shape)).to_nchw());
}

TEST(BlurPoolTool, RankThreeArraysAreOneDimensionalSignals) {
    const std::string in = temp_path("in1.npy"), out = temp_path("out1.npy");
    const std::vector<float> x = random_values(3 * 4 * 10, 3);
    write_npy(in, {3, 4, 10}, x.data());
    const ToolRun run = blurpool("--input " + in + " --output " + out + " --filt_size 3");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const NpyArray<float> y = read_npy_float(out);
    EXPECT_EQ(y.shape, (std::vector<int64_t>{3, 4, 5}));
    EXPECT_EQ(y.data, BlurPool::one_d(4).forward(Tensor::from_nchw(x.data(), Shape{3, 4, 1, 10})).to_nchw());
}

// A zone plate (rings whose frequency grows outwards) subsampled by 2: without the blur, its fine rings
// alias into strong false coarse rings; BlurPool keeps far less of that energy.
TEST(BlurPoolTool, ImagesComeOutBlurredAndLessAliasedThanNaiveSubsampling) {
    const int size = 96;
    Image plate{size, size, 1, {}};
    for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
            const double r2 = (x - size / 2.0) * (x - size / 2.0) + (y - size / 2.0) * (y - size / 2.0);
            plate.pixels.push_back(uint8_t(std::lround(127.5 + 127.5 * std::cos(M_PI * r2 / size))));
        }
    }
    const std::string in = temp_path("plate.png"), out = temp_path("plate_blur.png"),
                      naive = temp_path("plate_naive.png");
    write_image(in, plate);
    const ToolRun run = blurpool("--input " + in + " --output " + out + " --naive_output " + naive);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const Image blurred = read_image(out), subsampled = read_image(naive);
    ASSERT_EQ(blurred.width, size / 2);
    ASSERT_EQ(blurred.channels, 1);
    ASSERT_EQ(subsampled.width, size / 2);
    // Energy around the mean in the outer ring, where the plate's frequency is above the new Nyquist limit.
    auto outer_energy = [](const Image &image) {
        double sum = 0;
        int count = 0;
        const int half = image.width / 2;
        for (int y = 0; y < image.height; y++) {
            for (int x = 0; x < image.width; x++) {
                if ((x - half) * (x - half) + (y - half) * (y - half) < 30 * 30) continue;
                sum += std::pow(image.pixels[y * image.width + x] - 127.5, 2);
                count++;
            }
        }
        return sum / count;
    };
    EXPECT_LT(outer_energy(blurred), outer_energy(subsampled) / 4);
}

TEST(BlurPoolTool, BadInputIsAOneLineErrorAndANonZeroExit) {
    const std::string in = temp_path("e.npy"), out = temp_path("e_out.npy");
    const std::vector<float> x(1 * 2 * 6 * 6, 1.0f);
    write_npy(in, {1, 2, 6, 6}, x.data());
    const std::string io = " --input " + in + " --output " + out;
    const struct {
        std::string arguments, message;
    } cases[] = {
        {"--output " + out, "blurpool: --input is required\n"},
        {io + " --filt_size 8", "blurpool: BlurPool: filt_size 8 (height) is not one of 1..7\n"},
        {io + " --filt_size 0", "blurpool: BlurPool: filt_size 0 (height) is not one of 1..7\n"},
        {io + " --pad_type circular", "blurpool: unknown pad type 'circular' (use reflect, replicate or zero)\n"},
        {io + " --filt_size 7 --pad_off 3", "blurpool: BlurPool: reflect padding of 6 px needs a height of more "
                                            "than 6 px, got 6 (use pad_type replicate or zero for maps this small)\n"},
        {"--input " + temp_path("missing.npy") + " --output " + out, "cannot open"},
        {io + " --grad_output " + in + " --grad_input " + out, "does not match the output"},
        {io + " --bogus 1", "unknown command line flag 'bogus'"},
    };
    for (const auto &c : cases) {
        const ToolRun run = blurpool(c.arguments);
        EXPECT_NE(run.exit_code, 0) << c.arguments;
        EXPECT_NE(run.output.find(c.message), std::string::npos) << c.arguments << "\n" << run.output;
    }
    write_file_atomically(in, "not an array");
    ToolRun run = blurpool(io);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.output, "blurpool: " + in + ": not a .npy file (no \\x93NUMPY magic)\n");

    const std::vector<int64_t> labels = {1, 2};
    write_npy(in, {2}, labels.data());
    run = blurpool(io);
    EXPECT_EQ(run.output, "blurpool: " + in + ": dtype '<i8', expected '<f4' (float32)\n");

    write_npy(in, {2, 6, 6}, x.data());  // rank 3 is 1-D; rank 2 is an error
    write_npy(in, {12, 6}, x.data());
    run = blurpool(io);
    EXPECT_EQ(run.output, "blurpool: " + in + ": array of rank 2, expected (N, C, H, W) or (N, C, L)\n");

    if (!cuda_available()) {
        write_npy(in, {1, 2, 6, 6}, x.data());
        run = blurpool(io + " --gpu 0");
        EXPECT_EQ(run.exit_code, 1);
        EXPECT_EQ(run.output.rfind("blurpool: GPU 0 requested but no usable CUDA GPU (", 0), 0u) << run.output;
    }
}

}  // namespace
}  // namespace antialiased
