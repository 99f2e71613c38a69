// The reference's bookkeeping: running averages weighted by batch size (AverageMeter), top-k accuracy, and
// the progress lines' clock and time format.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tensor.h"

namespace antialiased {

struct AverageMeter {
    double val = 0, sum = 0;
    int64_t count = 0;
    void update(double value, int64_t n = 1) { val = value, sum += value * double(n), count += n; }
    double avg() const { return count ? sum / double(count) : 0; }
};

// The classes of each row of `logits` (N, K, 1, 1) by decreasing score; ties keep the lower class first.
std::vector<int> ranked_classes(const Tensor &logits, int n);
// 100 * the fraction of rows whose label is among their `k` best classes (the reference's accuracy()).
double top_k_accuracy(const Tensor &logits, const std::vector<int64_t> &labels, int k);

// "h:mm:ss".
std::string clock_time(double seconds);

// The progress lines' clock: seconds since `start`.
using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace antialiased
