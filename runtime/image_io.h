// PNG and JPEG files <-> 8-bit images <-> tensors. The format is told by the file's first bytes, not its
// name; corrupt, truncated or unsupported files give an Error naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tensor.h"

namespace antialiased {

struct Image {
    int width = 0, height = 0, channels = 0;  // channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    std::vector<uint8_t> pixels;              // interleaved, row-major (H, W, C)
};

enum class ColorMode {
    kKeep,  // gray stays gray, alpha stays
    kRgb,   // everything becomes 3-channel RGB (gray expanded, alpha dropped, CMYK converted)
};

// Larger images are refused before they are decoded (a few hundred bytes of PNG or JPEG can claim gigapixels).
// By default twice Pillow's decompression-bomb warning threshold, where Pillow refuses them too (0.5 GB as
// RGB); a program may set another limit (as Pillow's Image.MAX_IMAGE_PIXELS), for every thread.
constexpr int64_t kDefaultMaxImagePixels = 178956970;
void set_max_image_pixels(int64_t pixels);
int64_t max_image_pixels();

bool is_image_file(const std::string &path);  // PNG or JPEG by its first bytes
Image read_image(const std::string &path, ColorMode mode = ColorMode::kKeep);
// The same from a file's bytes, errors naming `source`.
Image decode_image(const std::string &bytes, const std::string &source, ColorMode mode = ColorMode::kKeep);
// PNG, or JPEG (quality 95) when the name ends in .jpg/.jpeg.
void write_image(const std::string &path, const Image &image);

// (1, C, H, W) with values in [0, 1]; the tensor's NHWC memory is the image's own layout.
Tensor image_to_tensor(const Image &image);
// Image `n` of the tensor, values clamped to [0, 1] and rounded; 1..4 channels.
Image tensor_to_image(const Tensor &tensor, int n = 0);

}  // namespace antialiased
