// SPDX-License-Identifier: Apache-2.0
// decode_jpeg: FFmpeg's mjpeg decoder on one packet, then swscale to RGB24.
#include "sentio/media/image_decoder.hpp"

#include <vector>

#include "ffmpeg_util.hpp"
#include "sentio/core/error.hpp"

namespace sentio::media {

using detail::ffmpeg;

void decode_jpeg(std::span<const std::uint8_t> bytes, const std::string& name, VideoFrame& frame,
                 std::int64_t max_pixels) {
  auto fail = [&](const std::string& why) { return InputError("'" + name + "': not a decodable JPEG image (" + why + ")"); };
  if (bytes.size() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8) throw fail("no JPEG start marker");
  const AVCodec* codec = ffmpeg().avcodec_find_decoder(AV_CODEC_ID_MJPEG);
  if (codec == nullptr) throw InputError("JPEG decoding: FFmpeg has no mjpeg decoder");
  detail::CodecContextPtr ctx(ffmpeg().avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  ctx->max_pixels = max_pixels;
  if (const int err = ffmpeg().avcodec_open2(ctx.get(), codec, nullptr); err < 0) throw fail(detail::av_error_text(err));
  // The packet's data needs FFmpeg's zero padding after it.
  std::vector<std::uint8_t> padded(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
  std::copy(bytes.begin(), bytes.end(), padded.begin());
  detail::PacketPtr packet = detail::make_packet();
  packet->data = padded.data();
  packet->size = static_cast<int>(bytes.size());
  detail::FramePtr decoded = detail::make_frame();
  int err = ffmpeg().avcodec_send_packet(ctx.get(), packet.get());
  if (err >= 0) err = ffmpeg().avcodec_send_packet(ctx.get(), nullptr);
  if (err < 0 && err != AVERROR_EOF) throw fail(detail::av_error_text(err));
  if (const int r = ffmpeg().avcodec_receive_frame(ctx.get(), decoded.get()); r < 0) throw fail(detail::av_error_text(r));
  const int w = decoded->width, h = decoded->height;
  if (w <= 0 || h <= 0) throw fail("no picture");
  detail::SwsPtr sws(ffmpeg().sws_getContext(w, h, static_cast<AVPixelFormat>(decoded->format), w, h, AV_PIX_FMT_RGB24,
                                    SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws) throw fail("unsupported pixel format");
  frame.width = w;
  frame.height = h;
  frame.rgb.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  std::uint8_t* dst[1] = {frame.rgb.data()};
  const int dst_stride[1] = {w * 3};
  ffmpeg().sws_scale(sws.get(), decoded->data, decoded->linesize, 0, h, dst, dst_stride);
}

}  // namespace sentio::media
