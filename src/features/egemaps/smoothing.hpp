// SPDX-License-Identifier: Apache-2.0
#pragma once
// openSMILE's 3-tap moving average with edge replication ("sma3") and its no-zero variant
// ("sma3nz"). Spec: ../shared/docs/EGEMAPS.md section 0.
#include <optional>
#include <span>
#include <vector>

namespace sentio::features::egemaps {

// Whole-series versions. Output has the same length as the input.
std::vector<float> sma3(std::span<const float> x);
std::vector<float> sma3nz(std::span<const float> x);

// Streaming version with one frame of delay: push(x_t) returns y_{t-1} (nothing for t = 0);
// finish() returns the last smoothed value (edge-replicated as if x_t were the final frame).
class Sma3Stream {
 public:
  explicit Sma3Stream(bool no_zero) : no_zero_(no_zero) {}
  std::optional<float> push(float x);
  std::optional<float> finish();
  void reset();

 private:
  bool no_zero_;
  int n_ = 0;          // values seen
  float prev_ = 0;     // x_{t-2}
  float cur_ = 0;      // x_{t-1}
};

}  // namespace sentio::features::egemaps
