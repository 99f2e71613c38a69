// The .npy reader and writer: round trips, numpy's header variants, and every malformed file refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "runtime/error.h"
#include "runtime/file_io.h"
#include "runtime/npy.h"

namespace antialiased {
namespace {

std::string temp_path(const std::string &name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

// The error message of reading `path`, or "" if it was accepted.
std::string read_error(const std::string &path) {
    try {
        read_npy_tensor(path);
    } catch (const Error &e) {
        return e.what();
    }
    return "";
}

TEST(Npy, RoundTripsFloatAndInt64) {
    const std::string path = temp_path("a.npy");
    const std::vector<float> values = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
    write_npy(path, {2, 3}, values.data());
    NpyArray<float> read = read_npy_float(path);
    EXPECT_EQ(read.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(read.data, values);

    const std::vector<int64_t> labels = {3, 1, 4};
    write_npy(path, {3}, labels.data());
    NpyArray<int64_t> read_labels = read_npy_int64(path);
    EXPECT_EQ(read_labels.shape, (std::vector<int64_t>{3}));
    EXPECT_EQ(read_labels.data, labels);
    // numpy pads the header so the data starts at a multiple of 64 bytes.
    EXPECT_EQ(read_file(path).size() % 64, (3 * sizeof(int64_t)) % 64);
}

TEST(Npy, TensorsTransposeBetweenNchwFilesAndNhwcMemory) {
    const std::string path = temp_path("t.npy");
    std::vector<float> nchw(2 * 3 * 4 * 5);
    for (size_t i = 0; i < nchw.size(); i++) nchw[i] = float(i);
    write_npy(path, {2, 3, 4, 5}, nchw.data());
    const Tensor t = read_npy_tensor(path);
    EXPECT_EQ(t.shape(), (Shape{2, 3, 4, 5}));
    EXPECT_EQ(t.at(1, 2, 3, 4), nchw.back());
    EXPECT_EQ(t.at(0, 1, 0, 0), 20.0f);
    EXPECT_EQ(t.data()[1], 20.0f);  // channels innermost in memory
    write_npy_tensor(path, t);
    EXPECT_EQ(read_npy_float(path).data, nchw);

    bool is_1d = false;
    write_npy(path, {2, 3, 20}, nchw.data());
    EXPECT_EQ(read_npy_tensor(path, true, &is_1d).shape(), (Shape{2, 3, 1, 20}));
    EXPECT_TRUE(is_1d);
}

TEST(Npy, RefusesMalformedFilesNamingThem) {
    const std::string path = temp_path("bad.npy");
    const std::vector<float> values(24, 1.0f);
    write_npy(path, {2, 3, 2, 2}, values.data());
    const std::string good = read_file(path);

    write_file_atomically(path, "hello, world");
    EXPECT_EQ(read_error(path), path + ": not a .npy file (no \\x93NUMPY magic)");

    write_file_atomically(path, good.substr(0, good.size() - 5));
    EXPECT_NE(read_error(path).find("(truncated file)"), std::string::npos) << read_error(path);

    write_file_atomically(path, good.substr(0, 40));
    EXPECT_NE(read_error(path).find("truncated .npy header"), std::string::npos) << read_error(path);

    std::string fortran = good;
    fortran.replace(fortran.find("False"), 5, "True ");
    write_file_atomically(path, fortran);
    EXPECT_NE(read_error(path).find("fortran_order True is not supported"), std::string::npos) << read_error(path);

    std::string doubles = good;
    doubles.replace(doubles.find("<f4"), 3, "<f8");
    write_file_atomically(path, doubles);
    EXPECT_EQ(read_error(path), path + ": dtype '<f8', expected '<f4' (float32)");

    std::string garbage_shape = good;
    garbage_shape.replace(garbage_shape.find("(2, 3, 2, 2)"), 12, "(2, x, 2, 2)");
    write_file_atomically(path, garbage_shape);
    EXPECT_NE(read_error(path).find("malformed .npy header"), std::string::npos) << read_error(path);

    write_npy(path, {4, 6}, values.data());
    EXPECT_EQ(read_error(path), path + ": array of rank 2, expected (N, C, H, W)");

    EXPECT_NE(read_error(temp_path("missing.npy")).find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace antialiased
