// The layers of the model zoo, each a Module with PyTorch's parameter names and shapes, running the
// compiled Halide stages. Parameters are held in PyTorch's layout (what checkpoints hold), but for the
// convolutions' weights, held as their stages read and write them (StateEntry::order), on the device that last
// used them (parameter.h); prepare() marks the stages' layouts and folded constants stale, and the first call
// after it makes them again, on its device.
#pragma once

#include <HalideBuffer.h>

#include "generators/stage_enums.h"
#include "runtime/batch_norm_training.h"
#include "runtime/blurpool.h"
#include "runtime/module.h"

namespace antialiased {

// How a convolution is computed: direct (any geometry), or by Winograd's F(4x4, 3x3) (kernel 3, stride 1, dilation 1,
// groups 1, padding up to 2: 4x fewer multiplications, float error a few times the direct sum's). kAuto takes
// Winograd where it applies and is faster: 16 channels or more each side, and output maps of 2 x 2 tiles (4 x 4)
// or more, 5 x 5 px and up (generators/conv_winograd_generators.cpp, bench/conv_bench).
enum class ConvAlgorithm { kAuto, kDirect, kWinograd };

// Along one axis, the taps [first, first + count) of a convolution's filter that read inside its input for some
// output pixel. On maps smaller than the kernel's reach (a 3x3 layer with padding 1 on 1 px maps: the centre tap)
// the others read zero padding alone, and the stages run on the live taps with the padding reduced to match.
struct LiveTaps {
    int first = 0, count = 0;
    int padding = 0;  // the layer's padding less the dropped taps' reach: what the stages take
    bool operator==(const LiveTaps &o) const { return first == o.first && count == o.count && padding == o.padding; }
};

struct ConvOptions {
    int stride = 1, padding = 0, dilation = 1, groups = 1;
    bool bias = true;
    ConvAlgorithm algorithm = ConvAlgorithm::kAuto;
};

// nn.Conv2d: weight (out, in / groups, k, k), bias (out) when it has one.
class Conv2d : public Module {
  public:
    Conv2d(int in_channels, int out_channels, int kernel_size, ConvOptions options = {});
    Tensor forward(const Tensor &input, const Device &device) const override;
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;
    void state(const std::string &prefix, std::vector<StateEntry> *entries) override;
    void prepare() override;
    // A following BatchNorm2d or ReLU: y = act(scale * conv(x) + shift) in this stage.
    bool absorb(Module &next) override;

