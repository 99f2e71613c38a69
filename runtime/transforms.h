// Image preprocessing as torchvision does it for ImageNet models: resize (PIL's antialiased bilinear),
// crops, and normalization with the ImageNet mean and standard deviation.
#pragma once

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

// (1, 3, H, W): RGB in [0, 1], minus the ImageNet mean, over its standard deviation. The image must be RGB.
Tensor normalize(const Image &image);

// The validation transform of the reference: RGB, shorter side to `resize_to` (256), central `crop_size`
// (224) crop, normalized.
Tensor validation_transform(const Image &image, int resize_to = 256, int crop_size = 224);

}  // namespace antialiased
