// The activations that run fused into other stages (conv, batch norm, residual add); the numbers are
// generators/activation.h's.
#pragma once

namespace antialiased {

enum class Activation { kNone = 0, kRelu = 1, kRelu6 = 2 };

}  // namespace antialiased
