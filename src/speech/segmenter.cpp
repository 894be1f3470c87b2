// SPDX-License-Identifier: Apache-2.0
// Voice-activity detection: per-frame evidence (frame_features.cpp) -> adaptive noise floor ->
// speech score -> hysteresis state machine -> utterance segments. Method: segmenter.hpp.
//
// The stream is processed in stages, each lagging the previous one by its look-ahead:
//   analysed  : FrameFeatures of frame j (window centred on hop j; needs 2.5 hops of future audio)
//   smoothed  : 5-frame mean band power of frame k (needs analysed k + 2)
//   floored   : noise floor of frame j = min smoothed power over [j - W, j + L] (needs smoothed j + L)
//   scored    : raw speech score of frame j (needs floored j)
//   decided   : 3-frame mean score and the state machine (needs scored j + 1)
// At finish() every look-ahead is truncated at the last frame, so chunking never changes results.
#include "sentio/speech/segmenter.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>
#include <utility>

#include "frame_features.hpp"
#include "sentio/core/error.hpp"

namespace sentio::speech {
namespace {

struct Frame {
  FrameFeatures f;
  float smooth_db = 0;  // 5-frame mean band power (dBFS)
  float floor_db = 0;   // noise floor (dBFS)
  float raw_score = 0;  // speech score before temporal smoothing, [0, 1]
  float score = 0;      // 3-frame mean of raw_score, [0, 1]
  bool voiced = false;  // periodic and clearly above the floor
};

float clamp01(double x) { return static_cast<float>(std::clamp(x, 0.0, 1.0)); }

// Speech score of one frame, [0, 1]. Energy above the noise floor is necessary (multiplicative);
// voicing and a non-flat spectrum raise the score. Constants: a frame 12 dB above the floor is fully
// "loud"; normalised autocorrelation >= 0.7 is fully voiced; flatness <= 0.15 is fully non-noise-like
// (white noise periodograms have flatness ~0.56).
float frame_score(const FrameFeatures& f, float floor_db, double min_energy_dbfs, float& energy_evidence) {
  energy_evidence = 0;
  if (f.power_db < min_energy_dbfs) return 0;
  const double rel_db = static_cast<double>(f.power_db) - floor_db;
  const float e = clamp01((rel_db - 3.0) / 9.0);
  const float v = clamp01((f.voicing - 0.4) / 0.3);
  const float s = clamp01((0.5 - f.flatness) / 0.35);
  energy_evidence = e;
  return e * (0.5f + 0.3f * v + 0.2f * s);
}

void check_options(int sample_rate, const SegmenterOptions& o) {
  auto fail = [](const std::string& what) { throw InputError("voice-activity detector: " + what); };
  if (sample_rate < 8000 || sample_rate > 48000 || sample_rate % 100 != 0)
    fail("sample rate " + std::to_string(sample_rate) + " Hz is not a multiple of 100 Hz in [8000, 48000]");
  if (!(o.min_segment_s >= 0 && o.max_segment_s > 0 && o.min_segment_s < o.max_segment_s))
    fail("need 0 <= min_segment_s < max_segment_s");
  if (!(o.max_segment_s >= 0.5)) fail("max_segment_s must be at least 0.5 s");
  if (!(o.min_pause_s >= 0 && o.hangover_s >= 0 && o.pre_roll_s >= 0 && o.min_voiced_s >= 0))
    fail("durations must be >= 0");
  if (!(o.offset_threshold > 0 && o.offset_threshold <= o.onset_threshold && o.onset_threshold <= 1))
    fail("need 0 < offset_threshold <= onset_threshold <= 1");
  if (!(o.noise_window_s >= 0 && o.noise_lookahead_s >= 0 && o.noise_window_s + o.noise_lookahead_s <= 600))
    fail("noise_window_s and noise_lookahead_s must be >= 0 and sum to at most 600 s");
  if (!std::isfinite(o.min_energy_dbfs)) fail("min_energy_dbfs must be finite");
}

std::int64_t frames_of(double seconds) { return static_cast<std::int64_t>(std::llround(seconds * 100.0)); }

}  // namespace

struct VoiceActivityDetector::Impl {
  enum class State { idle, speech, pause };

  SegmenterOptions opt;
  int sample_rate;
  FrameAnalyzer analyzer;
  int hop, window, lead;  // lead: zeros before the stream so frame j is centred on hop j

  // durations in frames
  std::int64_t min_seg, max_seg, min_pause, hangover, pre_roll, min_voiced, noise_past, noise_ahead;
  static constexpr std::int64_t kBacktrack = 30;  // onset back-tracking reach (frames)

  // samples of the (lead-padded) stream not yet fully consumed; buf[0] is padded index buf_base
  std::vector<float> buf;
  std::int64_t buf_base = 0;
  std::int64_t pushed = 0;
  bool finished = false;

