// SPDX-License-Identifier: Apache-2.0
#pragma once
// Expression evidence from the face's geometry: a softmax regression over the facial cues (mouth
// opening, lip-corner lift, mouth width, brow height, inner brows, eye opening, head pose; facial_cues.hpp),
// measured on the FaceMesh landmarks and trained by
// `sentio train face-cues`, and its fusion with the appearance model (docs/FACES.md, "Cue fusion").
//
// The appearance model reads a 64 x 64 grey crop and can miss what the geometry shows plainly (a broad
// smile read as neutral when the crop is a few pixels off); the cue model reads only the geometry. The
// two are combined as independent experts (a product of their class posteriors, divided by the cue
// model's training prior so that the prior is not counted twice):
//   p(k) ∝ p_appearance(k) · (p_cues(k) / prior(k))^w
// with w = fusion_weight (1 = the plain product).
#include <cstddef>
#include <string>
#include <vector>

#include "sentio/vision/face_types.hpp"
#include "sentio/vision/facial_cues.hpp"

namespace sentio::vision {

inline constexpr const char* kCueModelFormat = "sentio.face-cues/1";

// The base features of one face, before standardisation (kCueBaseFeatures values): mouth opening,
// lip-corner lift, mouth width, mean brow height, |brow asymmetry|, mean eye aspect ratio, |eye
// asymmetry|, mean inner-brow raise, inner-brow gap, |yaw|, pitch, |roll| (degrees for the angles).
// Throws InputError for a landmark set that is not a usable 468-point mesh (facial_cues.hpp).
inline constexpr std::size_t kCueBaseFeatures = 12;
std::vector<double> cue_base_features(const std::vector<Point3>& landmarks);

struct CueExpressionModel {
  // Standardisation of the base features (z = (x - mean) / scale), then the expansion used by the
  // regression: the z values followed, when `quadratic`, by every product z_i z_j (i <= j).
  std::vector<double> mean, scale;
  bool quadratic = true;
  // Softmax regression over the expanded features, one row of weights per expression in core label order.
  std::vector<double> weights;  // kExpressionCount x n_features(), row-major
  std::vector<double> bias;     // kExpressionCount
  ExpressionProbs prior{};      // class frequencies of the training rows
  double fusion_weight = 1.0;   // w above
  // Provenance: what it was trained on, how many rows, the regression's L2.
  std::string trained_on;
  std::size_t n_train = 0;
  double l2 = 0;

  std::size_t n_features() const;
  // Class posteriors from the base features of one face (cue_base_features).
  ExpressionProbs predict(const std::vector<double>& base) const;
  // The appearance model's probabilities fused with the cue model's (formula above).
  ExpressionProbs fuse(const ExpressionProbs& appearance, const std::vector<double>& base) const;
};

struct CueTrainOptions {
  double l2 = 1e-3;        // on the standardised features (bias not penalised)
  bool quadratic = true;   // add the pairwise products of the standardised base features
  double fusion_weight = 1.0;  // recorded in the model
  int max_iterations = 500;
  std::string trained_on;  // recorded in the model
};

// Fits the cue model on labelled faces (base[i], from cue_base_features, has expression labels[i]);
// classes are weighted by
// their frequency (no rebalancing), so `prior` is the training frequency. InputError when fewer than two
// expressions occur or a class of the core set is absent (the model must be able to name every class).
CueExpressionModel train_cue_expression_model(const std::vector<std::vector<double>>& base,
                                              const std::vector<Expression>& labels, const CueTrainOptions& options);

// JSON (format kCueModelFormat). load throws InputError naming the file when it is missing, malformed or
// inconsistent; save writes atomically (a partial file never takes the name).
CueExpressionModel load_cue_expression_model(const std::string& path);
void save_cue_expression_model(const CueExpressionModel& model, const std::string& path);

// The shipped cue model (models/face/cues.json, found like every shipped file; $SENTIO_FACE_CUES
// overrides), or "" when there is none.
std::string default_cue_model_path();

}  // namespace sentio::vision
