#include "runtime/zip_archive.h"

#include <zlib.h>

#include <cstring>
#include <limits>

#include "runtime/error.h"

namespace antialiased {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndRecord = 0x06054b50,
                   kZip64EndRecord = 0x06064b50, kZip64Locator = 0x07064b50;
constexpr size_t kAlignment = 64;  // torch.save aligns every entry's data (for memory mapping)

uint64_t read_le(std::string_view bytes, size_t at, int width) {
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; i--) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

void write_le(std::string *out, uint64_t value, int width) {
    for (int i = 0; i < width; i++) out->push_back(static_cast<char>(value >> (8 * i) & 0xff));
}

}  // namespace

ZipReader::ZipReader(std::string_view bytes, std::string source) : bytes_(bytes), source_(std::move(source)) {
    auto fail = [&](const std::string &what) { throw Error(source_ + ": " + what); };
    auto need = [&](uint64_t at, uint64_t size) {
        if (at > bytes_.size() || size > bytes_.size() - at) fail("truncated zip archive");
    };
    // The end record is the last 22 bytes plus a comment of up to 64 KB.
    if (bytes_.size() < 22) fail("truncated zip archive (no end record)");
    size_t end = std::string::npos;
    const size_t lowest = bytes_.size() > 22 + 65535 ? bytes_.size() - 22 - 65535 : 0;
    for (size_t at = bytes_.size() - 22 + 1; at-- > lowest;) {
        if (read_le(bytes_, at, 4) == kEndRecord) {
            end = at;
            break;
        }
    }
    if (end == std::string::npos) fail("truncated zip archive (no end record)");
    uint64_t count = read_le(bytes_, end + 10, 2);
    uint64_t directory = read_le(bytes_, end + 16, 4);
    if (directory == 0xffffffff || count == 0xffff) {  // zip64: the real values are in the zip64 end record
        if (end < 20 || read_le(bytes_, end - 20, 4) != kZip64Locator) fail("zip64 archive without its locator");
        const uint64_t record = read_le(bytes_, end - 12, 8);
        need(record, 56);
        if (read_le(bytes_, record, 4) != kZip64EndRecord) fail("corrupt zip64 end record");
        count = read_le(bytes_, record + 32, 8);
        directory = read_le(bytes_, record + 48, 8);
    }
    uint64_t at = directory;
    for (uint64_t i = 0; i < count; i++) {
        need(at, 46);
        if (read_le(bytes_, at, 4) != kCentralHeader) fail("corrupt zip central directory");
        Entry entry;
        entry.method = uint16_t(read_le(bytes_, at + 10, 2));
        uint64_t compressed = read_le(bytes_, at + 20, 4);
        entry.size = read_le(bytes_, at + 24, 4);
        entry.offset = read_le(bytes_, at + 42, 4);
        const uint64_t name_size = read_le(bytes_, at + 28, 2), extra_size = read_le(bytes_, at + 30, 2),
                       comment_size = read_le(bytes_, at + 32, 2);
        need(at + 46, name_size + extra_size + comment_size);
        std::string name(bytes_.substr(at + 46, name_size));
        // Entries are only ever looked up by name, never extracted; still, a name that would leave the archive
        // or one listed twice (which copy is meant?) marks a crafted file.
        if (name.empty() || name[0] == '/' || name.find('\\') != std::string::npos ||
            ("/" + name + "/").find("/../") != std::string::npos) {
            fail("zip entry name '" + name + "' leaves the archive");
        }
        if (entries_.count(name)) fail("zip archive lists entry " + name + " twice");
        // zip64 extended information: the 8-byte values whose 4-byte fields read 0xffffffff, in this order.
        const uint64_t extra_end = at + 46 + name_size + extra_size;
        for (uint64_t e = at + 46 + name_size; e + 4 <= extra_end;) {
            const uint64_t id = read_le(bytes_, e, 2), size = read_le(bytes_, e + 2, 2);
            if (e + 4 + size > extra_end) fail("corrupt zip extra field for " + name);
            if (id == 0x0001) {
                uint64_t field = e + 4;
                for (uint64_t *value : {&entry.size, &compressed, &entry.offset}) {
                    if (*value == 0xffffffff && field + 8 <= e + 4 + size) {
                        *value = read_le(bytes_, field, 8);
                        field += 8;
                    }
                }
            }
            e += 4 + size;
        }
        if (entry.method == 0 && compressed != entry.size) fail("corrupt zip entry sizes for " + name);
        names_.push_back(name);
        entries_[name] = entry;
        at += 46 + name_size + extra_size + comment_size;
    }
}

