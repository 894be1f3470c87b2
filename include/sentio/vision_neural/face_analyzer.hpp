// SPDX-License-Identifier: Apache-2.0
#pragma once
// Per-image face analysis with the pretrained models of @vladmandic/human 3.3.6 (docs/FACES.md):
// BlazeFace detection -> FaceMesh 468 landmarks -> mini-Xception expression (7 classes), mapped to
// Sentio's core expression labels, with valence/arousal from a circumplex table. This is the
// implementation of vision::FaceModel that the sentio-torch plugin registers; programs reach it through
// vision::load_face_model(), and the plugin's own commands (eval/train face) use it directly.
#include <memory>
#include <string>
#include <vector>

#include "sentio/vision/face_model.hpp"

namespace sentio::vision {

using FaceAnalyzerOptions = FaceModelOptions;

// Where a face sits in a tight face crop (FaceAnalyzer::analyze_crop): a square of this fraction of the
// crop's shorter side, centred this fraction of the height below the middle: the median BlazeFace box
// over the FER2013 Training images where it finds the face (76 % of a quarter sample).
inline constexpr float kCropFaceFraction = 0.67f;
inline constexpr float kCropFaceDrop = 0.034f;

// One face crop analysed: the appearance model's probabilities, the cue model's base features when
// FaceMesh found the face (sentio/vision/cue_expression.hpp; empty otherwise), and the expression (fused
// with the cue model when there is one and the features exist; else the appearance).
struct CropAnalysis {
  ExpressionProbs appearance{};
  std::vector<double> cue_features;
  ExpressionProbs expression{};
};

class FaceVideoAnalyzer;

class FaceAnalyzer final : public FaceModel {
 public:
  // Loads the three models. Throws InputError naming the file when a model is missing or malformed,
  // or when it differs from the checksum listed for it (the folder's SHA256SUMS; for the default folder
  // without one, models/face/SHA256SUMS).
  explicit FaceAnalyzer(FaceAnalyzerOptions options = {});
  ~FaceAnalyzer() override;
  FaceAnalyzer(FaceAnalyzer&&) noexcept;
  FaceAnalyzer& operator=(FaceAnalyzer&&) noexcept;

  // All faces in the image, most confident first. Thread-safe (const; models run one torch thread per call).
  std::vector<FaceResult> analyze(const Image& image) const override;
  // Same for a packed RGB buffer (e.g. a media::VideoFrame): width * height * 3 bytes.
  std::vector<FaceResult> analyze_rgb(const std::uint8_t* rgb, int width, int height) const override;
  std::vector<FaceResult> analyze_file(const std::string& path) const;
  std::unique_ptr<FaceVideoStream> open_video(const FaceVideoOptions& options) const override;

  // Detection only (boxes, scores, keypoints; no landmarks or expression).
  std::vector<FaceResult> detect(const Image& image) const;

  // Treats the whole image as an already aligned face crop (e.g. FER2013's 48x48 images): grey,
  // bilinear resize to 64x64, expression model, fused with the cue model when there is one (FaceMesh
  // on the crop gives the cues; a crop where the mesh finds no face keeps the appearance alone). Returns
  // probabilities in core label order.
  ExpressionProbs classify_crop(const Image& image) const;
  // The same with its parts; `want_cues` runs FaceMesh even without a cue model (for training one).
  CropAnalysis analyze_crop(const Image& image, bool want_cues = false) const;

  const FaceAnalyzerOptions& options() const override;
  // Stage timings of the last analyze*/classify_crop call made on the calling thread.
  static FaceTimings last_timings();

 private:
  friend class FaceVideoAnalyzer;  // runs the stages itself (sentio/vision_neural/face_video.hpp)
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Decodes an image file with OpenCV (what vision::load_image runs once the plugin is loaded); also reads
// "ARCHIVE.tar:MEMBER" paths (face manifests may point into tar files).
Image decode_image_file(const std::string& path);

}  // namespace sentio::vision
