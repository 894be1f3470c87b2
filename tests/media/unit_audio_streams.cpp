// SPDX-License-Identifier: Apache-2.0
// AudioDecoder on streams: raw PCM and containers through pipes ("pipe:N", "-"), inputs that end
// early (audio plus a warning, never an exception), a live source that must not be read ahead, and
// the raw-format option errors.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "media_fixtures.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"

namespace sentio::media {
namespace {

using namespace sentio::test::media_fixtures;
using Bytes = std::vector<char>;

// A pipe whose write end a thread feeds with `first`, then (once release() is called, or at once
// when `wait` is false) with `rest`, then closes. Decode it as url().
class PipeFeeder {
 public:
  explicit PipeFeeder(Bytes first, Bytes rest = {}, bool wait = false)
      : first_(std::move(first)), rest_(std::move(rest)) {
    static const bool ignored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();  // EPIPE, not death
    EXPECT_TRUE(ignored);
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);  // CLOEXEC: ffmpeg children of other tests must not hold it open
    read_fd_ = fds[0];
    write_fd_ = fds[1];
    if (!wait) release();
    writer_ = std::thread([this] {
      write_all(first_);
      released_.get_future().wait_for(std::chrono::seconds(10));
      rest_started_ = true;
      write_all(rest_);
      ::close(write_fd_);
    });
  }
  ~PipeFeeder() {
    release();
    ::close(read_fd_);  // a writer blocked on a full pipe now gets EPIPE
    writer_.join();
  }
  PipeFeeder(const PipeFeeder&) = delete;
  PipeFeeder& operator=(const PipeFeeder&) = delete;

  std::string url() const { return "pipe:" + std::to_string(read_fd_); }
  int read_fd() const { return read_fd_; }
  void release() {
    if (!released_flag_.exchange(true)) released_.set_value();
  }
  // True once the writer went on with `rest` (released, or tired of waiting).
  bool rest_started() const { return rest_started_; }

 private:
  void write_all(const Bytes& bytes) const {
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      const ssize_t n = ::write(write_fd_, bytes.data() + pos, std::min<std::size_t>(bytes.size() - pos, 8192));
      if (n <= 0) return;
      pos += static_cast<std::size_t>(n);
    }
  }

  Bytes first_, rest_;
  int read_fd_ = -1, write_fd_ = -1;
  std::promise<void> released_;
  std::atomic<bool> released_flag_{false};
  std::atomic<bool> rest_started_{false};
  std::thread writer_;
};

Bytes file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

