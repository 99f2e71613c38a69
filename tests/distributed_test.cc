// Data-parallel training on MPI (runtime/communicator.h), with 2 local ranks under mpirun: SGD steps of a
// network without batch norms, or with synchronized ones, each rank taking half of the batch, give the
// one-process steps on the whole batch; main trains on 2 ranks with one
// progress report and one checkpoint writer, and its sharded evaluations (-e, -es, -ed) count exactly what one
// process counts; a rank that fails or dies ends the whole job.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "runtime/checkpoint.h"
#include "runtime/npy.h"
#include "tests/scratch_dir.h"
#include "tests/tool_run.h"

namespace antialiased {
namespace {

// Two local processes on a 2-core machine; as root (CI), Open MPI wants to be told that it is fine. Open MPI
// never frees some of what it allocates (in plugins it unloads at exit, in its own threads): under
// AddressSanitizer (bazel test --config=asan) the ranks skip the leak check, which would fail them all at exit
// (the variable means nothing to an uninstrumented build).
const std::string kMpirun = "mpirun --allow-run-as-root --oversubscribe -x ASAN_OPTIONS=detect_leaks=0 -np 2 ";

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

size_t count(const std::string &text, const std::string &part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) n++;
    return n;
}

// For each tensor of the state_dict after `steps` SGD steps from the same start, one process on a batch of 4 and
// 2 ranks with half of it each (`two_ranks_flags` added): how far apart the two runs ended (less 1e-7 of float rounding),
// as a fraction of how far the one-process steps moved that tensor, at most over the tensors. (BlurPool filters are fixed buffers.)
struct Apart {
    double fraction = INFINITY;
    std::string tensor;  // the farthest apart
};
std::ostream &operator<<(std::ostream &out, const Apart &apart) { return out << apart.fraction << " (" << apart.tensor << ")"; }

Apart two_ranks_apart(const std::string &arch, int steps, const std::string &two_ranks_flags, const ScratchDir &dir) {
    const std::string d = dir.path();
    // 64 px, 10 classes, initialized as the reference does.
    ToolRun run = run_tool("train/main -a " + arch + " --classes 10 --val-subset 1 --seed 3 --save_weights " + d +
                           "/weights.pth --out-dir " + d);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    std::mt19937 random(1);
    std::normal_distribution<float> normal;
    std::vector<float> images(4 * 3 * 64 * 64);
    for (float &v : images) v = normal(random);
    write_npy(d + "/input.npy", {4, 3, 64, 64}, images.data());
    const std::vector<int64_t> labels = {3, 1, 7, 3};
    write_npy(d + "/labels.npy", {4}, labels.data());

    const std::string step = "tools/train_step -a " + arch + " --classes 10 --weights " + d + "/weights.pth --input " +
                             d + "/input.npy --labels " + d + "/labels.npy --steps " + std::to_string(steps) +
                             " --lr 0.01 --momentum 0.9 --wd 1e-4 --no-dropout --save ";
    run = run_tool(step + d + "/one.pth");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    const ToolRun two = run_tool(kMpirun + step + d + "/two.pth " + two_ranks_flags);
    EXPECT_EQ(two.exit_code, 0) << two.output;
    EXPECT_EQ(count(two.output, "step " + std::to_string(steps) + " "), 1u) << "rank 0 reports:\n" << two.output;
    if (run.exit_code || two.exit_code) return Apart();

    const auto one = Checkpoint::read(d + "/one.pth").state_dict(), both = Checkpoint::read(d + "/two.pth").state_dict();
    const auto start = Checkpoint::read(d + "/weights.pth").state_dict();
    EXPECT_EQ(one.size(), both.size());
    Apart worst{0, ""};
    for (size_t i = 0; i < one.size() && i < both.size(); i++) {
        if (one[i].first.size() > 5 && one[i].first.substr(one[i].first.size() - 5) == ".filt") continue;
        const std::vector<float> a = one[i].second.to_float(), b = both[i].second.to_float(),
                                 w = start[i].second.to_float();
        double moved = 0, apart = 0;
        for (size_t k = 0; k < a.size(); k++) {
            moved = std::max(moved, double(std::abs(a[k] - w[k])));
            apart = std::max(apart, double(std::abs(a[k] - b[k])));
        }
        EXPECT_GT(moved, 0.0) << one[i].first << " was not trained";
        if ((apart - 1e-7) / moved > worst.fraction) worst = {(apart - 1e-7) / moved, one[i].first};
    }
    return worst;
}

// Without batch norms, the ranks' steps are the one process's, up to float rounding (the gradient's mean is
// summed in another order).
TEST(Distributed, TwoRanksWithHalfTheBatchTakeTheOneProcessSteps) {
    EXPECT_LE(two_ranks_apart("alexnet", 2, "", ScratchDir("distributed_steps")).fraction, 1e-4);
}

// With batch norms: each rank's own statistics (the default, as DDP) make another step (some tensors apart by
// more than the step moved them); synchronized (--sync-bn), the ranks' step is the one process's again, running
// statistics included, up to float rounding. One step: this network's training on 4 images is so ill-conditioned
// that after two steps a relative perturbation of 1e-7 of the weights moves some tensors by 1e-3 of their
// movement (in PyTorch, in double), and rounding alone then sets two runs apart by as much.
TEST(Distributed, SynchronizedBatchNormsTakeTheOneProcessStep) {
    const Apart synchronized = two_ranks_apart("resnet18_lpf2", 1, "--sync-bn", ScratchDir("distributed_sync_bn"));
    EXPECT_LE(synchronized.fraction, 1e-3) << synchronized;
    const Apart per_rank = two_ranks_apart("resnet18_lpf2", 1, "", ScratchDir("distributed_per_rank_bn"));
    EXPECT_GT(per_rank.fraction, 0.5) << per_rank;
}

TEST(Distributed, MainTrainsOnTwoRanksAndCountsTheirEvaluationsExactly) {
    const ScratchDir dir("distributed_main");
    const std::string d = dir.path();
    const std::string flags = "-a resnet18_lpf2 --train-subset 64 --val-subset 50 -b 16 -j 1 --epochs 1 --lr 0.01 "
                              "--out-dir " + d;
    ToolRun run = run_tool(kMpirun + "train/main " + flags);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "=> data-parallel on 2 ranks (mpirun): batches of 16, 8 per rank, batch norms per rank")) << run.output;
    // Rank 0 alone reports: 32 images a rank, 4 batches of 8.
    EXPECT_EQ(count(run.output, "Epoch: [0][3/4]"), 1u) << run.output;
    EXPECT_EQ(count(run.output, " * Acc@1"), 1u) << run.output;
    const size_t at = run.output.find(" * Acc@1");
    ASSERT_NE(at, std::string::npos);
    const std::string two_ranks = run.output.substr(at, run.output.find('\n', at) - at);

    // 50 validation images over 2 ranks (25 each) and in one process: the same counts.
    run = run_tool("train/main -e " + flags + " --weights " + d + "/checkpoint.pth.tar");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, two_ranks)) << two_ranks << " in one process:\n" << run.output;
    run = run_tool(kMpirun + "train/main -e " + flags + " --weights " + d + "/checkpoint.pth.tar");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, two_ranks)) << two_ranks << " on two ranks:\n" << run.output;

    // -es (whole batches of -b to each rank in turn, the same offsets) and -ed (images dealt out, rows gathered):
    // the one-process summary lines and files. 50 images in batches of 16: 4 batches, the last one short.
    for (const std::string mode : {"-es --epochs-shift 2", "-ed"}) {
        std::string summary[2];
        for (int ranks = 1; ranks <= 2; ranks++) {
            const std::string out = d + "/eval" + std::to_string(ranks);
            run = run_tool((ranks == 2 ? kMpirun : "") + "train/main " + mode + " " + flags + " --weights " + d +
                           "/checkpoint.pth.tar --out-dir " + out);
            ASSERT_EQ(run.exit_code, 0) << run.output;
            const size_t line = run.output.find(" * ");
            ASSERT_NE(line, std::string::npos) << run.output;
            summary[ranks - 1] = run.output.substr(line, run.output.find('\n', line) - line);
            // Rank 0's share, which it reports: 2 of the 4 batches of 16 (-es), 25 of the 50 images (-ed).
            if (ranks == 2) {
                EXPECT_TRUE(contains(run.output, mode == "-ed" ? "Test: [0/25]" : "Test: [0/2]")) << run.output;
            }
        }
        EXPECT_EQ(summary[0], summary[1]) << mode;
        for (const std::string file : {"shift_offsets.npy", "diag_probs.npy", "diag_probs2.npy", "diag_corrs.npy",
                                       "diag_preds.npy"}) {
            if ((mode == "-ed") == (file == "shift_offsets.npy")) continue;
            const ToolRun same = run_tool("cmp " + d + "/eval1/" + file + " " + d + "/eval2/" + file);
            EXPECT_EQ(same.exit_code, 0) << mode << ": " << file << ": " << same.output;
        }
    }
}

