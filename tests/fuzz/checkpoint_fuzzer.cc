// libFuzzer target: the checkpoint reader (both torch.save formats, the zip reader, the unpickler) and the
// state_dict's tensors it yields. A malformed input must end in an Error; a crash, a sanitizer report, a leak
// or any other exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/checkpoint.h"
#include "runtime/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    try {
        const auto checkpoint = antialiased::Checkpoint::parse(std::string(reinterpret_cast<const char *>(data), size),
                                                               "input.pth");
        for (const auto &[name, array] : checkpoint.state_dict()) array.to_float();
    } catch (const antialiased::Error &) {
    }
    return 0;
}
