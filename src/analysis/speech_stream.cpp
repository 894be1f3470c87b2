// SPDX-License-Identifier: Apache-2.0
// SpeechStream: voice activity -> speaker-change split -> emotion evidence (parallel) -> provisional
// speakers and probabilities; at the end, clustering over the recording and the final probabilities.
#include "sentio/analysis/speech_stream.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>

#include "sentio/analysis/summaries.hpp"
#include "sentio/core/error.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/speech/diarization.hpp"
#include "sentio/speech/online_clustering.hpp"
#include "sentio/speech/segmenter.hpp"

namespace sentio::analysis {

namespace {

constexpr int kRate = kSpeechRate;

// The samples of the recent past of one channel that the voice-activity detector may still close a
// segment over.
class RollingAudio {
 public:
  void append(std::span<const float> samples) { buffer_.insert(buffer_.end(), samples.begin(), samples.end()); }
  // Samples of [start_s, end_s), clamped to what is held; `first` receives the index of the first one.
  std::vector<float> slice(double start_s, double end_s, std::int64_t& first) const {
    const std::int64_t begin = std::max<std::int64_t>(first_, std::llround(start_s * kRate));
    const std::int64_t end = std::min<std::int64_t>(first_ + static_cast<std::int64_t>(buffer_.size()),
                                                    std::llround(end_s * kRate));
    first = begin;
    if (end <= begin) return {};
    return {buffer_.begin() + (begin - first_), buffer_.begin() + (end - first_)};
  }
  // Drops everything older than `keep_s` seconds before the newest sample.
  void trim(double keep_s) {
    const auto keep = static_cast<std::size_t>(keep_s * kRate);
    if (buffer_.size() <= keep) return;
    const std::size_t drop = buffer_.size() - keep;
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop));
    first_ += static_cast<std::int64_t>(drop);
  }
  std::int64_t end_index() const { return first_ + static_cast<std::int64_t>(buffer_.size()); }

 private:
  std::vector<float> buffer_;
  std::int64_t first_ = 0;  // sample index of buffer_[0]
};

struct Channel {
  speech::VoiceActivityDetector vad;
  RollingAudio audio;
  double last_end = 0;  // end of the channel's previous segment (recognition padding)
  Channel(const speech::SegmenterOptions& o) : vad(kRate, o) {}
};

// A closed voice-activity segment waiting for its evidence.
struct Job {
  speech::Segment segment;
  int channel = -1;              // source channel, -1 for the mono mix
  std::vector<float> samples;    // the segment's own samples
  std::vector<float> padded;     // with recognition context (empty without a recogniser)
  double padded_start = 0;
  std::vector<double> cuts;      // from the segment cutter, inside (segment.start, segment.end)
};

// The samples of the job's segment that lie in `part` (a part of the segment).
std::span<const float> samples_of(const Job& job, const speech::Segment& part) {
  const auto index = [&](double t) {
    return std::min(job.samples.size(),
                    static_cast<std::size_t>(std::max(0.0, std::round((t - job.segment.start) * kRate))));
  };
  const std::size_t from = index(part.start), to = index(part.end);
  return to > from ? std::span<const float>(job.samples).subspan(from, to - from) : std::span<const float>();
}

// The parts of a job's segment between its cuts (the whole segment without cuts).
std::vector<speech::Segment> parts_of(const Job& job) {
  constexpr double kMinPart = 0.1;  // s
  std::vector<speech::Segment> parts;
  double from = job.segment.start;
  for (double cut : job.cuts) {
    if (cut - from < kMinPart || job.segment.end - cut < kMinPart) continue;
    parts.push_back({from, cut, job.segment.confidence});
    from = cut;
  }
  parts.push_back({from, job.segment.end, job.segment.confidence});
  return parts;
}

// One speaker-homogeneous piece of a speech segment, with everything the recording-level steps need.
struct Piece {
  speech::SpeakerPiece speaker;
  ser::UtteranceEvidence evidence;
  int channel = -1;
  float vad_confidence = 0;
  int provisional = 0;  // speaker id known when the piece was returned
  VoiceMeasures measures;
  std::vector<float> energy_db;
};

// Frame energy every 20 ms (40-ms windows centred on the hop, dB re full scale, floored at -100 dB).
std::vector<float> energy_envelope(std::span<const float> samples) {
  constexpr std::size_t kHop = kRate / 50, kWindow = 2 * kHop;
  std::vector<float> out;
  for (std::size_t centre = 0; centre < samples.size(); centre += kHop) {
    const std::size_t b = centre >= kWindow / 2 ? centre - kWindow / 2 : 0;
    const std::size_t e = std::min(samples.size(), centre + kWindow / 2);
    double energy = 0;
    for (std::size_t i = b; i < e; ++i) energy += static_cast<double>(samples[i]) * samples[i];
    energy /= static_cast<double>(std::max<std::size_t>(1, e - b));
    out.push_back(static_cast<float>(std::max(-100.0, 10.0 * std::log10(energy + 1e-12))));
  }
  return out;
}

