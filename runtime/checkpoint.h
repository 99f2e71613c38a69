// PyTorch checkpoint files (.pth, .pth.tar): read in both of torch.save's formats (the zip format, default
// since torch 1.6, and the legacy format of the reference's released weights), written in the zip format
// that torch.load reads. Only what a state_dict needs is unpickled (runtime/pickle.h); every malformed,
// truncated or hostile file is an Error naming it.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runtime/pickle.h"

namespace antialiased {

// A tensor's values, contiguous in C order.
struct Array {
    DType dtype = DType::kFloat32;
    std::vector<int64_t> shape;
    std::string bytes;

    int64_t numel() const;
    std::vector<float> to_float() const;  // float32, float64, float16, bfloat16 and integer types
    std::string shape_str() const;        // "(64, 3, 7, 7)"
};

class Checkpoint {
  public:
    // Reads either format; Error naming `path` for anything malformed.
    static Checkpoint read(const std::string &path);
    // The same from a file's bytes, errors naming `source`.
    static Checkpoint parse(const std::string &bytes, const std::string &source);

    const Value &root() const { return *root_; }
    // The values of a tensor in this file (its strides applied), checked against its storage.
    Array array(const TensorRef &tensor) const;

    // The model weights: the root itself or its 'state_dict' entry (training checkpoints), keys without
    // DataParallel's 'module.' (and 'features.module.' -> 'features.') prefixes, in file order.
    std::vector<std::pair<std::string, Array>> state_dict() const;

  private:
    std::string path_;
    ValuePtr root_;
    std::map<std::string, std::string> storages_;  // key -> raw little-endian bytes
};

// Builds a checkpoint to write: tensors become storages of the archive.
class CheckpointWriter {
  public:
    // A tensor value for the tree passed to save().
    ValuePtr tensor(const Array &array);
    // Writes `root` as a zip-format checkpoint, atomically (a crash leaves the old file or the new one).
    void save(const std::string &path, const Value &root);

  private:
    std::vector<std::string> storages_;
};

// A state_dict as torch.save writes it: an OrderedDict of tensors, in this order.
ValuePtr state_dict_value(CheckpointWriter *writer, const std::vector<std::pair<std::string, Array>> &tensors);

}  // namespace antialiased
