#include "runtime/trainer.h"

#include "runtime/error.h"
#include "runtime/loss.h"

namespace antialiased {

Trainer::Trainer(Module &model, SgdOptions options, TrainContext context)
    : model_(model), sgd_(options), context_(std::move(context)) {}

float Trainer::step(const Tensor &images, const std::vector<int64_t> &labels) {
    const Tensor logits = model_.forward_train(images, context_);
    const LossAndGradient loss = cross_entropy(logits, labels, context_.device);
    model_.backward(loss.grad_logits, context_, false);
    for (StateEntry &entry : state_entries(model_)) {
        if (!entry.grad) continue;
        if (entry.grad->size() != entry.values->size()) throw Error("training step: no gradient for " + entry.name);
        sgd_.step(*entry.values, *entry.grad, momentum_[entry.name]);
    }
    model_.prepare();  // the stages' weight layouts, from the updated parameters
    return loss.loss;
}

}  // namespace antialiased
