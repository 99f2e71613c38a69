// libFuzzer target: PNG and JPEG decoding (libpng, libjpeg and our handling of them), keeping the image's
// channels and converting to RGB. A malformed input must end in an Error; a crash, a sanitizer report, a leak
// or any other exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/error.h"
#include "runtime/image_io.h"

// Images up to 4 Mpixels: larger ones are refused from the header (and that refusal is fuzzed too), so that
// no input spends seconds decoding a legitimate 100-Mpixel image.
extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    antialiased::set_max_image_pixels(int64_t(1) << 22);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    for (const antialiased::ColorMode mode : {antialiased::ColorMode::kKeep, antialiased::ColorMode::kRgb}) {
        try {
            antialiased::decode_image(bytes, "input", mode);
        } catch (const antialiased::Error &) {
        }
    }
    return 0;
}
