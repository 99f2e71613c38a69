#include "models/zoo.h"

#include <functional>
#include <map>
#include <regex>

#include "models/initialization.h"
#include "runtime/copy_params_buffers.h"
#include "runtime/error.h"

namespace antialiased {
namespace {

struct Family {
    std::vector<std::string> names;
    std::function<Model(const std::string &, bool, const ModelOptions &)> build;
    InitScheme init;  // the constructors' initialization (the same for the anti-aliased and baseline versions)
};

const std::vector<Family> &families() {
    using Conv = InitScheme::Conv;
    using Linear = InitScheme::Linear;
    static const std::vector<Family> all = {
        {{"resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
          "wide_resnet50_2", "wide_resnet101_2"},
         resnet, {Conv::kKaimingNormalFanOut, Linear::kDefault, false, false}},
        {{"alexnet"}, alexnet, {}},
        {{"vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn"},
         vgg, {Conv::kKaimingNormalFanOut, Linear::kNormal001, true, true}},
        {{"densenet121", "densenet161", "densenet169", "densenet201"},
         densenet, {Conv::kKaimingNormalFanIn, Linear::kDefault, false, true}},
        {{"mobilenet_v2"}, mobilenet, {Conv::kKaimingNormalFanOut, Linear::kNormal001, true, true}},
    };
    return all;
}

struct Registered {
    ModelBuilder build;
    InitScheme init;
};
std::map<std::string, Registered> &registered() {
    static std::map<std::string, Registered> models;  // built on first use: registrations run before main()
    return models;
}

std::string valid_names() {
    std::string names;
    for (const std::string &name : model_names()) names += (names.empty() ? "" : ", ") + name;
    return names;
}

// The family of `arch` ("resnet50_lpf4", "resnet50_lpf", "resnet50"), its base name and whether it is
// anti-aliased (the filter size, if in the name, goes to `filter_size`).
const Family &family_of(const std::string &arch, std::string *base, bool *anti_aliased, int *filter_size) {
    *base = arch;
    *anti_aliased = false;
    const size_t lpf = arch.rfind("_lpf");
    if (lpf != std::string::npos) {
        *base = arch.substr(0, lpf);
        *anti_aliased = true;
        const std::string k = arch.substr(lpf + 4);
        if (!k.empty()) {
            if (k.size() != 1 || k[0] < '1' || k[0] > '7') {
                throw Error("unknown architecture '" + arch + "': the filter size after _lpf is one of 1..7");
            }
            *filter_size = k[0] - '0';
        }
    }
    for (const Family &family : families()) {
        for (const std::string &name : family.names) {
            if (name == *base) return family;
        }
    }
    throw Error("unknown architecture '" + arch + "' (valid: " + valid_names() +
                "; add _lpf<K> for the anti-aliased version with filter size K)");
}

}  // namespace

std::vector<std::string> model_names() {
    std::vector<std::string> names;
    for (const Family &family : families()) names.insert(names.end(), family.names.begin(), family.names.end());
    for (const auto &[name, model] : registered()) names.push_back(name);
    return names;
}

void load_weights(Module &model, const std::string &path) {
    std::vector<std::pair<std::string, Array>> tensors = Checkpoint::read(path).state_dict();
    // DenseNet checkpoints from before torchvision 0.3 name "denselayer1.norm.1.weight" what is now
    // "denselayer1.norm1.weight" (torchvision's own rename).
    static const std::regex old_dense_key(R"(^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$)");
    for (auto &entry : tensors) {
        std::smatch m;
        if (std::regex_match(entry.first, m, old_dense_key)) entry.first = m[1].str() + m[2].str();
    }
    load_state_dict(model, tensors, path);
}

void save_weights(Module &model, const std::string &path) {
    CheckpointWriter writer;
    writer.save(path, *state_dict_value(&writer, state_dict(model)));
}

void register_model(const std::string &name, ModelBuilder build, InitScheme init) {
    const std::string base = name.substr(0, name.rfind("_lpf"));
    bool taken = registered().count(name) > 0;
    for (const std::string &zoo_name : model_names()) taken = taken || zoo_name == base;
    if (taken) throw Error("register_model: the name '" + name + "' is taken already");
    registered()[name] = Registered{std::move(build), init};
}

Model build_model(const std::string &arch, ModelOptions options) {
    const auto custom = registered().find(arch);
    std::string base;
    bool anti_aliased = false;
    const Family *family = custom == registered().end() ? &family_of(arch, &base, &anti_aliased, &options.filter_size)
                                                        : nullptr;
    if (options.filter_size < 1 || options.filter_size > 7) {
        throw Error("filter size " + std::to_string(options.filter_size) + " is not one of 1..7");
    }
    if (options.num_classes < 1) throw Error("number of classes " + std::to_string(options.num_classes) + " must be >= 1");
    return family ? family->build(base, anti_aliased, options) : custom->second.build(options);
}

std::string baseline_arch(const std::string &arch) {
    std::string base;
    bool anti_aliased;
    int filter_size;
    family_of(arch, &base, &anti_aliased, &filter_size);
    if (!anti_aliased) throw Error("'" + arch + "' is a baseline already: fine-tuning starts an anti-aliased network (" + arch + "_lpf<K>) from it");
    return base;
}

Model finetune_model(const std::string &arch, const ModelOptions &options, const std::string &baseline_weights) {
    Model baseline = build_model(baseline_arch(arch), options);
    load_weights(*baseline, baseline_weights);
    Model model = build_model(arch, options);
    copy_params_buffers(*baseline, *model, baseline_weights);
    return model;
}

void initialize_weights(Module &model, const std::string &arch, uint64_t seed) {
    const auto custom = registered().find(arch);
    if (custom != registered().end()) return initialize(model, custom->second.init, seed);
    std::string base;
    bool anti_aliased;
    int filter_size;
    initialize(model, family_of(arch, &base, &anti_aliased, &filter_size).init, seed);
}

}  // namespace antialiased
