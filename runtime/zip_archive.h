// The subset of the zip format that PyTorch's checkpoints use: uncompressed (STORED) entries, read through
// the central directory (zip64 included), and written with each entry's data aligned to 64 bytes, as
// torch.save does. Malformed archives give an Error naming the file.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace antialiased {

class ZipReader {
  public:
    // `bytes` must outlive the reader; `source` names the file in errors.
    ZipReader(std::string_view bytes, std::string source);

    const std::vector<std::string> &names() const { return names_; }
    bool contains(const std::string &name) const { return entries_.count(name) > 0; }
    // The entry's bytes (a view into the archive); Error if it is absent or compressed.
    std::string_view read(const std::string &name) const;

  private:
    struct Entry {
        uint64_t offset;  // of the local header
        uint64_t size;
        uint16_t method;
    };
    std::string_view bytes_;
    std::string source_;
    std::vector<std::string> names_;
    std::map<std::string, Entry> entries_;
};

class ZipWriter {
  public:
    void add(const std::string &name, std::string_view data);
    // The whole archive (entries, central directory, end record).
    std::string finish();

  private:
    struct Entry {
        std::string name;
        uint32_t crc, size;
        uint32_t offset;
    };
    std::string out_;
    std::vector<Entry> entries_;
};

}  // namespace antialiased