  protected:
    std::string describe() const;  // "Conv2d(64, 128, 3, stride 2, padding 1)", for errors
    // Writes the Winograd stage's weights (blocks of output channels, 6 x 6 components) of this convolution into
    // `out`, each output channel scaled by `scales`; or, transposed, those of its input gradient (the filter
    // flipped, channels swapped). `out` is (kWeightBlock, in, 6, 6, blocks of out), in and out swapped if
    // transposed. A stage on `device`.
    void winograd_weights(Halide::Runtime::Buffer<float> &scales, bool transposed, Halide::Runtime::Buffer<float> &out,
                          const Device &device) const;
    // The Winograd stage's weight and bias gradients of the saved input and `grad_output`, into those buffers.
    void winograd_weight_gradient(const Tensor &input, const Tensor &grad_output, const Device &device,
                                  Halide::Runtime::Buffer<float> &grad_weights,
                                  Halide::Runtime::Buffer<float> &grad_bias) const;
    // Whether a map of `input`'s shape goes through Winograd's stages (forward and input gradient).
    bool winograd(const Shape &input) const;
    // The forward stages' weights, laid out on `device` on first use after prepare() (or on another device): a
    // layer keeps only the layouts that its calls use. The direct stage's holds the live taps of the latest call
    // (all taps for maps as large as the kernel's reach).
    Halide::Runtime::Buffer<float> &direct_weights(LiveTaps tx, LiveTaps ty, const Device &device) const;
    Halide::Runtime::Buffer<float> &winograd_forward_weights(const Device &device) const;
    // The per-channel scale the weights' layouts fold in and the stages' bias: with an absorbed batch norm, its
    // folding (fold(), made on the host once after prepare()); else 1, and the bias parameter itself (where it
    // is) or 0. The stages take the buffers themselves (a copy of a Halide buffer has dirty bits of its own: a
    // GPU stage would upload a host copy through it again at every call).
    void fold() const;
    halide_buffer_t *biases(const Device &device) const;
    int in_, out_, kernel_;
    bool winograd_allowed_;  // the geometry fits Winograd's stages, and the options allow them
    ConvOptions options_;
    Parameter weight_, bias_;  // weight_ (ky, kx, ci, co): output channels innermost
    // fold()'s scales and biases (co). Mutable: the layouts are made on first use, and a GPU run keeps device
    // copies in them. Halide layouts: direct (kWeightBlock, ci, kx, ky, blocks of co); Winograd's (kWeightBlock,
    // ci, 6, 6, blocks of co); each made on the device of weights_device_ / winograd_weights_device_.
    mutable Halide::Runtime::Buffer<float> scales_, biases_, weights_, winograd_weights_;
    mutable Halide::Runtime::Buffer<float> bias_on_device_;  // biases()'s view of bias_
    mutable bool folded_stale_ = true, weights_stale_ = true, winograd_weights_stale_ = true;
    mutable Device::Kind weights_device_ = Device::kCpu, winograd_weights_device_ = Device::kCpu;
    // The Winograd input gradient's scale 1 and bias 0 per input channel, kept (a GPU uploads them once).
    mutable Halide::Runtime::Buffer<float> input_ones_, input_zeros_;
    mutable std::pair<LiveTaps, LiveTaps> weights_taps_;  // the taps weights_ holds
    const class BatchNorm2d *batch_norm_ = nullptr;  // absorbed
    Activation activation_ = Activation::kNone;
    // Training: the input (for the weights' gradient) and the gradients, in weight_'s and bias_'s layouts.
    SavedMap saved_input_;
    Parameter weight_grad_, bias_grad_;
};

// nn.Linear: weight (out, in), bias (out). PyTorch flattens (C, H, W) maps in that order; our maps are
// channels-innermost, so `input_map` (C, H, W) tells how to reorder the weight's columns.
class Linear : public Conv2d {
  public:
    Linear(int in_features, int out_features, Shape input_map = {});
    Tensor forward(const Tensor &input, const Device &device) const override;
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;
    void state(const std::string &prefix, std::vector<StateEntry> *entries) override;

  private:
    // The input as the (N, in_features, 1, 1) map the 1x1 convolution takes.
    Tensor flattened(const Tensor &input) const;
    Shape map_;
};

// nn.BatchNorm2d in inference: y = (x - running_mean) / sqrt(running_var + eps) * weight + bias.
class BatchNorm2d : public Module {
  public:
    explicit BatchNorm2d(int channels, Activation activation = Activation::kNone);
    Tensor forward(const Tensor &input, const Device &device) const override;
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;
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
    Parameter weight_, bias_, mean_, var_;
    int64_t batches_tracked_ = 0;
    // Inference's scale() and shift(), made on first use after prepare().
    mutable Halide::Runtime::Buffer<float> scale_, shift_;
    mutable bool folded_stale_ = true;
    // Training: the forward pass's input and batch statistics, for the backward pass and for the layer after
    // this one, which takes the output's recipe instead of keeping the output (saved_map.h).
    Tensor saved_input_;
    BatchStatistics saved_statistics_;
    Parameter weight_grad_, bias_grad_;
};

// nn.ReLU / nn.ReLU6.
class ReLU : public Module {
  public:
    explicit ReLU(Activation activation = Activation::kRelu) : activation_(activation) {}
    Tensor forward(const Tensor &input, const Device &device) const override;
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;

