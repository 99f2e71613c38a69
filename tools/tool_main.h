// The shared main() of the command-line tools: gflags parsing (an unknown flag is an error, exit 1), no stray
// arguments (exit 2), and every Error as one line "<tool>: <message>" on stderr with exit status 1. Flags are
// also accepted as the reference's argparse spells them: hyphens within names (--batch-size for batch_size),
// --no-X to negate a boolean (gflags' --noX), and the short and alternative names of main.py (-a for --arch,
// -b for --batch-size, --weight-decay for --wd, ...; given twice, the last one wins, as in argparse). Under
// mpirun an Error names the rank and ends the whole job.
#pragma once

#include <gflags/gflags.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "runtime/communicator.h"
#include "runtime/error.h"

namespace antialiased {

// `arg` ("-b", "--batch-size=8", "--no-data-aug", ...) as gflags spells the flag, when it names one this
// program defines; anything else unchanged (gflags then reports it).
inline std::string gflags_spelling(const std::string &arg) {
    static const std::map<std::string, std::string> aliases = {
        {"a", "arch"}, {"f", "filter_size"}, {"b", "batch_size"}, {"j", "workers"}, {"ep", "epochs"},
        {"p", "print_freq"}, {"e", "evaluate"}, {"es", "evaluate_shift"}, {"ed", "evaluate_diagonal"},
        {"ba", "batch_accum"}, {"mti", "max_train_iters"}, {"weight_decay", "wd"}, {"learning_rate", "lr"}};
    const size_t dashes = arg.rfind("--", 0) == 0 ? 2 : arg.rfind("-", 0) == 0 ? 1 : 0;
    if (dashes == 0 || arg.size() == dashes) return arg;
    const size_t equals = arg.find('=');
    std::string name = arg.substr(dashes, equals == std::string::npos ? std::string::npos : equals - dashes);
    const std::string value = equals == std::string::npos ? "" : arg.substr(equals);
    std::replace(name.begin(), name.end(), '-', '_');
    // The flag `candidate` names, directly or through an alias; empty if none.
    auto defined = [](const std::string &candidate, gflags::CommandLineFlagInfo *flag) -> std::string {
        if (gflags::GetCommandLineFlagInfo(candidate.c_str(), flag)) return candidate;
        const auto alias = aliases.find(candidate);
        if (alias != aliases.end() && gflags::GetCommandLineFlagInfo(alias->second.c_str(), flag)) return alias->second;
        return "";
    };
    gflags::CommandLineFlagInfo flag;
    if (const std::string known = defined(name, &flag); !known.empty()) return std::string(dashes, '-') + known + value;
    if (name.rfind("no_", 0) == 0) {  // --no-X: the negation of a boolean X
        const std::string known = defined(name.substr(3), &flag);
        if (!known.empty() && flag.type == "bool") return std::string(dashes, '-') + "no" + known + value;
    }
    return arg;
}

template <typename Run>
int tool_main(const char *tool, const char *usage, int argc, char **argv, Run run) {
    gflags::SetUsageMessage(usage);
    std::vector<std::string> args(argv, argv + argc);
    std::vector<char *> pointers;
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i] == "--") break;  // what follows is not flags
        if (i > 0) args[i] = gflags_spelling(args[i]);
    }
    for (std::string &arg : args) pointers.push_back(&arg[0]);
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
        // Under mpirun the line names the rank, and the whole job ends: the other ranks may be waiting for this
        // one in a collective.
        const Communicator &ranks = Communicator::world();
        if (ranks.distributed()) {
            std::fprintf(stderr, "%s: rank %d of %d: %s\n", tool, ranks.rank(), ranks.size(), e.what());
            ranks.abort(1);
        }
        std::fprintf(stderr, "%s: %s\n", tool, e.what());
        return 1;
    }
    return 0;
}

}  // namespace antialiased
