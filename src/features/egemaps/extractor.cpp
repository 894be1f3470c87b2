// SPDX-License-Identifier: Apache-2.0
// The streaming eGeMAPS v02 extractor: frames the audio, runs the per-frame analyzers block by
// block (in parallel when n_threads > 1), the sequential pitch smoother and jitter tracker, and
// feeds the functionals and LLD-row assemblers. Spec: ../shared/docs/EGEMAPS.md.
//
// Pipeline per block of frames [a, b):
//   stage 1 (parallel, independent frames): 20-ms analysis (+ formants), 60-ms analysis (SHS);
//           alongside it, one task delivers the previous block's finished frames to the assemblers
//   stage 2 (sequential): spectral flux, Viterbi pitch smoothing, energy gate
//   stage 3 (parallel over frames with a decided F0): HNR and harmonics, and beside them one task
//           running jitter/shimmer (stateful, sequential over frames)
// Tasks are handed out dynamically, so the sequential tasks overlap with the parallel ones.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "egemaps/assembler.hpp"
#include "egemaps/framing.hpp"
#include "egemaps/pitch.hpp"
#include "egemaps/short_frame.hpp"
#include "egemaps/voice_quality.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/thread_pool.hpp"
#include "sentio/features/egemaps.hpp"


namespace sentio::features {

using namespace egemaps;

namespace {

constexpr int kBlock = 256;          // frames analysed per block
constexpr int kGroup = 16;           // frames per parallel work item (formant warm starts restart here)
constexpr int kRing = 1024;          // frames in flight: undelivered + Viterbi lag + the block being analysed
constexpr float kPcmScale = 32768.0f / 32767.0f;  // [-1,1) floats (int16/32768) to openSMILE's int16/32767
constexpr float kEnergyGateRms = 0.001f;          // section 2.4: F0 := 0 unless frame RMS > 0.001
constexpr std::int64_t kWaveKeep = 2 * kLongLen + kHop;  // samples kept before the oldest open frame

struct FrameSlot {
  RawFrame raw;
  std::vector<float> short_mag = std::vector<float>(kShortBins);
  std::vector<float> long_mag = std::vector<float>(kLongBins);
  PitchCandidates candidates;
  float f0_hz = 0;  // gated F0final
  bool has_long = false;
};

struct Worker {
  ShortFrameAnalyzer short_frames;
  LongFrameAnalyzer long_frames;
  HarmonicsAnalyzer harmonics;
};

}  // namespace

struct EgemapsExtractor::Impl {
  explicit Impl(const EgemapsOptions& o) : options(o), pool(std::max(1, o.n_threads)), ring(kRing) {
    for (int w = 0; w < pool.size(); ++w) workers.push_back(std::make_unique<Worker>());
  }

  EgemapsOptions options;
  ThreadPool pool;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<FrameSlot> ring;

  std::vector<float> wave;        // openSMILE-scaled samples [wave_begin, wave_begin + wave.size())
  std::int64_t wave_begin = 0;
  std::int64_t n_samples = 0;     // pushed so far

  std::int64_t n_analysed = 0;    // frames through stage 1 (both streams)
  std::int64_t n_decided = 0;     // frames with a decided F0
  std::int64_t n_done = 0;        // frames through stage 3
  std::int64_t n_delivered = 0;   // frames given to the assemblers
  std::int64_t n_seen_by_functionals = -1;  // K, fixed at finish (section 0)
  std::vector<float> prev_short_mag = std::vector<float>(kShortBins);
  bool have_prev_short = false;

  ViterbiPitchSmoother viterbi;
  JitterShimmerTracker jitter;
  FunctionalsAssembler functionals;
  LldRowAssembler lld_rows;
  bool finished = false;

  FrameSlot& slot(std::int64_t i) { return ring[static_cast<std::size_t>(i % kRing)]; }

  const float* samples_at(std::int64_t pos) const { return wave.data() + (pos - wave_begin); }

  std::int64_t long_frames_available() const {
    return n_samples >= kLongLen ? (n_samples - kLongLen) / kHop + 1 : 0;
  }
  std::int64_t short_frames_available() const {
    return n_samples >= kShortLen ? (n_samples - kShortLen) / kHop + 1 : 0;
  }

