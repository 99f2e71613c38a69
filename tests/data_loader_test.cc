// The data loader on an ImageFolder tree of PNG and JPEG files the test writes (RGB, grayscale, RGBA, and a
// corrupt one): every readable sample once, in order, with its label; the corrupt one skipped and counted;
// the same batches whatever the number of workers; errors other than unreadable files reach the consumer.
#include <gtest/gtest.h>

#include <fstream>

#include "runtime/data_loader.h"
#include "runtime/error.h"
#include "runtime/image_folder.h"
#include "runtime/image_io.h"
#include "runtime/transforms.h"
#include "tests/scratch_dir.h"

namespace antialiased {
namespace {

Image pattern(int w, int h, int channels, int seed) {
    Image image{w, h, channels, {}};
    for (int i = 0; i < w * h * channels; i++) image.pixels.push_back(uint8_t((i * 31 + seed * 17) % 256));
    return image;
}

class DataLoaderTest : public ::testing::Test {
  protected:
    DataLoaderTest() : dir_("loader") {
        const std::string r = dir_.path();
        std::filesystem::create_directories(r + "/cat");
        std::filesystem::create_directories(r + "/dog");
        write_image(r + "/cat/rgb.png", pattern(40, 30, 3, 1));
        write_image(r + "/cat/gray.png", pattern(35, 36, 1, 2));
        write_image(r + "/cat/rgba.png", pattern(30, 50, 4, 3));
        write_image(r + "/dog/photo.jpg", pattern(48, 40, 3, 4));
        write_image(r + "/dog/gray.jpg", pattern(33, 31, 1, 5));
        std::ofstream(r + "/dog/corrupt.jpg") << "\xff\xd8\xff not really a JPEG";
        folder_ = scan_image_folder(r);
    }
    // The reference's training transform at 16 px, on RGB.
    DataLoader::Load load() const {
        return [this](size_t i, std::mt19937 &random) {
            const auto &[path, label] = folder_.samples[i];
            return std::make_pair(training_transform(read_image(path, ColorMode::kRgb), random, 16), int64_t(label));
        };
    }
    std::vector<size_t> all() const {
        std::vector<size_t> order(folder_.samples.size());
        for (size_t i = 0; i < order.size(); i++) order[i] = i;
        return order;
    }
    ScratchDir dir_;
    ImageFolder folder_;
};

TEST_F(DataLoaderTest, LoadsEveryReadableSampleOnceAndSkipsTheCorruptOne) {
    ASSERT_EQ(folder_.samples.size(), 6u);
    DataLoader loader(load(), all(), 4, 2, 7);
    EXPECT_EQ(loader.batches(), 2u);
    std::vector<int64_t> labels;
    int batches = 0;
    while (std::optional<Batch> batch = loader.next()) {
        EXPECT_EQ(batch->images.shape().c, 3);
        EXPECT_EQ(batch->images.shape().h, 16);
        EXPECT_EQ(batch->images.shape().n, int(batch->labels.size()));
        labels.insert(labels.end(), batch->labels.begin(), batch->labels.end());
        batches++;
    }
    EXPECT_EQ(batches, 2);
    // cat: gray, rgb, rgba; dog: corrupt (skipped), gray, photo.
    EXPECT_EQ(labels, (std::vector<int64_t>{0, 0, 0, 1, 1}));
    EXPECT_EQ(loader.skipped(), 1u);
}

TEST_F(DataLoaderTest, GivesTheSameBatchesWhateverTheWorkers) {
    std::vector<float> first;
    for (int workers : {1, 3}) {
        DataLoader loader(load(), {5, 0, 3, 1, 4, 2}, 2, workers, 11, 1);
        std::vector<float> values;
        while (std::optional<Batch> batch = loader.next()) {
            const std::vector<float> v = batch->images.to_nchw();
            values.insert(values.end(), v.begin(), v.end());
        }
        if (first.empty()) first = values;
        EXPECT_EQ(values, first) << workers << " workers";
    }
    DataLoader other_seed(load(), {5, 0, 3, 1, 4, 2}, 2, 1, 12, 1);
    EXPECT_NE(other_seed.next()->images.to_nchw(), std::vector<float>(first.begin(), first.begin() + 2 * 3 * 16 * 16));
}

TEST_F(DataLoaderTest, OtherErrorsReachTheConsumer) {
    DataLoader mixed([](size_t i, std::mt19937 &) { return std::make_pair(Tensor(Shape{1, 3, 4 + int(i), 4}), int64_t(0)); },
                     {0, 1}, 2, 1, 0);
    EXPECT_THROW(mixed.next(), Error);
    EXPECT_THROW(DataLoader(load(), all(), 0, 1, 0), Error);
    // Stopping early (the loader destroyed with batches in flight) must not hang.
    DataLoader early(load(), all(), 1, 2, 0, 2);
    EXPECT_TRUE(early.next().has_value());
}

}  // namespace
}  // namespace antialiased
