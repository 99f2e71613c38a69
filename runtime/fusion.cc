#include "runtime/fusion.h"

#include "runtime/module.h"

namespace antialiased {

void fuse_layers(const Graph &plan) {
    const std::vector<Graph::Op> &ops = plan.ops();
    // Which ops read each node (a node is the output of the op that made it, or the pass's input).
    std::vector<std::vector<size_t>> readers(ops.size() + 1);
    for (size_t i = 0; i < ops.size(); i++) {
        for (int node : ops[i].inputs) readers[size_t(node)].push_back(i);
    }
    for (const Graph::Op &op : ops) {
        const std::vector<size_t> &next = readers[size_t(op.output)];
        if (!op.module || next.size() != 1) continue;
        const Graph::Op &reader = ops[next[0]];
        if (reader.module && reader.inputs.size() == 1) op.module->absorb(*reader.module);
    }
}

}  // namespace antialiased
