// The max pool algorithm (PyTorch's MaxPool2d: padding never wins the max), shared by the MaxPool2d stage
// and the fused MaxBlurPool stage.
#pragma once

#include "Halide.h"

namespace antialiased {

// max over the kernel_x x kernel_y window at (x * stride_x - pad_x, y * stride_y - pad_y) of `input`
// (c, x, y, n); outside the map counts as -infinity (tests on x and y only). A Func with one update, to
// schedule like any reduction.
inline Halide::Func max_pool(Halide::Func input, Halide::Expr width, Halide::Expr height, Halide::Expr kernel_x,
                             Halide::Expr kernel_y, Halide::Expr stride_x, Halide::Expr stride_y, Halide::Expr pad_x,
                             Halide::Expr pad_y) {
    using namespace Halide;
    Var c("c"), x("x"), y("y"), n("n");
    RDom r(0, kernel_x, 0, kernel_y, "r");
    const Expr lowest = Float(32).min();
    Func padded = BoundaryConditions::constant_exterior(input, lowest, {{Expr(), Expr()}, {0, width}, {0, height}, {Expr(), Expr()}});
    Func pooled("max_pooled");
    pooled(c, x, y, n) = lowest;
    pooled(c, x, y, n) = max(pooled(c, x, y, n), padded(c, x * stride_x + r.x - pad_x, y * stride_y + r.y - pad_y, n));
    return pooled;
}

}  // namespace antialiased
