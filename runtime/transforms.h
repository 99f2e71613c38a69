// Image preprocessing as torchvision does it for ImageNet models: resize (PIL's antialiased bilinear),
// crops, and normalization with the ImageNet mean and standard deviation.
#pragma once

#include <random>

#include "runtime/image_io.h"
#include "runtime/tensor.h"

namespace antialiased {

// torchvision's normalization constants (RGB).
constexpr float kImageNetMean[3] = {0.485f, 0.456f, 0.406f};
constexpr float kImageNetStd[3] = {0.229f, 0.224f, 0.225f};

// Resizes so the shorter side is `size` (the other keeps the aspect ratio, truncated like torchvision), with
// PIL's bilinear filter, which widens its support when shrinking (an antialiased resize).
Image resize_shorter_side(const Image &image, int size);
// Resizes to exactly width x height, the same filter.
Image resize(const Image &image, int width, int height);
// The crop of `width` x `height` at (left, top); Error if it does not fit.
Image crop(const Image &image, int left, int top, int width, int height);
// The central crop (torchvision's CenterCrop rounding).
Image center_crop(const Image &image, int size);
// The same crop of every image of a batch (N, C, H, W) -> (N, C, height, width); Error if it does not fit.
Tensor crop(const Tensor &batch, int left, int top, int width, int height);

// (1, 3, H, W): RGB in [0, 1], minus the ImageNet mean, over its standard deviation. The image must be RGB.
Tensor normalize(const Image &image);

// torchvision's RandomResizedCrop(size) with its defaults (area scale in [0.08, 1], aspect ratio in [3/4, 4/3]
// log-uniform, 10 tries, then the central crop of the clamped aspect ratio), resized to size x size, drawing from
// `random` (not torch's generator: the crops are distributed alike, not equal).
Image random_resized_crop(const Image &image, int size, std::mt19937 &random);
// The image mirrored left to right.
Image horizontal_flip(const Image &image);

// The training transform of the reference: RGB, RandomResizedCrop(crop_size), a horizontal flip with
// probability 1/2, normalized.
Tensor training_transform(const Image &image, std::mt19937 &random, int crop_size = 224);

// The validation transform of the reference: RGB, shorter side to `resize_to` (256), central `crop_size`
// (224) crop, normalized.
Tensor validation_transform(const Image &image, int resize_to = 256, int crop_size = 224);

}  // namespace antialiased
