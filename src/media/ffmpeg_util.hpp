// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to sentio_media: RAII ownership of FFmpeg handles, error text, and opening a container
// with the checks every media reader shares (missing / directory / empty file, unknown format).
#include "ffmpeg_api.hpp"

#include <memory>
#include <string>

namespace sentio::media::detail {

struct FormatContextDeleter {
  void operator()(AVFormatContext* p) const noexcept { ffmpeg().avformat_close_input(&p); }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* p) const noexcept { ffmpeg().avcodec_free_context(&p); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const noexcept { ffmpeg().av_packet_free(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* p) const noexcept { ffmpeg().av_frame_free(&p); }
};
struct SwrDeleter {
  void operator()(SwrContext* p) const noexcept { ffmpeg().swr_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* p) const noexcept { ffmpeg().sws_freeContext(p); }
};

using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

// Allocation helpers; throw std::bad_alloc when FFmpeg cannot allocate.
PacketPtr make_packet();
FramePtr make_frame();

// av_strerror as a std::string (one line), e.g. "Invalid data found when processing input".
std::string av_error_text(int errnum);

// Throws InputError("'<path>': <cause>").
[[noreturn]] void throw_input_error(const std::string& path, const std::string& cause);

// How to open an input. Empty: probe the format. Otherwise the name of a raw PCM demuxer ("s16le",
// ...; AudioDecoder validates it) with the rate (Hz) and channel count of the samples.
struct ContainerOptions {
  std::string input_format;
  int raw_sample_rate = 0;
  int raw_channels = 0;
};

class StreamInput;  // stream_input.hpp

// An open container; for a non-seekable input also the StreamInput it reads from (declared first:
// it must outlive the format context).
struct OpenedContainer {
  std::unique_ptr<StreamInput> input;  // null for regular files
  FormatContextPtr format;
  std::string name;          // the container as users know it: format->iformat->name, or "wav" for a
                             // PCM WAV on a stream that is read as raw PCM (StreamInput::sniff_pcm_wav)
  double wav_declared_s = 0; // that WAV's declared data length in seconds (exact); 0 if none
  OpenedContainer();
  OpenedContainer(OpenedContainer&&) noexcept;
  OpenedContainer& operator=(OpenedContainer&&) noexcept;
  ~OpenedContainer();
};

// Opens `path` and reads the stream information. Throws InputError with a plain-words cause.
//  * A regular file: checks it (exists, not a directory, not empty) and opens it through the "file"
//    protocol only.
//  * A stream (StreamInput::is_stream: "-", "pipe:N", a FIFO, ...): reads it through StreamInput,
//    with a small probe size and analysis duration so that the first samples of a live source come
//    out quickly; a plain PCM WAV is read as the raw PCM after its header.
OpenedContainer open_container(const std::string& path, const ContainerOptions& options = {});

// Stream of `type` chosen by av_find_best_stream, with an opened single-threaded decoder.
struct OpenedStream {
  int index = -1;
  AVStream* stream = nullptr;
  CodecContextPtr codec;
};
// Throws InputError "has no audio stream" / "has no video stream" / unsupported codec.
OpenedStream open_best_stream(AVFormatContext* format, AVMediaType type, const std::string& path);

// Duration of a stream in seconds from its own header or, failing that, the container's; 0 if unknown.
double stream_duration_s(const AVFormatContext* format, const AVStream* stream);

}  // namespace sentio::media::detail
