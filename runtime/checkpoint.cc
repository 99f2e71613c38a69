#include "runtime/checkpoint.h"

#include <cstring>

#include "runtime/error.h"
#include "runtime/file_io.h"
#include "runtime/zip_archive.h"

namespace antialiased {
namespace {

// The legacy format starts with a pickle of this magic number (LONG1, 10 bytes), then the protocol version,
// system info, the object, and the list of storage keys; then each storage as an int64 element count and
// its raw bytes, in that list's order.
const char kLegacyMagic[] = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.";
constexpr size_t kLegacyMagicSize = sizeof(kLegacyMagic) - 1;

float half_to_float(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            int e = -1;
            uint32_t m = mantissa;
            do {
                e++;
                m <<= 1;
            } while (!(m & 0x400));
            bits = sign | uint32_t(127 - 15 - e) << 23 | (m & 0x3ff) << 13;
        }
    } else if (exponent == 31) {
        bits = sign | 0x7f800000 | mantissa << 13;
    } else {
        bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

template <typename T>
T load(const char *p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

}  // namespace

int64_t Array::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

std::string Array::shape_str() const {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

std::vector<float> Array::to_float() const {
    const size_t n = size_t(numel());
    std::vector<float> out(n);
    const char *p = bytes.data();
    for (size_t i = 0; i < n; i++) {
        switch (dtype) {
            case DType::kFloat32: out[i] = load<float>(p + 4 * i); break;
            case DType::kFloat64: out[i] = float(load<double>(p + 8 * i)); break;
            case DType::kFloat16: out[i] = half_to_float(load<uint16_t>(p + 2 * i)); break;
            case DType::kBFloat16: {
                const uint32_t bits = uint32_t(load<uint16_t>(p + 2 * i)) << 16;
                std::memcpy(&out[i], &bits, 4);
                break;
            }
            case DType::kInt64: out[i] = float(load<int64_t>(p + 8 * i)); break;
            case DType::kInt32: out[i] = float(load<int32_t>(p + 4 * i)); break;
            case DType::kInt16: out[i] = float(load<int16_t>(p + 2 * i)); break;
            case DType::kInt8: out[i] = float(load<int8_t>(p + i)); break;
            case DType::kUInt8: case DType::kBool: out[i] = float(load<uint8_t>(p + i)); break;
        }
    }
    return out;
}

Checkpoint Checkpoint::read(const std::string &path) { return parse(read_file(path), path); }

Checkpoint Checkpoint::parse(const std::string &bytes, const std::string &path) {
    Checkpoint checkpoint;
    checkpoint.path_ = path;
    if (bytes.compare(0, 4, "PK\x03\x04") == 0) {
        const ZipReader zip(bytes, path);
        // Entries are "<archive>/data.pkl", "<archive>/data/<key>", "<archive>/version".
        std::string prefix;
        bool found = false;
        for (const std::string &name : zip.names()) {
            if (name == "data.pkl" || (name.size() > 9 && name.compare(name.size() - 9, 9, "/data.pkl") == 0)) {
                prefix = name.substr(0, name.size() - 8);
                found = true;
                break;
            }
        }
        if (!found) throw Error(path + ": zip archive without data.pkl: not a PyTorch checkpoint");
        const std::string_view pickled = zip.read(prefix + "data.pkl");
        size_t end = 0;
        checkpoint.root_ = unpickle(pickled, 0, &end, path);
        for (const std::string &name : zip.names()) {
            if (name.compare(0, prefix.size() + 5, prefix + "data/") == 0) {
                checkpoint.storages_[name.substr(prefix.size() + 5)] = std::string(zip.read(name));
            }
        }
    } else if (bytes.compare(0, kLegacyMagicSize, kLegacyMagic, kLegacyMagicSize) == 0) {
        size_t at = kLegacyMagicSize;
        const ValuePtr protocol = unpickle(bytes, at, &at, path);
        if (protocol->kind != Value::Kind::kInt || protocol->integer != 1001) {
            throw Error(path + ": unsupported legacy checkpoint protocol");
        }
        const ValuePtr system = unpickle(bytes, at, &at, path);
        const ValuePtr little = system->kind == Value::Kind::kDict ? system->get("little_endian") : nullptr;
        if (little && little->kind == Value::Kind::kBool && !little->boolean) {
            throw Error(path + ": big-endian checkpoint is not supported");
        }
        checkpoint.root_ = unpickle(bytes, at, &at, path);
        const ValuePtr keys = unpickle(bytes, at, &at, path);
        if (keys->kind != Value::Kind::kList) throw Error(path + ": malformed legacy checkpoint (storage keys)");
        // Element sizes come from the storages the object refers to.
        std::map<std::string, size_t> element_size;
        std::vector<const Value *> pending = {checkpoint.root_.get()};
        while (!pending.empty()) {
            const Value *v = pending.back();
            pending.pop_back();
            if (v->kind == Value::Kind::kTensor) element_size[v->tensor.storage.key] = dtype_size(v->tensor.storage.dtype);
            for (const ValuePtr &item : v->items) pending.push_back(item.get());
            for (const auto &entry : v->entries) pending.push_back(entry.second.get());
        }
        for (const ValuePtr &key : keys->items) {
            if (key->kind != Value::Kind::kString) throw Error(path + ": malformed legacy checkpoint (storage key)");
            if (bytes.size() - at < 8) throw Error(path + ": truncated checkpoint (storage " + key->text + ")");
            const int64_t count = load<int64_t>(bytes.data() + at);
            at += 8;
            const size_t size = element_size.count(key->text) ? element_size[key->text] : 1;
            if (count < 0 || uint64_t(count) > (bytes.size() - at) / size) {
                throw Error(path + ": truncated checkpoint (storage " + key->text + ")");
            }
            checkpoint.storages_[key->text] = bytes.substr(at, size_t(count) * size);
            at += size_t(count) * size;
        }
    } else {
        throw Error(path + ": not a PyTorch checkpoint (neither a zip archive nor a legacy torch.save file)");
    }
    return checkpoint;
}

Array Checkpoint::array(const TensorRef &t) const {
    const auto it = storages_.find(t.storage.key);
    if (it == storages_.end()) throw Error(path_ + ": tensor storage " + t.storage.key + " is missing");
    const std::string &storage = it->second;
    const size_t element = dtype_size(t.storage.dtype);
    const int64_t elements = int64_t(storage.size() / element);
    Array array;
    array.dtype = t.storage.dtype;
    array.shape = t.shape;
    // The highest element the view touches must lie inside the storage, and the view may not have more
    // elements than the storage (a state_dict's tensors never do; a hostile shape could claim terabytes of
    // copies of one element). Every product is checked for overflow.
    const auto outside = [&] {
        return Error(path_ + ": tensor of shape " + array.shape_str() + " (offset " + std::to_string(t.offset) +
                     ") reaches past its storage " + t.storage.key + " of " + std::to_string(elements) + " elements");
    };
    if (t.offset < 0) throw outside();
    int64_t last = t.offset, count = 1;
    for (size_t d = 0; d < t.shape.size(); d++) {
        if (t.shape[d] < 0 || t.stride[d] < 0) throw Error(path_ + ": tensor with a negative size or stride");
        int64_t reach;
        if (__builtin_mul_overflow(t.shape[d], count, &count) || count > elements ||
            (t.shape[d] > 0 && (__builtin_mul_overflow(t.shape[d] - 1, t.stride[d], &reach) ||
                                __builtin_add_overflow(last, reach, &last)))) {
            if (count == 0) continue;  // an empty tensor reaches nothing
            throw outside();
        }
    }
    if (count > 0 && last >= elements) throw outside();
    const int64_t n = array.numel();
    array.bytes.resize(size_t(n) * element);
    std::vector<int64_t> index(t.shape.size(), 0);
    for (int64_t i = 0; i < n; i++) {
        int64_t source = t.offset;
        for (size_t d = 0; d < index.size(); d++) source += index[d] * t.stride[d];
        std::memcpy(&array.bytes[size_t(i) * element], storage.data() + size_t(source) * element, element);
        for (size_t d = index.size(); d-- > 0;) {
            if (++index[d] < t.shape[d]) break;
            index[d] = 0;
        }
    }
    return array;
}

std::vector<std::pair<std::string, Array>> Checkpoint::state_dict() const {
    const Value *dict = root_.get();
    if (dict->kind == Value::Kind::kDict && dict->get("state_dict")) dict = dict->get("state_dict").get();
    if (dict->kind != Value::Kind::kDict) throw Error(path_ + ": holds a " + dict->kind_name() + ", not a state_dict");
    std::vector<std::pair<std::string, Array>> tensors;
    for (const auto &[key, value] : dict->entries) {
        if (key->kind != Value::Kind::kString) throw Error(path_ + ": state_dict key is a " + key->kind_name());
        if (value->kind != Value::Kind::kTensor) {
            throw Error(path_ + ": state_dict entry " + key->text + " is a " + value->kind_name() + ", not a tensor");
        }
        std::string name = key->text;
        if (name.compare(0, 7, "module.") == 0) {
            name = name.substr(7);
        } else if (name.compare(0, 16, "features.module.") == 0) {
            name = "features." + name.substr(16);
        }
        tensors.emplace_back(name, array(value->tensor));
    }
    return tensors;
}

ValuePtr CheckpointWriter::tensor(const Array &array) {
    TensorRef t;
    t.storage.key = std::to_string(storages_.size());
    t.storage.dtype = array.dtype;
    t.storage.numel = array.numel();
    t.shape = array.shape;
    t.stride.assign(array.shape.size(), 1);
    for (size_t d = array.shape.size(); d-- > 1;) t.stride[d - 1] = t.stride[d] * array.shape[d];
    storages_.push_back(array.bytes);
    return Value::of(t);
}

void CheckpointWriter::save(const std::string &path, const Value &root) {
    // torch.load takes any top-level folder name; torch.save uses the file's stem.
    const std::string archive = "archive/";
    ZipWriter zip;
    zip.add(archive + "data.pkl", pickle(root));
    for (size_t i = 0; i < storages_.size(); i++) zip.add(archive + "data/" + std::to_string(i), storages_[i]);
    zip.add(archive + "version", "3\n");
    write_file_atomically(path, zip.finish());
}

ValuePtr state_dict_value(CheckpointWriter *writer, const std::vector<std::pair<std::string, Array>> &tensors) {
    ValuePtr dict = Value::dict(true);
    for (const auto &[name, array] : tensors) dict->set(name, writer->tensor(array));
    return dict;
}

}  // namespace antialiased
