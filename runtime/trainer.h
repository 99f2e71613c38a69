// A network's training step, as a PyTorch loop does it: model.train() forward (batch statistics, dropout),
// mean softmax cross-entropy, backward, then torch.optim.SGD on every parameter. BlurPool filters are buffers,
// not parameters: they are never updated nor decayed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/module.h"
#include "runtime/sgd.h"

namespace antialiased {

class Trainer {
  public:
    // `model` must outlive the trainer, unfused (Module::fuse is for inference only).
    Trainer(Module &model, SgdOptions options, TrainContext context = {});

    // One step on a batch: images (N, 3, H, W), labels in [0, classes). Returns the batch's loss, computed
    // before the update.
    float step(const Tensor &images, const std::vector<int64_t> &labels);

    Sgd &optimizer() { return sgd_; }
    TrainContext &context() { return context_; }
    // The momentum buffers by parameter name, for checkpoints (and to restore them on resume).
    std::map<std::string, std::vector<float>> &momentum() { return momentum_; }

  private:
    Module &model_;
    Sgd sgd_;
    TrainContext context_;
    std::map<std::string, std::vector<float>> momentum_;  // by state_dict name, as optimizer.state
};

}  // namespace antialiased
