// Every layer's training step against PyTorch autograd (goldens from tests/golden/layer_gradients.py, made at
// test time): the training-mode output, d(loss)/d(input) and each parameter's gradient, batch norms' running
// statistics; and the same gradients against central finite differences of our own forward, so that a golden
// and an implementation cannot agree on a wrong formula.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>

#include "runtime/error.h"
#include "runtime/layers.h"
#include "runtime/npy.h"

namespace antialiased {
namespace {

ModulePtr conv(int in, int out, int k, ConvOptions options) { return std::make_shared<Conv2d>(in, out, k, options); }

// The layers of layer_gradients.py's CASES, built here.
const std::map<std::string, std::function<ModulePtr()>> &cases() {
    static const std::map<std::string, std::function<ModulePtr()>> all = {
        {"conv3x3", [] { return conv(5, 7, 3, {1, 1, 1, 1, true}); }},
        {"conv3x3_stride2", [] { return conv(5, 7, 3, {2, 1, 1, 1, true}); }},
        {"conv7x7_stride2", [] { return conv(3, 8, 7, {2, 3, 1, 1, false}); }},
        {"conv1x1_tails", [] { return conv(70, 40, 1, {1, 0, 1, 1, false}); }},
        {"conv3x3_tails", [] { return conv(40, 70, 3, {1, 1, 1, 1, false}); }},
        {"conv3x3_wide", [] { return conv(128, 128, 3, {1, 1, 1, 1, false}); }},
        {"conv3x3_large_map", [] { return conv(16, 32, 3, {1, 1, 1, 1, true}); }},
        // 3x3 with stride 1, 16 channels or more and an output of 2 x 2 tiles (4 x 4) or more runs Winograd's
        // algorithm (conv3x3_tails, _wide, _large_map, _pad0, _pad2); the rest, the direct sum.
        {"conv3x3_pad0", [] { return conv(24, 40, 3, {1, 0, 1, 1, true}); }},
        {"conv3x3_pad2", [] { return conv(33, 17, 3, {1, 2, 1, 1, false}); }},
        // Its weight gradient is summed over slices of 4 and 1 images (Conv2d::winograd_weight_gradient).
        {"conv3x3_sliced", [] { return conv(128, 128, 3, {1, 1, 1, 1, true}); }},
        {"conv3x3_winograd_forced", [] { return conv(5, 7, 3, {1, 1, 1, 1, true, ConvAlgorithm::kWinograd}); }},
        {"conv3x3_direct_forced", [] { return conv(128, 128, 3, {1, 1, 1, 1, false, ConvAlgorithm::kDirect}); }},
        {"conv_depthwise", [] { return conv(24, 24, 3, {1, 1, 1, 24, false}); }},
        {"conv_depthwise_wide", [] { return conv(144, 144, 3, {1, 1, 1, 144, false}); }},
        {"conv_depthwise_tiny_map", [] { return conv(960, 960, 3, {1, 1, 1, 960, false}); }},
        {"conv1x1_tiny_map", [] { return conv(160, 960, 1, {1, 0, 1, 1, false}); }},
        {"conv1x1_wide", [] { return conv(144, 24, 1, {1, 0, 1, 1, false}); }},
        {"conv_depthwise_stride2", [] { return conv(24, 24, 3, {2, 1, 1, 24, false}); }},
        {"conv_grouped_stride2", [] { return conv(8, 12, 3, {2, 1, 1, 4, true}); }},
        {"conv_dilated", [] { return conv(4, 6, 3, {1, 2, 2, 1, true}); }},
        {"conv3x3_narrow_batch", [] { return conv(40, 70, 3, {1, 1, 1, 1, true}); }},
        {"conv_grouped_narrow_batch", [] { return conv(32, 48, 3, {1, 1, 1, 4, true}); }},
        {"conv_depthwise_narrow_batch", [] { return conv(40, 40, 3, {1, 1, 1, 40, false}); }},
        {"conv3x3_stride2_narrow_batch", [] { return conv(16, 24, 3, {2, 1, 1, 1, true}); }},
        {"conv5x5_dilated_narrow_batch", [] { return conv(8, 12, 5, {1, 4, 2, 1, true}); }},
        {"conv3x3_one_pixel", [] { return conv(48, 40, 3, {1, 1, 1, 1, true}); }},
        {"conv5x5_pad2_tiny", [] { return conv(6, 10, 5, {1, 2, 1, 1, false}); }},
        {"conv3x3_stride2_one_pixel", [] { return conv(6, 10, 3, {2, 1, 1, 1, true}); }},
        {"linear", [] { return std::make_shared<Linear>(36, 5, Shape{1, 4, 3, 3}); }},
        {"bn", [] { return std::make_shared<BatchNorm2d>(6); }},
        {"bn_relu", [] { return std::make_shared<BatchNorm2d>(6, Activation::kRelu); }},
        {"bn_relu6", [] { return std::make_shared<BatchNorm2d>(6, Activation::kRelu6); }},
        {"bn_wide", [] { return std::make_shared<BatchNorm2d>(128); }},
        {"bn_relu6_tails", [] { return std::make_shared<BatchNorm2d>(24, Activation::kRelu6); }},
        {"bn_tails", [] { return std::make_shared<BatchNorm2d>(144); }},
        {"bn_tiny_map", [] { return std::make_shared<BatchNorm2d>(1280); }},
        {"relu", [] { return std::make_shared<ReLU>(); }},
        {"relu6", [] { return std::make_shared<ReLU>(Activation::kRelu6); }},
        {"maxpool2_stride1", [] { return std::make_shared<MaxPool2d>(2, 1); }},
        {"maxpool3_stride2_pad1", [] { return std::make_shared<MaxPool2d>(3, 2, 1); }},
        {"maxpool3_stride1_pad1_ties", [] { return std::make_shared<MaxPool2d>(3, 1, 1); }},
        {"maxpool3_stride2_ties", [] { return std::make_shared<MaxPool2d>(3, 2); }},
        {"avgpool_global", [] { return AvgPool2d::adaptive(1); }},
        {"avgpool_adaptive3", [] { return AvgPool2d::adaptive(3); }},
        {"avgpool2_stride2", [] { return std::make_shared<AvgPool2d>(2, 2); }},
        {"blurpool3_stride2", [] { return std::make_shared<BlurPoolLayer>(6, 3, 2); }},
        {"blurpool3_stride2_wide", [] { return std::make_shared<BlurPoolLayer>(256, 3, 2); }},
        {"blurpool3_stride2_odd", [] { return std::make_shared<BlurPoolLayer>(64, 3, 2); }},
        {"blurpool4_stride2", [] { return std::make_shared<BlurPoolLayer>(6, 4, 2); }},
    };
    return all;
}

class LayerGradients : public ::testing::TestWithParam<std::string> {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/layer_gradients";
        ASSERT_EQ(std::system(("mkdir -p " + dir_ + " && /usr/bin/python3 tests/golden/layer_gradients.py " + dir_).c_str()), 0);
    }
    static std::string path(const std::string &name) { return dir_ + "/" + GetParam() + "_" + name + ".npy"; }
    static NpyArray<float> golden(const std::string &name) { return read_npy_float(path(name)); }
    static Tensor golden_tensor(const std::string &name) {
        const NpyArray<float> a = golden(name);
        std::vector<int> s(a.shape.begin(), a.shape.end());
        while (s.size() < 4) s.push_back(1);  // (N, K) outputs of Linear are (N, K, 1, 1) maps
        return Tensor::from_nchw(a.data.data(), Shape{s[0], s[1], s[2], s[3]});
    }
    // The module of this case with the golden parameters.
    static ModulePtr layer() {
        ModulePtr module = cases().at(GetParam())();
        for (StateEntry &entry : state_entries(*module)) {
            const std::string name = entry.name.substr(entry.name.rfind('.') + 1);
            if (entry.grad) *entry.values = stored_order(entry, golden(name).data);
            if (name == "running_var") entry.values->assign(entry.values->size(), 1.0f);
            if (name == "running_mean") entry.values->assign(entry.values->size(), 0.0f);
        }
        module->prepare();
        return module;
    }
    static std::string dir_;
};
std::string LayerGradients::dir_;

// Within `tolerance` of the expected tensor's largest magnitude: gradients can be small everywhere, and float
// rounding scales with the values summed, not with each result.
void expect_all_near(const std::vector<float> &got, const std::vector<float> &expected, float tolerance,
                     const std::string &what) {
    ASSERT_EQ(got.size(), expected.size()) << what;
    float scale = 0;
    for (float e : expected) scale = std::max(scale, std::abs(e));
    for (size_t i = 0; i < got.size(); i++) {
        ASSERT_NEAR(got[i], expected[i], tolerance * scale) << what << " [" << i << "]";
    }
}

double dot(const std::vector<float> &a, const std::vector<float> &b) {
    double sum = 0;
    for (size_t i = 0; i < a.size(); i++) sum += double(a[i]) * b[i];
    return sum;
}

TEST_P(LayerGradients, MatchAutograd) {
    ModulePtr module = layer();
    TrainContext context;
    const Tensor y = module->forward_train(golden_tensor("x"), context);
    // Winograd's transforms round more than the direct sum: up to 1.01e-5 of the output's scale on 128 x 9-term
    // sums (conv3x3_sliced), where the direct sum stays under 1e-5.
    const bool convolution = GetParam().rfind("conv", 0) == 0;
    expect_all_near(y.to_nchw(), golden("y").data, convolution ? 2e-5f : 1e-5f, "output");
    const Tensor gx = module->backward(golden_tensor("gy"), context, true);
    expect_all_near(gx.to_nchw(), golden("gx").data, 1e-4f, "d(loss)/d(input)");
    for (StateEntry &entry : state_entries(*module)) {
        const std::string name = entry.name.substr(entry.name.rfind('.') + 1);
        if (entry.grad) {
            expect_all_near(torch_order(entry, entry.grad->values()), golden("grad_" + name).data, 1e-5f, "d(loss)/d(" + name + ")");
        }
        if (name == "running_mean" || name == "running_var") expect_all_near(entry.values->values(), golden(name).data, 1e-5f, name);
        if (entry.fixed) EXPECT_EQ(entry.grad, nullptr) << "BlurPool's filter has no gradient";
    }
}

// Along a random direction d of the input (then of each parameter), (L(v + h d) - L(v - h d)) / 2h for
// L = <forward(x), gy> must equal <gradient, d>. Max pools with tied inputs are not differentiable there. The
// directions are sparse (a tenth of the values move) so that no step crosses a kink of ReLU or a near-tie of
// max pooling, and h is as large as that allows, for float precision.
TEST_P(LayerGradients, MatchFiniteDifferences) {
    if (GetParam().find("ties") != std::string::npos) GTEST_SKIP() << "ties: not differentiable";
    ModulePtr module = layer();
    TrainContext context;
    const Tensor x = golden_tensor("x"), gy = golden_tensor("gy");
    const std::vector<float> gy_values = gy.to_nchw();
    std::mt19937 random(7);
    std::normal_distribution<float> normal;
    auto loss = [&](const Tensor &input) {
        const double value = dot(module->forward_train(input, context).to_nchw(), gy_values);
        module->backward(gy, context, true);  // releases what forward_train kept
        return value;
    };
    // Convolutions are linear, so a larger step has no truncation error; it lifts the loss' difference above
    // the forward's float rounding, which Winograd's transforms make ~6x the direct sum's (conv3x3_wide on
    // 4 x 128 x 12 x 12: 4.7e-3 of the derivative at step 1e-3, 8e-4 direct; on 2 x 128 x 16 x 16, whose
    // derivative is small against the loss, 8e-3 at step 1e-2).
    const float h = GetParam().rfind("conv", 0) == 0 ? 1e-1f : 1e-3f;
    std::uniform_real_distribution<float> uniform;
    auto random_direction = [&](size_t size) {
        std::vector<float> d(size);
        for (float &v : d) v = uniform(random) < 0.1f ? normal(random) : 0.0f;
        return d;
    };

    const std::vector<float> direction = random_direction(x.shape().elements());
    const std::vector<float> x_values = x.to_nchw();
    std::vector<float> plus = x_values, minus = x_values;
    for (size_t i = 0; i < plus.size(); i++) plus[i] += h * direction[i], minus[i] -= h * direction[i];
    const double numeric = (loss(Tensor::from_nchw(plus.data(), x.shape())) - loss(Tensor::from_nchw(minus.data(), x.shape()))) / (2 * h);
    module->forward_train(x, context);
    const double analytic = dot(module->backward(gy, context, true).to_nchw(), direction);
    EXPECT_NEAR(numeric, analytic, 2e-3 * std::max(1.0, std::abs(analytic))) << "input";

    for (StateEntry &entry : state_entries(*module)) {
        if (!entry.grad) continue;
        const std::vector<float> value = entry.values->values(), grad = entry.grad->values();
        const std::vector<float> d = random_direction(value.size());
        double at[2];
        for (int side = 0; side < 2; side++) {
            for (size_t i = 0; i < value.size(); i++) (*entry.values)[i] = value[i] + (side ? -h : h) * d[i];
            module->prepare();
            at[side] = loss(x);
        }
        *entry.values = value;
        module->prepare();
        const double param_analytic = dot(grad, d);
        EXPECT_NEAR((at[0] - at[1]) / (2 * h), param_analytic, 2e-3 * std::max(1.0, std::abs(param_analytic))) << entry.name;
    }
}

INSTANTIATE_TEST_SUITE_P(Layers, LayerGradients, ::testing::ValuesIn([] {
                             std::vector<std::string> names;
                             for (const auto &entry : cases()) names.push_back(entry.first);
                             return names;
                         }()),
                         [](const ::testing::TestParamInfo<std::string> &info) { return info.param; });

TEST(Dropout, ZeroesAboutPOfTheValuesScalesTheRestAndItsGradientUsesTheSameMask) {
    Dropout dropout(0.3f);
    TrainContext context;
    const Shape shape{4, 50, 10, 10};
    std::vector<float> values(shape.elements(), 2.0f);
    const Tensor x = Tensor::from_nchw(values.data(), shape);
    const std::vector<float> y = dropout.forward_train(x, context).to_nchw();
    const std::vector<float> g = dropout.backward(x, context, true).to_nchw();
    size_t zeros = 0;
    for (size_t i = 0; i < y.size(); i++) {
        ASSERT_TRUE(y[i] == 0.0f || std::abs(y[i] - 2.0f / 0.7f) < 1e-6f) << y[i];
        ASSERT_EQ(g[i], y[i]) << "the gradient of a dropped value is 0, of a kept one 1 / (1 - p)";
        zeros += y[i] == 0.0f;
    }
    // Each forward draws a new mask: over 10 masks of 20000 values, the fraction dropped is p within 4 standard
    // deviations (0.0013).
    for (int mask = 1; mask < 10; mask++) {
        const std::vector<float> again = dropout.forward_train(x, context).to_nchw();
        EXPECT_NE(again, y);
        for (float v : again) zeros += v == 0.0f;
    }
    EXPECT_NEAR(double(zeros) / (10 * y.size()), 0.3, 0.004);
    // Without dropout, or in inference, it is the identity.
    context.dropout = false;
    EXPECT_EQ(dropout.forward_train(x, context).to_nchw(), values);
    EXPECT_EQ(dropout.forward(x, Device::cpu()).to_nchw(), values);
    EXPECT_THROW(Dropout(1.0f), Error);
}

TEST(Conv2d, WinogradIsRefusedWhereItCannotCompute) {
    for (const ConvOptions &options : {ConvOptions{2, 1, 1, 1, true, ConvAlgorithm::kWinograd},
                                       ConvOptions{1, 3, 1, 1, true, ConvAlgorithm::kWinograd}}) {
        try {
            Conv2d conv(16, 16, 3, options);
            FAIL() << "stride " << options.stride << ", padding " << options.padding;
        } catch (const Error &e) {
            EXPECT_NE(std::string(e.what()).find("Winograd's algorithm needs kernel 3, stride 1, dilation 1, groups 1, "
                                                 "padding <= 2"),
                      std::string::npos)
                << e.what();
        }
    }
    EXPECT_THROW(Conv2d(16, 16, 5, ConvOptions{1, 2, 1, 1, true, ConvAlgorithm::kWinograd}), Error);
}

TEST(Training, FusedModulesRefuseToTrain) {
    Sequential net({std::make_shared<Conv2d>(3, 4, 3), std::make_shared<BatchNorm2d>(4), std::make_shared<ReLU>()});
    for (StateEntry &entry : state_entries(net)) {
        if (entry.values) entry.values->assign(entry.values->size(), 1.0f);
    }
    net.prepare();
    net.fuse();
    TrainContext context;
    try {
        net.forward_train(Tensor(Shape{2, 3, 5, 5}), context);
        FAIL();
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(), "Conv2d: a fused (inference-only) model cannot train; build it unfused");
    }
}

}  // namespace
}  // namespace antialiased
