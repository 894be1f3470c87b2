// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to sentio_media: demuxes one stream packet by packet and decodes it into frames, applying
// Sentio's rule for damaged data (see frame_source.cpp). Shared by AudioDecoder and VideoReader.
#include <cstdint>
#include <string>

#include "ffmpeg_util.hpp"

namespace sentio::media::detail {

class FrameSource {
 public:
  // Opens `path` and the best stream of `type` (AVMEDIA_TYPE_AUDIO or AVMEDIA_TYPE_VIDEO).
  // Throws InputError (missing / empty / not media / no such stream / undecodable codec).
  FrameSource(const std::string& path, AVMediaType type);
  FrameSource(const FrameSource&) = delete;
  FrameSource& operator=(const FrameSource&) = delete;

  // Decodes the next good frame into `out` (which is unreferenced first). Returns false at the
  // end of the stream. Throws InputError when the data is too damaged (rule in the .cpp).
  bool next(AVFrame* out);

  const std::string& path() const { return path_; }
  const AVFormatContext& format() const { return *format_; }
  const AVStream& stream() const { return *opened_.stream; }
  const AVCodecContext& codec() const { return *opened_.codec; }
  // Packets the decoder rejected plus frames it flagged as corrupt (video drops those; audio keeps
  // flagged frames): what VideoReader reports as skipped frames.
  std::int64_t damaged() const { return damaged_; }

 private:
  void feed_decoder();            // sends the next packet of the stream, or the final flush
  void note_damage(int err);      // counts a rejected packet / dropped frame; may throw
  void check_end_of_stream();     // the end-of-stream part of the rule; may throw
  std::string describe_damage() const;
  std::string position_text() const;  // how far decoding got, for messages

  std::string path_;
  AVMediaType type_;
  FormatContextPtr format_;
  OpenedStream opened_;
  PacketPtr packet_;
  bool format_guessed_ = false;   // container detected only with a low probe score
  bool demux_done_ = false;
  bool flush_sent_ = false;
  bool ended_ = false;
  std::int64_t packets_ = 0;      // packets of our stream read from the container
  std::int64_t damaged_ = 0;      // packets rejected + frames dropped
  std::int64_t frames_ = 0;       // good frames delivered
  double decoded_s_ = 0;          // audio: seconds decoded, at the source rate(s)
  int last_error_ = 0;
};

}  // namespace sentio::media::detail
