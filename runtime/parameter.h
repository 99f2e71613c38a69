// A parameter's values, its gradient, its momentum buffer or a running statistic: a flat vector of floats that
// a GPU run keeps on the device from step to step. One Halide buffer, whose dirty bits say which copy is current:
// host access (checkpoints, initialization, the ranks' allreduce) brings the values back first, and a stage takes
// them through on(), which makes them current on its device. So SGD, the weights' layouts and the batch norms'
// running statistics, all stages, copy nothing between host and device.
//
// Movable, not copyable: a copy would share the memory (Halide buffers do), which a vector's user would not expect.
#pragma once

#include <HalideBuffer.h>

#include <vector>

#include "runtime/device.h"

namespace antialiased {

class Parameter {
  public:
    Parameter() = default;
    explicit Parameter(size_t size, float value = 0.0f) { assign(size, value); }
    explicit Parameter(const std::vector<float> &values) { *this = values; }
    Parameter(Parameter &&) = default;
    Parameter &operator=(Parameter &&) = default;
    Parameter(const Parameter &) = delete;
    Parameter &operator=(const Parameter &) = delete;

    size_t size() const { return buffer_.data() ? size_t(buffer_.dim(0).extent()) : 0; }
    bool empty() const { return size() == 0; }
    // `size` copies of `value`; resize() keeps the values when the size is unchanged, else zeros.
    void assign(size_t size, float value);
    void resize(size_t size);
    Parameter &operator=(const std::vector<float> &values);
    std::vector<float> values() const;

    // The host copy, made current first; the mutable accessors mark it the newer one (a stage on a GPU then
    // uploads it).
    const float *data() const;
    float *data();
    const float *begin() const { return data(); }
    const float *end() const { return data() + size(); }
    float *begin() { return data(); }
    float *end() { return data() + size(); }
    float operator[](size_t i) const { return data()[i]; }
    float &operator[](size_t i) { return data()[i]; }

    // For a stage on `device`: the values as a dense buffer of `extents` (innermost first, as many elements in
    // all; none: flat), current on that device and sharing its memory. A stage that writes it must call written().
    Halide::Runtime::Buffer<float> on(const Device &device, const std::vector<int> &extents = {}) const;
    // The same for a stage that writes every element without reading any: the values are not brought over.
    Halide::Runtime::Buffer<float> to_write_on(const Device &device, const std::vector<int> &extents = {});
    // The stage on `device` that wrote on()'s (or to_write_on()'s) buffer left the current copy there.
    void written(const Device &device);

  private:
    // On a GPU: the parameter's own device allocation (the buffers above only borrow it), made if missing.
    void allocate_on(const Device &device) const;
    mutable Halide::Runtime::Buffer<float> buffer_;
};

}  // namespace antialiased
