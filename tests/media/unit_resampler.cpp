// SPDX-License-Identifier: Apache-2.0
// Resampler: bit-identical output whatever the chunking of the input, the channel mean, rate and
// time accuracy on a sine, exact pass-through, clamping, and input errors.
#include "sentio/media/resampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "media_fixtures.hpp"
#include "sentio/core/error.hpp"

namespace sentio::media {
namespace {

using namespace sentio::test::media_fixtures;

// `frames` frames of `channels` channels: per channel a different pair of sines plus noise, peak < 0.6.
std::vector<float> test_signal(int rate, int channels, std::size_t frames, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
  std::vector<float> x(frames * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c) {
      const double t = static_cast<double>(i) / rate;
      const double v = 0.3 * std::sin(2 * std::numbers::pi * (220.0 + 130.0 * c) * t) +
                       0.2 * std::sin(2 * std::numbers::pi * (3100.0 - 400.0 * c) * t + 0.5);
      x[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] = static_cast<float>(v) + noise(rng);
    }
  return x;
}

// Pushes `x` in chunks of the given frame counts (cycled until the input is used up), then finishes.
std::vector<float> run(Resampler& r, const std::vector<float>& x, const std::vector<std::size_t>& chunk_frames) {
  std::vector<float> out;
  const auto ch = static_cast<std::size_t>(r.in_channels());
  std::size_t pos = 0, k = 0;
  while (pos < x.size()) {
    const std::size_t n = std::min(chunk_frames[k++ % chunk_frames.size()] * ch, x.size() - pos);
    r.push(std::span<const float>(x).subspan(pos, n), out);
    pos += n;
  }
  r.finish(out);
  return out;
}

std::vector<float> run_whole(int in_rate, int channels, int out_rate, int channel, const std::vector<float>& x) {
  Resampler r(in_rate, channels, out_rate, channel);
  std::vector<float> out;
  r.push(x, out);
  r.finish(out);
  return out;
}

// Index of the first differing sample ("" when bit-identical), for a readable failure.
std::string first_difference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0)
      return "sample " + std::to_string(i) + ": " + std::to_string(a[i]) + " vs " + std::to_string(b[i]);
  return "";
}

// Chunkings: one frame at a time, several random ones (tiny, medium, mixed with empty pushes), and
// two awkward fixed sizes.
std::vector<std::vector<std::size_t>> chunkings(unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<std::size_t>> out = {{1}, {7}, {4096}};
  for (std::size_t max : {std::size_t{3}, std::size_t{50}, std::size_t{700}, std::size_t{20000}}) {
    std::uniform_int_distribution<std::size_t> d(0, max);
    std::vector<std::size_t> sizes(997);
    for (std::size_t& s : sizes) s = d(rng);
    sizes.front() = std::max<std::size_t>(sizes.front(), 1);  // make progress on the first cycle
    out.push_back(sizes);
  }
  return out;
}

struct InvarianceCase {
  int in_rate;
  int channels;
  int channel;
};

class ResamplerChunking : public ::testing::TestWithParam<InvarianceCase> {};

TEST_P(ResamplerChunking, OutputIsBitIdenticalForEveryChunking) {
  const InvarianceCase c = GetParam();
  constexpr int kOut = 16000;
  const std::size_t frames = static_cast<std::size_t>(c.in_rate) * 13 / 10;  // 1.3 s
  const std::vector<float> x = test_signal(c.in_rate, c.channels, frames);
  const std::vector<float> whole = run_whole(c.in_rate, c.channels, kOut, c.channel, x);
  const int out_channels = c.channel == kAllChannels ? c.channels : 1;
  // Every input frame comes out: 1.3 s at 16 kHz (+-1 frame for rounding).
  EXPECT_NEAR(static_cast<double>(whole.size()) / out_channels, 1.3 * kOut, 1.0);
  for (const auto& sizes : chunkings(static_cast<unsigned>(c.in_rate + c.channels))) {
    Resampler r(c.in_rate, c.channels, kOut, c.channel);
    const std::vector<float> got = run(r, x, sizes);
    ASSERT_EQ(first_difference(got, whole), "") << "chunking starting " << sizes.front() << ", " << sizes.size()
                                                << " sizes";
  }
}

