#include "runtime/conv2d_dispatch.h"

#include <atomic>

#include "generators/conv2d_tuned.h"

namespace antialiased {
namespace {

std::atomic<bool> enabled{true};

}  // namespace

const TunedConv2d *tuned_conv2d(int in, int out, int kernel, int stride, int padding, int px) {
    if (!enabled || padding != kernel / 2) return nullptr;
    for (const TunedConv2d &row : kConv2dTuned) {
        if (row.in == in && row.out == out && row.kernel == kernel && row.stride == stride && row.px == px) return &row;
    }
    return nullptr;
}

void use_tuned_conv2d(bool on) { enabled = on; }

}  // namespace antialiased
