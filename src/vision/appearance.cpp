// SPDX-License-Identifier: Apache-2.0
// Appearance descriptor for the face tracker: a 16x16 grey thumbnail of the eye-aligned face, zero
// mean, unit L2 norm (docs/FACES.md, "Tracking"). Pure C++; 4 bilinear samples per cell (2x2
// supersampling) to limit aliasing when a large face is reduced to 16x16.
#include <algorithm>
#include <cmath>
#include <vector>

#include "sentio/vision/face_tracker.hpp"

namespace sentio::vision {

namespace {

constexpr float kPatchScale = 1.2f;  // patch side / larger box side

// Grey level (0.299 R + 0.587 G + 0.114 B) at a fractional pixel position (pixel centres at +0.5),
// bilinear, clamped to the image border.
float grey_at(const std::uint8_t* rgb, int width, int height, float x, float y) {
  const float fx = std::clamp(x - 0.5f, 0.0f, static_cast<float>(width - 1));
  const float fy = std::clamp(y - 0.5f, 0.0f, static_cast<float>(height - 1));
  const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
  const int x1 = std::min(x0 + 1, width - 1), y1 = std::min(y0 + 1, height - 1);
  const float ax = fx - static_cast<float>(x0), ay = fy - static_cast<float>(y0);
  const auto grey = [&](int xi, int yi) {
    const std::uint8_t* p = rgb + (static_cast<std::size_t>(yi) * static_cast<std::size_t>(width) + static_cast<std::size_t>(xi)) * 3;
    return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
  };
  const float top = grey(x0, y0) + ax * (grey(x1, y0) - grey(x0, y0));
  const float bottom = grey(x0, y1) + ax * (grey(x1, y1) - grey(x0, y1));
  return top + ay * (bottom - top);
}

}  // namespace

std::vector<float> appearance_descriptor(const std::uint8_t* rgb, int width, int height, const FaceBox& box,
                                         float roll_rad) {
  if (rgb == nullptr || width <= 0 || height <= 0) return {};
  const float side = kPatchScale * std::max(box.width(), box.height());
  if (!(side > 0.0f)) return {};
  const float cx = 0.5f * (box.x0 + box.x1), cy = 0.5f * (box.y0 + box.y1);
  const float c = std::cos(roll_rad), s = std::sin(roll_rad);
  constexpr int n = kAppearanceSide;
  constexpr int sub = 2;
  std::vector<float> d(static_cast<std::size_t>(n * n));
  const float step = side / static_cast<float>(n * sub);
  double sum = 0;
  for (int v = 0; v < n; ++v) {
    for (int u = 0; u < n; ++u) {
      float acc = 0;
      for (int sv = 0; sv < sub; ++sv) {
        for (int su = 0; su < sub; ++su) {
          // Offset from the patch centre in the face's (eye-aligned) frame, then rotated into the image.
          const float ox = (static_cast<float>(u * sub + su) + 0.5f) * step - 0.5f * side;
          const float oy = (static_cast<float>(v * sub + sv) + 0.5f) * step - 0.5f * side;
          acc += grey_at(rgb, width, height, cx + c * ox - s * oy, cy + s * ox + c * oy);
        }
      }
      const float g = acc / static_cast<float>(sub * sub);
      d[static_cast<std::size_t>(v * n + u)] = g;
      sum += g;
    }
  }
  const float mean = static_cast<float>(sum / static_cast<double>(d.size()));
  double energy = 0;
  for (float& g : d) {
    g -= mean;
    energy += static_cast<double>(g) * g;
  }
  const double norm = std::sqrt(energy);
  if (norm < 1e-3) return {};  // flat patch: no appearance information
  for (float& g : d) g = static_cast<float>(g / norm);
  return d;
}

float appearance_similarity(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.empty() || a.size() != b.size()) return 0.0f;
  double dotp = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dotp += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na <= 0 || nb <= 0) return 0.0f;
  return static_cast<float>(std::clamp(dotp / std::sqrt(na * nb), -1.0, 1.0));
}

}  // namespace sentio::vision