std::string_view ZipReader::read(const std::string &name) const {
    const auto it = entries_.find(name);
    if (it == entries_.end()) throw Error(source_ + ": zip archive has no entry " + name);
    const Entry &entry = it->second;
    if (entry.method != 0) {
        throw Error(source_ + ": zip entry " + name + " is compressed (method " + std::to_string(entry.method) +
                    "); checkpoints store entries uncompressed");
    }
    if (entry.offset > bytes_.size() || bytes_.size() - entry.offset < 30 ||
        read_le(bytes_, entry.offset, 4) != kLocalHeader) {
        throw Error(source_ + ": corrupt zip local header for " + name);
    }
    const uint64_t data = entry.offset + 30 + read_le(bytes_, entry.offset + 26, 2) + read_le(bytes_, entry.offset + 28, 2);
    if (data > bytes_.size() || entry.size > bytes_.size() - data) {
        throw Error(source_ + ": truncated zip entry " + name);
    }
    return bytes_.substr(data, entry.size);
}

void ZipWriter::add(const std::string &name, std::string_view data) {
    if (out_.size() + data.size() + name.size() + 30 + kAlignment > std::numeric_limits<uint32_t>::max()) {
        throw Error("zip archive over 4 GB (" + name + "): not supported");
    }
    Entry entry{name, uint32_t(crc32(0, reinterpret_cast<const Bytef *>(data.data()), uInt(data.size()))),
                uint32_t(data.size()), uint32_t(out_.size())};
    // Pad with an extra field (id "FB", as torch.save writes) so the data starts at a multiple of 64.
    size_t header_end = out_.size() + 30 + name.size();
    size_t padding = (kAlignment - (header_end + 4) % kAlignment) % kAlignment;
    write_le(&out_, kLocalHeader, 4);
    write_le(&out_, 20, 2);  // version needed: 2.0
    write_le(&out_, 0, 2);   // flags
    write_le(&out_, 0, 2);   // STORED
    write_le(&out_, 0, 4);   // time, date
    write_le(&out_, entry.crc, 4);
    write_le(&out_, entry.size, 4);
    write_le(&out_, entry.size, 4);
    write_le(&out_, name.size(), 2);
    write_le(&out_, 4 + padding, 2);
    out_ += name;
    write_le(&out_, 0x4246, 2);
    write_le(&out_, padding, 2);
    out_.append(padding, 'Z');
    out_.append(data);
    entries_.push_back(entry);
}

std::string ZipWriter::finish() {
    const size_t directory = out_.size();
    for (const Entry &entry : entries_) {
        write_le(&out_, kCentralHeader, 4);
        write_le(&out_, 20, 2);  // made by
        write_le(&out_, 20, 2);  // needed
        write_le(&out_, 0, 2);
        write_le(&out_, 0, 2);
        write_le(&out_, 0, 4);
        write_le(&out_, entry.crc, 4);
        write_le(&out_, entry.size, 4);
        write_le(&out_, entry.size, 4);
        write_le(&out_, entry.name.size(), 2);
        write_le(&out_, 0, 2);   // extra
        write_le(&out_, 0, 2);   // comment
        write_le(&out_, 0, 2);   // disk
        write_le(&out_, 0, 2);   // internal attributes
        write_le(&out_, 0, 4);   // external attributes
        write_le(&out_, entry.offset, 4);
        out_ += entry.name;
    }
    const size_t directory_size = out_.size() - directory;
    write_le(&out_, kEndRecord, 4);
    write_le(&out_, 0, 4);  // disk numbers
    write_le(&out_, entries_.size(), 2);
    write_le(&out_, entries_.size(), 2);
    write_le(&out_, directory_size, 4);
    write_le(&out_, directory, 4);
    write_le(&out_, 0, 2);  // comment
    return std::move(out_);
}

}  // namespace antialiased
