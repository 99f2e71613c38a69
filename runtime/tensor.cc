#include "runtime/tensor.h"

#include "runtime/error.h"
#include "runtime/memory_pool.h"

namespace antialiased {
namespace {

void check_shape(const Shape &shape) {
    if (shape.n < 0 || shape.c < 0 || shape.h < 0 || shape.w < 0) {
        throw Error("negative tensor dimension in shape " + shape.str());
    }
}

}  // namespace

Halide::Runtime::Buffer<float> alias(const halide_buffer_t &buffer, const std::vector<int> &extents) {
    size_t elements = 1, count = 1;
    std::vector<halide_dimension_t> dims;
    for (int extent : extents) {
        dims.push_back({0, extent, int32_t(elements)});
        elements *= size_t(extent);
    }
    for (int d = 0; d < buffer.dimensions; d++) count *= size_t(buffer.dim[d].extent);
    if (elements != count) throw Error("a buffer of " + std::to_string(count) + " floats seen as one of " + std::to_string(elements));
    halide_buffer_t fields = buffer;
    fields.dimensions = int(dims.size());
    fields.dim = dims.data();
    return Halide::Runtime::Buffer<float>(fields, Halide::Runtime::BufferDeviceOwnership::Unmanaged);
}

std::string Shape::str() const {
    return "(" + std::to_string(n) + ", " + std::to_string(c) + ", " + std::to_string(h) + ", " +
           std::to_string(w) + ")";
}

Tensor::Tensor(Shape shape) : Tensor(uninitialized(shape)) {
    if (shape.elements() > 0) buffer_.fill(0.0f);
}

Tensor Tensor::uninitialized(Shape shape) {
    check_shape(shape);
    Tensor t;
    t.shape_ = shape;
    t.buffer_ = Halide::Runtime::Buffer<float>(nullptr, shape.c, shape.w, shape.h, shape.n);
    t.buffer_.allocate(pool_allocate, pool_free);
    return t;
}

Tensor Tensor::view(float *nhwc, Shape shape) {
    check_shape(shape);
    Tensor t;
    t.shape_ = shape;
    t.buffer_ = Halide::Runtime::Buffer<float>(nhwc, shape.c, shape.w, shape.h, shape.n);
    // The memory is the current copy: a GPU stage that reads the view must upload it (Halide copies a buffer to
    // the device only when its host is marked dirty).
    t.buffer_.set_host_dirty();
    return t;
}

Tensor Tensor::shape_only(Shape shape) {
    check_shape(shape);
    Tensor t;
    t.shape_ = shape;
    t.owner_ = Halide::Runtime::Buffer<float>(shape.c);
    t.owner_.fill(0.0f);
    const halide_dimension_t dims[4] = {{0, shape.c, 1}, {0, shape.w, 0}, {0, shape.h, 0}, {0, shape.n, 0}};
    t.buffer_ = Halide::Runtime::Buffer<float>(t.owner_.data(), 4, dims);
    return t;
}

Tensor Tensor::reshaped(Shape shape) const {
    if (shape.elements() != shape_.elements()) {
        throw Error("cannot reshape " + shape_.str() + " to " + shape.str());
    }
    Tensor t;
    t.shape_ = shape;
    t.buffer_ = alias(*buffer_.raw_buffer(), {shape.c, shape.w, shape.h, shape.n});
    if (!t.buffer_.raw_buffer()->device) t.buffer_.set_host_dirty();  // as view(): a GPU stage that reads it uploads it
    t.owner_ = owner_.data() ? owner_ : buffer_;
    return t;
}

Tensor Tensor::from_nchw(const float *nchw, Shape shape) {
    Tensor t = uninitialized(shape);
    float *out = t.data();
    const size_t plane = size_t(shape.h) * shape.w;
    for (int n = 0; n < shape.n; n++) {
        for (int c = 0; c < shape.c; c++) {
            const float *src = nchw + (size_t(n) * shape.c + c) * plane;
            for (size_t p = 0; p < plane; p++) out[(size_t(n) * plane + p) * shape.c + c] = src[p];
        }
    }
    return t;
}

void Tensor::to_nchw(float *nchw) const {
    const float *in = data();
    const size_t plane = size_t(shape_.h) * shape_.w;
    for (int n = 0; n < shape_.n; n++) {
        for (int c = 0; c < shape_.c; c++) {
            float *dst = nchw + (size_t(n) * shape_.c + c) * plane;
            for (size_t p = 0; p < plane; p++) dst[p] = in[(size_t(n) * plane + p) * shape_.c + c];
        }
    }
}

std::vector<float> Tensor::to_nchw() const {
    std::vector<float> out(shape_.elements());
    to_nchw(out.data());
    return out;
}

float &Tensor::at(int n, int c, int y, int x) {
    copy_to_host();
    buffer_.set_host_dirty();
    return buffer_(c, x, y, n);
}

float Tensor::at(int n, int c, int y, int x) const {
    copy_to_host();
    return buffer_(c, x, y, n);
}

float *Tensor::data() {
    copy_to_host();
    buffer_.set_host_dirty();
    return buffer_.data();
}

const float *Tensor::data() const {
    copy_to_host();
    return buffer_.data();
}

void Tensor::copy_to_host() const {
    if (buffer_.device_dirty()) check_halide(buffer_.copy_to_host(), "copying a tensor from the GPU");
}

void Tensor::copy_to_device(const Device &device) const {
    if (device.is_gpu()) check_halide(buffer_.copy_to_device(device.interface()), "copying a tensor to the GPU");
}

}  // namespace antialiased
