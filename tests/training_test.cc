// The training stages against PyTorch (goldens made by tests/golden/training_fixtures.py at test time):
// softmax cross-entropy and its gradient, batch norm in training mode, and torch.optim.SGD's updates over three
// steps.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "runtime/batch_norm_training.h"
#include "runtime/error.h"
#include "runtime/loss.h"
#include "runtime/npy.h"
#include "runtime/sgd.h"

namespace antialiased {
namespace {

class Training : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/training";
        ASSERT_EQ(std::system(("mkdir -p " + dir_ + " && /usr/bin/python3 tests/golden/training_fixtures.py " + dir_).c_str()), 0);
    }
    static std::vector<float> golden(const std::string &name) { return read_npy_float(dir_ + "/" + name + ".npy").data; }
    static std::string dir_;
};
std::string Training::dir_;

void expect_all_near(const std::vector<float> &got, const std::vector<float> &expected, float tolerance,
                     const std::string &what) {
    ASSERT_EQ(got.size(), expected.size()) << what;
    for (size_t i = 0; i < got.size(); i++) {
        ASSERT_NEAR(got[i], expected[i], tolerance * std::max(1.0f, std::abs(expected[i]))) << what << " [" << i << "]";
    }
}

TEST_F(Training, CrossEntropyAndItsGradientMatchPyTorch) {
    const std::vector<float> logits = golden("ce_logits");
    const Tensor z = Tensor::from_nchw(logits.data(), Shape{5, 7, 1, 1});
    const LossAndGradient result = cross_entropy(z, read_npy_int64(dir_ + "/ce_labels.npy").data);
    EXPECT_NEAR(result.loss, golden("ce_loss")[0], 1e-5f);
    expect_all_near(result.grad_logits.to_nchw(), golden("ce_grad"), 1e-6f, "d loss / d logits");
    EXPECT_TRUE(std::isfinite(result.loss));

    try {
        cross_entropy(z, {0, 1, 7, 2, 3});
        FAIL();
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(), "cross_entropy: label 7 of image 2 is not a class of 0..6");
    }
    EXPECT_THROW(cross_entropy(z, {0, 1}), Error);
}

TEST_F(Training, BatchNormInTrainingModeMatchesAutograd) {
    const Shape shape{4, 6, 5, 7};
    const std::vector<float> x = golden("bn_input");
    const Parameter weight(golden("bn_weight")), bias(golden("bn_bias"));
    const Tensor input = Tensor::from_nchw(x.data(), shape);
    const BatchNormTrainOutput forward = batch_norm_train(input, weight, bias);
    expect_all_near(forward.output.to_nchw(), golden("bn_output"), 1e-5f, "output");

    const std::vector<float> g = golden("bn_grad_output");
    const BatchNormGradients grads =
        batch_norm_train_backward(input, weight, bias, forward.statistics, Tensor::from_nchw(g.data(), shape));
    expect_all_near(grads.grad_input.to_nchw(), golden("bn_grad_input"), 1e-5f, "grad_input");
    expect_all_near(grads.grad_weight.values(), golden("bn_grad_weight"), 1e-5f, "grad_weight");
    expect_all_near(grads.grad_bias.values(), golden("bn_grad_bias"), 1e-5f, "grad_bias");

    Parameter running_mean(6, 0.0f), running_var(6, 1.0f);
    int64_t batches = 0;
    EXPECT_EQ(forward.statistics.count, 4 * 5 * 7);
    update_running_stats(forward.statistics, 0.1f, &running_mean, &running_var, &batches);
    expect_all_near(running_mean.values(), golden("bn_running_mean"), 1e-6f, "running_mean");
    expect_all_near(running_var.values(), golden("bn_running_var"), 1e-6f, "running_var");
    EXPECT_EQ(batches, 1);

    EXPECT_THROW(batch_norm_train(input, Parameter(std::vector<float>{1, 2}), bias), Error);
    EXPECT_THROW(batch_norm_train(Tensor(Shape{1, 6, 1, 1}), weight, bias), Error);  // one value per channel
    const Parameter three(3, 1.0f);
    const BatchStatistics two_channels{std::make_shared<Parameter>(2), std::make_shared<Parameter>(3, 1.0f), 8};
    EXPECT_THROW(batch_norm_train_normalize(Tensor(Shape{2, 3, 2, 2}), three, three, two_channels), Error);
}

TEST_F(Training, SgdStepsMatchTorchOptimSgd) {
    for (const std::string name : {"plain", "nesterov", "nomomentum"}) {
        SCOPED_TRACE(name);
        const Sgd sgd(SgdOptions{0.1f, name == "nomomentum" ? 0.0f : 0.9f, 1e-4f, name == "nesterov"});
        Parameter param(golden("sgd_param0")), buffer;
        for (int step = 1; step <= 3; step++) {
            sgd.step(param, Parameter(golden("sgd_grad" + std::to_string(step))), buffer);
            expect_all_near(param.values(), golden("sgd_" + name + "_param" + std::to_string(step)), 1e-6f, "parameter");
            if (name != "nomomentum") {
                expect_all_near(buffer.values(), golden("sgd_" + name + "_buffer" + std::to_string(step)), 1e-6f, "buffer");
            }
        }
    }
    EXPECT_THROW(Sgd(SgdOptions{-1.0f}), Error);
    Parameter p(3), g(2), b;
    EXPECT_THROW(Sgd(SgdOptions{}).step(p, g, b), Error);
}

}  // namespace
}  // namespace antialiased
