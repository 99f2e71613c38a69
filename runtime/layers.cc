#include "runtime/layers.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <HalideRuntime.h>

#include "generators/activation_backward_cpu.h"
#include "generators/activation_backward_cuda.h"
#include "generators/activation_backward_opencl.h"
#include "generators/add_activate_cpu.h"
#include "generators/add_activate_cuda.h"
#include "generators/add_activate_opencl.h"
#include "generators/avg_pool2d_backward_cpu.h"
#include "generators/avg_pool2d_backward_cuda.h"
#include "generators/avg_pool2d_backward_opencl.h"
#include "generators/avg_pool2d_cpu.h"
#include "generators/avg_pool2d_cuda.h"
#include "generators/avg_pool2d_opencl.h"
#include "generators/channels_from_cpu.h"
#include "generators/channels_from_cuda.h"
#include "generators/channels_from_opencl.h"
#include "generators/channels_into_cpu.h"
#include "generators/channels_into_cuda.h"
#include "generators/channels_into_opencl.h"
#include "generators/conv2d_cpu.h"
#include "generators/conv2d_cuda.h"
#include "generators/conv2d_opencl.h"
#include "generators/conv2d_grad_input_cpu.h"
#include "generators/conv2d_grad_input_cuda.h"
#include "generators/conv2d_grad_input_opencl.h"
#include "generators/conv2d_grad_weights_cpu.h"
#include "generators/conv2d_grad_weights_cuda.h"
#include "generators/conv2d_grad_weights_opencl.h"
#include "generators/conv2d_winograd_cpu.h"
#include "generators/conv2d_winograd_cuda.h"
#include "generators/conv2d_winograd_opencl.h"
#include "generators/conv2d_winograd_grad_weights_cpu.h"
#include "generators/conv2d_winograd_grad_weights_cuda.h"
#include "generators/conv2d_winograd_grad_weights_opencl.h"
#include "generators/conv2d_weights_blocked_cpu.h"
#include "generators/conv2d_weights_blocked_cuda.h"
#include "generators/conv2d_weights_blocked_opencl.h"
#include "generators/conv2d_weights_transposed_cpu.h"
#include "generators/conv2d_weights_transposed_cuda.h"
#include "generators/conv2d_weights_transposed_opencl.h"
#include "generators/conv2d_winograd_weights_cpu.h"
#include "generators/conv2d_winograd_weights_cuda.h"
#include "generators/conv2d_winograd_weights_opencl.h"
#include "generators/dropout_backward_cpu.h"
#include "generators/dropout_backward_cuda.h"
#include "generators/dropout_backward_opencl.h"
#include "generators/dropout_forward_cpu.h"
#include "generators/dropout_forward_cuda.h"
#include "generators/dropout_forward_opencl.h"
#include "generators/max_blurpool_forward_cpu.h"
#include "generators/max_blurpool_forward_cuda.h"
#include "generators/max_blurpool_forward_opencl.h"
#include "generators/max_pool2d_backward_cpu.h"
#include "generators/max_pool2d_backward_cuda.h"
#include "generators/max_pool2d_backward_opencl.h"
#include "generators/max_pool2d_cpu.h"
#include "generators/max_pool2d_cuda.h"
#include "generators/max_pool2d_opencl.h"
#include "generators/scale_shift_cpu.h"
#include "generators/scale_shift_cuda.h"
#include "generators/scale_shift_opencl.h"
#include "generators/weight_blocks.h"
#include "runtime/batch_norm_training.h"
#include "runtime/error.h"
#include "runtime/memory_pool.h"
#include "runtime/tuned_dispatch.h"

