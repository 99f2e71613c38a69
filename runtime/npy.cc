#include "runtime/npy.h"

#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "runtime/error.h"
#include "runtime/file_io.h"

namespace antialiased {
namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

template <typename T>
const char *descr();
template <>
const char *descr<float>() { return "<f4"; }
template <>
const char *descr<int64_t>() { return "<i8"; }
template <>
const char *descr<double>() { return "<f8"; }

// The value of `key` in numpy's header dict, e.g. "'<f4'" or "(2, 3)"; empty if absent.
std::string dict_value(const std::string &header, const std::string &key) {
    const size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) return "";
    size_t p = header.find(':', k);
    if (p == std::string::npos) return "";
    p = header.find_first_not_of(' ', p + 1);
    if (p == std::string::npos) return "";
    const char open = header[p];
    const size_t end = open == '(' ? header.find(')', p) + 1 : header.find_first_of(",}", p);
    if (end == std::string::npos || end == 0) return "";
    std::string value = header.substr(p, end - p);
    while (!value.empty() && value.back() == ' ') value.pop_back();
    return value;
}

std::vector<int64_t> parse_shape(const std::string &text, const std::string &path) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
        throw Error(path + ": malformed .npy header (shape " + text + ")");
    }
    std::vector<int64_t> shape;
    std::stringstream items(text.substr(1, text.size() - 2));
    std::string item;
    while (std::getline(items, item, ',')) {
        const size_t b = item.find_first_not_of(' ');
        if (b == std::string::npos) continue;  // the trailing comma of a 1-tuple
        size_t used = 0;
        long long value = -1;
        try {
            value = std::stoll(item.substr(b), &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used == 0 || value < 0 || item.find_first_not_of(' ', b + used) != std::string::npos) {
            throw Error(path + ": malformed .npy header (shape " + text + ")");
        }
        shape.push_back(value);
    }
    return shape;
}

template <typename T>
NpyArray<T> parse_npy(const std::string &bytes, const std::string &path) {
    if (bytes.size() < kMagicSize + 4 || bytes.compare(0, kMagicSize, kMagic, kMagicSize) != 0) {
        throw Error(path + ": not a .npy file (no \\x93NUMPY magic)");
    }
    const int major = static_cast<unsigned char>(bytes[6]);
    size_t header_size, header_start;
    if (major == 1) {
        header_size = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
        header_start = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw Error(path + ": truncated .npy header");
        uint32_t size32;
        std::memcpy(&size32, bytes.data() + 8, 4);
        header_size = size32;
        header_start = 12;
    } else {
        throw Error(path + ": unsupported .npy version " + std::to_string(major));
    }
    if (header_start + header_size > bytes.size()) throw Error(path + ": truncated .npy header");
    const std::string header = bytes.substr(header_start, header_size);

    const std::string type = dict_value(header, "descr");
    const std::string wanted = std::string("'") + descr<T>() + "'";
    if (type != wanted) {
        throw Error(path + ": dtype " + (type.empty() ? "missing" : type) + ", expected " + wanted +
                    (sizeof(T) == 4 ? " (float32)" : " (int64)"));
    }
    const std::string order = dict_value(header, "fortran_order");
    if (order != "False") throw Error(path + ": fortran_order " + order + " is not supported (use C order)");
    NpyArray<T> array;
    array.shape = parse_shape(dict_value(header, "shape"), path);

    size_t count = 1;
    for (int64_t d : array.shape) {
        if (d != 0 && count > std::numeric_limits<size_t>::max() / sizeof(T) / size_t(d)) {
            throw Error(path + ": shape too large");
        }
        count *= size_t(d);
    }
    const size_t data_start = header_start + header_size;
    if (bytes.size() - data_start != count * sizeof(T)) {
        throw Error(path + ": " + std::to_string(bytes.size() - data_start) + " data bytes, the shape needs " +
                    std::to_string(count * sizeof(T)) + (bytes.size() - data_start < count * sizeof(T)
                                                               ? " (truncated file)"
                                                               : " (trailing bytes)"));
    }
    array.data.resize(count);
    if (count) std::memcpy(array.data.data(), bytes.data() + data_start, count * sizeof(T));  // data() may be null
    return array;
}

template <typename T>
void write_npy_impl(const std::string &path, const std::vector<int64_t> &shape, const T *data) {
    std::string dims;
    size_t count = 1;
    for (size_t i = 0; i < shape.size(); i++) {
        dims += (i ? ", " : "") + std::to_string(shape[i]);
        count *= size_t(shape[i]);
    }
    if (shape.size() == 1) dims += ",";  // a 1-tuple
    std::string header =
        std::string("{'descr': '") + descr<T>() + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    // The whole preamble is padded with spaces to a multiple of 64 bytes and ends in a newline.
    const size_t preamble = kMagicSize + 4 + header.size() + 1;
    header.append((64 - preamble % 64) % 64, ' ');
    header.push_back('\n');
    std::string bytes(kMagic, kMagicSize);
    bytes.push_back(1);
    bytes.push_back(0);
    bytes.push_back(static_cast<char>(header.size() & 0xff));
    bytes.push_back(static_cast<char>(header.size() >> 8));
    bytes += header;
    bytes.append(reinterpret_cast<const char *>(data), count * sizeof(T));
    write_file_atomically(path, bytes);
}

}  // namespace

NpyArray<float> parse_npy_float(const std::string &bytes, const std::string &source) {
    return parse_npy<float>(bytes, source);
}
NpyArray<int64_t> parse_npy_int64(const std::string &bytes, const std::string &source) {
    return parse_npy<int64_t>(bytes, source);
}
NpyArray<float> read_npy_float(const std::string &path) { return parse_npy_float(read_file(path), path); }
NpyArray<int64_t> read_npy_int64(const std::string &path) { return parse_npy_int64(read_file(path), path); }

void write_npy(const std::string &path, const std::vector<int64_t> &shape, const float *data) {
    write_npy_impl(path, shape, data);
}
void write_npy(const std::string &path, const std::vector<int64_t> &shape, const int64_t *data) {
    write_npy_impl(path, shape, data);
}
void write_npy(const std::string &path, const std::vector<int64_t> &shape, const double *data) {
    write_npy_impl(path, shape, data);
}

Tensor read_npy_tensor(const std::string &path, bool rank3_as_1d, bool *is_1d) {
    NpyArray<float> array = read_npy_float(path);
    std::vector<int64_t> s = array.shape;
    if (is_1d) *is_1d = rank3_as_1d && s.size() == 3;
    if (rank3_as_1d && s.size() == 3) s.insert(s.begin() + 2, 1);
    if (s.size() != 4) {
        throw Error(path + ": array of rank " + std::to_string(array.shape.size()) + ", expected (N, C, H, W)" +
                    (rank3_as_1d ? " or (N, C, L)" : ""));
    }
    for (int64_t d : s) {
        if (d < 1 || d > std::numeric_limits<int>::max()) throw Error(path + ": unusable dimension " + std::to_string(d));
    }
    return Tensor::from_nchw(array.data.data(), Shape{int(s[0]), int(s[1]), int(s[2]), int(s[3])});
}

void write_npy_tensor(const std::string &path, const Tensor &tensor, bool as_1d) {
    const Shape &s = tensor.shape();
    std::vector<int64_t> shape = {s.n, s.c, s.h, s.w};
    if (as_1d) {
        if (s.h != 1) throw Error(path + ": a 1-D signal must have height 1, got shape " + s.str());
        shape.erase(shape.begin() + 2);
    }
    write_npy(path, shape, tensor.to_nchw().data());
}

}  // namespace antialiased
