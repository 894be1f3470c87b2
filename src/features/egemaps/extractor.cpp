// SPDX-License-Identifier: Apache-2.0
// The streaming eGeMAPS v02 extractor: frames the audio, runs the per-frame analyzers block by
// block (in parallel when n_threads > 1), the sequential pitch smoother and jitter tracker, and
// feeds the functionals and LLD-row assemblers. Spec: ../shared/docs/EGEMAPS.md.
//
// Three stages per frame:
//   stage 1 (parallel, independent frames): 20-ms analysis (+ formants), 60-ms analysis (SHS)
//   stage 2 (sequential): spectral flux, Viterbi pitch smoothing, energy gate
//   stage 3 (frames with a decided F0): HNR and harmonics (parallel), jitter/shimmer (stateful, sequential)
// and then delivery to the assemblers, in order. They run as a pipeline: the batch that analyses block k
// also runs stage 2 of block k-1, stage 3 of the frames decided before it and the delivery of the frames
// finished before it, as tasks handed out dynamically, so the three sequential tasks overlap with the
// parallel ones and with each other, and each block costs one barrier.
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
constexpr int kRing = 2048;          // frames in flight: undelivered, in stages 3 and 2, Viterbi lag, stage 1
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
  explicit Impl(const EgemapsOptions& o) : options(o), pool(std::max(1, o.n_threads)) {
    for (int w = 0; w < pool.size(); ++w) workers.push_back(std::make_unique<Worker>());
  }

  EgemapsOptions options;
  ThreadPool pool;
  std::vector<std::unique_ptr<Worker>> workers;
  // Frames in flight, slot i % kRing. Grown as frames arrive (a short utterance never pays for the
  // whole ring: ~3 KiB a slot), full size before the first wrap.
  std::vector<FrameSlot> ring;

  std::vector<float> wave;        // openSMILE-scaled samples [wave_begin, wave_begin + wave.size())
  std::int64_t wave_begin = 0;
  std::int64_t n_samples = 0;     // pushed so far

  std::int64_t n_analysed = 0;    // frames through stage 1 (both streams)
  std::int64_t n_fluxed = 0;      // frames through stage 2 (flux; 60-ms frames also given to the smoother)
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

  // One batch: stage 1 of the frames [a, b) (none when a == b) and, beside it, the later stages of earlier
  // frames: stage 2 of the frames the previous batch analysed, stage 3 of the frames decided before this
  // batch, delivery of the frames finished before it. The three sequential tasks come first so that they
  // start at once; the per-group tasks fill the threads around them. One barrier per block.
  void run_batch(std::int64_t a, std::int64_t b, bool with_long) {
    SENTIO_ASSERT(a == n_analysed && b >= a && b - n_delivered <= kRing);
    const auto slots = static_cast<std::int64_t>(ring.size());
    if (slots < std::min<std::int64_t>(b, kRing))  // grown between batches only (no task holds a slot)
      ring.resize(static_cast<std::size_t>(std::min<std::int64_t>(std::max(b, 2 * slots), kRing)));
    const std::int64_t flux_end = n_analysed;                  // stage 2: [n_fluxed, flux_end)
    const std::int64_t done_from = n_done, done_end = n_decided;  // stage 3: [done_from, done_end)
    const bool stage2 = n_fluxed < flux_end;
    const bool stage3 = done_from < done_end;
    const bool delivery = n_delivered < n_done;
    const std::size_t n_seq = std::size_t{stage2} + std::size_t{stage3} + std::size_t{delivery};
    const auto groups = [](std::int64_t lo, std::int64_t hi) { return static_cast<std::size_t>((hi - lo + kGroup - 1) / kGroup); };
    const std::size_t n_harmonics = groups(done_from, done_end);
    const std::size_t n_tasks = n_seq + n_harmonics + groups(a, b);
    pool.run_tasks(n_tasks, [&](std::size_t task, int w) {
      if (task < n_seq) {  // the k-th of the sequential stages present
        std::size_t k = task;
        if (stage2 && k-- == 0) return flux_and_decide(flux_end);
        if (stage3 && k-- == 0) return jitter_over(done_from, done_end);
        return deliver_pending();
      }
      Worker& worker = *workers[static_cast<std::size_t>(w)];
      if (task < n_seq + n_harmonics) {
        const std::int64_t lo = done_from + static_cast<std::int64_t>(task - n_seq) * kGroup;
        return harmonics_over(worker, lo, std::min(done_end, lo + kGroup));
      }
      const std::int64_t lo = a + static_cast<std::int64_t>(task - n_seq - n_harmonics) * kGroup;
      analyse_group(worker, lo, std::min(b, lo + kGroup), with_long);
    });
    n_analysed = b;
    n_fluxed = flux_end;
    n_done = done_end;
  }

  // stage 1 (parallel, independent frames): the 20-ms and 60-ms analyses of frames [lo, hi).
  void analyse_group(Worker& worker, std::int64_t lo, std::int64_t hi, bool with_long) {
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
  }

  // stage 2 (sequential): spectral flux and Viterbi pitch smoothing of frames [n_fluxed, end).
  void flux_and_decide(std::int64_t end) {
    for (std::int64_t i = n_fluxed; i < end; ++i) {
      FrameSlot& s = slot(i);
      s.raw.flux = have_prev_short ? spectral_flux(prev_short_mag, s.short_mag) : 0.f;
      std::copy(s.short_mag.begin(), s.short_mag.end(), prev_short_mag.begin());
      have_prev_short = true;
      if (s.has_long) viterbi.push(s.candidates);
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

  // stage 3, sequential part: jitter and shimmer (stateful) of the decided frames [a, b).
  void jitter_over(std::int64_t a, std::int64_t b) {
    const WaveView view{{wave.data(), wave.size()}, wave_begin};
    for (std::int64_t i = a; i < b; ++i) {
      FrameSlot& s = slot(i);
      const JitterShimmer js = jitter.process(i, s.f0_hz, view);
      s.raw.jitter = js.jitter_local;
      s.raw.shimmer_db = js.shimmer_local_db;
    }
  }

  // stage 3, parallel part: HNR and harmonic amplitudes of the decided frames [lo, hi).
  void harmonics_over(Worker& worker, std::int64_t lo, std::int64_t hi) {
    for (std::int64_t i = lo; i < hi; ++i) {
      FrameSlot& s = slot(i);
      const HarmonicsLld h = worker.harmonics.analyze(s.long_mag, s.f0_hz, s.raw.formant_freq);
      s.raw.hnr_db = h.hnr_db;
      s.raw.h1_h2 = h.h1_h2;
      s.raw.h1_a3 = h.h1_a3;
      s.raw.formant_amp = h.formant_amp;
    }
  }

  // Runs batches without new frames until every analysed frame is through stage 2 and every decided one
  // through stage 3 and delivered.
  void drain_pipeline() {
    while (n_fluxed < n_analysed || n_done < n_decided || n_delivered < n_done) run_batch(n_analysed, n_analysed, true);
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
      run_batch(n_analysed, std::min(avail, n_analysed + kBlock), true);
      // One thread gains nothing from the pipeline: finishing each block at once keeps its frames in cache.
      if (pool.size() == 1) drain_pipeline();
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
    drain_pipeline();
    // Frames decided before the final flush are the ones the functionals see (section 0).
    n_seen_by_functionals = n_decided;
    viterbi.flush();
    drain_viterbi();
    // trailing 20-ms frames that have no 60-ms partner
    const std::int64_t n_short = short_frames_available();
    const std::int64_t a = n_analysed;
    if (n_short > a) run_batch(a, n_short, false);
    drain_pipeline();
    for (std::int64_t i = a; i < n_short; ++i) deliver(i, /*pitched=*/false);
    if (options.lld_frames) lld_rows.finish();
    finished = true;
    return functionals.finish();
  }
};

EgemapsExtractor::EgemapsExtractor(const EgemapsOptions& options) : impl_(std::make_unique<Impl>(options)) {}
EgemapsExtractor::~EgemapsExtractor() = default;

void EgemapsExtractor::push(std::span<const float> samples) { impl_->push(samples); }

std::vector<EgemapsLldFrame> EgemapsExtractor::take_lld_frames() {
  // Rows are wanted now: every analysed frame goes through the remaining stages first.
  if (impl_->options.lld_frames && !impl_->finished) impl_->drain_pipeline();
  return impl_->lld_rows.take();
}

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
