// SPDX-License-Identifier: Apache-2.0
// AudioDecoder, two ways:
//  * FfmpegAudio: container -> decoder (FrameSource) -> libswresample -> float32 at the output rate
//    (channel mix, one selected channel, or all channels interleaved; mixing and selection are done by
//    swresample's mixing matrix). Memory is bounded: one decoded frame, swresample's internal delay
//    line, and `pending`, which holds at most one frame's worth of converted samples that did not fit
//    the caller's span.
//  * WavAudio: a 16-bit PCM WAV file read at its own rate, mono, one channel or all channels, is
//    copied sample by sample (s / 32768, what libswresample computes), without loading FFmpeg.
#include "sentio/media/audio_decoder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#include "ffmpeg_util.hpp"
#include "frame_source.hpp"
#include "pcm_wav.hpp"
#include "stream_input.hpp"
#include "sentio/core/error.hpp"

namespace sentio::media {

using detail::ffmpeg;
namespace {

// Largest float below 1: the output contract is [-1, 1), as for int16 PCM mapped by s / 32768.
constexpr float kMaxSample = 0x1.fffffep-1f;

// Formats whose samples all map into [-1, 1) as float without clamping (s32's largest values round
// up to 1.0f, so s32 and s64 are clamped too).
bool maps_into_range(int format) {
  switch (ffmpeg().av_get_packed_sample_fmt(static_cast<AVSampleFormat>(format))) {
    case AV_SAMPLE_FMT_U8:
    case AV_SAMPLE_FMT_S16: return true;
    default: return false;
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Checks the caller's options against the input `path`; returns the container options to open it with.
detail::ContainerOptions container_options(const std::string& path, const AudioDecodeOptions& o) {
  SENTIO_ASSERT(o.sample_rate >= 0 && o.sample_rate <= kMaxSampleRate);
  SENTIO_ASSERT(o.channel >= kAllChannels);
  detail::ContainerOptions c;
  if (o.input_format.empty()) {
    if (o.raw_sample_rate != 0 || o.raw_channels != 0)
      detail::throw_input_error(path, "a raw sample rate or channel count was given without a raw input format (" +
                                          join(raw_audio_formats()) + ")");
    return c;
  }
  const auto& formats = raw_audio_formats();
  if (std::find(formats.begin(), formats.end(), o.input_format) == formats.end())
    detail::throw_input_error(path, "unknown raw audio format '" + o.input_format + "' (accepted: " + join(formats) + ")");
  if (o.raw_sample_rate < kMinSampleRate || o.raw_sample_rate > kMaxSampleRate)
    detail::throw_input_error(path, "raw " + o.input_format + " input needs a sample rate of " +
                                        std::to_string(kMinSampleRate) + ".." +
                                        std::to_string(kMaxSampleRate) + " Hz (got " +
                                        std::to_string(o.raw_sample_rate) + ")");
  if (o.raw_channels <= 0 || o.raw_channels > kMaxChannels)
    detail::throw_input_error(path, "raw " + o.input_format + " input needs a channel count of 1.." +
                                        std::to_string(kMaxChannels) + " (got " + std::to_string(o.raw_channels) + ")");
  c.input_format = o.input_format;
  c.raw_sample_rate = o.raw_sample_rate;
  c.raw_channels = o.raw_channels;
  return c;
}

// A copy of `layout`, or the default layout for its channel count when its order is unspecified
// (swresample needs to know which channel is which to build a default matrix).
void copy_layout(AVChannelLayout* dst, const AVChannelLayout& layout) {
  ffmpeg().av_channel_layout_uninit(dst);
  if (layout.order == AV_CHANNEL_ORDER_UNSPEC)
    ffmpeg().av_channel_layout_default(dst, layout.nb_channels);
  else if (ffmpeg().av_channel_layout_copy(dst, &layout) < 0)
    throw std::bad_alloc();
}

// One way of decoding (see the top of the file).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::size_t read(std::span<float> out) = 0;
  virtual std::vector<std::string> warnings() const = 0;
  AudioInfo info;
};

class FfmpegAudio final : public Backend {
 public:
  enum class Stage { decoding, draining, done };

  detail::FrameSource source;
  detail::FramePtr frame = detail::make_frame();
  bool primed = false;  // `frame` holds a decoded frame that read() has not converted yet
  detail::SwrPtr swr;
  // Input side of the configured resampler; a frame that differs (a mid-stream format change,
  // e.g. chained Ogg or a new AAC configuration) makes us drain it and build a new one.
  AVChannelLayout swr_layout{};
  int swr_format = -1;
  int swr_rate = 0;
  bool clamp = false;  // resampled, remixed, float or 32-bit sources can reach or overshoot [-1, 1)
  // Output side: mono, or (kAllChannels) the first frame's layout.
  AVChannelLayout out_layout = AV_CHANNEL_LAYOUT_MONO;
  // Converted samples not yet handed out: pending[pending_pos, pending_pos + pending_len).
  std::vector<float> pending;
  std::size_t pending_pos = 0;
  std::size_t pending_len = 0;
  Stage stage = Stage::decoding;
  int channel = kMixChannels;  // kMixChannels, kAllChannels or the one channel to output
  std::uint64_t non_finite = 0;  // NaN/infinite source samples replaced by 0

  FfmpegAudio(const std::string& path, const AudioDecodeOptions& options)
      : source(path, AVMEDIA_TYPE_AUDIO, container_options(path, options)), channel(options.channel) {
    const AVStream& st = source.stream();
    info.path = path;
    info.container = source.container_name();
    info.codec = ffmpeg().avcodec_get_name(st.codecpar->codec_id);
    info.source_sample_rate = st.codecpar->sample_rate;
    info.source_channels = st.codecpar->ch_layout.nb_channels;
    check_rate(info.source_sample_rate);
    info.duration_s = detail::stream_duration_s(&source.format(), &st);
    if (info.duration_s == 0) info.duration_s = source.declared_duration_s();
    info.sample_rate = options.sample_rate;
    if (channel >= 0) check_channel(info.source_channels);
    if (options.sample_rate > 0 && channel != kAllChannels) return;  // the legacy path: nothing decoded yet

    // The first frame fixes the native rate and, for kAllChannels, the output layout.
    while (source.next(frame.get())) {
      if (frame->nb_samples > 0) {
        primed = true;
        break;
      }
    }
    int rate = st.codecpar->sample_rate;
    AVChannelLayout first{};
    if (primed) {
      rate = frame->sample_rate;
      copy_layout(&first, frame->ch_layout);
    } else {
      stage = Stage::done;  // no audio at all: read() returns 0
      copy_layout(&first, st.codecpar->ch_layout);
    }
    if (info.sample_rate == 0) info.sample_rate = rate;
    if (channel == kAllChannels) {
      if (first.nb_channels > kMaxChannels) {
        ffmpeg().av_channel_layout_uninit(&first);
        throw_too_many_channels(first.nb_channels);
      }
      ffmpeg().av_channel_layout_uninit(&out_layout);
      out_layout = first;  // takes ownership
      info.channels = std::max(out_layout.nb_channels, 1);
    } else {
      ffmpeg().av_channel_layout_uninit(&first);
    }
  }

  ~FfmpegAudio() override {
    ffmpeg().av_channel_layout_uninit(&swr_layout);
    ffmpeg().av_channel_layout_uninit(&out_layout);
  }
  FfmpegAudio(const FfmpegAudio&) = delete;
  FfmpegAudio& operator=(const FfmpegAudio&) = delete;

  // A declared rate outside kMinSampleRate..kMaxSampleRate is refused before anything is decoded (0 = not
  // declared): a few bytes declaring 1 Hz would decode as hours, 2 GHz would need a resampler filter of
  // gigabytes.
  void check_rate(int rate) const {
    if (rate > 0 && (rate < kMinSampleRate || rate > kMaxSampleRate))
      detail::throw_input_error(info.path, "declares a sample rate of " + std::to_string(rate) + " Hz (" +
                                               std::to_string(kMinSampleRate) + ".." + std::to_string(kMaxSampleRate) +
                                               " Hz is accepted)");
  }

  void check_channel(int channels) const {
    if (channel >= channels)
      detail::throw_input_error(info.path, "has " + std::to_string(channels) + " audio channel" +
                                               (channels == 1 ? "" : "s") + "; channel " + std::to_string(channel) +
                                               " (0-based) does not exist");
  }

  [[noreturn]] void throw_too_many_channels(int channels) const {
    detail::throw_input_error(info.path, "has " + std::to_string(channels) + " audio channels; at most " +
                                             std::to_string(kMaxChannels) + " are supported");
  }

  bool matches_resampler(const AVFrame& f) const {
    return swr && f.format == swr_format && f.sample_rate == swr_rate &&
           ffmpeg().av_channel_layout_compare(&f.ch_layout, &swr_layout) == 0;
  }

  // Builds the resampler for frames like `f`: any layout/format/rate -> float at info.sample_rate in
  // the output layout. Mono output uses a custom matrix that averages the channels (swresample's
  // default stereo->mono matrix sums L and R with gain 1/sqrt(2) each and would not give x for
  // L = R = x), or that keeps only the selected channel (gain 1 on it, 0 on the others). All channels:
  // no matrix when the layouts agree; after a mid-stream change, see the matrix below.
  void configure(const AVFrame& f) {
    const int channels = f.ch_layout.nb_channels;
    if (channels <= 0 || f.sample_rate <= 0)
      detail::throw_input_error(info.path, "corrupt audio data (a frame without channels or sample rate)");
    if (channel >= 0) check_channel(channels);  // also after a mid-stream layout change
    check_rate(f.sample_rate);  // also after a mid-stream change
    if (channels > kMaxChannels) throw_too_many_channels(channels);
    AVChannelLayout in{};
    copy_layout(&in, f.ch_layout);
    SwrContext* raw = nullptr;
    int r = ffmpeg().swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLT, info.sample_rate, &in,
                                static_cast<AVSampleFormat>(f.format), f.sample_rate, 0, nullptr);
    const bool same_layout = ffmpeg().av_channel_layout_compare(&in, &out_layout) == 0;
    ffmpeg().av_channel_layout_uninit(&in);
    detail::SwrPtr fresh(raw);
    const int out_channels = out_layout.nb_channels;
    bool remixed = false;
    if (r >= 0 && channel != kAllChannels && channels > 1) {
      std::vector<double> matrix(static_cast<std::size_t>(channels), 1.0 / channels);  // 1 x channels
      if (channel != kMixChannels) {
        std::fill(matrix.begin(), matrix.end(), 0.0);
        matrix[static_cast<std::size_t>(channel)] = 1.0;
      }
      r = ffmpeg().swr_set_matrix(fresh.get(), matrix.data(), channels);
    } else if (r >= 0 && channel == kAllChannels && !same_layout) {
      // out_channels x channels: the identity for equal counts, the mean into a mono output, a mono
      // input copied to every output channel; otherwise swresample's default remix.
      const auto oc = static_cast<std::size_t>(out_channels), ic = static_cast<std::size_t>(channels);
      std::vector<double> matrix(oc * ic, 0.0);
      if (channels == out_channels) {
        for (std::size_t c = 0; c < ic; ++c) matrix[c * ic + c] = 1.0;
      } else if (out_channels == 1) {
        std::fill(matrix.begin(), matrix.end(), 1.0 / channels);
      } else if (channels == 1) {
        std::fill(matrix.begin(), matrix.end(), 1.0);
      } else {
        matrix.clear();
        remixed = true;
      }
      if (!matrix.empty()) r = ffmpeg().swr_set_matrix(fresh.get(), matrix.data(), channels);
    }
    if (r >= 0) r = ffmpeg().swr_init(fresh.get());
    if (r < 0) {  // ENOMEM included: the resampler's tables are sized by the declared format
      const char* format_name = ffmpeg().av_get_sample_fmt_name(static_cast<AVSampleFormat>(f.format));
      detail::throw_input_error(info.path, std::string("cannot convert its audio (") +
                                               (format_name ? format_name : "unknown sample format") + ", " +
                                               std::to_string(channels) + " channels, " + std::to_string(f.sample_rate) +
                                               " Hz: " + detail::av_error_text(r) + ")");
    }
    swr = std::move(fresh);
    ffmpeg().av_channel_layout_uninit(&swr_layout);
    if (ffmpeg().av_channel_layout_copy(&swr_layout, &f.ch_layout) < 0) throw std::bad_alloc();
    swr_format = f.format;
    swr_rate = f.sample_rate;
    clamp = f.sample_rate != info.sample_rate || !maps_into_range(f.format) || remixed;
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
  // large reads), otherwise through `pending`. Returns the number of frames produced. `out` holds
  // whole output frames, and n counts samples (a multiple of info.channels).
  int convert(const std::uint8_t** in, int count, std::span<float> out, std::size_t& n) {
    const int bound = ffmpeg().swr_get_out_samples(swr.get(), count);
    if (bound < 0) detail::throw_input_error(info.path, "resampling failed (" + detail::av_error_text(bound) + ")");
    const auto channels = static_cast<std::size_t>(info.channels);
    const std::size_t bound_samples = static_cast<std::size_t>(bound) * channels;
    const bool direct = pending_len == 0 && bound_samples <= out.size() - n;
    float* dst = nullptr;
    if (direct) {
      dst = out.data() + n;
    } else {
      if (pending_pos > 0) {  // compact, so `pending` never grows beyond ~one frame plus a remainder
        std::memmove(pending.data(), pending.data() + pending_pos, pending_len * sizeof(float));
        pending_pos = 0;
      }
      if (pending.size() < pending_len + bound_samples) pending.resize(pending_len + bound_samples);
      dst = pending.data() + pending_len;
    }
    std::uint8_t* planes[1] = {reinterpret_cast<std::uint8_t*>(dst)};
    const int got = ffmpeg().swr_convert(swr.get(), planes, bound, in, count);
    if (got < 0) detail::throw_input_error(info.path, "resampling failed (" + detail::av_error_text(got) + ")");
    const std::size_t got_samples = static_cast<std::size_t>(got) * channels;
    if (clamp)
      for (std::size_t i = 0; i < got_samples; ++i) dst[i] = std::clamp(dst[i], -1.0f, kMaxSample);
    if (direct) {
      n += got_samples;
    } else {
      pending_len += got_samples;
      n = take_pending(out, n);
    }
    return got;
  }

  void drain(std::span<float> out, std::size_t& n) {
    while (convert(nullptr, 0, out, n) > 0) {
    }
  }

  // Float sources: NaN and infinite samples become 0 (counted for a warning) before they reach the
  // resampler, whose filter would spread them to their neighbours.
  template <class T>
  void zero_non_finite(T* p, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      if (!std::isfinite(p[i])) {
        p[i] = 0;
        ++non_finite;
      }
    }
  }
  void sanitize(AVFrame& f) {
    const auto format = static_cast<AVSampleFormat>(f.format);
    const bool is_float = format == AV_SAMPLE_FMT_FLT || format == AV_SAMPLE_FMT_FLTP;
    const bool is_double = format == AV_SAMPLE_FMT_DBL || format == AV_SAMPLE_FMT_DBLP;
    if (!is_float && !is_double) return;
    const bool planar = ffmpeg().av_sample_fmt_is_planar(format) != 0;
    const int channels = f.ch_layout.nb_channels;
    const int planes = planar ? channels : 1;
    const auto per_plane = static_cast<std::size_t>(f.nb_samples) * static_cast<std::size_t>(planar ? 1 : channels);
    if (ffmpeg().av_frame_make_writable(&f) < 0) throw std::bad_alloc();
    for (int c = 0; c < planes; ++c) {
      if (is_float) zero_non_finite(reinterpret_cast<float*>(f.extended_data[c]), per_plane);
      else zero_non_finite(reinterpret_cast<double*>(f.extended_data[c]), per_plane);
    }
  }

  // Converts `frame` (a new resampler first if its format differs from the last one's).
  void convert_frame(std::span<float> out, std::size_t& n) {
    sanitize(*frame);
    if (!matches_resampler(*frame)) {
      if (swr) drain(out, n);  // the old configuration's tail goes out before the new one starts
      configure(*frame);
    }
    convert(const_cast<const std::uint8_t**>(frame->extended_data), frame->nb_samples, out, n);
  }

  std::size_t read(std::span<float> out) override {
    const auto channels = static_cast<std::size_t>(info.channels);
    SENTIO_ASSERT(out.empty() || out.size() >= channels);
    out = out.first(out.size() - out.size() % channels);  // whole frames only
    std::size_t n = take_pending(out, 0);
    if (primed && n < out.size()) {
      primed = false;
      convert_frame(out, n);
    }
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
      convert_frame(out, n);
    }
    return n;
  }