INSTANTIATE_TEST_SUITE_P(Rates, ResamplerChunking,
                         ::testing::Values(InvarianceCase{8000, 1, kMixChannels}, InvarianceCase{16000, 1, kMixChannels},
                                           InvarianceCase{22050, 1, kMixChannels}, InvarianceCase{44100, 1, kMixChannels},
                                           InvarianceCase{48000, 1, kMixChannels}, InvarianceCase{8000, 2, kMixChannels},
                                           InvarianceCase{16000, 2, kMixChannels}, InvarianceCase{22050, 2, kMixChannels},
                                           InvarianceCase{44100, 2, kMixChannels}, InvarianceCase{48000, 2, kMixChannels},
                                           InvarianceCase{44100, 2, 1}, InvarianceCase{48000, 2, kAllChannels},
                                           InvarianceCase{22050, 6, kMixChannels}, InvarianceCase{11025, 3, kAllChannels}),
                         [](const ::testing::TestParamInfo<InvarianceCase>& p) {
                           const std::string ch = p.param.channel == kMixChannels   ? "mix"
                                                  : p.param.channel == kAllChannels ? "all"
                                                                                    : "ch" + std::to_string(p.param.channel);
                           return std::to_string(p.param.in_rate) + "Hz_" + std::to_string(p.param.channels) + "ch_" + ch;
                         });

// The mix is the mean of the channels: resampling L and R separately and averaging gives the same
// signal (the filter is linear; only float rounding differs).
TEST(Resampler, MonoMixIsTheMeanOfTheChannels) {
  for (int rate : {16000, 44100, 48000}) {
    const std::size_t frames = static_cast<std::size_t>(rate);
    const std::vector<float> x = test_signal(rate, 2, frames);
    const std::vector<float> mix = run_whole(rate, 2, 16000, kMixChannels, x);
    const std::vector<float> left = run_whole(rate, 2, 16000, 0, x);
    const std::vector<float> right = run_whole(rate, 2, 16000, 1, x);
    ASSERT_EQ(mix.size(), left.size());
    ASSERT_EQ(mix.size(), right.size());
    ASSERT_EQ(mix.size(), 16000u);
    double worst = 0;
    for (std::size_t i = 0; i < mix.size(); ++i)
      worst = std::max(worst, static_cast<double>(std::fabs(mix[i] - 0.5f * (left[i] + right[i]))));
    EXPECT_LT(worst, 1e-5) << rate << " Hz";
    EXPECT_GT(rms(mix, 0, mix.size()), 0.1);  // not trivially silent
  }
  // Six channels: the mean, so equal channels give the channel itself and opposite pairs cancel.
  std::vector<float> six;
  for (int i = 0; i < 8000; ++i) {
    const float s = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 440.0 * i / 8000.0));
    six.insert(six.end(), {s, s, s, -s, s, -s});
  }
  const std::vector<float> m = run_whole(8000, 6, 16000, kMixChannels, six);
  ASSERT_EQ(m.size(), 16000u);
  EXPECT_NEAR(peak_abs(m, 1600, 14400), 0.5 / 3, 0.005);
}