namespace antialiased {
namespace {

// The live taps of a weight (or its gradient) stored (ky, kx, ci, co), as the stages take it: a (co, ci, kx, ky)
// buffer on `device`; to be written whole (its values not brought over) if `output`. All taps are live on a GPU
// (live_filter), whose stages take the parameter's own device memory; on the CPU a view of some taps.
Halide::Runtime::Buffer<float> live_weights(Parameter &weight, const Device &device, bool output, int out, int in_group,
                                            int kernel, LiveTaps tx, LiveTaps ty) {
    if (tx.count == kernel && ty.count == kernel) {
        const std::vector<int> extents = {out, in_group, kernel, kernel};
        return output ? weight.to_write_on(device, extents) : weight.on(device, extents);
    }
    const int tap = in_group * out;  // floats
    halide_dimension_t dims[4] = {{0, out, 1}, {0, in_group, out}, {0, tx.count, tap}, {0, ty.count, tap * kernel}};
    return Halide::Runtime::Buffer<float>(weight.data() + (size_t(ty.first) * kernel + tx.first) * tap, 4, dims);
}

// A fused module computes a different function than its state describes alone; training needs them apart.
void check_trainable(bool fused, const char *layer) {
    if (fused) throw Error(std::string(layer) + ": a fused (inference-only) model cannot train; build it unfused");
}

void check_grad_shape(const char *layer, const Tensor &grad_output, const Shape &expected) {
    if (grad_output.shape() != expected) {
        throw Error(std::string(layer) + " backward: grad_output " + grad_output.shape().str() + " for an output of " +
                    expected.str());
    }
}

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

// The live taps (layers.h) along an axis of `size` input and `out_size` output pixels.
LiveTaps live_taps(int size, int out_size, int kernel, int stride, int padding, int dilation) {
    LiveTaps live{kernel, 0, 0};
    for (int k = 0; k < kernel; k++) {
        // Pixel x reads x * stride + k * dilation - padding: inside for some x < out_size?
        const int offset = k * dilation - padding;
        const bool reads = offset < size && (out_size - 1) * stride + offset >= 0;
        if (reads) live.first = std::min(live.first, k), live.count = k - live.first + 1;
    }
    // The stages take padding >= 0: dropping taps reduces it by first * dilation, which must stay >= 0.
    if (live.count == 0 || live.first * dilation > padding) return {0, kernel, padding};
    live.padding = padding - live.first * dilation;
    return live;
}

// The live taps of a layer, along x and y, for an input and output of these shapes: on a GPU all of them (its
// stages take the parameters' own device memory, which cannot be viewed in part).
std::pair<LiveTaps, LiveTaps> live_filter(const Shape &input, const Shape &output, int kernel, const ConvOptions &o,
                                          const Device &device) {
    if (device.is_gpu()) return {LiveTaps{0, kernel, o.padding}, LiveTaps{0, kernel, o.padding}};
    return {live_taps(input.w, output.w, kernel, o.stride, o.padding, o.dilation),
            live_taps(input.h, output.h, kernel, o.stride, o.padding, o.dilation)};
}

// Scratch that a training step needs again every batch: from the pool, so that its pages are not faulted in
// again each time (a VGG classifier's weight gradient is 400 MB).
Halide::Runtime::Buffer<float> scratch_buffer(std::vector<int> extents) {
    Halide::Runtime::Buffer<float> buffer(nullptr, extents);
    buffer.allocate(pool_allocate_scratch, pool_free_scratch);
    return buffer;
}

// `kept` as `size` copies of `value`, made again only when its size differs (a GPU uploads it once).
Halide::Runtime::Buffer<float> &constant_buffer(Halide::Runtime::Buffer<float> &kept, int size, float value) {
    if (kept.dimensions() != 1 || kept.dim(0).extent() != size) {
        kept = Halide::Runtime::Buffer<float>(size);
        kept.fill(value);
        kept.set_host_dirty();
    }
    return kept;
}

// A stage on `device` is about to write `layout` whole: on the CPU a copy a GPU made earlier is dropped (CPU
// stages take no buffer whose device copy is the newer).
void to_be_written(Halide::Runtime::Buffer<float> &layout, const Device &device) {
    if (!device.is_gpu()) layout.set_device_dirty(false);
}

// A stage on `device` wrote `layout`: after a CPU stage the host copy is the current one (a GPU uploads it).
void written(Halide::Runtime::Buffer<float> &layout, const Device &device) {
    if (!device.is_gpu()) layout.set_host_dirty();
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
    auto pipeline = device.pick(scale_shift_cpu, scale_shift_cuda, scale_shift_opencl);
    check_halide(pipeline(input.raw(), scale.raw_buffer(), shift.raw_buffer(), int(activation), output.raw()),
                 "ScaleShift on " + device.name());
    return output;
}

// A 5-D buffer of weight blocks (kWeightBlock, in_group, components_x, components_y, blocks of out_), kept if it
// has that shape already (so that a training step does not fault in fresh pages). The stages that fill it write
// every element, the last block's channels past `out` as zero.
void shape_weight_blocks(Halide::Runtime::Buffer<float> &buffer, int in_group, int components_x, int components_y,
                         int out) {
    if (buffer.dimensions() != 5 || buffer.dim(1).extent() != in_group || buffer.dim(2).extent() != components_x ||
        buffer.dim(3).extent() != components_y || buffer.dim(4).extent() != weight_blocks(out)) {
        buffer = Halide::Runtime::Buffer<float>(kWeightBlock, in_group, components_x, components_y, weight_blocks(out));
    }
}

}  // namespace

Conv2d::Conv2d(int in_channels, int out_channels, int kernel_size, ConvOptions options)
    : in_(in_channels), out_(out_channels), kernel_(kernel_size), options_(options) {
    if (in_ < 1 || out_ < 1 || kernel_ < 1 || options.stride < 1 || options.padding < 0 || options.dilation < 1 ||
        options.groups < 1 || in_ % options.groups || out_ % options.groups) {
        throw Error("Conv2d(" + std::to_string(in_) + ", " + std::to_string(out_) + ", " + std::to_string(kernel_) +
                    "): invalid sizes, stride, padding, dilation or groups");
    }
    const bool winograd_applies = kernel_ == 3 && options.stride == 1 && options.dilation == 1 &&
                                  options.groups == 1 && options.padding <= 2;
    if (options.algorithm == ConvAlgorithm::kWinograd && !winograd_applies) {
        throw Error(describe() + ": Winograd's algorithm needs kernel 3, stride 1, dilation 1, groups 1, padding <= 2");
    }
    // Below 16 channels a side the transforms cost more than the products save.
    winograd_allowed_ = options.algorithm == ConvAlgorithm::kWinograd ||
                        (options.algorithm == ConvAlgorithm::kAuto && winograd_applies && std::min(in_, out_) >= 16);
}

bool Conv2d::winograd(const Shape &input) const {
    if (!winograd_allowed_ || options_.algorithm == ConvAlgorithm::kWinograd) return winograd_allowed_;
    // With few tiles the stage's time goes to reading the transformed weights, 4x the filter's size. The choice
    // depends on the map, not on the batch, so that an image's result does not depend on the batch it comes in
    // (nor a data-parallel step on how the batch is split among the ranks). bench/conv_bench, 512 channels at
    // 7 px (2 x 2 tiles an image): Winograd 1.8x the direct sum's speed at batch 16, 0.44x at batch 1; batches
    // win (training), so from 2 x 2 tiles up.
    const int width = input.w + 2 * options_.padding - 2, height = input.h + 2 * options_.padding - 2;
    return ((width + 3) / 4) * ((height + 3) / 4) >= 4;
}

std::string Conv2d::describe() const {
    std::string d = "Conv2d(" + std::to_string(in_) + ", " + std::to_string(out_) + ", " + std::to_string(kernel_);
    if (options_.stride != 1) d += ", stride " + std::to_string(options_.stride);
    if (options_.padding) d += ", padding " + std::to_string(options_.padding);
    if (options_.dilation != 1) d += ", dilation " + std::to_string(options_.dilation);
    if (options_.groups != 1) d += ", groups " + std::to_string(options_.groups);
    return d + ")";
}

void Conv2d::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    const int in_group = in_ / options_.groups;
    weight_.resize(size_t(out_) * in_group * kernel_ * kernel_);
    StateEntry weight{prefix + "weight", {out_, in_group, kernel_, kernel_}, &weight_};
    weight.grad = &weight_grad_;
    weight.view = weight.shape;
    weight.order = {2, 3, 1, 0};  // (ky, kx, ci, co)
    entries->push_back(weight);
    if (options_.bias) {
        bias_.resize(out_);
        StateEntry bias{prefix + "bias", {out_}, &bias_};
        bias.grad = &bias_grad_;
        entries->push_back(bias);
    }
}

