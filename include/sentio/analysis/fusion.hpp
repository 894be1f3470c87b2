// SPDX-License-Identifier: Apache-2.0
#pragma once
// Late fusion of the voice, face and words into one call, robust to missing modalities.
//
// Each modality's core-label probabilities are temperature-calibrated (T_m) and, in a pool of two or more
// modalities, divided by the modality's prior pi_m (its mean call on the fitting data, so a modality that
// leans towards some labels whatever the truth does not pull the pool there), then pooled log-linearly:
//   log p(c) = sum_m w_m log softmax(log p_m / T_m - log pi_m)(c) - log Z,   w_m = r_m q_m / sum_k r_k q_k,
// over the modalities present, where r_m is the modality's reliability (fitted on aligned examples by
// `sentio train fusion`) and q_m in [0, 1] the instance's quality (voice: duration and signal quality;
// face: size, pose and how often it was seen; words: recogniser confidence and length; see *_quality()).
// One modality present: the fused call is that modality's calibrated distribution (same label, no prior
// correction).
// The model is a small JSON file ("sentio.fusion" v1); the shipped default is models/fusion/default.json.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"
#include "sentio/core/labels.hpp"

namespace sentio::analysis {

enum class Modality : int { voice = 0, face, words };
inline constexpr std::size_t kModalityCount = 3;
const char* modality_name(Modality m);  // "voice", "face", "words"

// One modality's evidence for one moment.
struct ModalityEvidence {
  EmotionProbs probabilities{};  // core label order, sums to 1
  float quality = 1;             // [0, 1]
};
using MomentEvidence = std::array<std::optional<ModalityEvidence>, kModalityCount>;

struct FusedCall {
  EmotionProbs probabilities{};
  std::size_t top = 0;  // index of the most probable core label
  std::array<float, kModalityCount> weights{};  // w_m used (0 for absent modalities)
};

class FusionModel {
 public:
  static std::array<std::array<double, kEmotionCount>, kModalityCount> uniform_priors();

  std::array<double, kModalityCount> temperature{1.0, 1.0, 1.0};
  std::array<double, kModalityCount> reliability{1.0, 1.0, 1.0};
  // Each modality's prior pi_m over the core labels (positive, sums to 1; uniform = no correction).
  std::array<std::array<double, kEmotionCount>, kModalityCount> prior = uniform_priors();
  std::string description;  // how and on what the parameters were chosen (one line)

  // The fused call; at least one modality must be present.
  FusedCall fuse(const MomentEvidence& evidence) const;

  // "sentio.fusion" v1 JSON. load() throws InputError naming the file when it is missing or malformed
  // (temperatures and reliabilities must be finite and positive; a prior, optional, is 7 positive numbers,
  // normalised on load; absent = uniform).
  static FusionModel load(const std::string& path);
  void save(const std::string& path) const;
};

// The shipped default model (models/fusion/default.json, located like every shipped file; $SENTIO_FUSION_MODEL
// overrides). Throws InputError when it cannot be found.
std::string default_fusion_model_path();

// Per-instance quality in [0, 1].
float voice_quality(double duration_s, float vad_confidence);
float face_quality(float face_height_px, float yaw_deg, float pitch_deg, float seen_share);
float words_quality(std::size_t n_words, float recognition_confidence /* -1: a given transcript */);

// One labelled example for fitting: the evidence of each modality for a clip and its true core label.
struct FusionExample {
  MomentEvidence evidence;
  std::size_t label = 0;  // core label index
};

// Fits priors (each modality's mean call over the examples where it is present), temperatures (each
// modality's NLL, with its prior correction, on the examples where it is present, log grid 0.05..20) and
// reliabilities (voice 1; face and words on the log grid 2^(k/2), k = -6..6: the most correct fused calls over
// the examples and their one-modality-left-out variants, ties to the lowest NLL). Deterministic.
FusionModel fit_fusion(const std::vector<FusionExample>& examples);

// The evidence of a whole clip (one utterance, e.g. an aligned example of a manifest), from its analysis:
// voice = the duration-weighted mean of its speech segments' canonical calls; face = the mean over the
// observations of its most-seen track; words = the mean of its utterances' canonical calls. Modalities the
// clip lacks are absent.
MomentEvidence clip_evidence(const AnalysisResult& result);

}  // namespace sentio::analysis
