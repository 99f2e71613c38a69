// The public C++ API: build any network of the zoo by name, load its PyTorch weights, classify.
//
//   #include <antialiased.h>      // Bazel: deps = ["//api:antialiased"]; elsewhere: pkg-config antialiased
//   antialiased::Classifier net("resnet50_lpf4", "resnet50_lpf4-994b528f.pth");
//   for (auto [label, p] : net.classify("cat.jpg")) std::printf("%d %.3f\n", label, p);
//
// Architectures: alexnet, vgg11/13/16/19[_bn], resnet18/34/50/101/152, resnext50_32x4d, resnext101_32x8d,
// wide_resnet50_2, wide_resnet101_2, densenet121/161/169/201, mobilenet_v2; "<name>_lpf<K>" is the
// anti-aliased version with filter size K (1..7), "<name>_lpf" takes K from `filter_size`, "<name>" is the
// torchvision baseline. Weights: .pth / .pth.tar files in either torch.save format, state_dict or training
// checkpoint. Every failure throws antialiased::Error with a one-line message.
//
// Beyond classifying, the same header has the rest of the library:
// - your own networks (runtime/nn.h): layers, Sequential, Composite (a forward pass over registered children),
//   add / concat, and the reference's anti-aliasing rules max_blur_pool, conv_blur_pool, blur_pool; register
//   one by name with models/zoo.h's ModelRegistration (examples/preact_resnet_aa.cc);
// - training (runtime/trainer.h): Trainer(model, SgdOptions{lr, momentum, weight_decay}).step(images, labels);
// - checkpoints under PyTorch's names: load_weights / save_weights (models/zoo.h);
// - anti-aliasing a trained baseline: finetune_model("resnet50_lpf4", options, "resnet50.pth") copies its
//   parameters and buffers (the reference's copy_params_buffers).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/zoo.h"
#include "runtime/device.h"
#include "runtime/error.h"
#include "runtime/nn.h"
#include "runtime/tensor.h"
#include "runtime/trainer.h"

namespace antialiased {

struct Prediction {
    int label;          // class index
    float probability;  // softmax
};

class Classifier {
  public:
    // `gpu` >= 0 runs on that CUDA GPU (Error if there is none).
    Classifier(const std::string &arch, const std::string &weights, int num_classes = 1000, int filter_size = 4,
               int gpu = -1);

    int num_classes() const { return num_classes_; }
    // Logits (N, num_classes), row-major, for a batch of normalized images (N, 3, H, W) in C order.
    std::vector<float> logits(const float *images_nchw, int n, int height, int width) const;
    // The same for a tensor; the result is (N, num_classes, 1, 1).
    Tensor forward(const Tensor &images) const;
    // The k most probable classes of a PNG or JPEG file, after the reference's validation transform (resize
    // 256, center crop 224, ImageNet normalization).
    std::vector<Prediction> classify(const std::string &image_path, int k = 5) const;

  private:
    Model model_;
    Device device_;
    int num_classes_;
};

// The k largest softmax probabilities of one row of logits, most probable first.
std::vector<Prediction> top_k(const float *logits, int num_classes, int k);

}  // namespace antialiased
