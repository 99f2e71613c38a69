// What a training run leaves behind when it is killed, diverges or runs out of disk: the last checkpoint
// written, whole and loadable, from which --resume continues to the uninterrupted run's state.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "runtime/file_io.h"
#include "tests/scratch_dir.h"
#include "tests/tool_run.h"
#include "tests/training_state.h"

namespace antialiased {
namespace {

// resnet18_lpf2 on 32 Fashion-MNIST images, 2 batches an epoch, ~45 MB checkpoints.
const std::string kArch = "resnet18_lpf2";
const std::string kFlags = "-a " + kArch + " --train-subset 32 --val-subset 16 -b 16 --lr 0.02 --seed 5 -j 1 -p 100";

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// Temporary files that a failed or killed save left beside the checkpoints.
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

// Runs train/main with `arguments` and SIGKILLs it inside the second write of `dir`/checkpoint.pth.tar it
// starts: as soon as that write's temporary file (checkpoint.pth.tar.tmp<pid>) appears. Returns whether it was
// killed (else it finished first).
bool killed_inside_the_second_save(const std::string &arguments, const std::string &dir) {
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, 1), dup2(null, 2);
        execl("/bin/sh", "sh", "-c", ("exec train/main " + arguments).c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
    const std::string temporary = dir + "/checkpoint.pth.tar.tmp" + std::to_string(pid);
    int saves = 0;
    for (bool writing = false;;) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) return false;
        const bool now = std::filesystem::exists(temporary);
        if (now && !writing && ++saves == 2) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return true;
        }
        writing = now;
        usleep(100);  // a write of the ~45 MB checkpoint and its fsync take tens of milliseconds
    }
}

TEST(CrashSafety, KilledInsideASaveLeavesALoadableCheckpointFromWhichResumeReachesTheSameState) {
    const ScratchDir dir("crash_kill");
    const std::string d = dir.path(), epochs = " --epochs 5";
    const ToolRun whole = run_tool("train/main " + kFlags + epochs + " --out-dir " + d + "/whole");
    ASSERT_EQ(whole.exit_code, 0) << whole.output;

    // Each attempt resumes from what the previous one left, completes one epoch's checkpoint and is killed
    // while it writes the next one: the file on disk must then be one of the two, whole.
    const std::string parts = d + "/parts", checkpoint = parts + "/checkpoint.pth.tar";
    std::filesystem::create_directories(parts);
    int kills = 0;
    for (int attempt = 0; attempt < 10; attempt++) {
        const std::string resume = std::filesystem::exists(checkpoint) ? " --resume " + checkpoint : "";
        if (!killed_inside_the_second_save(kFlags + epochs + " --out-dir " + parts + resume, parts)) break;
        kills++;
        Model model = build_model(kArch, ModelOptions{4, 10});
        TrainingState state;
        ASSERT_NO_THROW(state = load_training_checkpoint(checkpoint, *model)) << "after kill " << kills;
        EXPECT_TRUE(state.epoch == kills || state.epoch == kills + 1) << "after kill " << kills << ": epoch "
                                                                      << state.epoch << " is neither the old one nor the new one";
    }
    // 5 epochs: killed in the second, third, fourth and fifth epoch's save, the fifth attempt has one epoch
    // left (fewer kills if a kill came after its write's rename, which leaves the new checkpoint).
    EXPECT_GE(kills, 3);
    std::printf("killed %d times inside a write of the checkpoint\n", kills);
    const ToolRun last = run_tool("train/main " + kFlags + epochs + " --out-dir " + parts + " --resume " + checkpoint);
    ASSERT_EQ(last.exit_code, 0) << last.output;
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
