#include "runtime/trainer.h"

#include "runtime/error.h"
#include "runtime/loss.h"

namespace antialiased {

Trainer::Trainer(Module &model, SgdOptions options, TrainContext context)
    : model_(model), sgd_(options), context_(std::move(context)) {}

Trainer::Pass Trainer::accumulate(const Tensor &images, const std::vector<int64_t> &labels) {
    Pass pass;
    pass.logits = model_.forward_train(images, context_);
    context_.offer.clear();  // a map no layer took: not held through the backward pass
    LossAndGradient loss = cross_entropy(pass.logits, labels, context_.device);
    pass.loss = loss.loss;
    std::vector<StateEntry> entries = state_entries(model_);
    if (accumulated_ > 0) {
        for (StateEntry &entry : entries) {
            if (entry.grad) std::swap(*entry.grad, earlier_sum_[entry.name]);  // no copy: backward overwrites
        }
    }
    model_.backward(loss.grad_logits, context_, false);
    for (StateEntry &entry : entries) {
        if (!entry.grad) continue;
        if (entry.grad->size() != entry.values->size()) throw Error("training step: no gradient for " + entry.name);
        if (accumulated_ == 0) continue;
        const std::vector<float> &earlier = earlier_sum_[entry.name];
        for (size_t i = 0; i < earlier.size(); i++) (*entry.grad)[i] += earlier[i];  // torch's p.grad += new
    }
    accumulated_++;
    return pass;
}

void Trainer::update() {
    if (accumulated_ == 0) return;
    for (StateEntry &entry : state_entries(model_)) {
        if (entry.grad) sgd_.step(*entry.values, *entry.grad, momentum_[entry.name]);
    }
    model_.prepare();  // the stages' weight layouts, from the updated parameters
    accumulated_ = 0;
}

float Trainer::step(const Tensor &images, const std::vector<int64_t> &labels) {
    const float loss = accumulate(images, labels).loss;
    update();
    return loss;
}

}  // namespace antialiased
