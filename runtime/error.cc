#include "runtime/error.h"

#include <HalideRuntime.h>

#include <mutex>

namespace antialiased {
namespace {

// Halide may report from one of its worker threads, so the message is shared, not thread-local.
std::mutex error_mutex;
std::string last_halide_error;

void record_halide_error(void *, const char *message) {
    std::string text(message);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    std::lock_guard<std::mutex> lock(error_mutex);
    last_halide_error = text;
}

// Installed before main() (the runtime library is always linked whole): every pipeline call, from any
// library, reports through it.
const bool installed = (halide_set_error_handler(record_halide_error), true);

}  // namespace

void check_halide(int result, const std::string &what) {
    if (result == 0) return;
    std::string message;
    {
        std::lock_guard<std::mutex> lock(error_mutex);
        message = last_halide_error.empty() ? "Halide error " + std::to_string(result) : last_halide_error;
        last_halide_error.clear();
    }
    throw Error(what + ": " + message);
}

}  // namespace antialiased
