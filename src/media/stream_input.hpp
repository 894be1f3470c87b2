// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to sentio_media: non-seekable inputs (standard input, an inherited pipe, a FIFO or a
// character device) read through our own AVIOContext over a file descriptor. Reading our own way
// lets us return data as soon as the descriptor has it, count the bytes that arrived, keep the first
// bytes for error messages, and look at a WAV header ourselves (see sniff_pcm_wav).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ffmpeg_util.hpp"
#include "pcm_wav.hpp"

namespace sentio::media::detail {

class StreamInput {
 public:
  // True for "-" (standard input), "pipe:N" (file descriptor N) and paths of FIFOs, character
  // devices and sockets.
  static bool is_stream(const std::string& path);

  // Opens the descriptor ("-" and "pipe:N" are borrowed and never closed; a path is opened here and
  // closed by the destructor). Throws InputError naming `path` when it cannot be opened.
  explicit StreamInput(const std::string& path);
  ~StreamInput();
  StreamInput(const StreamInput&) = delete;
  StreamInput& operator=(const StreamInput&) = delete;

  // For AVFormatContext::pb (with AVFMT_FLAG_CUSTOM_IO); owned by this object, so the format
  // context must be closed first.
  AVIOContext* io() const { return io_; }
  std::int64_t bytes_read() const { return bytes_read_; }
  // The first bytes that arrived (up to kHeadBytes).
  std::span<const std::uint8_t> head() const { return head_; }

  // Before FFmpeg reads anything: when the stream starts with a RIFF/WAVE header of plain PCM
  // (parse_pcm_wav), returns it and makes the AVIOContext start at the samples and end
  // after the declared data size. Otherwise returns nullopt and FFmpeg sees the stream from byte 0.
  // Why: FFmpeg's WAV demuxer reads 64 KiB ahead while opening (to look for S/PDIF-wrapped AC-3/DTS),
  // which would hold back a live 16 kHz source for two seconds, and it ignores the declared length
  // on a pipe. Reading raw PCM, the first samples come out after one 1024-frame packet.
  std::optional<PcmWav> sniff_pcm_wav();

  static constexpr std::size_t kHeadBytes = kMaxWavHeaderBytes;

 private:
  static int read_packet(void* opaque, std::uint8_t* buf, int size);
  int read_fd(std::uint8_t* buf, std::size_t size);  // one read(); bytes, 0 at the end, or -errno
  bool peek(std::size_t n);                          // head_ has >= n bytes (false: input ended first)

  std::string path_;
  int fd_ = -1;
  bool owns_fd_ = false;
  bool ended_ = false;            // read() returned 0
  AVIOContext* io_ = nullptr;
  std::int64_t bytes_read_ = 0;   // from the descriptor
  std::vector<std::uint8_t> head_;
  std::int64_t pos_ = 0;          // stream offset of the next byte handed to FFmpeg
  std::int64_t end_ = -1;         // offset where FFmpeg's input ends (declared WAV data end), -1: none
};

}  // namespace sentio::media::detail
