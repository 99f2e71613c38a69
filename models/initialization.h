// A new network's parameters, drawn as the reference's constructors draw them (each family's
// `for m in self.modules(): nn.init...` loop, or PyTorch's layer defaults), so training from scratch here
// starts from the same distributions as there (not the same numbers: the generators differ).
#pragma once

#include <cstdint>

#include "runtime/module.h"

namespace antialiased {

struct InitScheme {
    enum class Conv {
        kDefault,              // PyTorch's default: kaiming_uniform(a=sqrt(5)), i.e. U(+-1/sqrt(fan_in))
        kKaimingNormalFanOut,  // kaiming_normal_(mode='fan_out'): N(0, 2/fan_out)
        kKaimingNormalFanIn,   // kaiming_normal_(): N(0, 2/fan_in)
    };
    enum class Linear {
        kDefault,    // U(+-1/sqrt(fan_in))
        kNormal001,  // normal_(0, 0.01)
    };
    Conv conv = Conv::kDefault;
    Linear linear = Linear::kDefault;
    bool zero_conv_bias = false, zero_linear_bias = false;  // else U(+-1/sqrt(fan_in))
};

// Fills every parameter and buffer of `model` (batch norms: weight 1, bias 0, running mean 0, variance 1;
// BlurPool filters keep their fixed values) from a generator seeded with `seed`, then prepares the model.
void initialize(Module &model, const InitScheme &scheme, uint64_t seed);

}  // namespace antialiased
