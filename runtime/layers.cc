#include "runtime/layers.h"

#include <cmath>
#include <cstring>

#include "generators/add_activate_cpu.h"
#include "generators/add_activate_cuda.h"
#include "generators/avg_pool2d_cpu.h"
#include "generators/avg_pool2d_cuda.h"
#include "generators/conv2d_cpu.h"
#include "generators/conv2d_cuda.h"
#include "generators/max_blurpool_forward_cpu.h"
#include "generators/max_blurpool_forward_cuda.h"
#include "generators/max_pool2d_cpu.h"
#include "generators/max_pool2d_cuda.h"
#include "generators/scale_shift_cpu.h"
#include "generators/scale_shift_cuda.h"
#include "runtime/error.h"

namespace antialiased {
namespace {

void check_channels(const char *layer, const Tensor &input, int channels) {
    if (input.shape().c != channels) {
        throw Error(std::string(layer) + ": input " + input.shape().str() + " has " + std::to_string(input.shape().c) +
                    " channels, the layer takes " + std::to_string(channels));
    }
}

// floor((size + 2 * padding - extent) / stride) + 1, where the window's extent must fit the padded size.
int window_output(const char *layer, int size, int extent, int stride, int padding) {
    if (size + 2 * padding < extent) {
        throw Error(std::string(layer) + ": a " + std::to_string(size) + " px map is smaller than its " +
                    std::to_string(extent) + " px window");
    }
    return (size + 2 * padding - extent) / stride + 1;
}

Halide::Runtime::Buffer<float> vector_buffer(const std::vector<float> &values) {
    Halide::Runtime::Buffer<float> buffer(int(values.size()));
    std::memcpy(buffer.data(), values.data(), values.size() * sizeof(float));
    buffer.set_host_dirty();
    return buffer;
}

Tensor scale_shift(const Tensor &input, Halide::Runtime::Buffer<float> &scale, Halide::Runtime::Buffer<float> &shift,
                   Activation activation, const Device &device) {
    Tensor output = Tensor::uninitialized(input.shape());
    auto pipeline = device.is_cuda() ? scale_shift_cuda : scale_shift_cpu;
    check_halide(pipeline(input.raw(), scale.raw_buffer(), shift.raw_buffer(), int(activation), output.raw()),
                 "ScaleShift on " + device.name());
    return output;
}

}  // namespace

Conv2d::Conv2d(int in_channels, int out_channels, int kernel_size, ConvOptions options)
    : in_(in_channels), out_(out_channels), kernel_(kernel_size), options_(options) {
    if (in_ < 1 || out_ < 1 || kernel_ < 1 || options.stride < 1 || options.padding < 0 || options.dilation < 1 ||
        options.groups < 1 || in_ % options.groups || out_ % options.groups) {
        throw Error("Conv2d(" + std::to_string(in_) + ", " + std::to_string(out_) + ", " + std::to_string(kernel_) +
                    "): invalid sizes, stride, padding, dilation or groups");
    }
}

void Conv2d::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    weight_.resize(size_t(out_) * (in_ / options_.groups) * kernel_ * kernel_);
    entries->push_back({prefix + "weight", {out_, in_ / options_.groups, kernel_, kernel_}, &weight_});
    if (options_.bias) {
        bias_.resize(out_);
        entries->push_back({prefix + "bias", {out_}, &bias_});
    }
}

void Conv2d::prepare() {
    const int in_group = in_ / options_.groups, k = kernel_;
    weights_ = Halide::Runtime::Buffer<float>(out_, in_group, k, k);
    std::vector<float> bias(out_, 0.0f);
    const std::vector<float> scales = batch_norm_ ? batch_norm_->scale() : std::vector<float>(out_, 1.0f);
    const std::vector<float> shifts = batch_norm_ ? batch_norm_->shift() : std::vector<float>(out_, 0.0f);
    for (int co = 0; co < out_; co++) {
        const float scale = scales[co];
        for (int ci = 0; ci < in_group; ci++) {
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    weights_(co, ci, kx, ky) = weight_[((size_t(co) * in_group + ci) * k + ky) * k + kx] * scale;
                }
            }
        }
        bias[co] = (options_.bias ? bias_[co] : 0.0f) * scale + shifts[co];
    }
    weights_.set_host_dirty();
    biases_ = vector_buffer(bias);
}