void Conv2d::winograd_weights(Halide::Runtime::Buffer<float> &scales, bool transposed,
                              Halide::Runtime::Buffer<float> &out, const Device &device) const {
    // weight_ is (ky, kx, ci, co): (co, ci, kx, ky) in Halide's order. The stage only reads it.
    Halide::Runtime::Buffer<float> filter = weight_.on(device, {out_, in_, kernel_, kernel_});
    to_be_written(out, device);
    auto stage = device.pick(conv2d_winograd_weights_cpu, conv2d_winograd_weights_cuda, conv2d_winograd_weights_opencl);
    check_halide(stage(filter.raw_buffer(), scales.raw_buffer(), transposed, out.raw_buffer()),
                 describe() + " Winograd weights on " + device.name());
    written(out, device);
}

void Conv2d::prepare() {
    folded_stale_ = weights_stale_ = winograd_weights_stale_ = true;
}

void Conv2d::fold() const {
    if (!folded_stale_) return;
    folded_stale_ = false;
    if (!batch_norm_) {
        constant_buffer(scales_, out_, 1.0f);
        constant_buffer(biases_, out_, 0.0f);  // for a layer without bias
        return;
    }
    const std::vector<float> scales = batch_norm_->scale(), shifts = batch_norm_->shift();
    std::vector<float> bias(out_, 0.0f);
    for (int co = 0; co < out_; co++) bias[co] = (options_.bias ? bias_[co] : 0.0f) * scales[co] + shifts[co];
    scales_ = vector_buffer(scales);
    biases_ = vector_buffer(bias);
}

halide_buffer_t *Conv2d::biases(const Device &device) const {
    if (!batch_norm_ && options_.bias) {
        bias_on_device_ = bias_.on(device);
        return bias_on_device_.raw_buffer();
    }
    fold();
    return biases_.raw_buffer();
}

