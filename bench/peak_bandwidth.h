// The machine's memory bandwidth, measured: what the memory-bound stages' GB/s are a share of.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "bench/best_time.h"

namespace antialiased {

// GB/s (bytes read plus bytes written) of copying 256 MB, split over every hardware thread: the best of 2 runs
// after a warm-up.
// (A copy far larger than the caches: stages whose maps fit in L2 can exceed it.)
inline double peak_copy_gbps() {
    const size_t n = size_t(64) << 20;  // floats
    std::vector<float> from(n, 1.0f), to(n, 0.0f);
    const size_t threads = std::max(1u, std::thread::hardware_concurrency()), part = n / threads;
    const double seconds = best_seconds(
        [&] {
            std::vector<std::thread> workers;
            for (size_t t = 0; t < threads; t++) {
                workers.emplace_back([&, t] {
                    std::copy(from.begin() + t * part, from.begin() + (t + 1) * part, to.begin() + t * part);
                });
            }
            for (std::thread &w : workers) w.join();
        },
        0, nullptr);
    return 2.0 * 4 * part * threads / seconds / 1e9;
}

}  // namespace antialiased