bool Conv2d::absorb(Module &next) {
    if (activation_ != Activation::kNone) return false;  // a batch norm cannot follow the activation
    if (auto *bn = dynamic_cast<BatchNorm2d *>(&next)) {
        if (batch_norm_ || bn->absorbed_by_ || bn->channels_ != out_) return false;
        batch_norm_ = bn;
        activation_ = bn->activation_;
        bn->absorbed_by_ = this;
    } else if (auto *relu = dynamic_cast<ReLU *>(&next)) {
        if (relu->absorbed_) return false;
        activation_ = relu->activation_;
        relu->absorbed_ = true;
    } else {
        return false;
    }
    prepare();
    return true;
}

Tensor Conv2d::forward(const Tensor &input, const Device &device) const {
    check_channels("Conv2d", input, in_);
    const Shape &s = input.shape();
    const int extent = options_.dilation * (kernel_ - 1) + 1;
    const Shape out{s.n, out_, window_output("Conv2d", s.h, extent, options_.stride, options_.padding),
                    window_output("Conv2d", s.w, extent, options_.stride, options_.padding)};
    Tensor output = Tensor::uninitialized(out);
    auto pipeline = device.is_cuda() ? conv2d_cuda : conv2d_cpu;
    check_halide(pipeline(input.raw(), weights_.raw_buffer(), biases_.raw_buffer(), options_.stride, options_.stride,
                          options_.padding, options_.padding, options_.dilation, options_.dilation, options_.groups,
                          int(activation_), output.raw()),
                 "Conv2d on " + device.name());
    return output;
}

Linear::Linear(int in_features, int out_features, Shape input_map)
    : Conv2d(in_features, out_features, 1), map_(input_map) {
    if (map_.c == 0) map_ = Shape{1, in_features, 1, 1};
    if (size_t(map_.c) * map_.h * map_.w != size_t(in_features)) {
        throw Error("Linear(" + std::to_string(in_features) + "): input map " + map_.str() + " does not flatten to it");
    }
}

void Linear::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    weight_.resize(size_t(out_) * in_);
    bias_.resize(out_);
    entries->push_back({prefix + "weight", {out_, in_}, &weight_});
    entries->push_back({prefix + "bias", {out_}, &bias_});
}

void Linear::prepare() {
    // Column c*H*W + y*W + x of PyTorch's weight reads our flattened element (y*W + x)*C + c.
    const std::vector<float> torch_order = weight_;
    const int plane = map_.h * map_.w;
    for (int o = 0; o < out_; o++) {
        for (int c = 0; c < map_.c; c++) {
            for (int p = 0; p < plane; p++) {
                weight_[size_t(o) * in_ + size_t(p) * map_.c + c] = torch_order[size_t(o) * in_ + size_t(c) * plane + p];
            }
        }
    }
    Conv2d::prepare();
    weight_ = torch_order;  // the state stays in PyTorch's order
}

Tensor Linear::forward(const Tensor &input, const Device &device) const {
    const Shape &s = input.shape();
    if (s.c != map_.c || s.h != map_.h || s.w != map_.w) {
        throw Error("Linear: input " + s.str() + " is not the (N, " + std::to_string(map_.c) + ", " +
                    std::to_string(map_.h) + ", " + std::to_string(map_.w) + ") map the layer flattens");
    }
    return Conv2d::forward(input.reshaped(Shape{s.n, in_, 1, 1}), device);
}

BatchNorm2d::BatchNorm2d(int channels, Activation activation) : channels_(channels), activation_(activation) {}

