// DenseNet (Huang et al. 2017), anti-aliased as in the reference: the stem's MaxPool(3, 2, 1) becomes
// MaxPool(3, 1, 1) (max0) + BlurPool (pool0), and each transition's AvgPool(2, 2) a BlurPool.
#include <map>

#include "models/zoo.h"
#include "runtime/layers.h"

namespace antialiased {
namespace {

// norm1-relu1-conv1 (1x1 bottleneck), norm2-relu2-conv2 (3x3): `growth` new channels.
class DenseLayer : public Sequential {
  public:
    DenseLayer(int in, int growth, int bn_size) {
        add("norm1", std::make_shared<BatchNorm2d>(in, Activation::kRelu));
        add("conv1", std::make_shared<Conv2d>(in, bn_size * growth, 1, ConvOptions{1, 0, 1, 1, false}));
        add("norm2", std::make_shared<BatchNorm2d>(bn_size * growth, Activation::kRelu));
        add("conv2", std::make_shared<Conv2d>(bn_size * growth, growth, 3, ConvOptions{1, 1, 1, 1, false}));
    }
};

// Each layer sees the concatenation of the block's input and every earlier layer's output.
class DenseBlock : public Composite {
  public:
    DenseBlock(int layers, int in, int growth, int bn_size) {
        for (int i = 0; i < layers; i++) {
            layers_.push_back(register_module("denselayer" + std::to_string(i + 1),
                                              std::make_shared<DenseLayer>(in + i * growth, growth, bn_size)));
        }
    }
    Var forward(const Var &input) override {
        std::vector<Var> features = {input};
        for (const ModulePtr &layer : layers_) features.push_back(layer->forward(concat(features)));
        return concat(features);
    }

  private:
    std::vector<ModulePtr> layers_;
};

}  // namespace

Model densenet(const std::string &name, bool anti_aliased, const ModelOptions &options) {
    struct Spec {
        int growth;
        std::vector<int> blocks;
        int init;
    };
    static const std::map<std::string, Spec> specs = {
        {"densenet121", {32, {6, 12, 24, 16}, 64}},
        {"densenet161", {48, {6, 12, 36, 24}, 96}},
        {"densenet169", {32, {6, 12, 32, 32}, 64}},
        {"densenet201", {32, {6, 12, 48, 32}, 64}},
    };
    const auto it = specs.find(name);
    if (it == specs.end()) return nullptr;
    const Spec &spec = it->second;
    constexpr int kBnSize = 4;

    auto features = std::make_shared<Sequential>();
    features->add("conv0", std::make_shared<Conv2d>(3, spec.init, 7, ConvOptions{2, 3, 1, 1, false}));
    features->add("norm0", std::make_shared<BatchNorm2d>(spec.init, Activation::kRelu));  // with relu0
    if (anti_aliased) {
        features->add("max0", std::make_shared<MaxPool2d>(3, 1, 1));
        features->add("pool0", std::make_shared<BlurPoolLayer>(spec.init, options.filter_size, 2, options.pad_type));
    } else {
        features->add("pool0", std::make_shared<MaxPool2d>(3, 2, 1));
    }
    int channels = spec.init;
    for (size_t i = 0; i < spec.blocks.size(); i++) {
        features->add("denseblock" + std::to_string(i + 1),
                      std::make_shared<DenseBlock>(spec.blocks[i], channels, spec.growth, kBnSize));
        channels += spec.blocks[i] * spec.growth;
        if (i + 1 == spec.blocks.size()) break;
        auto transition = std::make_shared<Sequential>();
        transition->add("norm", std::make_shared<BatchNorm2d>(channels, Activation::kRelu));  // with relu
        transition->add("conv", std::make_shared<Conv2d>(channels, channels / 2, 1, ConvOptions{1, 0, 1, 1, false}));
        channels /= 2;
        if (anti_aliased) {
            transition->add("pool", std::make_shared<BlurPoolLayer>(channels, options.filter_size, 2, options.pad_type));
        } else {
            transition->add("pool", std::make_shared<AvgPool2d>(2, 2));
        }
        features->add("transition" + std::to_string(i + 1), transition);
    }
    features->add("norm5", std::make_shared<BatchNorm2d>(channels, Activation::kRelu));  // forward's F.relu
    auto model = std::make_shared<Sequential>();
    model->add("features", features).add("avgpool", AvgPool2d::adaptive(1));
    model->add("classifier", std::make_shared<Linear>(channels, options.num_classes));
    return model;
}

}  // namespace antialiased
