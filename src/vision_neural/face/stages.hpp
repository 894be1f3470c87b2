// SPDX-License-Identifier: Apache-2.0
#pragma once
// The three model stages of the face pipeline (private). Each owns its GraphModel and is const/thread-safe.
#include <array>
#include <string>
#include <iterator>
#include <vector>

#include <opencv2/core.hpp>

#include "face/blazeface.hpp"
#include "face/image_ops.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "sentio/vision_neural/graph_model.hpp"

namespace sentio::vision::face {

// BlazeFace 256x256: letterboxes the image into the square input (image at the top-left, black padding
// on the right or bottom, so faces keep their aspect ratio), runs the model, decodes, weighted NMS.
class Detector {
 public:
  explicit Detector(const std::string& model_json);
  // Faces in image pixels: box, score, keypoints filled; sorted by score.
  std::vector<FaceResult> detect(const cv::Mat& rgb, const FaceAnalyzerOptions& options) const;

 private:
  GraphModel model_;
  int input_size_ = 256;
  std::vector<Anchor> anchors_;
  std::size_t logits_a_ = 0, regs_a_ = 0, logits_b_ = 0, regs_b_ = 0;  // output indices (512-anchor head, 384-anchor head)
};

// FaceMesh 192x192: rotated square crop around the detection (1.5 x the box side, rotated by the eye
// line), 468 points mapped back to the image. Fills landmarks, presence and roll.
class Mesh {
 public:
  explicit Mesh(const std::string& model_json);
  // One face: the crop from its box and roll; fills landmarks, presence and roll. (One model run per
  // face: batching crops is slower on CPU, measured 3 faces 8.4 ms batched vs 3 x 2.7 ms.)
  void run(const cv::Mat& rgb, FaceResult& face) const;

 private:
  GraphModel model_;
  std::size_t mesh_out_ = 0, presence_out_ = 0;
};

// Side of the expression model's square grey input.
inline constexpr int kExpressionInputSize = 64;
// Model output index (FER2013 order: angry, disgust, fear, happy, sad, surprise, neutral) -> core label
// (neutral, happiness, sadness, anger, fear, disgust, surprise). Training (src/vision/train) uses the same map.
inline constexpr std::array<Expression, kExpressionCount> kFerToCore = {
    Expression::anger, Expression::disgust, Expression::fear,   Expression::happiness,
    Expression::sadness, Expression::surprise, Expression::neutral};

// The crops around the mesh used for expression: sides = these multiples of the larger extent of the
// landmarks in the eye-aligned frame (FaceModelOptions::expression_crop_scales, docs/FACES.md).
inline const std::vector<float> kExpressionCropScales(std::begin(kDefaultExpressionCropScales),
                                                      std::end(kDefaultExpressionCropScales));

// Emotion (mini-Xception, FER2013): 64x64 grey, x/127.5 - 1; 7 softmax outputs in FER order.
class ExpressionModel {
 public:
  // flip_average: also classify the mirrored crop and average the two probability vectors (test-time
  // augmentation; one model run on a batch of two). crop_scales: the aligned crops' sides over the mesh
  // extent; the probabilities of the crops are averaged (kExpressionCropScales by default).
  explicit ExpressionModel(const std::string& model_json, bool flip_average = false,
                           std::vector<float> crop_scales = kExpressionCropScales);
  // Aligned crops of a face already found (uses the landmarks when present, else the detector box), one
  // per crop scale.
  std::vector<cv::Mat> align(const cv::Mat& rgb, const FaceResult& face) const;
  // The mean of the crops' probabilities.
  ExpressionProbs classify_mean(const std::vector<cv::Mat>& grey64) const;
  // Probabilities (core order) for 64x64 grey crops (one model run each: faster than a batch on CPU).
  std::vector<ExpressionProbs> classify(const std::vector<cv::Mat>& grey64) const;
  ExpressionProbs classify(const cv::Mat& grey64) const;
  // Whole image as the crop: grey, bilinear resize to 64x64.
  static cv::Mat crop_whole(const cv::Mat& rgb_or_grey);

 private:
  GraphModel model_;
  bool flip_average_ = false;
  std::vector<float> crop_scales_;
};

// Side of the identity model's square RGB input.
inline constexpr int kIdentityInputSize = 224;

// Identity (faceres of @vladmandic/human): 224x224 RGB as 0..255 floats -> a 1024-d face description (plus age and
// gender, unused). The description of the eye-aligned crop, L2-normalised, compared by cosine: what the
// tracker uses to keep people apart across cuts and to re-identify them.
class IdentityModel {
 public:
  explicit IdentityModel(const std::string& model_json);
  std::vector<float> describe(const cv::Mat& rgb, const FaceResult& face) const;

 private:
  GraphModel model_;
  std::size_t description_out_ = 0;
};

// Square crop of `size` pixels around a face, rotated by its roll: side = `extent_scale` x the larger
// extent of the mesh in the eye-aligned frame (the detector box's larger side without landmarks).
CropTransform aligned_crop(const FaceResult& face, int size, float extent_scale);

// The FaceMesh crop side relative to the detector box (MediaPipe's face_landmark uses 1.5).
inline constexpr float kMeshCropScale = 1.5f;

}  // namespace sentio::vision::face
