// AlexNet (Krizhevsky et al. 2012), anti-aliased as in the reference: the stride-4 conv becomes a stride-2
// conv + ReLU + BlurPool (ConvBlurPool), each MaxPool(3, 2) a MaxPool(3, 1) + BlurPool (MaxBlurPool).
// features.i indices are the reference's.
#include "models/zoo.h"
#include "runtime/layers.h"

namespace antialiased {
namespace {

ModulePtr conv(int in, int out, int k, int stride, int padding) {
    return std::make_shared<Conv2d>(in, out, k, ConvOptions{stride, padding});
}
ModulePtr relu() { return std::make_shared<ReLU>(); }

}  // namespace

Model alexnet(const std::string &name, bool anti_aliased, const ModelOptions &options) {
    if (name != "alexnet") return nullptr;
    const int k = options.filter_size;
    auto blur = [k, &options](int channels) {
        return std::make_shared<BlurPoolLayer>(channels, k, 2, options.pad_type);
    };
    auto features = std::make_shared<Sequential>();
    if (anti_aliased) {
        features->add(conv(3, 64, 11, 2, 2)).add(relu()).add(blur(64));
        features->add(std::make_shared<MaxPool2d>(3, 1)).add(blur(64));
        features->add(conv(64, 192, 5, 1, 2)).add(relu());
        features->add(std::make_shared<MaxPool2d>(3, 1)).add(blur(192));
    } else {
        features->add(conv(3, 64, 11, 4, 2)).add(relu()).add(std::make_shared<MaxPool2d>(3, 2));
        features->add(conv(64, 192, 5, 1, 2)).add(relu()).add(std::make_shared<MaxPool2d>(3, 2));
    }
    features->add(conv(192, 384, 3, 1, 1)).add(relu());
    features->add(conv(384, 256, 3, 1, 1)).add(relu());
    features->add(conv(256, 256, 3, 1, 1)).add(relu());
    if (anti_aliased) {
        features->add(std::make_shared<MaxPool2d>(3, 1)).add(blur(256));
    } else {
        features->add(std::make_shared<MaxPool2d>(3, 2));
    }
    auto classifier = std::make_shared<Sequential>();
    classifier->add(std::make_shared<Dropout>()).add(std::make_shared<Linear>(256 * 6 * 6, 4096, Shape{1, 256, 6, 6}));
    classifier->add(relu()).add(std::make_shared<Dropout>()).add(std::make_shared<Linear>(4096, 4096)).add(relu());
    classifier->add(std::make_shared<Linear>(4096, options.num_classes));
    auto model = std::make_shared<Sequential>();
    model->add("features", features).add("avgpool", AvgPool2d::adaptive(6)).add("classifier", classifier);
    return model;
}

}  // namespace antialiased
