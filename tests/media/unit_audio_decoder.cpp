// SPDX-License-Identifier: Apache-2.0
// AudioDecoder on synthetic fixtures: every container/codec of the matrix, resampling, channel
// averaging, the int16 -> float mapping, streaming reads and bounded memory.
#include "sentio/media/audio_decoder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "media_fixtures.hpp"
#include "sentio/core/error.hpp"

namespace sentio::media {
namespace {

using namespace sentio::test::media_fixtures;

constexpr int kRate = 16000;
constexpr double kSineHz = 440.0;
constexpr double kSineAmp = 0.125;  // lavfi sine's default amplitude (1/8)

class AudioFormats : public ::testing::TestWithParam<FormatCase> {};

// 2 s at 44.1 kHz (48 kHz for Opus) decoded to 16 kHz mono: 32000 samples.
//  * Lossless: exactly 32000 (the resampler's tail is flushed, nothing lost).
//  * Lossy: never fewer than 32000 - 16, at most 2048 source samples more (codec padding that the
//    container does not describe, e.g. MP3 in AVI keeps the encoder delay, AAC keeps its last frame).
TEST_P(AudioFormats, DecodesSineToSixteenKilohertzMono) {
  SENTIO_REQUIRE_FFMPEG();
  const FormatCase& c = GetParam();
  const auto path = make_fixture(c);
  AudioDecoder dec(path.string(), kRate);
  const AudioInfo& info = dec.info();
  EXPECT_EQ(info.codec, c.audio_codec);
  EXPECT_EQ(info.source_sample_rate, c.source_rate);
  EXPECT_EQ(info.source_channels, 1);
  EXPECT_EQ(info.sample_rate, kRate);
  EXPECT_NEAR(info.duration_s, 2.0, 0.05);

  std::vector<float> x;
  std::vector<float> buf(4096);
  while (std::size_t n = dec.read(buf)) x.insert(x.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));

