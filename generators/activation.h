// The activations fused into the conv and per-element stages (stage_enums.h).
#pragma once

#include "Halide.h"
#include "stage_enums.h"

namespace antialiased {

// Written with selects, not max/min: Halide's autodiff gives both operands of max(a, b) the whole gradient
// when a == b, where torch's ReLU passes none at 0 (and ReLU6 none at 0 and 6); a select's gradient goes to
// the branch taken, which is torch's rule.
inline Halide::Expr activate(Halide::Expr value, Halide::Expr activation) {
    using Halide::select;
    return select(activation == int(Activation::kRelu), select(value > 0.0f, value, 0.0f),
                  activation == int(Activation::kRelu6),
                  select(value > 0.0f, select(value < 6.0f, value, 6.0f), 0.0f), value);
}

}  // namespace antialiased
