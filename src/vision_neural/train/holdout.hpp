// SPDX-License-Identifier: Apache-2.0
#pragma once
// The stratified, seeded holdout both face trainers use (expression fine-tuning, the cue model).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sentio::vision::train {

// Splits rows 0..labels.size()-1: per class, a seeded shuffle, then round(fraction x class size) rows
// go to `holdout` and the rest to `train`; both come back sorted.
void split_holdout(const std::vector<std::int64_t>& labels, double fraction, std::uint64_t seed,
                   std::vector<std::size_t>& train, std::vector<std::size_t>& holdout);

}  // namespace sentio::vision::train
