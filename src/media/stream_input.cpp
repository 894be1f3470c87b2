// SPDX-License-Identifier: Apache-2.0
#include "stream_input.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <new>
#include <string_view>
#include <system_error>

#include "sentio/core/error.hpp"
#include "sentio/media/channels.hpp"

namespace sentio::media::detail {
namespace {

// AVIOContext buffer (bytes). A read returns what the descriptor has, up to this, without waiting
// for the buffer to fill.
constexpr int kIoBufferBytes = 32 * 1024;

// "pipe:N" -> N (digits only); -1 otherwise.
int pipe_fd(const std::string& path) {
  constexpr std::string_view prefix = "pipe:";
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return -1;
  const std::string digits = path.substr(prefix.size());
  if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  return std::stoi(digits);
}

}  // namespace

bool StreamInput::is_stream(const std::string& path) {
  if (path == "-" || pipe_fd(path) >= 0) return true;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) return false;
  return fs::is_fifo(status) || fs::is_character_file(status) || fs::is_socket(status);
}

StreamInput::StreamInput(const std::string& path) : path_(path) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else if (const int fd = pipe_fd(path); fd >= 0) {
    fd_ = fd;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int err = errno;
      if (err == EACCES || err == EPERM) throw_input_error(path, "permission denied");
      throw_input_error(path, std::string("cannot open (") + std::strerror(err) + ")");
    }
    owns_fd_ = true;
  }
  if (!owns_fd_ && ::fcntl(fd_, F_GETFD) < 0)
    throw_input_error(path, "file descriptor " + std::to_string(fd_) + " is not open");

  auto* buffer = static_cast<std::uint8_t*>(ffmpeg().av_malloc(kIoBufferBytes));
  if (buffer) io_ = ffmpeg().avio_alloc_context(buffer, kIoBufferBytes, 0, this, &StreamInput::read_packet, nullptr, nullptr);
  if (!io_) {
    ffmpeg().av_free(buffer);
    if (owns_fd_) ::close(fd_);
    throw std::bad_alloc();
  }
  io_->seekable = 0;
}

StreamInput::~StreamInput() {
  if (io_) {
    ffmpeg().av_freep(&io_->buffer);
    ffmpeg().avio_context_free(&io_);
  }
  if (owns_fd_) ::close(fd_);
}

int StreamInput::read_fd(std::uint8_t* buf, std::size_t size) {
  if (ended_) return 0;
  for (;;) {
    const ssize_t n = ::read(fd_, buf, size);
    if (n > 0) {
      bytes_read_ += n;
      return static_cast<int>(n);
    }
    if (n == 0) {
      ended_ = true;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {  // a non-blocking descriptor: wait for data
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    return -errno;
  }
}

bool StreamInput::peek(std::size_t n) {
  SENTIO_ASSERT(n <= kHeadBytes && pos_ == 0);
  while (head_.size() < n) {
    const std::size_t old = head_.size();
    head_.resize(n);
    const int got = read_fd(head_.data() + old, n - old);
    head_.resize(old + static_cast<std::size_t>(std::max(got, 0)));
    if (got <= 0) return false;
  }
  return true;
}

int StreamInput::read_packet(void* opaque, std::uint8_t* buf, int size) {
  auto* self = static_cast<StreamInput*>(opaque);
  std::int64_t want = size;
  if (self->end_ >= 0) want = std::min(want, self->end_ - self->pos_);
  if (want <= 0) return AVERROR_EOF;
  const auto head_size = static_cast<std::int64_t>(self->head_.size());
  if (self->pos_ < head_size) {  // replay what was peeked
    const std::int64_t n = std::min(want, head_size - self->pos_);
    std::memcpy(buf, self->head_.data() + self->pos_, static_cast<std::size_t>(n));
    self->pos_ += n;
    return static_cast<int>(n);
  }
  const int got = self->read_fd(buf, static_cast<std::size_t>(want));
  if (got == 0) return AVERROR_EOF;
  if (got < 0) return AVERROR(-got);
  if (self->head_.size() < kHeadBytes && self->pos_ == head_size) {
    const std::size_t keep = std::min(static_cast<std::size_t>(got), kHeadBytes - self->head_.size());
    self->head_.insert(self->head_.end(), buf, buf + keep);
  }
  self->pos_ += got;
  return got;
}

std::optional<PcmWav> StreamInput::sniff_pcm_wav() {
  // peek() may move head_, so the parser gets its current address after each request.
  auto wav = parse_pcm_wav([this](std::size_t n) { return peek(n) ? head_.data() : nullptr; });
  if (!wav) return std::nullopt;
  pos_ = static_cast<std::int64_t>(wav->data_offset);
  if (wav->data_bytes > 0) end_ = pos_ + wav->data_bytes;
  return wav;
}

}  // namespace sentio::media::detail