  std::vector<std::string> warnings() const override {
    std::vector<std::string> out = source.warnings();
    if (non_finite > 0)
      out.push_back("'" + info.path + "': " + std::to_string(non_finite) +
                    " sample(s) were NaN or infinite and were replaced by 0");
    return out;
  }
};

class WavAudio final : public Backend {
 public:
  WavAudio(const std::string& path, const detail::PcmWav& wav, int channel) : file_(path, wav, channel) {
    info.path = path;
    info.container = "wav";
    info.codec = "pcm_" + wav.raw_format;
    info.source_sample_rate = wav.sample_rate;
    info.source_channels = wav.channels;
    info.duration_s = static_cast<double>(wav.data_bytes / wav.frame_bytes) / wav.sample_rate;
    info.sample_rate = wav.sample_rate;
    info.channels = channel == kAllChannels ? wav.channels : 1;
  }
  std::size_t read(std::span<float> out) override {
    SENTIO_ASSERT(out.empty() || out.size() >= static_cast<std::size_t>(info.channels));
    return file_.read(out);
  }
  std::vector<std::string> warnings() const override { return file_.warnings(); }

 private:
  detail::PcmWavFile file_;
};

// WavAudio when the input is a 16-bit PCM WAV file it can copy (no resampling, no mixing), else FfmpegAudio.
std::unique_ptr<Backend> open_audio(const std::string& path, const AudioDecodeOptions& o) {
  if (o.input_format.empty() && o.raw_sample_rate == 0 && o.raw_channels == 0 && !detail::StreamInput::is_stream(path)) {
    if (const auto wav = detail::plain_s16_wav_file(path)) {
      // Mono: the mix, channel 0 and all channels are the one channel.
      const int channel = wav->channels == 1 && o.channel <= 0 ? kAllChannels : o.channel;
      const bool copies = channel == kAllChannels || (channel >= 0 && channel < wav->channels);
      if (copies && (o.sample_rate == 0 || o.sample_rate == wav->sample_rate))
        return std::make_unique<WavAudio>(path, *wav, channel);
    }
  }
  return std::make_unique<FfmpegAudio>(path, o);
}

}  // namespace

