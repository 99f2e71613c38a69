// A folder under the test's TEST_TMPDIR that is deleted with its contents when it goes out of scope, for
// tests whose fixtures are large (whole-network checkpoints): Bazel keeps TEST_TMPDIR after the test, and
// the model tests alone would leave gigabytes behind on every run.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace antialiased {

class ScratchDir {
  public:
    explicit ScratchDir(const std::string &name) : path_(std::string(std::getenv("TEST_TMPDIR")) + "/" + name) {
        std::filesystem::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;

    const std::string &path() const { return path_; }

  private:
    std::string path_;
};

}  // namespace antialiased
