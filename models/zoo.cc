#include "models/zoo.h"

#include <functional>
#include <map>
#include <regex>

#include "runtime/error.h"

namespace antialiased {
namespace {

using Family = std::function<Model(const std::string &, bool, const ModelOptions &)>;

const std::vector<std::pair<std::vector<std::string>, Family>> &families() {
    static const std::vector<std::pair<std::vector<std::string>, Family>> all = {
        {{"resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
          "wide_resnet50_2", "wide_resnet101_2"},
         resnet},
        {{"alexnet"}, alexnet},
        {{"vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn"}, vgg},
        {{"densenet121", "densenet161", "densenet169", "densenet201"}, densenet},
        {{"mobilenet_v2"}, mobilenet},
    };
    return all;
}

std::string valid_names() {
    std::string names;
    for (const std::string &name : model_names()) names += (names.empty() ? "" : ", ") + name;
    return names;
}

}  // namespace

std::vector<std::string> model_names() {
    std::vector<std::string> names;
    for (const auto &family : families()) names.insert(names.end(), family.first.begin(), family.first.end());
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

Model build_model(const std::string &arch, ModelOptions options) {
    // "<base>_lpf<K>" (2021), "<base>_lpf" with options.filter_size (2019), or "<base>" (baseline).
    std::string base = arch;
    bool anti_aliased = false;
    const size_t lpf = arch.rfind("_lpf");
    if (lpf != std::string::npos) {
        base = arch.substr(0, lpf);
        anti_aliased = true;
        const std::string k = arch.substr(lpf + 4);
        if (!k.empty()) {
            if (k.size() != 1 || k[0] < '1' || k[0] > '7') {
                throw Error("unknown architecture '" + arch + "': the filter size after _lpf is one of 1..7");
            }
            options.filter_size = k[0] - '0';
        }
    }
    if (options.filter_size < 1 || options.filter_size > 7) {
        throw Error("filter size " + std::to_string(options.filter_size) + " is not one of 1..7");
    }
    if (options.num_classes < 1) throw Error("number of classes " + std::to_string(options.num_classes) + " must be >= 1");
    for (const auto &[names, build] : families()) {
        for (const std::string &name : names) {
            if (name == base) return build(base, anti_aliased, options);
        }
    }
    throw Error("unknown architecture '" + arch + "' (valid: " + valid_names() +
                "; add _lpf<K> for the anti-aliased version with filter size K)");
}

}  // namespace antialiased
