// Reverse-mode differentiation over the stages, in the manner of Flashlight's fl::Variable and ggml's graphs: a
// forward pass is a Graph of Vars. Composite modules (module.h) only apply their children and the ops below to
// Vars; in training each application is recorded on the graph's tape with its backward, and backward() replays
// the tape in reverse, summing the gradients of a Var that several ops read. A layer keeps what its own backward
// needs (module.h), so a map is freed as soon as the replay has used it. Tracing records the ops without running
// them: the plan the inference fusion passes read (fusion.h).
#pragma once

#include <functional>
#include <vector>

#include "generators/stage_enums.h"
#include "runtime/device.h"
#include "runtime/saved_map.h"
#include "runtime/tensor.h"

namespace antialiased {

class Graph;
class Module;
struct TrainContext;

// A map of a forward pass: its value (none while tracing) and its node in the graph.
class Var {
  public:
    const Tensor &value() const { return value_; }
    Graph &graph() const { return *graph_; }
    int node() const { return node_; }

  private:
    friend class Graph;
    Var(Graph *graph, Tensor value, int node) : graph_(graph), value_(std::move(value)), node_(node) {}
    Graph *graph_;
    Tensor value_;
    int node_;
};

// An op's backward: d(loss)/d(input i) from d(loss)/d(output), for each input whose `needs[i]` (an empty tensor for
// the others). It is called once, then dropped with everything it holds.
using Backward =
    std::function<std::vector<Tensor>(const Tensor &grad_output, TrainContext &context, const std::vector<bool> &needs)>;

class Graph {
  public:
    enum class Mode { kInference, kTraining, kTracing };
    // One application of an op: its module (a layer; null for add and concat), its inputs' nodes and its output's.
    struct Op {
        Module *module;
        std::vector<int> inputs;
        int output;
        Backward backward;  // training only
    };

    explicit Graph(const Device &device);      // inference on `device`
    explicit Graph(TrainContext &context);     // training: ops are recorded with their backward
    static Graph tracing();                    // ops are recorded, not run

    Mode mode() const { return mode_; }
    const Device &device() const { return device_; }
    TrainContext &context() const;  // training only

    // The input of the pass: node 0.
    Var input(const Tensor &value);
    // The output of an op that read `inputs`; in training `backward` goes onto the tape, while tracing the op.
    Var record(Tensor output, const std::vector<const Var *> &inputs, Module *module, Backward backward);

    // Training: replays the tape from d(loss)/d(output), `output` being the pass's result, and returns d(loss)/d(input)
    // (an empty tensor unless `input_grad`). The tape is empty afterwards.
    Tensor backward(const Var &output, const Tensor &grad_output, bool input_grad);

    // The ops recorded, in the order they ran (training and tracing).
    const std::vector<Op> &ops() const { return ops_; }

    // Recomputation (saved_map.h), a policy of the tape: the recipe a layer left for its output goes with that
    // map's node, and every layer that reads the node is offered it, however many read it. The recipes are
    // dropped when the forward pass ends (the layers that took one keep it until their backward).
    void offer(const Var &map, RecomputeOffer recipe);
    RecomputeOffer recipe(const Var &map) const;
    void drop_recipes() { recipes_.clear(); }

  private:
    Graph(Mode mode, const Device &device, TrainContext *context) : mode_(mode), device_(device), context_(context) {}
    Mode mode_;
    Device device_;
    TrainContext *context_;
    int nodes_ = 0;
    std::vector<Op> ops_;
    // By node; the recipes alone: holding the maps themselves would keep every one alive through the forward pass.
    std::vector<Recompute> recipes_;
};

// act(a + b), elementwise: the residual connection.
Var add(const Var &a, const Var &b, Activation activation = Activation::kNone);
// Concatenation along channels (DenseNet).
Var concat(const std::vector<Var> &inputs);

}  // namespace antialiased
