// Runs a command-line tool the way a person would, for the tool tests.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace antialiased {

struct ToolRun {
    int exit_code;
    std::string output;  // stdout and stderr, interleaved
};

inline ToolRun run_tool(const std::string &command_line) {
    std::FILE *pipe = popen((command_line + " 2>&1").c_str(), "r");
    ToolRun run{-1, ""};
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) run.output.append(buffer, n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace antialiased
