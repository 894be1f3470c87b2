// SPDX-License-Identifier: Apache-2.0
#pragma once
// Faces part of `sentio analyze`: every face of a video tracked with a persistent ID, its expression,
// valence/arousal and facial cues over time, per-track summaries and the group view.
//
// Frames are sampled at `fps` and analysed in order (vision::FaceVideoAnalyzer: detection every
// `detect_interval` frames, 468 landmarks, expression; between detections each face is followed by its
// landmarks), then fed to the tracker (vision::FaceTracker), which smooths expression and cues per track.
// With n_threads >= 2 the faces of a frame are analysed in parallel and a thread decodes ahead. Memory holds
// a few frames plus the observations.
#include <string>

#include "sentio/analysis/result.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/vision/face_analyzer.hpp"
#include "sentio/vision/face_tracker.hpp"

namespace sentio::analysis {

struct FaceAnalysisOptions {
  double fps = 5.0;       // frames analysed per second of video
  double window_s = 2.0;  // length of the group-view windows
  int n_threads = 1;
  // BlazeFace runs on every N-th analysed frame (and when a followed face is lost); 1 = every frame.
  // 0 = from the rate: every ~0.4 s of video (10 frames at 25 fps, 2 at the default 5 fps).
  int detect_interval = 0;
  // Blinks last 100-400 ms; below this sampling rate they fall between frames and are not counted.
  double min_blink_fps = 10.0;
};

// Throws InputError naming the file when it has no readable video stream.
FacesResult analyze_faces_video(const std::string& path, const vision::FaceAnalyzer& analyzer,
                                const FaceAnalysisOptions& options, Progress& progress, MediaSummary& input);

// A still image: every face is its own track with one observation. Throws InputError naming the file
// when it is missing, unsupported or corrupt.
FacesResult analyze_faces_image(const std::string& path, const vision::FaceAnalyzer& analyzer, MediaSummary& input);

}  // namespace sentio::analysis
