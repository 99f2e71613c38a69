#include "runtime/trainer.h"

#include <algorithm>

#include "runtime/error.h"
#include "runtime/loss.h"
#include "runtime/scaled_sum.h"

namespace antialiased {

namespace {

// Every rank's state entries (parameters, running statistics, counters) become rank 0's.
void broadcast_state(Module &model, const Communicator &ranks) {
    for (StateEntry &entry : state_entries(model)) {
        if (entry.count) ranks.broadcast(entry.count, 1);
        if (entry.values) ranks.broadcast(entry.values->data(), entry.values->size());
    }
}

// Every gradient of `entries` becomes the mean of the ranks' gradients, in one allreduce of all of them, through
// `all` (kept from step to step: its pages are not faulted in again).
void average_gradients(std::vector<StateEntry> &entries, const Communicator &ranks, std::vector<float> &all) {
    size_t total = 0;
    for (const StateEntry &entry : entries) total += entry.grad ? entry.grad->size() : 0;
    all.resize(total);
    size_t at = 0;
    for (const StateEntry &entry : entries) {
        if (entry.grad) at = size_t(std::copy(entry.grad->begin(), entry.grad->end(), all.begin() + at) - all.begin());
    }
    ranks.sum(all.data(), all.size());
    const float share = 1.0f / float(ranks.size());
    at = 0;
    for (StateEntry &entry : entries) {
        if (!entry.grad) continue;
        for (float &g : *entry.grad) g = all[at++] * share;
    }
}

}  // namespace

Trainer::Trainer(Module &model, SgdOptions options, TrainContext context)
    : model_(model), sgd_(options), context_(std::move(context)) {
    if (context_.communicator->distributed()) broadcast_state(model_, *context_.communicator);
}

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
        scaled_sum(*entry.grad, 1.0f, earlier_sum_[entry.name], 1.0f, context_.device);  // torch's p.grad += new
    }
    accumulated_++;
    return pass;
}

void Trainer::update() {
    if (accumulated_ == 0) return;
    std::vector<StateEntry> entries = state_entries(model_);
    if (context_.communicator->distributed()) average_gradients(entries, *context_.communicator, allreduced_);
    for (StateEntry &entry : entries) {
        if (entry.grad) sgd_.step(*entry.values, *entry.grad, momentum_[entry.name], context_.device);
    }
    model_.prepare();  // the stages' weight layouts, from the updated parameters
    accumulated_ = 0;
}

std::map<std::string, std::vector<float>> Trainer::momentum() const {
    std::map<std::string, std::vector<float>> buffers;
    for (const auto &[name, buffer] : momentum_) buffers[name] = buffer.values();
    return buffers;
}

void Trainer::set_momentum(const std::map<std::string, std::vector<float>> &buffers) {
    momentum_.clear();
    for (const auto &[name, values] : buffers) momentum_[name] = values;
}

float Trainer::step(const Tensor &images, const std::vector<int64_t> &labels) {
    const float loss = accumulate(images, labels).loss;
    update();
    return loss;
}

}  // namespace antialiased