void BatchNorm2d::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    for (std::vector<float> *v : {&weight_, &bias_, &mean_, &var_}) v->resize(channels_);
    entries->push_back({prefix + "weight", {channels_}, &weight_});
    entries->push_back({prefix + "bias", {channels_}, &bias_});
    entries->push_back({prefix + "running_mean", {channels_}, &mean_});
    entries->push_back({prefix + "running_var", {channels_}, &var_});
    StateEntry count{prefix + "num_batches_tracked", {}, nullptr, &batches_tracked_};
    entries->push_back(count);
}

std::vector<float> BatchNorm2d::scale() const {
    std::vector<float> scale(channels_);
    for (int c = 0; c < channels_; c++) scale[c] = weight_[c] / std::sqrt(var_[c] + 1e-5f);
    return scale;
}

std::vector<float> BatchNorm2d::shift() const {
    const std::vector<float> s = scale();
    std::vector<float> shift(channels_);
    for (int c = 0; c < channels_; c++) shift[c] = bias_[c] - mean_[c] * s[c];
    return shift;
}

void BatchNorm2d::prepare() {
    scale_ = vector_buffer(scale());
    shift_ = vector_buffer(shift());
}

bool BatchNorm2d::absorb(Module &next) {
    if (absorbed_by_) return absorbed_by_->absorb(next);
    auto *relu = dynamic_cast<ReLU *>(&next);
    if (!relu || relu->absorbed_ || activation_ != Activation::kNone) return false;
    activation_ = relu->activation_;
    relu->absorbed_ = true;
    return true;
}

Tensor BatchNorm2d::forward(const Tensor &input, const Device &device) const {
    check_channels("BatchNorm2d", input, channels_);
    if (absorbed_by_) return input;
    return scale_shift(input, scale_, shift_, activation_, device);
}

Tensor ReLU::forward(const Tensor &input, const Device &device) const {
    if (absorbed_) return input;
    Halide::Runtime::Buffer<float> ones = vector_buffer(std::vector<float>(input.shape().c, 1.0f));
    Halide::Runtime::Buffer<float> zeros = vector_buffer(std::vector<float>(input.shape().c, 0.0f));
    return scale_shift(input, ones, zeros, activation_, device);
}

MaxPool2d::MaxPool2d(int kernel_size, int stride, int padding) : kernel_(kernel_size), stride_(stride), padding_(padding) {
    if (kernel_ < 1 || stride_ < 1 || padding_ < 0 || 2 * padding_ > kernel_) {
        throw Error("MaxPool2d(" + std::to_string(kernel_) + ", " + std::to_string(stride_) + ", " +
                    std::to_string(padding_) + "): invalid (padding must be at most half the kernel)");
    }
}

bool MaxPool2d::absorb(Module &next) {
    auto *blur = dynamic_cast<BlurPoolLayer *>(&next);
    if (!blur || blur->absorbed_ || blur_ || stride_ != 1) return false;
    blur_ = blur;
    blur->absorbed_ = true;
    return true;
}

Tensor MaxPool2d::forward(const Tensor &input, const Device &device) const {
    const Shape &s = input.shape();
    const Shape pooled{s.n, s.c, window_output("MaxPool2d", s.h, kernel_, stride_, padding_),
                       window_output("MaxPool2d", s.w, kernel_, stride_, padding_)};
    if (blur_) {
        const BlurPool &b = blur_->blurpool_;
        Tensor output = Tensor::uninitialized(b.output_shape(pooled));
        auto pipeline = device.is_cuda() ? max_blurpool_forward_cuda : max_blurpool_forward_cpu;
        check_halide(pipeline(input.raw(), b.x().filt_size, b.y().filt_size, b.x().stride, b.y().stride,
                              int(b.pad_type()), b.x().pad_off, b.y().pad_off, kernel_, padding_, output.raw()),
                     "MaxBlurPool on " + device.name());
        return output;
    }
    Tensor output = Tensor::uninitialized(pooled);
    auto pipeline = device.is_cuda() ? max_pool2d_cuda : max_pool2d_cpu;
    check_halide(pipeline(input.raw(), kernel_, kernel_, stride_, stride_, padding_, padding_, output.raw()),
                 "MaxPool2d on " + device.name());
    return output;
}

