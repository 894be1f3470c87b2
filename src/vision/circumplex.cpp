// SPDX-License-Identifier: Apache-2.0
// Valence/arousal of expression probabilities: the circumplex table of sentio/core/affect.hpp applied
// to the seven core expression classes.
#include "sentio/core/affect.hpp"
#include "sentio/vision/face_types.hpp"

namespace sentio::vision {

Affect circumplex_coordinates(Expression e) { return emotion_affect(e); }

Affect circumplex_affect(const ExpressionProbs& probs) {
  Affect a;
  float total = 0;
  for (std::size_t i = 0; i < kExpressionCount; ++i) {
    const Affect point = circumplex_coordinates(static_cast<Expression>(i));
    a.valence += probs[i] * point.valence;
    a.arousal += probs[i] * point.arousal;
    total += probs[i];
  }
  if (total > 0) {  // normalise in case the probabilities do not sum exactly to 1
    a.valence /= total;
    a.arousal /= total;
  }
  return a;
}

}  // namespace sentio::vision
