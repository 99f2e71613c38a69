#include "runtime/copy_params_buffers.h"

#include "runtime/error.h"

namespace antialiased {
namespace {

// PyTorch's parameters are what trains (StateEntry::grad); its buffers the rest.
bool is_parameter(const StateEntry &entry) { return entry.grad != nullptr; }

}  // namespace

void copy_params_buffers(Module &source, Module &target, const std::string &source_name) {
    const std::vector<StateEntry> from_entries = state_entries(source), to_entries = state_entries(target);
    const std::vector<std::pair<std::string, Array>> from = state_dict(source);
    std::vector<std::pair<std::string, Array>> to = state_dict(target);
    std::vector<size_t> from_params, from_buffers, to_params, to_buffers;
    for (size_t i = 0; i < from.size(); i++) (is_parameter(from_entries[i]) ? from_params : from_buffers).push_back(i);
    for (size_t i = 0; i < to.size(); i++) (is_parameter(to_entries[i]) ? to_params : to_buffers).push_back(i);

    if (from_params.size() != to_params.size()) {
        throw Error(source_name + ": " + std::to_string(from_params.size()) + " parameters, the network to copy them into " +
                    std::to_string(to_params.size()) + " (anti-aliasing adds none: is it the same architecture?)");
    }
    for (size_t p = 0; p < from_params.size(); p++) {
        const auto &[from_key, from_array] = from[from_params[p]];
        auto &[to_key, to_array] = to[to_params[p]];
        if (from_array.shape != to_array.shape) {
            throw Error(source_name + ": parameter " + std::to_string(p) + ", " + from_key + " " + from_array.shape_str() +
                        ", does not fit " + to_key + " " + to_array.shape_str());
        }
        to_array = from_array;
    }
    size_t next = 0;  // the target's buffers before this one are copied or skipped
    for (size_t b : from_buffers) {
        const auto &[from_key, from_array] = from[b];
        while (next < to_buffers.size() && to[to_buffers[next]].second.shape != from_array.shape) next++;
        if (next == to_buffers.size()) {
            throw Error(source_name + ": buffer " + from_key + " " + from_array.shape_str() +
                        " has no match of its shape in the network to copy it into");
        }
        auto &[to_key, to_array] = to[to_buffers[next++]];
        if (to_array.dtype != from_array.dtype) {
            throw Error(source_name + ": buffer " + from_key + " and " + to_key + " differ in type");
        }
        to_array.bytes = from_array.bytes;
    }
    load_state_dict(target, to, source_name);
}

}  // namespace antialiased