const std::vector<std::string>& raw_audio_formats() {
  static const std::vector<std::string> formats = {"s16le", "s32le", "f32le", "f64le", "u8"};
  return formats;
}

struct AudioDecoder::Impl {
  std::unique_ptr<Backend> backend;
  std::vector<std::string> warnings;  // what warnings() last returned
};

AudioDecoder::AudioDecoder(const std::string& path, int sample_rate, int channel) {
  SENTIO_ASSERT(sample_rate > 0);
  SENTIO_ASSERT(channel >= kAllChannels);
  AudioDecodeOptions options;
  options.sample_rate = sample_rate;
  options.channel = channel;
  impl_ = std::make_unique<Impl>(Impl{open_audio(path, options), {}});
}
AudioDecoder::AudioDecoder(const std::string& path, const AudioDecodeOptions& options)
    : impl_(std::make_unique<Impl>(Impl{open_audio(path, options), {}})) {}
AudioDecoder::~AudioDecoder() = default;
AudioDecoder::AudioDecoder(AudioDecoder&&) noexcept = default;
AudioDecoder& AudioDecoder::operator=(AudioDecoder&&) noexcept = default;

const AudioInfo& AudioDecoder::info() const {
  SENTIO_ASSERT(impl_ != nullptr);
  return impl_->backend->info;
}

