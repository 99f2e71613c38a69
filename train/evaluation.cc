#include "train/evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "runtime/data_loader.h"
#include "runtime/error.h"
#include "runtime/loss.h"
#include "runtime/npy.h"
#include "runtime/transforms.h"
#include "train/meters.h"

namespace antialiased {
namespace {

// Batches of evaluation samples (central crops, or full views), decoded ahead on the workers.
DataLoader evaluation_loader(const ImageSet &set, const std::vector<size_t> &samples,
                             const EvaluationSettings &settings, bool full_view, int batch_size) {
    return DataLoader(
        [&set, full_view](size_t index, std::mt19937 &) { return set.evaluation_sample(index, full_view); }, samples,
        batch_size, settings.workers, 0);
}

// This rank's share of `count` items: positions rank, rank + size, ... (all of them in one process).
std::vector<size_t> dealt_positions(size_t count, const Communicator &ranks) {
    std::vector<size_t> positions;
    for (size_t i = size_t(ranks.rank()); i < count; i += size_t(ranks.size())) positions.push_back(i);
    return positions;
}

std::vector<size_t> at_positions(const std::vector<size_t> &samples, const std::vector<size_t> &positions) {
    std::vector<size_t> picked;
    for (size_t i : positions) picked.push_back(samples[i]);
    return picked;
}

void report_skipped(const DataLoader &loader) {
    if (loader.skipped()) std::printf(" * %zu unreadable images skipped\n", loader.skipped());
}

// The softmax of one row of (N, K, 1, 1) logits, in double.
std::vector<double> softmax(const Tensor &logits, int n) {
    const int classes = logits.shape().c;
    const float *row = logits.data() + size_t(n) * classes;
    double largest = row[0], sum = 0;
    for (int k = 1; k < classes; k++) largest = std::max(largest, double(row[k]));
    std::vector<double> probs(classes);
    for (int k = 0; k < classes; k++) sum += probs[k] = std::exp(double(row[k]) - largest);
    for (double &p : probs) p /= sum;
    return probs;
}

}  // namespace

Accuracy validate(const Module &model, const ImageSet &set, const std::vector<size_t> &samples,
                  const EvaluationSettings &settings) {
    const Communicator &ranks = *settings.communicator;
    const std::vector<size_t> share = at_positions(samples, dealt_positions(samples.size(), ranks));
    DataLoader loader = evaluation_loader(set, share, settings, false, settings.batch_size);
    AverageMeter batch_time, losses, top1, top5;
    auto end = Clock::now();
    for (size_t i = 0; std::optional<Batch> batch = loader.next(); i++) {
        const Tensor logits = model.forward(batch->images, settings.device);
        const int n = batch->images.shape().n;
        losses.update(cross_entropy(logits, batch->labels, settings.device).loss, n);
        top1.update(top_k_accuracy(logits, batch->labels, 1), n);
        top5.update(top_k_accuracy(logits, batch->labels, 5), n);
        batch_time.update(seconds_since(end));
        end = Clock::now();
        if (i % settings.print_freq == 0) {
            std::printf("Test: [%zu/%zu]\tTime %.3f (%.3f)\tLoss %.4f (%.4f)\tAcc@1 %.3f (%.3f)\tAcc@5 %.3f (%.3f)\n",
                        i, loader.batches(), batch_time.val, batch_time.avg(), losses.val, losses.avg(), top1.val,
                        top1.avg(), top5.val, top5.avg());
            std::fflush(stdout);
        }
    }
    // The ranks' counts of right images (a batch's percentage times its size is 100 x a whole number) and of
    // images, summed: the accuracy of one process over all the samples, exactly.
    int64_t counts[3] = {std::llround(top1.sum / 100), std::llround(top5.sum / 100), losses.count};
    double loss_sum = losses.sum;
    ranks.sum(counts, 3);
    ranks.sum(&loss_sum, 1);
    const double images = double(std::max<int64_t>(counts[2], 1));
    const Accuracy accuracy{loss_sum / images, 100.0 * double(counts[0]) / images, 100.0 * double(counts[1]) / images};
    std::printf(" * Acc@1 %.3f Acc@5 %.3f\n", accuracy.top1, accuracy.top5);
    report_skipped(loader);
    std::fflush(stdout);
    return accuracy;
}

double validate_shift(const Module &model, const ImageSet &set, const std::vector<size_t> &samples,
                      const EvaluationSettings &settings, int passes, uint64_t seed, const std::string &offsets_path) {
    const CropGeometry g = set.geometry();
    if (g.max_shift() < 1) throw Error(set.name() + ": no room to shift a " + std::to_string(g.crop) + " crop");
    // Each rank takes every size()-th batch of the one-process run, and every rank draws every batch's offsets
    // in the one-process order: the same crops of the same batches, whatever the number of ranks.
    const Communicator &ranks = *settings.communicator;
    const size_t batch_size = size_t(settings.batch_size), batches = (samples.size() + batch_size - 1) / batch_size;
    std::vector<size_t> share;
    for (size_t b : dealt_positions(batches, ranks)) {
        share.insert(share.end(), samples.begin() + b * batch_size,
                     samples.begin() + std::min(samples.size(), (b + 1) * batch_size));
    }
    std::printf("=> consistency: %d px crops at two offsets (row, column) drawn from [0, %d)^2 of the central %d px "
                "view\n", g.crop, g.max_shift(), g.full);
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<int> offset(0, g.max_shift() - 1);  // numpy's randint(32): [0, 32)
    std::vector<int64_t> offsets;
    AverageMeter batch_time, consist;
    int64_t agreeing = 0, images = 0;  // this rank's
    auto end = Clock::now();
    for (int pass = 0; pass < passes; pass++) {
        const size_t first = offsets.size() / 4;  // this pass's first batch
        for (size_t b = 0; b < batches; b++) {
            for (int crop_index = 0; crop_index < 2; crop_index++) {
                const int row = offset(random), column = offset(random);
                offsets.insert(offsets.end(), {row, column});
            }
        }
        DataLoader loader = evaluation_loader(set, share, settings, true, settings.batch_size);
        for (size_t i = 0; std::optional<Batch> batch = loader.next(); i++) {
            const int64_t *off = &offsets[4 * (first + batch->index * size_t(ranks.size()) + size_t(ranks.rank()))];
            const Tensor out0 = model.forward(crop(batch->images, int(off[1]), int(off[0]), g.crop, g.crop),
                                              settings.device);
            const Tensor out1 = model.forward(crop(batch->images, int(off[3]), int(off[2]), g.crop, g.crop),
                                              settings.device);
            const int n = batch->images.shape().n;
            int agree = 0;
            for (int k = 0; k < n; k++) agree += ranked_classes(out0, k)[0] == ranked_classes(out1, k)[0];
            consist.update(100.0 * agree / n, n);
            agreeing += agree, images += n;
            batch_time.update(seconds_since(end));
            end = Clock::now();
            if (i % settings.print_freq == 0) {
                std::printf("Ep [%d/%d]:\tTest: [%zu/%zu]\tTime %.3f (%.3f)\tConsist %.4f (%.4f)\n", pass, passes, i,
                            loader.batches(), batch_time.val, batch_time.avg(), consist.val, consist.avg());
                std::fflush(stdout);
            }
        }
        if (pass == 0) report_skipped(loader);
    }
    int64_t counts[2] = {agreeing, images};
    ranks.sum(counts, 2);
    const double consistency = 100.0 * double(counts[0]) / double(std::max<int64_t>(counts[1], 1));
    std::printf(" * Consistency %.3f\n", consistency);
    std::fflush(stdout);
    if (!offsets_path.empty() && ranks.rank() == 0) {
        write_npy(offsets_path, {int64_t(offsets.size() / 4), 2, 2}, offsets.data());
    }
    return consistency;
}

DiagonalShifts validate_diagonal(const Module &model, const ImageSet &set, const std::vector<size_t> &samples,
                                 const EvaluationSettings &settings) {
    const CropGeometry g = set.geometry();
    // Each rank takes every size()-th image; their rows are then gathered in the images' order (a sum of
    // arrays that are zero but in each rank's rows).
    const Communicator &ranks = *settings.communicator;
    const std::vector<size_t> rows = dealt_positions(samples.size(), ranks);
    DataLoader loader = evaluation_loader(set, at_positions(samples, rows), settings, true, 1);
    const int shifts = g.max_shift() + 1;
    std::printf("=> diagonal shifts: %d px crops at (o, o), o = 0..%d, of the central %d px view\n", g.crop,
                g.max_shift(), g.full);
    // Per image of `samples`: read (1 or 0), then its probs, probs2, corrs and preds rows.
    const size_t width = 1 + 4 * size_t(shifts);
    std::vector<double> table(samples.size() * width, 0.0);
    AverageMeter batch_time, prob, top1, top5;
    auto end = Clock::now();
    for (size_t i = 0; std::optional<Batch> batch = loader.next(); i++) {
        const int64_t label = batch->labels[0];
        Tensor crops(Shape{shifts, 3, g.crop, g.crop});
        for (int o = 0; o < shifts; o++) {
            const Tensor shifted = crop(batch->images, o, o, g.crop, g.crop);
            std::copy_n(shifted.data(), shifted.shape().elements(), crops.data() + o * shifted.shape().elements());
        }
        const Tensor logits = model.forward(crops, settings.device);
        const std::vector<int64_t> labels(shifts, label);
        double *row = &table[rows[batch->index] * width];  // batches of one image
        row[0] = 1;
        double prob_sum = 0;
        for (int o = 0; o < shifts; o++) {
            std::vector<double> probs = softmax(logits, o);
            const int predicted = ranked_classes(logits, o)[0];
            row[1 + o] = 100.0 * probs[label];
            prob_sum += row[1 + o];
            probs[label] = 0;
            row[1 + shifts + o] = 100.0 * *std::max_element(probs.begin(), probs.end());
            row[1 + 2 * shifts + o] = predicted == label;
            row[1 + 3 * shifts + o] = predicted;
        }
        prob.update(prob_sum / shifts);
        top1.update(top_k_accuracy(logits, labels, 1));
        top5.update(top_k_accuracy(logits, labels, 5));
        batch_time.update(seconds_since(end));
        end = Clock::now();
        if (i % settings.print_freq == 0) {
            std::printf("Test: [%zu/%zu]\tTime %.3f (%.3f)\tProb %.4f (%.4f)\tAcc@1 %.3f (%.3f)\tAcc@5 %.3f (%.3f)\n",
                        i, loader.batches(), batch_time.val, batch_time.avg(), prob.val, prob.avg(), top1.val,
                        top1.avg(), top5.val, top5.avg());
            std::fflush(stdout);
        }
    }
    report_skipped(loader);
    ranks.sum(table.data(), table.size());
    double sums[3] = {prob.sum, top1.sum, top5.sum};
    ranks.sum(sums, 3);
    DiagonalShifts result;
    result.shifts = shifts;
    for (size_t i = 0; i < samples.size(); i++) {
        const double *row = &table[i * width];
        if (row[0] == 0) continue;  // unreadable
        result.images++;
        for (int o = 0; o < shifts; o++) {
            result.probs.push_back(row[1 + o]);
            result.probs2.push_back(row[1 + shifts + o]);
            result.corrs.push_back(row[1 + 2 * shifts + o]);
            result.preds.push_back(row[1 + 3 * shifts + o]);
        }
    }
    const double images = std::max(result.images, 1);
    result.mean_prob = sums[0] / images, result.top1 = sums[1] / images, result.top5 = sums[2] / images;
    std::printf(" * Prob %.3f Acc@1 %.3f Acc@5 %.3f\n", result.mean_prob, result.top1, result.top5);
    std::fflush(stdout);
    return result;
}

void save_diagonal_shifts(const DiagonalShifts &result, const std::string &dir) {
    const std::vector<int64_t> shape = {result.images, result.shifts};
    write_npy(dir + "/diag_probs.npy", shape, result.probs.data());
    write_npy(dir + "/diag_probs2.npy", shape, result.probs2.data());
    write_npy(dir + "/diag_corrs.npy", shape, result.corrs.data());
    write_npy(dir + "/diag_preds.npy", shape, result.preds.data());
}

}  // namespace antialiased
