// SPDX-License-Identifier: Apache-2.0
// Resampler: interleaved float -> libswresample (rate conversion and the channel matrix) -> clamped
// interleaved float, or an exact copy when nothing needs computing.
#include "sentio/media/resampler.hpp"

#include <algorithm>
#include <cstdint>
#include <new>
#include <string>

#include "ffmpeg_util.hpp"
#include "sentio/core/error.hpp"

namespace sentio::media {

using detail::ffmpeg;
namespace {

// Largest float below 1: the output contract is [-1, 1), as for AudioDecoder.
constexpr float kMaxSample = 0x1.fffffep-1f;
// Output frames per swr_convert call at most, so that counts fit its int arguments.
constexpr std::int64_t kMaxOutFramesPerCall = std::int64_t{1} << 24;
// libswresample needs about its filter length of input (~32 input frames per output frame period,
// i.e. 32 * max(1, in_rate / out_rate) frames; measured up to 2720 for 768 kHz -> 8 kHz) before it
// produces anything, and drops everything when the stream is shorter than that. Streams shorter than
// kShortFactor * max(1, in/out) + kShortSlack frames are therefore kept, so finish() can redo them.
constexpr std::int64_t kShortFactor = 64;
constexpr std::int64_t kShortSlack = 64;
constexpr std::int64_t kMaxShortFrames = std::int64_t{1} << 20;

[[noreturn]] void throw_resampler_error(const std::string& cause) { throw InputError("resampler: " + cause); }

void clamp_samples(float* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[i] = std::clamp(p[i], -1.0f, kMaxSample);
}

}  // namespace

struct Resampler::Impl {
  int in_rate = 0, in_channels = 0, out_rate = 0, channel = kMixChannels, out_channels = 1;
  detail::SwrPtr swr;  // null: exact copy (equal rates, no mixing)
  bool finished = false;
  std::int64_t frames_in = 0;   // pushed so far
  std::int64_t frames_out = 0;  // produced so far
  std::int64_t max_frames_per_call = 0;
  // The whole input while it is shorter than short_frames (then finish() can redo it, see above).
  std::int64_t short_frames = 0;
  std::vector<float> head;

  Impl(int in_r, int in_ch, int out_r, int ch) : in_rate(in_r), in_channels(in_ch), out_rate(out_r), channel(ch) {
    out_channels = channel == kAllChannels ? in_channels : 1;
    const bool copy = in_rate == out_rate && (in_channels == 1 || channel != kMixChannels);
    if (copy) return;
    swr = make_swr();
    max_frames_per_call = std::clamp<std::int64_t>(kMaxOutFramesPerCall * in_rate / out_rate, 1, kMaxOutFramesPerCall);
    const std::int64_t ratio = (in_rate + out_rate - 1) / out_rate;
    short_frames = in_rate == out_rate ? 0 : std::min(kShortFactor * std::max<std::int64_t>(ratio, 1) + kShortSlack, kMaxShortFrames);
  }

  // Float interleaved in -> float interleaved out. Layouts are the default ones for the channel counts
  // (only their size matters: the matrix below is explicit, or absent for all channels).
  detail::SwrPtr make_swr() const {
    AVChannelLayout in{}, out{};
    ffmpeg().av_channel_layout_default(&in, in_channels);
    ffmpeg().av_channel_layout_default(&out, out_channels);
    SwrContext* raw = nullptr;
    int r = ffmpeg().swr_alloc_set_opts2(&raw, &out, AV_SAMPLE_FMT_FLT, out_rate, &in, AV_SAMPLE_FMT_FLT, in_rate, 0, nullptr);
    ffmpeg().av_channel_layout_uninit(&in);
    ffmpeg().av_channel_layout_uninit(&out);
    detail::SwrPtr fresh(raw);
    if (r >= 0 && out_channels == 1 && in_channels > 1) {
      // 1 x in_channels: the mean (swresample's default stereo -> mono matrix would be 1/sqrt(2)
      // per channel), or gain 1 on the selected channel.
      std::vector<double> matrix(static_cast<std::size_t>(in_channels), 1.0 / in_channels);
      if (channel != kMixChannels) {
        std::fill(matrix.begin(), matrix.end(), 0.0);
        matrix[static_cast<std::size_t>(channel)] = 1.0;
      }
      r = ffmpeg().swr_set_matrix(fresh.get(), matrix.data(), in_channels);
    }
    if (r >= 0) r = ffmpeg().swr_init(fresh.get());
    if (r == AVERROR(ENOMEM)) throw std::bad_alloc();
    if (r < 0)
      throw_resampler_error("cannot convert " + std::to_string(in_channels) + " channels at " + std::to_string(in_rate) +
                            " Hz to " + std::to_string(out_rate) + " Hz (" + detail::av_error_text(r) + ")");
    return fresh;
  }

