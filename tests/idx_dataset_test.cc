// The IDX reader: files it writes itself (plain and gzip), every malformed case an error naming the file, and
// Debian's Fashion-MNIST as installed by tools/setup.sh (counts, classes, first labels and the first image's
// pixel sum, read independently with numpy).
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <numeric>

#include "runtime/error.h"
#include "runtime/idx_dataset.h"
#include "tests/error_of.h"
#include "tests/scratch_dir.h"

namespace antialiased {
namespace {

std::string be32(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

void write_file(const std::string &path, const std::string &data, bool gzip) {
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb");
        gzwrite(f, data.data(), unsigned(data.size()));
        gzclose(f);
    } else {
        std::ofstream(path, std::ios::binary) << data;
    }
}

std::string images_file(uint32_t n, uint32_t rows, uint32_t cols) {
    std::string data = be32(0x803) + be32(n) + be32(rows) + be32(cols);
    for (uint32_t i = 0; i < n * rows * cols; i++) data += char(i * 7);
    return data;
}

std::string labels_file(uint32_t n) {
    std::string data = be32(0x801) + be32(n);
    for (uint32_t i = 0; i < n; i++) data += char(i % 10);
    return data;
}

std::string error_of(const std::string &images, const std::string &labels) {
    return antialiased::error_of([&] { read_idx_dataset(images, labels); });
}

TEST(IdxDataset, ReadsPlainAndGzippedFiles) {
    const ScratchDir dir("idx");
    for (bool gzip : {false, true}) {
        const std::string images = dir.path() + "/images" + (gzip ? ".gz" : ""), labels = dir.path() + "/labels";
        write_file(images, images_file(3, 4, 5), gzip);
        write_file(labels, labels_file(3), !gzip);
        const IdxDataset set = read_idx_dataset(images, labels);
        EXPECT_EQ(set.count, 3);
        EXPECT_EQ(set.rows, 4);
        EXPECT_EQ(set.cols, 5);
        EXPECT_EQ(set.labels, (std::vector<int64_t>{0, 1, 2}));
        ASSERT_EQ(set.pixels.size(), 60u);
        EXPECT_EQ(set.image(2)[1], uint8_t(41 * 7));
    }
}

TEST(IdxDataset, MalformedFilesAreErrorsNamingThem) {
    const ScratchDir dir("idx_bad");
    const std::string d = dir.path();
    write_file(d + "/images", images_file(3, 4, 5), false);
    write_file(d + "/labels", labels_file(3), false);
    write_file(d + "/labels2", labels_file(2), false);
    write_file(d + "/short", images_file(3, 4, 5).substr(0, 40), false);
    write_file(d + "/magic", be32(0x802) + images_file(3, 4, 5).substr(4), false);
    write_file(d + "/broken.gz", images_file(3, 4, 5), true);
    std::ifstream in(d + "/broken.gz", std::ios::binary);
    const std::string gz(std::istreambuf_iterator<char>(in), {});
    write_file(d + "/broken.gz", gz.substr(0, gz.size() - 12), false);  // truncated gzip stream

    EXPECT_EQ(error_of(d + "/missing", d + "/labels"), d + "/missing: cannot open");
    EXPECT_EQ(error_of(d + "/images", d + "/labels2"), d + "/labels2: 2 labels for 3 images in " + d + "/images");
    EXPECT_EQ(error_of(d + "/short", d + "/labels"), d + "/short: 24 bytes of data, the header says 60");
    EXPECT_EQ(error_of(d + "/magic", d + "/labels"), d + "/magic: not an IDX file of 3-D unsigned bytes");
    EXPECT_EQ(error_of(d + "/labels", d + "/labels"), d + "/labels: not an IDX file of 3-D unsigned bytes");
    EXPECT_EQ(error_of(d + "/broken.gz", d + "/labels").rfind(d + "/broken.gz: ", 0), 0u);
    try {
        read_fashion_mnist(true, d);
        FAIL();
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(), (d + "/train-images-idx3-ubyte.gz: missing; install Debian's dataset-fashion-mnist "
                                    "(bash tools/setup.sh does)").c_str());
    }
}

TEST(IdxDataset, ReadsDebiansFashionMnist) {
    for (bool train : {true, false}) {
        const IdxDataset set = read_fashion_mnist(train);
        EXPECT_EQ(set.count, train ? 60000 : 10000);
        EXPECT_EQ(set.rows, 28);
        EXPECT_EQ(set.cols, 28);
        std::vector<int> per_class(10);
        for (int64_t label : set.labels) per_class.at(label)++;
        EXPECT_EQ(per_class, std::vector<int>(10, set.count / 10));
        EXPECT_EQ(std::vector<int64_t>(set.labels.begin(), set.labels.begin() + 5),
                  train ? (std::vector<int64_t>{9, 0, 0, 3, 0}) : (std::vector<int64_t>{9, 2, 1, 1, 6}));
        EXPECT_EQ(std::accumulate(set.image(0), set.image(1), 0), train ? 76247 : 33456);
    }
}

}  // namespace
}  // namespace antialiased
