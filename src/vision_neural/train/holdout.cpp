// SPDX-License-Identifier: Apache-2.0
#include "train/holdout.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace sentio::vision::train {

void split_holdout(const std::vector<std::int64_t>& labels, double fraction, std::uint64_t seed,
                   std::vector<std::size_t>& train, std::vector<std::size_t>& holdout) {
  std::map<std::int64_t, std::vector<std::size_t>> by_class;
  for (std::size_t i = 0; i < labels.size(); ++i) by_class[labels[i]].push_back(i);
  std::mt19937_64 rng(seed ^ 0x401d0u);
  for (auto& [label, idx] : by_class) {
    std::shuffle(idx.begin(), idx.end(), rng);
    const auto n_hold = std::min(static_cast<std::size_t>(std::llround(fraction * static_cast<double>(idx.size()))), idx.size());
    holdout.insert(holdout.end(), idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n_hold));
    train.insert(train.end(), idx.begin() + static_cast<std::ptrdiff_t>(n_hold), idx.end());
  }
  std::sort(train.begin(), train.end());
  std::sort(holdout.begin(), holdout.end());
}

}  // namespace sentio::vision::train
