// numpy's .npy format (version 1.0/2.0/3.0 headers), float32 and int64 (and float64 to write), C order,
// little-endian: enough to exchange arrays with numpy and PyTorch scripts. Every malformed file is refused with
// an Error naming it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tensor.h"

namespace antialiased {

template <typename T>
struct NpyArray {
    std::vector<int64_t> shape;
    std::vector<T> data;  // C order
};

NpyArray<float> read_npy_float(const std::string &path);
NpyArray<int64_t> read_npy_int64(const std::string &path);
// The same from a file's bytes, errors naming `source`.
NpyArray<float> parse_npy_float(const std::string &bytes, const std::string &source);
NpyArray<int64_t> parse_npy_int64(const std::string &bytes, const std::string &source);
void write_npy(const std::string &path, const std::vector<int64_t> &shape, const float *data);
void write_npy(const std::string &path, const std::vector<int64_t> &shape, const int64_t *data);
void write_npy(const std::string &path, const std::vector<int64_t> &shape, const double *data);

// (N, C, H, W) arrays as tensors; `rank3_as_1d` also takes (N, C, L) as (N, C, 1, L), and then tells
// through `is_1d` (if given) which of the two the file held.
Tensor read_npy_tensor(const std::string &path, bool rank3_as_1d = false, bool *is_1d = nullptr);
// Writes (N, C, H, W), or (N, C, W) when `as_1d` (the tensor's H must then be 1).
void write_npy_tensor(const std::string &path, const Tensor &tensor, bool as_1d = false);

}  // namespace antialiased
