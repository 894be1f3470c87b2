// SPDX-License-Identifier: Apache-2.0
#pragma once
// Full-covariance Gaussian statistics of cepstral frames and the BIC comparisons built on them
// (private to sentio_speech).
//
// A set of frames is summarised by its sufficient statistics (count, sum, sum of outer products), so
// two sets merge exactly by adding them. The Bayesian information criterion for "one Gaussian or
// two" (Chen & Gopalakrishnan 1998) is
//   dBIC = 1/2 [ n log|S| - n1 log|S1| - n2 log|S2| ] - lambda * 1/2 (d + d(d+1)/2) log n,
// where S, S1, S2 are the maximum-likelihood covariances of the union and of the parts: dBIC > 0
// says two models (two speakers) explain the frames better than one, even after paying for the extra
// parameters. lambda tunes the penalty.
#include <span>
#include <vector>

#include "cepstra.hpp"

namespace sentio::speech::diarization {

inline constexpr int kPacked = kCepstra * (kCepstra + 1) / 2;  // upper triangle incl. diagonal
// Layout of SpeakerPiece::embedding: [frame count, mean (kCepstra), covariance (kPacked)].
inline constexpr int kEmbeddingSize = 1 + kCepstra + kPacked;

struct GaussianStats {
  double n = 0;
  double sum[kCepstra] = {};
  double outer[kPacked] = {};  // sum of x_i x_j, i <= j, row-major upper triangle

  void add(std::span<const float> x);
  GaussianStats& operator+=(const GaussianStats& o);
  GaussianStats& operator-=(const GaussianStats& o);
  // log-determinant of the ML covariance plus a small ridge (keeps short pieces well-posed).
  // Requires n > 0.
  double log_det() const;

  std::vector<float> to_embedding() const;
  static GaussianStats from_embedding(std::span<const float> e);
};

// Number of free parameters of one full-covariance Gaussian.
inline constexpr double kGaussianParams = kCepstra + kPacked;

// dBIC of modelling a and b apart vs together (see the header comment); both need n > 0.
double delta_bic(const GaussianStats& a, const GaussianStats& b, double lambda);
// Same with precomputed log-determinants of a and b.
double delta_bic(const GaussianStats& a, double log_det_a, const GaussianStats& b, double log_det_b, double lambda);

}  // namespace sentio::speech::diarization
