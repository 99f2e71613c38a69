// The machine's peak FLOP rate, measured: what the benchmarks' GFLOP/s are a share of.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "bench/best_time.h"

namespace antialiased {

// 12 independent accumulators: enough FMAs in flight to cover the FMA latency on any x86 core. The empty
// asm keeps every accumulator live in its register each iteration, so the compiler can neither drop nor
// merge them.
#define FMA_STEP(v) v = v * b + a
#define FMA_KERNEL(name, isa, lanes, constraint)                                                  \
    __attribute__((target(isa))) inline float name(long iterations) {                                          \
        typedef float vec __attribute__((vector_size(lanes * 4)));                                           \
        vec a, b, x0 = {}, x1 = {}, x2 = {}, x3 = {}, x4 = {}, x5 = {}, x6 = {}, x7 = {}, x8 = {}, x9 = {}, \
                  x10 = {}, x11 = {};                                                                        \
        for (int i = 0; i < lanes; i++) a[i] = 1e-7f * i, b[i] = 0.999999f;                                 \
        for (long it = 0; it < iterations; it++) {                                                          \
            FMA_STEP(x0), FMA_STEP(x1), FMA_STEP(x2), FMA_STEP(x3), FMA_STEP(x4), FMA_STEP(x5);             \
            FMA_STEP(x6), FMA_STEP(x7), FMA_STEP(x8), FMA_STEP(x9), FMA_STEP(x10), FMA_STEP(x11);           \
            asm volatile("" : "+" constraint(x0), "+" constraint(x1), "+" constraint(x2), "+" constraint(x3), \
                         "+" constraint(x4), "+" constraint(x5), "+" constraint(x6), "+" constraint(x7),     \
                         "+" constraint(x8), "+" constraint(x9), "+" constraint(x10), "+" constraint(x11));  \
        }                                                                                                    \
        return (x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11)[0];                            \
    }
FMA_KERNEL(fma_kernel_avx512, "avx512f", 16, "v")
FMA_KERNEL(fma_kernel_avx2, "avx2,fma", 8, "x")
#undef FMA_KERNEL
#undef FMA_STEP

// GFLOP/s of the FMA kernel on every hardware thread at once: the best of 5 runs (on a shared VM a single run
// reads anywhere from 65% to 100% of the best).
inline double peak_gflops() {
    const bool avx512 = __builtin_cpu_supports("avx512f");
    const double flops_per_iteration = 12 * (avx512 ? 16 : 8) * 2;
    const long iterations = 100'000'000;
    const int threads = std::max(1u, std::thread::hardware_concurrency());
    double best = 0;
    for (int run = 0; run < 5; run++) {
        std::vector<std::thread> workers;
        const auto start = std::chrono::steady_clock::now();
        for (int t = 0; t < threads; t++) {
            workers.emplace_back([=] { avx512 ? fma_kernel_avx512(iterations) : fma_kernel_avx2(iterations); });
        }
        for (std::thread &w : workers) w.join();
        best = std::max(best, threads * iterations * flops_per_iteration / seconds_since(start) / 1e9);
    }
    return best;
}

}  // namespace antialiased
