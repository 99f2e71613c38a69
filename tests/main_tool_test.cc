// train/main as a person runs it: flag handling (the reference's spellings, refusals), training on the
// built-in Fashion-MNIST with the reference's checkpoint files (loadable by PyTorch), --resume continuing
// exactly as an uninterrupted run, training on an image folder with a corrupt file, and -es / -ed against the
// reference's evaluations recomputed in PyTorch (tests/golden/shift_evaluation.py).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/zoo.h"
#include "runtime/checkpoint.h"
#include "runtime/image_io.h"
#include "runtime/npy.h"
#include "runtime/training_checkpoint.h"
#include "tests/scratch_dir.h"
#include "tests/tool_run.h"
#include "tests/training_state.h"

namespace antialiased {
namespace {

ToolRun main_tool(const std::string &arguments) { return run_tool("train/main " + arguments); }

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string read_bytes(const std::string &path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

TEST(MainTool, RefusesBadFlagsWithOneLine) {
    const ScratchDir dir("main_flags");
    const std::string out = " --out-dir " + dir.path();
    ToolRun run = main_tool("-a resnet18 --no-such-flag" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_TRUE(contains(run.output, "no-such-flag")) << run.output;
    run = main_tool("-a resnet18 -b many" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_TRUE(contains(run.output, "'many'") && contains(run.output, "batch_size")) << run.output;
    run = main_tool("-a resnet18 --batch-size 0" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.output, "main: --batch_size must be >= 1, not 0\n");
    run = main_tool("-a resnet18 --world-size 2" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.output, "main: --world_size: not taken: start the ranks with mpirun -np N (README, multi-process training)\n");
    run = main_tool("-a resnet18 --pretrained" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_TRUE(contains(run.output, "--pretrained loads --weights")) << run.output;
    run = main_tool("-a resnet18_lpf2 --finetune" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.output, "main: --finetune starts from the baseline's checkpoint: give it as --weights PATH\n");
    run = main_tool("-a resnet17" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_TRUE(contains(run.output, "unknown architecture 'resnet17'")) << run.output;
    run = main_tool("-a resnet18 --resume " + dir.path() + "/none.pth.tar" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_TRUE(contains(run.output, dir.path() + "/none.pth.tar")) << run.output;
    run = main_tool("-a resnet18 --data " + dir.path() + "/nowhere -e" + out);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_TRUE(contains(run.output, dir.path() + "/nowhere/val")) << run.output;
    run = main_tool("-a resnet18 stray" + out);
    EXPECT_EQ(run.exit_code, 2);
}

// Fashion-MNIST at 32 px, 96 training images in batches of 32 with -ba 2 (the third batch's gradient is
// dropped at the epoch's end, as the reference does), two epochs.
TEST(MainTool, TrainsWritesTheReferenceCheckpointsAndResumesIdentically) {
    const ScratchDir dir("main_resume");
    const std::string d = dir.path(), arch = "resnet18_lpf2";
    const std::string flags =
        "-a " + arch + " --train-subset 96 --val-subset 64 -b 32 -ba 2 --lr 0.02 --seed 5 -j 2 -p 1";
    const ToolRun whole = main_tool(flags + " --epochs 2 --out-dir " + d + "/whole");
    ASSERT_EQ(whole.exit_code, 0) << whole.output;
    EXPECT_TRUE(contains(whole.output, "Epoch: [1][2/3]")) << whole.output;
    EXPECT_TRUE(contains(whole.output, "img/s\tETA 0:00:00")) << whole.output;
    EXPECT_TRUE(contains(whole.output, " * Acc@1 ")) << whole.output;
    for (const char *name : {"checkpoint.pth.tar", "checkpoint_000.pth.tar", "model_best.pth.tar"}) {
        EXPECT_TRUE(std::filesystem::exists(d + "/whole/" + name)) << name;
    }
    EXPECT_FALSE(std::filesystem::exists(d + "/whole/checkpoint_001.pth.tar"));  // every 10 epochs only

    // Interrupted after the first epoch, then resumed.
    ToolRun part = main_tool(flags + " --epochs 1 --out-dir " + d + "/parts");
    ASSERT_EQ(part.exit_code, 0) << part.output;
    expect_same_training_state(d + "/whole/checkpoint_000.pth.tar", d + "/parts/checkpoint.pth.tar", arch);
    part = main_tool(flags + " --epochs 2 --out-dir " + d + "/parts --resume " + d + "/parts/checkpoint.pth.tar");
    ASSERT_EQ(part.exit_code, 0) << part.output;
    EXPECT_TRUE(contains(part.output, "(epoch 1)")) << part.output;
    EXPECT_FALSE(contains(part.output, "Epoch: [0]")) << part.output;
    expect_same_training_state(d + "/whole/checkpoint.pth.tar", d + "/parts/checkpoint.pth.tar", arch);

    // PyTorch resumes from them as main.py does (strict weights, SGD state).
    // It prints the epoch and arch first; model_best is either epoch's.
    for (const auto &[name, epoch] : {std::pair<std::string, std::string>{"checkpoint.pth.tar", "2"},
                                      {"checkpoint_000.pth.tar", "1"},
                                      {"model_best.pth.tar", ""}}) {
        const ToolRun torch = run_tool("/usr/bin/python3 tests/golden/antialiased_models.py resume_check " + arch +
                                       " " + d + "/whole/" + name);
        ASSERT_EQ(torch.exit_code, 0) << name << ": " << torch.output;
        if (!epoch.empty()) EXPECT_EQ(torch.output.rfind(epoch + " " + arch + " ", 0), 0u) << torch.output;
    }
}

// The smaller modes of main.py: --save_weights writes {'state_dict': ...} (which main.py's --weights and ours
// read), --evaluate-save the full views as PNGs, --val-debug trains on the validation set, --no-data-aug.
TEST(MainTool, SavesWeightsAndImagesAndTrainsWithoutAugmentation) {
    const ScratchDir dir("main_modes");
    const std::string d = dir.path(), common = " -a resnet18_lpf2 --val-subset 4 -b 2 -j 2 --out-dir " + d;
    ToolRun run = main_tool(common + " --val-debug --train-subset 8 --no-data-aug --epochs 1 --lr 0.001");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "=> training on 8 images of Fashion-MNIST test")) << run.output;
    run = main_tool(common + " --weights " + d + "/checkpoint.pth.tar --save_weights " + d + "/weights.pth");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const Checkpoint saved = Checkpoint::read(d + "/weights.pth");
    ASSERT_TRUE(saved.root().get("state_dict")) << "no 'state_dict' entry";
    EXPECT_EQ(saved.state_dict().size(), Checkpoint::read(d + "/checkpoint.pth.tar").state_dict().size());
    const ToolRun torch = run_tool(  // as main.py's --weights reads it
        "/usr/bin/python3 -c \"import sys, torch; sys.path.insert(0, 'tests/golden'); import antialiased_models; "
        "antialiased_models.build('resnet18_lpf2', num_classes=10).load_state_dict(torch.load(sys.argv[1])"
        "['state_dict'])\" " + d + "/weights.pth");
    EXPECT_EQ(torch.exit_code, 0) << torch.output;
    run = main_tool(common + " --weights " + d + "/weights.pth --evaluate-save");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    for (const char *name : {"/00000.png", "/00003.png"}) {
        const Image image = read_image(d + name);
        EXPECT_EQ(image.width, 40) << name;  // the shift view: 32 px crops + 8 px of shifts, by default
        EXPECT_EQ(image.height, 40) << name;
    }
    EXPECT_FALSE(std::filesystem::exists(d + "/00004.png"));
}

// --finetune: the anti-aliased network starts as PyTorch's copy_params_buffers makes it from the baseline's
// checkpoint (--weights), then trains and saves as usual.
TEST(MainTool, FineTunesFromTheBaseline) {
    const ScratchDir dir("main_finetune");
    const std::string d = dir.path();
    ASSERT_EQ(std::system(("/usr/bin/python3 tests/golden/antialiased_models.py finetune resnet18_lpf2 " + d).c_str()), 0);
    const std::string common = " -a resnet18_lpf2 --finetune --weights " + d + "/baseline.pth --out-dir " + d;
    ToolRun run = main_tool(common + " --save_weights " + d + "/weights.pth");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "=> copying over pretrained weights from [resnet18] (" + d + "/baseline.pth)"))
        << run.output;
    const auto ours = Checkpoint::read(d + "/weights.pth").state_dict();
    const auto torch = Checkpoint::read(d + "/finetuned.pth").state_dict();
    ASSERT_EQ(ours.size(), torch.size());
    for (size_t i = 0; i < ours.size(); i++) EXPECT_TRUE(ours[i].second.bytes == torch[i].second.bytes) << ours[i].first;
    run = main_tool(common + " --val-subset 4 -b 2 --val-debug --train-subset 4 --epochs 1 --lr 0.001");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(std::filesystem::exists(d + "/checkpoint.pth.tar"));
    run = main_tool("-a resnet18_lpf2 --finetune --weights " + d + "/finetuned.pth --out-dir " + d);
    EXPECT_EQ(run.exit_code, 1);  // an anti-aliased checkpoint is not the baseline's
    EXPECT_TRUE(contains(run.output, d + "/finetuned.pth: missing key layer2.0.conv2.weight")) << run.output;
}

// The built-in data's geometry flags: --max-shift sets the shifts -es draws ([0, S)^2) and -ed takes (0..S) and
// the view they crop (32 + S px, the garment centred on black); --canvas sets training's random crops and the
// default S (canvas - 32). Impossible values are refused naming the flag.
TEST(MainTool, ShiftGeometryFlags) {
    const ScratchDir dir("main_geometry");
    const std::string d = dir.path(), common = " -a resnet18_lpf2 --val-subset 4 -b 2 -j 2 --out-dir " + d;
    ToolRun run = main_tool(common + " --canvas 48 --data-aug --train-subset 4 --epochs 1 --lr 0.001");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const std::string weights = " --weights " + d + "/checkpoint.pth.tar";

    run = main_tool(common + weights + " -es --epochs-shift 2 --max-shift 5");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "offsets (row, column) drawn from [0, 5)^2 of the central 37 px view"))
        << run.output;
    const NpyArray<int64_t> offsets = read_npy_int64(d + "/shift_offsets.npy");
    ASSERT_EQ(offsets.shape, (std::vector<int64_t>{4, 2, 2}));  // 2 passes x 2 batches, 2 crops, (row, column)
    for (int64_t o : offsets.data) EXPECT_TRUE(o >= 0 && o < 5) << o;

    run = main_tool(common + weights + " -ed --max-shift 32");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "(o, o), o = 0..32, of the central 64 px view")) << run.output;
    const std::string probs = read_bytes(d + "/diag_probs.npy");
    EXPECT_TRUE(contains(probs, "'shape': (4, 33)")) << probs.substr(0, 100);

