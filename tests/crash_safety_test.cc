// What a training run leaves behind when it is killed, diverges or runs out of disk: the last checkpoint
// written, whole and loadable, from which --resume continues to the uninterrupted run's state.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "runtime/file_io.h"
#include "tests/scratch_dir.h"
#include "tests/tool_run.h"
#include "tests/training_state.h"

namespace antialiased {
namespace {

// resnet18_lpf2 on 32 Fashion-MNIST images, 2 batches an epoch: ~45 MB checkpoints, whose writing (and fsync)
// takes a good part of each epoch, so that kills land inside saves too.
const std::string kArch = "resnet18_lpf2";
const std::string kFlags = "-a " + kArch + " --train-subset 32 --val-subset 16 -b 16 --lr 0.02 --seed 5 -j 1 -p 100";

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// Temporary files that a save killed midway left beside the checkpoints.
int torn_writes(const std::string &dir) {
    int n = 0;
    for (const auto &entry : std::filesystem::directory_iterator(dir)) {
        n += contains(entry.path().filename().string(), ".tmp");
    }
    return n;
}

// One epoch's training into `dir`: the bytes of the checkpoint it writes.
std::string first_epoch(const std::string &dir) {
    const ToolRun run = run_tool("train/main " + kFlags + " --epochs 1 --out-dir " + dir);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return read_file(dir + "/checkpoint.pth.tar");
}

TEST(CrashSafety, KilledAtAnyMomentLeavesALoadableCheckpointFromWhichResumeReachesTheSameState) {
    const ScratchDir dir("crash_kill");
    const std::string d = dir.path(), epochs = " --epochs 5";
    const auto start = std::chrono::steady_clock::now();
    const ToolRun whole = run_tool("train/main " + kFlags + epochs + " --out-dir " + d + "/whole");
    ASSERT_EQ(whole.exit_code, 0) << whole.output;
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

    // Each attempt resumes from whatever the previous one left and is killed (SIGKILL) after 30% to 70% of the
    // whole run's time, which walks the kills through the epochs' phases (training, validation, writing the
    // checkpoint and its copies) however fast this machine or build is.
    const std::string parts = d + "/parts", checkpoint = parts + "/checkpoint.pth.tar";
    std::filesystem::create_directories(parts);
    int kills = 0;
    bool finished = false;
    for (int attempt = 0; attempt < 40 && !finished; attempt++) {
        const std::string resume = std::filesystem::exists(checkpoint) ? " --resume " + checkpoint : "";
        const std::string delay = std::to_string(took.count() * (0.3 + 0.057 * (attempt % 8)));
        const ToolRun run = run_tool("timeout -s KILL " + delay + " train/main " + kFlags + epochs + " --out-dir " +
                                     parts + resume);
        finished = run.exit_code == 0;
        if (!finished) {
            ASSERT_EQ(run.exit_code, 137) << "attempt " << attempt << " ended otherwise than killed:\n" << run.output;
            kills++;
        }
        if (std::filesystem::exists(checkpoint)) {
            // Whole: every tensor, the epoch and the momentum load.
            Model model = build_model(kArch, ModelOptions{4, 10});
            EXPECT_NO_THROW(load_training_checkpoint(checkpoint, *model)) << "after attempt " << attempt;
        }
    }
    ASSERT_TRUE(finished) << "no attempt got to the end";
    std::printf("%d kills, %d of them inside a checkpoint's write\n", kills, torn_writes(parts));
    EXPECT_GE(kills, 2);
    expect_same_training_state(d + "/whole/checkpoint.pth.tar", checkpoint, kArch);
}

TEST(CrashSafety, ANonFiniteLossStopsTrainingNamingTheStepAndKeepsTheLastCheckpoint) {
    const ScratchDir dir("crash_nan");
    const std::string d = dir.path(), checkpoint = d + "/checkpoint.pth.tar", good = first_epoch(d);
    // A learning rate of 1e38: the first step sends the weights to ~1e37, the next loss is ~1e37 and the step
    // after it leaves no finite weight. With 3 batches an epoch the divergence shows in a training loss; with
    // 2, only in the validation that follows (the checkpoint is not written either).
    for (const auto &[images, message] : {std::pair<std::string, std::string>{"48", " of 3: the loss is "},
                                          {"32", "main: epoch 1, validation: the loss is "}}) {
        const ToolRun run = run_tool("train/main " + kFlags + " --train-subset " + images +
                                     " --epochs 2 --lr 1e38 --out-dir " + d + " --resume " + checkpoint);
        EXPECT_EQ(run.exit_code, 1) << run.output;
        EXPECT_TRUE(contains(run.output, message)) << run.output;
        EXPECT_TRUE(contains(run.output, "; training stopped; the last checkpoint written is kept")) << run.output;
    }
    EXPECT_TRUE(read_file(checkpoint) == good) << "the checkpoint changed";
}

TEST(CrashSafety, AFullDiskWhileSavingIsReportedAndKeepsThePreviousCheckpoint) {
    const ScratchDir dir("crash_disk_full");
    const std::string d = dir.path(), checkpoint = d + "/checkpoint.pth.tar", good = first_epoch(d);
    // Files capped at 1 MB (the checkpoint is ~45 MB) and SIGXFSZ ignored: write() fails with EFBIG, where a
    // full disk fails it with ENOSPC.
    const ToolRun run = run_tool("bash -c \"trap '' XFSZ; ulimit -f 1024; exec train/main " + kFlags +
                                 " --epochs 2 --out-dir " + d + " --resume " + checkpoint + "\"");
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_TRUE(contains(run.output, "main: " + d + "/checkpoint.pth.tar: write failed (File too large); the file "
                                     "is unchanged"))
        << run.output;
    EXPECT_TRUE(read_file(checkpoint) == good) << "the checkpoint changed";
    EXPECT_EQ(torn_writes(d), 0) << "the failed write left its temporary file";
}

}  // namespace
}  // namespace antialiased