Halide::Runtime::Buffer<float> &Conv2d::direct_weights(LiveTaps tx, LiveTaps ty, const Device &device) const {
    if (!weights_stale_ && weights_taps_ == std::pair{tx, ty} && weights_device_ == device.kind) return weights_;
    const int in_group = in_ / options_.groups;
    fold();
    shape_weight_blocks(weights_, in_group, tx.count, ty.count, out_);
    to_be_written(weights_, device);
    auto stage = device.pick(conv2d_weights_blocked_cpu, conv2d_weights_blocked_cuda, conv2d_weights_blocked_opencl);
    check_halide(stage(live_weights(const_cast<Parameter &>(weight_), device, false, out_, in_group, kernel_, tx, ty)
                           .raw_buffer(),
                       scales_.raw_buffer(), weights_.raw_buffer()),
                 describe() + " weights on " + device.name());
    written(weights_, device);
    weights_stale_ = false;
    weights_taps_ = {tx, ty};
    weights_device_ = device.kind;
    return weights_;
}

Halide::Runtime::Buffer<float> &Conv2d::winograd_forward_weights(const Device &device) const {
    if (!winograd_weights_stale_ && winograd_weights_device_ == device.kind) return winograd_weights_;
    fold();
    shape_weight_blocks(winograd_weights_, in_, 6, 6, out_);
    winograd_weights(scales_, false, winograd_weights_, device);
    winograd_weights_stale_ = false;
    winograd_weights_device_ = device.kind;
    return winograd_weights_;
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
    if (winograd(s)) {
        auto pipeline = device.pick(conv2d_winograd_cpu, conv2d_winograd_cuda, conv2d_winograd_opencl);
        check_halide(pipeline(input.raw(), winograd_forward_weights(device).raw_buffer(), biases(device),
                              options_.padding, options_.padding, int(activation_), output.raw()),
                     describe() + " on " + device.name());
        return output;
    }
    const auto [tx, ty] = live_filter(s, out, kernel_, options_, device);
    Conv2dStage pipeline = device.pick(conv2d_cpu, conv2d_cuda, conv2d_opencl);
    if (!device.is_gpu() && options_.groups == 1 && options_.dilation == 1 && s.w == s.h) {
        const TunedConv2d *tuned = tuned_conv2d(in_, out_, kernel_, options_.stride, options_.padding, s.w);
        if (tuned) pipeline = tuned->stage;
    }
    check_halide(pipeline(input.raw(), direct_weights(tx, ty, device).raw_buffer(), biases(device), options_.stride,
                          options_.stride, tx.padding, ty.padding, options_.dilation, options_.dilation,
                          options_.groups, int(activation_), output.raw()),
                 describe() + " on " + device.name());
    return output;
}

Tensor Conv2d::forward_train(const Tensor &input, TrainContext &context) {
    check_trainable(batch_norm_ || activation_ != Activation::kNone, "Conv2d");
    Tensor output = Conv2d::forward(input, context.device);  // Linear's forward_train passes it flattened
    saved_input_.keep(input, context.offer);
    return output;
}

void Conv2d::winograd_weight_gradient(const Tensor &input, const Tensor &grad_output, const Device &device,
                                      Halide::Runtime::Buffer<float> &grad_weights,
                                      Halide::Runtime::Buffer<float> &grad_bias) const {
    // The stage keeps the transformed tiles of both maps, 36 floats per channel and tile: in slices of images
    // of ~16 MB each (4 images of a 128-channel 56 px layer, 58 MB for 16), whose gradients are summed, so
    // that this scratch does not set the training step's peak memory.
    const Shape &s = grad_output.shape();
    const size_t per_image = size_t(36) * std::max(in_, out_) * ((s.w + 3) / 4) * ((s.h + 3) / 4) * sizeof(float);
    // On a GPU in one piece: a crop of a device buffer (Halide::Runtime::Buffer::crop of a copy of the tensor's
    // halide_buffer_t), even to every image, gave the stage wrong data on OpenCL (tests/gpu_opencl_test.cc); and
    // the GPU's memory holds the scratch.
    const int slice = device.is_gpu() ? s.n : int(std::clamp<size_t>((size_t(16) << 20) / per_image, 1, size_t(s.n)));
    auto stage = device.pick(conv2d_winograd_grad_weights_cpu,
                             conv2d_winograd_grad_weights_cuda,
                             conv2d_winograd_grad_weights_opencl);
    Halide::Runtime::Buffer<float> slice_weights, slice_bias;  // the later slices' gradients
    if (slice < s.n) {
        slice_weights = scratch_buffer({grad_weights.dim(0).extent(), grad_weights.dim(1).extent(), 3, 3});
        slice_bias = Halide::Runtime::Buffer<float>(grad_bias.dim(0).extent());
    }
    for (int n = 0; n < s.n; n += slice) {
        // The images [n, n + slice) of both maps, as buffers whose batch starts at 0, as the stage asks.
        Halide::Runtime::Buffer<float> in(*input.raw()), grad(*grad_output.raw());
        const int count = std::min(slice, s.n - n);
        if (count < s.n) {  // (a whole batch is not cropped: a crop of a device buffer breaks it, above)
            in.crop(3, n, count);
            in.translate(3, -n);
            grad.crop(3, n, count);
            grad.translate(3, -n);
        }
        const bool first = n == 0;
        Halide::Runtime::Buffer<float> &w = first ? grad_weights : slice_weights, &b = first ? grad_bias : slice_bias;
        check_halide(stage(grad.raw_buffer(), in.raw_buffer(), options_.padding, options_.padding, w.raw_buffer(),
                           b.raw_buffer()),
                     describe() + " weight gradient on " + device.name());
        if (first) continue;
        w.copy_to_host();
        b.copy_to_host();
        grad_weights.copy_to_host();
        grad_bias.copy_to_host();
        const size_t weights = w.number_of_elements();
        for (size_t i = 0; i < weights; i++) grad_weights.data()[i] += w.data()[i];
        for (int i = 0; i < b.dim(0).extent(); i++) grad_bias.data()[i] += b.data()[i];
        grad_weights.set_host_dirty();
        grad_bias.set_host_dirty();
    }
}

