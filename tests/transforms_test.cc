// The validation transform (resize shorter side 256 with PIL's antialiased bilinear, center crop 224,
// ImageNet normalization) against torchvision's on PIL, for landscape, portrait and small images.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "runtime/error.h"
#include "runtime/image_io.h"
#include "runtime/npy.h"
#include "runtime/transforms.h"

namespace antialiased {
namespace {

TEST(Transforms, ValidationTransformMatchesTorchvision) {
    const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/transforms";
    ASSERT_EQ(std::system(("mkdir -p " + dir + " && /usr/bin/python3 tests/golden/transform_fixtures.py " + dir).c_str()), 0);
    for (const std::string name : {"photo_500x375", "photo_333x517", "photo_240x240"}) {
        SCOPED_TRACE(name);
        const Tensor ours = validation_transform(read_image(dir + "/" + name + ".png", ColorMode::kRgb));
        const NpyArray<float> theirs = read_npy_float(dir + "/" + name + ".npy");
        ASSERT_EQ(ours.shape(), (Shape{1, 3, 224, 224}));
        const std::vector<float> got = ours.to_nchw();
        // PIL rounds its intermediate rows to 8 bits as we do; allow one level (1/255 / std ~ 0.0175) per pixel,
        // and require the mean error to be far smaller.
        double total = 0;
        float worst = 0;
        for (size_t i = 0; i < got.size(); i++) {
            const float e = std::abs(got[i] - theirs.data[i]);
            total += e;
            worst = std::max(worst, e);
        }
        EXPECT_LE(worst, 1.01f / 255 / 0.224f);
        EXPECT_LT(total / got.size(), 0.002);
    }
}

TEST(Transforms, CropsAndSizesAreChecked) {
    Image image{10, 8, 3, std::vector<uint8_t>(10 * 8 * 3, 7)};
    EXPECT_THROW(crop(image, 5, 0, 6, 4), Error);
    EXPECT_THROW(resize(image, 0, 4), Error);
    EXPECT_EQ(resize_shorter_side(image, 4).width, 5);
    EXPECT_EQ(center_crop(image, 4).width, 4);
    image.channels = 1;
    EXPECT_THROW(normalize(image), Error);
}

}  // namespace
}  // namespace antialiased
