// SPDX-License-Identifier: Apache-2.0
// sentio::media on the shared corpora: the openSMILE reference FLACs against sox (bit exact), the
// GRID clips (MPEG-PS, MPEG-1 video + MP2 stereo) against the ffmpeg CLI, and the face clips.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "media_fixtures.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/media/video_reader.hpp"
#include "test_support.hpp"

namespace sentio::media {
namespace {

namespace fs = std::filesystem;
using sentio::test::media_fixtures::rms;

std::vector<fs::path> files_in(const fs::path& dir, const std::string& ext, const std::string& prefix = "") {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ext && e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// 16-bit FLAC decoded at its own rate is the int16 samples / 32768, exactly (what sox reads).
TEST(MediaData, OpensmileFlacsMatchSoxExactly) {
  SENTIO_REQUIRE_SHARED(dir, "reference/opensmile/audio");
  const auto flacs = files_in(dir, ".flac", "s");
  ASSERT_FALSE(flacs.empty());
  for (const fs::path& p : flacs) {
    AudioDecoder dec(p.string(), 16000);
    ASSERT_EQ(dec.info().source_sample_rate, 16000) << p;
    std::vector<float> x(static_cast<std::size_t>((dec.info().duration_s + 1) * 16000));
    std::size_t n = 0;
    while (std::size_t got = dec.read(std::span<float>(x).subspan(n))) n += got;
    x.resize(n);
    const std::vector<short> ref = sentio::test::load_pcm16_via_sox(p);
    ASSERT_EQ(x.size(), ref.size()) << p;
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) mismatches += x[i] != static_cast<float>(ref[i]) / 32768.0f;
    EXPECT_EQ(mismatches, 0u) << p;
  }
}

TEST(MediaData, TenMinuteFlacMatchesSoxExactly) {
  SENTIO_REQUIRE_SHARED(p, "reference/opensmile/audio/long_10min.flac");
  const std::vector<float> x = decode_audio(p.string(), 16000);
  const std::vector<short> ref = sentio::test::load_pcm16_via_sox(p);
  ASSERT_EQ(x.size(), 600u * 16000u);
  ASSERT_EQ(ref.size(), x.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) mismatches += x[i] != static_cast<float>(ref[i]) / 32768.0f;
  EXPECT_EQ(mismatches, 0u);
}

// GRID audio (MP2 44.1 kHz stereo) -> 16 kHz mono, against the ffmpeg CLI doing the same with an
// explicit average (pan=0.5 L + 0.5 R, then aresample with swresample's defaults): same length,
// relative RMS difference < 5e-4 (measured 5e-5 .. 2e-4; the CLI's filter graph takes a slightly
// different float path), max difference < 1e-3, both without the few samples (< 10 per clip) where
// the resampled signal overshoots 1.0 and we clamp it to [-1, 1).
// Levels agree with videos.csv (ffmpeg volumedetect, within 0.3 dB).
TEST(MediaData, GridAudioMatchesFfmpegCli) {
  SENTIO_REQUIRE_SHARED(dir, "data/video/grid");
  SENTIO_REQUIRE_FFMPEG();
  const auto clips = files_in(dir, ".mpg");
  ASSERT_EQ(clips.size(), 11u);
  const fs::path tmp = sentio::test::temp_dir();
  for (const fs::path& clip : clips) {
    AudioDecoder dec(clip.string(), 16000);
    EXPECT_EQ(dec.info().container, "mpeg");
    EXPECT_EQ(dec.info().codec, "mp2");
    EXPECT_EQ(dec.info().source_channels, 2);
    std::vector<float> x(4 * 16000);
    x.resize(dec.read(x));

    const fs::path ref_path = tmp / (clip.stem().string() + ".f32");
    const auto r = sentio::test::run_command("ffmpeg -hide_banner -loglevel error -nostdin -y -i '" + clip.string() +
                                             "' -af 'pan=mono|c0=0.5*c0+0.5*c1,aresample=16000' -f f32le '" +
                                             ref_path.string() + "'");
    ASSERT_EQ(r.status, 0) << r.output;
    std::vector<float> ref(static_cast<std::size_t>(fs::file_size(ref_path) / 4));
    FILE* f = std::fopen(ref_path.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fread(ref.data(), 4, ref.size(), f), ref.size());
    std::fclose(f);

    ASSERT_EQ(x.size(), ref.size()) << clip;
    EXPECT_NEAR(static_cast<double>(x.size()) / 16000, 2.98, 0.05) << clip;
    double diff2 = 0, ref2 = 0, worst = 0;
    std::size_t clamped = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (std::fabs(ref[i]) >= 1.0f) {  // we clamp these overshoots; the CLI does not
        ++clamped;
        continue;
      }
      const double d = x[i] - ref[i];
      diff2 += d * d;
      ref2 += static_cast<double>(ref[i]) * ref[i];
      worst = std::max(worst, std::fabs(d));
    }
    EXPECT_LT(clamped, 10u) << clip;
    EXPECT_LT(std::sqrt(diff2 / ref2), 5e-4) << clip;
    EXPECT_LT(worst, 1e-3) << clip;
    const double level_db = 20 * std::log10(rms(x, 0, x.size()));
    EXPECT_GT(level_db, -22.5) << clip;  // videos.csv: mean volume -16.7 .. -21.8 dB
    EXPECT_LT(level_db, -16.0) << clip;
  }
}

// GRID video: MPEG-1 360x288 at 25 fps, 3 s: 75 frames from t = 0; 30 at 10 fps.
TEST(MediaData, GridVideoFrames) {
  SENTIO_REQUIRE_SHARED(dir, "data/video/grid");
  for (const fs::path& clip : files_in(dir, ".mpg")) {
    VideoReader every(clip.string());
    EXPECT_EQ(every.info().codec, "mpeg1video");
    EXPECT_EQ(every.info().width, 360);
    EXPECT_EQ(every.info().height, 288);
    EXPECT_NEAR(every.info().native_fps, 25.0, 1e-9);
    VideoFrame f;
    int n = 0;
    double last = -1;
    while (every.next(f)) {
      ASSERT_EQ(f.rgb.size(), 360u * 288u * 3u);
      EXPECT_NEAR(f.time_s, n * 0.04, 0.02) << clip;
      EXPECT_GT(f.time_s, last);
      last = f.time_s;
      ++n;
    }
    EXPECT_EQ(n, 75) << clip;
    EXPECT_EQ(every.skipped_frames(), 0) << clip;

    VideoReader at10(clip.string(), {10.0, 180});
    int m = 0;
    while (at10.next(f)) {
      EXPECT_EQ(f.width, 180);
      EXPECT_EQ(f.height, 144);
      ++m;
    }
    EXPECT_EQ(m, 30) << clip;
  }
}

// Frame counts from videos.csv / ffprobe; the RAVDESS clip has no audio at all.
TEST(MediaData, FaceClips) {
  SENTIO_REQUIRE_SHARED(dir, "data/video");
  struct Clip {
    const char* rel;
    int frames, width, height;
    double fps;
  };
  const Clip clips[] = {{"pyfeat/WolfgangLanger_Pexels.mp4", 472, 640, 360, 24000.0 / 1001},
                        {"pyfeat/single_face.mp4", 72, 640, 360, 30.0},
                        {"ravdess_faceshot/01-01-08-02-01-01-19.mp4", 122, 720, 720, 2997.0 / 100}};
  for (const Clip& c : clips) {
    const fs::path p = dir / c.rel;
    if (!fs::exists(p)) continue;
    VideoReader reader(p.string(), {0.0, 320});
    EXPECT_EQ(reader.info().width, c.width);
    EXPECT_EQ(reader.info().height, c.height);
    EXPECT_NEAR(reader.info().native_fps, c.fps, 1e-3) << c.rel;
    VideoFrame f;
    int n = 0;
    while (reader.next(f)) {
      EXPECT_EQ(f.width, 320);
      EXPECT_EQ(f.height, c.height * 320 / c.width);
      ++n;
    }
    EXPECT_EQ(n, c.frames) << c.rel;
  }
  const fs::path ravdess = dir / clips[2].rel;
  if (fs::exists(ravdess)) {
    try {
      AudioDecoder dec(ravdess.string(), 16000);
      ADD_FAILURE() << "expected 'has no audio stream'";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), "'" + ravdess.string() + "': has no audio stream");
    }
  }
  // The WolfgangLanger clip's AAC track is digital silence (videos.csv: -91 dB).
  const fs::path silent = dir / clips[0].rel;
  if (fs::exists(silent)) {
    const auto x = decode_audio(silent.string(), 16000);
    EXPECT_NEAR(static_cast<double>(x.size()) / 16000, 19.69, 0.1);
    EXPECT_LT(rms(x, 0, x.size()), 1e-3);
  }
}

}  // namespace
}  // namespace sentio::media