template <typename T>
Bytes as_bytes(const std::vector<T>& v) {
  Bytes b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

AudioDecodeOptions raw(const std::string& format, int rate, int channels, int channel = kAllChannels) {
  AudioDecodeOptions o;
  o.input_format = format;
  o.raw_sample_rate = rate;
  o.raw_channels = channels;
  o.channel = channel;
  return o;
}

std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

// 16-bit stereo ramp: left counts up, right down.
std::vector<std::int16_t> stereo_ramp(int frames) {
  std::vector<std::int16_t> pcm;
  for (int i = 0; i < frames; ++i)
    pcm.insert(pcm.end(), {static_cast<std::int16_t>(i * 7 - 20000), static_cast<std::int16_t>(20000 - i * 5)});
  return pcm;
}

TEST(AudioStreams, RawS16StereoThroughAPipeIsExact) {
  const std::vector<std::int16_t> pcm = stereo_ramp(5000);
  PipeFeeder feeder(as_bytes(pcm));
  const Decoded d = decode_all(feeder.url(), raw("s16le", 22050, 2), 333);  // odd span: whole frames only
  EXPECT_EQ(d.info.container, "s16le");
  EXPECT_EQ(d.info.codec, "pcm_s16le");
  EXPECT_EQ(d.info.sample_rate, 22050);
  EXPECT_EQ(d.info.channels, 2);
  EXPECT_EQ(d.info.source_channels, 2);
  ASSERT_EQ(d.samples.size(), pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i) ASSERT_EQ(d.samples[i], static_cast<float>(pcm[i]) / 32768.0f) << i;
  EXPECT_TRUE(d.warnings.empty());
}

TEST(AudioStreams, RawMixAndChannelSelectionAndResampling) {
  const std::vector<std::int16_t> pcm = stereo_ramp(4000);
  {
    PipeFeeder feeder(as_bytes(pcm));
    const Decoded right = decode_all(feeder.url(), raw("s16le", 16000, 2, 1));
    ASSERT_EQ(right.samples.size(), 4000u);
    EXPECT_EQ(right.info.channels, 1);
    for (std::size_t i = 0; i < 4000; ++i) ASSERT_EQ(right.samples[i], static_cast<float>(pcm[2 * i + 1]) / 32768.0f);
  }
  {
    PipeFeeder feeder(as_bytes(pcm));
    const Decoded mix = decode_all(feeder.url(), raw("s16le", 16000, 2, kMixChannels));
    ASSERT_EQ(mix.samples.size(), 4000u);
    for (std::size_t i = 0; i < 4000; ++i)
      ASSERT_NEAR(mix.samples[i], (pcm[2 * i] + pcm[2 * i + 1]) / 65536.0, 1e-6);
  }
  {
    PipeFeeder feeder(as_bytes(pcm));
    AudioDecodeOptions o = raw("s16le", 16000, 2, kMixChannels);
    o.sample_rate = 8000;
    const Decoded half = decode_all(feeder.url(), o);
    EXPECT_EQ(half.info.sample_rate, 8000);
    EXPECT_EQ(half.samples.size(), 2000u);
  }
}

TEST(AudioStreams, OtherRawFormatsFromAFile) {
  const auto dir = sentio::test::temp_dir();
  auto write = [&](const std::string& name, const Bytes& b) {
    std::ofstream(dir / name, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
    return (dir / name).string();
  };
  const std::vector<float> f32 = {0.5f, -0.25f, 0.0f, -1.0f, 0.75f, 0.125f};
  Decoded d = decode_all(write("x.f32", as_bytes(f32)), raw("f32le", 8000, 3));
  EXPECT_EQ(d.samples, f32);
  const std::vector<double> f64 = {0.5, -0.25, 2.0, -1.0};  // 2.0 is clamped
  d = decode_all(write("x.f64", as_bytes(f64)), raw("f64le", 8000, 1));
  EXPECT_EQ(d.samples, (std::vector<float>{0.5f, -0.25f, 0x1.fffffep-1f, -1.0f}));
  const std::vector<std::int32_t> s32 = {1 << 30, -(1 << 30), 2147483647, -2147483647 - 1};
  d = decode_all(write("x.s32", as_bytes(s32)), raw("s32le", 8000, 2));
  EXPECT_EQ(d.samples, (std::vector<float>{0.5f, -0.5f, 0x1.fffffep-1f, -1.0f}));  // full scale stays below 1
  const std::vector<std::uint8_t> u8 = {128, 192, 64, 0};
  d = decode_all(write("x.u8", as_bytes(u8)), raw("u8", 8000, 1));
  EXPECT_EQ(d.samples, (std::vector<float>{0.0f, 0.5f, -0.5f, -1.0f}));
}

TEST(AudioStreams, RawPartialSampleFrameIsAWarning) {
  std::vector<std::int16_t> pcm = stereo_ramp(1000);
  Bytes bytes = as_bytes(pcm);
  bytes.insert(bytes.end(), {1, 2, 3});  // 3 bytes: less than one 4-byte stereo frame
  PipeFeeder feeder(bytes);
  const Decoded d = decode_all(feeder.url(), raw("s16le", 16000, 2));
  EXPECT_EQ(d.samples.size(), pcm.size());
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "'" + feeder.url() + "': trailing 3 bytes (a partial sample) ignored");
}

TEST(AudioStreams, RawFormatErrors) {
  const std::string path = "pipe:0";  // never opened: the options are checked first
  std::string msg = input_error_of([&] { AudioDecoder(path, raw("s24le", 16000, 1)); });
  EXPECT_EQ(msg, "'pipe:0': unknown raw audio format 's24le' (accepted: s16le, s32le, f32le, f64le, u8)");
  msg = input_error_of([&] { AudioDecoder(path, raw("s16le", 0, 1)); });
  EXPECT_NE(msg.find("needs a sample rate of 1000..768000 Hz (got 0)"), std::string::npos) << msg;
  msg = input_error_of([&] { AudioDecoder(path, raw("s16le", 800000, 1)); });
  EXPECT_NE(msg.find("(got 800000)"), std::string::npos) << msg;
  msg = input_error_of([&] { AudioDecoder(path, raw("f32le", 16000, 0)); });
  EXPECT_NE(msg.find("needs a channel count of 1..64 (got 0)"), std::string::npos) << msg;
  msg = input_error_of([&] { AudioDecoder(path, raw("f32le", 16000, 65)); });
  EXPECT_NE(msg.find("(got 65)"), std::string::npos) << msg;
  AudioDecodeOptions stray;
  stray.raw_sample_rate = 16000;
  msg = input_error_of([&] { AudioDecoder(path, stray); });
  EXPECT_NE(msg.find("without a raw input format"), std::string::npos) << msg;
  msg = input_error_of([] { AudioDecoder("pipe:987", AudioDecodeOptions{}); });
  EXPECT_EQ(msg, "'pipe:987': file descriptor 987 is not open");
}

// A WAV through a pipe decodes exactly as the same file; FFmpeg cannot know its length there, the
// header's "data" size gives it.
TEST(AudioStreams, WavThroughAPipeEqualsTheFile) {
  SENTIO_REQUIRE_FFMPEG();
  const auto path = fixture("sine.wav");
  PipeFeeder feeder(file_bytes(path));
  AudioDecodeOptions o;
  o.sample_rate = 16000;
  const Decoded d = decode_all(feeder.url(), o);
  EXPECT_EQ(d.samples, decode_audio(path.string(), 16000));
  EXPECT_EQ(d.info.container, "wav");
  EXPECT_NEAR(d.info.duration_s, 2.0, 1e-6);
  EXPECT_TRUE(d.warnings.empty()) << d.warnings.front();
}

TEST(AudioStreams, TruncatedWavThroughAPipeGivesTheAudioAndAWarning) {
  const int rate = 16000;
  std::vector<std::int16_t> pcm(5 * rate);
  for (std::size_t i = 0; i < pcm.size(); ++i)
    pcm[i] = static_cast<std::int16_t>(std::lround(8000 * std::sin(2 * std::numbers::pi * 440.0 * static_cast<double>(i) / rate)));
  const auto path = sentio::test::temp_dir() / "five_seconds.wav";
  write_wav_s16(path, rate, 1, pcm);
  Bytes bytes = file_bytes(path);
  const std::size_t arrived = 2 * rate + rate / 10;  // 2.1 s of samples, then one odd byte
  bytes.resize(44 + 2 * arrived + 1);
  PipeFeeder feeder(bytes);
  const Decoded d = decode_all(feeder.url(), AudioDecodeOptions{});
  EXPECT_EQ(d.info.sample_rate, rate);
  EXPECT_NEAR(d.info.duration_s, 5.0, 1e-9);
  ASSERT_EQ(d.samples.size(), arrived);
  for (std::size_t i = 0; i < arrived; ++i) ASSERT_EQ(d.samples[i], static_cast<float>(pcm[i]) / 32768.0f) << i;
  ASSERT_EQ(d.warnings.size(), 2u);
  EXPECT_EQ(d.warnings[0], "'" + feeder.url() + "': input ended after 2.10 s of the 5.00 s its header declares");
  EXPECT_EQ(d.warnings[1], "'" + feeder.url() + "': trailing 1 byte (a partial sample) ignored");
  // The same cut file on disk is silently shorter (FFmpeg takes a WAV file's length from its size).
  const auto cut = sentio::test::temp_dir() / "cut.wav";
  std::ofstream(cut, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_EQ(decode_audio(cut.string(), rate).size(), arrived);
}

// A FLAC declares its length in STREAMINFO; cut on a pipe it is a warning (in a file, an error).
TEST(AudioStreams, TruncatedFlacThroughAPipeIsAWarning) {
  SENTIO_REQUIRE_FFMPEG();
  const auto path = ffmpeg_fixture("noise3s.flac", "-f lavfi -i anoisesrc=duration=3:sample_rate=16000:amplitude=0.3 -c:a flac");
  Bytes bytes = file_bytes(path);
  bytes.resize(bytes.size() / 2);
  PipeFeeder feeder(bytes);
  const Decoded d = decode_all(feeder.url(), AudioDecodeOptions{});
  EXPECT_GT(d.samples.size(), 16000u);
  EXPECT_LT(d.samples.size(), 2u * 16000);
  ASSERT_FALSE(d.warnings.empty());
  EXPECT_NE(d.warnings[0].find("input ended after 1."), std::string::npos) << d.warnings[0];
  EXPECT_NE(d.warnings[0].find("of the 3.00 s its header declares"), std::string::npos) << d.warnings[0];
}

TEST(AudioStreams, NothingDecodableIsAnError) {
  {
    PipeFeeder empty(Bytes{});
    EXPECT_EQ(input_error_of([&] { decode_all(empty.url(), AudioDecodeOptions{}); }),
              "'" + empty.url() + "': no data arrived (the input is empty)");
  }
  {
    PipeFeeder empty_raw(Bytes{});
    const std::string msg = input_error_of([&] { decode_all(empty_raw.url(), raw("s16le", 16000, 1)); });
    EXPECT_NE(msg.find("the input ended before any audio could be decoded (0 bytes arrived"), std::string::npos) << msg;
  }
  {
    PipeFeeder one_byte(Bytes{7});
    const std::string msg = input_error_of([&] { decode_all(one_byte.url(), raw("s16le", 16000, 1)); });
    EXPECT_NE(msg.find("(1 bytes arrived, less than one sample frame)"), std::string::npos) << msg;
  }
  {  // a WAV header and nothing else, as from a live encoder stopped at once
    std::vector<std::int16_t> none;
    const auto path = sentio::test::temp_dir() / "header_only.wav";
    write_wav_s16(path, 16000, 1, none);
    Bytes bytes = file_bytes(path);
    PipeFeeder header_only(bytes);
    const std::string msg = input_error_of([&] { decode_all(header_only.url(), AudioDecodeOptions{}); });
    EXPECT_NE(msg.find("ended before any audio could be decoded"), std::string::npos) << msg;
  }
  {
    Bytes noise(20000);
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 2654435761u) >> 13);
    PipeFeeder garbage(noise);
    const std::string msg = input_error_of([&] { decode_all(garbage.url(), AudioDecodeOptions{}); });
    EXPECT_EQ(msg.rfind("'" + garbage.url() + "': ", 0), 0u) << msg;
    EXPECT_NE(msg.find("not media data"), std::string::npos) << msg;
  }
}

