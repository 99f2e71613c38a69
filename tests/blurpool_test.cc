// BlurPool against the PyTorch reference (golden data from tests/golden/make_blurpool_golden.py), against
// finite differences, against its own shift property, and against bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "runtime/blurpool.h"
#include "runtime/error.h"
#include "runtime/layers.h"
#include "runtime/npy.h"

namespace antialiased {
namespace {

Tensor random_tensor(Shape shape, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    Tensor t(shape);
    float *data = t.data();
    for (size_t i = 0; i < shape.elements(); i++) data[i] = normal(rng);
    return t;
}

// Compares NCHW `expected` with the tensor, within an absolute + relative float tolerance.
void expect_near(const float *expected, const Tensor &actual, const std::string &what) {
    const std::vector<float> got = actual.to_nchw();
    int reported = 0;
    for (size_t i = 0; i < got.size() && reported < 3; i++) {
        if (std::abs(got[i] - expected[i]) > 1e-5f + 1e-5f * std::abs(expected[i])) {
            ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", PyTorch " << expected[i];
            reported++;
        }
    }
}

struct GoldenCase {
    int dims, filt_size, stride, pad_off, n, c, h, w, ho, wo;
    std::string pad_type, status;
    size_t offset;
};

std::vector<GoldenCase> golden_cases() {
    std::ifstream index("tests/data/blurpool_golden.txt");
    EXPECT_TRUE(index.good()) << "tests/data/blurpool_golden.txt is missing";
    std::vector<GoldenCase> cases;
    GoldenCase g;
    while (index >> g.dims >> g.filt_size >> g.stride >> g.pad_type >> g.pad_off >> g.n >> g.c >> g.h >> g.w >>
           g.ho >> g.wo >> g.status >> g.offset) {
        cases.push_back(g);
    }
    return cases;
}

TEST(BlurPoolGolden, EveryFilterSizePadTypeStrideAndSizeMatchesPyTorch) {
    const std::vector<GoldenCase> cases = golden_cases();
    ASSERT_EQ(cases.size(), 633u);
    const std::vector<float> values = read_npy_float("tests/data/blurpool_golden.npy").data;
    int errors = 0;
    for (const GoldenCase &g : cases) {
        std::ostringstream name;
        name << g.dims << "-D k=" << g.filt_size << " s=" << g.stride << " " << g.pad_type << " pad_off=" << g.pad_off
             << " " << Shape{g.n, g.c, g.h, g.w}.str();
        SCOPED_TRACE(name.str());
        const PadType pad = parse_pad_type(g.pad_type);
        const BlurPool layer = g.dims == 1 ? BlurPool::one_d(g.c, pad, g.filt_size, g.stride, g.pad_off)
                                           : BlurPool(g.c, pad, g.filt_size, g.stride, g.pad_off);
        const Shape in_shape{g.n, g.c, g.h, g.w};
        if (g.status == "error") {  // PyTorch's reflect padding fails: we refuse with a clear error
            EXPECT_THROW(layer.output_shape(in_shape), Error);
            errors++;
            continue;
        }
        const float *input = values.data() + g.offset;
        const float *grad_output = input + in_shape.elements();
        const float *output = grad_output + size_t(g.n) * g.c * g.ho * g.wo;
        const float *grad_input = output + size_t(g.n) * g.c * g.ho * g.wo;
        const Shape out_shape{g.n, g.c, g.ho, g.wo};
        ASSERT_EQ(layer.output_shape(in_shape), out_shape);
        const Tensor x = Tensor::from_nchw(input, in_shape);
        expect_near(output, layer.forward(x), "forward");
        expect_near(grad_input, layer.backward(x, Tensor::from_nchw(grad_output, out_shape)), "backward");
    }
    EXPECT_EQ(errors, 66);
}

TEST(BlurPool, ReferenceValuesOnARamp) {
    // The reference package's own values: k=3, stride 2 on arange(16) as 1x1x4x4.
    std::vector<float> ramp(16);
    for (int i = 0; i < 16; i++) ramp[i] = float(i);
    const Tensor x = Tensor::from_nchw(ramp.data(), Shape{1, 1, 4, 4});
    const std::pair<PadType, std::vector<float>> expected[] = {
        {PadType::kReflect, {2.5f, 4.0f, 8.5f, 10.0f}},
        {PadType::kReplicate, {1.25f, 3.0f, 8.25f, 10.0f}},
        {PadType::kZero, {0.9375f, 2.5f, 6.25f, 10.0f}},
    };
    for (const auto &[pad, values] : expected) {
        EXPECT_EQ(BlurPool(1, pad, 3, 2).forward(x).to_nchw(), values) << pad_type_name(pad);
    }
}

TEST(BlurPool, FilterIsTheReferenceBuffer) {
    const BlurPool layer(2, PadType::kReflect, 4, 2);
    const std::vector<float> filt = layer.filter();
    ASSERT_EQ(filt.size(), 2u * 4 * 4);
    const float a[] = {1, 3, 3, 1};
    for (int c = 0; c < 2; c++) {
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) EXPECT_EQ(filt[c * 16 + i * 4 + j], a[i] * a[j] / 64.0f);
        }
    }
    EXPECT_EQ(binomial_taps(7), (std::vector<float>{1 / 64.f, 6 / 64.f, 15 / 64.f, 20 / 64.f, 15 / 64.f, 6 / 64.f,
                                                    1 / 64.f}));
}

