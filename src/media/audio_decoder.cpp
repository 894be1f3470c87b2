// SPDX-License-Identifier: Apache-2.0
// AudioDecoder: container -> decoder (FrameSource) -> libswresample -> mono float32 at the requested
// rate (channel mix or one selected channel, both done by swresample's mixing matrix). Memory is bounded: one decoded frame, swresample's internal delay line, and `pending_`, which
// holds at most one frame's worth of converted samples that did not fit the caller's span.
#include "sentio/media/audio_decoder.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "ffmpeg_util.hpp"
#include "frame_source.hpp"
#include "sentio/core/error.hpp"

namespace sentio::media {
namespace {

// Largest float below 1: the output contract is [-1, 1), as for int16 PCM mapped by s / 32768.
constexpr float kMaxSample = 0x1.fffffep-1f;
// Channel count libswresample accepts (SWR_CH_MAX is private to it).
constexpr int kMaxChannels = 64;

bool is_integer_format(int format) {
  switch (av_get_packed_sample_fmt(static_cast<AVSampleFormat>(format))) {
    case AV_SAMPLE_FMT_U8:
    case AV_SAMPLE_FMT_S16:
    case AV_SAMPLE_FMT_S32:
    case AV_SAMPLE_FMT_S64: return true;
    default: return false;
  }
}

}  // namespace

struct AudioDecoder::Impl {
  enum class Stage { decoding, draining, done };

  detail::FrameSource source;
  AudioInfo info;
  detail::FramePtr frame = detail::make_frame();
  detail::SwrPtr swr;
  // Input side of the configured resampler; a frame that differs (a mid-stream format change,
  // e.g. chained Ogg or a new AAC configuration) makes us drain it and build a new one.
  AVChannelLayout swr_layout{};
  int swr_format = -1;
  int swr_rate = 0;
  bool clamp = false;  // resampled or float sources can overshoot [-1, 1)
  // Converted samples not yet handed out: pending[pending_pos, pending_pos + pending_len).
  std::vector<float> pending;
  std::size_t pending_pos = 0;
  std::size_t pending_len = 0;
  Stage stage = Stage::decoding;
  int channel = kMixChannels;  // kMixChannels or the one channel to output

  Impl(const std::string& path, int sample_rate, int selected_channel)
      : source(path, AVMEDIA_TYPE_AUDIO), channel(selected_channel) {
    const AVStream& st = source.stream();
    info.path = path;
    info.container = source.format().iformat->name;
    info.codec = avcodec_get_name(st.codecpar->codec_id);
    info.source_sample_rate = st.codecpar->sample_rate;
    info.source_channels = st.codecpar->ch_layout.nb_channels;
    info.duration_s = detail::stream_duration_s(&source.format(), &st);
    info.sample_rate = sample_rate;
    if (channel != kMixChannels) check_channel(info.source_channels);
  }

