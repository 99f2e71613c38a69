// Training checkpoints in the reference's format, both ways: PyTorch's (written at test time as main.py writes
// them) resume here with their epoch, best accuracy, hyper-parameters and momentum buffers; ours resume in
// PyTorch (strict weights, optimizer.load_state_dict) and here, unchanged.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <numeric>

#include "models/zoo.h"
#include "runtime/error.h"
#include "runtime/npy.h"
#include "runtime/trainer.h"
#include "runtime/training_checkpoint.h"
#include "tests/scratch_dir.h"
#include "tests/tool_run.h"

namespace antialiased {
namespace {

constexpr char kArch[] = "resnet18_lpf3";

Model network() {
    ModelOptions options;
    options.num_classes = 10;
    return build_model(kArch, options);
}

TEST(TrainingCheckpoint, PyTorchsResumeHere) {
    const ScratchDir dir("torch_checkpoint");
    ASSERT_EQ(std::system(("/usr/bin/python3 tests/golden/antialiased_models.py train_checkpoint " + std::string(kArch) +
                           " " + dir.path()).c_str()), 0);
    Model model = network();
    const TrainingState state = load_training_checkpoint(dir.path() + "/checkpoint.pth.tar", *model);
    EXPECT_EQ(state.epoch, 3);
    EXPECT_EQ(state.arch, kArch);
    EXPECT_DOUBLE_EQ(state.best_acc1, 41.5);
    EXPECT_FLOAT_EQ(state.sgd.lr, 0.1f);
    EXPECT_FLOAT_EQ(state.sgd.momentum, 0.9f);
    EXPECT_FLOAT_EQ(state.sgd.weight_decay, 1e-4f);
    EXPECT_EQ(state.momentum.size(), 62u);  // every parameter of resnet18_lpf3 stepped once
    // Held in the weight's stored order (StateEntry::order), PyTorch's once converted.
    const StateEntry conv1 = state_entries(*model).front();
    ASSERT_EQ(conv1.name, "conv1.weight");
    EXPECT_EQ(torch_order(conv1, state.momentum.at("conv1.weight")), read_npy_float(dir.path() + "/momentum0.npy").data);
}

TEST(TrainingCheckpoint, OursResumeInPyTorchAndHere) {
    const ScratchDir dir("our_checkpoint");
    ASSERT_EQ(std::system(("/usr/bin/python3 tests/golden/antialiased_models.py train_checkpoint " + std::string(kArch) +
                           " " + dir.path()).c_str()), 0);
    Model model = network();
    TrainingState state = load_training_checkpoint(dir.path() + "/checkpoint.pth.tar", *model);
    Trainer trainer(*model, state.sgd);
    trainer.set_momentum(state.momentum);
    std::vector<float> images(2 * 3 * 64 * 64);
    for (size_t i = 0; i < images.size(); i++) images[i] = std::sin(0.37f * float(i));
    trainer.step(Tensor::from_nchw(images.data(), Shape{2, 3, 64, 64}), {4, 7});
    state.epoch = 4;
    state.best_acc1 = 43.25;
    state.momentum = trainer.momentum();
    const std::string path = dir.path() + "/ours.pth.tar";
    save_training_checkpoint(path, *model, state);

    const std::vector<float> &first = state.momentum.at("conv1.weight");
    const double sum = std::accumulate(first.begin(), first.end(), 0.0);
    const ToolRun torch = run_tool("/usr/bin/python3 tests/golden/antialiased_models.py resume_check " +
                                   std::string(kArch) + " " + path);
    ASSERT_EQ(torch.exit_code, 0) << torch.output;
    // "epoch arch best_acc1 buffers lr momentum weight_decay nesterov sum-of-conv1's-buffer"
    const std::string line = std::string("4 ") + kArch + " 43.25 62 0.1 0.9 0.0001 False ";
    ASSERT_EQ(torch.output.substr(0, line.size()), line) << torch.output;
    EXPECT_NEAR(std::stod(torch.output.substr(line.size())), sum, 1e-6 * std::max(1.0, std::abs(sum))) << torch.output;

    Model again = network();
    const TrainingState back = load_training_checkpoint(path, *again);
    EXPECT_EQ(back.epoch, 4);
    EXPECT_EQ(back.momentum, state.momentum);
    const auto ours = state_dict(*model), theirs = state_dict(*again);
    for (size_t i = 0; i < ours.size(); i++) EXPECT_EQ(ours[i].second.bytes, theirs[i].second.bytes) << ours[i].first;
}

TEST(TrainingCheckpoint, AWeightsOnlyFileIsAClearError) {
    const ScratchDir dir("weights_only");
    Model model = network();
    ASSERT_EQ(std::system(("/usr/bin/python3 tests/golden/antialiased_models.py " + std::string(kArch) + " " +
                           dir.path() + " 3 zip 64").c_str()), 0);
    try {
        load_training_checkpoint(dir.path() + "/weights.pth", *model);
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(std::string(e.what()), dir.path() + "/weights.pth: no 'epoch' entry");
    }
}

}  // namespace
}  // namespace antialiased
