// SPDX-License-Identifier: Apache-2.0
// AudioDecoder reads a 16-bit PCM WAV file it can copy (its own rate; mono, one channel or all) without
// FFmpeg: the samples must be bit-identical to FFmpeg's decoding of the same bytes, the stream
// description the same, FFmpeg's libraries not even loaded; every other WAV still goes through FFmpeg
// (resampling, mixing); a file cut short gives what is there and a warning.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "media_fixtures.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "test_support.hpp"

namespace sentio::media {
namespace {

using namespace sentio::test::media_fixtures;

Decoded decode_all(const std::string& path, const AudioDecodeOptions& o) { return sentio::test::media_fixtures::decode_all(path, o, 1001); }

std::vector<std::int16_t> noise(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> full(-32768, 32767);
  std::vector<std::int16_t> x(n);
  for (auto& v : x) v = static_cast<std::int16_t>(full(rng));
  x[0] = -32768;  // both ends of the range
  x[1] = 32767;
  return x;
}

// The same samples as headerless PCM: FFmpeg's raw demuxer decodes them (the reference).
std::string write_raw(const std::string& name, const std::vector<std::int16_t>& pcm) {
  const auto path = sentio::test::temp_dir() / name;
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(pcm.data()), static_cast<std::streamsize>(pcm.size() * sizeof(std::int16_t)));
  return path.string();
}

bool ffmpeg_loaded() {
  std::ifstream maps("/proc/self/maps");
  const std::string text((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
  return text.find("libavformat") != std::string::npos;
}

TEST(AudioWav, CopiedSamplesMatchFfmpegBitForBit) {
  constexpr int kRate = 16000, kFrames = 20011;
  for (const int channels : {1, 2}) {
    const auto pcm = noise(static_cast<std::size_t>(kFrames) * channels, 7u + static_cast<unsigned>(channels));
    const auto wav = sentio::test::temp_dir() / ("copy" + std::to_string(channels) + ".wav");
    sentio::test::write_wav_s16(wav, kRate, channels, pcm);
    const std::string raw = write_raw("copy" + std::to_string(channels) + ".raw", pcm);
    std::vector<int> choices = {kAllChannels, 0, channels - 1};
    if (channels == 1) choices.push_back(kMixChannels);
    for (const int channel : choices) {
      for (const int rate : {0, kRate}) {
        SCOPED_TRACE("channels " + std::to_string(channels) + ", channel " + std::to_string(channel) + ", rate " + std::to_string(rate));
        AudioDecodeOptions o;
        o.sample_rate = rate;
        o.channel = channel;
        const Decoded native = decode_all(wav.string(), o);
        AudioDecodeOptions r = o;
        r.input_format = "s16le";
        r.raw_sample_rate = kRate;
        r.raw_channels = channels;
        const Decoded reference = decode_all(raw, r);
        EXPECT_EQ(native.samples, reference.samples);
        EXPECT_TRUE(native.warnings.empty());
        EXPECT_EQ(native.info.container, "wav");
        EXPECT_EQ(native.info.codec, "pcm_s16le");
        EXPECT_EQ(native.info.source_sample_rate, kRate);
        EXPECT_EQ(native.info.source_channels, channels);
        EXPECT_DOUBLE_EQ(native.info.duration_s, static_cast<double>(kFrames) / kRate);
        EXPECT_EQ(native.info.sample_rate, reference.info.sample_rate);
        EXPECT_EQ(native.info.channels, reference.info.channels);
      }
    }
  }
}

TEST(AudioWav, AFileItCanCopyIsReadWithoutLoadingFfmpeg) {
  const auto wav = sentio::test::temp_dir() / "no_ffmpeg.wav";
  sentio::test::write_wav_s16(wav, 16000, 1, noise(16000, 3));
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process: nothing loaded by earlier tests
  EXPECT_EXIT(
      {
        const auto samples = decode_audio(wav.string(), 16000);
        std::exit(samples.size() == 16000 && !ffmpeg_loaded() ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      {
        const auto samples = decode_audio(wav.string(), 8000);  // resampled: FFmpeg's job
        std::exit(samples.size() == 8000 && ffmpeg_loaded() ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

// A stereo mix (arithmetic) and another rate go through FFmpeg and give what they always gave.
TEST(AudioWav, MixingAndResamplingStillUseFfmpeg) {
  constexpr int kRate = 16000;
  const auto pcm = noise(2 * 8000, 11);
  const auto wav = sentio::test::temp_dir() / "mix.wav";
  sentio::test::write_wav_s16(wav, kRate, 2, pcm);
  const std::string raw = write_raw("mix.raw", pcm);
  for (const int rate : {kRate, 8000}) {
    AudioDecodeOptions o;
    o.sample_rate = rate;
    const Decoded native = decode_all(wav.string(), o);
    AudioDecodeOptions r = o;
    r.input_format = "s16le";
    r.raw_sample_rate = kRate;
    r.raw_channels = 2;
    EXPECT_EQ(native.samples, decode_all(raw, r).samples) << rate;
    EXPECT_EQ(native.info.container, "wav");
  }
}

// A WAV whose header declares more samples than the file holds (a recording cut short): what is there,
// and a warning, as for a stream cut short.
TEST(AudioWav, TruncatedFileGivesWhatIsThereWithAWarning) {
  const auto wav = sentio::test::temp_dir() / "cut.wav";
  sentio::test::write_wav_s16(wav, 8000, 1, noise(8000, 5));
  std::filesystem::resize_file(wav, 44 + 2 * 4000);
  const Decoded d = decode_all(wav.string(), AudioDecodeOptions{});
  EXPECT_EQ(d.samples.size(), 4000u);
  EXPECT_EQ(d.info.container, "wav");
  EXPECT_DOUBLE_EQ(d.info.duration_s, 1.0);  // as declared
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "'" + wav.string() + "': input ended after 0.50 s of the 1.00 s its header declares");
  // Half a sample frame is not a sample: the same samples, the same warning.
  std::filesystem::resize_file(wav, 44 + 2 * 4000 + 1);
  EXPECT_EQ(decode_all(wav.string(), AudioDecodeOptions{}).samples.size(), 4000u);
}

}  // namespace
}  // namespace sentio::media
