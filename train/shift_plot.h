// A picture of -ed's result, so shift-invariance can be seen: the true class's probability (0..100 %, up)
// against the diagonal shift (0..D-1 pixels, right). A shift-invariant network draws flat lines.
#pragma once

#include <string>

#include "train/evaluation.h"

namespace antialiased {

// PNG: one thin gray line per image (the first 100 images), the mean over all images as a thick blue line
// over a band of mean +- one standard deviation; tick labels on both axes.
void plot_diagonal_shifts(const DiagonalShifts &result, const std::string &path);

}  // namespace antialiased
