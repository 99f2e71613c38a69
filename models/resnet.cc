// ResNet, ResNeXt and Wide ResNet (He et al. 2016; Xie et al. 2017; Zagoruyko & Komodakis 2016), anti-aliased
// as in the reference: the stem's pool is MaxPool(2, stride 1) + BlurPool; a strided block runs its 3x3 conv
// at stride 1 and subsamples with a BlurPool before the next conv (basic: conv2 = [BlurPool, conv3x3];
// bottleneck: conv3 = [BlurPool, conv1x1]); the strided shortcut is [BlurPool, conv1x1, BN].
#include <map>

#include "models/zoo.h"
#include "runtime/error.h"
#include "runtime/layers.h"

namespace antialiased {
namespace {

ModulePtr conv3x3(int in, int out, int stride = 1, int groups = 1) {
    return std::make_shared<Conv2d>(in, out, 3, ConvOptions{stride, 1, 1, groups, false});
}
ModulePtr conv1x1(int in, int out, int stride = 1) {
    return std::make_shared<Conv2d>(in, out, 1, ConvOptions{stride, 0, 1, 1, false});
}
struct Config {
    bool anti_aliased;
    int filter_size;
    PadType pad_type;
    int groups = 1, width_per_group = 64;
};

ModulePtr blurpool(int channels, const Config &config, int stride) {
    return std::make_shared<BlurPoolLayer>(channels, config.filter_size, stride, config.pad_type);
}

// The residual unit: out = relu(body(x) + shortcut(x)), the body conv_i then bn_i (with a ReLU but the last).
// Children keep the reference's names: conv1, bn1, conv2, bn2, [conv3, bn3,] downsample.
class Block : public Composite {
  public:
    Var forward(const Var &x) override {
        Var out = x;
        for (const auto &[conv, bn] : stages_) out = bn->forward(conv->forward(out));
        return add(out, downsample_ ? downsample_->forward(x) : x, Activation::kRelu);
    }

  protected:
    void add_stage(ModulePtr conv, int channels, bool relu) {
        const std::string i = std::to_string(stages_.size() + 1);
        ModulePtr registered = register_module("conv" + i, std::move(conv));  // first: the state_dict's order
        stages_.emplace_back(registered, register_module("bn" + i, std::make_shared<BatchNorm2d>(
                                                                      channels, relu ? Activation::kRelu : Activation::kNone)));
    }
    void set_downsample(ModulePtr downsample) {
        if (downsample) downsample_ = register_module("downsample", std::move(downsample));
    }

  private:
    std::vector<std::pair<ModulePtr, ModulePtr>> stages_;
    ModulePtr downsample_;
};

class BasicBlock : public Block {
  public:
    static constexpr int kExpansion = 1;
    BasicBlock(int inplanes, int planes, int stride, ModulePtr downsample, const Config &config) {
        const bool blur = config.anti_aliased && stride != 1;
        add_stage(conv3x3(inplanes, planes, config.anti_aliased ? 1 : stride), planes, true);
        add_stage(blur ? std::make_shared<Sequential>(std::vector<ModulePtr>{
                             blurpool(planes, config, stride), conv3x3(planes, planes)})
                       : conv3x3(planes, planes),
                  planes, false);
        set_downsample(std::move(downsample));
    }
};

class Bottleneck : public Block {
  public:
    static constexpr int kExpansion = 4;
    Bottleneck(int inplanes, int planes, int stride, ModulePtr downsample, const Config &config) {
        const int width = planes * config.width_per_group / 64 * config.groups;
        const bool blur = config.anti_aliased && stride != 1;
        add_stage(conv1x1(inplanes, width), width, true);
        add_stage(conv3x3(width, width, config.anti_aliased ? 1 : stride, config.groups), width, true);
        add_stage(blur ? std::make_shared<Sequential>(std::vector<ModulePtr>{
                             blurpool(width, config, stride), conv1x1(width, planes * kExpansion)})
                       : conv1x1(width, planes * kExpansion),
                  planes * kExpansion, false);
        set_downsample(std::move(downsample));
    }
};

class ResNet : public Sequential {
  public:
    template <typename BlockType>
    ResNet(BlockType *, const std::vector<int> &layers, const Config &config, int num_classes) {
        // Stem: conv 7x7/2, BN, ReLU, then max pooling (anti-aliased: MaxPool(2, 1) + BlurPool(stride 2)).
        add("conv1", std::make_shared<Conv2d>(3, 64, 7, ConvOptions{2, 3, 1, 1, false}));
        add("bn1", std::make_shared<BatchNorm2d>(64, Activation::kRelu));  // with the ReLU
        if (config.anti_aliased) {
            add("maxpool", std::make_shared<Sequential>(std::vector<ModulePtr>{
                               std::make_shared<MaxPool2d>(2, 1), blurpool(64, config, 2)}));
        } else {
            add("maxpool", std::make_shared<MaxPool2d>(3, 2, 1));
        }
        int inplanes = 64;
        for (size_t i = 0; i < layers.size(); i++) {
            const int planes = 64 << i, stride = i == 0 ? 1 : 2;
            auto layer = std::make_shared<Sequential>();
            for (int b = 0; b < layers[i]; b++) {
                const int out = planes * BlockType::kExpansion;
                std::shared_ptr<Sequential> downsample;
                if (b == 0 && (stride != 1 || inplanes != out)) {
                    downsample = std::make_shared<Sequential>();
                    if (config.anti_aliased && stride != 1) {
                        downsample->add(blurpool(inplanes, config, stride)).add(conv1x1(inplanes, out));
                    } else {
                        downsample->add(conv1x1(inplanes, out, stride));
                    }
                    downsample->add(std::make_shared<BatchNorm2d>(out));
                }
                layer->add(std::make_shared<BlockType>(inplanes, planes, b == 0 ? stride : 1, downsample, config));
                inplanes = out;
            }
            add("layer" + std::to_string(i + 1), layer);
        }
        add("avgpool", AvgPool2d::adaptive(1));
        add("fc", std::make_shared<Linear>(inplanes, num_classes));
    }
};

}  // namespace

Model resnet(const std::string &name, bool anti_aliased, const ModelOptions &options) {
    struct Spec {
        bool bottleneck;
        std::vector<int> layers;
        int groups, width_per_group;
    };
    static const std::map<std::string, Spec> specs = {
        {"resnet18", {false, {2, 2, 2, 2}, 1, 64}},         {"resnet34", {false, {3, 4, 6, 3}, 1, 64}},
        {"resnet50", {true, {3, 4, 6, 3}, 1, 64}},          {"resnet101", {true, {3, 4, 23, 3}, 1, 64}},
        {"resnet152", {true, {3, 8, 36, 3}, 1, 64}},        {"resnext50_32x4d", {true, {3, 4, 6, 3}, 32, 4}},
        {"resnext101_32x8d", {true, {3, 4, 23, 3}, 32, 8}}, {"wide_resnet50_2", {true, {3, 4, 6, 3}, 1, 128}},
        {"wide_resnet101_2", {true, {3, 4, 23, 3}, 1, 128}},
    };
    const auto it = specs.find(name);
    if (it == specs.end()) return nullptr;
    const Spec &spec = it->second;
    const Config config{anti_aliased, options.filter_size, options.pad_type, spec.groups, spec.width_per_group};
    if (spec.bottleneck) return std::make_shared<ResNet>((Bottleneck *)nullptr, spec.layers, config, options.num_classes);
    return std::make_shared<ResNet>((BasicBlock *)nullptr, spec.layers, config, options.num_classes);
}

}  // namespace antialiased
