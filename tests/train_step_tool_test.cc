// The train_step tool against PyTorch: three SGD steps (momentum, weight decay, batch statistics) of the
// issue's four networks from a random checkpoint made by torch at test time give PyTorch's weights, running
// statistics, counters and losses, within what float rounding alone moves PyTorch's own result
// (tests/golden/antialiased_models.py compare), and leave every BlurPool filter as it was. Bad arguments are
// one-line errors.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/scratch_dir.h"
#include "tests/tool_run.h"

namespace antialiased {
namespace {

constexpr char kSteps[] = "3", kLr[] = "0.01", kMomentum[] = "0.9", kWeightDecay[] = "1e-4";

ToolRun train_step(const std::string &arguments) { return run_tool("tools/train_step " + arguments); }

class TrainStepTool : public ::testing::TestWithParam<std::string> {};

TEST_P(TrainStepTool, ThreeStepsEqualTorchOptimSgd) {
    const std::string arch = GetParam();
    const ScratchDir dir("train_step_" + arch);
    const std::string d = dir.path();
    // A batch of 4 at 64 px: the smallest on which every network's maps stay larger than its reflect padding.
    ASSERT_EQ(std::system(("/usr/bin/python3 tests/golden/antialiased_models.py train " + arch + " " + d + " 64 4 " +
                           kSteps + " " + kLr + " " + kMomentum + " " + kWeightDecay)
                              .c_str()),
              0);
    const ToolRun run = train_step("-a " + arch + " --classes 10 --weights " + d + "/weights.pth --input " + d +
                                   "/input.npy --labels " + d + "/labels.npy --steps " + kSteps + " --lr " + kLr +
                                   " --momentum " + kMomentum + " --wd " + kWeightDecay + " --no-dropout --save " + d +
                                   "/ours.pth --losses " + d + "/ours_losses.npy");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const ToolRun compare = run_tool("/usr/bin/python3 tests/golden/antialiased_models.py compare " + d);
    EXPECT_EQ(compare.exit_code, 0) << compare.output;
    std::printf("%s: %s", arch.c_str(), compare.output.c_str());
}

INSTANTIATE_TEST_SUITE_P(Networks, TrainStepTool,
                         ::testing::Values("resnet18_lpf3", "densenet121_lpf2", "mobilenet_v2_lpf4", "vgg11_bn_lpf3"));

TEST(TrainStepToolErrors, AreOneLineAndNameTheProblem) {
    const ScratchDir dir("train_step_errors");
    const std::string d = dir.path();
    ToolRun run = train_step("-a resnet18_lpf3 --weights x.pth --input x.npy --labels y.npy");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.output, "train_step: --save is required\n");
    run = train_step("-a resnet18_lpf3 --weights " + d + "/missing.pth --input x.npy --labels y.npy --save o.pth");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.output.find(d + "/missing.pth"), std::string::npos) << run.output;
    run = train_step("-a resnet18_lpf3 --steps 0 --weights w --input x --labels y --save o");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.output, "train_step: --steps must be >= 1\n");
    run = train_step("-a resnet18_lpf3 --no-such-flag");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.output.find("no-such-flag"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace antialiased
