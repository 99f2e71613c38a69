// MobileNetV2 (Sandler et al. 2018), anti-aliased as in the reference: the first (stem) conv stays strided;
// a strided inverted residual runs its depthwise conv at stride 1 and subsamples with a BlurPool before the
// 1x1 projection (features.{2,4,7,14}.conv.2 is that BlurPool).
#include "models/zoo.h"
#include "runtime/layers.h"

namespace antialiased {
namespace {

// torchvision's ConvBNReLU / Conv2dNormActivation: [conv, bn, relu6] (the ReLU6 fused into the BN stage).
ModulePtr conv_bn_relu6(int in, int out, int kernel, int stride = 1, int groups = 1) {
    return std::make_shared<Sequential>(std::vector<ModulePtr>{
        std::make_shared<Conv2d>(in, out, kernel, ConvOptions{stride, (kernel - 1) / 2, 1, groups, false}),
        std::make_shared<BatchNorm2d>(out, Activation::kRelu6)});
}

// [1x1 expansion,] 3x3 depthwise, [BlurPool,] 1x1 projection; with the input added when the shapes allow.
class InvertedResidual : public Composite {
  public:
    InvertedResidual(int in, int out, int stride, int expand_ratio, bool anti_aliased, int filter_size,
                     PadType pad_type)
        : residual_(stride == 1 && in == out) {
        const int hidden = in * expand_ratio;
        auto conv = std::make_shared<Sequential>();
        if (expand_ratio != 1) conv->add(conv_bn_relu6(in, hidden, 1));
        if (anti_aliased && stride != 1) {
            conv->add(conv_bn_relu6(hidden, hidden, 3, 1, hidden));
            conv->add(std::make_shared<BlurPoolLayer>(hidden, filter_size, stride, pad_type));
        } else {
            conv->add(conv_bn_relu6(hidden, hidden, 3, stride, hidden));
        }
        conv->add(std::make_shared<Conv2d>(hidden, out, 1, ConvOptions{1, 0, 1, 1, false}));
        conv->add(std::make_shared<BatchNorm2d>(out));
        conv_ = register_module("conv", conv);
    }
    Var forward(const Var &x) override {
        const Var y = conv_->forward(x);
        return residual_ ? add(x, y) : y;
    }

  private:
    bool residual_;
    ModulePtr conv_;
};

}  // namespace

Model mobilenet(const std::string &name, bool anti_aliased, const ModelOptions &options) {
    if (name != "mobilenet_v2") return nullptr;
    // expansion t, channels c, repeats n, first stride s
    const int settings[][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                               {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    auto features = std::make_shared<Sequential>();
    features->add(conv_bn_relu6(3, 32, 3, 2));
    int channels = 32;
    for (const auto &[t, c, n, s] : settings) {
        for (int i = 0; i < n; i++) {
            features->add(std::make_shared<InvertedResidual>(channels, c, i == 0 ? s : 1, t, anti_aliased,
                                                             options.filter_size, options.pad_type));
            channels = c;
        }
    }
    features->add(conv_bn_relu6(channels, 1280, 1));
    // torchvision's classifier is [Dropout(0.2), Linear]; the reference's has no dropout (classifier.0 is the
    // Linear).
    auto classifier = std::make_shared<Sequential>();
    if (!anti_aliased) classifier->add(std::make_shared<Dropout>(0.2f));
    classifier->add(std::make_shared<Linear>(1280, options.num_classes));
    auto model = std::make_shared<Sequential>();
    model->add("features", features).add("avgpool", AvgPool2d::adaptive(1)).add("classifier", classifier);
    return model;
}

}  // namespace antialiased
