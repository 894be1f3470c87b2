// SPDX-License-Identifier: Apache-2.0
#pragma once
// `sentio features`: acoustic feature sets for many files, written as openSMILE-compatible CSV or
// as JSON. Files that fail are reported and skipped; every other file's result is still written.
#include <cstddef>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "sentio/core/progress.hpp"
#include "sentio/features/egemaps.hpp"
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
  std::vector<std::string> warnings;  // of the files written, in input order (InputFeatures::warnings)
  double audio_seconds = 0;
};

// The features of one input (what `sentio features` writes for it).
struct InputFeatures {
  features::EgemapsFunctionals functionals{};        // FeatureSet::egemaps
  std::vector<features::EgemapsLldFrame> lld_frames;  // FeatureSet::egemaps_lld (frame time = index * 0.01 s)
  double seconds = 0;                                 // audio analysed
  // The decoder's findings about a file that was still analysed, one line each naming it: an input cut
  // short, damaged packets skipped, a partial sample at the end (media::AudioDecoder::warnings).
  std::vector<std::string> warnings;
};

// One file, decoded and resampled to 16 kHz mono; `n_threads` inside the file. Throws InputError naming
// the file (unreadable, or shorter than one 60-ms analysis frame).
InputFeatures extract_file_features(const std::string& path, FeatureSet set, int n_threads = 1);
// Samples in memory: interleaved float samples (`channels` per frame, mixed to mono) at `sample_rate`
// (resampled to 16 kHz). `name` names the signal in errors.
InputFeatures extract_signal_features(std::span<const float> interleaved, int sample_rate, int channels,
                                      FeatureSet set, const std::string& name, int n_threads = 1);
// Many files, as `sentio features` runs them: functionals `n_threads` files at a time, LLDs one file at a
// time with `n_threads` inside it. `on_file(i, features, error)` is called on the calling thread in input
// order as each file completes: `features` is null and `error` the message (naming the file) when it failed.
using OnInputFeatures = std::function<void(std::size_t index, InputFeatures* features, const std::string& error)>;
void extract_files_features(const std::vector<std::string>& files, FeatureSet set, int n_threads,
                            const OnInputFeatures& on_file);

// Writes the results to `out` as each file completes (in input order) and returns the report.
// Progress is counted in seconds of audio (total = sum of container durations).
FeaturesReport run_features(const FeaturesJob& job, std::ostream& out, Progress& progress);

// Parses "egemaps" / "egemaps-lld", "csv" / "json"; throws InputError otherwise.
FeatureSet parse_feature_set(const std::string& name);
OutputFormat parse_output_format(const std::string& name);

// Schema version of the JSON output (docs/FEATURES.md).
inline constexpr const char* kFeaturesJsonSchema = "sentio.features/1";

}  // namespace sentio::pipeline
