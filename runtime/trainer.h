// A network's training step, as a PyTorch loop does it: model.train() forward (batch statistics, dropout),
// mean softmax cross-entropy, backward, then torch.optim.SGD on every parameter. BlurPool filters are buffers,
// not parameters: they are never updated nor decayed. Gradients of several batches can be summed before one
// update, as the reference's -ba (loss.backward() N times, then optimizer.step()).
//
// Data-parallel under mpirun, as PyTorch's DistributedDataParallel: the trainer starts every rank from rank 0's
// parameters and buffers, each rank takes forward and backward on its own share of the batch (batch norms with
// that share's statistics), and every update first averages the ranks' gradients (one allreduce), so that all
// ranks take the same step.
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
    // `model` must outlive the trainer, unfused (Module::fuse is for inference only). With several ranks, every
    // rank's model takes rank 0's state here.
    Trainer(Module &model, SgdOptions options, TrainContext context = {});

    struct Pass {
        float loss;     // the batch's mean cross-entropy
        Tensor logits;  // (N, classes, 1, 1), before the update
    };
    // Forward and backward on a batch (images (N, 3, H, W), labels in [0, classes)); its gradients are added
    // to those of the batches since the last update.
    Pass accumulate(const Tensor &images, const std::vector<int64_t> &labels);
    // One SGD step on the summed gradients, averaged over the ranks (nothing when none were accumulated); the
    // sum restarts.
    void update();
    // Drops the gradients accumulated since the last update (the reference zeroes them each epoch).
    void discard() { accumulated_ = 0; }
    int accumulated() const { return accumulated_; }

    // accumulate() then update(): one step on one batch. Returns the loss, computed before the update.
    float step(const Tensor &images, const std::vector<int64_t> &labels);

    Sgd &optimizer() { return sgd_; }
    TrainContext &context() { return context_; }
    // The momentum buffers by parameter name, for checkpoints; and to restore them on resume.
    std::map<std::string, std::vector<float>> momentum() const;
    void set_momentum(const std::map<std::string, std::vector<float>> &buffers);

  private:
    Module &model_;
    Sgd sgd_;
    TrainContext context_;
    // By state_dict name, as optimizer.state; like the parameters, on the device the network trains on.
    std::map<std::string, Parameter> momentum_;
    // The gradients' running sum lives in the parameters' own gradients (StateEntry::grad); while a backward
    // pass overwrites those, the sum so far waits here.
    std::map<std::string, Parameter> earlier_sum_;
    int accumulated_ = 0;
    std::vector<float> allreduced_;  // every gradient, in one buffer for the ranks' allreduce
};

}  // namespace antialiased
