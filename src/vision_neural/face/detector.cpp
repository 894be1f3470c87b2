// SPDX-License-Identifier: Apache-2.0
// BlazeFace stage: letterbox to 256x256, RGB scaled to [-1, 1] (x / 127.5 - 1), decode, weighted NMS.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "face/stages.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision::face {

Detector::Detector(const std::string& model_json) : model_(GraphModel::load(model_json)) {
  const auto shape = model_.input_shape(0);
  if (shape.size() != 4 || shape[1] != shape[2] || shape[1] <= 0 || shape[3] != 3)
    throw InputError("'" + model_json + "': not a BlazeFace model (input is not N x S x S x 3)");
  input_size_ = static_cast<int>(shape[1]);
  if (input_size_ != 256 || model_.output_names().size() != 4)
    throw InputError("'" + model_json + "': expected the 256x256 BlazeFace with 4 outputs");
  // Identify the heads by running once on a blank input: [1,512,1], [1,512,16], [1,384,1], [1,384,16].
  Tensor blank;
  blank.shape = {1, input_size_, input_size_, 3};
  blank.data.assign(blank.element_count(), 0.0f);
  const auto out = model_.run({blank});
  bool found[4] = {false, false, false, false};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto& s = out[i].shape;
    if (s.size() != 3) continue;
    if (s[1] == 512 && s[2] == 1) logits_a_ = i, found[0] = true;
    if (s[1] == 512 && s[2] == 16) regs_a_ = i, found[1] = true;
    if (s[1] == 384 && s[2] == 1) logits_b_ = i, found[2] = true;
    if (s[1] == 384 && s[2] == 16) regs_b_ = i, found[3] = true;
  }
  if (!(found[0] && found[1] && found[2] && found[3]))
    throw InputError("'" + model_json + "': BlazeFace outputs are not [1,512,1|16] and [1,384,1|16]");
  anchors_ = generate_anchors(kBlazeFace256Layers);
  SENTIO_ASSERT(anchors_.size() == 896);
}

std::vector<FaceResult> Detector::detect(const cv::Mat& rgb, const FaceAnalyzerOptions& options) const {
  // Letterbox: scale the longer side to the input size, keep the aspect ratio, pad right/bottom with black.
  const int longer = std::max(rgb.cols, rgb.rows);
  const double scale = static_cast<double>(input_size_) / longer;
  const int w = std::max(1, static_cast<int>(std::lround(rgb.cols * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(rgb.rows * scale)));
  cv::Mat canvas(input_size_, input_size_, CV_8UC3, cv::Scalar::all(0));
  cv::resize(rgb, canvas(cv::Rect(0, 0, w, h)), cv::Size(w, h), 0, 0,
             scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  Tensor input;
  to_tensor(canvas, 1.0f / 127.5f, -1.0f, input);
  const auto out = model_.run({input});

  // Concatenate the heads in anchor order: 512 (16x16x2) then 384 (8x8x6).
  std::vector<float> logits(out[logits_a_].data);
  logits.insert(logits.end(), out[logits_b_].data.begin(), out[logits_b_].data.end());
  std::vector<float> regs(out[regs_a_].data);
  regs.insert(regs.end(), out[regs_b_].data.begin(), out[regs_b_].data.end());
  auto candidates = decode_detections(logits, regs, anchors_, static_cast<float>(input_size_), options.score_threshold);
  const auto kept = non_max_suppression(std::move(candidates), options.nms_iou, /*weighted=*/true,
                                        static_cast<std::size_t>(std::max(0, options.max_faces)));

  // Normalised letterbox coordinates -> image pixels: x_img = x_norm * input_size / scale = x_norm * longer.
  const float to_px = static_cast<float>(longer);
  std::vector<FaceResult> faces;
  for (const Detection& d : kept) {
    FaceResult f;
    // Not clamped to the image here: the crops need the true centre of faces cut by the border.
    f.box = {d.x0 * to_px, d.y0 * to_px, d.x1 * to_px, d.y1 * to_px};
    if (f.box.width() < options.min_face_px || f.box.height() < options.min_face_px) continue;
    f.score = d.score;
    for (int k = 0; k < 6; ++k) f.keypoints[k] = {d.keypoints[2 * k] * to_px, d.keypoints[2 * k + 1] * to_px};
    const Point2 re = f.keypoints[static_cast<int>(FaceKeypoint::right_eye)];
    const Point2 le = f.keypoints[static_cast<int>(FaceKeypoint::left_eye)];
    f.roll = std::atan2(le.y - re.y, le.x - re.x);
    f.presence = 1.0f;
    faces.push_back(std::move(f));
  }
  return faces;
}

}  // namespace sentio::vision::face
