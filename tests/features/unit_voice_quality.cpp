// SPDX-License-Identifier: Apache-2.0
// Unit tests of the eGeMAPS voice-quality LLDs (docs: ../shared/docs/EGEMAPS.md sections 3, 4) on
// synthetic signals with hand-computed expectations.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "sentio/features/real_fft.hpp"
#include "egemaps/framing.hpp"
#include "egemaps/voice_quality.hpp"

namespace sentio::features::egemaps {
namespace {

constexpr double kPi = std::numbers::pi;

// Gaussian-window (sigma 0.4) magnitude spectrum of the 60-ms frame starting at `offset`,
// zero-padded symmetrically to 1024 (section 0). Returns kLongBins magnitudes.
std::vector<float> gaussian_spectrum(const std::vector<float>& x, std::size_t offset,
                                     std::vector<float>* padded_out = nullptr) {
  std::vector<float> padded(kLongFft, 0.0f);
  const double half = (kLongLen - 1) / 2.0;
  for (int n = 0; n < kLongLen; ++n) {
    const double z = (n - half) / (0.4 * half);
    padded[32 + n] = static_cast<float>(std::exp(-0.5 * z * z)) * x[offset + n];
  }
  dsp::RealFft fft(kLongFft);
  std::vector<std::complex<float>> spec(kLongBins);
  fft.forward(padded, spec);
  std::vector<float> mag(kLongBins);
  for (int k = 0; k < kLongBins; ++k) mag[k] = std::abs(spec[k]);
  if (padded_out != nullptr) *padded_out = padded;
  return mag;
}

// Sum of harmonics h = 1..amps.size() of f0 with the given amplitudes (cosine phase).
std::vector<float> harmonic_tone(double f0, const std::vector<double>& amps, int n) {
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) {
    double v = 0;
    for (std::size_t h = 0; h < amps.size(); ++h)
      v += amps[h] * std::cos(2.0 * kPi * f0 * static_cast<double>(h + 1) * i / kSampleRate);
    x[i] = static_cast<float>(v);
  }
  return x;
}

constexpr std::array<float, 3> kNoFormants{0.0f, 0.0f, 0.0f};

TEST(HarmonicsAnalyzer, UnvoicedGivesZerosAndFloor) {
  HarmonicsAnalyzer an;
  const auto x = harmonic_tone(200.0, {1.0, 0.5}, kLongLen);
  const auto mag = gaussian_spectrum(x, 0);
  const std::array<float, 3> formants{500.0f, 1500.0f, 2500.0f};
  const HarmonicsLld r = an.analyze(mag, 0.0f, formants);
  EXPECT_EQ(r.hnr_db, 0.0f);
  EXPECT_EQ(r.h1_h2, 0.0f);
  EXPECT_EQ(r.h1_a3, 0.0f);
  for (float a : r.formant_amp) EXPECT_EQ(a, -201.0f);
}

// Section 4.3: "H1-H2" is level(2 F0) - level(3 F0). Amplitudes 1, 0.25, 0.5 give -6.02 dB (the
// textbook H1-H2 would be +12.04 dB). At 250 Hz every harmonic sits on a bin centre, so the levels
// are exact; off-centre, the parabolic interpolation (and the un-interpolated F0 reference used
// for the formant amplitudes) costs a little accuracy.
TEST(HarmonicsAnalyzer, ThreeHarmonicToneIndexSemantics) {
  HarmonicsAnalyzer an;
  struct Case {
    double f0, tol_diff, tol_level;
  };
  for (const Case c : {Case{250.0, 0.02, 0.02}, Case{203.0, 0.2, 1.0}, Case{131.0, 0.2, 1.0}}) {
    const auto x = harmonic_tone(c.f0, {1.0, 0.25, 0.5}, kLongLen);
    const auto mag = gaussian_spectrum(x, 0);
    // F3 near the third harmonic: A3 = harmonic index 2 (3 F0); F1 near 2 F0; F2 missing.
    const std::array<float, 3> formants{static_cast<float>(2.0 * c.f0), 0.0f,
                                        static_cast<float>(3.0 * c.f0)};
    const HarmonicsLld r = an.analyze(mag, static_cast<float>(c.f0), formants);
    const double expected = 20.0 * std::log10(0.25 / 0.5);  // -6.02 dB
    EXPECT_NEAR(r.h1_h2, expected, c.tol_diff) << "f0 " << c.f0;
    EXPECT_NEAR(r.h1_a3, expected, c.tol_diff) << "f0 " << c.f0;  // A3 is the same harmonic
    EXPECT_NEAR(r.formant_amp[0], 20.0 * std::log10(0.25), c.tol_level) << "f0 " << c.f0;
    EXPECT_EQ(r.formant_amp[1], 0.0f) << "no formant -> 0";
    EXPECT_NEAR(r.formant_amp[2], 20.0 * std::log10(0.5), c.tol_level) << "f0 " << c.f0;
  }
}

// Section 4.3: no harmonic near F3 -> H1-A3 = L1 - 201 (clipped at -201).
TEST(HarmonicsAnalyzer, MissingA3GivesL1Minus201) {
  HarmonicsAnalyzer an;
  const auto x = harmonic_tone(250.0, {1.0, 2.0, 0.5}, kLongLen);
  const auto mag = gaussian_spectrum(x, 0);
  const HarmonicsLld r = an.analyze(mag, 250.0f, kNoFormants);
  EXPECT_NEAR(r.h1_a3, 20.0 * std::log10(2.0) - 201.0, 0.02);
  for (float a : r.formant_amp) EXPECT_EQ(a, 0.0f);
  const auto y = harmonic_tone(250.0, {1.0, 0.25, 0.5}, kLongLen);
  EXPECT_EQ(an.analyze(gaussian_spectrum(y, 0), 250.0f, kNoFormants).h1_a3, -201.0f);
}

// Section 4.1 against an independent time-domain circular autocorrelation of the padded frame.
TEST(HarmonicsAnalyzer, HnrMatchesTimeDomainAcf) {
  HarmonicsAnalyzer an;
  const double f0 = 200.0;
  std::vector<double> amps(12);
  for (std::size_t h = 0; h < amps.size(); ++h) amps[h] = 1.0 / static_cast<double>(h + 1);
  auto x = harmonic_tone(f0, amps, kLongLen);
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  for (auto& v : x) v += noise(rng);
  std::vector<float> padded;
  const auto mag = gaussian_spectrum(x, 0, &padded);
  auto acf = [&](int lag) {
    double s = 0;
    for (int n = 0; n < kLongFft; ++n) s += double(padded[n]) * padded[(n + lag) % kLongFft];
    return s;
  };
  // T0 = floor(16000 / 200) = 80; for this clean tone the ACF peak is at 80 itself.
  const double r0 = acf(0), r80 = acf(80);
  ASSERT_GT(r80, acf(79));
  ASSERT_GT(r80, acf(81));
  const double expected = 10.0 * std::log10(r80 / (r0 - r80));
  const HarmonicsLld r = an.analyze(mag, static_cast<float>(f0), kNoFormants);
  EXPECT_NEAR(r.hnr_db, expected, 1e-3);
}

// Section 4.1's peak search far from T0 (a 37-Hz tone analysed with F0 = 400 Hz): exercises the
// switch from lag-by-lag evaluation to the full inverse FFT. Expected value from the time-domain
// |circular ACF| of the padded frame and a plain nearest-strict-peak search (left side first).
TEST(HarmonicsAnalyzer, HnrWithDistantAcfPeak) {
  HarmonicsAnalyzer an;
  const auto x = harmonic_tone(37.0, {1.0}, kLongLen);
  std::vector<float> padded;
  const auto mag = gaussian_spectrum(x, 0, &padded);
  std::vector<double> acf(kLongBins);
  for (int lag = 0; lag < kLongBins; ++lag) {
    double s = 0;
    for (int n = 0; n < kLongFft; ++n) s += double(padded[n]) * padded[(n + lag) % kLongFft];
    acf[lag] = std::fabs(s);
  }
  auto peak = [&](int i) { return acf[i] > acf[i - 1] && acf[i] > acf[i + 1]; };
  const int lag0 = 16000 / 400;
  int lag = -1;
  for (int o = 0; lag < 0 && o < kLongBins; ++o) {
    if (lag0 - o > 0 && peak(lag0 - o)) lag = lag0 - o;
    else if (lag0 + o < kLongBins - 1 && peak(lag0 + o)) lag = lag0 + o;
  }
  ASSERT_GT(lag, lag0 + 20) << "the test needs a distant ACF peak";
  const double expected = 10.0 * std::log10(acf[lag] / (acf[0] - acf[lag]));
  EXPECT_NEAR(an.analyze(mag, 400.0f, kNoFormants).hnr_db, expected, 1e-3);
}

TEST(HarmonicsAnalyzer, HnrOrdersToneAboveNoise) {
  HarmonicsAnalyzer an;
  const auto tone = harmonic_tone(200.0, {1.0, 0.7, 0.5, 0.4, 0.3}, kLongLen);
  std::vector<float> noise(kLongLen);
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(0.0f, 0.3f);
  for (auto& v : noise) v = dist(rng);
  const float hnr_tone = an.analyze(gaussian_spectrum(tone, 0), 200.0f, kNoFormants).hnr_db;
  const float hnr_noise = an.analyze(gaussian_spectrum(noise, 0), 200.0f, kNoFormants).hnr_db;
  // A clean periodic frame is limited only by the Gaussian window's own ACF decay (~13 dB at
  // an 80-sample lag); white noise is well below 0 dB.
  EXPECT_GT(hnr_tone, 10.0f);
  EXPECT_LT(hnr_noise, 0.0f);
  EXPECT_GT(hnr_tone, hnr_noise + 10.0f);
}

// ---- jitter / shimmer (section 3) ----

// Narrow pulses (7-sample Hann bump) at the given positions with the given amplitudes.
std::vector<float> pulse_train(const std::vector<long>& pos, const std::vector<float>& amp, int n) {
  std::vector<float> x(n, 0.0f);
  for (std::size_t k = 0; k < pos.size(); ++k) {
    for (int d = -3; d <= 3; ++d) {
      const long i = pos[k] + d;
      if (i >= 0 && i < n)
        x[i] += amp[k] * static_cast<float>(0.5 + 0.5 * std::cos(kPi * d / 4.0));
    }
  }
  return x;
}

struct TrackResult {
  std::vector<JitterShimmer> frames;
};

// Runs the tracker over frames 0..n_frames-1 of x with F0 per frame.
TrackResult run_tracker(const std::vector<float>& x, const std::vector<float>& f0) {
  JitterShimmerTracker tr;
  TrackResult out;
  const WaveView view{std::span<const float>(x), 0};
  for (std::size_t i = 0; i < f0.size(); ++i)
    out.frames.push_back(tr.process(static_cast<std::int64_t>(i), f0[i], view));
  return out;
}

// Pulses placed mid-window relative to the first voiced frame's start (frame 2 -> sample 320), so
// every analysis window holds exactly one whole pulse.
constexpr long kFirstVoicedStart = 2 * kHop;
constexpr int kFrames = 30;
constexpr int kSignalLen = kHop * (kFrames - 1) + kLongLen;

TEST(JitterShimmerTracker, ConstantPeriodGivesZeroJitterAndShimmer) {
  std::vector<long> pos;
  std::vector<float> amp;
  for (long p = kFirstVoicedStart + 50; p < kSignalLen; p += 100) {
    pos.push_back(p);
    amp.push_back(0.5f);
  }
  const auto x = pulse_train(pos, amp, kSignalLen);
  std::vector<float> f0(kFrames, 160.0f);  // period 100 samples
  f0[0] = f0[1] = 0.0f;
  const auto r = run_tracker(x, f0);
  EXPECT_EQ(r.frames[0].jitter_local, 0.0f);
  EXPECT_EQ(r.frames[0].shimmer_local_db, 0.0f);
  for (int i = 2; i < kFrames - 5; ++i) {
    EXPECT_NEAR(r.frames[i].jitter_local, 0.0f, 1e-5f) << "frame " << i;
    EXPECT_NEAR(r.frames[i].shimmer_local_db, 0.0f, 1e-5f) << "frame " << i;
  }
}

// Pulses every 100 samples (160 Hz) from the first voiced frame on, amplitudes 0.5, 0.4, 0.5, ...
std::vector<float> alternating_amplitude_pulses() {
  std::vector<long> pos;
  std::vector<float> amp;
  bool big = true;
  for (long p = kFirstVoicedStart + 50; p < kSignalLen; p += 100, big = !big) {
    pos.push_back(p);
    amp.push_back(big ? 0.5f : 0.4f);
  }
  return pulse_train(pos, amp, kSignalLen);
}

TEST(JitterShimmerTracker, AlternatingAmplitudesGiveKnownShimmer) {
  const auto x = alternating_amplitude_pulses();
  std::vector<float> f0(kFrames, 160.0f);
  f0[0] = f0[1] = 0.0f;
  const auto r = run_tracker(x, f0);
  // Every period pair: |A0 - A1| = 0.1, mean (A0 + A1)/2 = 0.45 -> shimmer = 2/9.
  const double expected_db = 20.0 * std::log10(1.0 + 0.1 / 0.45);  // 1.743 dB
  for (int i = 2; i < kFrames - 5; ++i) {
    EXPECT_NEAR(r.frames[i].shimmer_local_db, expected_db, 1e-3) << "frame " << i;
    EXPECT_NEAR(r.frames[i].jitter_local, 0.0f, 1e-5f) << "frame " << i;
  }
}

TEST(JitterShimmerTracker, AlternatingPeriodsGiveKnownJitter) {
  std::vector<long> pos;
  std::vector<float> amp;
  bool short_period = true;
  for (long p = kFirstVoicedStart + 50; p < kSignalLen; p += short_period ? 96 : 104) {
    pos.push_back(p);
    amp.push_back(0.5f);
    short_period = !short_period;
  }
  const auto x = pulse_train(pos, amp, kSignalLen);
  std::vector<float> f0(kFrames, 160.0f);
  f0[0] = f0[1] = 0.0f;
  const auto r = run_tracker(x, f0);
  // |dT| = 8 samples for every consecutive pair; the frame's mean period is 96, 100 or 104.
  // The first voiced frame has no period difference yet: jitter 0 there.
  EXPECT_EQ(r.frames[2].jitter_local, 0.0f);
  int checked = 0;
  for (int i = 3; i < kFrames - 5; ++i) {
    const float j = r.frames[i].jitter_local;
    EXPECT_GE(j, 8.0f / 104.0f - 1e-4f) << "frame " << i;
    EXPECT_LE(j, 8.0f / 96.0f + 1e-4f) << "frame " << i;
    EXPECT_NEAR(r.frames[i].shimmer_local_db, 0.0f, 1e-4f) << "frame " << i;
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

TEST(JitterShimmerTracker, NoPeriodRepeatsPreviousValuesUntilUnvoiced) {
  const auto x = alternating_amplitude_pulses();
  // Frames 2..9 voiced at 160 Hz; frame 10 at 20 Hz (two 880-sample periods never fit into the
  // block, so no period can be measured); frame 11 unvoiced; frame 12 at 20 Hz again.
  std::vector<float> f0(13, 160.0f);
  f0[0] = f0[1] = 0.0f;
  f0[10] = 20.0f;
  f0[11] = 0.0f;
  f0[12] = 20.0f;
  const auto r = run_tracker(x, f0);
  EXPECT_GT(r.frames[9].shimmer_local_db, 1.0f);
  EXPECT_EQ(r.frames[10].shimmer_local_db, r.frames[9].shimmer_local_db);
  EXPECT_EQ(r.frames[10].jitter_local, r.frames[9].jitter_local);
  EXPECT_EQ(r.frames[11].shimmer_local_db, 0.0f);
  EXPECT_EQ(r.frames[11].jitter_local, 0.0f);
  EXPECT_EQ(r.frames[12].shimmer_local_db, 0.0f);
  EXPECT_EQ(r.frames[12].jitter_local, 0.0f);
}

TEST(JitterShimmerTracker, SilenceNeverAcceptsPeriods) {
  const std::vector<float> x(kSignalLen, 0.0f);
  std::vector<float> f0(kFrames, 150.0f);
  const auto r = run_tracker(x, f0);
  for (const auto& fr : r.frames) {
    EXPECT_EQ(fr.jitter_local, 0.0f);
    EXPECT_EQ(fr.shimmer_local_db, 0.0f);
  }
}

// Out-of-range F0 values (never produced by the Viterbi) must neither hang nor read out of bounds.
TEST(VoiceQuality, AbsurdF0ValuesAreHandled) {
  const auto x = harmonic_tone(200.0, {1.0, 0.5, 0.3}, kSignalLen);
  const auto mag = gaussian_spectrum(x, 0);
  HarmonicsAnalyzer an;
  JitterShimmerTracker tr;
  const WaveView view{std::span<const float>(x), 0};
  const float inf = std::numeric_limits<float>::infinity();
  const std::array<float, 3> formants{500.0f, 1500.0f, 2500.0f};
  std::int64_t i = 0;
  for (float f0 : {1e-3f, 1e-30f, 20000.0f, 1e6f, inf, 200.0f, std::nanf("")}) {
    const HarmonicsLld h = an.analyze(mag, f0, formants);
    EXPECT_TRUE(std::isfinite(h.hnr_db) && std::isfinite(h.h1_h2) && std::isfinite(h.h1_a3)) << f0;
    const JitterShimmer js = tr.process(i++, f0, view);
    EXPECT_TRUE(std::isfinite(js.jitter_local) && std::isfinite(js.shimmer_local_db)) << f0;
  }
}

}  // namespace
}  // namespace sentio::features::egemaps
