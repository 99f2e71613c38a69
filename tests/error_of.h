// The refusal tests' probe: what an Error thrown by a call says.
#pragma once

#include <string>

#include "runtime/error.h"

namespace antialiased {

// The message of the Error that `call` throws, or "" when it throws none.
template <typename Call>
std::string error_of(Call &&call) {
    try {
        call();
    } catch (const Error &e) {
        return e.what();
    }
    return "";
}

}  // namespace antialiased
