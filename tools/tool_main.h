// The shared main() of the command-line tools: gflags parsing (an unknown flag is an error, exit 1), no
// stray arguments (exit 2), and every Error as one line "<tool>: <message>" on stderr with exit status 1.
#pragma once

#include <gflags/gflags.h>

#include <cstdio>

#include "runtime/error.h"

namespace antialiased {

template <typename Run>
int tool_main(const char *tool, const char *usage, int argc, char **argv, Run run) {
    gflags::SetUsageMessage(usage);
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    if (argc > 1) {
        std::fprintf(stderr, "%s: unexpected argument '%s'\n", tool, argv[1]);
        return 2;
    }
    try {
        run();
    } catch (const Error &e) {
        std::fprintf(stderr, "%s: %s\n", tool, e.what());
        return 1;
    }
    return 0;
}

}  // namespace antialiased
