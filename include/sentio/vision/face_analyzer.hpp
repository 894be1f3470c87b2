// SPDX-License-Identifier: Apache-2.0
#pragma once
// Per-image face analysis with the pretrained models of @vladmandic/human 3.3.6 (docs/FACES.md):
// BlazeFace detection -> FaceMesh 468 landmarks -> mini-Xception expression (7 classes), mapped to
// Sentio's core expression labels, with valence/arousal from a circumplex table.
//
// Coordinates are image pixels (x right, y down) of the image given, origin at the top-left corner
// of the top-left pixel.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sentio/core/affect.hpp"

namespace sentio::vision {

// Sentio's core expression labels, in this order everywhere (probability arrays, confusion matrices).
enum class Expression : int { neutral = 0, happiness, sadness, anger, fear, disgust, surprise };
inline constexpr std::size_t kExpressionCount = 7;
using ExpressionProbs = std::array<float, kExpressionCount>;

std::string_view expression_name(Expression e);  // "neutral", "happiness", ...

// Maps a dataset label to a core label. Accepts the core names and the FER/CK+ style names
// (angry/anger, happy, sad/sadness, neutral, surprise, fear, disgust), case-insensitive.
enum class LabelStatus { supported, unsupported, unknown };
struct LabelMapping {
  LabelStatus status = LabelStatus::unknown;
  Expression expression = Expression::neutral;  // valid when status == supported
};
// "contempt" is `unsupported` (the expression model has no such class); anything else unknown.
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
// Decodes an image file (jpg, png, bmp, webp, tiff, pgm/ppm, ... whatever the codec library reads).
// Grey images stay 1-channel, colour images become RGB, alpha is dropped.
// Throws InputError naming the file when it is missing, unreadable, unsupported or corrupt.
Image load_image(const std::string& path);

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
};

// Wall time spent per stage by the last call on this thread, milliseconds.
struct FaceTimings {
  double detect_ms = 0;
  double mesh_ms = 0;
  double expression_ms = 0;
};

struct FaceAnalyzerOptions {
  // Folder with blazeface/facemesh/emotion .json+.bin; empty = default_face_model_dir().
  std::string model_dir;
  // An expression model json (e.g. one written by `sentio train face`) used instead of <model_dir>/emotion.json;
  // checked against the SHA256SUMS of its own folder when that folder has one. Empty = the folder's.
  std::string expression_model;
  // Test-time augmentation of the expression stage: average the probabilities of the crop and its mirror
  // image (one model run on a batch of two).
  bool expression_flip_average = false;
  float score_threshold = 0.5f;     // detector confidence (sigmoid of the logit) to keep a box
  float nms_iou = 0.3f;             // IoU above which overlapping boxes are merged (weighted NMS)
  float presence_threshold = 0.5f;  // FaceMesh face-presence below this rejects the detection
  int max_faces = 32;               // most confident faces kept per image
  float min_face_px = 12.0f;        // detections smaller than this (box side, pixels) are dropped
  bool landmarks = true;            // run FaceMesh (alignment then uses the mesh; else the detector keypoints)
};

// `$SENTIO_FACE_MODELS` if set, else the folder .cache/models/human (where scripts/setup puts the models)
// that holds blazeface.json, looked for like every shipped file (sentio/core/resources.hpp).
std::string default_face_model_dir();

class FaceVideoAnalyzer;

class FaceAnalyzer {
 public:
  // Loads the three models. Throws InputError naming the file when a model is missing or malformed,
  // or when it differs from the checksum listed for it (the folder's SHA256SUMS; for the default folder
  // without one, models/face/SHA256SUMS).
  explicit FaceAnalyzer(FaceAnalyzerOptions options = {});
  ~FaceAnalyzer();
  FaceAnalyzer(FaceAnalyzer&&) noexcept;
  FaceAnalyzer& operator=(FaceAnalyzer&&) noexcept;

  // All faces in the image, most confident first. Thread-safe (const; models run one torch thread per call).
  std::vector<FaceResult> analyze(const Image& image) const;
  // Same for a packed RGB buffer (e.g. a media::VideoFrame): width * height * 3 bytes.
  std::vector<FaceResult> analyze_rgb(const std::uint8_t* rgb, int width, int height) const;
  std::vector<FaceResult> analyze_file(const std::string& path) const;

  // Detection only (boxes, scores, keypoints; no landmarks or expression).
  std::vector<FaceResult> detect(const Image& image) const;

  // Treats the whole image as an already aligned face crop (e.g. FER2013's 48x48 images): grey,
  // bilinear resize to 64x64, expression model. Returns probabilities in core label order.
  ExpressionProbs classify_crop(const Image& image) const;

  const FaceAnalyzerOptions& options() const;
  // Stage timings of the last analyze*/classify_crop call made on the calling thread.
  static FaceTimings last_timings();

 private:
  friend class FaceVideoAnalyzer;  // runs the stages itself (sentio/vision/face_video.hpp)
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::vision
