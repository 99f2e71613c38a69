// A 4-D float tensor: logical shape (N, C, H, W) like PyTorch, stored channels-innermost (NHWC), which is the
// (c, x, y, n) order of every Halide stage of this project. It owns its memory or views someone else's, and
// is a Halide buffer underneath, so it passes to the compiled pipelines without copies and follows them to
// a GPU and back (Halide tracks which copy is current).
//
// PyTorch-style (NCHW) data crosses only through from_nchw / to_nchw, which transpose explicitly.
#pragma once

#include <HalideBuffer.h>

#include <array>
#include <string>
#include <vector>

#include "runtime/device.h"

namespace antialiased {

struct Shape {
    int n = 0, c = 0, h = 0, w = 0;

    size_t elements() const { return size_t(n) * c * h * w; }
    bool operator==(const Shape &o) const { return n == o.n && c == o.c && h == o.h && w == o.w; }
    bool operator!=(const Shape &o) const { return !(*this == o); }
    std::string str() const;  // "(N, C, H, W)"
};

// A buffer over `buffer`'s host and device memory, with its dirty bits, as a dense array of `extents`
// (innermost first; as many elements): not managing the device allocation, which `buffer` must keep alive.
Halide::Runtime::Buffer<float> alias(const halide_buffer_t &buffer, const std::vector<int> &extents);

class Tensor {
  public:
    Tensor() = default;
    // Owned, zero-filled.
    explicit Tensor(Shape shape);
    // Owned, contents undefined: for results a pipeline is about to write in full.
    static Tensor uninitialized(Shape shape);
    // A view of NHWC memory owned elsewhere, which must outlive the tensor and its copies.
    static Tensor view(float *nhwc, Shape shape);
    // A tensor of `shape` whose pixels all share one vector of zeros (C floats; the pixel strides are 0), for
    // stages that read only their input's shape: the backward stages of linear layers.
    static Tensor shape_only(Shape shape);
    // Copies of PyTorch-layout (NCHW, C order) data.
    static Tensor from_nchw(const float *nchw, Shape shape);
    void to_nchw(float *nchw) const;
    std::vector<float> to_nchw() const;

    const Shape &shape() const { return shape_; }
    // The same memory under another shape of as many elements (NHWC order is kept: a (N, C, H, W) map reshaped
    // to (N, C*H*W, 1, 1) lists each pixel's channels in turn): the host memory and, in a GPU run, the device
    // allocation, with the same current copy (a map on the device stays there).
    Tensor reshaped(Shape shape) const;
    bool empty() const { return shape_.elements() == 0; }

    // Element access on the host copy (brought back from the GPU first if that copy is newer).
    float &at(int n, int c, int y, int x);
    float at(int n, int c, int y, int x) const;
    // The NHWC host memory, N*H*W*C floats.
    float *data();
    const float *data() const;

    // Where the current copy is: after a GPU stage the data lives on the device until read.
    void copy_to_host() const;
    void copy_to_device(const Device &device) const;

    // The Halide buffer, (c, x, y, n), for the compiled pipelines.
    halide_buffer_t *raw() const { return buffer_.raw_buffer(); }

  private:
    Shape shape_;
    // Copies share storage (like at::Tensor); `mutable` because moving data between host and device does not
    // change the tensor's value.
    mutable Halide::Runtime::Buffer<float> buffer_;
    // For views made by reshaped(): keeps the memory they look at alive.
    Halide::Runtime::Buffer<float> owner_;
};

}  // namespace antialiased
