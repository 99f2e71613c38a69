#include "api/antialiased.h"

#include <algorithm>
#include <cmath>

#include "runtime/image_io.h"
#include "runtime/transforms.h"

namespace antialiased {

Classifier::Classifier(const std::string &arch, const std::string &weights, int num_classes, int filter_size, int gpu)
    : device_(gpu >= 0 ? Device::cuda(gpu) : Device::cpu()), num_classes_(num_classes) {
    ModelOptions options;
    options.filter_size = filter_size;
    options.num_classes = num_classes;
    model_ = build_model(arch, options);
    load_weights(*model_, weights);
    model_->fuse();
}

Tensor Classifier::forward(const Tensor &images) const {
    if (images.shape().c != 3) throw Error("images " + images.shape().str() + " must have 3 channels (RGB)");
    Tensor logits = model_->forward(images, device_);
    logits.copy_to_host();
    return logits;
}

std::vector<float> Classifier::logits(const float *images_nchw, int n, int height, int width) const {
    return forward(Tensor::from_nchw(images_nchw, Shape{n, 3, height, width})).to_nchw();
}

std::vector<Prediction> Classifier::classify(const std::string &image_path, int k) const {
    const Tensor logits = forward(validation_transform(read_image(image_path, ColorMode::kRgb)));
    return top_k(logits.data(), num_classes_, k);
}

std::vector<Prediction> top_k(const float *logits, int num_classes, int k) {
    const float top = *std::max_element(logits, logits + num_classes);
    double total = 0;
    for (int i = 0; i < num_classes; i++) total += std::exp(double(logits[i] - top));
    std::vector<Prediction> all;
    for (int i = 0; i < num_classes; i++) all.push_back({i, float(std::exp(double(logits[i] - top)) / total)});
    k = std::min(k, num_classes);
    std::partial_sort(all.begin(), all.begin() + k, all.end(),
                      [](const Prediction &a, const Prediction &b) { return a.probability > b.probability; });
    all.resize(k);
    return all;
}

}  // namespace antialiased