// The acoustic measures of explanations, read from the eGeMAPS functionals.
VoiceMeasures voice_measures(std::span<const double> f) {
  static const auto index = [] {
    const auto& names = features::egemaps_functional_names();
    auto at = [&](std::string_view n) {
      const auto it = std::find(names.begin(), names.end(), n);
      SENTIO_ASSERT(it != names.end());
      return static_cast<std::size_t>(it - names.begin());
    };
    return std::array<std::size_t, 7>{at("F0semitoneFrom27.5Hz_sma3nz_amean"), at("equivalentSoundLevel_dBp"),
                                      at("loudness_sma3_amean"), at("loudnessPeaksPerSec"),
                                      at("jitterLocal_sma3nz_amean"), at("shimmerLocaldB_sma3nz_amean"),
                                      at("HNRdBACF_sma3nz_amean")};
  }();
  VoiceMeasures m;
  if (f.size() != features::kEgemapsFunctionalCount) return m;
  auto value = [&](std::size_t k) { return std::isfinite(f[index[k]]) ? static_cast<float>(f[index[k]]) : NAN; };
  m.pitch_st = value(0);
  m.level_db = value(1);
  m.loudness = value(2);
  m.speech_rate = value(3);
  m.jitter = value(4);
  m.shimmer_db = value(5);
  m.hnr_db = value(6);
  // Unvoiced speech has no F0: openSMILE reports 0 for the voiced-only means.
  if (m.pitch_st <= 0) m.pitch_st = m.jitter = m.shimmer_db = m.hnr_db = NAN;
  return m;
}

std::string speaker_name(SpeakerMode mode, int id) {
  return (mode == SpeakerMode::channels ? "ch" : "S") + std::to_string(id + 1);
}

SpeechSegment make_segment(const Piece& p, const SpeechAnalysisOptions& options, int speaker,
                           std::vector<float> probabilities, const std::vector<std::string>& labels) {
  const SpeakerMode mode = options.speaker_mode;
  SpeechSegment s;
  s.start = p.speaker.segment.start;
  s.end = p.speaker.segment.end;
  s.speaker = speaker_name(mode, speaker);
  s.channel = p.channel;
  s.vad_confidence = p.vad_confidence;
  s.probabilities = std::move(probabilities);
  decide_segment(s, labels);
  s.uncertain = s.confidence < options.min_confidence || s.end - s.start < options.min_emotion_s;
  s.measures = p.measures;
  s.energy_db = p.energy_db;
  return s;
}

}  // namespace

struct SpeechStream::Impl {
  const ser::SpeechEmotionModel& model;
  SpeechAnalysisOptions options;
  Executor& executor;
  StreamRecognition recognition;
  int n_channels;
  std::vector<Channel> channels;
  std::optional<speech::OnlineSpeakerClustering> online;
  SegmentCutter cutter;
  std::vector<Piece> pieces;          // in the order they were made final
  std::vector<float> scratch;         // one channel of a push
  std::int64_t frames = 0;            // samples per channel pushed
  bool closed = false;
  double keep_s = 0;

  Impl(const ser::SpeechEmotionModel& m, const SpeechAnalysisOptions& o, int n, Executor& e, StreamRecognition r)
      : model(m), options(o), executor(e), recognition(r), n_channels(n) {
    SENTIO_ASSERT(n >= 1);
    SENTIO_ASSERT((o.speaker_mode == SpeakerMode::channels) == (n >= 2));
    for (int c = 0; c < n; ++c) channels.emplace_back(o.segmenter);
    if (o.speaker_mode == SpeakerMode::diarize) online.emplace(o.diarization);
    // The detector closes a segment at most max_segment_s after it opened, plus its look-ahead; audio is
    // fed to it in steps of at most 1 s; recognition needs some context before the segment.
    keep_s = o.segmenter.max_segment_s + o.segmenter.noise_lookahead_s + 2.0 + 1.0 + recognition.padding_s;
  }

  int channel_id(int c) const { return n_channels > 1 ? c : -1; }