  // stage 1 + 2 for frames [a, b); with_long = false for the trailing 20-ms-only frames.
  void analyse(std::int64_t a, std::int64_t b, bool with_long) {
    SENTIO_ASSERT(b - n_delivered <= kRing);
    const std::int64_t n_groups = (b - a + kGroup - 1) / kGroup;
    const std::size_t deliver_task = n_delivered < n_done ? 1 : 0;
    pool.run_tasks(deliver_task + static_cast<std::size_t>(n_groups), [&](std::size_t task, int w) {
      if (task < deliver_task) {
        deliver_pending();
        return;
      }
      Worker& worker = *workers[static_cast<std::size_t>(w)];
      const std::int64_t lo = a + static_cast<std::int64_t>(task - deliver_task) * kGroup;
      const std::int64_t hi = std::min(b, lo + kGroup);
      worker.short_frames.reset_warm_start();
      for (std::int64_t i = lo; i < hi; ++i) {
        FrameSlot& s = slot(i);
        const float* start = samples_at(i * kHop);
        const ShortFrameLld sl = worker.short_frames.analyze({start, kShortLen}, s.short_mag);
        RawFrame& r = s.raw;
        r = RawFrame{};
        r.loudness = sl.loudness;
        r.alpha_ratio = sl.alpha_ratio;
        r.hammarberg = sl.hammarberg;
        r.slope0_500 = sl.slope0_500;
        r.slope500_1500 = sl.slope500_1500;
        r.mfcc = sl.mfcc;
        r.energy = sl.energy;
        r.formant_freq = sl.formant_freq;
        r.formant_bw = sl.formant_bw;
        s.has_long = with_long;
        if (with_long) s.candidates = worker.long_frames.analyze({start, kLongLen}, s.long_mag);
      }
    });
    for (std::int64_t i = a; i < b; ++i) {
      FrameSlot& s = slot(i);
      s.raw.flux = have_prev_short ? spectral_flux(prev_short_mag, s.short_mag) : 0.f;
      std::copy(s.short_mag.begin(), s.short_mag.end(), prev_short_mag.begin());
      have_prev_short = true;
      if (with_long) viterbi.push(s.candidates);
    }
    drain_viterbi();
  }

  void drain_viterbi() {
    while (auto f0 = viterbi.pop()) {
      FrameSlot& s = slot(n_decided);
      s.f0_hz = s.candidates.rms > kEnergyGateRms ? *f0 : 0.f;
      s.raw.f0_semitone = f0_semitone_from_27_5(s.f0_hz);
      ++n_decided;
    }
  }

  // stage 3 for every decided frame not yet done: task 0 runs jitter/shimmer over all of them
  // (sequential by nature), the other tasks compute the harmonics of kGroup frames each.
  void complete_decided() {
    const std::int64_t a = n_done, b = n_decided;
    if (a == b) return;
    const std::int64_t n_groups = (b - a + kGroup - 1) / kGroup;
    pool.run_tasks(1 + static_cast<std::size_t>(n_groups), [&](std::size_t task, int w) {
      if (task == 0) {
        const WaveView view{{wave.data(), wave.size()}, wave_begin};
        for (std::int64_t i = a; i < b; ++i) {
          FrameSlot& s = slot(i);
          const JitterShimmer js = jitter.process(i, s.f0_hz, view);
          s.raw.jitter = js.jitter_local;
          s.raw.shimmer_db = js.shimmer_local_db;
        }
        return;
      }
      Worker& worker = *workers[static_cast<std::size_t>(w)];
      const std::int64_t lo = a + static_cast<std::int64_t>(task - 1) * kGroup;
      for (std::int64_t i = lo; i < std::min(b, lo + kGroup); ++i) {
        FrameSlot& s = slot(i);
        const HarmonicsLld h = worker.harmonics.analyze(s.long_mag, s.f0_hz, s.raw.formant_freq);
        s.raw.hnr_db = h.hnr_db;
        s.raw.h1_h2 = h.h1_h2;
        s.raw.h1_a3 = h.h1_a3;
        s.raw.formant_amp = h.formant_amp;
      }
    });
    n_done = b;
  }

