// SPDX-License-Identifier: Apache-2.0
// Expression stage: the `emotion` model of @vladmandic/human (mini-Xception trained on FER2013).
// Input 64x64x1 grey scaled x / 127.5 - 1; output 7 softmax probabilities in FER2013 order
// angry, disgust, fear, happy, sad, surprise, neutral.
#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "face/stages.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision::face {

namespace {
constexpr int kSize = kExpressionInputSize;
constexpr std::size_t kPixels = static_cast<std::size_t>(kSize) * kSize;

cv::Mat to_grey(const cv::Mat& m) {
  if (m.channels() == 1) return m;
  cv::Mat g;
  cv::cvtColor(m, g, cv::COLOR_RGB2GRAY);  // 0.299 R + 0.587 G + 0.114 B
  return g;
}
}  // namespace

ExpressionModel::ExpressionModel(const std::string& model_json, bool flip_average, std::vector<float> crop_scales)
    : model_(GraphModel::load(model_json)), flip_average_(flip_average), crop_scales_(std::move(crop_scales)) {
  if (crop_scales_.empty() || crop_scales_.size() > 8)
    throw InputError("expression crop scales: expected 1 to 8 values");
  for (float s : crop_scales_)
    if (!(s > 0.2f && s < 5.0f)) throw InputError("expression crop scale " + std::to_string(s) + " is outside (0.2, 5)");
  const auto shape = model_.input_shape(0);
  if (shape.size() != 4 || shape[1] != kSize || shape[2] != kSize || shape[3] != 1 || model_.output_names().size() != 1)
    throw InputError("'" + model_json + "': not the emotion model (input is not N x 64 x 64 x 1, one output)");
}

cv::Mat ExpressionModel::crop_whole(const cv::Mat& image) {
  cv::Mat g = to_grey(image);
  if (g.cols == kSize && g.rows == kSize) return g;
  cv::Mat out;
  // Bilinear like the reference measurement (PIL bilinear 48 -> 64); INTER_AREA when shrinking.
  const bool shrink = g.cols > kSize || g.rows > kSize;
  cv::resize(g, out, cv::Size(kSize, kSize), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

CropTransform aligned_crop(const FaceResult& face, int size, float extent_scale) {
  CropTransform t;
  t.angle = face.roll;
  t.size = size;
  if (!face.landmarks.empty()) {
    // Extent of the mesh in the eye-aligned frame (rotate the points by -roll about the origin).
    const float c = std::cos(face.roll), s = std::sin(face.roll);
    float u0 = 1e30f, u1 = -1e30f, v0 = 1e30f, v1 = -1e30f;
    for (const Point3& p : face.landmarks) {
      const float u = c * p.x + s * p.y, v = -s * p.x + c * p.y;
      u0 = std::min(u0, u), u1 = std::max(u1, u), v0 = std::min(v0, v), v1 = std::max(v1, v);
    }
    const float uc = 0.5f * (u0 + u1), vc = 0.5f * (v0 + v1);
    t.cx = c * uc - s * vc;
    t.cy = s * uc + c * vc;
    t.scale = extent_scale * std::max(u1 - u0, v1 - v0) / static_cast<float>(size);
  } else {
    t.cx = 0.5f * (face.box.x0 + face.box.x1);
    t.cy = 0.5f * (face.box.y0 + face.box.y1);
    t.scale = std::max(face.box.width(), face.box.height()) / static_cast<float>(size);
  }
  return t;
}

std::vector<cv::Mat> ExpressionModel::align(const cv::Mat& rgb, const FaceResult& face) const {
  // Sample grey from the colour image: warp first (3 channels), then convert.
  std::vector<cv::Mat> crops;
  crops.reserve(crop_scales_.size());
  for (float s : crop_scales_) crops.push_back(to_grey(warp_crop(rgb, aligned_crop(face, kSize, s))));
  return crops;
}

ExpressionProbs ExpressionModel::classify(const cv::Mat& grey64) const {
  SENTIO_ASSERT(grey64.rows == kSize && grey64.cols == kSize && grey64.channels() == 1);
  Tensor input;
  to_tensor(grey64, 1.0f / 127.5f, -1.0f, input);
  if (flip_average_) {
    // Second image of the batch: the crop mirrored left-right.
    input.shape[0] = 2;
    input.data.resize(2 * kPixels);
    for (int y = 0; y < kSize; ++y)
      for (int x = 0; x < kSize; ++x)
        input.data[kPixels + static_cast<std::size_t>(y * kSize + x)] = input.data[static_cast<std::size_t>(y * kSize + kSize - 1 - x)];
  }
  const auto out = model_.run({input});
  std::vector<float> p = out[0].data;
  if (flip_average_) {
    SENTIO_ASSERT(p.size() == 2 * kExpressionCount);
    for (std::size_t k = 0; k < kExpressionCount; ++k) p[k] = 0.5f * (p[k] + p[kExpressionCount + k]);
    p.resize(kExpressionCount);
  }
  SENTIO_ASSERT(p.size() == kExpressionCount);
  ExpressionProbs probs{};
  float sum = 0;
  for (std::size_t k = 0; k < kExpressionCount; ++k) sum += std::max(0.0f, p[k]);
  for (std::size_t k = 0; k < kExpressionCount; ++k)
    probs[static_cast<std::size_t>(kFerToCore[k])] = sum > 0 ? std::max(0.0f, p[k]) / sum : 1.0f / kExpressionCount;
  return probs;
}

ExpressionProbs ExpressionModel::classify_mean(const std::vector<cv::Mat>& grey64) const {
  SENTIO_ASSERT(!grey64.empty());
  ExpressionProbs mean{};
  for (const cv::Mat& m : grey64) {
    const ExpressionProbs p = classify(m);
    for (std::size_t k = 0; k < kExpressionCount; ++k) mean[k] += p[k] / static_cast<float>(grey64.size());
  }
  return mean;
}

std::vector<ExpressionProbs> ExpressionModel::classify(const std::vector<cv::Mat>& grey64) const {
  std::vector<ExpressionProbs> result;
  result.reserve(grey64.size());
  for (const cv::Mat& m : grey64) result.push_back(classify(m));
  return result;
}

}  // namespace sentio::vision::face
