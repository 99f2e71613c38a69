#include "runtime/training_checkpoint.h"

#include "runtime/checkpoint.h"
#include "runtime/error.h"

namespace antialiased {
namespace {

// The parameters (entries with a gradient), in model.parameters() order: state_dict order without buffers.
std::vector<StateEntry> parameters(Module &model) {
    std::vector<StateEntry> params;
    for (StateEntry &entry : state_entries(model)) {
        if (entry.grad) params.push_back(entry);
    }
    return params;
}

Array float_array(const std::vector<float> &values, const std::vector<int64_t> &shape) {
    Array array;
    array.shape = shape;
    array.bytes.assign(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(float));
    return array;
}

ValuePtr required(const ValuePtr &dict, const std::string &key, const std::string &where) {
    ValuePtr value = dict && dict->kind == Value::Kind::kDict ? dict->get(key) : nullptr;
    if (!value) throw Error(where + ": no '" + key + "' entry");
    return value;
}

double number(const Checkpoint &file, const ValuePtr &value, const std::string &where) {
    if (value->kind == Value::Kind::kInt) return double(value->integer);
    if (value->kind == Value::Kind::kFloat) return value->real;
    if (value->kind == Value::Kind::kTensor && value->tensor.numel() == 1) return file.array(value->tensor).to_float()[0];
    throw Error(where + " is a " + value->kind_name() + ", not a number");
}

}  // namespace

void save_training_checkpoint(const std::string &path, Module &model, const TrainingState &state) {
    CheckpointWriter writer;
    ValuePtr root = Value::dict();
    root->set("epoch", Value::of(state.epoch));
    root->set("arch", Value::of(state.arch));
    root->set("state_dict", state_dict_value(&writer, state_dict(model)));
    root->set("best_acc1", Value::of(state.best_acc1));

    ValuePtr buffers = Value::dict(), ids = Value::list();
    const std::vector<StateEntry> params = parameters(model);
    for (size_t i = 0; i < params.size(); i++) {
        ids->items.push_back(Value::of(int64_t(i)));
        const auto it = state.momentum.find(params[i].name);
        if (it == state.momentum.end() || it->second.empty()) continue;
        ValuePtr entry = Value::dict();
        entry->set("momentum_buffer", writer.tensor(float_array(torch_order(params[i], it->second), params[i].shape)));
        buffers->entries.emplace_back(Value::of(int64_t(i)), entry);
    }
    ValuePtr group = Value::dict();
    group->set("lr", Value::of(double(state.sgd.lr)));
    group->set("momentum", Value::of(double(state.sgd.momentum)));
    group->set("dampening", Value::of(int64_t(0)));
    group->set("weight_decay", Value::of(double(state.sgd.weight_decay)));
    group->set("nesterov", Value::of(state.sgd.nesterov));
    group->set("maximize", Value::of(false));
    group->set("foreach", Value::none());
    group->set("differentiable", Value::of(false));
    group->set("params", ids);
    ValuePtr optimizer = Value::dict();
    optimizer->set("state", buffers);
    optimizer->set("param_groups", Value::list({group}));
    root->set("optimizer", optimizer);
    writer.save(path, *root);
}

TrainingState load_training_checkpoint(const std::string &path, Module &model) {
    const Checkpoint file = Checkpoint::read(path);
    load_state_dict(model, file.state_dict(), path);
    const ValuePtr root = std::make_shared<Value>(file.root());
    TrainingState state;
    state.epoch = int64_t(number(file, required(root, "epoch", path), path + ": 'epoch'"));
    const ValuePtr arch = required(root, "arch", path);
    if (arch->kind != Value::Kind::kString) throw Error(path + ": 'arch' is not a string");
    state.arch = arch->text;
    state.best_acc1 = number(file, required(root, "best_acc1", path), path + ": 'best_acc1'");

    const std::string where = path + ": 'optimizer'";
    const ValuePtr optimizer = required(root, "optimizer", path);
    const ValuePtr groups = required(optimizer, "param_groups", where);
    if (groups->kind != Value::Kind::kList || groups->items.size() != 1) {
        throw Error(where + ": expected one param group (torch.optim.SGD over model.parameters())");
    }
    const ValuePtr group = groups->items[0];
    state.sgd.lr = float(number(file, required(group, "lr", where), where + " lr"));
    state.sgd.momentum = float(number(file, required(group, "momentum", where), where + " momentum"));
    state.sgd.weight_decay = float(number(file, required(group, "weight_decay", where), where + " weight_decay"));
    const ValuePtr nesterov = group->get("nesterov");
    state.sgd.nesterov = nesterov && nesterov->kind == Value::Kind::kBool && nesterov->boolean;

    const std::vector<StateEntry> params = parameters(model);
    const ValuePtr buffers = required(optimizer, "state", where);
    if (buffers->kind != Value::Kind::kDict) throw Error(where + ": 'state' is not a dict");
    for (const auto &[key, entry] : buffers->entries) {
        if (key->kind != Value::Kind::kInt || key->integer < 0 || size_t(key->integer) >= params.size()) {
            throw Error(where + ": state of parameter " + (key->kind == Value::Kind::kInt ? std::to_string(key->integer) : key->kind_name()) +
                        ", the model has " + std::to_string(params.size()));
        }
        const StateEntry &param = params[size_t(key->integer)];
        const ValuePtr buffer = required(entry, "momentum_buffer", where + " state " + std::to_string(key->integer));
        if (buffer->kind != Value::Kind::kTensor || buffer->tensor.shape != param.shape) {
            throw Error(where + ": the momentum buffer of " + param.name + " does not have its shape");
        }
        state.momentum[param.name] = stored_order(param, file.array(buffer->tensor).to_float());
    }
    return state;
}

}  // namespace antialiased
