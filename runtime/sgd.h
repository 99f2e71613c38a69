// torch.optim.SGD: weight decay added to the gradient, a momentum buffer per parameter (the first step
// starts it at the gradient), no dampening, optional Nesterov momentum. The update runs as a Halide stage, on the
// device the network trains on.
#pragma once

#include "runtime/device.h"
#include "runtime/parameter.h"

namespace antialiased {

struct SgdOptions {
    float lr = 0.1f;
    float momentum = 0.9f;
    float weight_decay = 1e-4f;
    bool nesterov = false;
};

class Sgd {
  public:
    explicit Sgd(SgdOptions options);
    const SgdOptions &options() const { return options_; }
    void set_lr(float lr) { options_.lr = lr; }

    // Updates `param` in place from `grad`, on `device` (where the parameters stay); `buffer` is the parameter's
    // momentum buffer, empty before its first step (then filled), as torch keeps it in
    // optimizer.state[p]['momentum_buffer'].
    void step(Parameter &param, const Parameter &grad, Parameter &buffer, const Device &device = Device::cpu()) const;

  private:
    SgdOptions options_;
};

}  // namespace antialiased
