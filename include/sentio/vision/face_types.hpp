// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the face pipeline produces, independent of the models that produce it: images, boxes,
// landmarks, the seven core expression labels and one face's result.
//
// Coordinates are image pixels (x right, y down) of the image given, origin at the top-left corner
// of the top-left pixel.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sentio/core/affect.hpp"
#include "sentio/core/labels.hpp"

namespace sentio::vision {

// Sentio's core expression labels: the core emotions of the shared label space (core/labels.hpp), in
// that order everywhere (probability arrays, confusion matrices).
using Expression = sentio::Emotion;
inline constexpr std::size_t kExpressionCount = sentio::kEmotionCount;
using ExpressionProbs = sentio::EmotionProbs;

inline std::string_view expression_name(Expression e) { return sentio::emotion_name(e); }  // "neutral", ...

// Maps a dataset label to a core label through the shared label table (case-insensitive): any spelling
// of a core label is `supported` (FER/CK+ style angry/anger, happy, sad/sadness, neutral, surprise, fear,
// disgust, and the table's other spellings); "calm" (and its spelling "peaceful") is read as neutral, the
// resting face a calm clip shows; a known label with no core equivalent (contempt: the expression model
// has no such class) is `unsupported`; anything else, including extras whose core equivalent is only an
// approximation (boredom, EmoryNLP's powerful, GoEmotions' fine labels), is `unknown`.
enum class LabelStatus { supported, unsupported, unknown };
struct LabelMapping {
  LabelStatus status = LabelStatus::unknown;
  Expression expression = Expression::neutral;  // valid when status == supported
};
LabelMapping map_expression_label(std::string_view label);

// Valence/arousal in [-1, 1] as the probability-weighted mean of per-class circumplex coordinates
// (the table shared by all modalities, sentio/core/affect.hpp).
using sentio::Affect;
Affect circumplex_affect(const ExpressionProbs& probs);
// The table entry of one class.
Affect circumplex_coordinates(Expression e);

// 8-bit image, rows top to bottom, pixels packed. channels: 1 (grey) or 3 (RGB).
struct Image {
  int width = 0, height = 0, channels = 3;
  std::vector<std::uint8_t> pixels;  // width * height * channels
};

struct FaceBox {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // pixels, x0 < x1, y0 < y1
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
};
struct Point2 {
  float x = 0, y = 0;
};
struct Point3 {
  float x = 0, y = 0, z = 0;  // z: depth relative to the face centre, same pixel scale as x (smaller = closer)
};

// BlazeFace keypoints, in the model's order (the subject's right eye is on the image's left side).
enum class FaceKeypoint : int { right_eye = 0, left_eye, nose, mouth, right_ear, left_ear };

struct FaceResult {
  FaceBox box;                      // detector box (pixels)
  float score = 0;                  // detector confidence in [0, 1]
  std::array<Point2, 6> keypoints;  // detector keypoints (FaceKeypoint order)
  std::vector<Point3> landmarks;    // 468 FaceMesh points (canonical MediaPipe order); empty if disabled
  float presence = 0;               // FaceMesh face-presence probability (1 when landmarks are disabled)
  float roll = 0;                   // in-plane rotation of the eye line, radians (positive: clockwise on screen)
  ExpressionProbs expression{};     // core label order, sums to 1
  Expression top = Expression::neutral;
  float valence = 0, arousal = 0;   // circumplex_affect(expression)
  // Identity description (faceres, 1024 values, unit length; compare by dot product): computed on some
  // detection frames of a video (FaceVideoStream, FaceVideoOptions::identity_interval) and carried over on
  // the other frames; empty otherwise, or without the faceres model.
  std::vector<float> identity;
  bool identity_described = false;  // `identity` was computed on this frame (false: carried over)
};

// Wall time spent per stage by the last call on this thread, milliseconds.
struct FaceTimings {
  double detect_ms = 0;
  double mesh_ms = 0;
  double expression_ms = 0;
};

}  // namespace sentio::vision
