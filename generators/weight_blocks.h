// The forward convolution's weight layout, shared by the generator and the runtime that fills it.
#pragma once

namespace antialiased {

// Weights are stored in blocks of kWeightBlock output channels: (co % kWeightBlock, ci, kx, ky, co / kWeightBlock),
// the last block zero-filled. A register tile of the convolution (32 output channels on AVX-512, 16 on AVX2,
// 32 GPU threads) then streams its weights from one contiguous run of memory, where the dense (co, ci, kx, ky)
// layout steps by a power-of-two stride per input channel: a new 4 KB page every step for 1024 channels, and
// every line in the same few L1 sets.
constexpr int kWeightBlock = 32;

inline int weight_blocks(int out_channels) { return (out_channels + kWeightBlock - 1) / kWeightBlock; }

}  // namespace antialiased
