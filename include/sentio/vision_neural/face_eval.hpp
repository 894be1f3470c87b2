// SPDX-License-Identifier: Apache-2.0
#pragma once
// Accuracy of the face expression pipeline on a labelled image manifest (`sentio eval face`).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sentio/core/metrics.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"

namespace sentio::vision {

// How an image becomes a face:
//  * crop:   the whole image is the face (grey, bilinear resize to 64x64; e.g. FER2013 / CK+48 crops);
//  * detect: detection + landmarks + aligned crop of the most confident face; an image without a face
//            counts as a wrong prediction (predicted class: none of the present ones);
//  * automatic: crop when the image's longer side is <= small_side_px (96 by default), otherwise detect,
//            falling back to crop when no face is found.
enum class CropMode { automatic, crop, detect };

struct FaceEvalOptions {
  std::string manifest;  // CSV with `path` and `label` columns; paths relative to the manifest's folder
                         // (or "ARCHIVE.tar:MEMBER")
  std::string split;     // non-empty: only the rows whose `split` column has this value
  CropMode crops = CropMode::automatic;
  int small_side_px = 96;
  int n_threads = 1;     // images in parallel (each model call uses one torch thread)
  FaceAnalyzerOptions analyzer;
};

struct FaceEvalReport {
  std::vector<Expression> classes;                     // classes present in the manifest, core order
  std::vector<std::vector<std::size_t>> confusion;     // [truth][predicted], indices into `classes`
  ClassificationMetrics metrics;                       // over `classes`, prediction restricted to them
  std::size_t n_rows = 0;                              // data rows in the manifest
  std::map<std::string, std::size_t> unsupported;      // label -> rows skipped (e.g. contempt)
  std::map<std::string, std::size_t> unknown;          // label -> rows skipped (not an expression label)
  std::vector<std::string> failures;                   // one message per image that could not be read
  std::size_t n_as_crop = 0, n_detected = 0, n_no_face = 0;  // how the evaluated images were treated
  double seconds = 0;                                  // wall time of the evaluation
  std::string model_dir;
  std::string expression_model;                        // the expression model json when overridden, else ""
};

// Throws InputError when the manifest is missing, has no `path`/`label` column, or no usable row.
FaceEvalReport evaluate_faces(const FaceEvalOptions& options);

// One JSON object: n, accuracy, macro_f1, weighted_f1, balanced_accuracy, labels, per_class
// (label -> recall), per_class_f1, support, confusion (rows = truth, columns = predicted, in `labels`
// order), skipped {unsupported, unknown, failed}, images {as_crop, detected, no_face}, seconds, model
// (+ expression_model when overridden).
std::string face_eval_json(const FaceEvalReport& report);
// A readable table (accuracy, macro-F1, per-class recall/F1/support, confusion matrix, skipped rows).
std::string face_eval_table(const FaceEvalReport& report);

}  // namespace sentio::vision
