// The runtime's one error type, and the bridge from Halide's runtime errors to it.
#pragma once

#include <stdexcept>
#include <string>

namespace antialiased {

// Every runtime failure (bad input, bad file, bad flag, missing GPU) throws this, with a one-line message
// that names the file, key, flag or value at fault.
class Error : public std::runtime_error {
  public:
    explicit Error(const std::string &message) : std::runtime_error(message) {}
};

// Runs a compiled Halide pipeline call; a non-zero result becomes an Error carrying Halide's own message
// (e.g. "CUDA API not found: cuInit"), prefixed by `what`. Halide's default handler would abort the process;
// this one records the message on the calling thread instead.
void check_halide(int result, const std::string &what);

}  // namespace antialiased
