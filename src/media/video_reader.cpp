// SPDX-License-Identifier: Apache-2.0
// VideoReader: container -> decoder (FrameSource) -> frame selection at the output rate ->
// libswscale -> packed RGB24. Holds at most two decoded frames (the current and the next one).
#include "sentio/media/video_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "ffmpeg_util.hpp"
#include "frame_source.hpp"
#include "sentio/core/error.hpp"

namespace sentio::media {

using detail::ffmpeg;
namespace {

// Slack when comparing a frame time with an output tick (seconds): k / fps and pts * time_base are
// computed in different ways and may differ in the last bits for the same instant.
constexpr double kTickEpsilonS = 1e-6;
// Frame duration when neither the packet nor the stream tells it (seconds).
constexpr double kFallbackFrameS = 1.0 / 25.0;
// A frame time beyond the file's declared length by more than this (seconds) is a damaged timestamp.
constexpr double kMaxOvershootS = 1.0;
// Longest time a frame is shown away from its own time at a fixed output rate (next_at_rate).
constexpr double kMaxHoldS = 10.0;
// Scratch RGB rows for swscale: row stride alignment and slack after the last row (bytes).
constexpr int kRowAlign = 64;
constexpr std::size_t kTailPadding = 1024;

bool is_full_range_format(AVPixelFormat f) {
  switch (f) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P: return true;
    default: return false;
  }
}

}  // namespace

struct VideoReader::Impl {
  // A decoded frame with its time on the output clock (seconds from the start of the file).
  struct Timed {
    detail::FramePtr frame = detail::make_frame();
    double time_s = 0;
    double duration_s = 0;
  };

  detail::FrameSource source;
  VideoInfo info;
  VideoReadOptions options;
  double time_base_s = 0;  // seconds per stream timestamp unit
  double origin_s = 0;     // container start time, mapped to t = 0
  double default_frame_s = kFallbackFrameS;
  double max_time_s = std::numeric_limits<double>::infinity();
  double last_time_s = std::numeric_limits<double>::quiet_NaN();
  double last_duration_s = 0;

  // Resampled output (options.fps > 0): `current` is the latest frame with time <= the tick,
  // `ahead` the next decoded one.
  Timed current, ahead;
  bool started = false, has_current = false, has_ahead = false;
  std::int64_t tick = 0;
  std::int64_t emitted = 0;  // every-frame output (options.fps == 0)

  // Scaler, rebuilt when the input geometry, pixel format or colour description changes.
  detail::SwsPtr sws;
  int sws_src_w = 0, sws_src_h = 0, sws_src_format = -1, sws_colorspace = -1, sws_full_range = -1;
  int sws_dst_w = 0, sws_dst_h = 0;
  std::vector<std::uint8_t> scratch;  // padded RGB24 rows written by swscale

  Impl(const std::string& path, VideoReadOptions opts) : source(path, AVMEDIA_TYPE_VIDEO), options(opts) {
    const AVStream& st = source.stream();
    const AVFormatContext& fmt = source.format();
    info.path = path;
    info.codec = ffmpeg().avcodec_get_name(st.codecpar->codec_id);
    info.width = st.codecpar->width;
    info.height = st.codecpar->height;
    const AVRational rate = ffmpeg().av_guess_frame_rate(const_cast<AVFormatContext*>(&fmt), const_cast<AVStream*>(&st), nullptr);
    info.native_fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0.0;
    info.duration_s = detail::stream_duration_s(&fmt, &st);
    time_base_s = av_q2d(st.time_base);
    // t = 0 is the start of the file (the earliest stream), never negative: the first sample of
    // AudioDecoder sits there too when the audio starts first, which keeps the two aligned.
    if (fmt.start_time != AV_NOPTS_VALUE && fmt.start_time > 0)
      origin_s = static_cast<double>(fmt.start_time) / AV_TIME_BASE;
    if (info.native_fps > 0) default_frame_s = 1.0 / info.native_fps;
    const double span_s = fmt.duration != AV_NOPTS_VALUE && fmt.duration > 0
                              ? static_cast<double>(fmt.duration) / AV_TIME_BASE
                              : info.duration_s;
    if (span_s > 0) max_time_s = span_s + kMaxOvershootS;
  }

  // Decodes the next good frame into `t` with its output-clock time; false at the end.
  bool fetch(Timed& t) {
    if (!source.next(t.frame.get())) return false;
    const AVFrame& f = *t.frame;
    // A missing timestamp, or one far beyond the declared length of the file (damage; it would
    // otherwise hold the previous frame on screen until then), continues from the previous frame.
    const double stamped = f.best_effort_timestamp != AV_NOPTS_VALUE
                               ? static_cast<double>(f.best_effort_timestamp) * time_base_s - origin_s
                               : std::numeric_limits<double>::quiet_NaN();
    if (!std::isnan(stamped) && stamped <= max_time_s)
      t.time_s = stamped;
    else
      t.time_s = std::isnan(last_time_s) ? 0.0 : last_time_s + last_duration_s;
    t.duration_s = f.pkt_duration > 0 ? static_cast<double>(f.pkt_duration) * time_base_s : default_frame_s;
    last_time_s = t.time_s;
    last_duration_s = t.duration_s;
    return true;
  }

