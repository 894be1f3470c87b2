// SPDX-License-Identifier: Apache-2.0
// Valence/arousal from expression probabilities: the probability-weighted mean of one (valence, arousal)
// point per class on Russell's circumplex of affect.
//
// Table (valence, arousal), both in [-1, 1]:
//   neutral   ( 0.00,  0.00)  the circumplex origin by definition
//   happiness ( 0.85,  0.35)  'happy'/'glad'/'delighted' sit at 10-25 deg, radius ~0.9
//   sadness   (-0.80, -0.40)  'sad'/'depressed' sit at ~205-210 deg
//   anger     (-0.60,  0.70)  'angry'/'annoyed' sit at ~100-130 deg, high arousal, negative
//   fear      (-0.45,  0.80)  'afraid'/'alarmed' sit at ~95-115 deg
//   disgust   (-0.70,  0.35)  no disgust word in Russell's set; placed between 'annoyed' and 'distressed'/'miserable',
//                             as in the category means of dimensional databases (strongly negative, moderately aroused)
//   surprise  ( 0.20,  0.85)  'astonished'/'aroused' sit at ~70-90 deg; surprise is valence-ambiguous, slightly positive
// Source: J. A. Russell, "A circumplex model of affect", J. Personality and Social Psychology 39(6),
// 1161-1178, 1980 (Fig. 2 / Table 3 angles of the 28 affect words; values read approximately and rounded
// to 0.05). These are conventions for a readable summary, not calibrated predictions: a face the model
// finds 50 % happy and 50 % neutral gets valence 0.425, arousal 0.175.
#include <array>

#include "sentio/vision/face_analyzer.hpp"

namespace sentio::vision {

namespace {
// Core label order: neutral, happiness, sadness, anger, fear, disgust, surprise.
constexpr std::array<Affect, kExpressionCount> kCircumplex = {{
    {0.00f, 0.00f},
    {0.85f, 0.35f},
    {-0.80f, -0.40f},
    {-0.60f, 0.70f},
    {-0.45f, 0.80f},
    {-0.70f, 0.35f},
    {0.20f, 0.85f},
}};
}  // namespace

Affect circumplex_coordinates(Expression e) { return kCircumplex[static_cast<std::size_t>(e)]; }

Affect circumplex_affect(const ExpressionProbs& probs) {
  Affect a;
  float total = 0;
  for (std::size_t i = 0; i < kExpressionCount; ++i) {
    a.valence += probs[i] * kCircumplex[i].valence;
    a.arousal += probs[i] * kCircumplex[i].arousal;
    total += probs[i];
  }
  if (total > 0) {  // normalise in case the probabilities do not sum exactly to 1
    a.valence /= total;
    a.arousal /= total;
  }
  return a;
}

}  // namespace sentio::vision
