// The convolutions of the benchmarked networks, for the convolution benchmarks.
#pragma once

#include <vector>

namespace antialiased {

// One convolution of a network: in -> out channels, k x k, on a px x px input, `count` times in the network.
struct Layer {
    int in, out, kernel, stride, px, count;
};

// resnet50_lpf4 at 224 px (bench/layers.bzl, the one list of them).
inline const std::vector<Layer> kResnet50Lpf4 = {
#include "bench/resnet50_lpf4_layers.inc"
};

// resnet18_lpf3 at 32 px (the demo's Fashion-MNIST workload, 10 classes): a downsampling block's first 3x3 runs
// at stride 1 on the block's input, then a BlurPool subsamples before its second 3x3; the shortcut's 1x1 follows
// a BlurPool. Maps of 8, 4, 2 and 1 px.
inline const std::vector<Layer> kResnet18Lpf3At32 = {
    {3, 64, 7, 2, 32, 1},                                                            // stem
    {64, 64, 3, 1, 8, 4},                                                            // layer1
    {64, 128, 3, 1, 8, 1},   {128, 128, 3, 1, 4, 3}, {64, 128, 1, 1, 4, 1},      // layer2
    {128, 256, 3, 1, 4, 1},  {256, 256, 3, 1, 2, 3}, {128, 256, 1, 1, 2, 1},     // layer3
    {256, 512, 3, 1, 2, 1},  {512, 512, 3, 1, 1, 3}, {256, 512, 1, 1, 1, 1},     // layer4
    {512, 10, 1, 1, 1, 1},                                                           // fc
};

}  // namespace antialiased
