// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test fixtures for sentio::media: media files generated at test time with the ffmpeg CLI (cached
// per process), a tiny WAV writer, and signal measurements for synthetic sines.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sentio/media/audio_decoder.hpp"
#include "test_support.hpp"

namespace sentio::test::media_fixtures {

inline bool have_ffmpeg() {
  static const bool ok = run_command("ffmpeg -hide_banner -version").status == 0;
  return ok;
}

// Creates (once per process) `name` in a fixture folder by running
// `ffmpeg -hide_banner -loglevel error -y <args> <folder>/<name>` and returns its path.
inline std::filesystem::path ffmpeg_fixture(const std::string& name, const std::string& args) {
  static const std::filesystem::path dir = temp_dir();
  static std::map<std::string, std::filesystem::path> made;
  if (auto it = made.find(name); it != made.end()) return it->second;
  const std::filesystem::path out = dir / name;
  const CommandResult r = run_command("ffmpeg -hide_banner -loglevel error -nostdin -y " + args + " '" + out.string() + "'");
  if (r.status != 0) throw std::runtime_error("ffmpeg failed to make " + name + ": " + r.output);
  made.emplace(name, out);
  return out;
}

// lavfi source of a 440 Hz sine, amplitude 1/8 (lavfi's default), 44.1 kHz, `seconds` long.
inline std::string sine_source(double seconds = 2.0) {
  return "-f lavfi -i sine=frequency=440:sample_rate=44100:duration=" + std::to_string(seconds);
}

// lavfi test pattern, 160x120 at 25 fps.
inline std::string testsrc_source(double seconds = 2.0) {
  return "-f lavfi -i testsrc=size=160x120:rate=25:duration=" + std::to_string(seconds);
}

// The container/codec matrix the tests decode: 2 s of the 440 Hz sine (and, for video containers,
// the 160x120 25 fps test pattern alongside it).
struct FormatCase {
  std::string file;         // fixture name; the extension selects the container
  std::string codec_args;   // ffmpeg encoder options
  std::string audio_codec;  // expected AudioInfo::codec
  bool lossless = false;
  bool has_video = false;
  int source_rate = 44100;  // rate of the encoded audio
};

// gtest prints a case by its file name (instead of dumping the struct's bytes).
inline void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.file; }

inline const std::vector<FormatCase>& format_cases() {
  static const std::vector<FormatCase> cases = {
      {"sine.wav", "-c:a pcm_s16le", "pcm_s16le", true, false},
      {"sine.flac", "-c:a flac", "flac", true, false},
      {"sine.mp3", "-c:a libmp3lame -b:a 128k", "mp3", false, false},
      {"sine_vorbis.ogg", "-c:a libvorbis", "vorbis", false, false},
      {"sine_opus.ogg", "-c:a libopus", "opus", false, false, 48000},
      {"sine_aac.m4a", "-c:a aac", "aac", false, false},
      {"av_h264_aac.mp4", "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac", "aac", false, true},
      {"av_vp9_flac.mkv", "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -c:a flac", "flac", true, true},
      // VP9 rather than VP8: Debian's libvpx VP8 encoder takes ~1 s for this clip, VP9 realtime 0.2 s.
      {"av_vp9_opus.webm", "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -c:a libopus", "opus", false, true, 48000},
      {"av_mpeg1_mp2.mpg", "-c:v mpeg1video -c:a mp2", "mp2", false, true},
      {"av_mpeg4_mp3.avi", "-c:v mpeg4 -c:a libmp3lame", "mp3", false, true},
  };
  return cases;
}