// A 1 kHz sine at 44.1 kHz comes out as a 1 kHz sine at 16 kHz, with its amplitude and in time:
// output sample k is the sine at k / 16000 s.
TEST(Resampler, KeepsFrequencyAmplitudeAndTiming) {
  for (int in_rate : {44100, 8000, 22050, 48000}) {
    const int n = in_rate * 2;
    std::vector<float> x(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 1000.0 * i / in_rate));
    const std::vector<float> y = run_whole(in_rate, 1, 16000, kMixChannels, x);
    ASSERT_EQ(y.size(), 32000u) << in_rate;
    const std::size_t b = 3200, e = 28800;
    EXPECT_NEAR(zero_crossing_frequency(y, 16000, b, e), 1000.0, 0.05) << in_rate;
    EXPECT_NEAR(peak_abs(y, b, e), 0.5, 0.005) << in_rate;
    double worst = 0;
    for (std::size_t k = b; k < e; ++k)
      worst = std::max(worst, std::fabs(y[k] - 0.5 * std::sin(2 * std::numbers::pi * 1000.0 * static_cast<double>(k) / 16000)));
    EXPECT_LT(worst, 0.003) << in_rate;
  }
}

TEST(Resampler, EqualRatesCopyExactly) {
  const std::vector<float> x = test_signal(16000, 2, 5000);
  const std::vector<float> all = run_whole(16000, 2, 16000, kAllChannels, x);
  EXPECT_EQ(all, x);
  const std::vector<float> right = run_whole(16000, 2, 16000, 1, x);
  ASSERT_EQ(right.size(), 5000u);
  for (std::size_t i = 0; i < right.size(); ++i) ASSERT_EQ(right[i], x[2 * i + 1]) << i;
  const std::vector<float> mono(x.begin(), x.begin() + 5000);
  EXPECT_EQ(run_whole(16000, 1, 16000, kMixChannels, mono), mono);
  // Mixing at equal rates: the mean, with no delay and no length change.
  const std::vector<float> mix = run_whole(16000, 2, 16000, kMixChannels, x);
  ASSERT_EQ(mix.size(), 5000u);
  for (std::size_t i = 0; i < mix.size(); ++i) ASSERT_NEAR(mix[i], 0.5f * (x[2 * i] + x[2 * i + 1]), 1e-7) << i;
}

TEST(Resampler, OutputStaysInHalfOpenUnitRange) {
  std::vector<float> square(44100);
  for (std::size_t i = 0; i < square.size(); ++i) square[i] = (i / 50) % 2 ? 1.0f : -1.0f;
  for (int in_rate : {44100, 16000}) {
    const std::vector<float> y = run_whole(in_rate, 1, 16000, kMixChannels, square);
    ASSERT_FALSE(y.empty());
    for (float v : y) {
      ASSERT_GE(v, -1.0f);
      ASSERT_LT(v, 1.0f);
    }
    EXPECT_GT(peak_abs(y, 0, y.size()), 0.99);
  }
}

TEST(Resampler, ExtremeRatesAndManyChannels) {
  // 768 kHz, 64 channels -> 16 kHz mono: the mean of 64 equal channels is the channel.
  std::vector<float> x;
  const int rate = kMaxSampleRate;
  for (int i = 0; i < rate / 50; ++i) {
    const float s = 0.25f * static_cast<float>(std::sin(2 * std::numbers::pi * 500.0 * i / rate));
    x.insert(x.end(), kMaxChannels, s);
  }
  const std::vector<float> y = run_whole(rate, kMaxChannels, 16000, kMixChannels, x);
  ASSERT_EQ(y.size(), 320u);
  EXPECT_NEAR(peak_abs(y, 40, 280), 0.25, 0.005);
  EXPECT_NEAR(zero_crossing_frequency(y, 16000, 40, 280), 500.0, 1.0);
  // Twelve channels kept, 22.05 kHz -> 16 kHz: each is the channel resampled on its own.
  const std::vector<float> twelve = test_signal(22050, 12, 4410);
  const std::vector<float> all = run_whole(22050, 12, 16000, kAllChannels, twelve);
  ASSERT_EQ(all.size(), 12u * 3200);
  for (int c : {0, 5, 11}) {
    const std::vector<float> one = run_whole(22050, 12, 16000, c, twelve);
    ASSERT_EQ(one.size(), 3200u);
    for (std::size_t i = 0; i < one.size(); ++i) ASSERT_NEAR(all[i * 12 + static_cast<std::size_t>(c)], one[i], 1e-6) << c;
  }
  // 8 Hz input (an odd but valid description): 0.5 s of it is 8000 frames at 16 kHz.
  const std::vector<float> slow = run_whole(8, 1, 16000, kMixChannels, std::vector<float>(4, 0.1f));
  EXPECT_EQ(slow.size(), 8000u);
}

