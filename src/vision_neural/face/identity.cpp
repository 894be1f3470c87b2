// SPDX-License-Identifier: Apache-2.0
// Identity stage: the `faceres` model of @vladmandic/human (HSE FaceRes). Input 224x224x3 RGB as 0..255 floats
// (human scales its [0, 1] face crop by 255 before this model); outputs a 1024-d description
// (global_pooling/Mean), age and gender. Only the description is used.
#include <cmath>

#include "face/stages.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision::face {

namespace {
// The crop: the mesh's extent plus a margin (forehead, chin and hair line carry identity too).
constexpr float kIdentityCropScale = 1.2f;
}  // namespace

IdentityModel::IdentityModel(const std::string& model_json) : model_(GraphModel::load(model_json)) {
  const auto shape = model_.input_shape(0);
  if (shape.size() != 4 || shape[1] != kIdentityInputSize || shape[2] != kIdentityInputSize || shape[3] != 3)
    throw InputError("'" + model_json + "': not the faceres model (input is not N x 224 x 224 x 3)");
  description_out_ = model_.output_index("global_pooling/Mean");
}

std::vector<float> IdentityModel::describe(const cv::Mat& rgb, const FaceResult& face) const {
  const cv::Mat crop = warp_crop(rgb, aligned_crop(face, kIdentityInputSize, kIdentityCropScale));
  Tensor input;
  to_tensor(crop, 1.0f, 0.0f, input);
  std::vector<float> d = model_.run({input})[description_out_].data;
  double norm2 = 0;
  for (const float x : d) norm2 += static_cast<double>(x) * x;
  if (!(norm2 > 0)) return {};
  const auto inv = static_cast<float>(1.0 / std::sqrt(norm2));
  for (float& x : d) x *= inv;
  return d;
}

}  // namespace sentio::vision::face
