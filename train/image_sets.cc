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
    explicit FolderSet(ImageFolder folder) : folder_(std::move(folder)) {}
    std::string name() const override { return folder_.root; }
    size_t size() const override { return folder_.samples.size(); }
    int classes() const override { return int(folder_.classes.size()); }
    CropGeometry geometry() const override { return {224, 256}; }

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
        return {validation_transform(image, g.full, full_view ? g.full : g.crop), folder_.samples[index].second};
    }

  private:
    ImageFolder folder_;
};

class FashionMnistSet : public ImageSet {
  public:
    explicit FashionMnistSet(bool train) : train_(train), data_(read_fashion_mnist(train)) {}
    std::string name() const override { return std::string("Fashion-MNIST ") + (train_ ? "train" : "test"); }
    size_t size() const override { return size_t(data_.count); }
    int classes() const override { return 10; }
    CropGeometry geometry() const override { return {32, 36}; }

    std::pair<Tensor, int64_t> training_sample(size_t index, std::mt19937 &random, bool augment) const override {
        const int shift = geometry().max_shift();
        std::uniform_int_distribution<int> offset(0, shift);
        const int left = augment ? offset(random) : shift / 2, top = augment ? offset(random) : shift / 2;
        Image view = crop(padded(index), left, top, geometry().crop, geometry().crop);
        if (coin(random)) view = horizontal_flip(view);
        return {normalize(view), data_.labels[index]};
    }

    std::pair<Tensor, int64_t> evaluation_sample(size_t index, bool full_view) const override {
        const CropGeometry g = geometry();
        const int size = full_view ? g.full : g.crop, offset = (g.full - size) / 2;
        return {normalize(crop(padded(index), offset, offset, size, size)), data_.labels[index]};
    }

  private:
    // The image centred on a black full x full canvas (Fashion-MNIST's background is 0), as RGB.
    Image padded(size_t index) const {
        const int full = geometry().full, pad_x = (full - data_.cols) / 2, pad_y = (full - data_.rows) / 2;
        Image image{full, full, 3, std::vector<uint8_t>(size_t(full) * full * 3, 0)};
        const uint8_t *pixels = data_.image(int(index));
        for (int y = 0; y < data_.rows; y++) {
            for (int x = 0; x < data_.cols; x++) {
                uint8_t *out = &image.pixels[(size_t(y + pad_y) * full + x + pad_x) * 3];
                out[0] = out[1] = out[2] = pixels[y * data_.cols + x];
            }
        }
        return image;
    }

    bool train_;
    IdxDataset data_;
};

}  // namespace

std::unique_ptr<ImageSet> image_folder_set(const std::string &data_dir, const std::string &split) {
    return std::make_unique<FolderSet>(scan_image_folder(data_dir + "/" + split));
}

std::unique_ptr<ImageSet> fashion_mnist_set(bool train) { return std::make_unique<FashionMnistSet>(train); }

std::vector<size_t> sample_subset(size_t size, size_t limit) {
    if (limit == 0 || limit > size) limit = size;
    std::vector<size_t> indices(limit);
    for (size_t i = 0; i < limit; i++) indices[i] = i * size / limit;
    return indices;
}

}  // namespace antialiased
