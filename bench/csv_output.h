// A benchmark's --csv output: every measurement as a row, for the charts and the tables kept in bench/figures.
#pragma once

#include <cstdio>
#include <fstream>
#include <string>

namespace antialiased {

// Opens `path` and writes the `header` row; an empty path opens nothing. False, having said why, when the file
// cannot be written.
inline bool open_csv(std::ofstream &csv, const std::string &path, const char *header) {
    if (path.empty()) return true;
    csv.open(path);
    if (!csv) {
        std::fprintf(stderr, "--csv: cannot write %s\n", path.c_str());
        return false;
    }
    csv << header << '\n';
    return true;
}

}  // namespace antialiased
