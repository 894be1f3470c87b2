// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reads the video stream of a file as RGB frames at a chosen rate, with timestamps.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sentio::media {

struct VideoInfo {
  std::string path;
  std::string codec;
  int width = 0, height = 0;
  double native_fps = 0;
  double duration_s = 0;  // 0 if unknown
};

struct VideoFrame {
  double time_s = 0;              // presentation time of the frame
  std::int64_t index = 0;         // index in the output sequence
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // width*height*3, row-major, packed RGB
};

struct VideoReadOptions {
  double fps = 0;      // output rate; 0 = every decoded frame
  int max_width = 0;   // downscale (keeping aspect) when wider; 0 = keep size
};

// Errors: sentio::InputError naming the file and cause (missing, empty, corrupt, no video stream).
// A corrupt frame in the middle of a stream is skipped (counted in skipped_frames()), not fatal.
class VideoReader {
 public:
  VideoReader(const std::string& path, VideoReadOptions options = {});
  ~VideoReader();
  VideoReader(VideoReader&&) noexcept;
  VideoReader& operator=(VideoReader&&) noexcept;

  const VideoInfo& info() const;
  // Next frame at the requested rate; false at end of stream. `frame`'s buffer is reused.
  bool next(VideoFrame& frame);
  std::int64_t skipped_frames() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::media
