#include "runtime/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "runtime/error.h"

namespace antialiased {

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
    const std::streamoff size = in.tellg();
    if (size < 0) {  // not seekable (a pipe): read to the end
        in.clear();
        std::ostringstream bytes;
        bytes << in.rdbuf();
        if (in.bad()) throw Error(path + ": read error");
        return bytes.str();
    }
    // Sized once and read in one call: streaming a 100 MB checkpoint through a stringstream cost seconds.
    std::string bytes(size_t(size), '\0');
    in.seekg(0);
    in.read(bytes.data(), size);
    if (in.gcount() != size) throw Error(path + ": read error (" + std::to_string(in.gcount()) + " of " +
                                         std::to_string(size) + " bytes)");
    return bytes;
}

void write_file_atomically(const std::string &path, const std::string &bytes) {
    const std::string temporary = path + ".tmp" + std::to_string(getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string reason = std::strerror(errno);
            ::close(fd);
            ::unlink(temporary.c_str());
            throw Error(path + ": write failed (" + reason + "); the file is unchanged");
        }
        written += size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed || std::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temporary.c_str());
        throw Error(path + ": write failed (" + reason + "); the file is unchanged");
    }
}

}  // namespace antialiased
