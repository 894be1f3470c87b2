// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sequential face analysis of the frames of one video with a detection interval (docs/FACES.md, "Video"):
// BlazeFace runs on every `detect_interval`-th frame and on any frame where a tracked face is lost; on
// the frames in between each face's FaceMesh crop is derived from its 468 landmarks of the previous frame
// (what MediaPipe's face-mesh graph does for video), so only FaceMesh and the expression model run.
// A tracked face whose FaceMesh presence drops below FaceAnalyzerOptions::presence_threshold is lost.
#include <cstdint>
#include <memory>
#include <vector>

#include "sentio/vision/face_analyzer.hpp"

namespace sentio::vision {

struct FaceVideoOptions {
  // Run the detector on every N-th frame (1 = every frame, results identical to FaceAnalyzer::analyze).
  // New faces are found only on detection frames, i.e. up to N-1 frames late.
  int detect_interval = 10;
  // Two tracked faces whose boxes overlap by more than this IoU are the same face: the one with the
  // lower presence is dropped.
  float duplicate_iou = 0.5f;
  // Threads for the per-face stages (FaceMesh + expression of different faces in parallel; the calling
  // thread counts as one). Pays off from 2 faces per frame; results do not depend on it.
  int n_threads = 1;
};

struct FaceVideoStats {
  std::int64_t frames = 0;
  std::int64_t detection_frames = 0;   // frames on which BlazeFace ran
  std::int64_t lost_redetections = 0;  // of those, run because a tracked face was lost
  std::int64_t tracked_faces = 0;      // face results produced from landmarks (no detector on that frame)
};

// Not thread-safe (it carries state from frame to frame); one per video. The FaceAnalyzer must outlive it
// and may be shared with other threads.
class FaceVideoAnalyzer {
 public:
  explicit FaceVideoAnalyzer(const FaceAnalyzer& analyzer, FaceVideoOptions options = {});
  ~FaceVideoAnalyzer();
  FaceVideoAnalyzer(FaceVideoAnalyzer&&) noexcept;
  FaceVideoAnalyzer& operator=(FaceVideoAnalyzer&&) noexcept;

  // Faces of the next frame (packed RGB, width * height * 3 bytes), in the same form as
  // FaceAnalyzer::analyze: on detection frames exactly its result; on tracked frames `box` is the
  // region derived from the landmarks (scaled like the last detector box of that face), `score` the
  // face's last detector score and `keypoints` read from the mesh. Faces keep their order between
  // detections. Requires FaceAnalyzerOptions::landmarks (without the mesh there is nothing to track,
  // so every frame is a detection frame).
  std::vector<FaceResult> next(const std::uint8_t* rgb, int width, int height);
  // Forgets the tracked faces: the next frame is a detection frame.
  void reset();

  const FaceVideoStats& stats() const;
  const FaceVideoOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::vision