// libswresample alone returns nothing for a stream shorter than its filter; the Resampler still
// returns every frame (the rounded expected count), whatever the chunking.
TEST(Resampler, ShortStreamsKeepTheirLength) {
  for (int in_rate : {44100, 8000, 48000, 768000}) {
    const int step = in_rate == 768000 ? 97 : 7;
    for (int n = 1; n <= 30 * step; n += step) {
      const std::vector<float> x = test_signal(in_rate, 2, static_cast<std::size_t>(n));
      const std::vector<float> y = run_whole(in_rate, 2, 16000, kMixChannels, x);
      const double expected = static_cast<double>(n) * 16000 / in_rate;
      ASSERT_NEAR(static_cast<double>(y.size()), expected, 2.0) << in_rate << " Hz, " << n << " frames";
      Resampler r(in_rate, 2, 16000);
      ASSERT_EQ(first_difference(run(r, x, {1}), y), "") << in_rate << " Hz, " << n << " frames";
    }
  }
  // The short path's samples are the signal: 3 ms of a 0.5 DC level at 44.1 kHz stays 0.5 inside.
  const std::vector<float> dc = run_whole(44100, 1, 16000, kMixChannels, std::vector<float>(132, 0.5f));
  ASSERT_EQ(dc.size(), 48u);
  EXPECT_NEAR(dc[24], 0.5, 0.01);
}

TEST(Resampler, RejectsBadInput) {
  auto message = [](auto make) -> std::string {
    try {
      make();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message([] { Resampler(0, 1, 16000); }).find("sample rate 0 Hz"), std::string::npos);
  EXPECT_NE(message([] { Resampler(kMaxSampleRate + 1, 1, 16000); }).find("out of range"), std::string::npos);
  EXPECT_NE(message([] { Resampler(16000, 0, 16000); }).find("channel count 0"), std::string::npos);
  EXPECT_NE(message([] { Resampler(16000, kMaxChannels + 1, 16000); }).find("channel count 65"), std::string::npos);
  EXPECT_NE(message([] { Resampler(16000, 2, 16000, 2); }).find("channel 2"), std::string::npos);
  EXPECT_NE(message([] { Resampler(16000, 2, 16000, -3); }).find("channel -3"), std::string::npos);
  Resampler r(48000, 2, 16000);
  std::vector<float> out;
  const std::vector<float> three(3, 0.0f);
  const std::string msg = message([&] { r.push(three, out); });
  EXPECT_NE(msg.find("3 samples"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2-channel"), std::string::npos) << msg;
  EXPECT_TRUE(out.empty());
}

TEST(Resampler, ReportsItsFormatAndMoves) {
  Resampler r(44100, 3, 16000, kAllChannels);
  EXPECT_EQ(r.in_rate(), 44100);
  EXPECT_EQ(r.in_channels(), 3);
  EXPECT_EQ(r.out_rate(), 16000);
  EXPECT_EQ(r.out_channels(), 3);
  EXPECT_EQ(Resampler(44100, 3, 16000, 2).out_channels(), 1);
  const std::vector<float> x = test_signal(44100, 3, 44100);
  std::vector<float> out;
  r.push(std::span<const float>(x).first(3 * 1000), out);
  Resampler moved = std::move(r);
  moved.push(std::span<const float>(x).subspan(3 * 1000), out);
  moved.finish(out);
  EXPECT_TRUE(moved.finished());
  EXPECT_EQ(out, run_whole(44100, 3, 16000, kAllChannels, x));
  EXPECT_EQ(out.size() % 3, 0u);
}

}  // namespace
}  // namespace sentio::media
