// The ImageFolder scan against torchvision's datasets.ImageFolder on a tree the test makes (nested folders,
// upper-case and foreign extensions, files that are not images), and its errors; the training transform's
// crops and flips.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/error.h"
#include "runtime/image_folder.h"
#include "runtime/transforms.h"
#include "tests/error_of.h"
#include "tests/scratch_dir.h"
#include "tests/tool_run.h"

namespace antialiased {
namespace {

namespace fs = std::filesystem;

void touch(const std::string &path) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << "x";
}

std::string error_of(const std::string &root) {
    return antialiased::error_of([&] { scan_image_folder(root); });
}

TEST(ImageFolder, ListsWhatTorchvisionLists) {
    const ScratchDir dir("folder");
    const std::string r = dir.path() + "/train";
    for (const char *file : {"dog/b.png", "dog/a.JPG", "dog/sub/z.jpeg", "dog/sub/a.bmp", "dog/readme.txt", "cat/x.png",
                             "cat/2.png", "cat/10.png", "Zebra/q.webp", "ant/deep/er/1.PNG"}) {
        touch(r + "/" + file);
    }
    touch(r + "/stray.png");  // not in a class folder
    const ImageFolder folder = scan_image_folder(r);
    std::ostringstream ours;
    for (const std::string &c : folder.classes) ours << c << "\n";
    for (const auto &[path, label] : folder.samples) ours << path << " " << label << "\n";
    const ToolRun torch = run_tool("/usr/bin/python3 -c \"import torchvision.datasets as d; f = d.ImageFolder('" + r +
                                   "', loader=lambda p: p); print('\\n'.join(f.classes)); "
                                   "print('\\n'.join(f'{p} {c}' for p, c in f.samples))\"");
    ASSERT_EQ(torch.exit_code, 0) << torch.output;
    EXPECT_EQ(ours.str(), torch.output);
    EXPECT_EQ(folder.classes, (std::vector<std::string>{"Zebra", "ant", "cat", "dog"}));
}

TEST(ImageFolder, RefusesWhatTorchvisionRefuses) {
    const ScratchDir dir("folder_errors");
    const std::string d = dir.path();
    EXPECT_EQ(error_of(d + "/missing"), d + "/missing: not a folder");
    fs::create_directories(d + "/flat");
    touch(d + "/flat/a.png");
    EXPECT_EQ(error_of(d + "/flat"), d + "/flat: no class folders (expected ROOT/<class>/<image>)");
    touch(d + "/partly/cat/a.png");
    touch(d + "/partly/dog/notes.txt");
    fs::create_directories(d + "/partly/emu");
    EXPECT_EQ(error_of(d + "/partly"), d + "/partly: no image files in class folders dog, emu");
}

TEST(TrainingTransform, CropsResizesAndFlipsReproducibly) {
    Image image{60, 40, 3, {}};
    for (int i = 0; i < 60 * 40 * 3; i++) image.pixels.push_back(uint8_t(i % 251));
    const Image flipped = horizontal_flip(image);
    for (int c = 0; c < 3; c++) EXPECT_EQ(flipped.pixels[c], image.pixels[59 * 3 + c]);
    EXPECT_EQ(horizontal_flip(flipped).pixels, image.pixels);

    std::mt19937 a(5), b(5);
    const Tensor x = training_transform(image, a, 32), y = training_transform(image, b, 32);
    EXPECT_EQ(x.shape(), (Shape{1, 3, 32, 32}));
    EXPECT_EQ(x.to_nchw(), y.to_nchw()) << "the same seed gives the same crop";
    EXPECT_NE(training_transform(image, a, 32).to_nchw(), x.to_nchw());
    // Very wide and very tall images (where every try may fail) still give size x size crops.
    for (const auto &[w, h] : {std::pair{400, 4}, std::pair{4, 400}}) {
        Image strip{w, h, 3, std::vector<uint8_t>(size_t(w) * h * 3, 7)};
        for (int i = 0; i < 20; i++) EXPECT_EQ(random_resized_crop(strip, 16, a).width, 16);
    }
    EXPECT_THROW(training_transform(Image{4, 4, 1, std::vector<uint8_t>(16)}, a), Error);
}

}  // namespace
}  // namespace antialiased
