// VGG (Simonyan & Zisserman 2015), with and without batch norm; anti-aliased as in the reference: every
// MaxPool(2, 2) becomes MaxPool(2, 1) + BlurPool (which shifts the indices of features.i after each pool).
#include <map>

#include "models/zoo.h"
#include "runtime/layers.h"

namespace antialiased {

Model vgg(const std::string &name, bool anti_aliased, const ModelOptions &options) {
    constexpr int M = 0;  // a pooling stage
    static const std::map<std::string, std::vector<int>> configs = {
        {"vgg11", {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M}},
        {"vgg13", {64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M}},
        {"vgg16", {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M}},
        {"vgg19", {64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M}},
    };
    const bool batch_norm = name.size() > 3 && name.compare(name.size() - 3, 3, "_bn") == 0;
    const auto config = configs.find(batch_norm ? name.substr(0, name.size() - 3) : name);
    if (config == configs.end()) return nullptr;

    auto features = std::make_shared<Sequential>();
    int channels = 3;
    for (int v : config->second) {
        if (v == M && anti_aliased) {
            features->add(std::make_shared<MaxPool2d>(2, 1)).add(std::make_shared<BlurPoolLayer>(channels, options.filter_size, 2, options.pad_type));
        } else if (v == M) {
            features->add(std::make_shared<MaxPool2d>(2, 2));
        } else {
            features->add(std::make_shared<Conv2d>(channels, v, 3, ConvOptions{1, 1}));
            if (batch_norm) features->add(std::make_shared<BatchNorm2d>(v));
            features->add(std::make_shared<ReLU>());
            channels = v;
        }
    }
    auto classifier = std::make_shared<Sequential>();
    classifier->add(std::make_shared<Linear>(512 * 7 * 7, 4096, Shape{1, 512, 7, 7})).add(std::make_shared<ReLU>());
    classifier->add(std::make_shared<Dropout>()).add(std::make_shared<Linear>(4096, 4096)).add(std::make_shared<ReLU>());
    classifier->add(std::make_shared<Dropout>()).add(std::make_shared<Linear>(4096, options.num_classes));
    auto model = std::make_shared<Sequential>();
    model->add("features", features).add("avgpool", AvgPool2d::adaptive(7)).add("classifier", classifier);
    return model;
}

}  // namespace antialiased
