#include "train/train_epoch.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "runtime/data_loader.h"
#include "runtime/error.h"
#include "train/meters.h"

namespace antialiased {

uint64_t epoch_seed(uint64_t seed, int epoch) {
    // splitmix64 of the pair: nearby seeds and epochs give unrelated streams.
    uint64_t z = seed * 0x9e3779b97f4a7c15ull + uint64_t(epoch) + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void stop_if_diverged(double loss, const std::string &where) {
    if (!std::isfinite(loss)) {
        throw Error(where + ": the loss is " + std::to_string(loss) +
                    "; training stopped; the last checkpoint written is kept");
    }
}

EpochResult train_epoch(Trainer &trainer, const ImageSet &set, const std::vector<size_t> &samples,
                        const EpochSettings &settings) {
    const uint64_t seed = epoch_seed(settings.seed, settings.epoch);
    std::vector<size_t> permutation = samples;
    std::shuffle(permutation.begin(), permutation.end(), std::mt19937_64(seed));
    const size_t ranks = size_t(settings.ranks), per_rank = (permutation.size() + ranks - 1) / ranks;
    std::vector<size_t> order;
    for (size_t i = size_t(settings.rank); i < per_rank * ranks; i += ranks) {
        order.push_back(permutation[i % permutation.size()]);
    }
    const int batch_size = settings.batch_size;
    if (settings.max_iters > 0) order.resize(std::min(order.size(), size_t(settings.max_iters) * batch_size));
    const bool augment = settings.augment;
    DataLoader loader(
        [&set, augment](size_t index, std::mt19937 &random) { return set.training_sample(index, random, augment); },
        order, batch_size, settings.workers, seed);
    trainer.context().seeds.seed(uint32_t(seed >> 32));
    trainer.discard();  // the reference zeroes the gradients at each epoch's start

    AverageMeter batch_time, data_time, losses, top1, top5;
    EpochResult result;
    const auto start = Clock::now();
    auto end = start;
    const size_t batches = loader.batches();
    for (size_t i = 0;; i++) {
        std::optional<Batch> batch = loader.next();
        if (!batch) break;
        data_time.update(seconds_since(end));
        const Trainer::Pass pass = trainer.accumulate(batch->images, batch->labels);
        // Before the step applies the gradients, and before anything is saved.
        stop_if_diverged(pass.loss, "epoch " + std::to_string(settings.epoch) + ", batch " + std::to_string(i) +
                                        " of " + std::to_string(batches));
        if (trainer.accumulated() == settings.batch_accum) trainer.update();
        const int n = batch->images.shape().n;
        losses.update(pass.loss, n);
        top1.update(top_k_accuracy(pass.logits, batch->labels, 1), n);
        top5.update(top_k_accuracy(pass.logits, batch->labels, 5), n);
        result.images += n;
        batch_time.update(seconds_since(end));
        end = Clock::now();
        if (i % settings.print_freq == 0 || i + 1 == batches) {
            const double rate = double(result.images) / seconds_since(start);
            const double left =
                batch_time.avg() * double(batches - i - 1 + batches * (settings.epochs - settings.epoch - 1));
            std::printf(
                "Epoch: [%d][%zu/%zu]\tTime %.3f (%.3f)\tData %.3f (%.3f)\tLoss %.4f (%.4f)\t"
                "Acc@1 %.3f (%.3f)\tAcc@5 %.3f (%.3f)\t%.1f img/s\tETA %s\n",
                settings.epoch, i, batches, batch_time.val, batch_time.avg(), data_time.val, data_time.avg(),
                losses.val, losses.avg(), top1.val, top1.avg(), top5.val, top5.avg(), rate, clock_time(left).c_str());
            std::fflush(stdout);
        }
    }
    if (loader.skipped()) std::printf(" * %zu unreadable images skipped\n", loader.skipped());
    result.loss = losses.avg(), result.top1 = top1.avg(), result.top5 = top5.avg();
    result.seconds = seconds_since(start);
    return result;
}

}  // namespace antialiased
