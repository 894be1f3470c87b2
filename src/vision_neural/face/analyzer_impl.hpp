// SPDX-License-Identifier: Apache-2.0
#pragma once
// FaceAnalyzer's private state and stage sequence, shared by FaceAnalyzer (per image) and
// FaceVideoAnalyzer (per video, with a detection interval).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "face/stages.hpp"
#include "sentio/core/executor.hpp"
#include "sentio/vision/cue_expression.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"

namespace sentio::vision {

namespace face {
double ms_since(std::chrono::steady_clock::time_point t0);
}  // namespace face

struct FaceAnalyzer::Impl {
  FaceAnalyzerOptions options;
  face::Detector detector;
  face::Mesh mesh;
  face::ExpressionModel expression;
  std::optional<face::IdentityModel> identity;  // when options.identity and <dir>/faceres.json exists
  std::optional<CueExpressionModel> cues;       // when options.cue_fusion and a cue model exists

  Impl(FaceAnalyzerOptions o, const std::string& dir);

  // Detection -> mesh (rejecting by presence) -> expression, with the stage timings.
  std::vector<FaceResult> analyze(const cv::Mat& rgb, FaceTimings& timings) const;
  // Per face, independently (in parallel on `executor` when given): FaceMesh (crop from the box and roll),
  // then, if the presence passes the threshold (or landmarks are disabled), the expression with its top
  // label and valence/arousal. Faces below the threshold keep presence and landmarks, not the expression.
  // `timings` (sequential runs only) accumulates the mesh and expression times.
  void mesh_and_classify(const cv::Mat& rgb, std::vector<FaceResult>& faces, Executor* executor,
                         FaceTimings* timings = nullptr) const;
  // Identity descriptions of the faces that passed the presence threshold and have none yet (nothing without
  // the model).
  void describe(const cv::Mat& rgb, std::vector<FaceResult>& faces, Executor* executor) const;
  // The expression of a face from its aligned crop, fused with the cue model when there is one and the
  // face has landmarks; sets expression, top, valence and arousal.
  void classify(const cv::Mat& rgb, FaceResult& face) const;
  // Drops the faces below the presence threshold and clamps the boxes to the image.
  void finish(const cv::Mat& rgb, std::vector<FaceResult>& faces) const;
};

}  // namespace sentio::vision
