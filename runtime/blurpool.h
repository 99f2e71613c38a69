// The BlurPool layer of Zhang (ICML 2019): a fixed binomial low-pass filter applied depthwise before
// subsampling, exactly as the reference's BlurPool(channels, pad_type, filt_size, stride, pad_off) and
// BlurPool1D. It has no trainable parameters: its filter is a function of the filter size, and nothing can
// change it (there is no setter; `filter()` computes the reference's `filt` buffer for checkpoints).
#pragma once

#include <string>
#include <vector>

#include "generators/stage_enums.h"
#include "runtime/device.h"
#include "runtime/tensor.h"

namespace antialiased {

// PadType (generators/stage_enums.h): the reference's pad types. Reflect mirrors without repeating the edge pixel
// and, like PyTorch's ReflectionPad, needs every pad to be smaller than the map; on smaller maps use replicate or
// zero.

// Accepts the reference's spellings: "refl"/"reflect", "repl"/"replicate", "zero".
PadType parse_pad_type(const std::string &name);
std::string pad_type_name(PadType type);

// The filter size, stride and pad offset along one axis.
struct BlurAxis {
    int filt_size = 4;
    int stride = 2;
    int pad_off = 0;

    int pad_before() const { return (filt_size - 1) / 2 + pad_off; }
    int pad_after() const { return filt_size / 2 + pad_off; }
    // floor((size - 1 + 2 * pad_off) / stride) + 1: ceil(size / stride) for pad_off = 0.
    int output_size(int size) const { return (size - 1 + 2 * pad_off) / stride + 1; }
};

// The normalised 1-D binomial taps of filter size k (1..7): C(k-1, r) / 2^(k-1).
std::vector<float> binomial_taps(int filt_size);

class BlurPool {
  public:
    // The reference's 2-D BlurPool: the same filter, stride and pad offset on both axes.
    BlurPool(int channels, PadType pad_type = PadType::kReflect, int filt_size = 4, int stride = 2,
             int pad_off = 0);
    // Per-axis filter sizes, strides and offsets (anisotropic blurring and subsampling).
    BlurPool(int channels, PadType pad_type, BlurAxis y, BlurAxis x);
    // The reference's BlurPool1D on (N, C, L) signals, held as tensors of shape (N, C, 1, L).
    static BlurPool one_d(int channels, PadType pad_type = PadType::kReflect, int filt_size = 3, int stride = 2,
                          int pad_off = 0);

    int channels() const { return channels_; }
    PadType pad_type() const { return pad_type_; }
    const BlurAxis &y() const { return y_; }
    const BlurAxis &x() const { return x_; }

    // The output shape for `input`; throws Error if the input does not fit this layer (channels, empty
    // maps, reflect padding on a map too small for it).
    Shape output_shape(const Shape &input) const;

    // The blurred, subsampled input, on `device` (the result stays there until read).
    Tensor forward(const Tensor &input, const Device &device = Device::cpu()) const;
    // The gradient of a loss with respect to `input`, given its gradient `grad_output` with respect to
    // forward(input). The layer is linear, so `input` only supplies the shape.
    Tensor backward(const Tensor &input, const Tensor &grad_output, const Device &device = Device::cpu()) const;

    // The reference's persistent buffer `filt`, shape (C, 1, ky, kx), C-order: outer(a, a) / sum(outer(a, a)).
    std::vector<float> filter() const;

  private:
    int channels_;
    PadType pad_type_;
    BlurAxis y_, x_;
};

}  // namespace antialiased