  // Runs `s` on `frames` frames at `in` (nullptr: drain) and appends the clamped output to `out`;
  // returns the number of frames produced.
  int convert(SwrContext* s, const float* in, int frames, std::vector<float>& out) const {
    const int bound = ffmpeg().swr_get_out_samples(s, frames);
    if (bound < 0) throw_resampler_error("conversion failed (" + detail::av_error_text(bound) + ")");
    const std::size_t old = out.size();
    const auto oc = static_cast<std::size_t>(out_channels);
    out.resize(old + static_cast<std::size_t>(bound) * oc);
    std::uint8_t* dst[1] = {reinterpret_cast<std::uint8_t*>(out.data() + old)};
    const std::uint8_t* src[1] = {reinterpret_cast<const std::uint8_t*>(in)};
    const int got = ffmpeg().swr_convert(s, dst, bound, in ? src : nullptr, in ? frames : 0);
    if (got < 0) {
      out.resize(old);
      throw_resampler_error("conversion failed (" + detail::av_error_text(got) + ")");
    }
    out.resize(old + static_cast<std::size_t>(got) * oc);
    clamp_samples(out.data() + old, static_cast<std::size_t>(got) * oc);
    return got;
  }

  // Feeds all of `in` (whole frames) to `s` in calls of at most max_frames_per_call frames; returns
  // the number of frames produced.
  std::int64_t feed(SwrContext* s, std::span<const float> in, std::vector<float>& out) const {
    const auto ic = static_cast<std::size_t>(in_channels);
    std::int64_t frames = static_cast<std::int64_t>(in.size() / ic), produced = 0;
    const float* p = in.data();
    while (frames > 0) {
      const std::int64_t n = std::min(frames, max_frames_per_call);
      produced += convert(s, p, static_cast<int>(n), out);
      p += static_cast<std::size_t>(n) * ic;
      frames -= n;
    }
    return produced;
  }

  std::int64_t drain(SwrContext* s, std::vector<float>& out) const {
    std::int64_t produced = 0;
    while (int got = convert(s, nullptr, 0, out)) produced += got;
    return produced;
  }

  void copy(std::span<const float> in, std::vector<float>& out) const {
    const std::size_t old = out.size();
    if (out_channels == in_channels) {
      out.insert(out.end(), in.begin(), in.end());
    } else {  // one selected channel
      const auto ic = static_cast<std::size_t>(in_channels);
      const auto c = static_cast<std::size_t>(channel);
      out.reserve(old + in.size() / ic);
      for (std::size_t i = c; i < in.size(); i += ic) out.push_back(in[i]);
    }
    clamp_samples(out.data() + old, out.size() - old);
  }

  void push(std::span<const float> in, std::vector<float>& out) {
    SENTIO_ASSERT(!finished);
    const auto ic = static_cast<std::size_t>(in_channels);
    if (in.size() % ic != 0)
      throw_resampler_error(std::to_string(in.size()) + " samples pushed, not a whole number of " +
                            std::to_string(in_channels) + "-channel frames");
    const auto frames = static_cast<std::int64_t>(in.size() / ic);
    if (!swr) {
      copy(in, out);
      frames_in += frames;
      frames_out += frames;
      return;
    }
    if (frames_in + frames <= short_frames) {
      head.insert(head.end(), in.begin(), in.end());
    } else if (!head.empty()) {
      head.clear();
      head.shrink_to_fit();
    }
    frames_in += frames;
    frames_out += feed(swr.get(), in, out);
  }

