// torchvision's ImageFolder layout, which the reference's ImageNet training reads: ROOT/<class>/.../<image>.
// The classes are the sorted names of ROOT's subfolders (their indices are the labels); the samples are every
// file below each class folder, in sorted order, whose extension torchvision accepts (case-insensitive).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace antialiased {

struct ImageFolder {
    std::string root;
    std::vector<std::string> classes;
    std::vector<std::pair<std::string, int>> samples;  // (path, class index)
};

// Error naming `root` when it is not a folder, has no class folders, or a class has no image file (as
// torchvision refuses them).
ImageFolder scan_image_folder(const std::string &root);

}  // namespace antialiased
