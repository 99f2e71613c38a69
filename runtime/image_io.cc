#include "runtime/image_io.h"

#include <png.h>
// jpeglib.h needs FILE and size_t declared first.
#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "runtime/error.h"
#include "runtime/file_io.h"

namespace antialiased {
namespace {

std::atomic<int64_t> pixel_limit{kDefaultMaxImagePixels};

bool is_png(const std::string &bytes) { return bytes.size() >= 8 && png_sig_cmp(
    reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) == 0; }
bool is_jpeg(const std::string &bytes) {
    return bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
           static_cast<unsigned char>(bytes[1]) == 0xD8 && static_cast<unsigned char>(bytes[2]) == 0xFF;
}

// The refusal of a `format` image of width x height over the pixel limit, before it is decoded; empty if it
// is within the limit. (The caller frees its decoder, then throws it.)
std::string too_many_pixels(const std::string &path, const char *format, int64_t width, int64_t height) {
    const int64_t limit = max_image_pixels();
    if (width * height <= limit) return "";  // each at most 2^31 (PNG) or 2^16 (JPEG)
    return path + ": " + std::to_string(width) + "x" + std::to_string(height) + " " + format + " has more than " +
           std::to_string(limit) + " pixels";
}

Image read_png(const std::string &path, const std::string &bytes, ColorMode mode) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size())) {
        throw Error(path + ": corrupt PNG (" + png.message + ")");
    }
    if (const std::string refusal = too_many_pixels(path, "PNG", png.width, png.height); !refusal.empty()) {
        png_image_free(&png);
        throw Error(refusal);
    }
    if (mode == ColorMode::kRgb) {
        png.format = PNG_FORMAT_RGB;  // alpha is composed onto black
    } else {
        png.format &= PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA;  // 8-bit, no colour map
    }
    Image image;
    image.width = int(png.width);
    image.height = int(png.height);
    image.channels = int(PNG_IMAGE_SAMPLE_CHANNELS(png.format));
    image.pixels.resize(PNG_IMAGE_SIZE(png));
    if (!png_image_finish_read(&png, nullptr, image.pixels.data(), 0, nullptr)) {
        throw Error(path + ": corrupt PNG (" + png.message + ")");
    }
    return image;
}

struct JpegErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit(j_common_ptr info) {
    auto *errors = reinterpret_cast<JpegErrorManager *>(info->err);
    info->err->format_message(info, errors->message);
    std::longjmp(errors->jump, 1);
}

// libjpeg reports through longjmp, so nothing with a destructor may live between setjmp and the decode's end.
Image read_jpeg(const std::string &path, const std::string &bytes, ColorMode mode) {
    jpeg_decompress_struct info;
    JpegErrorManager errors;
    info.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = jpeg_error_exit;
    errors.base.output_message = [](j_common_ptr) {};  // warnings (e.g. premature end) are not fatal
    Image image;
    if (setjmp(errors.jump)) {
        jpeg_destroy_decompress(&info);
        throw Error(path + ": corrupt JPEG (" + errors.message + ")");
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
    jpeg_read_header(&info, TRUE);
    if (const std::string refusal = too_many_pixels(path, "JPEG", info.image_width, info.image_height);
        !refusal.empty()) {
        jpeg_destroy_decompress(&info);
        throw Error(refusal);
    }
    const bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    const bool gray = info.num_components == 1;
    if (cmyk) {
        info.out_color_space = JCS_CMYK;
    } else {
        info.out_color_space = gray && mode == ColorMode::kKeep ? JCS_GRAYSCALE : JCS_RGB;
    }
    jpeg_start_decompress(&info);
    const int components = info.output_components;
    image.width = int(info.output_width);
    image.height = int(info.output_height);
    image.pixels.resize(size_t(image.width) * image.height * components);
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = image.pixels.data() + size_t(info.output_scanline) * image.width * components;
        jpeg_read_scanlines(&info, &row, 1);
    }
    const bool adobe_inverted = info.saw_Adobe_marker;
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    image.channels = components;
    if (cmyk) {
        // Photoshop writes inverted CMYK: then each channel times K is already R, G, B.
        std::vector<uint8_t> rgb(size_t(image.width) * image.height * 3);
        for (size_t p = 0; p < rgb.size() / 3; p++) {
            const uint8_t *s = &image.pixels[p * 4];
            const int k = adobe_inverted ? s[3] : 255 - s[3];
            for (int ch = 0; ch < 3; ch++) {
                const int v = adobe_inverted ? s[ch] : 255 - s[ch];
                rgb[p * 3 + ch] = static_cast<uint8_t>((v * k + 127) / 255);
            }
        }
        image.pixels = std::move(rgb);
        image.channels = 3;
    }
    return image;
}

