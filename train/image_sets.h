// What `main` trains and evaluates on: an ImageNet-style folder (--data DIR: DIR/train and DIR/val, one
// subfolder per class) with the reference's transforms, or the built-in Fashion-MNIST (Debian's
// dataset-fashion-mnist) with the same transforms at its own scale.
//
// Every set has a crop geometry: networks see `crop` x `crop` images; the shift evaluations (-es, -ed) take
// their crops from the central `full` x `full` view, at offsets in [0, full - crop]. ImageNet: 224 of 256, as
// the reference. Fashion-MNIST: its 28 x 28 images zero-padded to 36 x 36, crops of 32, so the shifts (0..4
// pixels) move the garment within the frame without cutting it.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "runtime/tensor.h"

namespace antialiased {

struct CropGeometry {
    int crop = 224;  // what the network sees
    int full = 256;  // the shift evaluations' view
    int max_shift() const { return full - crop; }
};

class ImageSet {
  public:
    virtual ~ImageSet() = default;
    virtual std::string name() const = 0;  // for messages: the folder, or "Fashion-MNIST train"
    virtual size_t size() const = 0;
    virtual int classes() const = 0;
    virtual CropGeometry geometry() const = 0;

    // A training sample, (1, 3, crop, crop): with `augment` a random crop (ImageNet: RandomResizedCrop;
    // Fashion-MNIST: a random position within the padded image) and a random horizontal flip; without, the
    // central crop with a random flip (the reference's --no-data-aug). Error naming the file if unreadable.
    virtual std::pair<Tensor, int64_t> training_sample(size_t index, std::mt19937 &random, bool augment) const = 0;
    // An evaluation sample: the central crop (1, 3, crop, crop), or with `full_view` the shift evaluations'
    // (1, 3, full, full).
    virtual std::pair<Tensor, int64_t> evaluation_sample(size_t index, bool full_view) const = 0;
};

// The split `split` ("train" or "val") of an ImageNet-style folder.
std::unique_ptr<ImageSet> image_folder_set(const std::string &data_dir, const std::string &split);
// Fashion-MNIST's training (60000) or test (10000) images; Error naming the package when it is not installed.
std::unique_ptr<ImageSet> fashion_mnist_set(bool train);

// `limit` sample indices of a set of `size` (all when limit is 0 or >= size), evenly spaced so that every
// class of a class-sorted folder is represented; the same whatever the seed.
std::vector<size_t> sample_subset(size_t size, size_t limit);

}  // namespace antialiased