Tensor Conv2d::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    const Tensor input = saved_input_.take();
    const Device &device = context.device;
    const int in_group = in_ / options_.groups, k = kernel_;
    // The stages compute the live taps alone (Winograd's, on maps of 5 px and more, are all live); the others'
    // gradient is zero.
    const auto [tx, ty] = live_filter(input.shape(), grad_output.shape(), k, options_, device);
    // The stages write the live taps' gradients into weight_grad_, which is laid out as the stages' gradient
    // (ky, kx, ci, co); the dead taps' (on the CPU alone) are zero.
    const size_t tap_floats = size_t(in_group) * out_;
    weight_grad_.resize(weight_.size());
    if (tx.count < k || ty.count < k) {
        for (int tap = 0; tap < k * k; tap++) {
            const int kx = tap % k, ky = tap / k;
            if (kx < tx.first || kx >= tx.first + tx.count || ky < ty.first || ky >= ty.first + ty.count) {
                std::fill_n(weight_grad_.begin() + tap * tap_floats, tap_floats, 0.0f);
            }
        }
    }
    Halide::Runtime::Buffer<float> grad_weights = live_weights(weight_grad_, device, true, out_, in_group, k, tx, ty);
    if (options_.bias) bias_grad_.resize(out_);
    Halide::Runtime::Buffer<float> grad_bias =
        options_.bias ? bias_grad_.to_write_on(device) : Halide::Runtime::Buffer<float>(out_);
    const bool winograd_stages = winograd(input.shape());
    if (winograd_stages) {
        winograd_weight_gradient(input, grad_output, device, grad_weights, grad_bias);
    } else {
        auto weights_stage = device.pick(conv2d_grad_weights_cpu, conv2d_grad_weights_cuda, conv2d_grad_weights_opencl);
        check_halide(weights_stage(grad_output.raw(), options_.stride, options_.stride, tx.padding, ty.padding,
                                   options_.dilation, options_.dilation, options_.groups, input.raw(), tx.count,
                                   ty.count, grad_weights.raw_buffer(), grad_bias.raw_buffer()),
                     describe() + " weight gradient on " + device.name());
    }
    weight_grad_.written(device);
    if (options_.bias) bias_grad_.written(device);
    if (!input_grad) return Tensor();
    Tensor grad_input = Tensor::uninitialized(input.shape());
    if (winograd_stages) {
        // The same convolution of the output gradient, with the filter flipped and transposed, padding 2 - pad.
        Halide::Runtime::Buffer<float> weights_t = scratch_buffer({kWeightBlock, out_, 6, 6, weight_blocks(in_)});
        winograd_weights(constant_buffer(input_ones_, in_, 1.0f), true, weights_t, device);
        auto pipeline = device.pick(conv2d_winograd_cpu, conv2d_winograd_cuda, conv2d_winograd_opencl);
        const int pad = 2 - options_.padding;
        check_halide(pipeline(grad_output.raw(), weights_t.raw_buffer(),
                              constant_buffer(input_zeros_, in_, 0.0f).raw_buffer(), pad, pad,
                              int(Activation::kNone), grad_input.raw()),
                     describe() + " input gradient on " + device.name());
        return grad_input;
    }

    // The stage reads the weights input-channels innermost: (ci, co, kx, ky). Training absorbs no batch norm, so
    // these are the parameters themselves. On the CPU wide rows are padded by 16 floats: the stage steps along co,
    // and a power-of-two stride would map every row it reads to the same few L1 sets. A GPU takes them dense: a
    // padded buffer goes up one row per copy (26 000 copies a step of resnet18 on OpenCL).
    const int row = in_group >= 32 && !device.is_gpu() ? (in_group + 15) / 16 * 16 + 16 : in_group;
    Halide::Runtime::Buffer<float> weights_t = scratch_buffer({row, out_, tx.count, ty.count});
    weights_t.crop(0, 0, in_group);
    auto transpose = device.pick(conv2d_weights_transposed_cpu, conv2d_weights_transposed_cuda,
                                 conv2d_weights_transposed_opencl);
    check_halide(transpose(live_weights(weight_, device, false, out_, in_group, k, tx, ty).raw_buffer(),
                           weights_t.raw_buffer()),
                 describe() + " transposed weights on " + device.name());
    auto input_stage = device.pick(conv2d_grad_input_cpu, conv2d_grad_input_cuda, conv2d_grad_input_opencl);
    check_halide(input_stage(grad_output.raw(), options_.stride, options_.stride, tx.padding, ty.padding,
                             options_.dilation, options_.dilation, options_.groups, weights_t.raw_buffer(),
                             grad_input.raw()),
                 describe() + " input gradient on " + device.name());
    return grad_input;
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
    StateEntry weight{prefix + "weight", {out_, in_}, &weight_}, bias{prefix + "bias", {out_}, &bias_};
    weight.grad = &weight_grad_;
    // Stored as the 1x1 convolution's (ci, co), ci our flattened (y, x, c): PyTorch's (co, c, y, x) reordered.
    weight.view = {out_, map_.c, map_.h, map_.w};
    weight.order = {2, 3, 1, 0};
    bias.grad = &bias_grad_;
    entries->push_back(weight);
    entries->push_back(bias);
}

