// The reference's BlurPool filter taps, shared by the generators and the runtime.
#pragma once

namespace antialiased {

constexpr int kMaxFilterSize = 7;

// The r-th normalised 1-D binomial tap of filter size k: C(k-1, r) / 2^(k-1), for 1 <= k <= 7, 0 <= r < k.
// The reference's 2-D filter outer(a, a) / sum(outer(a, a)) is the outer product of these; every one of them
// (and every product of two) is a dyadic fraction, exact in float32.
inline float binomial_tap(int k, int r) {
    double coefficient = 1;  // C(k-1, i) for i = 0..r
    for (int i = 0; i < r; i++) coefficient = coefficient * (k - 1 - i) / (i + 1);
    return static_cast<float>(coefficient / (1 << (k - 1)));
}

}  // namespace antialiased
