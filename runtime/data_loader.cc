#include "runtime/data_loader.h"

#include <cstdio>
#include <cstring>

#include "runtime/error.h"

namespace antialiased {

DataLoader::DataLoader(Load load, std::vector<size_t> order, int batch_size, int workers, uint64_t seed, int prefetch)
    : load_(std::move(load)), order_(std::move(order)), batch_size_(batch_size), seed_(seed),
      prefetch_(size_t(std::max(prefetch, 1))) {
    if (batch_size < 1) throw Error("DataLoader: batch size " + std::to_string(batch_size) + " must be >= 1");
    if (workers < 1) throw Error("DataLoader: " + std::to_string(workers) + " workers; at least 1 is needed");
    batch_count_ = (order_.size() + batch_size - 1) / batch_size;
    for (int i = 0; i < workers; i++) workers_.emplace_back(&DataLoader::work, this);
}

DataLoader::~DataLoader() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    room_.notify_all();
    for (std::thread &worker : workers_) worker.join();
}

size_t DataLoader::skipped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return skipped_;
}

void DataLoader::work() {
    for (;;) {
        size_t batch;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            room_.wait(lock, [&] { return stopping_ || next_to_make_ < std::min(batch_count_, next_to_return_ + prefetch_); });
            if (stopping_ || next_to_make_ >= batch_count_) return;
            batch = next_to_make_++;
        }
        std::optional<Batch> made;
        std::string failure;
        try {
            made = make_batch(batch);
        } catch (const Error &e) {
            failure = e.what();  // handed to the consumer by next()
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            made_[batch] = std::move(made);
            if (!failure.empty() && failure_.empty()) failure_ = failure;
        }
        ready_.notify_all();
    }
}

std::optional<Batch> DataLoader::make_batch(size_t batch) {
    std::vector<std::pair<Tensor, int64_t>> samples;
    const size_t end = std::min(order_.size(), (batch + 1) * size_t(batch_size_));
    for (size_t i = batch * batch_size_; i < end; i++) {
        // Seeded per sample: the same augmentation whichever worker draws it.
        std::seed_seq seq{uint32_t(seed_), uint32_t(seed_ >> 32), uint32_t(order_[i]), uint32_t(uint64_t(order_[i]) >> 32)};
        std::mt19937 random(seq);
        try {
            samples.push_back(load_(order_[i], random));
        } catch (const Error &e) {
            std::lock_guard<std::mutex> lock(mutex_);
            skipped_++;
            if (reported_.insert(e.what()).second) std::fprintf(stderr, "skipping unreadable sample: %s\n", e.what());
        }
    }
    if (samples.empty()) return std::nullopt;
    Shape shape = samples[0].first.shape();
    for (const auto &sample : samples) {
        if (sample.first.shape() != shape) {
            throw Error("DataLoader: samples of shapes " + shape.str() + " and " + sample.first.shape().str());
        }
    }
    const size_t per_sample = shape.elements();
    shape.n = int(samples.size());
    Batch out{Tensor::uninitialized(shape), {}, batch};
    for (size_t i = 0; i < samples.size(); i++) {
        std::memcpy(out.images.data() + i * per_sample, samples[i].first.data(), per_sample * sizeof(float));
        out.labels.push_back(samples[i].second);
    }
    return out;
}

std::optional<Batch> DataLoader::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (next_to_return_ < batch_count_) {
        ready_.wait(lock, [&] { return made_.count(next_to_return_) > 0; });
        if (!failure_.empty()) throw Error(failure_);
        std::optional<Batch> batch = std::move(made_[next_to_return_]);
        made_.erase(next_to_return_++);
        room_.notify_all();
        if (batch) return batch;  // else every sample of it was unreadable: on to the next
    }
    return std::nullopt;
}

}  // namespace antialiased
