// SPDX-License-Identifier: Apache-2.0
#pragma once
// `sentio features`: acoustic feature sets for many files, written as openSMILE-compatible CSV or
// as JSON. Files that fail are reported and skipped; every other file's result is still written.
#include <ostream>
#include <string>
#include <vector>

#include "sentio/core/progress.hpp"
#include "sentio/pipeline/inputs.hpp"

namespace sentio::pipeline {

enum class FeatureSet { egemaps, egemaps_lld };
enum class OutputFormat { csv, json };

struct FeaturesJob {
  std::vector<std::string> files;  // media files (already expanded)
  FeatureSet set = FeatureSet::egemaps;
  OutputFormat format = OutputFormat::csv;
  int n_threads = 1;  // across files for functionals; inside the file for LLDs or a single file
};

struct FeaturesReport {
  int n_ok = 0;
  std::vector<InputProblem> failures;
  double audio_seconds = 0;
};

// Writes the results to `out` as each file completes (in input order) and returns the report.
// Progress is counted in seconds of audio (total = sum of container durations).
FeaturesReport run_features(const FeaturesJob& job, std::ostream& out, Progress& progress);

// Parses "egemaps" / "egemaps-lld", "csv" / "json"; throws InputError otherwise.
FeatureSet parse_feature_set(const std::string& name);
OutputFormat parse_output_format(const std::string& name);

// Schema version of the JSON output (docs/FEATURES.md).
inline constexpr const char* kFeaturesJsonSchema = "sentio.features/1";

}  // namespace sentio::pipeline
