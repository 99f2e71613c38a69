// Whole-file reads and crash-safe writes.
#pragma once

#include <string>

namespace antialiased {

// The file's bytes; Error naming the file when it cannot be read.
std::string read_file(const std::string &path);

// Writes to a temporary file beside `path`, flushes it to disk, then renames it over `path`: a crash leaves
// either the old file or the new one, never a torn one.
void write_file_atomically(const std::string &path, const std::string &bytes);

}  // namespace antialiased