  std::deque<Frame> frames;  // frames[i] is frame frames_base + i
  std::int64_t frames_base = 0;
  std::int64_t n_analysed = 0, n_smoothed = 0, n_queued = 0, n_floored = 0, n_decided = 0;
  std::deque<std::pair<std::int64_t, float>> min_queue;  // (frame, smooth_db), increasing values

  State state = State::idle;
  std::int64_t seg_start = 0, last_active = 0, last_end = 0;
  std::vector<Segment> ready;

  Impl(int rate, const SegmenterOptions& o)
      : opt(o), sample_rate(rate), analyzer(rate), hop(analyzer.hop()), window(analyzer.window()),
        lead((window - hop) / 2) {
    min_seg = frames_of(o.min_segment_s);
    max_seg = std::max<std::int64_t>(frames_of(o.max_segment_s), 2);
    min_pause = std::max<std::int64_t>(frames_of(o.min_pause_s), 1);
    hangover = frames_of(o.hangover_s);
    pre_roll = frames_of(o.pre_roll_s);
    min_voiced = frames_of(o.min_voiced_s);
    noise_past = frames_of(o.noise_window_s);
    noise_ahead = frames_of(o.noise_lookahead_s);
    buf.assign(static_cast<std::size_t>(lead), 0.0f);
  }

  Frame& at(std::int64_t j) { return frames[static_cast<std::size_t>(j - frames_base)]; }

  std::int64_t total_frames() const { return (pushed + hop - 1) / hop; }

  void analyse_available() {
    // frame j needs padded samples [j*hop, j*hop + window)
    for (;;) {
      const std::int64_t begin = n_analysed * hop;
      if (finished) {
        if (n_analysed >= total_frames()) break;
      }
      if (begin + window > buf_base + static_cast<std::int64_t>(buf.size())) {
        if (!finished) break;
        buf.resize(static_cast<std::size_t>(begin + window - buf_base), 0.0f);  // zero tail
      }
      Frame fr;
      fr.f = analyzer.analyze(std::span<const float>(buf).subspan(static_cast<std::size_t>(begin - buf_base),
                                                                  static_cast<std::size_t>(window)));
      frames.push_back(fr);
      ++n_analysed;
    }
    // drop consumed samples (amortised)
    const std::int64_t keep_from = n_analysed * hop;
    if (keep_from - buf_base > 16 * window) {
      buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(keep_from - buf_base));
      buf_base = keep_from;
    }
  }

  void smooth_available() {
    const std::int64_t last = n_analysed - 1;
    while (n_smoothed < n_analysed && (n_smoothed + 2 <= last || finished)) {
      const std::int64_t k = n_smoothed;
      double sum = 0;
      int n = 0;
      for (std::int64_t i = std::max<std::int64_t>(k - 2, 0); i <= std::min(k + 2, last); ++i, ++n)
        sum += std::pow(10.0, at(i).f.power_db / 10.0);
      const float db = static_cast<float>(10.0 * std::log10(sum / n));
      at(k).smooth_db = db;
      ++n_smoothed;
    }
  }

  void floor_and_score_available() {
    while (n_floored < n_smoothed && (n_floored + noise_ahead < n_smoothed || finished)) {
      const std::int64_t j = n_floored;
      // sliding minimum over [j - noise_past, j + noise_ahead] (monotonic queue, O(1) amortised)
      for (; n_queued < n_smoothed && n_queued <= j + noise_ahead; ++n_queued) {
        const float db = at(n_queued).smooth_db;
        while (!min_queue.empty() && min_queue.back().second >= db) min_queue.pop_back();
        min_queue.emplace_back(n_queued, db);
      }
      while (min_queue.front().first < j - noise_past) min_queue.pop_front();
      Frame& fr = at(j);
      fr.floor_db = min_queue.front().second;
      float e = 0;
      fr.raw_score = frame_score(fr.f, fr.floor_db, opt.min_energy_dbfs, e);
      fr.voiced = fr.f.voicing >= 0.5f && e >= 0.5f;
      ++n_floored;
    }
  }

  void decide_available() {
    while (n_decided < n_floored && (n_decided + 1 < n_floored || finished)) {
      const std::int64_t j = n_decided;
      double sum = 0;
      int n = 0;
      for (std::int64_t i = std::max(j - 1, frames_base); i <= std::min(j + 1, n_floored - 1); ++i, ++n)
        sum += at(i).raw_score;
      at(j).score = static_cast<float>(sum / n);
      step(j);
      ++n_decided;
    }
  }

