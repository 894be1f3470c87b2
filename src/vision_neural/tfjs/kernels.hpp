// SPDX-License-Identifier: Apache-2.0
#pragma once
// Direct CPU kernels for the separable-convolution blocks that dominate the face models (BlazeFace,
// FaceMesh, emotion): [depthwise 3x3] -> pointwise 1x1 + bias -> [+ residual] -> [ReLU | PReLU], on
// NHWC float32 memory, computed one output row at a time so the depthwise row stays in L1 and no
// intermediate tensor is written. Plain pointers (no ATen), AVX2+FMA with a portable fallback chosen at
// run time (SENTIO_NO_AVX2 forces the portable path, as in features/dsp).
#include <cstdint>

namespace sentio::vision::tfjs {

enum class BlockAct { none, relu, prelu };

struct SeparableBlock {
  std::int64_t batch = 1, in_h = 0, in_w = 0, channels = 0;  // input NHWC; channels = pointwise K
  // Depthwise 3x3 (channel multiplier 1, no bias); when absent the pointwise conv reads the input.
  bool depthwise = false;
  int stride = 1;
  int pad_top = 0, pad_left = 0;  // the rest of the SAME/explicit padding is implied by out_h/out_w
  std::int64_t out_h = 0, out_w = 0;
  const float* dw_weights = nullptr;  // [3][3][channels]
  const float* pw_weights = nullptr;  // [channels][out_channels]
  const float* bias = nullptr;        // [out_channels]
  std::int64_t out_channels = 0;
  const float* residual = nullptr;    // [batch][out_h][out_w][out_channels] or null
  BlockAct act = BlockAct::none;
  const float* alpha = nullptr;       // [out_channels] for prelu
};

// out: [batch][out_h][out_w][out_channels]. Computes the output rows [first_row, end_row) of the
// batch * out_h rows (image-major); disjoint ranges may run on different threads.
void run_separable_block(const SeparableBlock& b, const float* input, float* out, std::int64_t first_row,
                         std::int64_t end_row);

// True when the AVX2+FMA kernels are used.
bool separable_block_uses_avx2();

// The widest pointwise filter (input x output channels) worth a fused block on this CPU (0: any width).
// On CPUs with AVX-512, oneDNN's own convolution beats the AVX2 direct kernel beyond 64 x 64 channels: the
// expression model's 128- and 256-channel blocks took 3.0 ms per face fused against 1.9 ms as ATen ops on
// an AMD EPYC (BlazeFace and FaceMesh unchanged within noise), while on an AVX2-only Xeon fusing them gained
// (bench/faces_speed.md). SENTIO_NO_AVX2 also turns this off.
std::int64_t separable_block_max_pointwise_weights();

}  // namespace sentio::vision::tfjs
