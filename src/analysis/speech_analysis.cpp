// SPDX-License-Identifier: Apache-2.0
#include "sentio/analysis/speech_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "sentio/analysis/summaries.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/thread_pool.hpp"
#include "sentio/media/audio_decoder.hpp"

namespace sentio::analysis {

namespace {

constexpr int kRate = 16000;

// One speaker-homogeneous piece of a speech segment, with everything the recording-level steps need.
struct Piece {
  speech::SpeakerPiece speaker;
  ser::UtteranceEvidence evidence;
  int channel = -1;
  float vad_confidence = 0;
};

// The samples of the recent past that the voice-activity detector may still close a segment over.
class RollingAudio {
 public:
  void append(std::span<const float> samples) { buffer_.insert(buffer_.end(), samples.begin(), samples.end()); }
  // Samples of [start_s, end_s), clamped to what is still held.
  std::vector<float> slice(double start_s, double end_s) const {
    const std::int64_t begin = std::max<std::int64_t>(first_, std::llround(start_s * kRate));
    const std::int64_t end = std::min<std::int64_t>(first_ + static_cast<std::int64_t>(buffer_.size()),
                                                    std::llround(end_s * kRate));
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

 private:
  std::vector<float> buffer_;
  std::int64_t first_ = 0;  // sample index of buffer_[0]
};

// Splits the closed segments at speaker changes and extracts their emotion evidence, in parallel.
void process_segments(const std::vector<speech::Segment>& segments, const RollingAudio& audio, int channel,
                      const ser::SpeechEmotionModel& model, const SpeechAnalysisOptions& options,
                      ThreadPool& pool, std::vector<Piece>& out) {
  std::vector<std::vector<Piece>> results(segments.size());
  std::vector<std::vector<float>> samples(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) samples[i] = audio.slice(segments[i].start, segments[i].end);
  pool.run_tasks(segments.size(), [&](std::size_t i, int) {
    const speech::Segment& seg = segments[i];
    std::vector<speech::SpeakerPiece> pieces;
    if (options.speaker_mode == SpeakerMode::diarize)
      pieces = speech::split_speaker_changes(seg, samples[i], kRate, options.diarization);
    else
      pieces.push_back({seg, {}});
    for (speech::SpeakerPiece& p : pieces) {
      const auto from = static_cast<std::size_t>(std::max(0.0, std::round((p.segment.start - seg.start) * kRate)));
      const auto to = std::min(samples[i].size(),
                               static_cast<std::size_t>(std::max(0.0, std::round((p.segment.end - seg.start) * kRate))));
      if (to <= from) continue;
      Piece piece;
      piece.evidence = model.analyse(std::span<const float>(samples[i]).subspan(from, to - from));
      piece.speaker = std::move(p);
      piece.channel = channel;
      piece.vad_confidence = seg.confidence;
      results[i].push_back(std::move(piece));
    }
  });
  for (auto& r : results)
    for (Piece& p : r) out.push_back(std::move(p));
}

// Decodes one stream (the mono mix, or channel `channel`) block by block and collects its pieces.
// Returns the decoded duration in seconds.
double analyse_stream(media::AudioDecoder& decoder, int channel, const ser::SpeechEmotionModel& model,
                      const SpeechAnalysisOptions& options, ThreadPool& pool, Progress& progress,
                      std::vector<Piece>& out) {
  speech::VoiceActivityDetector vad(kRate, options.segmenter);
  RollingAudio audio;
  // The detector closes a segment at most max_segment_s after it opened, plus its look-ahead.
  const double keep_s = options.segmenter.max_segment_s + options.segmenter.noise_lookahead_s + 2.0 + options.block_s;
  std::vector<float> block(static_cast<std::size_t>(options.block_s * kRate));
  std::int64_t decoded = 0;
  for (;;) {
    std::size_t n = 0;
    while (n < block.size()) {
      const std::size_t got = decoder.read(std::span<float>(block).subspan(n));
      if (got == 0) break;
      n += got;
    }
    const bool last = n < block.size();
    const std::span<const float> chunk(block.data(), n);
    vad.push(chunk);
    audio.append(chunk);
    const std::vector<speech::Segment> closed = last ? vad.finish() : vad.take_segments();
    process_segments(closed, audio, channel, model, options, pool, out);
    audio.trim(keep_s);
    progress.advance(static_cast<double>(n) / kRate);
    decoded += static_cast<std::int64_t>(n);
    if (last) break;
  }
  return static_cast<double>(decoded) / kRate;
}

std::string speaker_name(SpeakerMode mode, int id) {
  return (mode == SpeakerMode::channels ? "ch" : "S") + std::to_string(id + 1);
}

}  // namespace

SpeakerMode parse_speaker_mode(const std::string& name) {
  if (name == "diarize") return SpeakerMode::diarize;
  if (name == "channels") return SpeakerMode::channels;
  if (name == "single") return SpeakerMode::single;
  throw InputError("unknown speaker mode '" + name + "' (expected diarize, channels or single)");
}

const char* speaker_mode_name(SpeakerMode mode) {
  switch (mode) {
    case SpeakerMode::diarize: return "diarization";
    case SpeakerMode::channels: return "channels";
    case SpeakerMode::single: return "single";
  }
  return "?";
}

SpeechResult analyze_speech(const std::string& path, const ser::SpeechEmotionModel& model,
                            const SpeechAnalysisOptions& options, Progress& progress, MediaSummary& input) {
  SENTIO_ASSERT(options.n_threads >= 1 && options.block_s >= 1.0);
  // The mix decoder tells the channel count and streams the mix; per-channel mode opens one per channel.
  media::AudioDecoder mix(path, kRate);
  const media::AudioInfo& info = mix.info();
  input.path = path;
  input.channels = info.source_channels;
  input.source_sample_rate = info.source_sample_rate;
  input.duration_s = info.duration_s;
  if (options.speaker_mode == SpeakerMode::channels && input.channels < 2)
    throw InputError(path + ": per-channel speaker mode needs a recording with two or more channels (it has " +
                     std::to_string(input.channels) + ")");
  const int n_streams = options.speaker_mode == SpeakerMode::channels ? input.channels : 1;
  progress.set_total(input.duration_s * n_streams);

  ThreadPool pool(options.n_threads);
  std::vector<Piece> pieces;
  double decoded_s = 0;
  if (options.speaker_mode == SpeakerMode::channels) {
    for (int c = 0; c < n_streams; ++c) {
      media::AudioDecoder decoder(path, kRate, c);
      decoded_s = analyse_stream(decoder, c, model, options, pool, progress, pieces);
    }
  } else {
    decoded_s = analyse_stream(mix, media::kMixChannels, model, options, pool, progress, pieces);
  }
  input.duration_s = decoded_s;  // the container's estimate may be missing or approximate
  progress.finish();
  std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
    return a.speaker.segment.start < b.speaker.segment.start;
  });

