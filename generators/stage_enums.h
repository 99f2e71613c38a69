// The enumerated parameters of the stages: one definition for the generators, which take them as int inputs,
// and for the runtime, which passes them (generators/BUILD: stage_enums, a header without Halide).
#pragma once

namespace antialiased {

// Fused into the convolution, batch-norm and residual-add stages.
enum class Activation { kNone = 0, kRelu = 1, kRelu6 = 2 };

// BlurPool's padding: the reference's reflect (its default), replicate, or zeros.
enum class PadType { kReflect = 0, kReplicate = 1, kZero = 2 };

}  // namespace antialiased
