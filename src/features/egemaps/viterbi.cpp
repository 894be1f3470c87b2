// SPDX-License-Identifier: Apache-2.0
// Streaming Viterbi pitch smoother of eGeMAPS v02 (../shared/docs/EGEMAPS.md section 2.4), with
// openSMILE's quirks kept for parity: the voiced-voiced smoothness weight equals wTvv (10), one
// global "lastChange" updated in evaluation order, unvoiced->unvoiced costs 1, and decisions are
// taken when all surviving paths agree or, once a frame is 40 frames old, from the cheapest path.
// Memory is bounded: a 40-frame ring of candidates and of per-state paths.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "egemaps/pitch.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {
namespace {

constexpr int kVoicedStates = kMaxPitchCandidates;  // 6 candidate states
constexpr int kStates = kVoicedStates + 1;          // + unvoiced (index 6)
constexpr int kUnvoiced = kVoicedStates;
constexpr int kBufferLength = 40;  // bufferLength: ring size and maximal decision lag (frames)

constexpr float kVoicingCutoff = 0.7f;  // voicingCutoff, compared in float as in openSMILE
constexpr double kWLocal = 2.0;
constexpr double kWTvv = 10.0;
constexpr double kWTvvd = 10.0;  // configured 5, replaced by wTvv (quirk)
constexpr double kWTvuv = 10.0;
constexpr double kWThr = 4.0;
constexpr double kWRange = 1.0;
constexpr double kCostUU = 1.0;      // intended wTuu = 0 is never used (quirk)
constexpr double kCostEmpty = 999.0;  // voiced-voiced transition touching an empty candidate

// Frequency-range weight W(f), section 2.4.
double range_weight(float f_in) {
  const double f = f_in;
  if (f > 0.0 && f < 100.0) return -(1.0 / 100.0) * f + 1.0;
  if (f >= 100.0 && f < 350.0) return 0.0;
  if (f >= 350.0 && f < 600.0) return (f - 350.0) / 250.0;
  if (f >= 600.0) return 1.2;
  if (f <= 0.0) return 2.0;
  return 0.0;  // NaN
}

struct Frame {
  std::array<float, kVoicedStates> freq{};     // Hz, 0 = empty slot
  std::array<float, kVoicedStates> voicing{};
};

}  // namespace

struct ViterbiPitchSmoother::State {
  std::array<Frame, kBufferLength> frames{};  // ring, frame t at t % 40
  // Double-buffered surviving path of each state: state index per frame, ring t % 40.
  std::array<std::array<std::array<std::uint8_t, kBufferLength>, kStates>, 2> paths{};
  int path_buf = 0;
  std::array<double, kStates> cost{};      // accumulated path cost per state
  std::array<double, kStates> cost_new{};
  long long n_pushed = 0;   // openSMILE pathIdx
  long long last_decided = -1;  // openSMILE convIdx
  double last_change = 1.0;     // global "lastChange" (quirk)
  std::deque<float> decided;    // F0final (Hz) of decided frames not yet popped

  void decide(long long t, int state) {
    const Frame& fr = frames[static_cast<std::size_t>(t % kBufferLength)];
    decided.push_back(state < kVoicedStates ? fr.freq[state] : 0.0f);
  }

  int cheapest_state() const {
    int best = 0;
    for (int i = 1; i < kStates; ++i) {
      if (cost[i] < cost[best]) best = i;
    }
    return best;
  }

  // Transition cost, previous state j -> current state i (updates last_change as openSMILE does).
  double transition(int i, int j, const Frame& prev, const Frame& cur) {
    if (i < kVoicedStates && j < kVoicedStates) {
      const float f0 = prev.freq[j];
      const float f1 = cur.freq[i];
      if (f0 == 0.0f || f1 == 0.0f) return kCostEmpty;
      const double r = std::log(static_cast<double>(f1 / f0));  // ratio in float, as openSMILE
      const double x = kWTvv * std::fabs(r) + kWTvvd * std::fabs(r - last_change);
      last_change = r;
      return x;
    }
    if (i == kUnvoiced && j == kUnvoiced) return kCostUU;
    last_change = 0.0;
    return kWTvuv;
  }
};