Tensor Linear::flattened(const Tensor &input) const {
    const Shape &s = input.shape();
    if (s.c != map_.c || s.h != map_.h || s.w != map_.w) {
        throw Error("Linear: input " + s.str() + " is not the (N, " + std::to_string(map_.c) + ", " +
                    std::to_string(map_.h) + ", " + std::to_string(map_.w) + ") map the layer flattens");
    }
    return input.reshaped(Shape{s.n, in_, 1, 1});
}

Tensor Linear::forward(const Tensor &input, const Device &device) const {
    return Conv2d::forward(flattened(input), device);
}

Tensor Linear::forward_train(const Tensor &input, TrainContext &context) {
    return Conv2d::forward_train(flattened(input), context);
}

Tensor Linear::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    const Tensor grad = Conv2d::backward(grad_output, context, input_grad);
    return grad.empty() ? grad : grad.reshaped(Shape{grad.shape().n, map_.c, map_.h, map_.w});
}

BatchNorm2d::BatchNorm2d(int channels, Activation activation) : channels_(channels), activation_(activation) {}

void BatchNorm2d::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    for (Parameter *v : {&weight_, &bias_, &mean_, &var_}) v->resize(channels_);
    StateEntry weight{prefix + "weight", {channels_}, &weight_}, bias{prefix + "bias", {channels_}, &bias_};
    weight.grad = &weight_grad_;
    bias.grad = &bias_grad_;
    entries->push_back(weight);
    entries->push_back(bias);
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

void BatchNorm2d::prepare() { folded_stale_ = true; }

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
    if (folded_stale_) {  // made on first use: a training step's parameters stay where they are
        scale_ = vector_buffer(scale());
        shift_ = vector_buffer(shift());
        folded_stale_ = false;
    }
    return scale_shift(input, scale_, shift_, activation_, device);
}

Tensor BatchNorm2d::forward_train(const Tensor &input, TrainContext &context) {
    check_trainable(absorbed_by_ != nullptr, "BatchNorm2d");
    check_channels("BatchNorm2d", input, channels_);
    const Communicator *synchronized = context.sync_batch_norm ? context.communicator : nullptr;
    BatchNormTrainOutput out = batch_norm_train(input, weight_, bias_, activation_, 1e-5f, context.device, synchronized);
    update_running_stats(out.statistics, context.batch_norm_momentum, &mean_, &var_, &batches_tracked_, context.device);
    saved_input_ = input;
    saved_statistics_ = out.statistics;
    if (context.recompute_maps) {
        // The same normalization of the same values by the same statistics: the very same output. (weight_
        // and bias_ change only after the backward pass.)
        const Device device = context.device;
        context.offer = {out.output, [this, input, device, statistics = out.statistics] {
                             return batch_norm_train_normalize(input, weight_, bias_, statistics, activation_, 1e-5f,
                                                               device);
                         }};
    }
    return out.output;
}

Tensor BatchNorm2d::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    (void)input_grad;  // the weight's gradient needs the input's anyway
    const Tensor input = std::move(saved_input_);
    saved_input_ = Tensor();
    const BatchStatistics statistics = std::move(saved_statistics_);
    const Communicator *synchronized = context.sync_batch_norm ? context.communicator : nullptr;
    BatchNormGradients g = batch_norm_train_backward(input, weight_, bias_, statistics, grad_output, activation_, 1e-5f,
                                                     context.device, synchronized);
    weight_grad_ = std::move(g.grad_weight);
    bias_grad_ = std::move(g.grad_bias);
    return g.grad_input;
}

