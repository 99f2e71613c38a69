#include "runtime/blurpool.h"

#include "generators/binomial_taps.h"
#include "generators/blurpool_backward_cpu.h"
#include "generators/blurpool_backward_cuda.h"
#include "generators/blurpool_backward_opencl.h"
#include "generators/blurpool_forward_cpu.h"
#include "generators/blurpool_forward_cuda.h"
#include "generators/blurpool_forward_opencl.h"
#include "runtime/error.h"
#include "runtime/tuned_dispatch.h"

namespace antialiased {
namespace {

void check_axis(const BlurAxis &axis, const char *name) {
    if (axis.filt_size < 1 || axis.filt_size > kMaxFilterSize) {
        throw Error(std::string("BlurPool: filt_size ") + std::to_string(axis.filt_size) + " (" + name +
                    ") is not one of 1..7");
    }
    if (axis.stride < 1) {
        throw Error(std::string("BlurPool: stride ") + std::to_string(axis.stride) + " (" + name + ") must be >= 1");
    }
    if (axis.pad_off < 0) {
        throw Error(std::string("BlurPool: pad_off ") + std::to_string(axis.pad_off) + " (" + name +
                    ") must be >= 0");
    }
}

void check_axis_fits(const BlurAxis &axis, PadType pad_type, int size, const char *name) {
    const int pad = std::max(axis.pad_before(), axis.pad_after());
    if (pad_type == PadType::kReflect && pad >= size) {
        throw Error("BlurPool: reflect padding of " + std::to_string(pad) + " px needs a " + name +
                    " of more than " + std::to_string(pad) + " px, got " + std::to_string(size) +
                    " (use pad_type replicate or zero for maps this small)");
    }
}

}  // namespace

PadType parse_pad_type(const std::string &name) {
    if (name == "refl" || name == "reflect") return PadType::kReflect;
    if (name == "repl" || name == "replicate") return PadType::kReplicate;
    if (name == "zero") return PadType::kZero;
    throw Error("unknown pad type '" + name + "' (use reflect, replicate or zero)");
}

std::string pad_type_name(PadType type) {
    switch (type) {
        case PadType::kReflect: return "reflect";
        case PadType::kReplicate: return "replicate";
        case PadType::kZero: return "zero";
    }
    return "?";
}

std::vector<float> binomial_taps(int filt_size) {
    check_axis(BlurAxis{filt_size, 1, 0}, "taps");
    std::vector<float> taps(filt_size);
    for (int r = 0; r < filt_size; r++) taps[r] = binomial_tap(filt_size, r);
    return taps;
}

BlurPool::BlurPool(int channels, PadType pad_type, int filt_size, int stride, int pad_off)
    : BlurPool(channels, pad_type, BlurAxis{filt_size, stride, pad_off}, BlurAxis{filt_size, stride, pad_off}) {}

BlurPool::BlurPool(int channels, PadType pad_type, BlurAxis y, BlurAxis x)
    : channels_(channels), pad_type_(pad_type), y_(y), x_(x) {
    if (channels < 1) throw Error("BlurPool: channels " + std::to_string(channels) + " must be >= 1");
    check_axis(y, "height");
    check_axis(x, "width");
}

BlurPool BlurPool::one_d(int channels, PadType pad_type, int filt_size, int stride, int pad_off) {
    return BlurPool(channels, pad_type, BlurAxis{1, 1, 0}, BlurAxis{filt_size, stride, pad_off});
}

Shape BlurPool::output_shape(const Shape &input) const {
    if (input.c != channels_) {
        throw Error("BlurPool: input " + input.str() + " has " + std::to_string(input.c) +
                    " channels, the layer " + std::to_string(channels_));
    }
    if (input.n < 1 || input.h < 1 || input.w < 1) throw Error("BlurPool: empty input " + input.str());
    check_axis_fits(y_, pad_type_, input.h, "height");
    check_axis_fits(x_, pad_type_, input.w, "width");
    return Shape{input.n, input.c, y_.output_size(input.h), x_.output_size(input.w)};
}

Tensor BlurPool::forward(const Tensor &input, const Device &device) const {
    Tensor output = Tensor::uninitialized(output_shape(input.shape()));
    auto pipeline = device.pick(blurpool_forward_cpu, blurpool_forward_cuda, blurpool_forward_opencl);
    if (!device.is_gpu() && input.shape().h == input.shape().w) {
        pipeline = tuned_blurpool_forward(channels_, input.shape().w, x_.filt_size, y_.filt_size, x_.stride,
                                          y_.stride, int(pad_type_), x_.pad_off, y_.pad_off);
    }
    check_halide(pipeline(input.raw(), x_.filt_size, y_.filt_size, x_.stride, y_.stride, int(pad_type_),
                          x_.pad_off, y_.pad_off, output.raw()),
                 "BlurPool forward on " + device.name());
    return output;
}

Tensor BlurPool::backward(const Tensor &input, const Tensor &grad_output, const Device &device) const {
    const Shape expected = output_shape(input.shape());
    if (grad_output.shape() != expected) {
        throw Error("BlurPool backward: grad_output " + grad_output.shape().str() + " does not match the output " +
                    expected.str() + " of input " + input.shape().str());
    }
    Tensor grad_input = Tensor::uninitialized(input.shape());
    auto pipeline = device.pick(blurpool_backward_cpu, blurpool_backward_cuda, blurpool_backward_opencl);
    check_halide(pipeline(input.raw(), x_.filt_size, y_.filt_size, x_.stride, y_.stride, int(pad_type_), x_.pad_off,
                          y_.pad_off, grad_output.raw(), grad_input.raw()),
                 "BlurPool backward on " + device.name());
    return grad_input;
}

std::vector<float> BlurPool::filter() const {
    const std::vector<float> ty = binomial_taps(y_.filt_size), tx = binomial_taps(x_.filt_size);
    std::vector<float> filt;
    filt.reserve(size_t(channels_) * ty.size() * tx.size());
    for (int c = 0; c < channels_; c++) {
        for (float a : ty) {
            for (float b : tx) filt.push_back(a * b);  // exact: products of powers of two
        }
    }
    return filt;
}

}  // namespace antialiased
