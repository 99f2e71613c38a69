// Python pickles as PyTorch checkpoints use them, read by a safe subset of the pickle machine: plain values
// (None, bool, int, float, str, bytes, list, tuple, dict), collections.OrderedDict, and tensors
// (torch._utils._rebuild_tensor_v2 over a persistent-id storage). Any other global a pickle names
// (os.system, builtins.eval, ...) is refused before anything is built: nothing in a file is ever executed.
// The writer emits protocol-2 pickles of the same values that torch.load reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace antialiased {

enum class DType { kFloat32, kFloat64, kFloat16, kBFloat16, kInt64, kInt32, kInt16, kInt8, kUInt8, kBool };
size_t dtype_size(DType type);

// A storage named by a persistent id: ('storage', torch.FloatStorage, key, location, numel, ...).
struct StorageRef {
    std::string key;
    DType dtype = DType::kFloat32;
    int64_t numel = 0;
};

// What _rebuild_tensor_v2 would build: a strided view of a storage.
struct TensorRef {
    StorageRef storage;
    int64_t offset = 0;
    std::vector<int64_t> shape, stride;
    int64_t numel() const;
};

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
    enum class Kind { kNone, kBool, kInt, kFloat, kString, kBytes, kList, kTuple, kDict, kTensor, kStorage, kGlobal };
    Kind kind = Kind::kNone;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0;
    std::string text;                                     // kString, kBytes; kGlobal: "module.name"
    std::vector<ValuePtr> items;                          // kList, kTuple
    std::vector<std::pair<ValuePtr, ValuePtr>> entries;   // kDict, in insertion order
    bool ordered = false;                                 // kDict: a collections.OrderedDict
    TensorRef tensor;                                     // kTensor
    StorageRef storage;                                   // kStorage
    // The unpickler's bookkeeping: how many levels of containers lie below this value, and whether it already
    // sits inside a container (then it may no longer change: no cycles, which a hostile pickle could build).
    int depth = 0;
    bool contained = false;

    static ValuePtr none();
    static ValuePtr of(bool value);
    static ValuePtr of(int64_t value);
    static ValuePtr of(double value);
    static ValuePtr of(const std::string &text);
    static ValuePtr list(std::vector<ValuePtr> items = {});
    static ValuePtr tuple(std::vector<ValuePtr> items = {});
    static ValuePtr dict(bool ordered = false);
    static ValuePtr of(const TensorRef &tensor);

    // For dicts: the value under string key `key`, or null. Appends keep insertion order.
    ValuePtr get(const std::string &key) const;
    void set(const std::string &key, ValuePtr value);
    std::string kind_name() const;
};

// Reads one pickle from bytes[start...]; sets *end just past its STOP. `source` names the file in errors.
ValuePtr unpickle(std::string_view bytes, size_t start, size_t *end, const std::string &source);

// A protocol-2 pickle of `root`. Dicts become collections.OrderedDict; tensors become _rebuild_tensor_v2 over
// persistent-id storages with location 'cpu'.
std::string pickle(const Value &root);

}  // namespace antialiased