// A live source: only the first 0.3 s exists until the test releases the writer. The decoder must
// open and return 0.1 s without waiting for more (no read-ahead).
TEST(AudioStreams, LivePipeIsNotReadAhead) {
  const int rate = 16000;
  std::vector<std::int16_t> pcm(2 * rate);
  for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<std::int16_t>((i * 37) % 2000 - 1000);
  const auto path = sentio::test::temp_dir() / "live.wav";
  write_wav_s16(path, rate, 1, pcm);
  Bytes bytes = file_bytes(path);
  // As written by `ffmpeg ... -f wav -`: no declared length.
  const std::uint32_t unknown = 0xFFFFFFFFu;
  std::memcpy(bytes.data() + 4, &unknown, 4);
  std::memcpy(bytes.data() + 40, &unknown, 4);
  const std::size_t first = 44 + 2 * (3 * rate / 10);
  PipeFeeder feeder(Bytes(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(first)),
                    Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(first), bytes.end()), /*wait=*/true);
  AudioDecodeOptions o;  // native rate: the constructor decodes the first frame
  AudioDecoder dec(feeder.url(), o);
  std::vector<float> buf(rate / 10);
  EXPECT_EQ(dec.read(buf), buf.size());
  EXPECT_FALSE(feeder.rest_started()) << "the decoder waited for more than the first 0.3 s";
  for (std::size_t i = 0; i < buf.size(); ++i) ASSERT_EQ(buf[i], static_cast<float>(pcm[i]) / 32768.0f);
  feeder.release();
  std::size_t total = buf.size();
  while (std::size_t n = dec.read(buf)) total += n;
  EXPECT_EQ(total, pcm.size());
  EXPECT_TRUE(dec.warnings().empty());
}

