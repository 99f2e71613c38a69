// The shared main() of the command-line tools: gflags parsing (an unknown flag is an error, exit 1; a boolean
// is negated as --noX or, like the reference's Python flags, --no-X), no stray arguments (exit 2), and every
// Error as one line "<tool>: <message>" on stderr with exit status 1.
#pragma once

#include <gflags/gflags.h>

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/error.h"

namespace antialiased {

template <typename Run>
int tool_main(const char *tool, const char *usage, int argc, char **argv, Run run) {
    gflags::SetUsageMessage(usage);
    std::vector<std::string> args(argv, argv + argc);
    std::vector<char *> pointers;
    for (std::string &arg : args) {
        gflags::CommandLineFlagInfo flag;
        if (arg.rfind("--no-", 0) == 0 && gflags::GetCommandLineFlagInfo(arg.substr(5).c_str(), &flag) &&
            flag.type == "bool") {
            arg.erase(4, 1);  // gflags spells the negation --noX
        }
        pointers.push_back(&arg[0]);
    }
    pointers.push_back(nullptr);
    argv = pointers.data();
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
