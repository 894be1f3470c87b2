// SPDX-License-Identifier: Apache-2.0
// AudioDecoder channel selection: a stereo file made with sox with a different sine per channel
// (left 440 Hz at amplitude 0.25, right 1000 Hz at 0.5, 44.1 kHz FLAC) decoded as the mix (default),
// as channel 0 and as channel 1 (resampled to 16 kHz), and a channel the file does not have.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "media_fixtures.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "test_support.hpp"

namespace sentio::media {
namespace {

using namespace sentio::test::media_fixtures;

constexpr int kRate = 16000;

bool have_sox() {
  static const bool ok = sentio::test::run_command("sox --version").status == 0;
  return ok;
}

// 2 s stereo FLAC: left = 440 Hz sine at 0.25, right = 1000 Hz sine at 0.5 (created once).
const std::filesystem::path& stereo_fixture() {
  static const std::filesystem::path path = [] {
    const std::filesystem::path out = sentio::test::temp_dir() / "two_sines.flac";
    const auto r = sentio::test::run_command(
        "sox -n -r 44100 -b 16 -c 2 '" + out.string() +
        "' synth 2 sine 440 sine 1000 remix 1v0.25 2v0.5");
    if (r.status != 0) throw std::runtime_error("sox failed: " + r.output);
    return out;
  }();
  return path;
}

// Middle 1.6 s, away from resampler start-up and tail.
constexpr std::size_t kBegin = kRate / 5, kEnd = 9 * kRate / 5;

TEST(AudioChannels, ChannelZeroIsTheLeftSineOnly) {
  if (!have_sox()) GTEST_SKIP() << "skipped: sox is not installed";
  AudioDecoder dec(stereo_fixture().string(), kRate, 0);
  EXPECT_EQ(dec.info().source_channels, 2);
  const std::vector<float> x = decode_audio(stereo_fixture().string(), kRate, 0);
  EXPECT_EQ(x.size(), 2u * kRate);
  EXPECT_NEAR(zero_crossing_frequency(x, kRate, kBegin, kEnd), 440.0, 0.5);
  EXPECT_NEAR(peak_abs(x, kBegin, kEnd), 0.25, 0.01);
}

TEST(AudioChannels, ChannelOneIsTheRightSineOnly) {
  if (!have_sox()) GTEST_SKIP() << "skipped: sox is not installed";
  const std::vector<float> x = decode_audio(stereo_fixture().string(), kRate, 1);
  EXPECT_EQ(x.size(), 2u * kRate);
  EXPECT_NEAR(zero_crossing_frequency(x, kRate, kBegin, kEnd), 1000.0, 1.0);
  EXPECT_NEAR(peak_abs(x, kBegin, kEnd), 0.5, 0.01);
}

TEST(AudioChannels, DefaultIsTheAverageOfBothChannels) {
  if (!have_sox()) GTEST_SKIP() << "skipped: sox is not installed";
  const std::vector<float> mix = decode_audio(stereo_fixture().string(), kRate);
  const std::vector<float> left = decode_audio(stereo_fixture().string(), kRate, 0);
  const std::vector<float> right = decode_audio(stereo_fixture().string(), kRate, 1);
  ASSERT_EQ(mix.size(), left.size());
  ASSERT_EQ(mix.size(), right.size());
  double max_err = 0;
  for (std::size_t i = 0; i < mix.size(); ++i)
    max_err = std::max(max_err, static_cast<double>(std::fabs(mix[i] - 0.5f * (left[i] + right[i]))));
  EXPECT_LT(max_err, 1e-4);
  // The mix really holds both: its RMS is that of two independent sines at 0.125 and 0.25.
  EXPECT_NEAR(rms(mix, kBegin, kEnd), std::sqrt((0.125 * 0.125 + 0.25 * 0.25) / 2.0), 0.005);
}

TEST(AudioChannels, MissingChannelIsAnInputErrorNamingTheFile) {
  if (!have_sox()) GTEST_SKIP() << "skipped: sox is not installed";
  try {
    AudioDecoder dec(stereo_fixture().string(), kRate, 2);
    FAIL() << "expected InputError for channel 2 of a stereo file";
  } catch (const sentio::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(stereo_fixture().filename().string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("channel 2"), std::string::npos) << msg;
  }
}

TEST(AudioChannels, ChannelZeroOfAMonoFileIsTheFileItself) {
  if (!have_sox()) GTEST_SKIP() << "skipped: sox is not installed";
  const std::filesystem::path mono = sentio::test::temp_dir() / "mono_sine.wav";
  ASSERT_EQ(sentio::test::run_command("sox -n -r 16000 -b 16 -c 1 '" + mono.string() + "' synth 1 sine 300 vol 0.5")
                .status,
            0);
  EXPECT_EQ(decode_audio(mono.string(), kRate, 0), decode_audio(mono.string(), kRate));
  EXPECT_THROW(decode_audio(mono.string(), kRate, 1), sentio::InputError);
}

}  // namespace
}  // namespace sentio::media
