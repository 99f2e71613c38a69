// libFuzzer target: the .npy reader, as float32 and as int64. A malformed input must end in an Error; a crash,
// a sanitizer report, a leak or any other exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/error.h"
#include "runtime/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    try {
        antialiased::parse_npy_float(bytes, "input.npy");
    } catch (const antialiased::Error &) {
    }
    try {
        antialiased::parse_npy_int64(bytes, "input.npy");
    } catch (const antialiased::Error &) {
    }
    return 0;
}
