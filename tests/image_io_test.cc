// PNG and JPEG decoding and encoding, and corrupt files refused with their names.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include <zlib.h>

#include "runtime/error.h"
#include "runtime/file_io.h"
#include "runtime/image_io.h"
#include "tests/error_of.h"

namespace antialiased {
namespace {

// The error decoding `bytes` gives.
std::string decode_error(const std::string &bytes, const std::string &name) {
    return antialiased::error_of([&] { decode_image(bytes, name); });
}

std::string temp_path(const std::string &name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

Image gradient(int width, int height, int channels) {
    Image image{width, height, channels, {}};
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            for (int c = 0; c < channels; c++) image.pixels.push_back(uint8_t((x * 4 + y * 3 + c * 20) % 256));
        }
    }
    return image;
}

TEST(ImageIo, PngRoundTripsExactlyInEveryChannelCount) {
    for (int channels = 1; channels <= 4; channels++) {
        const Image image = gradient(13, 7, channels);
        const std::string path = temp_path("i.png");
        write_image(path, image);
        EXPECT_TRUE(is_image_file(path));
        const Image read = read_image(path);
        EXPECT_EQ(read.channels, channels);
        EXPECT_EQ(read.pixels, image.pixels);
        // As RGB: gray is expanded, alpha dropped.
        EXPECT_EQ(read_image(path, ColorMode::kRgb).channels, 3);
    }
}

TEST(ImageIo, JpegRoundTripsApproximately) {
    const Image image = gradient(32, 24, 3);
    const std::string path = temp_path("i.jpg");
    write_image(path, image);
    const Image read = read_image(path);
    ASSERT_EQ(read.channels, 3);
    ASSERT_EQ(read.pixels.size(), image.pixels.size());
    double error = 0;
    for (size_t i = 0; i < read.pixels.size(); i++) error += std::abs(int(read.pixels[i]) - int(image.pixels[i]));
    EXPECT_LT(error / read.pixels.size(), 6.0);  // quality 95

    write_image(path, gradient(8, 8, 1));
    EXPECT_EQ(read_image(path).channels, 1);
    EXPECT_EQ(read_image(path, ColorMode::kRgb).channels, 3);
}

TEST(ImageIo, TensorsHoldImagesInUnitRange) {
    const Image image = gradient(5, 4, 3);
    const Tensor t = image_to_tensor(image);
    EXPECT_EQ(t.shape(), (Shape{1, 3, 4, 5}));
    EXPECT_FLOAT_EQ(t.at(0, 2, 3, 4), image.pixels[(3 * 5 + 4) * 3 + 2] / 255.0f);
    EXPECT_EQ(tensor_to_image(t).pixels, image.pixels);
}

TEST(ImageIo, RefusesCorruptFilesNamingThem) {
    const std::string png = temp_path("c.png"), jpg = temp_path("c.jpg");
    write_image(png, gradient(40, 30, 3));
    write_image(jpg, gradient(40, 30, 3));
    const std::string png_bytes = read_file(png), jpg_bytes = read_file(jpg);

    write_file_atomically(png, png_bytes.substr(0, png_bytes.size() / 2));
    try {
        read_image(png);
        FAIL() << "a truncated PNG was accepted";
    } catch (const Error &e) {
        EXPECT_EQ(std::string(e.what()).rfind(png + ": corrupt PNG", 0), 0u) << e.what();
    }
    std::string scrambled = jpg_bytes;
    for (size_t i = 20; i < 200; i++) scrambled[i] = char(i * 31);
    write_file_atomically(jpg, scrambled);
    try {
        read_image(jpg);
        FAIL() << "a corrupt JPEG was accepted";
    } catch (const Error &e) {
        EXPECT_EQ(std::string(e.what()).rfind(jpg + ": corrupt JPEG", 0), 0u) << e.what();
    }
    write_file_atomically(jpg, "GIF89a");
    EXPECT_FALSE(is_image_file(jpg));
    EXPECT_THROW(read_image(jpg), Error);
    EXPECT_THROW(write_image(temp_path("x.jpg"), gradient(4, 4, 4)), Error);  // JPEG has no alpha
}

// A few hundred bytes can claim gigapixels: such files are refused from their headers, before any pixel memory
// is allocated. Each is a small image whose header is rewritten to 60000 x 60000.
TEST(ImageIo, RefusesImagesThatClaimTooManyPixels) {
    const std::string png = temp_path("big.png"), jpg = temp_path("big.jpg");
    write_image(png, gradient(40, 30, 3));
    write_image(jpg, gradient(40, 30, 3));
    const auto big_endian = [](std::string *bytes, size_t at, uint32_t value, int width) {
        for (int i = 0; i < width; i++) (*bytes)[at + i] = char(value >> (8 * (width - 1 - i)));
    };
    // PNG: IHDR's width and height (bytes 16 and 20), then the chunk's CRC (over its type and data) again.
    std::string bytes = read_file(png);
    big_endian(&bytes, 16, 60000, 4);
    big_endian(&bytes, 20, 60000, 4);
    big_endian(&bytes, 29, uint32_t(crc32(0, reinterpret_cast<const Bytef *>(bytes.data() + 12), 17)), 4);
    EXPECT_EQ(decode_error(bytes, "big.png"), "big.png: 60000x60000 PNG has more than 178956970 pixels");
    // JPEG: the baseline frame header (FF C0, length, precision, then height and width).
    bytes = read_file(jpg);
    const size_t frame = bytes.find("\xff\xc0");
    ASSERT_NE(frame, std::string::npos);
    big_endian(&bytes, frame + 5, 60000, 2);
    big_endian(&bytes, frame + 7, 60000, 2);
    EXPECT_EQ(decode_error(bytes, "big.jpg"), "big.jpg: 60000x60000 JPEG has more than 178956970 pixels");
}

}  // namespace
}  // namespace antialiased