// Makes the missing ones of `cases` with a single ffmpeg run (one run per file costs ~0.15 s of
// start-up each) and returns their paths, in order. Files are cached per process.
inline std::vector<std::filesystem::path> make_fixtures(const std::vector<FormatCase>& cases) {
  static const std::filesystem::path dir = temp_dir();
  static std::map<std::string, std::filesystem::path> made;
  std::vector<const FormatCase*> missing;
  bool any_video = false;
  for (const FormatCase& c : cases)
    if (!made.count(c.file)) {
      missing.push_back(&c);
      any_video = any_video || c.has_video;
    }
  if (!missing.empty()) {
    // Inputs: [0] the test pattern (only when a video case is missing), then the sine.
    const std::string audio_map = any_video ? "1:a" : "0:a";
    std::string cmd = "ffmpeg -hide_banner -loglevel error -nostdin -y " +
                      (any_video ? testsrc_source() + " " : std::string()) + sine_source();
    for (const FormatCase* c : missing)
      cmd += (c->has_video ? " -map 0:v -map " : " -map ") + audio_map + " " + c->codec_args + " '" +
             (dir / c->file).string() + "'";
    const CommandResult r = run_command(cmd);
    if (r.status != 0) throw std::runtime_error("ffmpeg failed to make fixtures: " + r.output);
    for (const FormatCase* c : missing) made.emplace(c->file, dir / c->file);
  }
  std::vector<std::filesystem::path> out;
  for (const FormatCase& c : cases) out.push_back(made.at(c.file));
  return out;
}

inline std::filesystem::path make_fixture(const FormatCase& c) { return make_fixtures({c}).front(); }

// The matrix fixture named `file` (e.g. "sine.flac").
inline std::filesystem::path fixture(const std::string& file) {
  for (const FormatCase& c : format_cases())
    if (c.file == file) return make_fixture(c);
  throw std::logic_error("no fixture " + file);
}

using test::write_wav_s16;

// Everything an AudioDecoder gives for one input.
struct Decoded {
  media::AudioInfo info;
  std::vector<float> samples;
  std::vector<std::string> warnings;
};

// Decodes `path` whole, in reads of `chunk` samples (each read must return whole frames).
inline Decoded decode_all(const std::string& path, const media::AudioDecodeOptions& options, std::size_t chunk = 4096) {
  media::AudioDecoder dec(path, options);
  Decoded d;
  d.info = dec.info();
  std::vector<float> buf(chunk);
  while (std::size_t n = dec.read(buf)) {
    EXPECT_EQ(n % static_cast<std::size_t>(d.info.channels), 0u);
    d.samples.insert(d.samples.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
  d.warnings = dec.warnings();
  return d;
}

// Frequency (Hz) of a sine from its upward zero crossings (linearly interpolated) in
// x[begin, end); NaN with fewer than two crossings.
inline double zero_crossing_frequency(const std::vector<float>& x, int rate, std::size_t begin, std::size_t end) {
  double first = -1, last = -1;
  int count = 0;
  for (std::size_t i = begin + 1; i < end && i < x.size(); ++i) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const double t = static_cast<double>(i - 1) + x[i - 1] / (x[i - 1] - x[i]);  // in samples
      if (count == 0) first = t;
      last = t;
      ++count;
    }
  }
  if (count < 2) return std::nan("");
  return (count - 1) * rate / (last - first);
}

inline double peak_abs(const std::vector<float>& x, std::size_t begin, std::size_t end) {
  double p = 0;
  for (std::size_t i = begin; i < end && i < x.size(); ++i) p = std::max(p, static_cast<double>(std::fabs(x[i])));
  return p;
}

inline double rms(const std::vector<float>& x, std::size_t begin, std::size_t end) {
  double s = 0;
  std::size_t n = 0;
  for (std::size_t i = begin; i < end && i < x.size(); ++i, ++n) s += static_cast<double>(x[i]) * x[i];
  return n ? std::sqrt(s / static_cast<double>(n)) : 0.0;
}

// Copies the first `fraction` of a file (a cut download).
inline std::filesystem::path truncated_copy(const std::filesystem::path& src, double fraction, const std::string& name) {
  std::ifstream in(src, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::filesystem::path out = temp_dir() / name;
  std::ofstream o(out, std::ios::binary);
  o.write(bytes.data(), static_cast<std::streamsize>(static_cast<double>(bytes.size()) * fraction));
  return out;
}

}  // namespace sentio::test::media_fixtures

#define SENTIO_REQUIRE_FFMPEG() \
  if (!::sentio::test::media_fixtures::have_ffmpeg()) GTEST_SKIP() << "skipped: the ffmpeg CLI is not installed"
