// The layers of the model zoo, each a Module with PyTorch's parameter names and shapes, running the
// compiled Halide stages. Parameters are held in PyTorch's layout (what checkpoints hold) and converted by
// prepare() into the stages' layouts.
#pragma once

#include <HalideBuffer.h>

#include "runtime/blurpool.h"
#include "runtime/module.h"

namespace antialiased {

// Fused into Conv2d and ScaleShift stages; the numbers are generators/activation.h's.
enum class Activation { kNone = 0, kRelu = 1, kRelu6 = 2 };

struct ConvOptions {
    int stride = 1, padding = 0, dilation = 1, groups = 1;
    bool bias = true;
};

// nn.Conv2d: weight (out, in / groups, k, k), bias (out) when it has one.
class Conv2d : public Module {
  public:
    Conv2d(int in_channels, int out_channels, int kernel_size, ConvOptions options = {});
    Tensor forward(const Tensor &input, const Device &device) const override;
    void state(const std::string &prefix, std::vector<StateEntry> *entries) override;
    void prepare() override;
    // A following BatchNorm2d or ReLU: y = act(scale * conv(x) + shift) in this stage.
    bool absorb(Module &next) override;

  protected:
    int in_, out_, kernel_;
    ConvOptions options_;
    std::vector<float> weight_, bias_;
    // Halide layouts: weights (co, ci, kx, ky), bias (co); with any absorbed batch norm applied. Mutable: a
    // GPU run keeps device copies in them.
    mutable Halide::Runtime::Buffer<float> weights_, biases_;
    const class BatchNorm2d *batch_norm_ = nullptr;  // absorbed
    Activation activation_ = Activation::kNone;
};

// nn.Linear: weight (out, in), bias (out). PyTorch flattens (C, H, W) maps in that order; our maps are
// channels-innermost, so `input_map` (C, H, W) tells how to reorder the weight's columns.
class Linear : public Conv2d {
  public:
    Linear(int in_features, int out_features, Shape input_map = {});
    Tensor forward(const Tensor &input, const Device &device) const override;
    void state(const std::string &prefix, std::vector<StateEntry> *entries) override;
    void prepare() override;

  private:
    Shape map_;
};

// nn.BatchNorm2d in inference: y = (x - running_mean) / sqrt(running_var + eps) * weight + bias.
class BatchNorm2d : public Module {
  public:
    explicit BatchNorm2d(int channels, Activation activation = Activation::kNone);
    Tensor forward(const Tensor &input, const Device &device) const override;
    void state(const std::string &prefix, std::vector<StateEntry> *entries) override;
    void prepare() override;
    // Forwards to the convolution that absorbed this batch norm; else takes a following ReLU's activation.
    bool absorb(Module &next) override;
    // The per-channel scale and shift this inference batch norm applies.
    std::vector<float> scale() const;
    std::vector<float> shift() const;

  private:
    friend class Conv2d;
    int channels_;
    Activation activation_;
    Conv2d *absorbed_by_ = nullptr;  // then forward() passes its input through
    std::vector<float> weight_, bias_, mean_, var_;
    int64_t batches_tracked_ = 0;
    mutable Halide::Runtime::Buffer<float> scale_, shift_;
};

// nn.ReLU / nn.ReLU6.
class ReLU : public Module {
  public:
    explicit ReLU(Activation activation = Activation::kRelu) : activation_(activation) {}
    Tensor forward(const Tensor &input, const Device &device) const override;

  private:
    friend class Conv2d;
    friend class BatchNorm2d;
    Activation activation_;
    bool absorbed_ = false;  // then forward() passes its input through
};

class BlurPoolLayer;

// nn.MaxPool2d(kernel, stride, padding).
class MaxPool2d : public Module {
  public:
    MaxPool2d(int kernel_size, int stride, int padding = 0);
    Tensor forward(const Tensor &input, const Device &device) const override;
    // With stride 1, a following BlurPool: both run as one stage (the reference's MaxBlurPool), and the
    // stride-1 map is never stored whole.
    bool absorb(Module &next) override;

  private:
    int kernel_, stride_, padding_;
    BlurPoolLayer *blur_ = nullptr;  // absorbed
};

// nn.AvgPool2d(kernel, stride, padding) with count_include_pad, or nn.AdaptiveAvgPool2d(output_size).
class AvgPool2d : public Module {
  public:
    AvgPool2d(int kernel_size, int stride, int padding = 0);
    static std::shared_ptr<AvgPool2d> adaptive(int output_size);
    Tensor forward(const Tensor &input, const Device &device) const override;

  private:
    AvgPool2d() = default;
    bool adaptive_ = false;
    int kernel_ = 1, stride_ = 1, padding_ = 0, output_size_ = 1;
};

// nn.Dropout in inference: the identity.
class Dropout : public Module {
  public:
    Tensor forward(const Tensor &input, const Device &) const override { return input; }
};

// The reference's BlurPool(channels, pad_type, filt_size, stride): its buffer `filt` is in every state_dict.
class BlurPoolLayer : public Module {
  public:
    BlurPoolLayer(int channels, int filt_size, int stride, PadType pad_type = PadType::kReflect);
    Tensor forward(const Tensor &input, const Device &device) const override;
    void state(const std::string &prefix, std::vector<StateEntry> *entries) override;

  private:
    friend class MaxPool2d;
    BlurPool blurpool_;
    std::vector<float> filt_;
    bool absorbed_ = false;  // by the max pool before it; then forward() passes its input through
};

// Elementwise act(a + b): the residual connection.
Tensor add(const Tensor &a, const Tensor &b, Activation activation, const Device &device);
// Concatenation along channels (DenseNet).
Tensor concat(const std::vector<Tensor> &inputs, const Device &device);

}  // namespace antialiased