  // Converts `f` to packed RGB24 in `out` (downscaled to options.max_width keeping the aspect ratio).
  void convert(const AVFrame& f, VideoFrame& out) {
    const int w = f.width, h = f.height;
    if (w <= 0 || h <= 0) detail::throw_input_error(info.path, "corrupt video data (a frame without a size)");
    int dst_w = w, dst_h = h;
    if (options.max_width > 0 && w > options.max_width) {
      dst_w = options.max_width;
      dst_h = std::max(1, static_cast<int>(std::lround(static_cast<double>(h) * options.max_width / w)));
    }
    const auto format = static_cast<AVPixelFormat>(f.format);
    const int full_range = (f.color_range == AVCOL_RANGE_JPEG || is_full_range_format(format)) ? 1 : 0;
    const int colorspace = static_cast<int>(f.colorspace);
    if (!sws || w != sws_src_w || h != sws_src_h || f.format != sws_src_format || dst_w != sws_dst_w ||
        dst_h != sws_dst_h || colorspace != sws_colorspace || full_range != sws_full_range) {
      const int flags = dst_w < w ? SWS_AREA : SWS_BILINEAR;  // area averaging avoids aliasing when shrinking
      sws.reset(ffmpeg().sws_getContext(w, h, format, dst_w, dst_h, AV_PIX_FMT_RGB24, flags, nullptr, nullptr, nullptr));
      if (!sws) {
        const char* name = ffmpeg().av_get_pix_fmt_name(format);
        detail::throw_input_error(info.path, std::string("cannot convert video frames of pixel format ") +
                                                 (name ? name : "unknown") + " to RGB");
      }
      // YUV -> RGB with the frame's own matrix (BT.601 when unspecified) and range; full-range RGB out.
      // Ignored (returns -1) for RGB sources, which need no matrix.
      ffmpeg().sws_setColorspaceDetails(sws.get(), ffmpeg().sws_getCoefficients(colorspace), full_range,
                               ffmpeg().sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
      sws_src_w = w;
      sws_src_h = h;
      sws_src_format = f.format;
      sws_dst_w = dst_w;
      sws_dst_h = dst_h;
      sws_colorspace = colorspace;
      sws_full_range = full_range;
    }
    // swscale's SIMD paths write whole blocks of pixels and run past the end of a row (valgrind
    // shows writes beyond a tightly sized buffer), so it writes into padded scratch rows, which are
    // then packed into the caller's buffer.
    const int row_bytes = dst_w * 3;
    const int stride = (row_bytes + kRowAlign - 1) / kRowAlign * kRowAlign;
    scratch.resize(static_cast<std::size_t>(stride) * dst_h + kTailPadding);
    std::uint8_t* dst[4] = {scratch.data(), nullptr, nullptr, nullptr};
    const int dst_stride[4] = {stride, 0, 0, 0};
    ffmpeg().sws_scale(sws.get(), f.data, f.linesize, 0, h, dst, dst_stride);
    out.width = dst_w;
    out.height = dst_h;
    out.rgb.resize(static_cast<std::size_t>(row_bytes) * dst_h);
    ffmpeg().av_image_copy_plane(out.rgb.data(), row_bytes, scratch.data(), stride, row_bytes, dst_h);
  }

  bool next_every_frame(VideoFrame& out) {
    if (!fetch(ahead)) return false;
    convert(*ahead.frame, out);
    out.time_s = ahead.time_s;
    out.index = emitted++;
    return true;
  }

  // Output tick k is at t = k / fps and shows the latest frame with time <= t; ticks before the
  // first frame show the first frame (the output always starts at t = 0). The output ends at the
  // end of the last frame (its time + duration). A frame is never shown more than kMaxHoldS away from
  // its own time: ticks further from any frame (a stream that stops and resumes, or timestamps and
  // durations of damaged or hostile files, e.g. one frame declared to last 700 hours) are skipped, not
  // filled with copies. Output indices stay consecutive; times are those of the ticks.
  bool next_at_rate(VideoFrame& out) {
    if (!started) {
      started = true;
      has_current = fetch(current);
      has_ahead = has_current && fetch(ahead);
    }
    if (!has_current) return false;
    const auto tick_at = [&](double time_s) {
      return static_cast<std::int64_t>(std::ceil((time_s - kTickEpsilonS) * options.fps));
    };
    double t = 0;
    for (;;) {
      t = static_cast<double>(tick) / options.fps;
      while (has_ahead && ahead.time_s <= t + kTickEpsilonS) {
        std::swap(current, ahead);
        has_ahead = fetch(ahead);
      }
      if (t + kMaxHoldS < current.time_s) {  // far before the first frame
        tick = std::max(tick + 1, tick_at(current.time_s - kMaxHoldS));
        continue;
      }
      if (has_ahead && t > current.time_s + kMaxHoldS + kTickEpsilonS) {  // a long gap before the next frame
        tick = std::max(tick + 1, tick_at(ahead.time_s));
        continue;
      }
      break;
    }
    if (!has_ahead && t >= current.time_s + std::min(current.duration_s, kMaxHoldS) - kTickEpsilonS) return false;
    convert(*current.frame, out);
    out.time_s = t;
    out.index = emitted++;
    ++tick;
    return true;
  }
};

VideoReader::VideoReader(const std::string& path, VideoReadOptions options) {
  SENTIO_ASSERT(options.fps >= 0 && std::isfinite(options.fps));
  SENTIO_ASSERT(options.max_width >= 0);
  impl_ = std::make_unique<Impl>(path, options);
}
VideoReader::~VideoReader() = default;
VideoReader::VideoReader(VideoReader&&) noexcept = default;
VideoReader& VideoReader::operator=(VideoReader&&) noexcept = default;

const VideoInfo& VideoReader::info() const {
  SENTIO_ASSERT(impl_ != nullptr);
  return impl_->info;
}

bool VideoReader::next(VideoFrame& frame) {
  SENTIO_ASSERT(impl_ != nullptr);
  return impl_->options.fps > 0 ? impl_->next_at_rate(frame) : impl_->next_every_frame(frame);
}

std::int64_t VideoReader::skipped_frames() const {
  SENTIO_ASSERT(impl_ != nullptr);
  return impl_->source.damaged();
}

}  // namespace sentio::media
