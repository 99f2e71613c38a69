#include "train/shift_plot.h"

#include <algorithm>
#include <cmath>

#include "runtime/image_io.h"

namespace antialiased {
namespace {

constexpr int kWidth = 640, kHeight = 400, kLeft = 50, kRight = 20, kTop = 20, kBottom = 40;
constexpr int kMaxImageLines = 100;

struct Color {
    uint8_t r, g, b;
};

// 3x5 digits, one row per 3 bits (most significant bit left), for the tick labels.
constexpr uint16_t kDigits[10][5] = {{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7},
                                     {5, 5, 7, 1, 1}, {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1},
                                     {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};

class Canvas {
  public:
    Canvas() : image_{kWidth, kHeight, 3, std::vector<uint8_t>(size_t(kWidth) * kHeight * 3, 255)} {}

    // Blends `color` over pixel (x, y) with opacity `alpha`.
    void blend(int x, int y, Color color, float alpha) {
        if (x < 0 || y < 0 || x >= kWidth || y >= kHeight) return;
        uint8_t *p = &image_.pixels[(size_t(y) * kWidth + x) * 3];
        const uint8_t c[3] = {color.r, color.g, color.b};
        for (int k = 0; k < 3; k++) p[k] = uint8_t(std::lround(p[k] + alpha * (c[k] - p[k])));
    }

    // A straight line, `width` pixels thick, one blend per pixel step along its longer axis.
    void line(double x0, double y0, double x1, double y1, Color color, float alpha, int width) {
        const int steps = int(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))) + 1;
        for (int s = 0; s <= steps; s++) {
            const double t = double(s) / steps, x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
            for (int d = -(width / 2); d <= width / 2; d++) {
                if (std::abs(x1 - x0) >= std::abs(y1 - y0)) {
                    blend(int(std::lround(x)), int(std::lround(y)) + d, color, alpha);
                } else {
                    blend(int(std::lround(x)) + d, int(std::lround(y)), color, alpha);
                }
            }
        }
    }

    // `number` in 2x-scaled 3x5 digits, its right edge at x (align_right) or centred on x; top at y.
    void text(int number, int x, int y, bool align_right) {
        const std::string digits = std::to_string(number);
        const int width = int(digits.size()) * 8 - 2;
        int left = align_right ? x - width : x - width / 2;
        for (char ch : digits) {
            for (int row = 0; row < 5; row++) {
                for (int col = 0; col < 3; col++) {
                    if (!(kDigits[ch - '0'][row] >> (2 - col) & 1)) continue;
                    for (int k = 0; k < 4; k++) blend(left + 2 * col + k % 2, y + 2 * row + k / 2, {0, 0, 0}, 1);
                }
            }
            left += 8;
        }
    }

    const Image &image() const { return image_; }

  private:
    Image image_;
};

}  // namespace

void plot_diagonal_shifts(const DiagonalShifts &result, const std::string &path) {
    Canvas canvas;
    const int last = std::max(result.shifts - 1, 1);
    auto px = [&](double shift) { return kLeft + shift * (kWidth - kLeft - kRight) / last; };
    auto py = [&](double prob) { return kHeight - kBottom - prob * (kHeight - kTop - kBottom) / 100.0; };
    const Color axis{0, 0, 0}, grid{200, 200, 200}, lines{90, 90, 90}, mean{20, 70, 200};

    for (int p = 0; p <= 100; p += 25) {
        canvas.line(px(0), py(p), px(last), py(p), grid, 1, 1);
        canvas.text(p, kLeft - 6, int(py(p)) - 5, true);
    }
    const int tick = std::max(1, (result.shifts + 8) / 9);  // at most ~9 labels
    for (int s = 0; s < result.shifts; s += tick) {
        canvas.line(px(s), py(0), px(s), py(0) + 5, axis, 1, 1);
        canvas.text(s, int(px(s)), int(py(0)) + 10, false);
    }

    std::vector<double> mean_prob(result.shifts, 0), spread(result.shifts, 0);
    for (int s = 0; s < result.shifts; s++) {
        for (int i = 0; i < result.images; i++) mean_prob[s] += result.probs[size_t(i) * result.shifts + s];
        mean_prob[s] /= std::max(result.images, 1);
        for (int i = 0; i < result.images; i++) {
            spread[s] += std::pow(result.probs[size_t(i) * result.shifts + s] - mean_prob[s], 2);
        }
        spread[s] = std::sqrt(spread[s] / std::max(result.images, 1));
    }
    // The band: each pixel column between mean - spread and mean + spread, interpolated between shifts.
    for (int x = int(std::ceil(px(0))); x <= int(px(last)); x++) {
        const double shift = std::min(double(last), (x - kLeft) * double(last) / (kWidth - kLeft - kRight));
        const int s0 = std::min(int(shift), std::max(result.shifts - 2, 0));
        const double t = result.shifts > 1 ? shift - s0 : 0;
        auto at = [&](const std::vector<double> &v) {
            return v[s0] + t * (v[std::min(s0 + 1, result.shifts - 1)] - v[s0]);
        };
        const double high = std::min(100.0, at(mean_prob) + at(spread)),
                     low = std::max(0.0, at(mean_prob) - at(spread));
        for (int y = int(py(high)); y <= int(py(low)); y++) canvas.blend(x, y, mean, 0.15f);
    }
    for (int i = 0; i < std::min(result.images, kMaxImageLines); i++) {
        const double *row = &result.probs[size_t(i) * result.shifts];
        for (int s = 0; s + 1 < result.shifts; s++)
            canvas.line(px(s), py(row[s]), px(s + 1), py(row[s + 1]), lines, 0.25f, 1);
    }
    for (int s = 0; s + 1 < result.shifts; s++) {
        canvas.line(px(s), py(mean_prob[s]), px(s + 1), py(mean_prob[s + 1]), mean, 1, 3);
    }
    canvas.line(px(0), py(0), px(last), py(0), axis, 1, 1);
    canvas.line(px(0), py(0), px(0), py(100), axis, 1, 1);
    write_image(path, canvas.image());
}

}  // namespace antialiased