std::size_t AudioDecoder::read(std::span<float> out) {
  SENTIO_ASSERT(impl_ != nullptr);
  return impl_->backend->read(out);
}

const std::vector<std::string>& AudioDecoder::warnings() const {
  SENTIO_ASSERT(impl_ != nullptr);
  impl_->warnings = impl_->backend->warnings();
  return impl_->warnings;
}

std::vector<float> decode_audio(const std::string& path, int sample_rate, int channel) {
  AudioDecoder decoder(path, sample_rate, channel);
  // First guess from the declared duration (+1 s for codec padding), capped so that a damaged header
  // cannot make us reserve gigabytes; grows by 1.5x when the guess was short.
  constexpr double kMaxInitialS = 3600.0;
  const double guess_s = std::min(decoder.info().duration_s, kMaxInitialS) + 1.0;
  const auto channels = static_cast<std::size_t>(decoder.info().channels);
  std::vector<float> out(static_cast<std::size_t>(guess_s * sample_rate) * channels);
  std::size_t n = 0;
  for (;;) {
    if (out.size() - n < channels) out.resize(n + (out.size() / 2 + 4096) * channels);
    const std::size_t got = decoder.read(std::span<float>(out).subspan(n));
    if (got == 0) break;
    n += got;
  }
  out.resize(n);
  return out;
}

}  // namespace sentio::media