Tensor ReLU::forward(const Tensor &input, const Device &device) const {
    if (absorbed_) return input;
    const int c = input.shape().c;
    return scale_shift(input, constant_buffer(ones_, c, 1.0f), constant_buffer(zeros_, c, 0.0f), activation_, device);
}

MaxPool2d::MaxPool2d(int kernel_size, int stride, int padding) : kernel_(kernel_size), stride_(stride), padding_(padding) {
    if (kernel_ < 1 || stride_ < 1 || padding_ < 0 || 2 * padding_ > kernel_) {
        throw Error("MaxPool2d(" + std::to_string(kernel_) + ", " + std::to_string(stride_) + ", " +
                    std::to_string(padding_) + "): invalid (padding must be at most half the kernel)");
    }
}

Tensor ReLU::forward_train(const Tensor &input, TrainContext &context) {
    check_trainable(absorbed_, "ReLU");
    saved_output_ = forward(input, context.device);
    return saved_output_;
}

Tensor ReLU::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    const Tensor output = std::move(saved_output_);
    saved_output_ = Tensor();
    if (!input_grad) return Tensor();
    return activation_backward(output, grad_output, activation_, context.device);
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
        auto pipeline = device.pick(max_blurpool_forward_cpu, max_blurpool_forward_cuda, max_blurpool_forward_opencl);
        check_halide(pipeline(input.raw(), b.x().filt_size, b.y().filt_size, b.x().stride, b.y().stride,
                              int(b.pad_type()), b.x().pad_off, b.y().pad_off, kernel_, padding_, output.raw()),
                     "MaxBlurPool on " + device.name());
        return output;
    }
    Tensor output = Tensor::uninitialized(pooled);
    auto pipeline = device.pick(max_pool2d_cpu, max_pool2d_cuda, max_pool2d_opencl);
    check_halide(pipeline(input.raw(), kernel_, kernel_, stride_, stride_, padding_, padding_, output.raw()),
                 "MaxPool2d on " + device.name());
    return output;
}

Tensor MaxPool2d::forward_train(const Tensor &input, TrainContext &context) {
    check_trainable(blur_ != nullptr, "MaxPool2d");
    if (kernel_ > 3) throw Error("MaxPool2d(" + std::to_string(kernel_) + "): training takes kernels up to 3");
    saved_input_.keep(input, context.offer);
    return forward(input, context.device);
}

Tensor MaxPool2d::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    if (!input_grad) {
        saved_input_ = SavedMap();  // not recomputed for nothing
        return Tensor();
    }
    const Tensor input = saved_input_.take();
    const Shape &s = input.shape();
    check_grad_shape("MaxPool2d", grad_output, Shape{s.n, s.c, window_output("MaxPool2d", s.h, kernel_, stride_, padding_),
                                                     window_output("MaxPool2d", s.w, kernel_, stride_, padding_)});
    Tensor grad_input = Tensor::uninitialized(s);
    auto pipeline = context.device.pick(max_pool2d_backward_cpu, max_pool2d_backward_cuda, max_pool2d_backward_opencl);
    check_halide(pipeline(input.raw(), grad_output.raw(), kernel_, kernel_, stride_, stride_, padding_, padding_,
                          grad_input.raw()),
                 "MaxPool2d backward on " + context.device.name());
    return grad_input;
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
    auto pipeline = device.pick(avg_pool2d_cpu, avg_pool2d_cuda, avg_pool2d_opencl);
    check_halide(pipeline(input.raw(), adaptive_ ? 1 : 0, kernel_, kernel_, stride_, stride_, padding_, padding_, out.w,
                          out.h, output.raw()),
                 "AvgPool2d on " + device.name());
    return output;
}

Tensor AvgPool2d::forward_train(const Tensor &input, TrainContext &context) {
    input_shape_ = input.shape();
    return forward(input, context.device);
}

Tensor AvgPool2d::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    if (!input_grad) return Tensor();
    const Shape &out = grad_output.shape();
    Tensor grad_input = Tensor::uninitialized(input_shape_);
    auto pipeline = context.device.pick(avg_pool2d_backward_cpu, avg_pool2d_backward_cuda, avg_pool2d_backward_opencl);
    check_halide(pipeline(Tensor::shape_only(input_shape_).raw(), adaptive_ ? 1 : 0, kernel_, kernel_, stride_, stride_,
                          padding_, padding_, out.w, out.h, grad_output.raw(), grad_input.raw()),
                 "AvgPool2d backward on " + context.device.name());
    return grad_input;
}

Dropout::Dropout(float p) : p_(p) {
    if (!(p >= 0.0f && p < 1.0f)) throw Error("Dropout: probability " + std::to_string(p) + " is not in [0, 1)");
}

