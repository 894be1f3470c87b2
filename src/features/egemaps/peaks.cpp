// SPDX-License-Identifier: Apache-2.0
// Peaks2 rising/falling slopes and peak count (openSMILE cFunctionalPeaks2, relThresh 0.1,
// dynRelThresh 0). Spec: ../shared/docs/EGEMAPS.md section 8, "Rising/falling slopes".
// Arithmetic is float32 like openSMILE's data memory; the result is widened to double.
// Cost: O(N) time, O(number of extrema) memory.
#include <cmath>
#include <cstdint>
#include <vector>

#include "egemaps/functionals.hpp"

namespace sentio::features::egemaps {
namespace {

constexpr float kRelThresh = 0.1f;   // threshold relative to the contour range (max - min)
constexpr double kMaxGrowth = 1.05;  // pass A: a near maximum replaces the kept one if 5% higher

struct Extremum {
  std::int64_t pos;  // sample index
  float y;           // value
  bool is_max;
  bool alive;
};

// Step 1: strict local maxima and minima at indices 2..N-3.
std::vector<Extremum> find_extrema(std::span<const float> x) {
  std::vector<Extremum> ext;
  const auto n = static_cast<std::int64_t>(x.size());
  for (std::int64_t i = 2; i < n - 2; ++i) {
    const float y = x[i];
    if (y > x[i - 1] && y > x[i + 1]) {
      ext.push_back({i, y, true, true});
    } else if (y < x[i - 1] && y < x[i + 1]) {
      ext.push_back({i, y, false, true});
    }
  }
  return ext;
}

// Pass A: discard maxima that rise less than the threshold; a maximum close to the previous
// element survives only if it is 5% above the kept maximum (which it then replaces) or if the
// last accepted extremum was a minimum. Minima are never dropped here.
void pass_a(std::vector<Extremum>& ext, float x0, float thresh) {
  float last_val = x0, last_min = x0, last_max = x0;
  std::ptrdiff_t last_kept_max = -1;
  bool min_flag = false;  // the last accepted extremum was a minimum
  for (std::size_t k = 0; k < ext.size(); ++k) {
    Extremum& e = ext[k];
    if (e.is_max) {
      if (std::fabs(e.y - last_val) < thresh) {
        if (e.y - last_min < thresh) {
          e.alive = false;  // (a) too small a rise from the last minimum
        } else {
          if (static_cast<double>(e.y) > static_cast<double>(last_max) * kMaxGrowth) {
            // (b) replaces the previously kept maximum
            if (last_kept_max >= 0) ext[static_cast<std::size_t>(last_kept_max)].alive = false;
            last_max = e.y;
            last_kept_max = static_cast<std::ptrdiff_t>(k);
          } else if (min_flag) {
            // (c) kept: the previous accepted extremum was a minimum
            last_max = e.y;
            last_kept_max = static_cast<std::ptrdiff_t>(k);
          } else {
            e.alive = false;  // (c) dropped: two maxima in a row
          }
          min_flag = false;
        }
      } else {
        min_flag = false;
        last_max = e.y;
        last_kept_max = static_cast<std::ptrdiff_t>(k);
      }
    } else if (!(std::fabs(e.y - last_val) < thresh)) {
      min_flag = true;
      last_min = e.y;
    }
    last_val = e.y;  // after every element, dropped or not
  }
  std::erase_if(ext, [](const Extremum& e) { return !e.alive; });
}

// Pass B: discard minima less than the threshold below the most recent maximum (x0 initially).
void pass_b(std::vector<Extremum>& ext, float x0, float thresh) {
  float last_max = x0;
  std::size_t w = 0;
  for (const Extremum& e : ext) {
    if (e.is_max) {
      last_max = e.y;
    } else if (last_max - e.y < thresh) {
      continue;
    }
    ext[w++] = e;
  }
  ext.resize(w);
}

// Pass C: enforce alternation; of consecutive minima keep the lowest, of consecutive maxima the
// highest (the earlier one on ties).
void pass_c(std::vector<Extremum>& ext) {
  std::size_t w = 0;
  for (const Extremum& e : ext) {
    if (w > 0 && ext[w - 1].is_max == e.is_max) {
      Extremum& prev = ext[w - 1];
      const bool better = e.is_max ? e.y > prev.y : e.y < prev.y;
      if (better) prev = e;
      continue;
    }
    ext[w++] = e;
  }
  ext.resize(w);
}

// Mean and population std in openSMILE's way: the mean divides by count only if count > 1; the
// squared deviations cover only `listed` (not the trailing slope) but are divided by `count`.
void slope_moments(const std::vector<float>& listed, float sum, int count, double& mean_out,
                   double& std_out) {
  const float mean = count > 1 ? sum / static_cast<float>(count) : sum;
  float ss = 0.0f;
  for (const float s : listed) ss += (s - mean) * (s - mean);
  if (count > 1) ss /= static_cast<float>(count);
  mean_out = mean;
  std_out = ss > 0.0f ? static_cast<float>(std::sqrt(static_cast<double>(ss))) : 0.0;
}

}  // namespace

SlopeStats peaks2_slopes(std::span<const float> x, double frame_period) {
  SlopeStats out;
  const auto n = static_cast<std::int64_t>(x.size());
  if (n == 0) return out;

  float lo = x[0], hi = x[0];
  for (const float v : x) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  const float thresh = kRelThresh * (hi - lo);

  std::vector<Extremum> ext = find_extrema(x);
  pass_a(ext, x[0], thresh);
  pass_b(ext, x[0], thresh);
  pass_c(ext);
  for (const Extremum& e : ext) out.n_peaks += e.is_max ? 1 : 0;

  // Slope walk (units per second): rising = last minimum (or x0) -> maximum,
  // falling = last maximum (or x0) -> minimum, both positive for a genuine rise/fall.
  const float period = static_cast<float>(frame_period);
  float last_max = x[0], last_min = x[0];
  std::int64_t last_max_pos = 0, last_min_pos = 0;
  int last_is_max = -1;  // -1: no slope yet
  std::vector<float> rising, falling;
  float sum_r = 0.0f, sum_f = 0.0f;
  for (const Extremum& e : ext) {
    if (e.is_max) {
      last_max = e.y;
      last_max_pos = e.pos;
      if (last_max_pos - last_min_pos > 0) {
        const float s = (last_max - last_min) / (static_cast<float>(last_max_pos - last_min_pos) * period);
        rising.push_back(s);
        sum_r += s;
        last_is_max = 1;
      }
    } else {
      last_min = e.y;
      last_min_pos = e.pos;
      if (last_min_pos - last_max_pos > 0) {
        const float s = (last_max - last_min) / (static_cast<float>(last_min_pos - last_max_pos) * period);
        falling.push_back(s);
        sum_f += s;
        last_is_max = 0;
      }
    }
  }
  int n_r = static_cast<int>(rising.size());
  int n_f = static_cast<int>(falling.size());

  // Trailing slope towards the last sample: counted in the mean, not in the deviations. The
  // trailing "falling" slope is (end - lastMax)/dt, i.e. it keeps its sign (negative when falling).
  const float x_end = x[static_cast<std::size_t>(n - 1)];
  if (last_is_max == 1) {
    if (n - 1 - last_max_pos > 0) {
      sum_f += (x_end - last_max) / (static_cast<float>(n - 1 - last_max_pos) * period);
      ++n_f;
    }
  } else if (last_is_max == 0) {
    if (n - 1 - last_min_pos > 0) {
      sum_r += (x_end - last_min) / (static_cast<float>(n - 1 - last_min_pos) * period);
      ++n_r;
    }
  } else {
    // No extrema: one slope (end - start)/N, NOT divided by the frame period (openSMILE quirk);
    // counted as rising if positive, as falling (negative value) if negative, not at all if 0.
    const float s = (x_end - x[0]) / static_cast<float>(n);
    if (s > 0.0f) {
      sum_r = s;
      n_r = 1;
    } else if (s < 0.0f) {
      sum_f = s;
      n_f = 1;
    }
  }

  slope_moments(rising, sum_r, n_r, out.mean_rising, out.stddev_rising);
  slope_moments(falling, sum_f, n_f, out.mean_falling, out.stddev_falling);
  return out;
}

}  // namespace sentio::features::egemaps