namespace {

// Local costs of the 7 states for one frame, section 2.4.
std::array<double, kStates> local_costs(const Frame& fr) {
  std::array<double, kStates> lc{};
  bool any_voiced = false;
  for (int c = 0; c < kVoicedStates; ++c) {
    const float v = fr.voicing[c];
    if (v >= kVoicingCutoff) any_voiced = true;
    const double p = std::clamp(static_cast<double>(v), 0.01, 1.0);
    const double thr = p < static_cast<double>(kVoicingCutoff) ? kWThr : 0.0;
    lc[c] = (-std::log(p) + thr) * kWLocal + range_weight(fr.freq[c]) * kWRange;
  }
  lc[kUnvoiced] = kWLocal * (any_voiced ? kWThr : 0.0);
  return lc;
}

}  // namespace

ViterbiPitchSmoother::ViterbiPitchSmoother() : state_(std::make_unique<State>()) {}
ViterbiPitchSmoother::~ViterbiPitchSmoother() = default;

void ViterbiPitchSmoother::push(const PitchCandidates& in) {
  State& s = *state_;
  const long long t = s.n_pushed;
  const std::size_t slot = static_cast<std::size_t>(t % kBufferLength);
  Frame& cur = s.frames[slot];
  cur.freq = in.freq;
  cur.voicing = in.voicing;
  const std::array<double, kStates> lc = local_costs(cur);

  if (t == 0) {
    // Trellis initialisation: no transition from a previous frame.
    for (int i = 0; i < kStates; ++i) {
      s.cost[i] = lc[i];
      s.paths[s.path_buf][i][slot] = static_cast<std::uint8_t>(i);
    }
  } else {
    const Frame& prev = s.frames[static_cast<std::size_t>((t - 1) % kBufferLength)];
    const int nb = 1 - s.path_buf;
    // Evaluation order matters (last_change): current state i outer, previous state j inner.
    for (int i = 0; i < kStates; ++i) {
      int arg = 0;
      double best = s.transition(i, 0, prev, cur) + s.cost[0];
      for (int j = 1; j < kStates; ++j) {
        const double c = s.transition(i, j, prev, cur) + s.cost[j];
        if (c < best) {
          best = c;
          arg = j;
        }
      }
      s.cost_new[i] = best + lc[i];
      s.paths[nb][i] = s.paths[s.path_buf][arg];
      s.paths[nb][i][slot] = static_cast<std::uint8_t>(i);
    }
    s.cost = s.cost_new;
    s.path_buf = nb;
  }
  s.n_pushed = t + 1;

  const auto& paths = s.paths[s.path_buf];
  if (s.n_pushed - s.last_decided > kBufferLength) {
    // The oldest undecided frame is 40 frames old: take it from the currently cheapest path.
    // (Once this happens the lag stays at 40 and every later push forces one frame.)
    const int best = s.cheapest_state();
    const long long d = ++s.last_decided;
    s.decide(d, paths[best][static_cast<std::size_t>(d % kBufferLength)]);
  } else {
    // Decide every leading frame on which all surviving paths agree.
    for (long long n = s.last_decided + 1; n < s.n_pushed; ++n) {
      const std::size_t k = static_cast<std::size_t>(n % kBufferLength);
      const std::uint8_t x = paths[0][k];
      bool agree = true;
      for (int i = 1; i < kStates; ++i) {
        if (paths[i][k] != x) {
          agree = false;
          break;
        }
      }
      if (!agree) break;
      s.last_decided = n;
      s.decide(n, x);
    }
  }
}

std::optional<float> ViterbiPitchSmoother::pop() {
  State& s = *state_;
  if (s.decided.empty()) return std::nullopt;
  const float f = s.decided.front();
  s.decided.pop_front();
  return f;
}

void ViterbiPitchSmoother::flush() {
  State& s = *state_;
  const int best = s.cheapest_state();
  const auto& path = s.paths[s.path_buf][best];
  while (s.last_decided + 1 < s.n_pushed) {
    const long long d = ++s.last_decided;
    s.decide(d, path[static_cast<std::size_t>(d % kBufferLength)]);
  }
}

int ViterbiPitchSmoother::pending() const {
  return static_cast<int>(state_->n_pushed - 1 - state_->last_decided);
}

float f0_semitone_from_27_5(float f0_hz) {
  // Section 2.4, computed in float as openSMILE's F0finalLog.
  if (f0_hz > 29.136) return 12.0f * std::log(f0_hz / 27.5f) / std::log(2.0f);
  if (f0_hz > 0.0f) return 1.0f;
  return 0.0f;
}

}  // namespace sentio::features::egemaps
