#include "runtime/transforms.h"

#include <algorithm>
#include <cmath>

#include "runtime/error.h"

namespace antialiased {
namespace {

// PIL's resampling along one axis: for each output sample, a triangle filter centred on it in input
// coordinates, its support scaled by the shrink factor (so shrinking averages, not skips), weights
// normalised; inputs are clamped at the borders by dropping the weights outside.
struct AxisWeights {
    std::vector<int> first;                  // first input index of each output sample
    std::vector<std::vector<float>> weights;  // its weights
};

AxisWeights triangle_weights(int in_size, int out_size) {
    const double scale = double(in_size) / out_size;
    const double support = std::max(scale, 1.0);  // the bilinear filter's radius is 1 at scale 1
    AxisWeights axis;
    for (int i = 0; i < out_size; i++) {
        const double center = (i + 0.5) * scale;
        const int lo = std::max(0, int(std::floor(center - support + 0.5)));
        const int hi = std::min(in_size, int(std::floor(center + support + 0.5)));
        std::vector<float> w;
        double total = 0;
        for (int j = lo; j < hi; j++) {
            const double t = std::max(0.0, 1.0 - std::abs((j + 0.5 - center) / support));
            w.push_back(float(t));
            total += t;
        }
        for (float &v : w) v = float(v / total);
        axis.first.push_back(lo);
        axis.weights.push_back(std::move(w));
    }
    return axis;
}

uint8_t to_byte(float v) { return uint8_t(std::clamp(std::lround(v), 0L, 255L)); }

}  // namespace

Image resize(const Image &image, int width, int height) {
    if (width < 1 || height < 1) throw Error("resize to " + std::to_string(width) + "x" + std::to_string(height));
    const AxisWeights wx = triangle_weights(image.width, width), wy = triangle_weights(image.height, height);
    const int c = image.channels;
    // Horizontal pass into floats, then vertical, as PIL does.
    std::vector<float> rows(size_t(image.height) * width * c);
    for (int y = 0; y < image.height; y++) {
        for (int x = 0; x < width; x++) {
            for (int ch = 0; ch < c; ch++) {
                float sum = 0;
                for (size_t k = 0; k < wx.weights[x].size(); k++) {
                    sum += wx.weights[x][k] * image.pixels[(size_t(y) * image.width + wx.first[x] + k) * c + ch];
                }
                rows[(size_t(y) * width + x) * c + ch] = std::round(std::clamp(sum, 0.0f, 255.0f));
            }
        }
    }
    Image out{width, height, c, std::vector<uint8_t>(size_t(width) * height * c)};
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            for (int ch = 0; ch < c; ch++) {
                float sum = 0;
                for (size_t k = 0; k < wy.weights[y].size(); k++) {
                    sum += wy.weights[y][k] * rows[((wy.first[y] + k) * width + x) * c + ch];
                }
                out.pixels[(size_t(y) * width + x) * c + ch] = to_byte(sum);
            }
        }
    }
    return out;
}

Image resize_shorter_side(const Image &image, int size) {
    if (image.width <= image.height) {
        return resize(image, size, int(int64_t(size) * image.height / image.width));
    }
    return resize(image, int(int64_t(size) * image.width / image.height), size);
}

Image crop(const Image &image, int left, int top, int width, int height) {
    if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > image.width || top + height > image.height) {
        throw Error("crop " + std::to_string(width) + "x" + std::to_string(height) + " at (" + std::to_string(left) +
                    ", " + std::to_string(top) + ") does not fit a " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " image");
    }
    Image out{width, height, image.channels, {}};
    out.pixels.reserve(size_t(width) * height * image.channels);
    for (int y = top; y < top + height; y++) {
        const uint8_t *row = &image.pixels[(size_t(y) * image.width + left) * image.channels];
        out.pixels.insert(out.pixels.end(), row, row + size_t(width) * image.channels);
    }
    return out;
}