AvgPool2d::AvgPool2d(int kernel_size, int stride, int padding) : kernel_(kernel_size), stride_(stride), padding_(padding) {
    if (kernel_ < 1 || stride_ < 1 || padding_ < 0 || 2 * padding_ > kernel_) {
        throw Error("AvgPool2d(" + std::to_string(kernel_) + ", " + std::to_string(stride_) + ", " +
                    std::to_string(padding_) + "): invalid (padding must be at most half the kernel)");
    }
}

std::shared_ptr<AvgPool2d> AvgPool2d::adaptive(int output_size) {
    if (output_size < 1) throw Error("AdaptiveAvgPool2d: output size " + std::to_string(output_size) + " must be >= 1");
    std::shared_ptr<AvgPool2d> pool(new AvgPool2d());
    pool->adaptive_ = true;
    pool->output_size_ = output_size;
    return pool;
}

Tensor AvgPool2d::forward(const Tensor &input, const Device &device) const {
    const Shape &s = input.shape();
    const Shape out = adaptive_ ? Shape{s.n, s.c, output_size_, output_size_}
                                : Shape{s.n, s.c, window_output("AvgPool2d", s.h, kernel_, stride_, padding_),
                                        window_output("AvgPool2d", s.w, kernel_, stride_, padding_)};
    Tensor output = Tensor::uninitialized(out);
    auto pipeline = device.is_cuda() ? avg_pool2d_cuda : avg_pool2d_cpu;
    check_halide(pipeline(input.raw(), adaptive_ ? 1 : 0, kernel_, kernel_, stride_, stride_, padding_, padding_, out.w,
                          out.h, output.raw()),
                 "AvgPool2d on " + device.name());
    return output;
}

BlurPoolLayer::BlurPoolLayer(int channels, int filt_size, int stride, PadType pad_type)
    : blurpool_(channels, pad_type, filt_size, stride), filt_(blurpool_.filter()) {}

Tensor BlurPoolLayer::forward(const Tensor &input, const Device &device) const {
    return absorbed_ ? input : blurpool_.forward(input, device);
}

void BlurPoolLayer::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    StateEntry filt{prefix + "filt", {blurpool_.channels(), 1, blurpool_.y().filt_size, blurpool_.x().filt_size}};
    filt.fixed = &filt_;
    entries->push_back(filt);
}

Tensor add(const Tensor &a, const Tensor &b, Activation activation, const Device &device) {
    if (a.shape() != b.shape()) throw Error("add: shapes " + a.shape().str() + " and " + b.shape().str() + " differ");
    Tensor output = Tensor::uninitialized(a.shape());
    auto pipeline = device.is_cuda() ? add_activate_cuda : add_activate_cpu;
    check_halide(pipeline(a.raw(), b.raw(), int(activation), output.raw()), "add on " + device.name());
    return output;
}

Tensor concat(const std::vector<Tensor> &inputs, const Device &device) {
    (void)device;  // a host copy: the data are brought back from the GPU first
    Shape out = inputs.at(0).shape();
    out.c = 0;
    for (const Tensor &t : inputs) {
        const Shape &s = t.shape();
        if (s.n != out.n || s.h != out.h || s.w != out.w) throw Error("concat: shape " + s.str() + " does not match");
        out.c += s.c;
    }
    Tensor output = Tensor::uninitialized(out);
    float *dst = output.data();
    const size_t pixels = size_t(out.n) * out.h * out.w;
    int offset = 0;
    for (const Tensor &t : inputs) {
        const float *src = t.data();
        const int c = t.shape().c;
        for (size_t p = 0; p < pixels; p++) std::memcpy(dst + p * out.c + offset, src + p * c, c * sizeof(float));
        offset += c;
    }
    return output;
}

}  // namespace antialiased
