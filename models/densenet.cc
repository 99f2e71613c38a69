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
class DenseBlock : public Sequential {
  public:
    DenseBlock(int layers, int in, int growth, int bn_size) {
        for (int i = 0; i < layers; i++) {
            add("denselayer" + std::to_string(i + 1), std::make_shared<DenseLayer>(in + i * growth, growth, bn_size));
        }
    }
    Tensor forward(const Tensor &input, const Device &device) const override {
        std::vector<Tensor> features = {input};
        for (const ModulePtr &layer : children()) features.push_back(layer->forward(concat(features, device), device));
        return concat(features, device);
    }
    Tensor forward_train(const Tensor &input, TrainContext &context) override {
        std::vector<Tensor> features = {input};
        for (const ModulePtr &layer : children()) {
            features.push_back(layer->forward_train(concat(features, context.device), context));
        }
        channels_.clear();
        for (const Tensor &f : features) channels_.push_back(f.shape().c);
        return concat(features, context.device);
    }
    // Each feature's gradient sums the pieces of every later layer's input gradient, taken in reverse.
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override {
        std::vector<Tensor> grads = split_channels(grad_output, channels_);
        const std::vector<ModulePtr> layers = children();
        for (size_t i = layers.size(); i-- > 0;) {
            const Tensor grad_in = layers[i]->backward(grads[i + 1], context, true);
            const std::vector<Tensor> pieces =
                split_channels(grad_in, std::vector<int>(channels_.begin(), channels_.begin() + i + 1));
            for (size_t j = 0; j <= i; j++) grads[j] = antialiased::add(grads[j], pieces[j], Activation::kNone, context.device);
        }
        return input_grad ? grads[0] : Tensor();
    }
    // The block's output is a concatenation, not its last convolution's output.
    bool absorb(Module &) override { return false; }

  private:
    std::vector<int> channels_;  // training: of the block's input and of each layer's output
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
