// The benchmarks' measurement: the best time of repeated runs.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>

namespace antialiased {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Seconds of the fastest run of `run` after an untimed warm-up: at least 2 timed runs, and more until they add up
// to `min_seconds`. `setup`, when given, runs untimed before each run.
inline double best_seconds(const std::function<void()> &run, double min_seconds,
                           const std::function<void()> &setup = nullptr) {
    double best = 1e30, total = 0;
    for (int runs = 0; runs < 3 || total < min_seconds; runs++) {
        if (setup) setup();
        const auto start = std::chrono::steady_clock::now();
        run();
        const double s = seconds_since(start);
        if (runs > 0) best = std::min(best, s), total += s;
    }
    return best;
}

// The same for a compiled stage's call `run`, which returns Halide's error code: -1 when its first call fails (an
// autoscheduled variant can fail on a shape its tiles do not fit; Halide's error handler says why). A stage whose
// first call takes over `ranked_above` seconds cannot win its comparison: one more run ranks it.
inline double best_stage_seconds(const std::function<int()> &run, double min_seconds, double ranked_above = 1e30) {
    const auto start = std::chrono::steady_clock::now();
    if (run() != 0) return -1;
    const double first = seconds_since(start);
    if (first > ranked_above) {
        const auto again = std::chrono::steady_clock::now();
        run();
        return std::min(first, seconds_since(again));
    }
    return best_seconds([&] { run(); }, min_seconds);
}

}  // namespace antialiased
