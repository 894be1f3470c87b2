// SPDX-License-Identifier: Apache-2.0
#pragma once
// The face model interface the analysis runs, and its loader.
//
// A FaceModel is loaded once, is immutable and thread-safe, and is shared by every stream that
// analyses faces; a FaceVideoStream holds the frame-to-frame state of one video. The implementation
// (@vladmandic/human's BlazeFace, FaceMesh and expression models run by Sentio's TF.js graph runner on
// libtorch, images decoded with OpenCV; docs/FACES.md) lives in the sentio-torch plugin, which the
// loader brings in on first use (sentio/core/plugin.hpp): programs that never look at a face never load
// libtorch.
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sentio/core/executor.hpp"
#include "sentio/vision/face_types.hpp"

namespace sentio::vision {

// The default expression crops (side over the landmarks' extent; the probabilities of the crops are
// averaged): FER2013's crops, which the expression model was trained on, frame the face more loosely than
// the landmarks' extent; chosen on FER2013 Training images (bench/face_crop_scale.sh, docs/FACES.md).
inline constexpr float kDefaultExpressionCropScales[] = {1.25f};

struct FaceModelOptions {
  // Folder with blazeface/facemesh/emotion .json+.bin; empty = default_face_model_dir().
  std::string model_dir;
  // An expression model json (e.g. one written by `sentio train face`) used instead of <model_dir>/emotion.json;
  // checked against the SHA256SUMS of its own folder when that folder has one. Empty = the folder's.
  std::string expression_model;
  // Test-time augmentation of the expression stage: average the probabilities of the crop and its mirror
  // image (one model run on a batch of two).
  bool expression_flip_average = false;
  // Sides of the expression model's eye-aligned crops over the larger extent of the face's landmarks; the
  // crops' probabilities are averaged (images and videos; crops given whole, such as FER2013's, are not
  // re-cropped). docs/FACES.md.
  std::vector<float> expression_crop_scales{std::begin(kDefaultExpressionCropScales), std::end(kDefaultExpressionCropScales)};
  // Cue fusion (sentio/vision/cue_expression.hpp): the appearance model's probabilities are fused with
  // those of the cue model, read from the face's landmarks. `cue_model` is its JSON file ("" = the shipped
  // models/face/cues.json; no fusion when there is none).
  bool cue_fusion = true;
  std::string cue_model;
  float score_threshold = 0.5f;     // detector confidence (sigmoid of the logit) to keep a box
  float nms_iou = 0.3f;             // IoU above which overlapping boxes are merged (weighted NMS)
  float presence_threshold = 0.5f;  // FaceMesh face-presence below this rejects the detection
  int max_faces = 32;               // most confident faces kept per image
  float min_face_px = 12.0f;        // detections smaller than this (box side, pixels) are dropped
  bool landmarks = true;            // run FaceMesh (alignment then uses the mesh; else the detector keypoints)
  // Videos: describe each detected face with the faceres model (<model_dir>/faceres.json) so that tracks
  // follow people, not places (FaceResult::identity). Off, or without that file, tracks use geometry and
  // appearance only.
  bool identity = true;
};

// Sequential analysis of the frames of one video (docs/FACES.md, "Video"): the detector runs on every
// `detect_interval`-th frame and on any frame where a tracked face is lost; in between each face's mesh
// crop is derived from its landmarks of the previous frame.
struct FaceVideoOptions {
  // Run the detector on every N-th frame (1 = every frame, results identical to FaceModel::analyze).
  // New faces are found only on detection frames, i.e. up to N-1 frames late.
  int detect_interval = 10;
  // Two tracked faces whose boxes overlap by more than this IoU are the same face: the one with the
  // lower presence is dropped.
  float duplicate_iou = 0.5f;
  // Shot cuts: a frame whose colour histogram (8 x 8 x 8 bins of a 64 x 48 thumbnail) differs from the
  // previous frame's by more than this (half the L1 distance, 0..1) is a cut, and is a detection frame
  // (the faces after a cut are found afresh and described again). Above 1: never.
  float cut_threshold = 0.1f;
  // Identity descriptions (FaceModelOptions::identity) cost about five times the expression model, so a
  // face is described afresh only when needed (FaceResult::identity_described; docs/FACES.md, "Tracking"):
  // - on a detection frame made by a cut or by a lost face, and for a new face;
  // - on a scheduled detection frame, when the followed face's description is `identity_interval`
  //   detection frames old (1 = on every detection frame);
  // - on any frame, when the face no longer looks as it did when described: the cosine similarity of its
  //   appearance (vision::appearance_descriptor) to its appearance then is below
  //   `identity_appearance_similarity` (a fade from one person to another, someone stepping in).
  // Otherwise it carries its last description.
  int identity_interval = 5;
  float identity_appearance_similarity = 0.85f;
  // The per-face stages (mesh + expression of different faces) run in parallel on this executor (null:
  // on the calling thread). Pays off from 2 faces per frame; results do not depend on it.
  Executor* executor = nullptr;
};

struct FaceVideoStats {
  std::int64_t frames = 0;
  std::int64_t detection_frames = 0;   // frames on which the detector ran
  std::int64_t lost_redetections = 0;  // of those, run because a tracked face was lost
  std::int64_t tracked_faces = 0;      // face results produced from landmarks (no detector on that frame)
  std::int64_t cuts = 0;               // shot cuts detected (each made its frame a detection frame)
  std::int64_t descriptions = 0;       // faces described by the identity model
};

// Frame-to-frame state of one video. Not thread-safe; the FaceModel that opened it must outlive it.
class FaceVideoStream {
 public:
  virtual ~FaceVideoStream() = default;
  // Faces of the next frame (packed RGB, width * height * 3 bytes), in the form of FaceModel::analyze:
  // on detection frames exactly its result; on tracked frames `box` is the region derived from the
  // landmarks, `score` the face's last detector score and `keypoints` read from the mesh. Faces keep their
  // order between detections.
  virtual std::vector<FaceResult> next(const std::uint8_t* rgb, int width, int height) = 0;
  // Forgets the tracked faces: the next frame is a detection frame.
  virtual void reset() = 0;
  virtual const FaceVideoStats& stats() const = 0;
};

class FaceModel {
 public:
  virtual ~FaceModel() = default;
  virtual const FaceModelOptions& options() const = 0;
  // All faces in the image, most confident first. Thread-safe.
  virtual std::vector<FaceResult> analyze(const Image& image) const = 0;
  // Same for a packed RGB buffer (e.g. a media::VideoFrame): width * height * 3 bytes.
  virtual std::vector<FaceResult> analyze_rgb(const std::uint8_t* rgb, int width, int height) const = 0;
  // A new video stream on this model. Thread-safe (each stream is used by one thread).
  virtual std::unique_ptr<FaceVideoStream> open_video(const FaceVideoOptions& options) const = 0;
};

// Loads the models of `options`. Throws InputError naming the file when a model is missing, malformed
// or differs from the checksum listed for it (the folder's SHA256SUMS; for the default folder without
// one, models/face/SHA256SUMS), or when the plugin that runs them cannot be loaded.
std::unique_ptr<FaceModel> load_face_model(const FaceModelOptions& options = {});

// Decodes an image file (jpg, png, bmp, webp, tiff, pgm/ppm, ... whatever the codec library reads).
// Grey images stay 1-channel, colour images become RGB, alpha is dropped.
// Throws InputError naming the file when it is missing, unreadable, unsupported or corrupt.
Image load_image(const std::string& path);

// `$SENTIO_FACE_MODELS` if set, else the folder .cache/models/human (where scripts/setup puts the models)
// that holds blazeface.json, looked for like every shipped file (sentio/core/resources.hpp).
std::string default_face_model_dir();

// A file that goes with a face model folder (its SHA256SUMS, its MODEL_CARD.md): `dir`/`name`, or, for the
// default folder without one (scripts/setup fetches only the models into it), the copy shipped in
// models/face/. nullopt when neither exists.
std::optional<std::string> face_model_folder_file(const std::string& dir, const std::string& name);

// The implementation behind load_face_model() and load_image(), registered by the plugin that
// provides it (one registration per process; a second one replaces the first).
struct FaceBackend {
  std::unique_ptr<FaceModel> (*load_model)(const FaceModelOptions& options) = nullptr;
  Image (*load_image)(const std::string& path) = nullptr;
};
void register_face_backend(const FaceBackend& backend);

}  // namespace sentio::vision
