// SPDX-License-Identifier: Apache-2.0
// Every bad input gives one sentio::InputError whose single-line message starts with the quoted
// path and states the cause; damaged files never crash the decoders.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "media_fixtures.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/media/video_reader.hpp"

namespace sentio::media {
namespace {

using namespace sentio::test::media_fixtures;
namespace fs = std::filesystem;

// Runs `open` and returns the InputError's message ("" and a test failure if none was thrown).
std::string input_error_of(const std::function<void()>& open) {
  try {
    open();
  } catch (const InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected InputError, got another exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected InputError, nothing was thrown";
  return {};
}

void expect_audio_error(const fs::path& path, const std::string& cause) {
  const std::string msg = input_error_of([&] { decode_audio(path.string(), 16000); });
  EXPECT_EQ(msg.rfind("'" + path.string() + "': ", 0), 0u) << msg;
  EXPECT_NE(msg.find(cause), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

void expect_video_error(const fs::path& path, const std::string& cause) {
  const std::string msg = input_error_of([&] {
    VideoReader reader(path.string());
    VideoFrame frame;
    while (reader.next(frame)) {
    }
  });
  EXPECT_EQ(msg.rfind("'" + path.string() + "': ", 0), 0u) << msg;
  EXPECT_NE(msg.find(cause), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

fs::path write_bytes(const std::string& name, const std::vector<char>& bytes) {
  const fs::path p = sentio::test::temp_dir() / name;
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p;
}

std::vector<char> random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<char> b(n);
  for (char& c : b) c = static_cast<char>(rng() & 0xff);
  return b;
}

TEST(MediaErrors, MissingFile) {
  const fs::path p = sentio::test::temp_dir() / "nope.wav";
  EXPECT_EQ(input_error_of([&] { AudioDecoder(p.string(), 16000); }), "'" + p.string() + "': file not found");
  EXPECT_EQ(input_error_of([&] { VideoReader(p.string()); }), "'" + p.string() + "': file not found");
}

TEST(MediaErrors, EmptyFile) {
  const fs::path p = write_bytes("empty.wav", {});
  EXPECT_EQ(input_error_of([&] { AudioDecoder(p.string(), 16000); }), "'" + p.string() + "': file is empty");
  expect_video_error(p, "file is empty");
}

TEST(MediaErrors, Directory) {
  const fs::path p = sentio::test::temp_dir();
  expect_audio_error(p, "is a directory");
  expect_video_error(p, "is a directory");
}

// Random bytes are sometimes "recognised" by FFmpeg's MP3 probe with a very low score; the
// decoder's first rejection then identifies them as not media. Same with an .mp3 name.
TEST(MediaErrors, RandomBytes) {
  for (unsigned seed : {1u, 2u, 3u}) {
    expect_audio_error(write_bytes("random" + std::to_string(seed) + ".bin", random_bytes(65536, seed)),
                       "not a media file");
  }
  const fs::path named = write_bytes("random.mp3", random_bytes(65536, 4));
  expect_audio_error(named, "not a media file");
  expect_video_error(named, "not a media file");
}

TEST(MediaErrors, TextFile) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "This is a plain text file, not audio. Line " + std::to_string(i) + "\n";
  const std::vector<char> bytes(text.begin(), text.end());
  // .txt is claimed by FFmpeg's ANSI-art ("tty") demuxer; we call it text.
  expect_audio_error(write_bytes("notes.txt", bytes), "is a text file");
  expect_video_error(write_bytes("notes2.txt", bytes), "is a text file");
  expect_audio_error(write_bytes("notes.wav", bytes), "not a media file");
}

TEST(MediaErrors, TruncatedFlac) {
  SENTIO_REQUIRE_FFMPEG();
  expect_audio_error(truncated_copy(fixture("sine.flac"), 0.5, "half.flac"), "truncated");
}

TEST(MediaErrors, TruncatedMp3) {
  SENTIO_REQUIRE_FFMPEG();
  expect_audio_error(truncated_copy(fixture("sine.mp3"), 0.5, "half.mp3"), "truncated");
}

// ffmpeg writes the MP4 index (moov) at the end, so half a file has none.
TEST(MediaErrors, TruncatedMp4) {
  SENTIO_REQUIRE_FFMPEG();
  const fs::path half = truncated_copy(fixture("av_h264_aac.mp4"), 0.5, "half.mp4");
  expect_audio_error(half, "damaged or truncated mov,mp4");
  expect_video_error(half, "damaged or truncated mov,mp4");
}

TEST(MediaErrors, VideoOnlyFileHasNoAudio) {
  SENTIO_REQUIRE_FFMPEG();
  const fs::path p = ffmpeg_fixture("video_only.mp4", testsrc_source(1.0) + " -c:v libx264 -preset ultrafast");
  expect_audio_error(p, "has no audio stream");
}

TEST(MediaErrors, AudioOnlyFileHasNoVideo) {
  SENTIO_REQUIRE_FFMPEG();
  expect_video_error(fixture("sine.mp3"), "has no video stream");
  expect_video_error(fixture("sine.wav"), "has no video stream");
}

// Heavy damage (30% of the bytes in the middle of the file replaced) makes the decoder reject most
// packets: a clear failure rather than garbage.
TEST(MediaErrors, HeavilyCorruptedAudioFails) {
  SENTIO_REQUIRE_FFMPEG();
  for (const char* name : {"sine.mp3", "sine_aac.m4a"}) {
    const fs::path src = fixture(name);
    std::ifstream in(src, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::mt19937 rng(7);
    const std::size_t a = bytes.size() / 4, b = bytes.size() - bytes.size() / 8;
    for (std::size_t k = 0; k < (b - a) * 3 / 10; ++k) bytes[a + rng() % (b - a)] = static_cast<char>(rng() & 0xff);
    expect_audio_error(write_bytes("corrupt_" + src.filename().string(), bytes), "corrupt audio data");
  }
}

// Damaged copies of every fixture (1% or 10% of the bytes in the middle replaced, or a burst of
// zeros) either decode or throw InputError: no crash, no other exception.
TEST(MediaErrors, DamagedFilesNeverCrash) {
  SENTIO_REQUIRE_FFMPEG();
  int decoded = 0, rejected = 0;
  const auto srcs = make_fixtures(format_cases());
  for (std::size_t i = 0; i < srcs.size(); ++i) {
    const FormatCase& c = format_cases()[i];
    const fs::path& src = srcs[i];
    std::ifstream in(src, std::ios::binary);
    const std::vector<char> original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (unsigned variant = 0; variant < 3; ++variant) {
      std::vector<char> bytes = original;
      std::mt19937 rng(variant + 11);
      const std::size_t a = bytes.size() / 4, b = bytes.size() - bytes.size() / 8;
      if (variant < 2) {
        const std::size_t n = (b - a) * (variant == 0 ? 1 : 10) / 100;
        for (std::size_t k = 0; k < n; ++k) bytes[a + rng() % (b - a)] = static_cast<char>(rng() & 0xff);
      } else {
        std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(a), bytes.begin() + static_cast<std::ptrdiff_t>(a + 512), 0);
      }
      const fs::path p = write_bytes("damaged" + std::to_string(variant) + "_" + c.file, bytes);
      try {
        decode_audio(p.string(), 16000);
        ++decoded;
      } catch (const InputError&) {
        ++rejected;
      }
      if (c.has_video) {
        try {
          VideoReader reader(p.string(), {10.0, 64});
          VideoFrame f;
          int frames = 0;
          while (reader.next(f)) {
            ASSERT_EQ(f.rgb.size(), static_cast<std::size_t>(f.width) * f.height * 3);
            // A damaged timestamp must not stretch the 2 s clip's output much (MPEG-PS estimates
            // its duration from possibly damaged timestamps, so allow some slack).
            ASSERT_LE(++frames, 100) << p;
          }
          ++decoded;
        } catch (const InputError&) {
          ++rejected;
        }
      }
    }
  }
  RecordProperty("decoded", decoded);
  RecordProperty("rejected", rejected);
  EXPECT_GT(decoded + rejected, 0);
}

}  // namespace
}  // namespace sentio::media
