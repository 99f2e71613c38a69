// Whole networks against PyTorch: the reference's architectures (tests/golden/antialiased_models.py) with
// random weights and batch-norm statistics, saved by torch in both checkpoint formats at test time, give the
// same logits here within 1e-4 of the logits' scale.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "models/zoo.h"
#include "runtime/error.h"
#include "runtime/npy.h"
#include "tests/scratch_dir.h"

namespace antialiased {
namespace {

struct Case {
    std::string arch;
    int filter_size;
    std::string format;  // "zip" or "legacy"
    int size = 64;       // input height and width: the smallest where every reflect pad fits its map
};

std::ostream &operator<<(std::ostream &out, const Case &c) {
    return out << c.arch << " filter " << c.filter_size << " " << c.format;
}

class ModelLogits : public ::testing::TestWithParam<Case> {};

TEST_P(ModelLogits, MatchPyTorch) {
    const Case &c = GetParam();
    const ScratchDir scratch(c.arch + "_" + std::to_string(c.filter_size) + "_" + c.format);
    const std::string &dir = scratch.path();
    ASSERT_EQ(std::system(("/usr/bin/python3 tests/golden/antialiased_models.py " + c.arch +
                           " " + dir + " " + std::to_string(c.filter_size) + " " + c.format + " " +
                           std::to_string(c.size))
                              .c_str()),
              0);
    ModelOptions options;
    options.filter_size = c.filter_size;
    options.num_classes = 10;
    Model model = build_model(c.arch, options);
    load_weights(*model, dir + "/weights.pth");
    const Tensor input = read_npy_tensor(dir + "/input.npy");
    const NpyArray<float> expected = read_npy_float(dir + "/logits.npy");
    float scale = 0;
    for (float v : expected.data) scale = std::max(scale, std::abs(v));
    // The reference path (every layer its own stage), then with batch norms and ReLUs fused into convs.
    for (const char *path : {"unfused", "fused"}) {
        if (std::string(path) == "fused") model->fuse();
        const Tensor logits = model->forward(input, Device::cpu());
        ASSERT_EQ(logits.shape(), (Shape{2, 10, 1, 1}));
        const std::vector<float> got = logits.to_nchw();
        for (size_t i = 0; i < got.size(); i++) {
            EXPECT_NEAR(got[i], expected.data[i], 1e-4f * std::max(scale, 1.0f)) << path << " logit " << i;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, ModelLogits,
    ::testing::Values(Case{"resnet18_lpf", 1, "zip"}, Case{"resnet18_lpf", 2, "legacy"}, Case{"resnet18_lpf", 3, "zip"},
                      Case{"resnet18_lpf", 4, "zip"}, Case{"resnet18_lpf", 5, "legacy"}, Case{"resnet18_lpf", 6, "zip"},
                      Case{"resnet18_lpf", 7, "zip"}, Case{"resnet34_lpf3", 3, "zip"}, Case{"resnet50_lpf4", 4, "legacy"},
                      Case{"resnext50_32x4d_lpf2", 2, "zip"}, Case{"wide_resnet50_2_lpf5", 5, "zip"},
                      Case{"resnet18", 4, "zip"}, Case{"resnet50", 4, "legacy"},
                      Case{"alexnet_lpf", 4, "zip", 96}, Case{"alexnet", 4, "legacy", 96},
                      Case{"vgg11_bn_lpf3", 3, "zip"}, Case{"vgg13_lpf2", 2, "legacy"},
                      Case{"densenet121_lpf4", 4, "legacy"}, Case{"densenet121", 4, "zip"},
                      Case{"mobilenet_v2_lpf4", 4, "zip"}, Case{"mobilenet_v2_lpf5", 5, "legacy"},
                      Case{"mobilenet_v2", 4, "zip"},
                      // The rest of the zoo, one filter size each.
                      Case{"resnet101_lpf3", 3, "legacy"}, Case{"resnet152_lpf2", 2, "zip"},
                      Case{"resnext101_32x8d_lpf4", 4, "zip"}, Case{"wide_resnet101_2_lpf3", 3, "legacy"},
                      Case{"resnet34", 4, "legacy"}, Case{"vgg11_lpf5", 5, "zip"}, Case{"vgg13_bn_lpf4", 4, "zip"},
                      Case{"vgg16_lpf4", 4, "legacy"}, Case{"vgg16_bn_lpf2", 2, "zip"}, Case{"vgg19_lpf3", 3, "zip"},
                      Case{"vgg19_bn_lpf4", 4, "legacy"}, Case{"vgg16", 4, "zip"}, Case{"densenet161_lpf3", 3, "zip"},
                      Case{"densenet169_lpf2", 2, "legacy"}, Case{"densenet201_lpf5", 5, "zip"}),
    [](const ::testing::TestParamInfo<Case> &info) {
        return info.param.arch + "_" + std::to_string(info.param.filter_size) + "_" + info.param.format;
    });

// Weights we save load into the reference model with strict=True and give its logits.
TEST(ModelZoo, SavedWeightsLoadIntoTheReferenceModel) {
    const ScratchDir scratch("saved");
    const std::string &dir = scratch.path();
    const std::string script = "/usr/bin/python3 tests/golden/antialiased_models.py ";
    for (const std::string arch : {"resnet18_lpf3", "densenet121_lpf2", "mobilenet_v2_lpf4"}) {
        SCOPED_TRACE(arch);
        ASSERT_EQ(std::system((script + arch + " " + dir + " 3 zip 64").c_str()), 0);
        ModelOptions options;
        options.num_classes = 10;
        Model model = build_model(arch, options);
        load_weights(*model, dir + "/weights.pth");
        save_weights(*model, dir + "/ours.pth");
        EXPECT_EQ(std::system((script + "check " + arch + " " + dir + "/ours.pth 3 " + dir).c_str()), 0);
    }
}

// 2019-era DenseNet training checkpoints: wrapped, 'module.'-prefixed, 'denselayer1.norm.1.weight' keys.
TEST(ModelZoo, LoadsOldDenseNetCheckpoints) {
    const ScratchDir scratch("old_densenet");
    const std::string &dir = scratch.path();
    const std::string script = "/usr/bin/python3 tests/golden/antialiased_models.py ";
    ASSERT_EQ(std::system((script + "densenet121_lpf3 " + dir + " 3 zip 64 && " + script +
                           "old_keys " + dir + "/weights.pth " + dir + "/old.pth.tar")
                              .c_str()),
              0);
    ModelOptions options;
    options.num_classes = 10;
    Model model = build_model("densenet121_lpf3", options);
    load_weights(*model, dir + "/old.pth.tar");
    const std::vector<float> logits = model->forward(read_npy_tensor(dir + "/input.npy"), Device::cpu()).to_nchw();
    const std::vector<float> expected = read_npy_float(dir + "/logits.npy").data;
    for (size_t i = 0; i < logits.size(); i++) EXPECT_NEAR(logits[i], expected[i], 1e-4f) << i;
}

TEST(ModelZoo, UnknownArchitecturesListTheValidOnes) {
    try {
        build_model("resnet51_lpf4");
        FAIL();
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("unknown architecture 'resnet51_lpf4' (valid: resnet18, resnet34"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(build_model("resnet18_lpf9"), Error);
    EXPECT_THROW(build_model("resnet18_lpf", ModelOptions{0, 10}), Error);
}

TEST(ModelZoo, ParameterCountsAreTorchvisions) {
    auto count = [](const std::string &arch) {
        Model model = build_model(arch);
        size_t n = 0;
        for (const StateEntry &e : state_entries(*model)) {
            if (e.values) n += e.values->size();  // parameters and BN statistics; not filt, not counters
        }
        return n;
    };
    // resnet50: 25,557,032 parameters + 2 x 26,560 BN running statistics (mean and var), with or without BlurPool.
    EXPECT_EQ(count("resnet50"), 25557032u + 2 * 26560u);
    EXPECT_EQ(count("resnet50_lpf4"), count("resnet50"));
}

}  // namespace
}  // namespace antialiased
