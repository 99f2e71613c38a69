#include "train/evaluation.h"

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
    DataLoader loader = evaluation_loader(set, samples, settings, false, settings.batch_size);
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
    std::printf(" * Acc@1 %.3f Acc@5 %.3f\n", top1.avg(), top5.avg());
    report_skipped(loader);
    std::fflush(stdout);
    return {losses.avg(), top1.avg(), top5.avg()};
}

double validate_shift(const Module &model, const ImageSet &set, const std::vector<size_t> &samples,
                      const EvaluationSettings &settings, int passes, uint64_t seed, const std::string &offsets_path) {
    const CropGeometry g = set.geometry();
    if (g.max_shift() < 1) throw Error(set.name() + ": no room to shift a " + std::to_string(g.crop) + " crop");
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<int> offset(0, g.max_shift() - 1);  // numpy's randint(32): [0, 32)
    std::vector<int64_t> offsets;
    AverageMeter batch_time, consist;
    auto end = Clock::now();
    for (int pass = 0; pass < passes; pass++) {
        DataLoader loader = evaluation_loader(set, samples, settings, true, settings.batch_size);
        for (size_t i = 0; std::optional<Batch> batch = loader.next(); i++) {
            int off[2][2];  // (row, column) of each crop
            for (auto &o : off) o[0] = offset(random), o[1] = offset(random);
            const Tensor out0 =
                model.forward(crop(batch->images, off[0][1], off[0][0], g.crop, g.crop), settings.device);
            const Tensor out1 =
                model.forward(crop(batch->images, off[1][1], off[1][0], g.crop, g.crop), settings.device);
            const int n = batch->images.shape().n;
            int agree = 0;
            for (int k = 0; k < n; k++) agree += ranked_classes(out0, k)[0] == ranked_classes(out1, k)[0];
            consist.update(100.0 * agree / n, n);
            offsets.insert(offsets.end(), {off[0][0], off[0][1], off[1][0], off[1][1]});
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
    std::printf(" * Consistency %.3f\n", consist.avg());
    std::fflush(stdout);
    if (!offsets_path.empty()) write_npy(offsets_path, {int64_t(offsets.size() / 4), 2, 2}, offsets.data());
    return consist.avg();
}

DiagonalShifts validate_diagonal(const Module &model, const ImageSet &set, const std::vector<size_t> &samples,
                                 const EvaluationSettings &settings) {
    const CropGeometry g = set.geometry();
    DataLoader loader = evaluation_loader(set, samples, settings, true, 1);
    DiagonalShifts result;
    result.shifts = g.max_shift() + 1;
    AverageMeter batch_time, prob, top1, top5;
    auto end = Clock::now();
    for (size_t i = 0; std::optional<Batch> batch = loader.next(); i++) {
        const int64_t label = batch->labels[0];
        Tensor crops(Shape{result.shifts, 3, g.crop, g.crop});
        for (int o = 0; o < result.shifts; o++) {
            const Tensor shifted = crop(batch->images, o, o, g.crop, g.crop);
            std::copy_n(shifted.data(), shifted.shape().elements(), crops.data() + o * shifted.shape().elements());
        }
        const Tensor logits = model.forward(crops, settings.device);
        const std::vector<int64_t> labels(result.shifts, label);
        double prob_sum = 0;
        for (int o = 0; o < result.shifts; o++) {
            std::vector<double> probs = softmax(logits, o);
            const int predicted = ranked_classes(logits, o)[0];
            result.probs.push_back(100.0 * probs[label]);
            prob_sum += result.probs.back();
            probs[label] = 0;
            result.probs2.push_back(100.0 * *std::max_element(probs.begin(), probs.end()));
            result.corrs.push_back(predicted == label);
            result.preds.push_back(predicted);
        }
        result.images++;
        prob.update(prob_sum / result.shifts);
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
    result.mean_prob = prob.avg(), result.top1 = top1.avg(), result.top5 = top5.avg();
    std::printf(" * Prob %.3f Acc@1 %.3f Acc@5 %.3f\n", result.mean_prob, result.top1, result.top5);
    report_skipped(loader);
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
