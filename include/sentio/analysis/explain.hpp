// SPDX-License-Identifier: Apache-2.0
#pragma once
// Explanations grounded in measurements: the cues behind a moment's call, relative to the person's own
// baseline, and one or two plain sentences built from the strongest of them.
//
// Voice cues come from the segment's acoustic measures (VoiceMeasures: pitch in semitones, sound level in
// dB, speech rate, jitter, shimmer, HNR); face cues from the linked face's observations during the moment
// (smile = lip-corner lift, brow raise or lowering, eye openness, mouth opening, head pose, blinks); word
// cues from the utterance's driving terms and negations. A cue's z is (value - baseline) / spread, where
// baseline and spread are the person's mean and standard deviation of that measure over their other
// moments (leave-one-out, so a moment never hides in its own baseline; a floor on the spread keeps
// constant speakers from giving huge z). While streaming the baseline is the running one of the moments
// so far. Only cues that were measured are reported; a cue needs |z| >= kCueMinZ to be reported, and the
// explanation names at most three. Deterministic.
#include <map>
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

inline constexpr double kCueMinZ = 1.0;

// Running mean and spread of one person's measures (every cue name), updated moment by moment.
class PersonBaselines {
 public:
  // Adds a moment's measures (name -> value; NaN values are ignored).
  void add(const std::string& person, const std::map<std::string, double>& measures);
  // Removes them again (leave-one-out over a finished recording).
  void remove(const std::string& person, const std::map<std::string, double>& measures);
  // The person's mean and spread of `name` over what was added; false when fewer than 2 values.
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
