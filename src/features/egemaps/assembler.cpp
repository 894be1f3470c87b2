// SPDX-License-Identifier: Apache-2.0
#include "egemaps/assembler.hpp"

#include <algorithm>
#include <cmath>

#include "egemaps/framing.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {

namespace {

constexpr float kVoicedThreshold = 1e-6f;  // section 8: voiced <=> raw gated F0 semitone > 1e-6

std::vector<Sma3Stream> make_smoothers(std::size_t n, bool no_zero) {
  return std::vector<Sma3Stream>(n, Sma3Stream(no_zero));
}

template <std::size_t N>
bool push_all(std::vector<Sma3Stream>& smoothers, const std::array<float, N>& in, std::array<float, N>& out) {
  bool ready = false;
  for (std::size_t c = 0; c < N; ++c) {
    auto y = smoothers[c].push(in[c]);
    if (y) {
      out[c] = *y;
      ready = true;
    }
  }
  return ready;
}

template <std::size_t N>
bool finish_all(std::vector<Sma3Stream>& smoothers, std::array<float, N>& out) {
  bool ready = false;
  for (std::size_t c = 0; c < N; ++c) {
    auto y = smoothers[c].finish();
    if (y) {
      out[c] = *y;
      ready = true;
    }
  }
  return ready;
}

// The 20-ms values of one frame in LLD column order (loudness, alpha, hammarberg, slopes, flux, mfcc).
std::array<float, 10> short_columns(const RawFrame& f) {
  return {f.loudness, f.alpha_ratio, f.hammarberg, f.slope0_500, f.slope500_1500, f.flux,
          f.mfcc[0],  f.mfcc[1],     f.mfcc[2],    f.mfcc[3]};
}

// The F0-group values in LLD column order, formants gated or not.
std::array<float, 15> pitched_columns(const RawFrame& f, bool gate_formants) {
  const bool voiced = f.f0_semitone > kVoicedThreshold;
  auto formant = [&](float v) { return (gate_formants && !voiced) ? 0.f : v; };
  return {f.f0_semitone,
          f.jitter,
          f.shimmer_db,
          f.hnr_db,
          f.h1_h2,
          f.h1_a3,
          formant(f.formant_freq[0]),
          formant(f.formant_bw[0]),
          f.formant_amp[0],
          formant(f.formant_freq[1]),
          formant(f.formant_bw[1]),
          f.formant_amp[1],
          formant(f.formant_freq[2]),
          formant(f.formant_bw[2]),
          f.formant_amp[2]};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
FunctionalsAssembler::FunctionalsAssembler()
    : short_smooth_(make_smoothers(1 + kMomentShort, false)),
      pitched_smooth_(make_smoothers(1 + kMomentVq + kMomentVoiced, true)),
      unvoiced_smooth_(make_smoothers(kMomentUnvoiced, true)),
      short_moments_(kMomentShort, MomentAccumulator(false)),
      vq_moments_(kMomentVq, MomentAccumulator(true)),
      voiced_moments_(kMomentVoiced, MomentAccumulator(true)),
      unvoiced_moments_(kMomentUnvoiced, MomentAccumulator(true)) {}

void FunctionalsAssembler::add_short(const RawFrame& f) {
  ++n_short_;
  energy_sum_ += f.energy;
  const std::array<float, 1 + kMomentShort> in = {f.loudness, f.flux,    f.mfcc[0],
                                                  f.mfcc[1],  f.mfcc[2], f.mfcc[3]};
  std::array<float, 1 + kMomentShort> out{};
  if (push_all(short_smooth_, in, out)) take_short_smoothed(out);
}

void FunctionalsAssembler::take_short_smoothed(const std::array<float, 1 + kMomentShort>& v) {
  loudness_.push_back(v[0]);
  for (int c = 0; c < kMomentShort; ++c) short_moments_[c].add(v[1 + c]);
}

void FunctionalsAssembler::add_pitched(const RawFrame& f) {
  const bool voiced = f.f0_semitone > kVoicedThreshold;
  std::array<float, 1 + kMomentVq + kMomentVoiced> in{};
  in[0] = f.f0_semitone;
  const auto vq = pitched_columns(f, /*gate_formants=*/true);
  std::copy(vq.begin() + 1, vq.end(), in.begin() + 1);
  const std::array<float, kMomentVoiced> spectral = {f.alpha_ratio, f.hammarberg, f.slope0_500, f.slope500_1500,
                                                     f.flux,        f.mfcc[0],    f.mfcc[1],    f.mfcc[2],
                                                     f.mfcc[3]};
  for (int c = 0; c < kMomentVoiced; ++c) in[1 + kMomentVq + c] = voiced ? spectral[c] : 0.f;
  std::array<float, 1 + kMomentVq + kMomentVoiced> out{};
  if (push_all(pitched_smooth_, in, out)) take_pitched_smoothed(out);
}

void FunctionalsAssembler::add_unvoiced_candidate(const RawFrame& f, bool voiced) {
  std::array<float, kMomentUnvoiced> in{};
  if (!voiced) in = {f.alpha_ratio, f.hammarberg, f.slope0_500, f.slope500_1500, f.flux};
  std::array<float, kMomentUnvoiced> out{};
  if (push_all(unvoiced_smooth_, in, out))
    for (int c = 0; c < kMomentUnvoiced; ++c) unvoiced_moments_[c].add(out[c]);
}

void FunctionalsAssembler::close_unvoiced_with(const RawFrame& next) {
  add_unvoiced_candidate(next, /*voiced=*/false);
  unvoiced_closed_ = true;
}

void FunctionalsAssembler::take_pitched_smoothed(
    const std::array<float, 1 + kMomentVq + kMomentVoiced>& v) {
  f0_.push_back(v[0]);
  voiced_segments_.add(v[0]);
  unvoiced_segments_.add(v[0]);
  for (int c = 0; c < kMomentVq; ++c) vq_moments_[c].add(v[1 + c]);
  for (int c = 0; c < kMomentVoiced; ++c) voiced_moments_[c].add(v[1 + kMomentVq + c]);
}

EgemapsFunctionals FunctionalsAssembler::finish() {
  {
    std::array<float, 1 + kMomentShort> out{};
    if (finish_all(short_smooth_, out)) take_short_smoothed(out);
    std::array<float, 1 + kMomentVq + kMomentVoiced> pout{};
    if (finish_all(pitched_smooth_, pout)) take_pitched_smoothed(pout);
    std::array<float, kMomentUnvoiced> uout{};
    if (!unvoiced_closed_ && finish_all(unvoiced_smooth_, uout))
      for (int c = 0; c < kMomentUnvoiced; ++c) unvoiced_moments_[c].add(uout[c]);
  }
  EgemapsFunctionals r{};
  std::size_t k = 0;
  auto put_contour = [&](const ContourStats& s) {
    for (double v : {s.amean, s.stddev_norm, s.p20, s.p50, s.p80, s.range20_80, s.slopes.mean_rising,
                     s.slopes.stddev_rising, s.slopes.mean_falling, s.slopes.stddev_falling})
      r[k++] = v;
  };
  auto put_moments = [&](const MomentAccumulator& m, bool with_std) {
    r[k++] = m.amean();
    if (with_std) r[k++] = m.stddev_norm();
  };
  put_contour(contour_stats(f0_, /*skip_zeros=*/true, kFramePeriod));
  const ContourStats loud = contour_stats(loudness_, /*skip_zeros=*/false, kFramePeriod);
  put_contour(loud);
  for (const auto& m : short_moments_) put_moments(m, true);
  for (const auto& m : vq_moments_) put_moments(m, true);
  for (const auto& m : voiced_moments_) put_moments(m, true);
  for (const auto& m : unvoiced_moments_) put_moments(m, false);
  const double seconds = static_cast<double>(loudness_.size()) * kFramePeriod;
  r[k++] = seconds > 0 ? static_cast<double>(loud.slopes.n_peaks) / seconds : 0.0;
  const SegmentStats voiced = voiced_segments_.stats(kFramePeriod);
  const SegmentStats unvoiced = unvoiced_segments_.stats(kFramePeriod);
  r[k++] = voiced.per_second;
  r[k++] = voiced.mean_length_s;
  r[k++] = voiced.stddev_length_s;
  r[k++] = unvoiced.mean_length_s;
  r[k++] = unvoiced.stddev_length_s;
  // section 7: Leq = 10 log10(max(mean energy, 1e-12)); no frames at all gives 0
  r[k++] = n_short_ > 0 ? 10.0 * std::log10(std::max(energy_sum_ / static_cast<double>(n_short_), 1e-12)) : 0.0;
  SENTIO_ASSERT(k == kEgemapsFunctionalCount);
  return r;
}

// ---------------------------------------------------------------------------------------------
LldRowAssembler::LldRowAssembler() : short_smooth_(make_smoothers(10, false)), pitched_smooth_(make_smoothers(15, true)) {}

void LldRowAssembler::add_short(const RawFrame& f) {
  std::array<float, 10> out{};
  if (push_all(short_smooth_, short_columns(f), out)) short_rows_.push_back(out);
  emit_ready();
}

void LldRowAssembler::add_pitched(const RawFrame& f) {
  std::array<float, 15> out{};
  if (push_all(pitched_smooth_, pitched_columns(f, /*gate_formants=*/false), out)) pitched_rows_.push_back(out);
  emit_ready();
}

void LldRowAssembler::emit_ready() {
  while (!short_rows_.empty() && !pitched_rows_.empty()) {
    EgemapsLldFrame row;
    row.index = next_row_++;
    std::copy(short_rows_.front().begin(), short_rows_.front().end(), row.values.begin());
    std::copy(pitched_rows_.front().begin(), pitched_rows_.front().end(), row.values.begin() + 10);
    short_rows_.pop_front();
    pitched_rows_.pop_front();
    ready_.push_back(row);
  }
}

void LldRowAssembler::finish() {
  if (finished_) return;
  std::array<float, 10> s{};
  if (finish_all(short_smooth_, s)) short_rows_.push_back(s);
  std::array<float, 15> p{};
  const bool any = finish_all(pitched_smooth_, p);
  if (any) {
    pitched_rows_.push_back(p);
    pitched_rows_.push_back(p);  // openSMILE's smoother writes one extra trailing row (section 0)
  }
  emit_ready();
  finished_ = true;
  short_rows_.clear();
  pitched_rows_.clear();
}

std::vector<EgemapsLldFrame> LldRowAssembler::take() {
  std::vector<EgemapsLldFrame> out;
  out.swap(ready_);
  return out;
}

}  // namespace sentio::features::egemaps
