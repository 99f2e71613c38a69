#include "runtime/autograd.h"

#include "runtime/error.h"
#include "runtime/layers.h"
#include "runtime/module.h"

namespace antialiased {

Graph::Graph(const Device &device) : Graph(Mode::kInference, device, nullptr) {}

Graph::Graph(TrainContext &context) : Graph(Mode::kTraining, context.device, &context) {}

Graph Graph::tracing() { return Graph(Mode::kTracing, Device::cpu(), nullptr); }

TrainContext &Graph::context() const {
    if (!context_) throw Error("a training context outside training");
    return *context_;
}

Var Graph::input(const Tensor &value) {
    if (nodes_ != 0) throw Error("a graph has one input");
    return Var(this, value, nodes_++);
}

Var Graph::record(Tensor output, const std::vector<const Var *> &inputs, Module *module, Backward backward) {
    const int node = nodes_++;
    if (mode_ != Mode::kInference) {
        Op op{module, {}, node, mode_ == Mode::kTraining ? std::move(backward) : Backward()};
        for (const Var *input : inputs) {
            if (input->graph_ != this) throw Error("an op reads a map of another forward pass");
            op.inputs.push_back(input->node_);
        }
        ops_.push_back(std::move(op));
    }
    return Var(this, std::move(output), node);
}

void Graph::offer(const Var &map, RecomputeOffer recipe) {
    Recompute recompute = recipe.recipe_for(map.value_);  // none for another map than this node's
    if (!recompute) return;
    if (recipes_.size() <= size_t(map.node_)) recipes_.resize(size_t(map.node_) + 1);
    recipes_[size_t(map.node_)] = std::move(recompute);
}

RecomputeOffer Graph::recipe(const Var &map) const {
    if (size_t(map.node_) >= recipes_.size() || !recipes_[size_t(map.node_)]) return RecomputeOffer();
    return RecomputeOffer{map.value_, recipes_[size_t(map.node_)]};
}

Tensor Graph::backward(const Var &output, const Tensor &grad_output, bool input_grad) {
    if (mode_ != Mode::kTraining) throw Error("backward() of a pass that did not train");
    std::vector<Tensor> grads(static_cast<size_t>(nodes_));
    grads[size_t(output.node_)] = grad_output;
    for (size_t i = ops_.size(); i-- > 0;) {
        Op &op = ops_[i];
        const Tensor grad = std::move(grads[size_t(op.output)]);
        grads[size_t(op.output)] = Tensor();
        if (grad.empty()) continue;  // a map nothing downstream read: no gradient flows through it
        std::vector<bool> needs;
        for (int input : op.inputs) needs.push_back(input != 0 || input_grad);
        const std::vector<Tensor> input_grads = op.backward(grad, *context_, needs);
        op.backward = Backward();  // frees what it held
        for (size_t k = 0; k < op.inputs.size(); k++) {
            if (!needs[k]) continue;
            Tensor &sum = grads[size_t(op.inputs[k])];
            // A map read by several ops: the sum of their gradients (add() allocates the sum).
            sum = sum.empty() ? input_grads[k] : add(sum, input_grads[k], Activation::kNone, device_);
        }
    }
    ops_.clear();
    nodes_ = 0;
    return input_grad ? grads[0] : Tensor();
}

Var add(const Var &a, const Var &b, Activation activation) {
    Graph &graph = a.graph();
    if (graph.mode() == Graph::Mode::kTracing) return graph.record(Tensor(), {&a, &b}, nullptr, Backward());
    Tensor sum = add(a.value(), b.value(), activation, graph.device());
    Backward backward;
    if (graph.mode() == Graph::Mode::kTraining) {
        // The activation's derivative reads its output, as torch's in-place ReLU does: nothing else is kept.
        Tensor output = activation == Activation::kNone ? Tensor() : sum;
        backward = [output, activation](const Tensor &grad, TrainContext &context, const std::vector<bool> &) {
            const Tensor g = output.empty() ? grad : activation_backward(output, grad, activation, context.device);
            return std::vector<Tensor>{g, g};
        };
    }
    return graph.record(std::move(sum), {&a, &b}, nullptr, std::move(backward));
}

Var concat(const std::vector<Var> &inputs) {
    if (inputs.empty()) throw Error("concat of no maps");
    Graph &graph = inputs[0].graph();
    std::vector<const Var *> pointers;
    for (const Var &input : inputs) pointers.push_back(&input);
    if (graph.mode() == Graph::Mode::kTracing) return graph.record(Tensor(), pointers, nullptr, Backward());
    std::vector<Tensor> values;
    std::vector<int> channels;
    for (const Var &input : inputs) {
        values.push_back(input.value());
        channels.push_back(input.value().shape().c);
    }
    Backward backward;
    if (graph.mode() == Graph::Mode::kTraining) {
        backward = [channels](const Tensor &grad, TrainContext &context, const std::vector<bool> &) {
            return split_channels(grad, channels, context.device);
        };
    }
    return graph.record(concat(values, graph.device()), pointers, nullptr, std::move(backward));
}

}  // namespace antialiased
