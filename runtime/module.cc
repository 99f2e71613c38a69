#include "runtime/module.h"

#include <cmath>
#include <cstring>
#include <map>

#include "runtime/error.h"
#include "runtime/fusion.h"

namespace antialiased {
namespace {

std::string shape_str(const std::vector<int64_t> &shape) {
    Array a;
    a.shape = shape;
    return a.shape_str();
}

}  // namespace

Var Module::forward(const Var &input) {
    Graph &graph = input.graph();
    switch (graph.mode()) {
        case Graph::Mode::kInference:
            return graph.record(forward(input.value(), graph.device()), {&input}, this, Backward());
        case Graph::Mode::kTracing:
            return graph.record(Tensor(), {&input}, this, Backward());
        case Graph::Mode::kTraining:
            break;
    }
    // The layer is offered its input's recipe, and may leave one for its output (saved_map.h).
    TrainContext &context = graph.context();
    context.offer = graph.recipe(input);
    Tensor output = forward_train(input.value(), context);
    Var result = graph.record(std::move(output), {&input}, this,
                              [this](const Tensor &grad, TrainContext &context, const std::vector<bool> &needs) {
                                  return std::vector<Tensor>{backward(grad, context, needs[0])};
                              });
    graph.offer(result, std::move(context.offer));
    context.offer.clear();
    return result;
}

Tensor Composite::forward(const Tensor &input, const Device &device) const {
    Graph graph(device);
    // An inference pass records nothing and changes no module: the layers run their const forward().
    return const_cast<Composite *>(this)->forward(graph.input(input)).value();
}

Tensor Composite::forward_train(const Tensor &input, TrainContext &context) {
    tape_ = std::make_unique<Graph>(context);
    output_ = std::make_unique<Var>(forward(tape_->input(input)));
    tape_->drop_recipes();
    return output_->value();
}

Tensor Composite::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    if (!tape_) throw Error("backward() without forward_train()");
    (void)context;  // the tape's, the one forward_train took
    const Tensor grad_input = tape_->backward(*output_, grad_output, input_grad);
    output_.reset();
    tape_.reset();
    return grad_input;
}

void Composite::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    for (auto &child : children_) child.second->state(prefix + child.first + ".", entries);
}

void Composite::prepare() {
    for (auto &child : children_) child.second->prepare();
}

void Composite::fuse() {
    Graph plan = Graph::tracing();
    forward(plan.input(Tensor()));
    fuse_layers(plan);
}

Sequential::Sequential(std::vector<ModulePtr> children) {
    for (ModulePtr &child : children) add(std::move(child));
}

Sequential &Sequential::add(ModulePtr child) { return add(std::to_string(named_children().size()), std::move(child)); }

Sequential &Sequential::add(const std::string &name, ModulePtr child) {
    register_module(name, std::move(child));
    return *this;
}

std::vector<ModulePtr> Sequential::children() const {
    std::vector<ModulePtr> modules;
    for (const auto &child : named_children()) modules.push_back(child.second);
    return modules;
}

Var Sequential::forward(const Var &input) {
    Var x = input;
    for (const auto &child : named_children()) x = child.second->forward(x);
    return x;
}

namespace {

// Calls f(stored index, PyTorch index) for every element of the entry, in stored order.
template <typename F>
void for_each_element(const StateEntry &entry, F f) {
    const size_t rank = entry.view.size();
    std::vector<size_t> stride(rank, 1);  // PyTorch's (row-major) strides of the view
    for (size_t d = rank - 1; d > 0; d--) stride[d - 1] = stride[d] * size_t(entry.view[d]);
    size_t elements = 1;
    for (int64_t extent : entry.view) elements *= size_t(extent);
    std::vector<int64_t> at(rank, 0);  // the position along each stored dimension
    size_t torch = 0;
    for (size_t stored = 0; stored < elements; stored++) {
        f(stored, torch);
        for (size_t d = rank; d-- > 0;) {  // the next position, innermost stored dimension first
            const int dim = entry.order[d];
            torch += stride[dim];
            if (++at[d] < entry.view[dim]) break;
            torch -= stride[dim] * size_t(entry.view[dim]);
            at[d] = 0;
        }
    }
}

}  // namespace

std::vector<float> torch_order(const StateEntry &entry, const std::vector<float> &stored) {
    if (entry.order.empty()) return stored;
    std::vector<float> torch(stored.size());
    for_each_element(entry, [&](size_t s, size_t t) { torch[t] = stored[s]; });
    return torch;
}

std::vector<float> stored_order(const StateEntry &entry, const std::vector<float> &torch) {
    if (entry.order.empty()) return torch;
    std::vector<float> stored(torch.size());
    for_each_element(entry, [&](size_t s, size_t t) { stored[s] = torch[t]; });
    return stored;
}

std::vector<StateEntry> state_entries(Module &module) {
    std::vector<StateEntry> entries;
    module.state("", &entries);
    return entries;
}

void load_state_dict(Module &module, const std::vector<std::pair<std::string, Array>> &tensors,
                     const std::string &source) {
    std::map<std::string, const Array *> file;
    for (const auto &[name, array] : tensors) file[name] = &array;
    for (StateEntry &entry : state_entries(module)) {
        const auto it = file.find(entry.name);
        // Checkpoints from before PyTorch 0.4.1 have no batch-norm counters; PyTorch then starts them at 0 too.
        if (it == file.end() && entry.count) continue;
        if (it == file.end()) throw Error(source + ": missing key " + entry.name + " " + shape_str(entry.shape));
        const Array &array = *it->second;
        if (array.shape != entry.shape) {
            throw Error(source + ": key " + entry.name + " has shape " + array.shape_str() + ", the model " +
                        shape_str(entry.shape));
        }
        const std::vector<float> values = array.to_float();
        if (entry.count && array.dtype == DType::kInt64) {
            std::memcpy(entry.count, array.bytes.data(), sizeof(int64_t));
        } else if (entry.count) {
            *entry.count = int64_t(values[0]);
        } else if (entry.fixed) {
            for (size_t i = 0; i < values.size(); i++) {
                if (std::abs(values[i] - (*entry.fixed)[i]) > 1e-6f) {
                    throw Error(source + ": key " + entry.name + " is not the layer's fixed binomial filter");
                }
            }
        } else {
            *entry.values = stored_order(entry, values);
        }
        file.erase(it);
    }
    if (!file.empty()) {
        std::string names;
        int listed = 0;
        for (const auto &entry : file) {
            if (listed++ < 5) names += (names.empty() ? "" : ", ") + entry.first;
        }
        if (file.size() > 5) names += ", ... (" + std::to_string(file.size()) + " in all)";
        throw Error(source + ": unexpected key" + (file.size() > 1 ? "s " : " ") + names);
    }
    module.prepare();
}

std::vector<std::pair<std::string, Array>> state_dict(Module &module) {
    std::vector<std::pair<std::string, Array>> tensors;
    for (const StateEntry &entry : state_entries(module)) {
        Array array;
        array.shape = entry.shape;
        if (entry.count) {
            array.dtype = DType::kInt64;
            array.bytes.assign(reinterpret_cast<const char *>(entry.count), 8);
        } else {
            const std::vector<float> values = entry.fixed ? *entry.fixed : torch_order(entry, entry.values->values());
            array.bytes.assign(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(float));
        }
        tensors.emplace_back(entry.name, std::move(array));
    }
    return tensors;
}

}  // namespace antialiased
