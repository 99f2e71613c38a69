#include "runtime/tuned_dispatch.h"

#include <atomic>

#include "generators/blurpool_tuned.h"
#include "generators/conv2d_tuned.h"
#include "generators/stage_enums.h"

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

const TunedBlurPool *tuned_blurpool(int channels, int px, int filt_x, int filt_y, int stride_x, int stride_y,
                                    int pad_type, int pad_off_x, int pad_off_y) {
    if (!enabled || filt_x != 4 || filt_y != 4 || stride_x != 2 || stride_y != 2 ||
        pad_type != int(PadType::kReflect) || pad_off_x != 0 || pad_off_y != 0) {
        return nullptr;
    }
    for (const TunedBlurPool &row : kBlurPoolTuned) {
        if (row.channels == channels && row.px == px) return &row;
    }
    return nullptr;
}

void use_tuned_stages(bool on) { enabled = on; }

}  // namespace antialiased
