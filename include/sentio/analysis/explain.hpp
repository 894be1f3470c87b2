// SPDX-License-Identifier: Apache-2.0
#pragma once
// Explanations grounded in measurements: the cues behind a moment's call, relative to the person's own
// baseline, and one or two plain sentences built from the strongest of them.
//
// Voice cues come from the segment's acoustic measures (VoiceMeasures: pitch in semitones, sound level in
// dB, speech rate, jitter, shimmer, HNR); face cues from the linked face's observations during the moment
// (smile = lip-corner lift, brow raise or lowering, eye openness, mouth opening, head pose, blinks); word
// cues from the utterance's driving terms and negations. A cue's z is (value - baseline) / spread, where the
// baseline is the mean of that measure over the person's other moments (leave-one-out, so a moment never
// hides in its own baseline) and the spread is the spread a new moment is expected to have around that
// mean: the sample standard deviation s of the n other values times sqrt(1 + 1/n) (a prediction interval),
// with a floor per measure so that very steady speakers do not turn tiny changes into large z. While
// streaming the baseline is the running one of the moments so far. Only measured cues are reported; a cue
// needs |z| >= kCueMinZ (about 1 ordinary moment in 20 reaches it by chance), the explanation names at most
// two voice and two face cues and says "much" from |z| >= kCueMuchZ. Deterministic.
#include <map>
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

inline constexpr double kCueMinZ = 2.0;
inline constexpr double kCueMuchZ = 3.0;

// Running mean and spread of one person's measures (every cue name), updated moment by moment.
class PersonBaselines {
 public:
  // Adds a moment's measures (name -> value; NaN values are ignored).
  void add(const std::string& person, const std::map<std::string, double>& measures);
  // Removes them again (leave-one-out over a finished recording).
  void remove(const std::string& person, const std::map<std::string, double>& measures);
  // The person's mean of `name` over what was added and the spread of a new value around it
  // (s sqrt(1 + 1/n), s the sample standard deviation); false when fewer than 2 values.
  bool get(const std::string& person, const std::string& name, double& mean, double& spread) const;

 private:
  struct Stat {
    double n = 0, sum = 0, sum2 = 0;
  };
  std::map<std::string, std::map<std::string, Stat>> stats_;
};

// The measures a moment contributes to its person's baseline: voice (from the segment) and face (means over
// the linked track's observations in the moment), keyed by cue name.
std::map<std::string, double> moment_measures(const Moment& moment, const AnalysisResult& result);

// The cues of a moment given its measures and the person's baseline, strongest first (|z|, words last).
std::vector<Cue> moment_cues(const Moment& moment, const std::map<std::string, double>& measures,
                             const PersonBaselines& baselines, const AnalysisResult& result);

// The explanation of a moment whose fused call, agreement, compound and cues are known. `who` names the
// person ("P2", or their name from the transcript). E.g. "Mark sounds angry: his voice is much louder
// (+9.8 dB) and higher (+4.1 semitones) than usual, and his brows are lowered; he says "I can't believe
// this". Face and voice agree; the words lean negative." (no pronouns are guessed: "their").
// `said`: the words of the moment ("" = none), quoted (at most eight words).
std::string explain_moment(const Moment& moment, const std::string& who, const std::string& said = "");

// Cues and explanations of every moment of a finished recording (leave-one-out baselines per person).
void explain_moments(AnalysisResult& result);

}  // namespace sentio::analysis