    // The views written by --evaluate-save: 32 + S px, the 28 px image centred, black around it.
    for (const auto &[flags, size] : {std::pair<std::string, int>{" --canvas 48", 48}, {" --canvas 48 --max-shift 4", 36}}) {
        run = main_tool(common + weights + flags + " --evaluate-save");
        ASSERT_EQ(run.exit_code, 0) << run.output;
        const Image image = read_image(d + "/00000.png");
        ASSERT_EQ(image.width, size) << flags;
        ASSERT_EQ(image.height, size) << flags;
        const int margin = (size - 28) / 2;
        int lit_inside = 0, lit_outside = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                const bool inside = x >= margin && x < margin + 28 && y >= margin && y < margin + 28;
                (inside ? lit_inside : lit_outside) += image.pixels[(size_t(y) * size + x) * 3] > 1;
            }
        }
        EXPECT_EQ(lit_outside, 0) << flags;
        EXPECT_GT(lit_inside, 100) << flags;  // a garment
    }

    for (const auto &[flags, message] : std::vector<std::pair<std::string, std::string>>{
             {" --canvas 20 -e", "main: --canvas must be in [32, 1024] (the networks see 32 x 32 crops of it), not 20\n"},
             {" --max-shift -3 -e", "main: --max-shift must be in [0, 1024], not -3\n"},
             {" --max-shift 0 -es", "main: Fashion-MNIST test: no room to shift a 32 crop\n"},
             {" --canvas 40 --data " + d + " -e",
              "main: --canvas is the built-in data's; with --data the shift view is set by --max-shift\n"}}) {
        run = main_tool(common + weights + flags);
        EXPECT_EQ(run.exit_code, 1) << flags;
        EXPECT_TRUE(contains(run.output, message)) << run.output;  // after what stdout had printed
    }
}

