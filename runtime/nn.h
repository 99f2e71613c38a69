// Building your own anti-aliased networks, as with torch.nn: the layers (layers.h: Conv2d, BatchNorm2d, ReLU /
// ReLU6, MaxPool2d, AvgPool2d, Linear, Dropout, BlurPoolLayer), Sequential and Composite (module.h), the ops
// add and concat (autograd.h), and the reference's three rules for anti-aliasing a layer that subsamples (its
// paper's figure 2), each a Sequential whose children are named "0", "1", ... as nn.Sequential names them:
//
//   MaxPool(k, stride s)           ->  max_blur_pool:  MaxPool(k, stride 1), BlurPool(stride s)
//   Conv(stride s), ReLU           ->  conv_blur_pool: Conv(stride 1), ReLU, BlurPool(stride s)
//   AvgPool(k, stride s)           ->  blur_pool:      BlurPool(stride s)
//
// A network is a Composite that registers its children and defines its forward pass (examples/
// preact_resnet_aa.cc); training, the backward pass, checkpoints under the children's names and inference
// fusion follow.
#pragma once

#include <memory>

#include "runtime/autograd.h"
#include "runtime/layers.h"
#include "runtime/module.h"

namespace antialiased {

std::shared_ptr<Sequential> max_blur_pool(int channels, int kernel_size, int stride, int filter_size,
                                          PadType pad_type = PadType::kReflect);
// `options.stride` is the stride of the convolution replaced; the one built runs at stride 1.
std::shared_ptr<Sequential> conv_blur_pool(int in_channels, int out_channels, int kernel_size, ConvOptions options,
                                           int filter_size, PadType pad_type = PadType::kReflect);
std::shared_ptr<BlurPoolLayer> blur_pool(int channels, int stride, int filter_size,
                                         PadType pad_type = PadType::kReflect);

}  // namespace antialiased
