// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sequential face analysis of the frames of one video with a detection interval (docs/FACES.md, "Video"):
// BlazeFace runs on every `detect_interval`-th frame and on any frame where a tracked face is lost; on
// the frames in between each face's FaceMesh crop is derived from its 468 landmarks of the previous frame
// (what MediaPipe's face-mesh graph does for video), so only FaceMesh and the expression model run.
// A tracked face whose FaceMesh presence drops below FaceAnalyzerOptions::presence_threshold is lost.
// The vision::FaceVideoStream of FaceAnalyzer (FaceAnalyzer::open_video).
#include <cstdint>
#include <memory>
#include <vector>

#include "sentio/vision_neural/face_analyzer.hpp"

namespace sentio::vision {

// Not thread-safe (it carries state from frame to frame); one per video. The FaceAnalyzer must outlive it
// and may be shared with other threads.
class FaceVideoAnalyzer final : public FaceVideoStream {
 public:
  explicit FaceVideoAnalyzer(const FaceAnalyzer& analyzer, FaceVideoOptions options = {});
  ~FaceVideoAnalyzer() override;
  FaceVideoAnalyzer(FaceVideoAnalyzer&&) noexcept;
  FaceVideoAnalyzer& operator=(FaceVideoAnalyzer&&) noexcept;

  // See FaceVideoStream::next. Requires FaceAnalyzerOptions::landmarks (without the mesh there is nothing
  // to track, so every frame is a detection frame).
  std::vector<FaceResult> next(const std::uint8_t* rgb, int width, int height) override;
  void reset() override;

  const FaceVideoStats& stats() const override;
  const FaceVideoOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::vision