  // Collects the segments `vad` closed, with their audio.
  void collect(int c, std::vector<speech::Segment> segments, std::vector<Job>& jobs) {
    Channel& ch = channels[static_cast<std::size_t>(c)];
    for (const speech::Segment& seg : segments) {
      Job job;
      job.segment = seg;
      job.channel = channel_id(c);
      std::int64_t first = 0;
      job.samples = ch.audio.slice(seg.start, seg.end, first);
      if (recognition.recognizer != nullptr) {
        const double pad = std::max(0.0, recognition.padding_s);
        const double before = std::clamp(pad, 0.0, std::max(0.0, (seg.start - ch.last_end) / 2));
        job.padded = ch.audio.slice(std::max(0.0, seg.start - before), seg.end + pad, first);
        job.padded_start = static_cast<double>(first) / kRate;
      }
      ch.last_end = seg.end;
      jobs.push_back(std::move(job));
    }
  }

  // Evidence (and words) of the closed segments, in parallel; then their provisional speakers and
  // probabilities.
  SpeechUpdate process(std::vector<Job> jobs) {
    SpeechUpdate update;
    if (jobs.empty()) return update;
    std::vector<std::vector<Piece>> results(jobs.size());
    std::vector<std::optional<asr::TranscribedUtterance>> words(jobs.size());
    if (cutter)
      for (Job& job : jobs) job.cuts = cutter(job.segment.start, job.segment.end);
    executor.run(jobs.size(), [&](std::size_t i) {
      const Job& job = jobs[i];
      std::vector<speech::SpeakerPiece> split;
      const std::vector<speech::Segment> parts = parts_of(job);
      for (const speech::Segment& part : parts) {
        if (options.speaker_mode != SpeakerMode::diarize) {
          split.push_back({part, {}});
          continue;
        }
        // An uncut segment is split over all of its samples (samples_of rounds the part's length, which may
        // drop the last sample), as before segments could be cut.
        const std::span<const float> audio = parts.size() == 1 ? std::span<const float>(job.samples) : samples_of(job, part);
        if (audio.empty()) continue;
        for (speech::SpeakerPiece& p : speech::split_speaker_changes(part, audio, kRate, options.diarization))
          split.push_back(std::move(p));
      }
      for (speech::SpeakerPiece& p : split) {
        const std::span<const float> audio = samples_of(job, p.segment);
        if (audio.empty()) continue;
        Piece piece;
        piece.evidence = model.analyse(audio);
        if (piece.evidence.functionals.empty()) {
          const features::EgemapsFunctionals f = features::egemaps_functionals(audio, kRate, 1);
          piece.measures = voice_measures(f);
        } else {
          piece.measures = voice_measures(piece.evidence.functionals);
        }
        piece.energy_db = energy_envelope(audio);
        piece.speaker = std::move(p);
        piece.channel = job.channel;
        piece.vad_confidence = job.segment.confidence;
        results[i].push_back(std::move(piece));
      }
      if (recognition.recognizer != nullptr && !job.padded.empty())
        words[i] = recognise(job);
    });
    std::vector<Piece> fresh;
    for (auto& r : results)
      for (Piece& p : r) fresh.push_back(std::move(p));
    std::stable_sort(fresh.begin(), fresh.end(), [](const Piece& a, const Piece& b) {
      return std::tie(a.speaker.segment.start, a.channel) < std::tie(b.speaker.segment.start, b.channel);
    });
    const std::size_t first_new = pieces.size();
    for (Piece& p : fresh) {
      p.provisional = options.speaker_mode == SpeakerMode::diarize    ? online->add(p.speaker)
                      : options.speaker_mode == SpeakerMode::channels ? p.channel
                                                                      : 0;
      pieces.push_back(std::move(p));
    }
    // Probabilities with the speakers known so far (the per-speaker statistics include the new pieces).
    std::vector<ser::UtteranceEvidence> evidence;
    std::vector<int> speakers;
    evidence.reserve(pieces.size());
    for (const Piece& p : pieces) {
      evidence.push_back(p.evidence);
      speakers.push_back(p.provisional);
    }
    const std::vector<std::vector<float>> probabilities = model.predict_from(evidence, speakers, first_new);
    for (std::size_t i = first_new; i < pieces.size(); ++i)
      update.segments.push_back(make_segment(pieces[i], options, pieces[i].provisional,
                                             probabilities[i - first_new], model.labels()));
    for (auto& w : words)
      if (w) update.utterances.push_back(std::move(*w));
    std::stable_sort(update.utterances.begin(), update.utterances.end(),
                     [](const auto& a, const auto& b) { return a.start < b.start; });
    return update;
  }

