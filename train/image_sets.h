// What `main` trains and evaluates on: an ImageNet-style folder (--data DIR: DIR/train and DIR/val, one
// subfolder per class) with the reference's transforms, or the built-in Fashion-MNIST (Debian's
// dataset-fashion-mnist) with the same transforms at its own scale.
//
// Every set has a crop geometry: networks see `crop` x `crop` images; the shift evaluations (-es, -ed) take
// their crops from the central `full` x `full` view, at offsets in [0, full - crop]. ImageNet: 224 of 256 by
// default, as the reference. Fashion-MNIST: its 28 x 28 images centred on a black canvas, crops of 32; the
// shift view is crop + max_shift, the image centred on black, so shifts move the garment within the frame and
// cut it only when they pass the 2 px margin a central crop leaves on each side.
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

// The split `split` ("train" or "val") of an ImageNet-style folder; the shift view is the central
// (224 + max_shift) square of the image resized to a shorter side of max(256, 224 + max_shift) (the
// reference: 256, shifts in [0, 32)).
std::unique_ptr<ImageSet> image_folder_set(const std::string &data_dir, const std::string &split, int max_shift = 32);

// The built-in data's geometry: each 28 x 28 image centred on a black `canvas` x `canvas` square, from which
// training's augmented crops (random offsets in [0, canvas - crop]) are taken; the shift evaluations' offsets
// go up to `max_shift`. Unaugmented training and -e see the central crop.
struct FashionMnistGeometry {
    static constexpr int kCrop = 32;  // the networks' input
    int canvas = 40;
    int max_shift = 8;
};
// Fashion-MNIST's training (60000) or test (10000) images; Error naming the package when it is not installed,
// or the flag (--canvas, --max-shift) when the geometry is impossible.
std::unique_ptr<ImageSet> fashion_mnist_set(bool train, FashionMnistGeometry geometry = {});

// `limit` sample indices of a set of `size` (all when limit is 0 or >= size), evenly spaced so that every
// class of a class-sorted folder is represented; the same whatever the seed.
std::vector<size_t> sample_subset(size_t size, size_t limit);

}  // namespace antialiased