class MainToolOnAFolder : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new ScratchDir("main_folder");
        ASSERT_EQ(std::system(
                      ("/usr/bin/python3 tests/golden/shift_evaluation.py make " + dir_->path() + " " + kArch).c_str()),
                  0);
    }
    static void TearDownTestSuite() { delete dir_; }
    static constexpr char kArch[] = "mobilenet_v2_lpf3";
    static ScratchDir *dir_;
};
ScratchDir *MainToolOnAFolder::dir_ = nullptr;

// -es and -ed give what the reference's validate_shift and validate_diagonal give in PyTorch for the same
// weights, images and offsets; -es's offsets follow --seed.
TEST_F(MainToolOnAFolder, ShiftEvaluationsMatchTheReference) {
    const std::string d = dir_->path();
    const std::string flags = std::string("-a ") + kArch + " --data " + d + "/data --weights " + d +
                              "/weights.pth -b 2 -j 2 --out-dir " + d + "/out";
    const ToolRun shift = main_tool(flags + " -es --epochs-shift 3 --seed 3");
    ASSERT_EQ(shift.exit_code, 0) << shift.output;
    const size_t at = shift.output.find(" * Consistency ");
    ASSERT_NE(at, std::string::npos) << shift.output;
    const std::string consistency = shift.output.substr(at + 15, shift.output.find('\n', at) - at - 15);
    const std::string offsets = read_bytes(d + "/out/shift_offsets.npy");

    const ToolRun diagonal = main_tool(flags + " -ed");
    ASSERT_EQ(diagonal.exit_code, 0) << diagonal.output;
    EXPECT_TRUE(contains(diagonal.output, " * Prob ")) << diagonal.output;
    EXPECT_TRUE(is_image_file(d + "/out/diag_probs.png"));

    const ToolRun torch =
        run_tool("/usr/bin/python3 tests/golden/shift_evaluation.py check " + d + " " + kArch + " 2 " + consistency);
    EXPECT_EQ(torch.exit_code, 0) << torch.output;
    std::printf("%s", torch.output.c_str());

    // The same seed draws the same offsets; another seed others.
    ASSERT_EQ(main_tool(flags + " -es --epochs-shift 3 --seed 3").exit_code, 0);
    EXPECT_EQ(read_bytes(d + "/out/shift_offsets.npy"), offsets);
    ASSERT_EQ(main_tool(flags + " -es --epochs-shift 3 --seed 4").exit_code, 0);
    EXPECT_NE(read_bytes(d + "/out/shift_offsets.npy"), offsets);

    const ToolRun accuracy = main_tool(flags + " -e");
    ASSERT_EQ(accuracy.exit_code, 0) << accuracy.output;
    EXPECT_TRUE(contains(accuracy.output, " * Acc@1 ")) << accuracy.output;
}

