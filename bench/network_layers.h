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

// resnet18_lpf3 at 32 px (bench/layers.bzl).
inline const std::vector<Layer> kResnet18Lpf3At32 = {
#include "bench/resnet18_lpf3_32_layers.inc"
};

}  // namespace antialiased
