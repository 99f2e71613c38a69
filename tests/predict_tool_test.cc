// The predict tool, run as a person runs it: PyTorch's weights and inputs in, PyTorch's logits out; images
// give a top-5; bad input is a one-line error and exit status 1.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "runtime/image_io.h"
#include "runtime/npy.h"
#include "tests/tool_run.h"

namespace antialiased {
namespace {

ToolRun predict(const std::string &arguments) { return run_tool("tools/predict " + arguments); }

class PredictTool : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/predict";
        ASSERT_EQ(std::system(("mkdir -p " + dir_ +
                               " && /usr/bin/python3 tests/golden/antialiased_models.py mobilenet_v2_lpf3 " + dir_ +
                               " 3 legacy 64")
                                  .c_str()),
                  0);
    }
    static std::string dir_;
};
std::string PredictTool::dir_;

TEST_F(PredictTool, GivesPyTorchsLogits) {
    const ToolRun run = predict("-a mobilenet_v2_lpf -f 3 --classes 10 --weights " + dir_ + "/weights.pth --input " +
                            dir_ + "/input.npy --output " + dir_ + "/ours.npy");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const NpyArray<float> ours = read_npy_float(dir_ + "/ours.npy"), torch = read_npy_float(dir_ + "/logits.npy");
    EXPECT_EQ(ours.shape, (std::vector<int64_t>{2, 10}));
    for (size_t i = 0; i < ours.data.size(); i++) EXPECT_NEAR(ours.data[i], torch.data[i], 1e-4f) << i;
}

TEST_F(PredictTool, ClassifiesImages) {
    Image image{300, 200, 3, {}};
    for (int i = 0; i < 300 * 200 * 3; i++) image.pixels.push_back(uint8_t(i * 7 % 256));
    write_image(dir_ + "/image.png", image);
    const ToolRun run = predict("--arch mobilenet_v2_lpf3 --classes 10 --weights " + dir_ + "/weights.pth --input " +
                            dir_ + "/image.png");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    int lines = 0;
    double total = 0;
    std::istringstream rows(run.output);
    for (int label; rows >> label;) {
        double p;
        rows >> p;
        EXPECT_GE(label, 0);
        EXPECT_LT(label, 10);
        total += p;
        lines++;
    }
    EXPECT_EQ(lines, 5);
    EXPECT_GT(total, 0.2);
    EXPECT_LE(total, 1.0001);
}

TEST_F(PredictTool, BadInputIsAOneLineError) {
    const std::string weights = " --weights " + dir_ + "/weights.pth";
    const struct {
        std::string arguments, message;
    } cases[] = {
        {"-a resnet51" + weights + " --input x.npy --output y.npy", "predict: unknown architecture 'resnet51' (valid:"},
        {"-a mobilenet_v2_lpf3" + weights + " --input x.npy --output y.npy",
         "key classifier.0.weight has shape (10, 1280), the model (1000, 1280)"},
        {"-a resnet18_lpf3 --classes 10" + weights + " --input x.npy --output y.npy", "missing key conv1.weight"},
        {"-a mobilenet_v2_lpf3 --classes 10 --weights " + dir_ + "/input.npy --input x --output y",
         "not a PyTorch checkpoint"},
        {"--weights w.pth --input x", "predict: -a/--arch is required"},
    };
    for (const auto &c : cases) {
        const ToolRun run = predict(c.arguments);
        EXPECT_EQ(run.exit_code, 1) << c.arguments;
        EXPECT_NE(run.output.find(c.message), std::string::npos) << c.arguments << "\n" << run.output;
        EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
    }
}

}  // namespace
}  // namespace antialiased