TEST(BlurPool, EvenFilterOnEvenMapEqualsAveragePooling) {
    const Tensor x = random_tensor(Shape{2, 9, 6, 8}, 1);
    const Tensor y = BlurPool(9, PadType::kReflect, 2, 2).forward(x);
    for (int n = 0; n < 2; n++) {
        for (int c = 0; c < 9; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    const float mean = (x.at(n, c, 2 * i, 2 * j) + x.at(n, c, 2 * i, 2 * j + 1) +
                                        x.at(n, c, 2 * i + 1, 2 * j) + x.at(n, c, 2 * i + 1, 2 * j + 1)) / 4;
                    EXPECT_NEAR(y.at(n, c, i, j), mean, 1e-6f);
                }
            }
        }
    }
}

// Central differences of L(x) = sum(g * forward(x)) against backward(x, g), on maps whose channels take the
// vectorized paths with a tail (70 = 64 + 6), for every pad type and anisotropic settings.
TEST(BlurPool, GradientMatchesFiniteDifferences) {
    const struct {
        PadType pad;
        BlurAxis y, x;
    } configs[] = {
        {PadType::kReflect, {4, 2, 0}, {4, 2, 0}},
        {PadType::kReplicate, {5, 3, 1}, {3, 2, 0}},
        {PadType::kZero, {7, 2, 0}, {2, 4, 2}},
    };
    const Shape shape{2, 70, 9, 10};
    for (const auto &config : configs) {
        const BlurPool layer(70, config.pad, config.y, config.x);
        SCOPED_TRACE(pad_type_name(config.pad));
        Tensor x = random_tensor(shape, 2);
        const Tensor g = random_tensor(layer.output_shape(shape), 3);
        const Tensor grad = layer.backward(x, g);
        auto loss = [&](const Tensor &input) {
            const Tensor y = layer.forward(input);
            double sum = 0;
            for (size_t i = 0; i < y.shape().elements(); i++) sum += double(y.data()[i]) * g.data()[i];
            return sum;
        };
        std::mt19937 rng(4);
        for (int probe = 0; probe < 40; probe++) {
            const int n = rng() % shape.n, c = rng() % shape.c, i = rng() % shape.h, j = rng() % shape.w;
            const float original = x.at(n, c, i, j), eps = 1e-2f;
            x.at(n, c, i, j) = original + eps;
            const double plus = loss(x);
            x.at(n, c, i, j) = original - eps;
            const double minus = loss(x);
            x.at(n, c, i, j) = original;
            EXPECT_NEAR(grad.at(n, c, i, j), (plus - minus) / (2 * eps), 2e-4) << "at " << n << "," << c << "," << i
                                                                                 << "," << j;
        }
    }
}

// Shift-equivariance: shifting the input by the stride shifts the output by one sample (away from borders).
TEST(BlurPool, ShiftingTheInputByTheStrideShiftsTheOutput) {
    for (PadType pad : {PadType::kReflect, PadType::kReplicate, PadType::kZero}) {
        for (int k = 1; k <= 7; k++) {
            const int s = 2, c = 10, size = 32;
            const BlurPool layer(c, pad, k, s);
            const Tensor x = random_tensor(Shape{1, c, size, size}, 5);
            Tensor shifted(x.shape());
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < size; i++) {
                    for (int j = s; j < size; j++) shifted.at(0, ch, i, j) = x.at(0, ch, i, j - s);
                }
            }
            const Tensor y = layer.forward(x), ys = layer.forward(shifted);
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < size / s; i++) {
                    for (int j = 4; j < size / s - 4; j++) {
                        ASSERT_EQ(ys.at(0, ch, i, j + 1), y.at(0, ch, i, j)) << "k=" << k << " " << pad_type_name(pad);
                    }
                }
            }
        }
    }
}

TEST(BlurPool, OneDimensionalSignalsMatchTheTwoDimensionalLayerOnRows) {
    const Tensor x = random_tensor(Shape{3, 12, 1, 17}, 6);
    const Tensor y = BlurPool::one_d(12, PadType::kReplicate, 5, 3).forward(x);
    const Tensor y2 = BlurPool(12, PadType::kReplicate, BlurAxis{1, 1, 0}, BlurAxis{5, 3, 0}).forward(x);
    EXPECT_EQ(y.shape(), (Shape{3, 12, 1, 6}));
    EXPECT_EQ(y.to_nchw(), y2.to_nchw());
}

