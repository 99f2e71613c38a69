// Your own anti-aliased network, in one file: a small pre-activation ResNet (He et al. 2016, "Identity Mappings
// in Deep Residual Networks") for 32 px images, which the zoo does not have, anti-aliased by the reference's
// rules (runtime/nn.h). It declares its children and its forward pass, nothing else: training, the backward
// pass, PyTorch checkpoints and inference fusion follow. Registered as "preact_resnet_aa", so every tool's -a
// takes it:
//   bazel-bin/train/main -a preact_resnet_aa -f 3 --epochs 2 --lr 0.05 -b 64 --out-dir runs/preact
// Its PyTorch twin, which loads the checkpoints this one writes: examples/preact_resnet_aa.py.
#include "models/zoo.h"
#include "runtime/nn.h"

namespace antialiased {
namespace {

ModulePtr conv3x3(int in, int out) { return std::make_shared<Conv2d>(in, out, 3, ConvOptions{1, 1, 1, 1, false}); }

// relu(bn1(x)) feeds both paths; a strided block runs conv1 at stride 1 and blurs before conv2 and in the
// shortcut, as the reference's BasicBlock does.
class PreActBlock : public Composite {
  public:
    PreActBlock(int in, int out, int stride, const ModelOptions &options) {
        bn1_ = register_module("bn1", std::make_shared<BatchNorm2d>(in, Activation::kRelu));
        conv1_ = register_module("conv1", conv3x3(in, out));
        bn2_ = register_module("bn2", std::make_shared<BatchNorm2d>(out, Activation::kRelu));
        conv2_ = register_module("conv2", stride == 1 ? conv3x3(out, out)
                                                      : std::make_shared<Sequential>(std::vector<ModulePtr>{
                                                            blur_pool(out, stride, options.filter_size, options.pad_type),
                                                            conv3x3(out, out)}));
        if (stride != 1 || in != out) {
            shortcut_ = register_module("shortcut", std::make_shared<Sequential>(std::vector<ModulePtr>{
                                                        blur_pool(in, stride, options.filter_size, options.pad_type),
                                                        std::make_shared<Conv2d>(in, out, 1, ConvOptions{1, 0, 1, 1, false})}));
        }
    }
    Var forward(const Var &x) override {
        const Var a = bn1_->forward(x);
        const Var out = conv2_->forward(bn2_->forward(conv1_->forward(a)));
        return add(out, shortcut_ ? shortcut_->forward(a) : x);
    }

  private:
    ModulePtr bn1_, conv1_, bn2_, conv2_, shortcut_;
};

// conv 3x3 (32), MaxBlurPool to 16 px, blocks of 32, 64 (8 px) and 128 (4 px) channels, BN-ReLU, global pool, fc.
Model preact_resnet_aa(const ModelOptions &options) {
    auto net = std::make_shared<Sequential>();
    net->add("conv1", conv3x3(3, 32));
    net->add("pool", max_blur_pool(32, 2, 2, options.filter_size, options.pad_type));
    net->add("layer1", std::make_shared<PreActBlock>(32, 32, 1, options));
    net->add("layer2", std::make_shared<PreActBlock>(32, 64, 2, options));
    net->add("layer3", std::make_shared<PreActBlock>(64, 128, 2, options));
    net->add("bn", std::make_shared<BatchNorm2d>(128, Activation::kRelu));
    net->add("avgpool", AvgPool2d::adaptive(1));
    net->add("fc", std::make_shared<Linear>(128, options.num_classes));
    return net;
}

// New networks start as torchvision's ResNets: convolutions N(0, 2 / fan_out), the rest PyTorch's defaults.
const ModelRegistration registration("preact_resnet_aa", preact_resnet_aa,
                                     InitScheme{InitScheme::Conv::kKaimingNormalFanOut});

}  // namespace
}  // namespace antialiased