bool ends_with(const std::string &s, const std::string &suffix) {
    if (s.size() < suffix.size()) return false;
    return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

std::string encode_png(const std::string &path, const Image &image) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = png_uint_32(image.width);
    png.height = png_uint_32(image.height);
    static const png_uint_32 formats[] = {0, PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB, PNG_FORMAT_RGBA};
    png.format = formats[image.channels];
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr)) {
        throw Error(path + ": cannot encode PNG (" + png.message + ")");
    }
    std::string bytes(size, '\0');
    if (!png_image_write_to_memory(&png, &bytes[0], &size, 0, image.pixels.data(), 0, nullptr)) {
        throw Error(path + ": cannot encode PNG (" + png.message + ")");
    }
    bytes.resize(size);
    return bytes;
}

std::string encode_jpeg(const std::string &path, const Image &image) {
    if (image.channels != 1 && image.channels != 3) {
        throw Error(path + ": JPEG holds gray or RGB, not " + std::to_string(image.channels) + " channels (write a .png)");
    }
    jpeg_compress_struct info;
    JpegErrorManager errors;
    info.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = jpeg_error_exit;
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    if (setjmp(errors.jump)) {
        jpeg_destroy_compress(&info);
        std::free(buffer);
        throw Error(path + ": cannot encode JPEG (" + errors.message + ")");
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &buffer, &size);
    info.image_width = JDIMENSION(image.width);
    info.image_height = JDIMENSION(image.height);
    info.input_components = image.channels;
    info.in_color_space = image.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 95, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<uint8_t *>(image.pixels.data()) + size_t(info.next_scanline) * image.width * image.channels;
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    std::string bytes(reinterpret_cast<char *>(buffer), size);
    std::free(buffer);
    return bytes;
}

}  // namespace

void set_max_image_pixels(int64_t pixels) { pixel_limit = pixels; }
int64_t max_image_pixels() { return pixel_limit; }

bool is_image_file(const std::string &path) {
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    char head[8] = {};
    const size_t n = std::fread(head, 1, sizeof(head), f);
    std::fclose(f);
    const std::string bytes(head, n);
    return is_png(bytes) || is_jpeg(bytes);
}

Image decode_image(const std::string &bytes, const std::string &source, ColorMode mode) {
    if (is_png(bytes)) return read_png(source, bytes, mode);
    if (is_jpeg(bytes)) return read_jpeg(source, bytes, mode);
    throw Error(source + ": not a PNG or JPEG file");
}

Image read_image(const std::string &path, ColorMode mode) { return decode_image(read_file(path), path, mode); }

void write_image(const std::string &path, const Image &image) {
    if (image.channels < 1 || image.channels > 4 || image.width < 1 || image.height < 1 ||
        image.pixels.size() != size_t(image.width) * image.height * image.channels) {
        throw Error(path + ": cannot write a " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                    " image of " + std::to_string(image.channels) + " channels");
    }
    const bool jpeg = ends_with(path, ".jpg") || ends_with(path, ".jpeg");
    write_file_atomically(path, jpeg ? encode_jpeg(path, image) : encode_png(path, image));
}

Tensor image_to_tensor(const Image &image) {
    Tensor tensor = Tensor::uninitialized(Shape{1, image.channels, image.height, image.width});
    float *data = tensor.data();
    for (size_t i = 0; i < image.pixels.size(); i++) data[i] = image.pixels[i] / 255.0f;
    return tensor;
}

Image tensor_to_image(const Tensor &tensor, int n) {
    const Shape &s = tensor.shape();
    if (s.c < 1 || s.c > 4) throw Error("an image has 1 to 4 channels, the tensor " + s.str());
    Image image;
    image.width = s.w;
    image.height = s.h;
    image.channels = s.c;
    const size_t count = size_t(s.w) * s.h * s.c;
    const float *data = tensor.data() + size_t(n) * count;
    image.pixels.resize(count);
    for (size_t i = 0; i < count; i++) {
        image.pixels[i] = static_cast<uint8_t>(std::lround(std::clamp(data[i], 0.0f, 1.0f) * 255.0f));
    }
    return image;
}

}  // namespace antialiased
