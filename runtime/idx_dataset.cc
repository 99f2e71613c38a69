#include "runtime/idx_dataset.h"

#include <zlib.h>

#include <filesystem>
#include <memory>

#include "runtime/error.h"

namespace antialiased {
namespace {

// The whole file, gunzipped when it is gzip data (zlib reads plain files as they are).
std::string read_maybe_gzipped(const std::string &path) {
    std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
    if (!file) throw Error(path + ": cannot open");
    std::string data;
    char buffer[1 << 16];
    for (int n; (n = gzread(file.get(), buffer, sizeof(buffer))) > 0;) data.append(buffer, n);
    int code = Z_OK;
    const char *message = gzerror(file.get(), &code);
    if (code != Z_OK && code != Z_STREAM_END) throw Error(path + ": corrupt gzip data (" + message + ")");
    return data;
}

uint32_t big_endian(const std::string &data, size_t offset) {
    const auto *p = reinterpret_cast<const unsigned char *>(data.data()) + offset;
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// The header's dimensions after checking the magic number (unsigned bytes, `rank` dimensions) and that the
// data that follows is exactly as long as they say.
std::vector<uint32_t> idx_header(const std::string &data, int rank, const std::string &path) {
    const size_t header = 4 + 4 * size_t(rank);
    if (data.size() < header || big_endian(data, 0) != (0x0800u | uint32_t(rank))) {
        throw Error(path + ": not an IDX file of " + std::to_string(rank) + "-D unsigned bytes");
    }
    std::vector<uint32_t> dims;
    uint64_t size = 1;
    for (int d = 0; d < rank; d++) {
        dims.push_back(big_endian(data, 4 + 4 * d));
        size *= dims.back();
    }
    if (data.size() - header != size) {
        throw Error(path + ": " + std::to_string(data.size() - header) + " bytes of data, the header says " +
                    std::to_string(size));
    }
    return dims;
}

}  // namespace

IdxDataset read_idx_dataset(const std::string &images_path, const std::string &labels_path) {
    const std::string images = read_maybe_gzipped(images_path), labels = read_maybe_gzipped(labels_path);
    const std::vector<uint32_t> image_dims = idx_header(images, 3, images_path);
    const std::vector<uint32_t> label_dims = idx_header(labels, 1, labels_path);
    if (image_dims[0] != label_dims[0]) {
        throw Error(labels_path + ": " + std::to_string(label_dims[0]) + " labels for " +
                    std::to_string(image_dims[0]) + " images in " + images_path);
    }
    if (image_dims[0] > (1u << 30) || image_dims[1] > 65536 || image_dims[2] > 65536) {
        throw Error(images_path + ": implausible dimensions");
    }
    IdxDataset set;
    set.count = int(image_dims[0]);
    set.rows = int(image_dims[1]);
    set.cols = int(image_dims[2]);
    set.pixels.assign(images.begin() + 16, images.end());
    for (size_t i = 8; i < labels.size(); i++) set.labels.push_back(static_cast<unsigned char>(labels[i]));
    return set;
}

IdxDataset read_fashion_mnist(bool train, const std::string &dir) {
    const std::string split = train ? "train" : "t10k";
    const std::string images = dir + "/" + split + "-images-idx3-ubyte.gz";
    if (!std::filesystem::exists(images)) {
        throw Error(images + ": missing; install Debian's dataset-fashion-mnist (bash tools/setup.sh does)");
    }
    return read_idx_dataset(images, dir + "/" + split + "-labels-idx1-ubyte.gz");
}

}  // namespace antialiased
