// Fine-tuning from a baseline (main.py --finetune): the anti-aliased network that copy_params_buffers makes
// from a baseline checkpoint here is the state_dict PyTorch's copy_params_buffers makes from the same file
// (tests/golden/antialiased_models.py finetune), and its parameters are the baseline's, in order.
#include <gtest/gtest.h>

#include <cstdlib>

#include "models/zoo.h"
#include "runtime/copy_params_buffers.h"
#include "tests/error_of.h"
#include "tests/scratch_dir.h"

namespace antialiased {
namespace {

ModelOptions ten_classes() {
    ModelOptions options;
    options.num_classes = 10;
    return options;
}

class FineTune : public ::testing::TestWithParam<std::string> {};

TEST_P(FineTune, GivesPyTorchsStateDict) {
    const std::string arch = GetParam();
    const ScratchDir scratch("finetune_" + arch);
    const std::string &dir = scratch.path();
    ASSERT_EQ(std::system(("/usr/bin/python3 tests/golden/antialiased_models.py finetune " + arch + " " + dir).c_str()), 0);
    Model model = finetune_model(arch, ten_classes(), dir + "/baseline.pth");

    const auto ours = state_dict(*model), torch = Checkpoint::read(dir + "/finetuned.pth").state_dict();
    ASSERT_EQ(ours.size(), torch.size());
    for (size_t i = 0; i < ours.size(); i++) {
        EXPECT_EQ(ours[i].first, torch[i].first);
        EXPECT_EQ(ours[i].second.shape, torch[i].second.shape) << ours[i].first;
        EXPECT_TRUE(ours[i].second.bytes == torch[i].second.bytes) << ours[i].first << " differs from PyTorch's";
    }
    // The parameters, in order, are the baseline's.
    Model baseline = build_model(baseline_arch(arch), ten_classes());
    load_weights(*baseline, dir + "/baseline.pth");
    std::vector<const Parameter *> baseline_params, model_params;
    for (const StateEntry &entry : state_entries(*baseline)) {
        if (entry.grad) baseline_params.push_back(entry.values);
    }
    for (const StateEntry &entry : state_entries(*model)) {
        if (entry.grad) model_params.push_back(entry.values);
    }
    ASSERT_EQ(baseline_params.size(), model_params.size());
    for (size_t p = 0; p < model_params.size(); p++) EXPECT_EQ(model_params[p]->values(), baseline_params[p]->values()) << "parameter " << p;
}

INSTANTIATE_TEST_SUITE_P(Zoo, FineTune,
                         ::testing::Values("resnet18_lpf3", "alexnet_lpf2", "vgg11_bn_lpf4", "densenet121_lpf3",
                                           "mobilenet_v2_lpf5", "resnext50_32x4d_lpf2"));

TEST(FineTune, RefusesWhatIsNotItsBaseline) {
    const ScratchDir scratch("finetune_refusals");
    const std::string &dir = scratch.path();
    ASSERT_EQ(std::system(("/usr/bin/python3 tests/golden/antialiased_models.py finetune resnet18_lpf2 " + dir).c_str()), 0);
    const std::string baseline = dir + "/baseline.pth";
    EXPECT_EQ(error_of([&] { finetune_model("resnet18", ten_classes(), baseline); }),
              "'resnet18' is a baseline already: fine-tuning starts an anti-aliased network (resnet18_lpf<K>) from it");
    // Another family's file fails the baseline's strict load, naming the key.
    EXPECT_NE(error_of([&] { finetune_model("resnet34_lpf3", ten_classes(), baseline); }).find("missing key layer1.2."),
              std::string::npos);
    ModelOptions five = ten_classes();
    five.num_classes = 5;
    EXPECT_EQ(error_of([&] { finetune_model("resnet18_lpf3", five, baseline); }),
              baseline + ": key fc.weight has shape (10, 512), the model (5, 512)");

    Model resnet18 = build_model("resnet18", ten_classes());
    load_weights(*resnet18, baseline);
    Model resnet34 = build_model("resnet34_lpf3", ten_classes());
    EXPECT_EQ(error_of([&] { copy_params_buffers(*resnet18, *resnet34, "resnet18"); }),
              "resnet18: 62 parameters, the network to copy them into 110 (anti-aliasing adds none: is it the same "
              "architecture?)");
    ModelOptions wide = ten_classes();
    wide.num_classes = 12;
    Model twelve = build_model("resnet18_lpf3", wide);
    EXPECT_EQ(error_of([&] { copy_params_buffers(*resnet18, *twelve, "resnet18"); }),
              "resnet18: parameter 60, fc.weight (10, 512), does not fit fc.weight (12, 512)");
}

}  // namespace
}  // namespace antialiased
