// SPDX-License-Identifier: Apache-2.0
// FaceMesh stage: 192x192 RGB in [0, 1] -> 468 x (x, y, z) in crop pixels + face-presence.
#include <algorithm>
#include <cmath>

#include "face/stages.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision::face {

namespace {
constexpr int kMeshSize = 192;
constexpr std::size_t kMeshPoints = 468;
}  // namespace

Mesh::Mesh(const std::string& model_json) : model_(GraphModel::load(model_json)) {
  const auto shape = model_.input_shape(0);
  if (shape.size() != 4 || shape[1] != kMeshSize || shape[2] != kMeshSize || shape[3] != 3)
    throw InputError("'" + model_json + "': not a FaceMesh model (input is not N x 192 x 192 x 3)");
  Tensor blank;
  blank.shape = {1, kMeshSize, kMeshSize, 3};
  blank.data.assign(blank.element_count(), 0.0f);
  const auto out = model_.run({blank});
  bool have_mesh = false, have_presence = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].element_count() == kMeshPoints * 3) mesh_out_ = i, have_mesh = true;
    if (out[i].element_count() == 1) presence_out_ = i, have_presence = true;
  }
  if (!have_mesh || !have_presence)
    throw InputError("'" + model_json + "': FaceMesh outputs lack the 1404-value mesh or the presence flag");
}

void Mesh::run(const cv::Mat& rgb, FaceResult& face) const {
  CropTransform t;
  t.cx = 0.5f * (face.box.x0 + face.box.x1);
  t.cy = 0.5f * (face.box.y0 + face.box.y1);
  t.angle = face.roll;
  t.size = kMeshSize;
  t.scale = kMeshCropScale * std::max(face.box.width(), face.box.height()) / static_cast<float>(kMeshSize);
  Tensor input;
  to_tensor(warp_crop(rgb, t), 1.0f / 255.0f, 0.0f, input);
  const auto out = model_.run({input});
  // The presence output of this model is already a probability (reference: 0.998 on a face);
  // guard against a logit variant anyway.
  float p = out[presence_out_].data[0];
  if (p < 0.0f || p > 1.0f) p = 1.0f / (1.0f + std::exp(-p));
  face.presence = p;
  const std::vector<float>& m = out[mesh_out_].data;
  face.landmarks.resize(kMeshPoints);
  for (std::size_t k = 0; k < kMeshPoints; ++k) {
    const Point2 q = t.to_image(m[3 * k], m[3 * k + 1]);
    face.landmarks[k] = {q.x, q.y, m[3 * k + 2] * t.scale};
  }
  // Roll from the outer eye corners of the mesh (MediaPipe canonical indices 33 = subject's right,
  // 263 = subject's left), steadier than the detector's eye keypoints.
  const Point3& r = face.landmarks[33];
  const Point3& l = face.landmarks[263];
  face.roll = std::atan2(l.y - r.y, l.x - r.x);
}

}  // namespace sentio::vision::face