  const std::size_t expected = 2 * kRate;
  if (c.lossless) {
    EXPECT_EQ(x.size(), expected);
  } else {
    EXPECT_GE(x.size(), expected - 16);
    EXPECT_LE(x.size(), expected + 2048 * kRate / c.source_rate);
  }
  // Middle 1.6 s, away from codec start-up and tail transients.
  const std::size_t b = kRate / 5, e = 9 * kRate / 5;
  EXPECT_NEAR(zero_crossing_frequency(x, kRate, b, e), kSineHz, 0.5);
  if (c.lossless) {
    EXPECT_NEAR(peak_abs(x, b, e), kSineAmp, 0.005 * kSineAmp);
    // No time shift: sample k is the sine at k / 16000 s (swresample compensates its filter delay).
    double worst = 0;
    for (std::size_t k = b; k < e; ++k) {
      const double want = kSineAmp * std::sin(2 * std::numbers::pi * kSineHz * static_cast<double>(k) / kRate);
      worst = std::max(worst, std::fabs(x[k] - want));
    }
    EXPECT_LT(worst, 0.002);
  } else {
    // 10%: LAME's MP3 comes out 0.45 dB low (the ffmpeg CLI decodes the same level).
    EXPECT_NEAR(rms(x, b, e), kSineAmp / std::sqrt(2.0), 0.10 * kSineAmp / std::sqrt(2.0));
  }
}

INSTANTIATE_TEST_SUITE_P(Matrix, AudioFormats, ::testing::ValuesIn(format_cases()),
                         [](const ::testing::TestParamInfo<FormatCase>& p) {
                           std::string n = p.param.file;
                           for (char& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(AudioDecoder, ReportsContainerAndCodec) {
  SENTIO_REQUIRE_FFMPEG();
  AudioDecoder wav(fixture("sine.wav").string(), kRate);
  EXPECT_EQ(wav.info().container, "wav");
  AudioDecoder m4a(fixture("sine_aac.m4a").string(), kRate);
  EXPECT_EQ(m4a.info().container, "mov,mp4,m4a,3gp,3g2,mj2");
  EXPECT_EQ(m4a.info().path, fixture("sine_aac.m4a").string());
}

// int16 s maps to s / 32768 exactly (no resampling at 16 kHz -> 16 kHz).
TEST(AudioDecoder, Int16MapsToFloatBy32768) {
  const std::vector<std::int16_t> pcm = {-32768, -16384, -1, 0, 1, 16384, 32767};
  const auto path = sentio::test::temp_dir() / "levels.wav";
  write_wav_s16(path, kRate, 1, pcm);
  const std::vector<float> x = decode_audio(path.string(), kRate);
  ASSERT_EQ(x.size(), pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i) EXPECT_EQ(x[i], static_cast<float>(pcm[i]) / 32768.0f) << i;
}

// A WAV declaring 1 Hz decoded a few KB as hours of audio (8.9 h for 32 KB, resampled to 16 kHz); rates
// below kMinSampleRate are refused from the header, naming the file, before decoding.
TEST(AudioDecoder, RatesBelowTheMinimumAreRefused) {
  const std::vector<std::int16_t> pcm(4000, 1000);
  const auto path = sentio::test::temp_dir() / "one_hertz.wav";
  write_wav_s16(path, 1, 1, pcm);
  for (const int rate : {kRate, 0}) {
    try {
      AudioDecodeOptions o;
      o.sample_rate = rate;
      AudioDecoder d(path.string(), o);
      FAIL() << "no error for a 1 Hz WAV";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("one_hertz.wav"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("1 Hz"), std::string::npos) << e.what();
    }
  }
  const auto ok = sentio::test::temp_dir() / "low.wav";
  write_wav_s16(ok, kMinSampleRate, 1, pcm);
  EXPECT_NEAR(static_cast<double>(decode_audio(ok.string(), kRate).size()), 64000.0, 16.0);
  AudioDecodeOptions raw;
  raw.input_format = "s16le";
  raw.raw_sample_rate = kMinSampleRate - 1;
  raw.raw_channels = 1;
  EXPECT_THROW(AudioDecoder(ok.string(), raw), InputError);
}

// A WAV declaring about 1.8 GHz made swresample's initialisation run out of memory (found by fuzz_audio,
// an "internal error"); rates above kMaxSampleRate are refused from the header like those below the minimum.
TEST(AudioDecoder, RatesAboveTheMaximumAreRefused) {
  const std::vector<std::int16_t> pcm(4000, 1000);
  const auto path = sentio::test::temp_dir() / "giga.wav";
  write_wav_s16(path, 1'000'000'000, 1, pcm);  // (its byte rate still fits the helper's int)
  try {
    AudioDecoder d(path.string(), AudioDecodeOptions{});
    std::vector<float> block(4096);
    while (d.read(block) > 0) {
    }
    FAIL() << "no error for a 1 GHz WAV";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("giga.wav"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1000000000 Hz"), std::string::npos) << e.what();
  }
  const auto ok = sentio::test::temp_dir() / "high.wav";
  write_wav_s16(ok, kMaxSampleRate, 1, pcm);
  EXPECT_NEAR(static_cast<double>(decode_audio(ok.string(), kRate).size()), 4000.0 * kRate / kMaxSampleRate, 16.0);
}

// A 32-bit float WAV (format 3) of `samples` at `rate`, mono.
void write_wav_f32(const std::filesystem::path& path, int rate, const std::vector<float>& samples) {
  auto u32 = [](std::uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto u16 = [](std::uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  const auto bytes = static_cast<std::uint32_t>(samples.size() * 4);
  std::string h = "RIFF" + u32(36 + bytes) + "WAVEfmt " + u32(16) + u16(3) + u16(1) + u32(static_cast<std::uint32_t>(rate)) +
                  u32(static_cast<std::uint32_t>(rate) * 4) + u16(4) + u16(32) + "data" + u32(bytes);
  std::ofstream out(path, std::ios::binary);
  out << h;
  out.write(reinterpret_cast<const char*>(samples.data()), static_cast<std::streamsize>(bytes));
}

// NaN and infinite samples of a float input used to come out as NaN (and `nan` in the features CSV); they
// are 0 now, counted in one warning naming the file, also when resampled (the filter would spread them).
TEST(AudioDecoder, NonFiniteSamplesBecomeZeroWithAWarning) {
  std::vector<float> x(16000, 0.25f);
  x[100] = std::numeric_limits<float>::quiet_NaN();
  x[200] = std::numeric_limits<float>::infinity();
  x[300] = -std::numeric_limits<float>::infinity();
  const auto path = sentio::test::temp_dir() / "nan.wav";
  write_wav_f32(path, kRate, x);
  for (const int rate : {0, kRate, 8000}) {
    AudioDecodeOptions o;
    o.sample_rate = rate;
    AudioDecoder d(path.string(), o);
    std::vector<float> y(40000);
    const std::size_t n = d.read(y);
    ASSERT_GT(n, 7000u);
    for (std::size_t i = 0; i < n; ++i) ASSERT_TRUE(std::isfinite(y[i])) << i << " at rate " << rate;
    if (rate != 8000) {
      EXPECT_EQ(y[100], 0.0f);
      EXPECT_EQ(y[101], 0.25f);
    }
    ASSERT_EQ(d.warnings().size(), 1u);
    EXPECT_NE(d.warnings()[0].find("nan.wav"), std::string::npos) << d.warnings()[0];
    EXPECT_NE(d.warnings()[0].find("3 sample(s) were NaN or infinite"), std::string::npos) << d.warnings()[0];
  }
}

// Channels are averaged: (x + -x) / 2 = 0, (x + x) / 2 = x, (x + 0) / 2 = x / 2.
TEST(AudioDecoder, AveragesStereoToMono) {
  const int n = 8000;
  std::vector<std::int16_t> opposite, equal, left_only;
  for (int i = 0; i < n; ++i) {
    const auto s = static_cast<std::int16_t>(std::lround(16000.0 * std::sin(2 * std::numbers::pi * 440.0 * i / kRate)));
    opposite.insert(opposite.end(), {s, static_cast<std::int16_t>(-s)});
    equal.insert(equal.end(), {s, s});
    left_only.insert(left_only.end(), {s, 0});
  }
  const auto dir = sentio::test::temp_dir();
  write_wav_s16(dir / "opposite.wav", kRate, 2, opposite);
  write_wav_s16(dir / "equal.wav", kRate, 2, equal);
  write_wav_s16(dir / "left.wav", kRate, 2, left_only);

  const auto silent = decode_audio((dir / "opposite.wav").string(), kRate);
  ASSERT_EQ(silent.size(), static_cast<std::size_t>(n));
  EXPECT_LT(peak_abs(silent, 0, silent.size()), 1e-6);

  const auto same = decode_audio((dir / "equal.wav").string(), kRate);
  const auto half = decode_audio((dir / "left.wav").string(), kRate);
  ASSERT_EQ(same.size(), static_cast<std::size_t>(n));
  ASSERT_EQ(half.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const float want = static_cast<float>(equal[2 * i]) / 32768.0f;
    ASSERT_NEAR(same[i], want, 1e-6) << i;
    ASSERT_NEAR(half[i], want / 2, 1e-6) << i;
  }
}

// The same through a codec and the resampler: anti-phase stereo FLAC at 44.1 kHz -> silence, and a
// 5.1 file with the sine on every channel -> the sine at full amplitude.
TEST(AudioDecoder, AveragesEncodedMultichannelToMono) {
  SENTIO_REQUIRE_FFMPEG();
  const std::string sine = "0.5*sin(2*PI*440*t)";
  const auto anti = ffmpeg_fixture("antiphase.flac", "-f lavfi -i \"aevalsrc=exprs='" + sine + "|-" + sine +
                                                         "':sample_rate=44100:duration=1\" -c:a flac");
  const auto silent = decode_audio(anti.string(), kRate);
  EXPECT_EQ(silent.size(), static_cast<std::size_t>(kRate));
  EXPECT_LT(peak_abs(silent, 0, silent.size()), 2.0 / 32768);

  std::string six = sine;
  for (int i = 1; i < 6; ++i) six += "|" + sine;
  const auto surround = ffmpeg_fixture("surround.wav", "-f lavfi -i \"aevalsrc=exprs='" + six +
                                                          "':channel_layout=5.1:sample_rate=44100:duration=1\" -c:a pcm_s16le");
  AudioDecoder dec(surround.string(), kRate);
  EXPECT_EQ(dec.info().source_channels, 6);
  std::vector<float> x(2 * kRate);
  x.resize(dec.read(x));
  EXPECT_EQ(x.size(), static_cast<std::size_t>(kRate));
  EXPECT_NEAR(peak_abs(x, kRate / 10, 9 * kRate / 10), 0.5, 0.005);
  EXPECT_NEAR(zero_crossing_frequency(x, kRate, kRate / 10, 9 * kRate / 10), 440.0, 0.5);
}

TEST(AudioDecoder, UpsamplesToo) {
  SENTIO_REQUIRE_FFMPEG();
  const auto x = decode_audio(fixture("sine.flac").string(), 48000);
  EXPECT_EQ(x.size(), 96000u);
  EXPECT_NEAR(zero_crossing_frequency(x, 48000, 9600, 86400), kSineHz, 0.5);
  EXPECT_NEAR(peak_abs(x, 9600, 86400), kSineAmp, 0.005 * kSineAmp);
}

// Any read size gives the same stream, bit for bit, as reading everything at once.
TEST(AudioDecoder, ReadSizeDoesNotChangeTheStream) {
  SENTIO_REQUIRE_FFMPEG();
  const std::string path = fixture("sine.mp3").string();  // MP3, resampled
  const std::vector<float> whole = decode_audio(path, kRate);
  ASSERT_GT(whole.size(), 30000u);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{100000}}) {
    AudioDecoder dec(path, kRate);
    std::vector<float> got, buf(chunk);
    while (std::size_t n = dec.read(buf)) got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(got, whole) << "chunk " << chunk;
    EXPECT_EQ(dec.read(buf), 0u);  // stays at the end
  }
}

TEST(AudioDecoder, OutputStaysInHalfOpenUnitRange) {
  // A full-scale square wave resampled 44.1 -> 16 kHz overshoots (Gibbs); the output is clamped.
  std::vector<std::int16_t> pcm(44100);
  for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = (i / 50) % 2 ? 32767 : -32768;
  const auto path = sentio::test::temp_dir() / "square.wav";
  write_wav_s16(path, 44100, 1, pcm);
  const auto x = decode_audio(path.string(), kRate);
  ASSERT_EQ(x.size(), static_cast<std::size_t>(kRate));
  for (float v : x) {
    ASSERT_GE(v, -1.0f);
    ASSERT_LT(v, 1.0f);
  }
  EXPECT_GT(peak_abs(x, 0, x.size()), 0.99);
}

TEST(AudioDecoder, MovedDecoderKeepsReading) {
  SENTIO_REQUIRE_FFMPEG();
  AudioDecoder a(fixture("sine.wav").string(), kRate);
  std::vector<float> buf(1000);
  EXPECT_EQ(a.read(buf), 1000u);
  AudioDecoder b = std::move(a);
  std::size_t total = 1000;
  while (std::size_t n = b.read(buf)) total += n;
  EXPECT_EQ(total, 32000u);
}

long status_kib(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  return -1;
}

// Streaming keeps memory flat: 20 minutes of 16 kHz audio (38 MB of PCM, 77 MB as float) read in
// 4096-sample chunks raises the peak RSS by less than 20 MB.
TEST(AudioDecoder, MemoryDoesNotGrowWithFileLength) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "skipped: AddressSanitizer's quarantine never reuses freed packet buffers";
#endif
  const int seconds = 20 * 60;
  const auto path = sentio::test::temp_dir() / "long.wav";
  {
    std::vector<std::int16_t> pcm(static_cast<std::size_t>(seconds) * kRate);
    for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<std::int16_t>((i * 37) % 20000 - 10000);
    write_wav_s16(path, kRate, 1, pcm);
  }
  AudioDecoder dec(path.string(), 8000);  // through the resampler too (and FFmpeg's libraries loaded)
  {
    std::ofstream reset("/proc/self/clear_refs");  // "5" resets VmHWM to the current RSS (Linux >= 4.0)
    reset << "5";
  }
  const long rss_before = status_kib("VmRSS:");
  ASSERT_GT(rss_before, 0);
  std::vector<float> buf(4096);
  std::size_t total = 0;
  while (std::size_t n = dec.read(buf)) total += n;
  const long peak = status_kib("VmHWM:");
  RecordProperty("rss_growth_kib", std::to_string(peak - rss_before));
  EXPECT_EQ(total, static_cast<std::size_t>(seconds) * 8000);
  EXPECT_LT(peak - rss_before, 20 * 1024) << "peak RSS grew by " << (peak - rss_before) << " KiB";
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace sentio::media