// PNG and JPEG, RGB, grayscale and RGBA images of several sizes train together; the corrupt JPEG is named once,
// counted, and skipped.
TEST_F(MainToolOnAFolder, TrainsOnJpegAndPngSkippingCorruptTruncatedAndHugeFiles) {
    const std::string d = dir_->path();
    const ToolRun run = main_tool(std::string("-a ") + kArch + " --data " + d +
                                  "/data --epochs 1 -b 4 -j 2 -p 1 --lr 0.001 --out-dir " + d + "/trained");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "skipping unreadable sample: " + d + "/data/train/dog/broken.jpg")) << run.output;
    // Cut in half: the PNG is refused, the JPEG decodes (its lost rows gray). Claiming 60000 x 60000 pixels:
    // refused before anything is allocated.
    EXPECT_TRUE(contains(run.output, "skipping unreadable sample: " + d + "/data/train/cat/truncated.png: corrupt PNG"))
        << run.output;
    EXPECT_TRUE(contains(run.output, "skipping unreadable sample: " + d + "/data/train/cat/huge.png: 60000x60000 PNG "
                                     "has more than 178956970 pixels"))
        << run.output;
    EXPECT_FALSE(contains(run.output, "truncated.jpg")) << run.output;
    EXPECT_TRUE(contains(run.output, " * 3 unreadable images skipped")) << run.output;
    EXPECT_TRUE(contains(run.output, "=> training on 19 images")) << run.output;
    EXPECT_TRUE(std::filesystem::exists(d + "/trained/checkpoint.pth.tar"));
}

}  // namespace
}  // namespace antialiased
