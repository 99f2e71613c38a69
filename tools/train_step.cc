// bazel run -c opt //tools:train_step -- -a ARCH [-f K] --weights W.pth --input X.npy --labels Y.npy
//     --steps T --lr LR --momentum M --wd WD [--no-dropout] --save AFTER.pth --losses L.npy [--classes N]
//     [--gpu 0] [--seed S]
//
// T deterministic SGD steps in training mode on one fixed batch (X float32 (N, 3, H, W), Y int64 (N,)), as
// the reference's training loop takes them (torch.optim.SGD, cross-entropy, batch statistics), writing the
// updated checkpoint (PyTorch state_dict keys) and the T losses (float32 (T,)). The same steps in torch give
// the same weights: this is the check that our training is PyTorch's.
//
// Under mpirun (mpirun -np R train_step ...) the R ranks train data-parallel: rank r takes the r-th R-th of the
// batch, gradients are averaged over the ranks, and rank 0 prints the losses (averaged over the ranks) and
// writes the files. For a network without batch norms this is the one-process step on the whole batch, up to
// float rounding; with batch norms, each rank normalizes with its own share's statistics (PyTorch's DDP), or
// with --sync-bn with the whole batch's, which is again the one-process step.
#include <gflags/gflags.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "runtime/memory_pool.h"
#include "runtime/npy.h"
#include "runtime/trainer.h"
#include "runtime/tuned_dispatch.h"
#include "tools/model_flags.h"
#include "tools/tool_main.h"

DEFINE_string(input, "", "float32 .npy (N, 3, H, W): the batch");
DEFINE_string(labels, "", "int64 .npy (N,): the batch's classes");
DEFINE_int32(steps, 1, "number of SGD steps");
DEFINE_double(lr, 0.1, "learning rate");
DEFINE_double(momentum, 0.9, "momentum");
DEFINE_double(wd, 1e-4, "weight decay (short for --weight_decay)");
DEFINE_bool(dropout, true, "dropout layers active (--no-dropout: the identity, to compare with another run)");
DEFINE_uint32(seed, 0, "seed of the dropout masks");
DEFINE_string(save, "", "where to write the updated checkpoint (.pth)");
DEFINE_string(losses, "", "where to write the losses, float32 .npy (T,)");
DEFINE_bool(tuned, true, "run the stages of the tuned tables' shapes with their tuned variants "
                         "(runtime/tuned_dispatch.h; --notuned: the hand schedules everywhere, to compare)");

namespace antialiased {
namespace {

void run() {
    const ModelFlags flags = model_flags();
    for (const auto &[flag, value] : {std::pair<const char *, const std::string &>{"--weights", FLAGS_weights},
                                      {"--input", FLAGS_input}, {"--labels", FLAGS_labels}, {"--save", FLAGS_save}}) {
        if (value.empty()) throw Error(std::string(flag) + " is required");
    }
    if (FLAGS_steps < 1) throw Error("--steps must be >= 1");
    use_tuned_stages(FLAGS_tuned);
    Model model = build_model(flags.arch, flags.options);
    load_weights(*model, FLAGS_weights);
    const Tensor images = read_npy_tensor(FLAGS_input);
    const NpyArray<int64_t> labels = read_npy_int64(FLAGS_labels);
    if (labels.shape.size() != 1 || labels.shape[0] != images.shape().n) {
        throw Error(FLAGS_labels + ": expected " + std::to_string(images.shape().n) + " labels (N,) for " + FLAGS_input);
    }

    TrainContext context = training_context();
    context.dropout = FLAGS_dropout;
    context.seeds.seed(FLAGS_seed);
    const Communicator &ranks = *context.communicator;
    const Shape whole = images.shape();
    if (whole.n % ranks.size()) {
        throw Error(FLAGS_input + ": a batch of " + std::to_string(whole.n) + " does not split over " +
                    std::to_string(ranks.size()) + " ranks");
    }
    Shape share = whole;
    share.n = whole.n / ranks.size();
    const size_t first = size_t(share.n) * ranks.rank();
    const Tensor mine = Tensor::view(const_cast<float *>(images.data()) + first * whole.c * whole.h * whole.w, share);
    const std::vector<int64_t> my_labels(labels.data.begin() + first, labels.data.begin() + first + share.n);
    const bool reporting = ranks.rank() == 0;
    Trainer trainer(*model, SgdOptions{float(FLAGS_lr), float(FLAGS_momentum), float(FLAGS_wd)}, context);
    std::vector<float> losses;
    for (int step = 0; step < FLAGS_steps; step++) {
        const auto start = std::chrono::steady_clock::now();
        float loss = trainer.step(mine, my_labels);
        ranks.sum(&loss, 1);
        losses.push_back(loss / float(ranks.size()));
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        if (reporting) std::printf("step %d  loss %.6f  (%.2f s)\n", step + 1, losses.back(), took.count());
    }
    if (!reporting) return;
    // The process's peak resident memory over the steps (before the checkpoint is written), what the network's
    // tensors and scratch took at most, and what the pool keeps for reuse besides.
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("memory: peak RSS %.0f MB, peak in use %.0f MB, pooled for reuse %.0f MB\n", usage.ru_maxrss / 1024.0,
                pool_peak_bytes_in_use() / 1048576.0, pool_cached_bytes() / 1048576.0);
    save_weights(*model, FLAGS_save);
    if (!FLAGS_losses.empty()) write_npy(FLAGS_losses, {int64_t(losses.size())}, losses.data());
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    return antialiased::tool_main("train_step", "SGD steps of a network on one batch, like torch.optim.SGD", argc,
                                  argv, antialiased::run);
}
