// One epoch of the reference's train(): batches of a seeded permutation of the training samples, forward,
// cross-entropy, backward, an SGD step every `batch_accum` batches on the summed gradients, and a progress
// line every `print_freq` batches. Everything random in an epoch (the order, each sample's augmentation, the
// dropout masks) is seeded by (seed, epoch) alone, so a run resumed at an epoch continues exactly as the run
// that was not interrupted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/trainer.h"
#include "train/image_sets.h"

namespace antialiased {

struct EpochSettings {
    int epoch = 0, epochs = 1;  // this epoch (from 0) and the run's end, for the ETA
    int batch_size = 256, workers = 4, print_freq = 100;
    int batch_accum = 1;    // batches whose gradients are summed before each SGD step
    int64_t max_iters = 0;  // batches per epoch at most; 0: all
    uint64_t seed = 0;
    bool augment = true;  // random crops (else central crops); flips either way
    // Data-parallel: this rank's share of every epoch, as torch's DistributedSampler deals it (the epoch's
    // permutation padded with its first samples to a multiple of `ranks`, then every ranks-th from `rank`);
    // batch_size is then the rank's.
    int rank = 0, ranks = 1;
};

struct EpochResult {
    double loss = 0, top1 = 0, top5 = 0;  // averages over the epoch's images
    double seconds = 0;
    int64_t images = 0;
};

EpochResult train_epoch(Trainer &trainer, const ImageSet &set, const std::vector<size_t> &samples,
                        const EpochSettings &settings);

// The seed of everything random in epoch `epoch` of a run seeded with `seed`.
uint64_t epoch_seed(uint64_t seed, int epoch);

// Training diverged when a loss is NaN or infinite: an Error "WHERE: the loss is L; training stopped; the last
// checkpoint written is kept" (train_epoch checks each batch's loss before its step; main, the validation's
// before the checkpoint).
void stop_if_diverged(double loss, const std::string &where);

}  // namespace antialiased
