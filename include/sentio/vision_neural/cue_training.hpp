// SPDX-License-Identifier: Apache-2.0
#pragma once
// Training of the cue expression model (`sentio train face-cues`, docs/FACES.md "Cue fusion"): FaceMesh
// on every labelled face crop, the facial cues, a softmax regression over them
// (sentio/vision/cue_expression.hpp), and its accuracy on a seeded holdout alone and fused with the
// appearance model.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sentio/core/progress.hpp"
#include "sentio/vision/cue_expression.hpp"

namespace sentio::vision {

inline constexpr double kCueWeightGrid[] = {0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0};

// Cue-model fitting options whose fusion weight is to be chosen on the holdout.
inline CueTrainOptions with_chosen_weight() {
  CueTrainOptions o;
  o.fusion_weight = -1;
  return o;
}

struct CueModelTrainOptions {
  std::string manifest;  // CSV with path,label[,split]; paths may be "ARCHIVE.tar:MEMBER"
  std::string split;     // keep only rows with this `split` value ("" = all rows)
  std::string output;    // the cue model JSON to write
  std::string model_dir;  // face models (FaceMesh, expression); "" = the default folder
  double holdout_fraction = 0.1;  // per class; the model is fitted on the rest (0 = fit on all, no scores)
  std::uint64_t seed = 1;
  // fit.fusion_weight < 0: chosen on the holdout (kCueWeightGrid), with the holdout images analysed as
  // `sentio analyze` does (detection, mesh, aligned crop). On face crops from a corpus the appearance
  // model was trained on (FER2013 Training), the plain crop is the image it memorised and would always
  // win; the aligned crop of the analysis is not, and it is what users meet.
  CueTrainOptions fit = with_chosen_weight();
  int threads = 2;
};


struct CueModelTrainReport {
  std::size_t n_rows = 0;      // manifest rows selected
  std::size_t n_skipped = 0;   // rows whose label is not a core expression (e.g. contempt) or unknown
  std::size_t n_no_face = 0;   // crops where FaceMesh found no face (not trained on)
  std::size_t n_train = 0, n_holdout = 0;
  // Accuracy on the holdout (-1 without one): the cue model alone (holdout crops with cues), the
  // appearance model alone and the fusion (every holdout crop; without cues the fusion is the appearance).
  double holdout_cues = -1, holdout_appearance = -1, holdout_fused = -1;
  // The holdout analysed as `sentio analyze` does: images where a face was detected, the accuracy of the
  // appearance alone, and of the fusion for each weight of kCueWeightGrid; the weight written.
  std::size_t n_holdout_detected = 0;
  double detected_appearance = -1;
  std::vector<double> detected_fused;  // per kCueWeightGrid entry
  double fusion_weight = 0;
  double seconds = 0;
};

// Throws InputError for a bad manifest, unreadable images (naming the first and the count), too few
// usable crops (a class without one) or an unwritable output.
CueModelTrainReport train_cue_model(const CueModelTrainOptions& options, Progress* progress = nullptr);

}  // namespace sentio::vision