  std::optional<asr::TranscribedUtterance> recognise(const Job& job) const {
    asr::TranscribedUtterance u;
    u.words = recognition.recognizer->recognize(job.padded, job.padded_start);
    if (u.words.empty()) return std::nullopt;
    u.start = std::min(job.segment.start, u.words.front().start);
    u.end = std::max(job.segment.end, u.words.back().end);
    double confidence = 0;
    for (const asr::Word& w : u.words) {
      if (!u.text.empty()) u.text += ' ';
      u.text += w.text;
      confidence += w.confidence;
    }
    u.confidence = static_cast<float>(confidence / static_cast<double>(u.words.size()));
    return u;
  }

  SpeechUpdate push(std::span<const float> samples) {
    SENTIO_ASSERT(!closed);
    const auto n = static_cast<std::size_t>(n_channels);
    if (samples.size() % n != 0)
      throw InputError("audio: " + std::to_string(samples.size()) + " samples is not a whole number of " +
                       std::to_string(n) + "-channel frames");
    const std::size_t total = samples.size() / n;
    std::vector<Job> jobs;
    // In steps of at most one second, so that the audio held covers every segment the detector closes.
    constexpr std::size_t kStep = kRate;
    for (std::size_t f0 = 0; f0 < total; f0 += kStep) {
      const std::size_t len = std::min(kStep, total - f0);
      for (std::size_t c = 0; c < n; ++c) {
        scratch.resize(len);
        for (std::size_t i = 0; i < len; ++i) scratch[i] = samples[(f0 + i) * n + c];
        Channel& ch = channels[c];
        ch.vad.push(scratch);
        ch.audio.append(scratch);
        collect(static_cast<int>(c), ch.vad.take_segments(), jobs);
        ch.audio.trim(keep_s);
      }
      frames += static_cast<std::int64_t>(len);
    }
    return process(std::move(jobs));
  }

  SpeechUpdate close() {
    SENTIO_ASSERT(!closed);
    closed = true;
    std::vector<Job> jobs;
    for (std::size_t c = 0; c < channels.size(); ++c) collect(static_cast<int>(c), channels[c].vad.finish(), jobs);
    return process(std::move(jobs));
  }

  SpeechResult result() const {
    SENTIO_ASSERT(closed);
    SpeechResult r;
    r.speaker_mode = speaker_mode_name(options.speaker_mode);
    r.labels = model.labels();
    r.model_kind = model.kind();
    if (pieces.empty()) {
      r.status = "no_speech";
      return r;
    }
    // Recording order: by start, then channel (the order in which they were made final may interleave).
    std::vector<std::size_t> order(pieces.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(pieces[a].speaker.segment.start, pieces[a].channel) <
             std::tie(pieces[b].speaker.segment.start, pieces[b].channel);
    });
    std::vector<int> speakers(order.size(), 0);
    if (options.speaker_mode == SpeakerMode::diarize) {
      std::vector<speech::SpeakerPiece> embedded;
      embedded.reserve(order.size());
      for (std::size_t i : order) embedded.push_back(pieces[i].speaker);
      speakers = speech::cluster_speakers(embedded, options.diarization);
    } else if (options.speaker_mode == SpeakerMode::channels) {
      for (std::size_t k = 0; k < order.size(); ++k) speakers[k] = pieces[order[k]].channel;
    }
    std::vector<ser::UtteranceEvidence> evidence;
    evidence.reserve(order.size());
    for (std::size_t i : order) evidence.push_back(pieces[i].evidence);
    const std::vector<std::vector<float>> probabilities = model.predict(evidence, speakers);
    SENTIO_ASSERT(probabilities.size() == order.size());
    r.segments.reserve(order.size());
    for (std::size_t k = 0; k < order.size(); ++k)
      r.segments.push_back(make_segment(pieces[order[k]], options, speakers[k], probabilities[k], r.labels));
    r.timeline = build_timeline(r.segments);
    r.speakers = summarise_speakers(r.segments, r.labels);
    return r;
  }
};

SpeechStream::SpeechStream(const ser::SpeechEmotionModel& model, const SpeechAnalysisOptions& options, int channels,
                           Executor& executor, StreamRecognition recognition)
    : impl_(std::make_unique<Impl>(model, options, channels, executor, recognition)) {}
SpeechStream::~SpeechStream() = default;

void SpeechStream::set_segment_cutter(SegmentCutter cutter) { impl_->cutter = std::move(cutter); }
SpeechUpdate SpeechStream::push(std::span<const float> samples) { return impl_->push(samples); }
SpeechUpdate SpeechStream::close() { return impl_->close(); }
SpeechResult SpeechStream::result() const { return impl_->result(); }
double SpeechStream::duration_s() const { return static_cast<double>(impl_->frames) / kRate; }
int SpeechStream::channels() const { return impl_->n_channels; }

}  // namespace sentio::analysis
