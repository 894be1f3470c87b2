// SPDX-License-Identifier: Apache-2.0
#pragma once
// BlazeFace post-processing, independent of the model runner and of the image library:
// anchor generation, decoding of the raw regressors, sigmoid scores and (weighted) non-maximum
// suppression. Coordinates here are normalised to the square model input ([0,1] x [0,1]).
#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace sentio::vision::face {

// Anchor centre, normalised to the model input. BlazeFace uses fixed-size anchors (w = h = 1), so
// only the centres matter.
struct Anchor {
  float x = 0, y = 0;
};

// One grid of anchors: `grid` x `grid` cells, `per_cell` anchors on each cell centre.
struct AnchorLayer {
  int grid = 0;
  int per_cell = 0;
};

// Anchors of the layers in order; inside a layer row-major over cells (y outer, x inner), the
// `per_cell` anchors of a cell consecutive. Centre of cell (x, y) = ((x + 0.5) / grid, (y + 0.5) / grid)
// (MediaPipe SsdAnchorsCalculator with anchor_offset 0.5 and fixed_anchor_size).
std::vector<Anchor> generate_anchors(std::span<const AnchorLayer> layers);

// The 256x256 BlazeFace of @vladmandic/human (MediaPipe's "back"/full-range short model) has two
// heads whose shapes imply the layers: [1,512,1]+[1,512,16] = 16x16 cells x 2 anchors (stride 16) and
// [1,384,1]+[1,384,16] = 8x8 cells x 6 anchors (stride 32; MediaPipe's three stride-32 layers of two
// anchors each, merged). generate_anchors() on these gives the 896 anchors in output order.
inline constexpr std::array<AnchorLayer, 2> kBlazeFace256Layers = {AnchorLayer{16, 2}, AnchorLayer{8, 6}};

struct Detection {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // normalised box
  float score = 0;                       // sigmoid(logit)
  std::array<float, 12> keypoints{};     // 6 x (x, y), normalised
};

// Decodes the anchors whose score passes `score_threshold`.
// logits: one per anchor; regressors: 16 per anchor, row-major, in input pixels relative to the anchor
// centre: [dx, dy, w, h, kp0x, kp0y, ..., kp5x, kp5y]. input_size: side of the model input in pixels
// (256). Box centre = anchor + (dx, dy) / input_size, size = (w, h) / input_size, keypoint k =
// anchor + (kpkx, kpky) / input_size. Logits are clipped to [-100, 100] before the sigmoid.
std::vector<Detection> decode_detections(std::span<const float> logits, std::span<const float> regressors,
                                         std::span<const Anchor> anchors, float input_size, float score_threshold);

float iou(const Detection& a, const Detection& b);

// Non-maximum suppression, most confident first. With `weighted` (MediaPipe's WEIGHTED mode) every kept
// detection's box and keypoints become the score-weighted mean of the candidates overlapping it by
// more than `iou_threshold` (its score stays the maximum); otherwise those candidates are just dropped.
std::vector<Detection> non_max_suppression(std::vector<Detection> candidates, float iou_threshold, bool weighted,
                                           std::size_t max_out);

}  // namespace sentio::vision::face
