// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to sentio_media: demuxes one stream packet by packet and decodes it into frames, applying
// Sentio's rule for damaged data (see frame_source.cpp). Shared by AudioDecoder and VideoReader.
#include <cstdint>
#include <string>
#include <vector>

#include "ffmpeg_util.hpp"

namespace sentio::media::detail {

class FrameSource {
 public:
  // Opens `path` (a file or a stream, see open_container) and the best stream of `type`
  // (AVMEDIA_TYPE_AUDIO or AVMEDIA_TYPE_VIDEO). Throws InputError (missing / empty / not media /
  // no such stream / undecodable codec).
  FrameSource(const std::string& path, AVMediaType type, const ContainerOptions& options = {});
  FrameSource(const FrameSource&) = delete;
  FrameSource& operator=(const FrameSource&) = delete;

  // Decodes the next good frame into `out` (which is unreferenced first). Returns false at the
  // end of the stream. Throws InputError when the data is too damaged (rule in the .cpp).
  bool next(AVFrame* out);

  const std::string& path() const { return path_; }
  const AVFormatContext& format() const { return *container_.format; }
  // Container name for users ("wav" also when a WAV on a stream is read as raw PCM).
  const std::string& container_name() const { return container_.name; }
  const AVStream& stream() const { return *opened_.stream; }
  const AVCodecContext& codec() const { return *opened_.codec; }
  // Packets the decoder rejected plus frames it flagged as corrupt (video drops those; audio keeps
  // flagged frames): what VideoReader reports as skipped frames.
  std::int64_t damaged() const { return damaged_; }
  // True when reading a non-seekable stream (stdin, a pipe, a FIFO): there, input that ends early
  // or with a read error after some audio arrived is a warning, not an error (rule in the .cpp).
  bool streaming() const { return container_.input != nullptr; }
  // Duration the header declares (seconds; 0 if it declares none): the stream's own duration unless
  // estimated from the bit rate, or for a WAV on a stream the length of its "data" chunk.
  double declared_duration_s() const { return declared_s_; }
  // Non-fatal findings, one line each, starting with the quoted path; complete once next() has
  // returned false.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  void feed_decoder();            // sends the next packet of the stream, or the final flush
  bool trim_partial_sample();     // PCM: cuts a partial sample frame off packet_; false if nothing is left
  [[noreturn]] void throw_too_much_memory() const;  // ENOMEM while demuxing or decoding
  void note_damage(int err);      // counts a rejected packet / dropped frame; may throw
  void check_end_of_stream();     // the end-of-stream part of the rule; may throw
  std::string describe_damage() const;
  std::string position_text() const;  // how far decoding got, for messages

  std::string path_;
  AVMediaType type_;
  OpenedContainer container_;
  AVFormatContext* format_ = nullptr;  // container_.format
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
  double declared_s_ = 0;         // see declared_duration_s()
  bool declared_exact_ = false;   // declared_s_ is an exact sample count (a WAV header on a stream)
  int pcm_frame_bytes_ = 0;       // PCM codecs: bytes per sample frame (all channels); else 0
  std::int64_t trailing_bytes_ = 0;  // PCM bytes cut off as partial sample frames
  int last_error_ = 0;
  int early_end_error_ = 0;       // a stream's container error that ended reading (rule 4), or 0
  std::vector<std::string> warnings_;
};

}  // namespace sentio::media::detail
