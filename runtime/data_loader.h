// Batches from a data set, decoded and transformed on worker threads ahead of the training loop (torch's
// DataLoader with num_workers and prefetching). Each sample's random augmentation is seeded by (seed, sample
// index), so a run is reproducible whatever the number of workers and their timing. A sample that cannot be
// read (corrupt or unsupported file) is reported once on stderr with its path, counted and skipped: its batch
// is one image shorter, and the run goes on.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/tensor.h"

namespace antialiased {

struct Batch {
    Tensor images;  // (n, C, H, W), n <= the batch size
    std::vector<int64_t> labels;
    size_t index = 0;  // which batch of the order it is (a batch of none but unreadable samples is skipped)
};

class DataLoader {
  public:
    // One sample: its (1, C, H, W) tensor (every sample the same shape) and its label; throws Error for an
    // unreadable one, naming it.
    using Load = std::function<std::pair<Tensor, int64_t>(size_t sample, std::mt19937 &random)>;

    // Batches of `batch_size` samples of `order` (the epoch's permutation of sample indices), in order;
    // `workers` threads keep up to `prefetch` batches ready.
    DataLoader(Load load, std::vector<size_t> order, int batch_size, int workers, uint64_t seed, int prefetch = 2);
    ~DataLoader();
    DataLoader(const DataLoader &) = delete;
    DataLoader &operator=(const DataLoader &) = delete;

    size_t batches() const { return batch_count_; }
    // The next batch, or nothing after the last. A batch whose every sample was unreadable is skipped. Errors
    // other than unreadable samples (samples of different shapes) are thrown here.
    std::optional<Batch> next();
    // Samples skipped so far because they could not be read.
    size_t skipped() const;

  private:
    void work();
    std::optional<Batch> make_batch(size_t batch);

    Load load_;
    std::vector<size_t> order_;
    int batch_size_;
    uint64_t seed_;
    size_t prefetch_, batch_count_;
    mutable std::mutex mutex_;
    std::condition_variable ready_, room_;
    size_t next_to_make_ = 0, next_to_return_ = 0, skipped_ = 0;
    std::map<size_t, std::optional<Batch>> made_;
    std::set<std::string> reported_;
    std::string failure_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace antialiased