  void step(std::int64_t j) {
    const float s = at(j).score;
    const auto on = static_cast<float>(opt.onset_threshold), off = static_cast<float>(opt.offset_threshold);
    switch (state) {
      case State::idle:
        if (s >= on) {
          std::int64_t start = j;
          const std::int64_t reach = std::max({j - kBacktrack, last_end, frames_base});
          while (start - 1 >= reach && at(start - 1).score >= off) --start;
          seg_start = std::max({start - pre_roll, last_end, frames_base});
          last_active = j;
          state = State::speech;
        }
        break;
      case State::speech:
        if (s >= off)
          last_active = j;
        else
          state = State::pause;
        break;
      case State::pause:
        if (s >= on) {
          last_active = j;
          state = State::speech;
        } else if (j - last_active >= min_pause) {
          close(std::min(last_active + 1 + hangover, j + 1));
        }
        break;
    }
    if (state != State::idle && j + 1 - seg_start >= max_seg) split(j);
  }

  // Turn longer than max_segment_s: cut at the quietest frame of its second half.
  void split(std::int64_t j) {
    std::int64_t cut = j;
    float best = at(j).smooth_db;
    for (std::int64_t c = seg_start + max_seg / 2; c <= j; ++c) {
      if (at(c).smooth_db < best) {
        best = at(c).smooth_db;
        cut = c;
      }
    }
    if (last_active < cut) {
      close(std::min(last_active + 1 + hangover, cut));
      return;
    }
    emit(seg_start, cut);
    seg_start = cut;
  }

  void close(std::int64_t end) {
    emit(seg_start, std::min(end, seg_start + max_seg));
    last_end = end;
    state = State::idle;
  }

  void emit(std::int64_t start, std::int64_t end) {
    if (end - start < std::max<std::int64_t>(min_seg, 1)) return;
    std::int64_t voiced = 0;
    double score_sum = 0;
    for (std::int64_t i = start; i < end; ++i) {
      voiced += at(i).voiced ? 1 : 0;
      score_sum += at(i).score;
    }
    if (voiced < min_voiced) return;
    Segment seg;
    seg.start = static_cast<double>(start * hop) / sample_rate;
    seg.end = static_cast<double>(std::min(end * hop, pushed)) / sample_rate;
    seg.confidence = static_cast<float>(score_sum / static_cast<double>(end - start));
    if (seg.end > seg.start) ready.push_back(seg);
  }

  void trim() {
    // keep: 2 frames before the next smoothing, 1 before the next decision, the back-tracking reach
    // plus the pre-roll before it (an onset at the next frame may start that early), and the open
    // segment
    std::int64_t keep = std::min({n_smoothed - 2, n_queued, n_decided - 1 - kBacktrack - pre_roll});
    if (state != State::idle) keep = std::min(keep, seg_start);
    while (frames_base < keep && !frames.empty()) {
      frames.pop_front();
      ++frames_base;
    }
  }

  void run() {
    analyse_available();
    smooth_available();
    floor_and_score_available();
    decide_available();
    trim();
  }
};

VoiceActivityDetector::VoiceActivityDetector(int sample_rate, const SegmenterOptions& options) {
  check_options(sample_rate, options);
  impl_ = std::make_unique<Impl>(sample_rate, options);
}
VoiceActivityDetector::~VoiceActivityDetector() = default;
VoiceActivityDetector::VoiceActivityDetector(VoiceActivityDetector&&) noexcept = default;
VoiceActivityDetector& VoiceActivityDetector::operator=(VoiceActivityDetector&&) noexcept = default;

void VoiceActivityDetector::push(std::span<const float> samples) {
  SENTIO_ASSERT(impl_ && !impl_->finished);
  // in steps of at most one second, so a huge push never holds more than that in the buffers
  const std::size_t step = static_cast<std::size_t>(impl_->sample_rate);
  for (std::size_t i = 0; i < samples.size(); i += step) {
    const auto part = samples.subspan(i, std::min(step, samples.size() - i));
    impl_->buf.insert(impl_->buf.end(), part.begin(), part.end());
    impl_->pushed += static_cast<std::int64_t>(part.size());
    impl_->run();
  }
}

std::vector<Segment> VoiceActivityDetector::take_segments() {
  SENTIO_ASSERT(impl_);
  return std::exchange(impl_->ready, {});
}

std::vector<Segment> VoiceActivityDetector::finish() {
  SENTIO_ASSERT(impl_ && !impl_->finished);
  Impl& m = *impl_;
  m.finished = true;
  m.run();
  if (m.state != Impl::State::idle) m.close(std::min(m.last_active + 1 + m.hangover, m.n_decided));
  return take_segments();
}

std::int64_t VoiceActivityDetector::samples_pushed() const { return impl_ ? impl_->pushed : 0; }

std::vector<Segment> segment_speech(std::span<const float> samples, int sample_rate,
                                    const SegmenterOptions& options) {
  VoiceActivityDetector vad(sample_rate, options);
  vad.push(samples);
  return vad.finish();
}

}  // namespace sentio::speech
