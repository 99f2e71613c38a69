#include "train/image_sets.h"

#include "runtime/error.h"
#include "runtime/idx_dataset.h"
#include "runtime/image_folder.h"
#include "runtime/image_io.h"
#include "runtime/transforms.h"

namespace antialiased {
namespace {

bool coin(std::mt19937 &random) { return std::bernoulli_distribution(0.5)(random); }

class FolderSet : public ImageSet {
  public:
    FolderSet(ImageFolder folder, int max_shift) : folder_(std::move(folder)), max_shift_(max_shift) {}
    std::string name() const override { return folder_.root; }
    size_t size() const override { return folder_.samples.size(); }
    int classes() const override { return int(folder_.classes.size()); }
    CropGeometry geometry() const override { return {224, 224 + max_shift_}; }

    std::pair<Tensor, int64_t> training_sample(size_t index, std::mt19937 &random, bool augment) const override {
        const Image image = read_image(folder_.samples[index].first, ColorMode::kRgb);
        if (augment) return {training_transform(image, random), folder_.samples[index].second};
        Image view = center_crop(resize_shorter_side(image, 256), 224);
        if (coin(random)) view = horizontal_flip(view);
        return {normalize(view), folder_.samples[index].second};
    }

    std::pair<Tensor, int64_t> evaluation_sample(size_t index, bool full_view) const override {
        const Image image = read_image(folder_.samples[index].first, ColorMode::kRgb);
        const CropGeometry g = geometry();
        return {validation_transform(image, std::max(256, g.full), full_view ? g.full : g.crop),
                folder_.samples[index].second};
    }

  private:
    ImageFolder folder_;
    int max_shift_;
};

class FashionMnistSet : public ImageSet {
  public:
    FashionMnistSet(bool train, FashionMnistGeometry geometry)
        : train_(train), geometry_(geometry), data_(read_fashion_mnist(train)) {}
    std::string name() const override { return std::string("Fashion-MNIST ") + (train_ ? "train" : "test"); }
    size_t size() const override { return size_t(data_.count); }
    int classes() const override { return 10; }
    CropGeometry geometry() const override {
        return {FashionMnistGeometry::kCrop, FashionMnistGeometry::kCrop + geometry_.max_shift};
    }

    std::pair<Tensor, int64_t> training_sample(size_t index, std::mt19937 &random, bool augment) const override {
        const int crop_size = FashionMnistGeometry::kCrop;
        Image view;
        if (augment) {
            std::uniform_int_distribution<int> offset(0, geometry_.canvas - crop_size);
            const int left = offset(random), top = offset(random);
            view = crop(centred(index, geometry_.canvas), left, top, crop_size, crop_size);
        } else {
            view = centred(index, crop_size);
        }
        if (coin(random)) view = horizontal_flip(view);
        return {normalize(view), data_.labels[index]};
    }

    std::pair<Tensor, int64_t> evaluation_sample(size_t index, bool full_view) const override {
        const CropGeometry g = geometry();
        return {normalize(centred(index, full_view ? g.full : g.crop)), data_.labels[index]};
    }

  private:
    // The image on a black size x size square (Fashion-MNIST's background is 0), as RGB: its top-left corner
    // at (size - 28) / 2, so that every view's central crop holds it at the same place.
    Image centred(size_t index, int size) const {
        const int pad_x = (size - data_.cols) / 2, pad_y = (size - data_.rows) / 2;
        Image image{size, size, 3, std::vector<uint8_t>(size_t(size) * size * 3, 0)};
        const uint8_t *pixels = data_.image(int(index));
        for (int y = 0; y < data_.rows; y++) {
            for (int x = 0; x < data_.cols; x++) {
                uint8_t *out = &image.pixels[(size_t(y + pad_y) * size + x + pad_x) * 3];
                out[0] = out[1] = out[2] = pixels[y * data_.cols + x];
            }
        }
        return image;
    }

    bool train_;
    FashionMnistGeometry geometry_;
    IdxDataset data_;
};

// Both sets' shift range: a view of crop + max_shift px.
void check_max_shift(int max_shift) {
    if (max_shift < 0 || max_shift > 1024) {
        throw Error("--max-shift must be in [0, 1024], not " + std::to_string(max_shift));
    }
}

}  // namespace

std::unique_ptr<ImageSet> image_folder_set(const std::string &data_dir, const std::string &split, int max_shift) {
    check_max_shift(max_shift);
    return std::make_unique<FolderSet>(scan_image_folder(data_dir + "/" + split), max_shift);
}

std::unique_ptr<ImageSet> fashion_mnist_set(bool train, FashionMnistGeometry geometry) {
    const int crop_size = FashionMnistGeometry::kCrop;
    if (geometry.canvas < crop_size || geometry.canvas > 1024) {
        throw Error("--canvas must be in [" + std::to_string(crop_size) + ", 1024] (the networks see " +
                    std::to_string(crop_size) + " x " + std::to_string(crop_size) + " crops of it), not " +
                    std::to_string(geometry.canvas));
    }
    check_max_shift(geometry.max_shift);
    return std::make_unique<FashionMnistSet>(train, geometry);
}

std::vector<size_t> sample_subset(size_t size, size_t limit) {
    if (limit == 0 || limit > size) limit = size;
    std::vector<size_t> indices(limit);
    for (size_t i = 0; i < limit; i++) indices[i] = i * size / limit;
    return indices;
}

}  // namespace antialiased
