// SPDX-License-Identifier: Apache-2.0
// Per-speaker z-normalisation of feature rows (see linear_model.hpp).
#include <algorithm>
#include <cmath>
#include <map>

#include "sentio/core/error.hpp"
#include "sentio/ser/linear_model.hpp"

namespace sentio::ser {

void population_statistics(const Dataset& raw, const std::vector<std::size_t>& rows, std::vector<double>& mean,
                           std::vector<double>& sd) {
  const std::size_t d = raw.n_features;
  mean.assign(d, 0.0);
  sd.assign(d, 0.0);
  if (rows.empty()) return;
  for (std::size_t r : rows)
    for (std::size_t f = 0; f < d; ++f) mean[f] += raw.x[r * d + f];
  for (std::size_t f = 0; f < d; ++f) mean[f] /= static_cast<double>(rows.size());
  for (std::size_t r : rows)
    for (std::size_t f = 0; f < d; ++f) {
      const double c = raw.x[r * d + f] - mean[f];
      sd[f] += c * c;
    }
  for (std::size_t f = 0; f < d; ++f) sd[f] = std::sqrt(sd[f] / static_cast<double>(rows.size()));
}

std::vector<double> within_speaker_std(const Dataset& raw, const std::vector<std::size_t>& rows) {
  const std::size_t d = raw.n_features;
  std::map<std::string, std::vector<std::size_t>> by_speaker;
  for (std::size_t r : rows) by_speaker[raw.speakers[r]].push_back(r);
  std::vector<double> var(d, 0.0), mean(d);
  for (const auto& [speaker, group] : by_speaker) {
    std::fill(mean.begin(), mean.end(), 0.0);
    for (std::size_t r : group)
      for (std::size_t f = 0; f < d; ++f) mean[f] += raw.x[r * d + f];
    for (double& m : mean) m /= static_cast<double>(group.size());
    for (std::size_t r : group)
      for (std::size_t f = 0; f < d; ++f) {
        const double c = raw.x[r * d + f] - mean[f];
        var[f] += c * c;
      }
  }
  for (double& v : var) v = rows.empty() ? 0.0 : std::sqrt(v / static_cast<double>(rows.size()));
  return var;
}

void set_normalisation_prior(LinearModel& model, const Dataset& raw, const std::vector<std::size_t>& rows) {
  population_statistics(raw, rows, model.population_mean, model.population_std);
  model.within_speaker_std = within_speaker_std(raw, rows);
  model.speaker_prior = model.options.speaker_prior;
}

void normalise_per_speaker(Dataset& data) {
  const std::size_t d = data.n_features;
  SENTIO_ASSERT(data.x.size() == data.size() * d);
  std::map<std::string, std::vector<std::size_t>> by_speaker;
  for (std::size_t i = 0; i < data.size(); ++i) by_speaker[data.speakers[i]].push_back(i);
  std::vector<double> mean(d), sd(d);
  for (const auto& [speaker, rows] : by_speaker) {
    const double count = static_cast<double>(rows.size());
    std::fill(mean.begin(), mean.end(), 0.0);
    std::fill(sd.begin(), sd.end(), 0.0);
    for (std::size_t r : rows)
      for (std::size_t f = 0; f < d; ++f) mean[f] += data.x[r * d + f];
    for (std::size_t f = 0; f < d; ++f) mean[f] /= count;
    for (std::size_t r : rows)
      for (std::size_t f = 0; f < d; ++f) {
        const double c = data.x[r * d + f] - mean[f];
        sd[f] += c * c;
      }
    for (std::size_t f = 0; f < d; ++f) sd[f] = std::sqrt(sd[f] / count);  // population std
    for (std::size_t r : rows)
      for (std::size_t f = 0; f < d; ++f) {
        double& v = data.x[r * d + f];
        // Relative threshold: a std at rounding level of the mean means a constant feature.
        v = sd[f] > 1e-12 * (1.0 + std::fabs(mean[f])) ? (v - mean[f]) / sd[f] : 0.0;
      }
  }
}

}  // namespace sentio::ser