TEST(BlurPool, RejectsBadParameters) {
    EXPECT_THROW(BlurPool(4, PadType::kReflect, 0, 2), Error);
    EXPECT_THROW(BlurPool(4, PadType::kReflect, 8, 2), Error);
    EXPECT_THROW(BlurPool(4, PadType::kReflect, 3, 0), Error);
    EXPECT_THROW(BlurPool(4, PadType::kReflect, 3, 2, -1), Error);
    EXPECT_THROW(BlurPool(0, PadType::kReflect, 3, 2), Error);
    EXPECT_THROW(parse_pad_type("circular"), Error);
    EXPECT_EQ(parse_pad_type("refl"), PadType::kReflect);
    EXPECT_EQ(parse_pad_type("repl"), PadType::kReplicate);
    try {
        BlurPool(4, PadType::kReflect, 8, 2);
        FAIL();
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(), "BlurPool: filt_size 8 (height) is not one of 1..7");
    }
}

TEST(BlurPool, RejectsInputsThatDoNotFit) {
    const BlurPool layer(4, PadType::kReflect, 4, 2);
    EXPECT_THROW(layer.forward(Tensor(Shape{1, 3, 8, 8})), Error);  // channels
    EXPECT_THROW(layer.forward(Tensor(Shape{1, 4, 0, 8})), Error);  // empty
    try {
        layer.forward(Tensor(Shape{1, 4, 2, 8}));  // pads 1 and 2: reflect needs more than 2 rows
        FAIL();
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("use pad_type replicate or zero"), std::string::npos) << e.what();
    }
    // Replicate and zero handle the same tiny map.
    EXPECT_EQ(BlurPool(4, PadType::kZero, 4, 2).forward(Tensor(Shape{1, 4, 2, 8})).shape(), (Shape{1, 4, 1, 4}));
    EXPECT_THROW(layer.backward(Tensor(Shape{1, 4, 8, 8}), Tensor(Shape{1, 4, 4, 5})), Error);  // grad shape
}

// MaxPool(k, stride 1, pad) + BlurPool fused into one stage equals the two layers run one after the other.
TEST(MaxBlurPool, FusedEqualsMaxPoolThenBlurPool) {
    const struct {
        int kernel, pad, filt, stride;
        PadType pad_type;
        Shape shape;
    } cases[] = {
        {2, 0, 4, 2, PadType::kReflect, {2, 70, 15, 12}},  // ResNet's stem, VGG
        {3, 1, 3, 2, PadType::kReflect, {1, 64, 9, 9}},    // DenseNet's max0 + pool0
        {3, 0, 5, 2, PadType::kReplicate, {2, 19, 8, 11}}, // AlexNet, another pad type
        {2, 0, 1, 3, PadType::kZero, {1, 5, 7, 7}},
    };
    for (const auto &c : cases) {
        MaxPool2d separate(c.kernel, 1, c.pad), fused(c.kernel, 1, c.pad);
        BlurPoolLayer blur(c.shape.c, c.filt, c.stride, c.pad_type), absorbed(c.shape.c, c.filt, c.stride, c.pad_type);
        ASSERT_TRUE(fused.absorb(absorbed));
        const Tensor x = random_tensor(c.shape, 9);
        const Tensor expected = blur.forward(separate.forward(x, Device::cpu()), Device::cpu());
        const Tensor got = absorbed.forward(fused.forward(x, Device::cpu()), Device::cpu());
        ASSERT_EQ(got.shape(), expected.shape());
        EXPECT_EQ(got.to_nchw(), expected.to_nchw()) << "kernel " << c.kernel << " filter " << c.filt;
    }
    // Reflect padding still needs room: a 4x4 map max-pooled to 3x3 cannot take filter 7's pad of 3.
    MaxPool2d pool(2, 1);
    BlurPoolLayer blur(4, 7, 2);
    ASSERT_TRUE(pool.absorb(blur));
    EXPECT_THROW(pool.forward(Tensor(Shape{1, 4, 4, 4}), Device::cpu()), Error);
    // Only stride-1 pools absorb a BlurPool.
    MaxPool2d strided(2, 2);
    BlurPoolLayer another(4, 3, 2);
    EXPECT_FALSE(strided.absorb(another));
}

TEST(BlurPoolCuda, MatchesTheCpuOrSaysWhyNot) {
    std::string reason;
    if (!cuda_available(&reason)) {
        // Asking for the GPU anyway is a clear error, not an abort inside the CUDA runtime.
        try {
            Device::cuda(0);
            FAIL() << "Device::cuda succeeded without a GPU";
        } catch (const Error &e) {
            EXPECT_NE(std::string(e.what()).find("no usable CUDA GPU"), std::string::npos) << e.what();
        }
        GTEST_SKIP() << "no GPU here, the CUDA libraries are linked but not run: " << reason;
    }
    const Device gpu = Device::cuda(0);
    for (PadType pad : {PadType::kReflect, PadType::kReplicate, PadType::kZero}) {
        const BlurPool layer(37, pad, BlurAxis{5, 2, 1}, BlurAxis{4, 3, 0});
        const Tensor x = random_tensor(Shape{3, 37, 21, 30}, 7);
        const Tensor g = random_tensor(layer.output_shape(x.shape()), 8);
        const std::vector<float> y = layer.forward(x).to_nchw(), gi = layer.backward(x, g).to_nchw();
        expect_near(y.data(), layer.forward(x, gpu), "forward on the GPU");
        expect_near(gi.data(), layer.backward(x, g, gpu), "backward on the GPU");
    }
}

}  // namespace
}  // namespace antialiased
