// SPDX-License-Identifier: Apache-2.0
#pragma once
// Valence and arousal from categorical emotion labels, shared by every modality.
//
// When a corpus or a model has only categories, Sentio places each class at one point of Russell's
// circumplex of affect and reports the probability-weighted mean of those points. The table keys on the
// standard names of the label space (core/labels.hpp): the seven core labels and the extras calm and
// boredom; other names have no point (callers map them first, e.g. by their core equivalent). The table, both
// coordinates in [-1, 1] (J. A. Russell, "A circumplex model of affect", J. Personality and Social
// Psychology 39(6), 1161-1178, 1980, Fig. 2 / Table 3 angles of the affect words, read approximately
// and rounded to 0.05):
//   neutral   ( 0.00,  0.00)  the origin by definition
//   happiness ( 0.85,  0.35)  'happy'/'glad'/'delighted' at 10-25 deg, radius ~0.9
//   sadness   (-0.80, -0.40)  'sad'/'depressed' at ~205-210 deg
//   anger     (-0.60,  0.70)  'angry'/'annoyed' at ~100-130 deg
//   fear      (-0.45,  0.80)  'afraid'/'alarmed' at ~95-115 deg
//   disgust   (-0.70,  0.35)  no disgust word in Russell's set; between 'annoyed' and 'miserable', as in
//                             the category means of dimensional databases
//   surprise  ( 0.20,  0.85)  'astonished' at ~70-90 deg; valence-ambiguous, slightly positive
//   calm      ( 0.35, -0.60)  'calm'/'relaxed'/'serene' at ~300-320 deg (RAVDESS extra class)
//   boredom   (-0.35, -0.65)  'bored'/'tired'/'droopy' at ~225-250 deg (EmoDB extra class)
// These are conventions for a readable summary, not calibrated predictions: a clip judged 50 % happy
// and 50 % neutral gets valence 0.425, arousal 0.175.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sentio/core/labels.hpp"

namespace sentio {

struct Affect {
  float valence = 0;
  float arousal = 0;
};

// The table entry of a standard label name (exactly one of the lower-case names above), or nullopt for
// any other name (spellings such as "happy" are not resolved here: see lookup_label).
std::optional<Affect> label_affect(std::string_view standard_name);
// The table entry of a core label.
Affect emotion_affect(Emotion e);

// Probability-weighted mean of the table entries of `labels` (same length as `probabilities`),
// normalised by the total probability of the labels that have an entry (labels without one are
// ignored). Zero when no probability mass falls on a known label.
Affect mean_affect(std::span<const std::string> labels, std::span<const float> probabilities);

}  // namespace sentio
