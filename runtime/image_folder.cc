#include "runtime/image_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "runtime/error.h"

namespace antialiased {
namespace {

namespace fs = std::filesystem;

// torchvision's IMG_EXTENSIONS. The loader decodes PNG and JPEG; a file of another format is reported and
// skipped like a corrupt one, so the samples (and their order) stay torchvision's.
bool has_image_extension(const fs::path &path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char *known : {".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"}) {
        if (ext == known) return true;
    }
    return false;
}

}  // namespace

ImageFolder scan_image_folder(const std::string &root) {
    std::error_code error;
    if (!fs::is_directory(root, error)) throw Error(root + ": not a folder");
    ImageFolder folder{root, {}, {}};
    for (const fs::directory_entry &entry : fs::directory_iterator(root, fs::directory_options::follow_directory_symlink)) {
        if (entry.is_directory()) folder.classes.push_back(entry.path().filename().string());
    }
    if (folder.classes.empty()) throw Error(root + ": no class folders (expected ROOT/<class>/<image>)");
    std::sort(folder.classes.begin(), folder.classes.end());
    std::vector<std::string> empty;
    for (size_t label = 0; label < folder.classes.size(); label++) {
        // Sorted by (folder, file name), as torchvision walks: sorted(os.walk(...)), then sorted(file names).
        std::vector<std::pair<std::string, std::string>> files;
        const fs::path class_dir = fs::path(root) / folder.classes[label];
        for (auto it = fs::recursive_directory_iterator(class_dir, fs::directory_options::follow_directory_symlink);
             it != fs::recursive_directory_iterator(); ++it) {
            if (!it->is_directory() && has_image_extension(it->path())) {
                files.emplace_back(it->path().parent_path().string(), it->path().filename().string());
            }
        }
        if (files.empty()) empty.push_back(folder.classes[label]);
        std::sort(files.begin(), files.end());
        for (const auto &[dir, name] : files) folder.samples.emplace_back(dir + "/" + name, int(label));
    }
    if (!empty.empty()) {
        std::string names;
        for (const std::string &name : empty) names += (names.empty() ? "" : ", ") + name;
        throw Error(root + ": no image files in class folder" + (empty.size() > 1 ? "s " : " ") + names);
    }
    return folder;
}

}  // namespace antialiased
