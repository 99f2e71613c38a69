#include "runtime/parameter.h"

#include <algorithm>

#include "runtime/error.h"
#include "runtime/tensor.h"

namespace antialiased {

void Parameter::assign(size_t size, float value) {
    if (size != this->size()) {
        buffer_ = size ? Halide::Runtime::Buffer<float>(int(size)) : Halide::Runtime::Buffer<float>();
    }
    std::fill(begin(), end(), value);
}

void Parameter::resize(size_t size) {
    if (size != this->size()) assign(size, 0.0f);
}

Parameter &Parameter::operator=(const std::vector<float> &values) {
    resize(values.size());
    std::copy(values.begin(), values.end(), begin());
    return *this;
}

std::vector<float> Parameter::values() const { return std::vector<float>(begin(), end()); }

const float *Parameter::data() const {
    if (buffer_.device_dirty()) check_halide(buffer_.copy_to_host(), "copying a parameter from the GPU");
    return buffer_.data();
}

float *Parameter::data() {
    const float *host = static_cast<const Parameter *>(this)->data();
    if (buffer_.data()) buffer_.set_host_dirty();
    return const_cast<float *>(host);
}

void Parameter::allocate_on(const Device &device) const {
    if (buffer_.raw_buffer()->device_interface == device.interface()) return;
    if (buffer_.device_dirty()) data();  // the values from another device (they are current there)
    if (buffer_.raw_buffer()->device) check_halide(buffer_.device_free(), "freeing a parameter's device copy");
    check_halide(buffer_.device_malloc(device.interface()), "allocating a parameter on " + device.name());
    buffer_.set_host_dirty();
}

Halide::Runtime::Buffer<float> Parameter::on(const Device &device, const std::vector<int> &extents) const {
    if (device.is_gpu()) {
        allocate_on(device);
        if (buffer_.host_dirty()) check_halide(buffer_.copy_to_device(device.interface()), "copying a parameter to " + device.name());
    } else {
        data();
    }
    return alias(*buffer_.raw_buffer(), extents.empty() ? std::vector<int>{int(size())} : extents);
}

Halide::Runtime::Buffer<float> Parameter::to_write_on(const Device &device, const std::vector<int> &extents) {
    if (device.is_gpu()) {
        allocate_on(device);
        buffer_.set_host_dirty(false);
    } else {
        buffer_.set_device_dirty(false);
    }
    return alias(*buffer_.raw_buffer(), extents.empty() ? std::vector<int>{int(size())} : extents);
}

void Parameter::written(const Device &device) {
    if (device.is_gpu()) {
        buffer_.set_device_dirty();
    } else {
        buffer_.set_host_dirty();
    }
}

}  // namespace antialiased
