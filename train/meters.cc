#include "train/meters.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace antialiased {

std::vector<int> ranked_classes(const Tensor &logits, int n) {
    const int classes = logits.shape().c;
    const float *row = logits.data() + size_t(n) * classes;  // (N, K, 1, 1): a row is contiguous
    std::vector<int> order(classes);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return row[a] > row[b]; });
    return order;
}

double top_k_accuracy(const Tensor &logits, const std::vector<int64_t> &labels, int k) {
    int64_t correct = 0;
    for (int n = 0; n < logits.shape().n; n++) {
        const std::vector<int> order = ranked_classes(logits, n);
        const int top = std::min(k, int(order.size()));
        correct += std::find(order.begin(), order.begin() + top, int(labels[n])) != order.begin() + top;
    }
    return 100.0 * double(correct) / double(logits.shape().n);
}

std::string clock_time(double seconds) {
    const long s = std::lround(std::max(seconds, 0.0));
    char text[32];
    std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    return text;
}

}  // namespace antialiased
