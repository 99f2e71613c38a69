// A network of one's own (examples/preact_resnet_aa.cc), declared by its forward pass alone, against its PyTorch
// twin (examples/preact_resnet_aa.py): the same logits from the same checkpoint, fused or not; three SGD steps
// of tools/train_step give torch.optim.SGD's weights; train/main trains and evaluates it by name, and PyTorch
// loads the checkpoint main writes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "models/zoo.h"
#include "runtime/npy.h"
#include "tests/error_of.h"
#include "tests/scratch_dir.h"
#include "tests/tool_run.h"

namespace antialiased {
namespace {

const std::string kScript = "/usr/bin/python3 tests/golden/antialiased_models.py ";

TEST(CustomModel, GivesItsPyTorchTwinsLogits) {
    const ScratchDir scratch("custom_logits");
    const std::string &dir = scratch.path();
    ASSERT_EQ(std::system((kScript + "preact_resnet_aa " + dir + " 3 zip 32").c_str()), 0);
    ModelOptions options;
    options.filter_size = 3;
    options.num_classes = 10;
    Model model = build_model("preact_resnet_aa", options);
    load_weights(*model, dir + "/weights.pth");
    const Tensor input = read_npy_tensor(dir + "/input.npy");
    const NpyArray<float> expected = read_npy_float(dir + "/logits.npy");
    for (const char *path : {"unfused", "fused"}) {
        if (std::string(path) == "fused") model->fuse();
        const std::vector<float> got = model->forward(input, Device::cpu()).to_nchw();
        ASSERT_EQ(got.size(), expected.data.size());
        for (size_t i = 0; i < got.size(); i++) EXPECT_NEAR(got[i], expected.data[i], 1e-4f) << path << " logit " << i;
    }
}

TEST(CustomModel, ThreeStepsEqualTorchOptimSgd) {
    const ScratchDir scratch("custom_sgd");
    const std::string &dir = scratch.path();
    ASSERT_EQ(std::system((kScript + "train preact_resnet_aa " + dir + " 32 8 3 0.1 0.9 1e-4").c_str()), 0);
    const ToolRun steps = run_tool("tools/train_step -a preact_resnet_aa --classes 10 --weights " + dir +
                                   "/weights.pth --input " + dir + "/input.npy --labels " + dir +
                                   "/labels.npy --steps 3 --lr 0.1 --momentum 0.9 --wd 1e-4 --save " + dir +
                                   "/ours.pth --losses " + dir + "/ours_losses.npy");
    ASSERT_EQ(steps.exit_code, 0) << steps.output;
    const ToolRun compare = run_tool(kScript + "compare " + dir);
    EXPECT_EQ(compare.exit_code, 0) << compare.output;
    std::printf("%s", compare.output.c_str());
}

TEST(CustomModel, MainTrainsAndEvaluatesItByName) {
    const ScratchDir scratch("custom_main");
    const std::string &dir = scratch.path();
    const std::string common = "train/main -a preact_resnet_aa -f 2 -b 16 --val-subset 32 --out-dir " + dir;
    ToolRun run = run_tool(common + " --train-subset 64 --epochs 1 --lr 0.01");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    run = run_tool(common + " --weights " + dir + "/checkpoint.pth.tar -es --epochs-shift 1");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("=> consistency: "), std::string::npos) << run.output;
    const ToolRun torch = run_tool(
        "/usr/bin/python3 -c \"import sys, torch; sys.path.insert(0, 'tests/golden'); import antialiased_models; "
        "antialiased_models.build('preact_resnet_aa', 2, num_classes=10).load_state_dict(torch.load(sys.argv[1])"
        "['state_dict'])\" " + dir + "/checkpoint.pth.tar");
    EXPECT_EQ(torch.exit_code, 0) << torch.output;
}

TEST(CustomModel, NamesAreRegisteredOnce) {
    EXPECT_EQ(error_of([] { register_model("preact_resnet_aa", nullptr); }),
              "register_model: the name 'preact_resnet_aa' is taken already");
    EXPECT_EQ(error_of([] { register_model("resnet18_lpf3", nullptr); }),
              "register_model: the name 'resnet18_lpf3' is taken already");
    EXPECT_NE(error_of([] { build_model("preact_resnet"); }).find("preact_resnet_aa"), std::string::npos);
}

}  // namespace
}  // namespace antialiased
