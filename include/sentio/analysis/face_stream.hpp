// SPDX-License-Identifier: Apache-2.0
#pragma once
// The faces part of a stream: every face tracked with a persistent ID, its expression, valence/arousal
// and facial cues, frame by frame as the frames arrive; per-track summaries and the group view at the end.
//
// Frames are analysed in order (vision::FaceVideoStream: detection every `detect_interval` frames,
// landmarks, expression; between detections each face is followed by its landmarks) and fed to the
// tracker (vision::FaceTracker), which smooths expression and cues per track. An observation is final
// when it is returned (tracking and smoothing are causal). Frames that arrive faster than `fps` are
// skipped: a frame is analysed when it is the first of its 1/fps time slot.
#include <cstdint>
#include <memory>
#include <vector>

#include "sentio/analysis/result.hpp"
#include "sentio/core/executor.hpp"
#include "sentio/vision/face_model.hpp"

namespace sentio::analysis {

struct FaceAnalysisOptions {
  double fps = 5.0;       // frames analysed per second of video
  double window_s = 2.0;  // length of the group-view windows
  Executor* executor = nullptr;  // faces of a frame analysed in parallel on it (results do not depend on it)
  // The detector runs on every N-th analysed frame (and when a followed face is lost); 1 = every frame.
  // 0 = from the rate: every ~0.4 s of video (10 frames at 25 fps, 2 at the default 5 fps).
  int detect_interval = 0;
  // Blinks last 100-400 ms; below this sampling rate they fall between frames and are not counted.
  double min_blink_fps = 10.0;
};

// One tracked face in one analysed frame.
struct FaceEvent {
  int track = 0;  // the track's persistent ID
  FaceObservation observation;
};

class FaceStream {
 public:
  // A video: frames sampled at options.fps. The model must outlive the stream.
  FaceStream(const vision::FaceModel& model, const FaceAnalysisOptions& options);
  // A still image: one frame, every face its own track with one observation (no group windows, no blinks).
  static FaceStream for_image(const vision::FaceModel& model);
  ~FaceStream();
  FaceStream(FaceStream&&) noexcept;
  FaceStream& operator=(FaceStream&&) noexcept;

  // Analyses the frame at `time_s` (packed RGB, width * height * 3 bytes) unless an earlier frame of its
  // time slot was analysed (then returns nothing). Returns the frame's observations, by track ID.
  std::vector<FaceEvent> push(const std::uint8_t* rgb, int width, int height, double time_s);
  // The faces part so far (summaries, group windows); the stream may go on afterwards.
  FacesResult result() const;
  // The tracks seen during [t0, t1] with their observations there only (no summaries): what a moment being
  // judged while the stream goes on needs. Cost: the observations of that span.
  std::vector<FaceTrackResult> tracks_between(double t0, double t1) const;
  double sampled_fps() const;  // 0 for an image

  std::int64_t frames_analysed() const;

 private:
  struct Impl;
  explicit FaceStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::analysis
