// The BlurPool algorithm (Zhang, ICML 2019), shared by the forward generator and by the backward generator,
// which differentiates it with Halide's autodiff.
//
// Layout: every tensor is (c, x, y, n) in Halide's order, channels innermost (NHWC in memory), so a vector
// of channels is one aligned load and every boundary or stride computation is a scalar per vector.
//
// The reference's 2-D filter is outer(a, a) / sum(outer(a, a)) with binomial taps a, i.e. the outer product of
// the normalised 1-D taps a / sum(a). Those are C(k-1, r) / 2^(k-1): exact in float32, like the reference's
// filter. We apply it separably (vertical pass, then horizontal), k + k instead of k * k multiply-adds, with an
// independent filter size and stride per axis: the reference's 2-D layer is kx = ky, sx = sy; its 1-D layer is
// ky = 1, sy = 1 on a map of height 1; anisotropic strides come for free.
#pragma once

#include "Halide.h"
#include "binomial_taps.h"
#include "stage_enums.h"

namespace antialiased {

// taps(r, k) = binomial_tap(k, r) for 1 <= k <= 7, 0 <= r < k; zero elsewhere. Embedded in the library.
inline Halide::Buffer<float> binomial_taps() {
    Halide::Buffer<float> taps(kMaxFilterSize, kMaxFilterSize + 1, "binomial_taps");
    taps.fill(0.0f);
    for (int k = 1; k <= kMaxFilterSize; k++) {
        for (int r = 0; r < k; r++) taps(r, k) = binomial_tap(k, r);
    }
    return taps;
}

// The source index of padded position i on an axis of `extent` pixels. Reflect mirrors without repeating the
// edge pixel (PyTorch's ReflectionPad, valid while the pad is < extent, which the runtime checks); replicate
// and zero clamp (zero then masks the value). The outer clamp changes nothing for valid pads; it tells bounds
// inference that reads stay inside the input.
inline Halide::Expr source_index(Halide::Expr i, Halide::Expr extent, Halide::Expr pad_type) {
    Halide::Expr mirrored = Halide::select(i < 0, -i, i >= extent, 2 * extent - 2 - i, i);
    return Halide::clamp(Halide::select(pad_type == int(PadType::kReflect), mirrored, i), 0, extent - 1);
}

struct BlurPoolAlgorithm {
    Halide::Var c{"c"}, x{"x"}, y{"y"}, n{"n"};
    Halide::RDom rx, ry;
    Halide::Func blur_y{"blur_y"}, output{"blurpool"};

    // `input` is defined over (c, x, y, n) for 0 <= x < width, 0 <= y < height.
    BlurPoolAlgorithm(Halide::Func input, Halide::Expr width, Halide::Expr height,
                      Halide::Expr filt_x, Halide::Expr filt_y, Halide::Expr stride_x, Halide::Expr stride_y,
                      Halide::Expr pad_type, Halide::Expr pad_off_x, Halide::Expr pad_off_y)
        : rx(0, filt_x, "rx"), ry(0, filt_y, "ry") {
        using Halide::Expr;
        Halide::Buffer<float> taps = binomial_taps();
        // Left/top pad floor((k-1)/2) + pad_off; the right/bottom pad (one more for even k) is implied by the
        // output size, floor((size - 1 + 2 * pad_off) / stride) + 1, which the caller's buffer carries.
        Expr pad_left = (filt_x - 1) / 2 + pad_off_x;
        Expr pad_top = (filt_y - 1) / 2 + pad_off_y;

        /* THE ALGORITHM */
        // The padded input is an expression, not a Func, so autodiff scatters d(blur_y) straight into d(input)
        // instead of through a padded intermediate (one pass and one buffer fewer: the gradient is 10% faster).
        auto padded = [&](Expr c, Expr x, Expr y, Expr n) {
            Expr outside = x < 0 || x >= width || y < 0 || y >= height;
            return Halide::select(pad_type == int(PadType::kZero) && outside, 0.0f,
                                  input(c, source_index(x, width, pad_type), source_index(y, height, pad_type), n));
        };

        blur_y(c, x, y, n) = 0.0f;
        blur_y(c, x, y, n) += taps(ry, filt_y) * padded(c, x, y * stride_y + ry - pad_top, n);

        output(c, x, y, n) = 0.0f;
        output(c, x, y, n) += taps(rx, filt_x) * blur_y(c, x * stride_x + rx - pad_left, y, n);
    }
};

}  // namespace antialiased