Tensor crop(const Tensor &batch, int left, int top, int width, int height) {
    const Shape in = batch.shape();
    if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > in.w || top + height > in.h) {
        throw Error("crop " + std::to_string(width) + "x" + std::to_string(height) + " at (" + std::to_string(left) +
                    ", " + std::to_string(top) + ") does not fit a batch of " + in.str());
    }
    Tensor out = Tensor::uninitialized(Shape{in.n, in.c, height, width});
    const float *from = batch.data();
    float *to = out.data();
    const size_t row = size_t(width) * in.c;  // NHWC: a crop's row is contiguous
    for (int n = 0; n < in.n; n++) {
        for (int y = 0; y < height; y++, to += row) {
            std::copy_n(from + ((size_t(n) * in.h + top + y) * in.w + left) * in.c, row, to);
        }
    }
    return out;
}

Image center_crop(const Image &image, int size) {
    // Python's round(), as torchvision uses: halves to even.
    const int left = int(std::nearbyint((image.width - size) / 2.0)), top = int(std::nearbyint((image.height - size) / 2.0));
    return crop(image, left, top, size, size);
}

Tensor normalize(const Image &image) {
    if (image.channels != 3) throw Error("normalize: an RGB image, not " + std::to_string(image.channels) + " channels");
    Tensor t = Tensor::uninitialized(Shape{1, 3, image.height, image.width});
    float *data = t.data();
    for (size_t i = 0; i < image.pixels.size(); i++) {
        const int c = int(i % 3);
        data[i] = (image.pixels[i] / 255.0f - kImageNetMean[c]) / kImageNetStd[c];
    }
    return t;
}

Tensor validation_transform(const Image &image, int resize_to, int crop_size) {
    if (image.channels != 3) throw Error("validation_transform: an RGB image, read with ColorMode::kRgb");
    return normalize(center_crop(resize_shorter_side(image, resize_to), crop_size));
}

Image random_resized_crop(const Image &image, int size, std::mt19937 &random) {
    const double width = image.width, height = image.height, area = width * height;
    const double min_ratio = 3.0 / 4.0, max_ratio = 4.0 / 3.0;
    std::uniform_real_distribution<double> scale(0.08, 1.0), log_ratio(std::log(min_ratio), std::log(max_ratio));
    for (int attempt = 0; attempt < 10; attempt++) {
        const double target = area * scale(random), ratio = std::exp(log_ratio(random));
        const int w = int(std::lround(std::sqrt(target * ratio))), h = int(std::lround(std::sqrt(target / ratio)));
        if (w > 0 && w <= image.width && h > 0 && h <= image.height) {
            const int top = std::uniform_int_distribution<int>(0, image.height - h)(random);
            const int left = std::uniform_int_distribution<int>(0, image.width - w)(random);
            return resize(crop(image, left, top, w, h), size, size);
        }
    }
    int w = image.width, h = image.height;
    if (width / height < min_ratio) {
        h = int(std::lround(w / min_ratio));
    } else if (width / height > max_ratio) {
        w = int(std::lround(h * max_ratio));
    }
    return resize(crop(image, (image.width - w) / 2, (image.height - h) / 2, w, h), size, size);
}

Image horizontal_flip(const Image &image) {
    Image out = image;
    const int c = image.channels;
    for (int y = 0; y < image.height; y++) {
        for (int x = 0; x < image.width; x++) {
            const uint8_t *src = &image.pixels[(size_t(y) * image.width + (image.width - 1 - x)) * c];
            std::copy(src, src + c, &out.pixels[(size_t(y) * image.width + x) * c]);
        }
    }
    return out;
}

Tensor training_transform(const Image &image, std::mt19937 &random, int crop_size) {
    if (image.channels != 3) throw Error("training_transform: the image must be RGB");
    Image cropped = random_resized_crop(image, crop_size, random);
    if (std::bernoulli_distribution(0.5)(random)) cropped = horizontal_flip(cropped);
    return normalize(cropped);
}

}  // namespace antialiased