Tensor Dropout::forward_train(const Tensor &input, TrainContext &context) {
    active_ = context.dropout && p_ > 0.0f;
    if (!active_) return input;
    seed_ = int(context.seeds() & 0x7fffffff);
    Tensor output = Tensor::uninitialized(input.shape());
    auto pipeline = context.device.pick(dropout_forward_cpu, dropout_forward_cuda, dropout_forward_opencl);
    check_halide(pipeline(input.raw(), p_, seed_, output.raw()), "Dropout on " + context.device.name());
    return output;
}

Tensor Dropout::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    if (!input_grad) return Tensor();
    if (!active_) return grad_output;
    Tensor grad_input = Tensor::uninitialized(grad_output.shape());
    auto pipeline = context.device.pick(dropout_backward_cpu, dropout_backward_cuda, dropout_backward_opencl);
    check_halide(pipeline(grad_output.raw(), p_, seed_, grad_input.raw()), "Dropout backward on " + context.device.name());
    return grad_input;
}

BlurPoolLayer::BlurPoolLayer(int channels, int filt_size, int stride, PadType pad_type)
    : blurpool_(channels, pad_type, filt_size, stride), filt_(blurpool_.filter()) {}

Tensor BlurPoolLayer::forward(const Tensor &input, const Device &device) const {
    return absorbed_ ? input : blurpool_.forward(input, device);
}

Tensor BlurPoolLayer::forward_train(const Tensor &input, TrainContext &context) {
    check_trainable(absorbed_, "BlurPool");
    input_shape_ = input.shape();
    Tensor output = blurpool_.forward(input, context.device);
    // A recomputable input makes a recomputable output: the filter is cheap.
    if (const Recompute source = context.offer.recipe_for(input)) {
        const Device device = context.device;
        context.offer = {output, [this, source, device] { return blurpool_.forward(source(), device); }};
    }
    return output;
}

Tensor BlurPoolLayer::backward(const Tensor &grad_output, TrainContext &context, bool input_grad) {
    if (!input_grad) return Tensor();
    return blurpool_.backward(Tensor::shape_only(input_shape_), grad_output, context.device);
}

void BlurPoolLayer::state(const std::string &prefix, std::vector<StateEntry> *entries) {
    StateEntry filt{prefix + "filt", {blurpool_.channels(), 1, blurpool_.y().filt_size, blurpool_.x().filt_size}};
    filt.fixed = &filt_;
    entries->push_back(filt);
}

Tensor add(const Tensor &a, const Tensor &b, Activation activation, const Device &device) {
    if (a.shape() != b.shape()) throw Error("add: shapes " + a.shape().str() + " and " + b.shape().str() + " differ");
    Tensor output = Tensor::uninitialized(a.shape());
    auto pipeline = device.pick(add_activate_cpu, add_activate_cuda, add_activate_opencl);
    check_halide(pipeline(a.raw(), b.raw(), int(activation), output.raw()), "add on " + device.name());
    return output;
}

Tensor activation_backward(const Tensor &output, const Tensor &grad_output, Activation activation,
                           const Device &device) {
    check_grad_shape("activation", grad_output, output.shape());
    Tensor grad_input = Tensor::uninitialized(output.shape());
    auto pipeline = device.pick(activation_backward_cpu, activation_backward_cuda, activation_backward_opencl);
    check_halide(pipeline(output.raw(), grad_output.raw(), int(activation), grad_input.raw()),
                 "activation backward on " + device.name());
    return grad_input;
}

Tensor concat(const std::vector<Tensor> &inputs, const Device &device) {
    Shape out = inputs.at(0).shape();
    out.c = 0;
    for (const Tensor &t : inputs) {
        const Shape &s = t.shape();
        if (s.n != out.n || s.h != out.h || s.w != out.w) throw Error("concat: shape " + s.str() + " does not match");
        out.c += s.c;
    }
    Tensor output = Tensor::uninitialized(out);
    auto pipeline = device.pick(channels_into_cpu, channels_into_cuda, channels_into_opencl);
    int offset = 0;
    for (const Tensor &t : inputs) {
        check_halide(pipeline(t.raw(), offset, output.raw()), "concat on " + device.name());
        offset += t.shape().c;
    }
    return output;
}

std::vector<Tensor> split_channels(const Tensor &input, const std::vector<int> &channels, const Device &device) {
    const Shape &s = input.shape();
    int total = 0;
    for (int c : channels) total += c;
    if (total != s.c) throw Error("split_channels: " + std::to_string(total) + " channels asked of " + s.str());
    auto pipeline = device.pick(channels_from_cpu, channels_from_cuda, channels_from_opencl);
    std::vector<Tensor> pieces;
    int offset = 0;
    for (int c : channels) {
        Tensor piece = Tensor::uninitialized(Shape{s.n, c, s.h, s.w});
        check_halide(pipeline(input.raw(), offset, piece.raw()), "split_channels on " + device.name());
        pieces.push_back(piece);
        offset += c;
    }
    return pieces;
}

}  // namespace antialiased
