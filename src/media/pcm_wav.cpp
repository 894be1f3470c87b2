// SPDX-License-Identifier: Apache-2.0
#include "pcm_wav.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "sentio/core/error.hpp"
#include "sentio/media/channels.hpp"

namespace sentio::media::detail {
namespace {

constexpr std::uint16_t kWavePcm = 1, kWaveFloat = 3, kWaveExtensible = 0xFFFE;

std::uint32_t le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }

// FFmpeg raw demuxer for a WAV sample format; "" when there is none.
std::string raw_format_for(std::uint16_t tag, int bits) {
  if (tag == kWavePcm) {
    switch (bits) {
      case 8: return "u8";
      case 16: return "s16le";
      case 24: return "s24le";
      case 32: return "s32le";
      default: return "";
    }
  }
  if (tag == kWaveFloat) {
    if (bits == 32) return "f32le";
    if (bits == 64) return "f64le";
  }
  return "";
}

// A 16-bit stereo PCM WAV may carry IEC 61937 (S/PDIF) frames of AC-3 or DTS; FFmpeg's WAV demuxer
// looks for their sync words (Pa = 0xF872, Pb = 0x4E1F, as little-endian 16-bit samples).
bool may_hold_spdif(const std::uint8_t* data, std::size_t n) {
  static constexpr std::array<std::uint8_t, 4> kSync = {0x72, 0xF8, 0x1F, 0x4E};
  return std::search(data, data + n, kSync.begin(), kSync.end()) != data + n;
}

[[noreturn]] void throw_read_error(const std::string& path, int err) {
  throw InputError("'" + path + "': read error (" + std::generic_category().message(err) + ")");
}

// read() until `size` bytes, the end of the file (fewer returned) or an error (thrown).
std::size_t read_fully(int fd, const std::string& path, void* buf, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, static_cast<char*>(buf) + done, size - done);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_read_error(path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

std::optional<PcmWav> parse_pcm_wav(const std::function<const std::uint8_t*(std::size_t)>& bytes) {
  const std::uint8_t* head = bytes(12);
  if (head == nullptr || std::memcmp(head, "RIFF", 4) != 0 || std::memcmp(head + 8, "WAVE", 4) != 0)
    return std::nullopt;
  PcmWav wav;
  std::size_t pos = 12;
  bool have_fmt = false;
  for (;;) {
    if ((head = bytes(pos + 8)) == nullptr) return std::nullopt;
    const std::uint8_t* chunk = head + pos;
    const std::uint32_t size = le32(chunk + 4);
    if (std::memcmp(chunk, "data", 4) == 0) {
      if (!have_fmt) return std::nullopt;
      wav.data_offset = pos + 8;
      wav.data_bytes = size == 0xFFFFFFFFu ? 0 : size;  // 0xFFFFFFFF (or 0): a live writer's "unknown"
      return wav;
    }
    const std::size_t next = pos + 8 + static_cast<std::size_t>(size) + (size & 1u);  // chunks are even-padded
    if (next + 8 > kMaxWavHeaderBytes) return std::nullopt;
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      if (size < 16 || (head = bytes(pos + 8 + size)) == nullptr) return std::nullopt;
      const std::uint8_t* fmt = head + pos + 8;
      std::uint16_t tag = le16(fmt);
      const int channels = le16(fmt + 2);
      const std::uint32_t rate = le32(fmt + 4);
      const int block_align = le16(fmt + 12);
      const int bits = le16(fmt + 14);
      if (tag == kWaveExtensible) {
        if (size < 40) return std::nullopt;
        tag = le16(fmt + 24);  // the sub-format GUID starts with the format tag
      }
      wav.raw_format = raw_format_for(tag, bits);
      if (wav.raw_format.empty() || channels < 1 || channels > kMaxChannels || rate < 1 || rate > kMaxSampleRate ||
          block_align != channels * bits / 8)
        return std::nullopt;
      wav.channels = channels;
      wav.frame_bytes = block_align;
      wav.sample_rate = static_cast<int>(rate);
      have_fmt = true;
    }
    pos = next;
  }
}

std::optional<PcmWav> plain_s16_wav_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  const auto file_bytes = std::filesystem::file_size(path, ec);
  if (ec) return std::nullopt;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::vector<std::uint8_t> head(static_cast<std::size_t>(std::min<std::uintmax_t>(file_bytes, kMaxWavHeaderBytes)));
  std::size_t got = 0;
  try {
    got = read_fully(fd, path, head.data(), head.size());
  } catch (const InputError&) {
    got = 0;
  }
  ::close(fd);
  head.resize(got);
  const auto wav = parse_pcm_wav([&](std::size_t n) { return n <= head.size() ? head.data() : nullptr; });
  // A file cut short (a recording interrupted, a copy that did not finish) is read up to its end, with a
  // warning (PcmWavFile::read), as on a stream; one without a single sample frame goes to FFmpeg.
  if (!wav || wav->raw_format != "s16le" || wav->sample_rate < kMinSampleRate || wav->data_bytes <= 0 ||
      wav->data_bytes % wav->frame_bytes != 0 ||
      wav->data_offset + static_cast<std::uintmax_t>(wav->frame_bytes) > file_bytes)
    return std::nullopt;
  if (wav->channels == 2 && may_hold_spdif(head.data() + wav->data_offset,
                                           std::min(head.size() - wav->data_offset, static_cast<std::size_t>(wav->data_bytes))))
    return std::nullopt;
  return wav;
}

