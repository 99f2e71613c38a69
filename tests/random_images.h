// A batch of images with standard normal pixels, the same for the same seed, for the training tests.
#pragma once

#include <cstdint>
#include <random>

#include "runtime/tensor.h"

namespace antialiased {

inline Tensor random_images(int n, int size, uint32_t seed) {
    std::mt19937 random(seed);
    std::normal_distribution<float> normal;
    Tensor images(Shape{n, 3, size, size});
    for (size_t i = 0; i < images.shape().elements(); i++) images.data()[i] = normal(random);
    return images;
}

}  // namespace antialiased
