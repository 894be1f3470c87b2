// SPDX-License-Identifier: Apache-2.0
#include "face/blazeface.hpp"

#include <algorithm>
#include <cmath>

#include "sentio/core/error.hpp"

namespace sentio::vision::face {

std::vector<Anchor> generate_anchors(std::span<const AnchorLayer> layers) {
  std::vector<Anchor> anchors;
  for (const AnchorLayer& layer : layers) {
    SENTIO_ASSERT(layer.grid > 0 && layer.per_cell > 0);
    const float g = static_cast<float>(layer.grid);
    for (int y = 0; y < layer.grid; ++y)
      for (int x = 0; x < layer.grid; ++x)
        for (int k = 0; k < layer.per_cell; ++k)
          anchors.push_back({(static_cast<float>(x) + 0.5f) / g, (static_cast<float>(y) + 0.5f) / g});
  }
  return anchors;
}

std::vector<Detection> decode_detections(std::span<const float> logits, std::span<const float> regressors,
                                         std::span<const Anchor> anchors, float input_size, float score_threshold) {
  SENTIO_ASSERT(logits.size() == anchors.size() && regressors.size() == anchors.size() * 16);
  SENTIO_ASSERT(input_size > 0);
  // sigmoid(z) >= t  <=>  z >= logit(t); compare logits so most anchors cost one comparison.
  const float t = std::clamp(score_threshold, 1e-6f, 1.0f - 1e-6f);
  const float logit_threshold = std::log(t / (1.0f - t));
  const float inv = 1.0f / input_size;
  std::vector<Detection> out;
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    const float z = std::clamp(logits[i], -100.0f, 100.0f);
    if (z < logit_threshold) continue;
    const float* r = regressors.data() + i * 16;
    Detection d;
    d.score = 1.0f / (1.0f + std::exp(-z));
    const float cx = anchors[i].x + r[0] * inv;
    const float cy = anchors[i].y + r[1] * inv;
    const float hw = 0.5f * r[2] * inv;
    const float hh = 0.5f * r[3] * inv;
    if (!(hw > 0) || !(hh > 0)) continue;  // degenerate regressors
    d.x0 = cx - hw;
    d.x1 = cx + hw;
    d.y0 = cy - hh;
    d.y1 = cy + hh;
    for (int k = 0; k < 6; ++k) {
      d.keypoints[2 * k] = anchors[i].x + r[4 + 2 * k] * inv;
      d.keypoints[2 * k + 1] = anchors[i].y + r[5 + 2 * k] * inv;
    }
    out.push_back(d);
  }
  return out;
}

float iou(const Detection& a, const Detection& b) {
  const float ix = std::max(0.0f, std::min(a.x1, b.x1) - std::max(a.x0, b.x0));
  const float iy = std::max(0.0f, std::min(a.y1, b.y1) - std::max(a.y0, b.y0));
  const float inter = ix * iy;
  const float uni = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

std::vector<Detection> non_max_suppression(std::vector<Detection> candidates, float iou_threshold, bool weighted,
                                           std::size_t max_out) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  std::vector<bool> used(candidates.size(), false);
  for (std::size_t i = 0; i < candidates.size() && kept.size() < max_out; ++i) {
    if (used[i]) continue;
    used[i] = true;
    const Detection& best = candidates[i];
    if (!weighted) {
      for (std::size_t j = i + 1; j < candidates.size(); ++j)
        if (!used[j] && iou(best, candidates[j]) > iou_threshold) used[j] = true;
      kept.push_back(best);
      continue;
    }
    // Weighted: average the cluster (the best one included) by score.
    Detection acc{};
    float wsum = 0;
    auto accumulate = [&](const Detection& d) {
      acc.x0 += d.score * d.x0;
      acc.y0 += d.score * d.y0;
      acc.x1 += d.score * d.x1;
      acc.y1 += d.score * d.y1;
      for (std::size_t k = 0; k < acc.keypoints.size(); ++k) acc.keypoints[k] += d.score * d.keypoints[k];
      wsum += d.score;
    };
    accumulate(best);
    for (std::size_t j = i + 1; j < candidates.size(); ++j) {
      if (used[j] || iou(best, candidates[j]) <= iou_threshold) continue;
      used[j] = true;
      accumulate(candidates[j]);
    }
    const float inv = 1.0f / wsum;
    acc.x0 *= inv;
    acc.y0 *= inv;
    acc.x1 *= inv;
    acc.y1 *= inv;
    for (float& k : acc.keypoints) k *= inv;
    acc.score = best.score;
    kept.push_back(acc);
  }
  return kept;
}

}  // namespace sentio::vision::face