TEST(Distributed, ARankThatFailsEndsTheJobWithItsMessage) {
    const ScratchDir dir("distributed_failure");
    // A batch that does not split: every rank stops; and a missing file read by every rank.
    ToolRun run = run_tool(kMpirun + "train/main -a resnet18_lpf2 -b 3 --out-dir " + dir.path());
    EXPECT_NE(run.exit_code, 0);
    EXPECT_TRUE(contains(run.output, "main: rank 0 of 2: --batch-size 3 does not split over 2 ranks")) << run.output;
    run = run_tool(kMpirun + "train/main -a resnet18_lpf2 -b 2 --weights " + dir.path() + "/missing.pth --out-dir " +
                   dir.path());
    EXPECT_NE(run.exit_code, 0);
    EXPECT_TRUE(contains(run.output, dir.path() + "/missing.pth")) << run.output;
}

// A rank killed mid-epoch (SIGKILL: no message of its own, no MPI call) ends the job: mpirun stops the survivor,
// which would otherwise wait for it in the next allreduce, and says which rank died.
TEST(Distributed, ARankThatDiesEndsTheJobWithoutAHang) {
    const ScratchDir dir("distributed_killed");
    const std::string d = dir.path();
    {
        std::ofstream script(d + "/kill.sh");
        script << "timeout 300 " << kMpirun << "train/main -a resnet18_lpf2 --train-subset 4000 -b 16 -j 1 --epochs 1 "
               << "--out-dir " << d << " > " << d << "/log 2>&1 &\n"
               << "job=$!\n"
               // rank 1 (the process whose environment says so), once rank 0 reports training
               << "for i in $(seq 600); do grep -q 'Epoch: \\[0\\]' " << d << "/log && break; sleep 0.1; done\n"
               << "for p in $(pgrep -f 'train/main -a resnet18_lpf2 --train-subset 4000'); do\n"
               << "  if tr '\\0' '\\n' < /proc/$p/environ | grep -qx OMPI_COMM_WORLD_RANK=1; then kill -9 $p; fi\n"
               << "done\n"
               << "start=$(date +%s); wait $job; status=$?\n"
               << "echo \"status $status after $(( $(date +%s) - start )) s\"\n"
               << "cat " << d << "/log\n";
    }
    const ToolRun run = run_tool("bash " + d + "/kill.sh");
    EXPECT_TRUE(contains(run.output, "Epoch: [0][0/")) << run.output;
    EXPECT_TRUE(contains(run.output, "rank 1")) << run.output;
    EXPECT_TRUE(contains(run.output, "signal 9")) << run.output;
    EXPECT_FALSE(contains(run.output, "status 0 ")) << run.output;
    EXPECT_FALSE(contains(run.output, "status 124 ")) << "timed out: a hang\n" << run.output;
}

}  // namespace
}  // namespace antialiased