  void finish(std::vector<float>& out) {
    if (finished) return;
    finished = true;
    if (!swr) return;
    // Expected total: frames_in * out_rate / in_rate, rounded; swresample's own count is within
    // +-2 of it once the stream is longer than its filter, and used from short_frames on.
    const std::int64_t expected = (frames_in * out_rate + in_rate / 2) / in_rate;
    std::vector<float> tail;
    const std::int64_t total = frames_out + drain(swr.get(), tail);
    if (frames_in > short_frames) {
      out.insert(out.end(), tail.begin(), tail.end());
      frames_out = total;
      return;
    }
    // A short stream (maybe shorter than the filter): convert it again followed by silence (enough
    // for the filter to run), and keep the expected number of frames. The frames already handed out are
    // the same in both runs (they depend only on the start of the stream).
    detail::SwrPtr again = make_swr();
    std::vector<float> redo;
    feed(again.get(), head, redo);
    const std::vector<float> silence(static_cast<std::size_t>(short_frames + 1 - frames_in) * static_cast<std::size_t>(in_channels), 0.0f);
    feed(again.get(), silence, redo);
    drain(again.get(), redo);
    const auto oc = static_cast<std::size_t>(out_channels);
    const std::size_t end = std::min(redo.size(), static_cast<std::size_t>(expected) * oc);
    const std::size_t begin = std::min(end, static_cast<std::size_t>(frames_out) * oc);
    out.insert(out.end(), redo.begin() + static_cast<std::ptrdiff_t>(begin), redo.begin() + static_cast<std::ptrdiff_t>(end));
    frames_out += static_cast<std::int64_t>((end - begin) / oc);
    head.clear();
    head.shrink_to_fit();
  }
};

Resampler::Resampler(int in_rate, int in_channels, int out_rate, int channel) {
  SENTIO_ASSERT(out_rate > 0 && out_rate <= kMaxSampleRate);
  if (in_rate <= 0 || in_rate > kMaxSampleRate)
    throw_resampler_error("input sample rate " + std::to_string(in_rate) + " Hz is out of range (1.." +
                          std::to_string(kMaxSampleRate) + " Hz)");
  if (in_channels <= 0 || in_channels > kMaxChannels)
    throw_resampler_error("input channel count " + std::to_string(in_channels) + " is out of range (1.." +
                          std::to_string(kMaxChannels) + ")");
  if (channel < kAllChannels)
    throw_resampler_error("channel " + std::to_string(channel) + " is not a channel index, the mix or all channels");
  if (channel >= in_channels)
    throw_resampler_error("the audio has " + std::to_string(in_channels) + " channel" + (in_channels == 1 ? "" : "s") +
                          "; channel " + std::to_string(channel) + " (0-based) does not exist");
  impl_ = std::make_unique<Impl>(in_rate, in_channels, out_rate, channel);
}
Resampler::~Resampler() = default;
Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;

void Resampler::push(std::span<const float> interleaved, std::vector<float>& out) {
  SENTIO_ASSERT(impl_ != nullptr);
  impl_->push(interleaved, out);
}
void Resampler::finish(std::vector<float>& out) {
  SENTIO_ASSERT(impl_ != nullptr);
  impl_->finish(out);
}
int Resampler::in_rate() const { return impl_->in_rate; }
int Resampler::in_channels() const { return impl_->in_channels; }
int Resampler::out_rate() const { return impl_->out_rate; }
int Resampler::out_channels() const { return impl_->out_channels; }
bool Resampler::finished() const { return impl_->finished; }

}  // namespace sentio::media
