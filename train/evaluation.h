// The reference's three evaluations of a trained network (model.eval(): running statistics, no dropout):
// accuracy (-e), consistency under random shifts (-es) and the probability of the true class along a diagonal
// shift (-ed). Each prints the reference's progress and summary lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/communicator.h"
#include "runtime/module.h"
#include "train/image_sets.h"

namespace antialiased {

struct EvaluationSettings {
    int batch_size = 256;
    int workers = 4;
    int print_freq = 100;  // a progress line every this many batches
    Device device = Device::cpu();
    // The ranks that share the evaluation (validate: each takes every size()-th sample, and the counts are
    // summed exactly); this process alone unless started by mpirun.
    const Communicator *communicator = &Communicator::world();
};

struct Accuracy {
    double loss = 0, top1 = 0, top5 = 0;  // mean cross-entropy, and percentages
};

// Top-1 and top-5 accuracy on the central crops of `samples`; prints " * Acc@1 A Acc@5 B". The progress lines
// are rank 0's share.
Accuracy validate(const Module &model, const ImageSet &set, const std::vector<size_t> &samples,
                  const EvaluationSettings &settings);

// Consistency (%): for each of `passes` passes over `samples`' full views, each batch is classified at two
// crops whose offsets (row, column) are drawn uniformly from [0, max_shift)^2, and the share of images whose
// two predicted classes agree is averaged over the images. Labels are not used. The offsets come from a
// generator seeded with `seed` (the same seed, the same offsets) and are written to `offsets_path` (if not
// empty) as int64 (batches, 2, 2): per batch, (row, column) of the first and of the second crop. Prints
// " * Consistency C". Under mpirun each rank takes every size()-th batch (of settings.batch_size) with its
// offsets, and only rank 0 writes them: the one-process result (unless a whole batch is unreadable).
double validate_shift(const Module &model, const ImageSet &set, const std::vector<size_t> &samples,
                      const EvaluationSettings &settings, int passes, uint64_t seed, const std::string &offsets_path);

struct DiagonalShifts {
    int images = 0, shifts = 0;  // N x D, D = max_shift + 1
    // Per image and shift: 100 x the true class's probability, 100 x the best other class's, whether the
    // prediction is right, and the predicted class (as the reference's diag_probs, diag_probs2, diag_corrs,
    // diag_preds).
    std::vector<double> probs, probs2, corrs, preds;
    double mean_prob = 0, top1 = 0, top5 = 0;
};

// Each image of `samples` classified at the crops [o, o + crop) x [o, o + crop) of its full view for o = 0 ..
// max_shift; prints " * Prob P Acc@1 A Acc@5 B". Under mpirun each rank takes every size()-th image, and every
// rank gets all the rows, in the images' order.
DiagonalShifts validate_diagonal(const Module &model, const ImageSet &set, const std::vector<size_t> &samples,
                                 const EvaluationSettings &settings);
// The four arrays as float64 .npy files in `dir` (diag_probs.npy, ...), like the reference's np.save.
void save_diagonal_shifts(const DiagonalShifts &result, const std::string &dir);

}  // namespace antialiased