  // Frames through stage 3 go to the assemblers, in order.
  void deliver_pending() {
    for (; n_delivered < n_done; ++n_delivered) deliver(n_delivered, /*pitched=*/true);
  }

  void deliver(std::int64_t i, bool pitched) {
    const RawFrame& r = slot(i).raw;
    const bool f0_seen = pitched && (n_seen_by_functionals < 0 || i < n_seen_by_functionals);
    functionals.add_short(r);
    if (f0_seen) {
      functionals.add_unvoiced_candidate(r, r.f0_semitone > 1e-6f);
    } else if (i == n_seen_by_functionals) {
      functionals.close_unvoiced_with(r);
    }
    if (options.lld_frames) lld_rows.add_short(r);
    if (pitched) {
      if (f0_seen) functionals.add_pitched(r);
      if (options.lld_frames) lld_rows.add_pitched(r);
    }
  }

  void trim_wave() {
    const std::int64_t keep_from = std::max<std::int64_t>(0, n_done * kHop - kWaveKeep);
    const std::int64_t drop = keep_from - wave_begin;
    if (drop > 1 << 16) {
      wave.erase(wave.begin(), wave.begin() + drop);
      wave_begin = keep_from;
    }
  }

  void process_available(bool final_block) {
    const std::int64_t avail = long_frames_available();
    while (avail - n_analysed >= kBlock || (final_block && avail > n_analysed)) {
      const std::int64_t b = std::min(avail, n_analysed + kBlock);
      analyse(n_analysed, b, true);
      n_analysed = b;
      complete_decided();
    }
    trim_wave();
  }

  // Appends in pieces so that one huge push does not hold the whole recording twice.
  void push(std::span<const float> samples) {
    SENTIO_ASSERT(!finished);
    constexpr std::size_t kPiece = std::size_t{kBlock} * kHop;
    while (!samples.empty()) {
      const std::span<const float> piece = samples.first(std::min(kPiece, samples.size()));
      samples = samples.subspan(piece.size());
      const std::size_t old = wave.size();
      wave.resize(old + piece.size());
      std::transform(piece.begin(), piece.end(), wave.begin() + static_cast<std::ptrdiff_t>(old),
                     [](float x) { return x * kPcmScale; });
      n_samples += static_cast<std::int64_t>(piece.size());
      process_available(false);
    }
  }

  EgemapsFunctionals finish() {
    SENTIO_ASSERT(!finished);
    process_available(true);
    // Frames decided before the final flush are the ones the functionals see (section 0).
    n_seen_by_functionals = n_decided;
    viterbi.flush();
    drain_viterbi();
    complete_decided();
    // trailing 20-ms frames that have no 60-ms partner
    const std::int64_t n_short = short_frames_available();
    const std::int64_t a = n_analysed;
    if (n_short > a) analyse(a, n_short, false);
    deliver_pending();
    for (std::int64_t i = a; i < n_short; ++i) deliver(i, /*pitched=*/false);
    if (options.lld_frames) lld_rows.finish();
    finished = true;
    return functionals.finish();
  }
};

EgemapsExtractor::EgemapsExtractor(const EgemapsOptions& options) : impl_(std::make_unique<Impl>(options)) {}
EgemapsExtractor::~EgemapsExtractor() = default;

void EgemapsExtractor::push(std::span<const float> samples) { impl_->push(samples); }

std::vector<EgemapsLldFrame> EgemapsExtractor::take_lld_frames() { return impl_->lld_rows.take(); }

EgemapsFunctionals EgemapsExtractor::finish() { return impl_->finish(); }

std::int64_t EgemapsExtractor::samples_pushed() const { return impl_->n_samples; }

EgemapsFunctionals egemaps_functionals(std::span<const float> samples, int sample_rate, int n_threads) {
  if (sample_rate != kEgemapsSampleRate)
    throw InputError("eGeMAPS needs 16000 Hz audio, got " + std::to_string(sample_rate) + " Hz");
  EgemapsExtractor extractor(EgemapsOptions{.n_threads = n_threads, .lld_frames = false});
  extractor.push(samples);
  return extractor.finish();
}

}  // namespace sentio::features
