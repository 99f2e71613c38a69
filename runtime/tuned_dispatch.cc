#include "runtime/tuned_dispatch.h"

#include <atomic>
#include <vector>

#include "generators/batch_norm_train_backward_input_tuned.h"
#include "generators/batch_norm_train_normalize_tuned.h"
#include "generators/blurpool_forward_tuned.h"
#include "generators/conv2d_tuned.h"
#include "generators/stage_enums.h"

namespace antialiased {
namespace {

std::atomic<bool> enabled{true};

// `hand`, or the variant `table` lists for maps of `channels` x px x px.
template <typename Stage>
Stage tuned_map_stage(const std::vector<TunedMapStage<Stage>> &table, Stage hand, int channels, int px) {
    if (!enabled) return hand;
    for (const TunedMapStage<Stage> &row : table) {
        if (row.channels == channels && row.px == px) return row.stage;
    }
    return hand;
}

}  // namespace

const TunedConv2d *tuned_conv2d(int in, int out, int kernel, int stride, int padding, int px) {
    if (!enabled || padding != kernel / 2) return nullptr;
    for (const TunedConv2d &row : kConv2dTuned) {
        if (row.in == in && row.out == out && row.kernel == kernel && row.stride == stride && row.px == px) return &row;
    }
    return nullptr;
}

decltype(&blurpool_forward_cpu) tuned_blurpool_forward(int channels, int px, int filt_x, int filt_y, int stride_x,
                                                       int stride_y, int pad_type, int pad_off_x, int pad_off_y) {
    const bool planned = filt_x == 4 && filt_y == 4 && stride_x == 2 && stride_y == 2 &&
                         pad_type == int(PadType::kReflect) && pad_off_x == 0 && pad_off_y == 0;
    return planned ? tuned_map_stage(kBlurpoolForwardTuned, &blurpool_forward_cpu, channels, px) : &blurpool_forward_cpu;
}

decltype(&batch_norm_train_normalize_cpu) tuned_batch_norm_train_normalize(int channels, int px) {
    return tuned_map_stage(kBatchNormTrainNormalizeTuned, &batch_norm_train_normalize_cpu, channels, px);
}

decltype(&batch_norm_train_backward_input_cpu) tuned_batch_norm_train_backward_input(int channels, int px) {
    return tuned_map_stage(kBatchNormTrainBackwardInputTuned, &batch_norm_train_backward_input_cpu, channels, px);
}

void use_tuned_stages(bool on) { enabled = on; }

}  // namespace antialiased