  private:
    friend class Conv2d;
    friend class BatchNorm2d;
    Activation activation_;
    bool absorbed_ = false;  // then forward() passes its input through
    Tensor saved_output_;    // training: the derivative is read from the output, like torch's in-place ReLU
    // The scale-shift stage's scale 1 and shift 0 per channel, kept (a GPU run uploads them once).
    mutable Halide::Runtime::Buffer<float> ones_, zeros_;
};

class BlurPoolLayer;

// nn.MaxPool2d(kernel, stride, padding).
class MaxPool2d : public Module {
  public:
    MaxPool2d(int kernel_size, int stride, int padding = 0);
    Tensor forward(const Tensor &input, const Device &device) const override;
    // The backward stage takes windows up to 3x3 (every pool of the zoo); larger ones are an Error.
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;
    // With stride 1, a following BlurPool: both run as one stage (the reference's MaxBlurPool), and the
    // stride-1 map is never stored whole.
    bool absorb(Module &next) override;

  private:
    int kernel_, stride_, padding_;
    BlurPoolLayer *blur_ = nullptr;  // absorbed
    SavedMap saved_input_;
};

// nn.AvgPool2d(kernel, stride, padding) with count_include_pad, or nn.AdaptiveAvgPool2d(output_size).
class AvgPool2d : public Module {
  public:
    AvgPool2d(int kernel_size, int stride, int padding = 0);
    static std::shared_ptr<AvgPool2d> adaptive(int output_size);
    Tensor forward(const Tensor &input, const Device &device) const override;
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;

  private:
    AvgPool2d() = default;
    bool adaptive_ = false;
    int kernel_ = 1, stride_ = 1, padding_ = 0, output_size_ = 1;
    Shape input_shape_;  // training: the pool is linear, its backward needs only the shape
};

// nn.Dropout(p): the identity in inference; in training, inverted dropout with a mask drawn from a seed
// (generators/elementwise_generators.cpp), which backward regenerates instead of storing.
class Dropout : public Module {
  public:
    explicit Dropout(float p = 0.5f);
    Tensor forward(const Tensor &input, const Device &) const override { return input; }
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;

  private:
    float p_;
    bool active_ = false;  // in the last forward_train
    int seed_ = 0;
};

// The reference's BlurPool(channels, pad_type, filt_size, stride): its buffer `filt` is in every state_dict.
class BlurPoolLayer : public Module {
  public:
    BlurPoolLayer(int channels, int filt_size, int stride, PadType pad_type = PadType::kReflect);
    Tensor forward(const Tensor &input, const Device &device) const override;
    Tensor forward_train(const Tensor &input, TrainContext &context) override;
    Tensor backward(const Tensor &grad_output, TrainContext &context, bool input_grad) override;
    void state(const std::string &prefix, std::vector<StateEntry> *entries) override;

  private:
    friend class MaxPool2d;
    BlurPool blurpool_;
    std::vector<float> filt_;  // never trained: the state lists it as fixed, with no gradient
    bool absorbed_ = false;  // by the max pool before it; then forward() passes its input through
    Shape input_shape_;       // training: the filter is linear, its backward needs only the shape
};

// Elementwise act(a + b): the residual connection.
Tensor add(const Tensor &a, const Tensor &b, Activation activation, const Device &device);
// d(loss)/d(input) of an activation given its output and d(loss)/d(output).
Tensor activation_backward(const Tensor &output, const Tensor &grad_output, Activation activation,
                           const Device &device);
// Concatenation along channels (DenseNet), and its inverse: the pieces of `channels`' counts. Both run on
// `device` (the maps stay where they are).
Tensor concat(const std::vector<Tensor> &inputs, const Device &device);
std::vector<Tensor> split_channels(const Tensor &input, const std::vector<int> &channels, const Device &device);

}  // namespace antialiased