PcmWavFile::PcmWavFile(const std::string& path, const PcmWav& wav, int channel)
    : path_(path), wav_(wav), channel_(channel), frames_left_(wav.data_bytes / wav.frame_bytes) {
  SENTIO_ASSERT(wav.raw_format == "s16le");
  SENTIO_ASSERT(channel == kAllChannels || (channel >= 0 && channel < wav.channels));
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw InputError("'" + path + "': cannot open (" + std::generic_category().message(errno) + ")");
  if (::lseek(fd_, static_cast<off_t>(wav.data_offset), SEEK_SET) < 0) {
    const int err = errno;
    ::close(fd_);
    throw_read_error(path, err);
  }
}

PcmWavFile::~PcmWavFile() { ::close(fd_); }

std::size_t PcmWavFile::read(std::span<float> out) {
  const auto channels = static_cast<std::size_t>(wav_.channels);
  const std::size_t out_per_frame = channel_ == kAllChannels ? channels : 1;
  constexpr std::size_t kChunkFrames = 8192;
  std::size_t n = 0;
  while (frames_left_ > 0 && out.size() - n >= out_per_frame) {
    const std::size_t frames = std::min({static_cast<std::size_t>(frames_left_), (out.size() - n) / out_per_frame, kChunkFrames});
    buffer_.resize(frames * channels);
    const std::size_t bytes = read_fully(fd_, path_, buffer_.data(), buffer_.size() * sizeof(std::int16_t));
    const std::size_t whole = bytes / static_cast<std::size_t>(wav_.frame_bytes);
    // Little-endian host assumed (x86-64, ARM64): the samples are used as they lie in the file.
    constexpr float kScale = 1.0f / 32768.0f;
    if (out_per_frame == channels) {
      for (std::size_t i = 0; i < whole * channels; ++i) out[n + i] = static_cast<float>(buffer_[i]) * kScale;
    } else {
      const auto c = static_cast<std::size_t>(channel_);
      for (std::size_t f = 0; f < whole; ++f) out[n + f] = static_cast<float>(buffer_[f * channels + c]) * kScale;
    }
    n += whole * out_per_frame;
    frames_left_ -= static_cast<std::int64_t>(whole);
    if (whole < frames) {  // a file cut short: the wording of FrameSource's warning for a stream cut short
      const double rate = wav_.sample_rate;
      const auto declared = static_cast<double>(wav_.data_bytes / wav_.frame_bytes);
      char text[96];
      std::snprintf(text, sizeof text, "input ended after %.2f s of the %.2f s its header declares",
                    (declared - static_cast<double>(frames_left_)) / rate, declared / rate);
      warnings_.push_back("'" + path_ + "': " + text);
      frames_left_ = 0;
    }
  }
  return n;
}

}  // namespace sentio::media::detail
