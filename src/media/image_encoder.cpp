// SPDX-License-Identifier: Apache-2.0
// encode_jpeg: RGB24 -> YUVJ444P (BT.601 full range, by hand: no scaling needed) -> mjpeg encoder.
#include "sentio/media/image_encoder.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "ffmpeg_util.hpp"
#include "sentio/core/error.hpp"

namespace sentio::media {

using detail::ffmpeg;

std::vector<std::uint8_t> encode_jpeg(std::span<const std::uint8_t> rgb, int width, int height, int quality) {
  SENTIO_ASSERT(width > 0 && height > 0);
  SENTIO_ASSERT(rgb.size() == static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  const AVCodec* codec = ffmpeg().avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (codec == nullptr) throw InputError("JPEG encoding: FFmpeg has no mjpeg encoder");
  detail::CodecContextPtr ctx(ffmpeg().avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  ctx->width = width;
  ctx->height = height;
  ctx->pix_fmt = AV_PIX_FMT_YUVJ444P;
  ctx->color_range = AVCOL_RANGE_JPEG;
  ctx->time_base = AVRational{1, 25};
  ctx->flags |= AV_CODEC_FLAG_QSCALE;
  // quality 100 -> qscale 2 (finest), 1 -> 31 (coarsest), linear between.
  const int q = std::clamp(quality, 1, 100);
  const int qscale = 31 - (q - 1) * 29 / 99;
  ctx->global_quality = FF_QP2LAMBDA * qscale;
  if (const int err = ffmpeg().avcodec_open2(ctx.get(), codec, nullptr); err < 0)
    throw InputError("JPEG encoding: cannot open the mjpeg encoder (" + detail::av_error_text(err) + ")");

  detail::FramePtr frame = detail::make_frame();
  frame->width = width;
  frame->height = height;
  frame->format = AV_PIX_FMT_YUVJ444P;
  frame->quality = ctx->global_quality;
  frame->pts = 0;
  if (const int err = ffmpeg().av_frame_get_buffer(frame.get(), 0); err < 0) throw std::bad_alloc();
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* src = rgb.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3;
    std::uint8_t* py = frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
    std::uint8_t* pu = frame->data[1] + static_cast<std::ptrdiff_t>(y) * frame->linesize[1];
    std::uint8_t* pv = frame->data[2] + static_cast<std::ptrdiff_t>(y) * frame->linesize[2];
    for (int x = 0; x < width; ++x) {
      const double r = src[3 * x], g = src[3 * x + 1], b = src[3 * x + 2];
      // JFIF (ITU-T T.871) full-range conversion.
      const auto to_byte = [](double v) { return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L)); };
      py[x] = to_byte(0.299 * r + 0.587 * g + 0.114 * b);
      pu[x] = to_byte(128.0 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      pv[x] = to_byte(128.0 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  detail::PacketPtr packet = detail::make_packet();
  if (const int err = ffmpeg().avcodec_send_frame(ctx.get(), frame.get()); err < 0)
    throw InputError("JPEG encoding: " + detail::av_error_text(err));
  if (const int err = ffmpeg().avcodec_send_frame(ctx.get(), nullptr); err < 0)
    throw InputError("JPEG encoding: " + detail::av_error_text(err));
  if (const int err = ffmpeg().avcodec_receive_packet(ctx.get(), packet.get()); err < 0)
    throw InputError("JPEG encoding: " + detail::av_error_text(err));
  return {packet->data, packet->data + packet->size};
}

}  // namespace sentio::media
