// SPDX-License-Identifier: Apache-2.0
// AudioDecoder with AudioDecodeOptions on generated files: the native rate (first frame), all
// channels interleaved, agreement with the legacy constructor, and a chained Ogg whose second part
// has another rate and layout (converted to the first part's format).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "media_fixtures.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/media/resampler.hpp"

namespace sentio::media {
namespace {

using namespace sentio::test::media_fixtures;

Decoded decode_all(const std::string& path, int sample_rate, int channel, std::size_t chunk = 4096) {
  AudioDecodeOptions o;
  o.sample_rate = sample_rate;
  o.channel = channel;
  return sentio::test::media_fixtures::decode_all(path, o, chunk);
}

std::vector<float> channel_of(const std::vector<float>& interleaved, int channels, int c) {
  std::vector<float> out;
  for (std::size_t i = static_cast<std::size_t>(c); i < interleaved.size(); i += static_cast<std::size_t>(channels))
    out.push_back(interleaved[i]);
  return out;
}

// 2 s stereo FLAC at 44.1 kHz: left 440 Hz at 0.25, right 1000 Hz at 0.5.
std::string two_sines() {
  return ffmpeg_fixture("two_sines_native.flac",
                        "-f lavfi -i \"aevalsrc=exprs='0.25*sin(2*PI*440*t)|0.5*sin(2*PI*1000*t)':sample_rate=44100:"
                        "duration=2\" -c:a flac")
      .string();
}

TEST(AudioNative, AllChannelsAtTheNativeRate) {
  SENTIO_REQUIRE_FFMPEG();
  const std::string path = two_sines();
  const Decoded d = decode_all(path, 0, kAllChannels, 1001);  // odd span: whole frames only
  EXPECT_EQ(d.info.sample_rate, 44100);
  EXPECT_EQ(d.info.channels, 2);
  EXPECT_EQ(d.info.source_channels, 2);
  EXPECT_EQ(d.info.container, "flac");
  ASSERT_EQ(d.samples.size(), 2u * 88200);
  const std::vector<float> left = channel_of(d.samples, 2, 0), right = channel_of(d.samples, 2, 1);
  EXPECT_NEAR(zero_crossing_frequency(left, 44100, 4410, 84000), 440.0, 0.5);
  EXPECT_NEAR(zero_crossing_frequency(right, 44100, 4410, 84000), 1000.0, 0.5);
  EXPECT_NEAR(peak_abs(left, 0, left.size()), 0.25, 0.001);
  EXPECT_NEAR(peak_abs(right, 0, right.size()), 0.5, 0.001);
  // Bit for bit what the legacy constructor gives for each channel at that rate.
  EXPECT_EQ(left, decode_audio(path, 44100, 0));
  EXPECT_EQ(right, decode_audio(path, 44100, 1));
  EXPECT_TRUE(d.warnings.empty());
}

TEST(AudioNative, NativeMixEqualsTheLegacyDecoderAtThatRate) {
  SENTIO_REQUIRE_FFMPEG();
  const std::string path = two_sines();
  const Decoded mix = decode_all(path, 0, kMixChannels);
  EXPECT_EQ(mix.info.sample_rate, 44100);
  EXPECT_EQ(mix.info.channels, 1);
  EXPECT_EQ(mix.samples, decode_audio(path, 44100));
  const Decoded one = decode_all(path, 0, 1);
  EXPECT_EQ(one.samples, decode_audio(path, 44100, 1));
}

// All channels resampled: each channel is what the legacy decoder gives for it.
TEST(AudioNative, AllChannelsResampled) {
  SENTIO_REQUIRE_FFMPEG();
  const std::string path = two_sines();
  const Decoded d = decode_all(path, 16000, kAllChannels);
  EXPECT_EQ(d.info.sample_rate, 16000);
  EXPECT_EQ(d.info.channels, 2);
  ASSERT_EQ(d.samples.size(), 2u * 32000);
  EXPECT_EQ(channel_of(d.samples, 2, 0), decode_audio(path, 16000, 0));
  EXPECT_EQ(channel_of(d.samples, 2, 1), decode_audio(path, 16000, 1));
}

TEST(AudioNative, NativeRateOfOtherCodecs) {
  SENTIO_REQUIRE_FFMPEG();
  const Decoded opus = decode_all(fixture("sine_opus.ogg").string(), 0, kMixChannels);
  EXPECT_EQ(opus.info.sample_rate, 48000);
  EXPECT_NEAR(static_cast<double>(opus.samples.size()), 96000.0, 1000.0);
  EXPECT_NEAR(zero_crossing_frequency(opus.samples, 48000, 9600, 86400), 440.0, 0.5);
  const Decoded mp3 = decode_all(fixture("sine.mp3").string(), 0, kAllChannels);
  EXPECT_EQ(mp3.info.sample_rate, 44100);
  EXPECT_EQ(mp3.info.channels, 1);
  EXPECT_NEAR(zero_crossing_frequency(mp3.samples, 44100, 8820, 79380), 440.0, 0.5);
}

TEST(AudioNative, SurroundInterleaved) {
  SENTIO_REQUIRE_FFMPEG();
  std::string exprs;
  for (int c = 0; c < 6; ++c) exprs += (c ? "|" : "") + std::to_string(0.1 * (c + 1)) + "*sin(2*PI*" + std::to_string(200 * (c + 1)) + "*t)";
  const auto path = ffmpeg_fixture("six_sines.wav", "-f lavfi -i \"aevalsrc=exprs='" + exprs +
                                                        "':channel_layout=5.1:sample_rate=32000:duration=1\" -c:a pcm_s16le");
  const Decoded d = decode_all(path.string(), 0, kAllChannels);
  EXPECT_EQ(d.info.channels, 6);
  EXPECT_EQ(d.info.sample_rate, 32000);
  ASSERT_EQ(d.samples.size(), 6u * 32000);
  for (int c = 0; c < 6; ++c) {
    const std::vector<float> x = channel_of(d.samples, 6, c);
    EXPECT_NEAR(peak_abs(x, 0, x.size()), 0.1 * (c + 1), 0.001) << c;
    EXPECT_NEAR(zero_crossing_frequency(x, 32000, 1600, 30400), 200.0 * (c + 1), 0.5) << c;
  }
}

// Two chained Ogg Vorbis streams: 1 s mono 44.1 kHz at 440 Hz, then 1 s stereo 22.05 kHz at 1000 Hz.
// The first fixes the output (44.1 kHz, one channel); the second is converted to it.
TEST(AudioNative, ChainedOggKeepsTheFirstFormat) {
  SENTIO_REQUIRE_FFMPEG();
  const auto a = ffmpeg_fixture("chain_a.ogg", "-f lavfi -i sine=frequency=440:sample_rate=44100:duration=1 -c:a libvorbis");
  const auto b = ffmpeg_fixture("chain_b.ogg", "-f lavfi -i \"aevalsrc=exprs='0.5*sin(2*PI*1000*t)|0.5*sin(2*PI*1000*t)':"
                                               "sample_rate=22050:duration=1\" -c:a libvorbis");
  const auto chained = sentio::test::temp_dir() / "chained.ogg";
  ASSERT_EQ(sentio::test::run_command("cat '" + a.string() + "' '" + b.string() + "' > '" + chained.string() + "'").status, 0);
  std::vector<std::vector<float>> outputs;
  for (int channel : {kMixChannels, kAllChannels}) {
    const Decoded d = decode_all(chained.string(), 0, channel);
    outputs.push_back(d.samples);
    EXPECT_EQ(d.info.sample_rate, 44100);
    EXPECT_EQ(d.info.channels, 1);
    EXPECT_NEAR(static_cast<double>(d.samples.size()), 88200.0, 2000.0) << channel;
    EXPECT_NEAR(zero_crossing_frequency(d.samples, 44100, 4410, 39690), 440.0, 1.0) << channel;
    EXPECT_NEAR(zero_crossing_frequency(d.samples, 44100, 48510, 83790), 1000.0, 1.0) << channel;
    // The mean of L = R: a 0.5 sine (Vorbis is lossy: RMS within 5%).
    EXPECT_NEAR(rms(d.samples, 48510, 83790), 0.5 / std::sqrt(2.0), 0.05 * 0.5 / std::sqrt(2.0)) << channel;
  }
  EXPECT_EQ(outputs[0], outputs[1]);  // a mono first part: all channels is the mix
}

// Decoding at the native rate with all channels, in random read sizes, then converting with a
// Resampler (pushed in those same random chunks) gives bit for bit what the legacy decoder gives:
// file analysis can become "decode natively, push into a session" without changing a sample.
TEST(AudioNative, NativeDecodeThenResamplerEqualsTheLegacyDecoder) {
  SENTIO_REQUIRE_FFMPEG();
  std::mt19937 rng(7);
  for (const std::string& path : {two_sines(), fixture("sine.mp3").string(), fixture("sine_aac.m4a").string(),
                                  fixture("sine_opus.ogg").string()}) {
    for (int channel : {kMixChannels, 0}) {
      AudioDecodeOptions o;
      o.channel = kAllChannels;
      AudioDecoder dec(path, o);
      const int ch = dec.info().channels;
      Resampler resampler(dec.info().sample_rate, ch, 16000, channel);
      std::vector<float> buf(static_cast<std::size_t>(ch) * 2000), out;
      for (;;) {
        const std::size_t frames = 1 + rng() % 1999;
        const std::size_t n = dec.read(std::span<float>(buf).first(frames * static_cast<std::size_t>(ch)));
        if (n == 0) break;
        resampler.push(std::span<const float>(buf).first(n), out);
      }
      resampler.finish(out);
      EXPECT_EQ(out, decode_audio(path, 16000, channel)) << path << " channel " << channel;
    }
  }
}

TEST(AudioNative, EmptyWavReportsItsHeaderFormat) {
  const auto path = sentio::test::temp_dir() / "empty_stereo.wav";
  write_wav_s16(path, 22050, 2, {});
  const Decoded d = decode_all(path.string(), 0, kAllChannels);
  EXPECT_EQ(d.info.sample_rate, 22050);
  EXPECT_EQ(d.info.channels, 2);
  EXPECT_TRUE(d.samples.empty());
}

TEST(AudioNative, LegacyConstructorIsUnchangedForTheSameOptions) {
  // AudioDecoder(path, rate, channel) and AudioDecoder(path, {rate, channel}) are the same decoder.
  std::vector<std::int16_t> pcm;
  for (int i = 0; i < 20000; ++i) pcm.insert(pcm.end(), {static_cast<std::int16_t>((i * 31) % 30000 - 15000), static_cast<std::int16_t>(i % 1000)});
  const auto path = sentio::test::temp_dir() / "legacy.wav";
  write_wav_s16(path, 44100, 2, pcm);
  for (int channel : {kMixChannels, 0, 1}) {
    const Decoded d = decode_all(path.string(), 16000, channel, 777);
    EXPECT_EQ(d.samples, decode_audio(path.string(), 16000, channel)) << channel;
    EXPECT_EQ(d.info.channels, 1);
  }
}

}  // namespace
}  // namespace sentio::media
