// SPDX-License-Identifier: Apache-2.0
#include "frontend.hpp"

#include <algorithm>
#include <cmath>

namespace sentio::ser {

std::pair<std::size_t, std::size_t> voiced_frame_range(const std::vector<float>& frames, std::size_t n_mels, double trim_db) {
  const std::size_t t = frames.size() / n_mels;
  if (t == 0) return {0, 0};
  std::vector<double> energy(t);
  for (std::size_t i = 0; i < t; ++i) {
    const float* row = frames.data() + i * n_mels;
    const float mx = *std::max_element(row, row + n_mels);
    double s = 0;
    for (std::size_t m = 0; m < n_mels; ++m) s += std::exp(static_cast<double>(row[m] - mx));
    energy[i] = mx + std::log(s);
  }
  const double threshold = *std::max_element(energy.begin(), energy.end()) - trim_db / 10.0 * std::log(10.0);
  std::size_t first = 0, last = t;
  while (first < t && energy[first] < threshold) ++first;
  while (last > first && energy[last - 1] < threshold) --last;
  return {first, last};
}

std::vector<float> trim_silence(features::LogMel& mel, std::span<const float> samples, double trim_db) {
  const std::vector<float> frames = mel.compute(samples);
  const std::size_t n_mels = static_cast<std::size_t>(mel.options().n_mels);
  const auto [first, last] = voiced_frame_range(frames, n_mels, trim_db);
  if (first >= last) return std::vector<float>(samples.begin(), samples.end());
  const auto hop = static_cast<std::size_t>(mel.options().hop_length);
  const auto win = static_cast<std::size_t>(mel.options().win_length);
  const std::size_t s0 = first * hop, s1 = std::min(samples.size(), (last - 1) * hop + win);
  return std::vector<float>(samples.begin() + static_cast<std::ptrdiff_t>(s0), samples.begin() + static_cast<std::ptrdiff_t>(s1));
}

void normalise_utterance(std::vector<float>& frames, std::size_t n_mels) {
  (void)n_mels;
  if (frames.empty()) return;
  double mean = 0;
  for (float v : frames) mean += v;
  mean /= static_cast<double>(frames.size());
  double ss = 0;
  for (float v : frames) ss += (v - mean) * (v - mean);
  double sd = std::sqrt(ss / static_cast<double>(frames.size()));
  if (!(sd > 1e-6)) sd = 1.0;
  for (float& v : frames) v = static_cast<float>((v - mean) / sd);
}

std::vector<float> neural_frontend(features::LogMel& mel, std::span<const float> samples, double trim_db) {
  std::vector<float> frames = mel.compute(samples);
  const std::size_t n_mels = static_cast<std::size_t>(mel.options().n_mels);
  const auto [first, last] = voiced_frame_range(frames, n_mels, trim_db);
  if (first < last && (first > 0 || last < frames.size() / n_mels))
    frames = std::vector<float>(frames.begin() + static_cast<std::ptrdiff_t>(first * n_mels),
                                frames.begin() + static_cast<std::ptrdiff_t>(last * n_mels));
  normalise_utterance(frames, n_mels);
  return frames;
}

}  // namespace sentio::ser
