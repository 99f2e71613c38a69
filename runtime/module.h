// Modules in the manner of torch.nn: a network is a tree of named modules whose parameters and buffers
// carry PyTorch's state_dict key names, so checkpoints load (strictly) and save under the reference's keys.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "runtime/autograd.h"
#include "runtime/checkpoint.h"
#include "runtime/communicator.h"
#include "runtime/device.h"
#include "runtime/parameter.h"
#include "runtime/saved_map.h"
#include "runtime/tensor.h"

namespace antialiased {

// One state_dict entry of a module: where its values live, and its PyTorch shape.
struct StateEntry {
    std::string name;
    std::vector<int64_t> shape;
    Parameter *values = nullptr;  // float32 entries
    int64_t *count = nullptr;              // int64 scalars (BatchNorm's num_batches_tracked)
    // Fixed buffers (BlurPool's filt) are checked against the file, never loaded from it.
    const std::vector<float> *fixed = nullptr;
    // Trainable parameters (weights and biases, not running statistics): the gradient backward() sets, in the
    // same layout as `values`.
    Parameter *grad = nullptr;
    // The order in which `values` and `grad` hold the elements, when not PyTorch's: the tensor seen as `view` (a
    // shape of as many elements, in PyTorch's order), its dimensions stored outermost first in `order` (indices
    // into `view`). A convolution stores its weight (co, ci, ky, kx) as (ky, kx, ci, co), the layout its stages
    // read and write: no relayout of every weight at every training step. Element-wise work (SGD, averaging,
    // accumulation) needs no conversion; checkpoints convert (torch_order, stored_order).
    std::vector<int64_t> view;
    std::vector<int> order;
};

// `stored` (an entry's values, gradient or momentum, in its order) in PyTorch's order, and the reverse.
std::vector<float> torch_order(const StateEntry &entry, const std::vector<float> &stored);
std::vector<float> stored_order(const StateEntry &entry, const std::vector<float> &torch);

// What training passes through the network: the device, whether dropout is active (off: every dropout
// layer is the identity, for comparisons with other implementations), the generator of each dropout mask's
// seed, batch norm's running-statistics momentum, and whether maps that are cheap to make again are recomputed
// in the backward pass rather than kept from the forward one (saved_map.h; off: a little faster, more memory),
// with the offer of such a map for the layer's input (the tape's, autograd.h); and the ranks that train together (communicator.h: this
// process alone, unless a program that links MPI passes Communicator::world()).
struct TrainContext {
    Device device = Device::cpu();
    bool dropout = true;
    std::mt19937 seeds{0};
    float batch_norm_momentum = 0.1f;
    bool recompute_maps = true;
    RecomputeOffer offer;
    const Communicator *communicator = &Communicator::local();
    // Batch norms normalize by the statistics of every rank's share together (torch.nn.SyncBatchNorm), not
    // each rank's own (DistributedDataParallel's default).
    bool sync_batch_norm = false;
};

// A module: a layer, which runs compiled stages and defines forward, forward_train and backward itself, or a
// Composite, which defines only its forward pass over its children (below).
class Module {
  public:
    virtual ~Module() = default;
    // Inference on `device`.
    virtual Tensor forward(const Tensor &input, const Device &device) const = 0;
    // Training (torch's module.train()). forward_train computes what forward() does, but with batch
    // statistics (updating the running ones) and active dropout, and keeps what backward needs. backward takes
    // d(loss)/d(output) of that call, sets the gradients of the module's parameters (StateEntry::grad), drops
    // what forward_train kept and returns d(loss)/d(input), or an empty tensor when !input_grad (a network's
    // first layer, whose input needs no gradient). A fused (inference-only) module cannot train.
    virtual Tensor forward_train(const Tensor &input, TrainContext &context) = 0;
    virtual Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) = 0;
    // This module applied in a forward pass (autograd.h): a layer runs forward() or forward_train() and records
    // its backward(); a Composite defines it.
    virtual Var forward(const Var &input);
    // Appends this module's entries, names prefixed with `prefix` (e.g. "layer1.0.").
    virtual void state(const std::string &prefix, std::vector<StateEntry> *entries) { (void)prefix, (void)entries; }
    // Called once the values are loaded: builds what forward() uses (layouts, folded constants).
    virtual void prepare() {}
    // For inference: folds each batch norm (and activation) into the convolution before it, so they run as
    // one stage (fusion.h). The state is unchanged; forward() gives the same values within float rounding.
    virtual void fuse() {}
    // Takes over what `next` (the layer that alone reads this one's output) computes, when it can: a convolution
    // absorbs a following batch norm or ReLU, which then pass their input through. Returns whether it did.
    virtual bool absorb(Module &next) { return (void)next, false; }
};
using ModulePtr = std::shared_ptr<Module>;

// A module defined by its forward pass alone, over children it registers under their PyTorch names (torch.nn's
// and the libtorch frontend's register_module): inference, training and the backward pass (autograd.h), the
// state_dict (children in registration order) and the fusion of its layers (fusion.h) all follow from it.
class Composite : public Module {
  public:
    // The forward pass: children applied with child->forward(x), and the ops of autograd.h.
    Var forward(const Var &input) override = 0;

    Tensor forward(const Tensor &input, const Device &device) const override;
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;
    void state(const std::string &prefix, std::vector<StateEntry> *entries) override;
    void prepare() override;
    void fuse() override;

    const std::vector<std::pair<std::string, ModulePtr>> &named_children() const { return children_; }

  protected:
    // Adds `module` as the child `name` and returns it.
    template <typename M>
    std::shared_ptr<M> register_module(const std::string &name, std::shared_ptr<M> module) {
        children_.emplace_back(name, module);
        return module;
    }

  private:
    std::vector<std::pair<std::string, ModulePtr>> children_;
    // Training: the pass forward_train recorded, until backward replays it.
    std::unique_ptr<Graph> tape_;
    std::unique_ptr<Var> output_;
};

// Children run in order; they are named "0", "1", ... like nn.Sequential, or by name.
class Sequential : public Composite {
  public:
    Sequential() = default;
    explicit Sequential(std::vector<ModulePtr> children);
    Sequential &add(ModulePtr child);
    Sequential &add(const std::string &name, ModulePtr child);
    bool empty() const { return named_children().empty(); }
    std::vector<ModulePtr> children() const;

    using Composite::forward;
    Var forward(const Var &input) override;
};

// All of `module`'s state_dict entries, in definition order.
std::vector<StateEntry> state_entries(Module &module);

// Loads a state_dict strictly: every entry of the module must be in `tensors` with its shape (but batch norms'
// num_batches_tracked, which old checkpoints lack, as PyTorch allows), and nothing else may be; fixed buffers
// must hold their fixed values. Errors name the key and `source`.
void load_state_dict(Module &module, const std::vector<std::pair<std::string, Array>> &tensors,
                     const std::string &source);

// The module's state_dict, as a checkpoint writes it.
std::vector<std::pair<std::string, Array>> state_dict(Module &module);

}  // namespace antialiased