  SpeechResult result;
  result.speaker_mode = speaker_mode_name(options.speaker_mode);
  result.labels = model.labels();
  result.model_kind = model.kind();
  if (pieces.empty()) {
    result.status = "no_speech";
    return result;
  }
  std::vector<int> speakers(pieces.size(), 0);
  if (options.speaker_mode == SpeakerMode::diarize) {
    std::vector<speech::SpeakerPiece> embedded;
    embedded.reserve(pieces.size());
    for (const Piece& p : pieces) embedded.push_back(p.speaker);
    speakers = speech::cluster_speakers(embedded, options.diarization);
  } else if (options.speaker_mode == SpeakerMode::channels) {
    for (std::size_t i = 0; i < pieces.size(); ++i) speakers[i] = pieces[i].channel;
  }
  std::vector<ser::UtteranceEvidence> evidence;
  evidence.reserve(pieces.size());
  for (Piece& p : pieces) evidence.push_back(std::move(p.evidence));
  const std::vector<std::vector<float>> probabilities = model.predict(evidence, speakers);
  SENTIO_ASSERT(probabilities.size() == pieces.size());

  result.segments.reserve(pieces.size());
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    SpeechSegment s;
    s.start = pieces[i].speaker.segment.start;
    s.end = pieces[i].speaker.segment.end;
    s.speaker = speaker_name(options.speaker_mode, speakers[i]);
    s.channel = pieces[i].channel;
    s.vad_confidence = pieces[i].vad_confidence;
    s.probabilities = probabilities[i];
    decide_segment(s, result.labels);
    result.segments.push_back(std::move(s));
  }
  result.timeline = build_timeline(result.segments);
  result.speakers = summarise_speakers(result.segments, result.labels);
  return result;
}

}  // namespace sentio::analysis
