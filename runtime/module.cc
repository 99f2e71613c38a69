#include "runtime/module.h"

#include <cmath>
#include <cstring>
#include <map>

#include "runtime/error.h"

namespace antialiased {
namespace {

std::string shape_str(const std::vector<int64_t> &shape) {
    Array a;
    a.shape = shape;
    return a.shape_str();
}

}  // namespace

Sequential::Sequential(std::vector<ModulePtr> children) {
    for (ModulePtr &child : children) add(std::move(child));
}

Sequential &Sequential::add(ModulePtr child) { return add(std::to_string(children_.size()), std::move(child)); }

Sequential &Sequential::add(const std::string &name, ModulePtr child) {
    children_.emplace_back(name, std::move(child));
    return *this;
}

std::vector<ModulePtr> Sequential::children() const {
    std::vector<ModulePtr> modules;
    for (const auto &child : children_) modules.push_back(child.second);
    return modules;
}

Tensor Sequential::forward(const Tensor &input, const Device &device) const {
    Tensor x = input;
    for (const auto &child : children_) x = child.second->forward(x, device);
    return x;
}

Tensor Sequential::forward_train(const Tensor &input, TrainContext &context) {
    Tensor x = input;
    for (auto &child : children_) x = child.second->forward_train(x, context);
    return x;
}

Tensor Sequential::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    Tensor grad = grad_output;
    for (size_t i = children_.size(); i-- > 0;) grad = children_[i].second->backward(grad, context, i > 0 || input_grad);
    return grad;
}

void Sequential::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    for (auto &child : children_) child.second->state(prefix + child.first + ".", entries);
}

void Sequential::prepare() {
    for (auto &child : children_) child.second->prepare();
}

void Sequential::fuse() {
    for (size_t i = 0; i + 1 < children_.size(); i++) children_[i].second->absorb(*children_[i + 1].second);
    for (auto &child : children_) child.second->fuse();
}

bool Sequential::absorb(Module &next) { return !children_.empty() && children_.back().second->absorb(next); }

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
            *entry.values = values;
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
            const std::vector<float> &values = entry.fixed ? *entry.fixed : *entry.values;
            array.bytes.assign(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(float));
        }
        tensors.emplace_back(entry.name, std::move(array));
    }
    return tensors;
}

}  // namespace antialiased