  void check_channel(int channels) const {
    if (channel >= channels)
      detail::throw_input_error(info.path, "has " + std::to_string(channels) + " audio channel" +
                                               (channels == 1 ? "" : "s") + "; channel " + std::to_string(channel) +
                                               " (0-based) does not exist");
  }
  ~Impl() { av_channel_layout_uninit(&swr_layout); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  bool matches_resampler(const AVFrame& f) const {
    return swr && f.format == swr_format && f.sample_rate == swr_rate &&
           av_channel_layout_compare(&f.ch_layout, &swr_layout) == 0;
  }

  // Builds the resampler for frames like `f`: any layout/format/rate -> mono float at info.sample_rate,
  // with a custom matrix that averages the channels (swresample's default stereo->mono matrix sums
  // L and R with gain 1/sqrt(2) each and would not give x for L = R = x), or that keeps only the
  // selected channel (gain 1 on it, 0 on the others).
  void configure(const AVFrame& f) {
    const int channels = f.ch_layout.nb_channels;
    if (channels <= 0 || f.sample_rate <= 0)
      detail::throw_input_error(info.path, "corrupt audio data (a frame without channels or sample rate)");
    if (channel != kMixChannels) check_channel(channels);  // also after a mid-stream layout change
    if (channels > kMaxChannels)
      detail::throw_input_error(info.path, "has " + std::to_string(channels) + " audio channels; at most " +
                                               std::to_string(kMaxChannels) + " are supported");
    AVChannelLayout in{};
    if (f.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
      av_channel_layout_default(&in, channels);
    else if (av_channel_layout_copy(&in, &f.ch_layout) < 0)
      throw std::bad_alloc();
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;  // non-const: FFmpeg 5.1 signature
    SwrContext* raw = nullptr;
    int r = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, info.sample_rate, &in,
                                static_cast<AVSampleFormat>(f.format), f.sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in);
    detail::SwrPtr fresh(raw);
    if (r >= 0 && channels > 1) {
      std::vector<double> matrix(static_cast<std::size_t>(channels), 1.0 / channels);  // 1 x channels
      if (channel != kMixChannels) {
        std::fill(matrix.begin(), matrix.end(), 0.0);
        matrix[static_cast<std::size_t>(channel)] = 1.0;
      }
      r = swr_set_matrix(fresh.get(), matrix.data(), channels);
    }
    if (r >= 0) r = swr_init(fresh.get());
    if (r == AVERROR(ENOMEM)) throw std::bad_alloc();
    if (r < 0) {
      const char* format_name = av_get_sample_fmt_name(static_cast<AVSampleFormat>(f.format));
      detail::throw_input_error(info.path, std::string("cannot convert its audio (") +
                                               (format_name ? format_name : "unknown sample format") + ", " +
                                               std::to_string(channels) + " channels, " + std::to_string(f.sample_rate) +
                                               " Hz: " + detail::av_error_text(r) + ")");
    }
    swr = std::move(fresh);
    av_channel_layout_uninit(&swr_layout);
    if (av_channel_layout_copy(&swr_layout, &f.ch_layout) < 0) throw std::bad_alloc();
    swr_format = f.format;
    swr_rate = f.sample_rate;
    clamp = f.sample_rate != info.sample_rate || !is_integer_format(f.format);
  }

  // Copies pending samples to out[n...]; returns the new n.
  std::size_t take_pending(std::span<float> out, std::size_t n) {
    const std::size_t k = std::min(pending_len, out.size() - n);
    if (k > 0) std::memcpy(out.data() + n, pending.data() + pending_pos, k * sizeof(float));
    pending_pos += k;
    pending_len -= k;
    if (pending_len == 0) pending_pos = 0;
    return n + k;
  }

  // Runs the resampler on `count` samples of `in` (nullptr = drain its delay line) and appends the
  // result to out[n...]: straight into the caller's span when it surely fits (the common case with
  // large reads), otherwise through `pending`. Returns the number of samples produced.
  int convert(const std::uint8_t** in, int count, std::span<float> out, std::size_t& n) {
    const int bound = swr_get_out_samples(swr.get(), count);
    if (bound < 0) detail::throw_input_error(info.path, "resampling failed (" + detail::av_error_text(bound) + ")");
    const bool direct = pending_len == 0 && static_cast<std::size_t>(bound) <= out.size() - n;
    float* dst = nullptr;
    if (direct) {
      dst = out.data() + n;
    } else {
      if (pending_pos > 0) {  // compact, so `pending` never grows beyond ~one frame plus a remainder
        std::memmove(pending.data(), pending.data() + pending_pos, pending_len * sizeof(float));
        pending_pos = 0;
      }
      if (pending.size() < pending_len + static_cast<std::size_t>(bound)) pending.resize(pending_len + bound);
      dst = pending.data() + pending_len;
    }
    std::uint8_t* planes[1] = {reinterpret_cast<std::uint8_t*>(dst)};
    const int got = swr_convert(swr.get(), planes, bound, in, count);
    if (got < 0) detail::throw_input_error(info.path, "resampling failed (" + detail::av_error_text(got) + ")");
    if (clamp)
      for (int i = 0; i < got; ++i) dst[i] = std::clamp(dst[i], -1.0f, kMaxSample);
    if (direct) {
      n += static_cast<std::size_t>(got);
    } else {
      pending_len += static_cast<std::size_t>(got);
      n = take_pending(out, n);
    }
    return got;
  }

  void drain(std::span<float> out, std::size_t& n) {
    while (convert(nullptr, 0, out, n) > 0) {
    }
  }

  std::size_t read(std::span<float> out) {
    std::size_t n = take_pending(out, 0);
    while (n < out.size() && stage != Stage::done) {
      if (stage == Stage::draining) {
        if (!swr || convert(nullptr, 0, out, n) <= 0) stage = Stage::done;
        continue;
      }
      if (!source.next(frame.get())) {
        stage = Stage::draining;
        continue;
      }
      if (frame->nb_samples <= 0) continue;
      if (!matches_resampler(*frame)) {
        if (swr) drain(out, n);  // the old configuration's tail goes out before the new one starts
        configure(*frame);
      }
      convert(const_cast<const std::uint8_t**>(frame->extended_data), frame->nb_samples, out, n);
    }
    return n;
  }
};

AudioDecoder::AudioDecoder(const std::string& path, int sample_rate, int channel) {
  SENTIO_ASSERT(sample_rate > 0);
  SENTIO_ASSERT(channel >= kMixChannels);
  impl_ = std::make_unique<Impl>(path, sample_rate, channel);
}
AudioDecoder::~AudioDecoder() = default;
AudioDecoder::AudioDecoder(AudioDecoder&&) noexcept = default;
AudioDecoder& AudioDecoder::operator=(AudioDecoder&&) noexcept = default;

const AudioInfo& AudioDecoder::info() const {
  SENTIO_ASSERT(impl_ != nullptr);
  return impl_->info;
}

std::size_t AudioDecoder::read(std::span<float> out) {
  SENTIO_ASSERT(impl_ != nullptr);
  return impl_->read(out);
}

std::vector<float> decode_audio(const std::string& path, int sample_rate, int channel) {
  AudioDecoder decoder(path, sample_rate, channel);
  // First guess from the declared duration (+1 s for codec padding), capped so that a damaged header
  // cannot make us reserve gigabytes; grows by 1.5x when the guess was short.
  constexpr double kMaxInitialS = 3600.0;
  const double guess_s = std::min(decoder.info().duration_s, kMaxInitialS) + 1.0;
  std::vector<float> out(static_cast<std::size_t>(guess_s * sample_rate));
  std::size_t n = 0;
  for (;;) {
    if (n == out.size()) out.resize(out.size() + out.size() / 2 + 4096);
    const std::size_t got = decoder.read(std::span<float>(out).subspan(n));
    if (got == 0) break;
    n += got;
  }
  out.resize(n);
  return out;
}

}  // namespace sentio::media
