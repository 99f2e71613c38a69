// Image sets in the IDX format of MNIST and Fashion-MNIST (gzip-compressed or not): a file of N grayscale
// images of rows x cols bytes and a file of N labels. Debian's dataset-fashion-mnist installs Fashion-MNIST
// (60000 training and 10000 test images, 28 x 28, 10 classes) under kFashionMnistDir.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace antialiased {

constexpr char kFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";

struct IdxDataset {
    int count = 0, rows = 0, cols = 0;
    std::vector<uint8_t> pixels;  // count x rows x cols, row-major
    std::vector<int64_t> labels;  // count

    const uint8_t *image(int i) const { return pixels.data() + size_t(i) * rows * cols; }
};

// Reads an images file (magic 0x00000803) and its labels file (0x00000801). Errors name the file: unreadable,
// not IDX, truncated, or the two counts differing.
IdxDataset read_idx_dataset(const std::string &images_path, const std::string &labels_path);

// Fashion-MNIST's training set (train-*) or test set (t10k-*) from `dir`; Error naming the package when absent.
IdxDataset read_fashion_mnist(bool train, const std::string &dir = kFashionMnistDir);

}  // namespace antialiased