// A FIFO given by path is a stream too (a cut WAV there is a warning, as on a pipe).
TEST(AudioStreams, FifoPathIsAStream) {
  const auto fifo = sentio::test::temp_dir() / "live.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::vector<std::int16_t> pcm(8000, 1234);
  const auto path = sentio::test::temp_dir() / "fifo_src.wav";
  write_wav_s16(path, 8000, 1, pcm);
  Bytes bytes = file_bytes(path);
  bytes.resize(44 + 2 * 4000);  // half the declared samples
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);  // blocks until the decoder opens the FIFO
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  });
  Decoded d;
  std::string error;
  try {
    d = decode_all(fifo.string(), AudioDecodeOptions{});
  } catch (const std::exception& e) {
    error = e.what();
  }
  writer.join();
  EXPECT_EQ(error, "");
  EXPECT_EQ(d.info.container, "wav");
  EXPECT_EQ(d.samples.size(), 4000u);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("input ended after 0.50 s of the 1.00 s its header declares"), std::string::npos);
}

// "-" is standard input.
TEST(AudioStreams, DashReadsStandardInput) {
  const std::vector<std::int16_t> pcm = stereo_ramp(3000);
  PipeFeeder feeder(as_bytes(pcm));
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(feeder.read_fd(), STDIN_FILENO), STDIN_FILENO);
  Decoded d;
  std::string error;
  try {
    d = decode_all("-", raw("s16le", 16000, 2));
  } catch (const std::exception& e) {
    error = e.what();
  }
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  EXPECT_EQ(error, "");
  EXPECT_EQ(d.info.path, "-");
  EXPECT_EQ(d.samples.size(), pcm.size());
}

}  // namespace
}  // namespace sentio::media
