// SPDX-License-Identifier: Apache-2.0
#pragma once
// The speaker-clustering criterion shared by the offline agglomeration (diarization.cpp) and the
// online clustering (online_clustering.cpp), so that both decide on the same evidence. Private to
// sentio_speech.
#include <cmath>

#include "gaussian.hpp"
#include "sentio/speech/diarization.hpp"

namespace sentio::speech::diarization {

// Throws sentio::InputError for out-of-range options (diarization.cpp).
void check_options(const DiarizationOptions& options);

// Pieces with fewer modelled frames than this (0.4 s) do not found or shape speaker clusters; they
// join the speaker whose model they fit best.
inline constexpr double kMinClusterFrames = 40;

// The BIC's likelihood term grows with the number of frames while its penalty grows with their log,
// so with minutes of speech per speaker any two different utterances of one voice end up "better
// explained apart" and the count estimate explodes (a 2-speaker, 30-turn conversation came out as 6).
// Clusters therefore enter the merge cost with at most kClusterFrameCap frames (statistics scaled
// down, mean and covariance unchanged): the decision then rests on how different two voices are, not on
// how much of them there is.
inline constexpr double kClusterFrameCap = 2000;  // 20 s of modelled frames

inline GaussianStats capped(const GaussianStats& g) {
  if (g.n <= kClusterFrameCap) return g;
  GaussianStats out = g;
  const double w = kClusterFrameCap / g.n;
  out.n = kClusterFrameCap;
  for (double& v : out.sum) v *= w;
  for (double& v : out.outer) v *= w;
  return out;
}

// Cost of merging two clusters: dBIC of keeping them apart, on capped statistics (> 0: two speakers).
// log_det_a and log_det_b are the clusters' log-determinants (capping leaves them unchanged).
inline double merge_cost(const GaussianStats& a, double log_det_a, const GaussianStats& b, double log_det_b,
                         double lambda) {
  return delta_bic(capped(a), log_det_a, capped(b), log_det_b, lambda);
}

// The two terms of merge_cost(), so that one Cholesky factorisation serves several penalty weights:
// merge_cost(..., lambda) = likelihood - lambda * penalty (up to rounding).
struct MergeTerms {
  double likelihood = 0;  // 1/2 [n log|S| - n1 log|S1| - n2 log|S2|] on capped statistics
  double penalty = 0;     // 1/2 (parameters of one Gaussian) log n, per unit of penalty weight
  double cost(double lambda) const { return likelihood - lambda * penalty; }
};

inline MergeTerms merge_terms(const GaussianStats& a, double log_det_a, const GaussianStats& b, double log_det_b) {
  const GaussianStats ca = capped(a), cb = capped(b);
  GaussianStats ab = ca;
  ab += cb;
  return {0.5 * (ab.n * ab.log_det() - ca.n * log_det_a - cb.n * log_det_b), 0.5 * kGaussianParams * std::log(ab.n)};
}

}  // namespace sentio::speech::diarization
