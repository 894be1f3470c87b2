// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to sentio_media: FFmpeg's libraries are loaded with dlopen the first time a reader needs
// them, not linked. Debian's FFmpeg pulls in some 130 shared libraries (codecs, TLS, X11, ...), and
// loading them took ~33 ms at every start of every program linking libsentio, which is 10 % of
// extracting eGeMAPS from 10 minutes of audio; a plain PCM WAV (pcm_wav.hpp) and the programs that
// never touch media now pay nothing. The headers still come from the FFmpeg the build found, and the
// libraries are opened by the SONAMEs of that version, so the binary interface is the one compiled
// against.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

// Every FFmpeg function sentio_media calls, once: the table below is generated from this list.
#define SENTIO_FFMPEG_FUNCTIONS(X)                                                                          \
  X(av_channel_layout_compare) X(av_channel_layout_copy) X(av_channel_layout_default)                       \
  X(av_channel_layout_uninit) X(av_dict_free) X(av_dict_set) X(av_dict_set_int) X(av_find_best_stream)      \
  X(av_find_input_format) X(av_frame_alloc) X(av_frame_free) X(av_frame_get_buffer)                        \
  X(av_frame_make_writable) X(av_frame_unref) X(av_free) X(av_freep) X(av_get_exact_bits_per_sample)        \
  X(av_get_packed_sample_fmt) X(av_get_pix_fmt_name) X(av_get_sample_fmt_name) X(av_guess_frame_rate)       \
  X(av_image_copy_plane) X(av_log_set_level) X(av_malloc) X(av_packet_alloc) X(av_packet_free)             \
  X(av_packet_unref) X(av_probe_input_buffer2) X(av_probe_input_format3) X(av_read_frame)                   \
  X(av_sample_fmt_is_planar) X(av_strerror) X(avcodec_alloc_context3) X(avcodec_find_decoder)              \
  X(avcodec_find_encoder) X(avcodec_free_context) X(avcodec_get_name) X(avcodec_open2)                      \
  X(avcodec_parameters_to_context) X(avcodec_receive_frame) X(avcodec_receive_packet) X(avcodec_send_frame) \
  X(avcodec_send_packet) X(avformat_alloc_context) X(avformat_close_input) X(avformat_find_stream_info)     \
  X(avformat_open_input) X(avio_alloc_context) X(avio_closep) X(avio_context_free) X(avio_open2)            \
  X(swr_alloc_set_opts2) X(swr_convert) X(swr_free) X(swr_get_out_samples) X(swr_init) X(swr_set_matrix)    \
  X(sws_freeContext) X(sws_getCoefficients) X(sws_getContext) X(sws_scale) X(sws_setColorspaceDetails)

namespace sentio::media::detail {

// Pointers to the functions above, with FFmpeg's own signatures: call ffmpeg().avformat_open_input(...).
struct FfmpegApi {
#define SENTIO_FFMPEG_MEMBER(name) decltype(&::name) name = nullptr;
  SENTIO_FFMPEG_FUNCTIONS(SENTIO_FFMPEG_MEMBER)
#undef SENTIO_FFMPEG_MEMBER
};

// Loads libavformat, libavcodec, libavutil, libswresample and libswscale on the first call (thread-safe;
// they stay loaded until the process ends) and turns FFmpeg's own logging off, so that users see only
// Sentio's messages. Throws sentio::InputError naming the library and the Debian package when one is
// missing or lacks a function.
const FfmpegApi& ffmpeg();

}  // namespace sentio::media::detail
