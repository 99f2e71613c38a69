#include "models/zoo.h"

#include <functional>
#include <map>

#include "runtime/error.h"

namespace antialiased {
namespace {

using Family = std::function<Model(const std::string &, bool, const ModelOptions &)>;

const std::vector<std::pair<std::vector<std::string>, Family>> &families() {
    static const std::vector<std::pair<std::vector<std::string>, Family>> all = {
        {{"resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
          "wide_resnet50_2", "wide_resnet101_2"},
         resnet},
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
