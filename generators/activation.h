// The activations fused into the conv and per-element stages. runtime/layers.h uses the same numbers.
#pragma once

#include "Halide.h"

namespace antialiased {

enum Activation { kNoActivation = 0, kRelu = 1, kRelu6 = 2 };

inline Halide::Expr activate(Halide::Expr value, Halide::Expr activation) {
    return Halide::select(activation == kRelu, Halide::max(value, 0.0f), activation == kRelu6,
                          Halide::clamp(value, 0.0f, 6.0f), value);
}

}  // namespace antialiased
