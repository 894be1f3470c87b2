// SPDX-License-Identifier: Apache-2.0
// Recording -> VAD segments -> recognized utterances, segments spread over a worker pool that borrows
// decoders from a shared SpeechRecognizer.
#include "sentio/asr/transcriber.hpp"

#include <algorithm>
#include <cmath>

#include "sentio/core/error.hpp"
#include "sentio/core/thread_pool.hpp"
#include "sentio/media/audio_decoder.hpp"

namespace sentio::asr {

struct Transcriber::Impl {
  TranscriberOptions options;
  std::shared_ptr<const SpeechRecognizer> recognizer;
  ThreadPool pool;

  Impl(std::shared_ptr<const SpeechRecognizer> r, const TranscriberOptions& o)
      : options(o), recognizer(std::move(r)), pool(o.n_threads) {}
};

namespace {

void check_options(const TranscriberOptions& options) {
  if (options.n_threads < 1) throw InputError("transcriber: thread count must be >= 1");
  if (!(options.padding_s >= 0)) throw InputError("transcriber: padding must be >= 0 s");
}

}  // namespace

Transcriber::Transcriber(const TranscriberOptions& options) {
  check_options(options);
  impl_ = std::make_unique<Impl>(std::make_shared<const SpeechRecognizer>(options.recognizer, options.n_threads), options);
}

Transcriber::Transcriber(std::shared_ptr<const SpeechRecognizer> recognizer, const TranscriberOptions& options) {
  SENTIO_ASSERT(recognizer != nullptr);
  check_options(options);
  impl_ = std::make_unique<Impl>(std::move(recognizer), options);
}

Transcriber::~Transcriber() = default;

const SpeechRecognizer& Transcriber::recognizer() const { return *impl_->recognizer; }

TranscriptResult Transcriber::transcribe_file(const std::string& path) {
  const std::vector<float> samples = media::decode_audio(path, kSampleRate);
  TranscriptResult result = transcribe_samples(samples);
  result.media = path;
  return result;
}

TranscriptResult Transcriber::transcribe_samples(std::span<const float> samples) {
  Impl& m = *impl_;
  TranscriptResult result;
  result.duration = static_cast<double>(samples.size()) / kSampleRate;
  result.engine = m.recognizer->engine();
  result.model = m.recognizer->model();
  result.grammar = m.recognizer->options().grammar;
  const std::vector<speech::Segment> segments = speech::segment_speech(samples, kSampleRate, m.options.segmenter);

  std::vector<TranscribedUtterance> utterances(segments.size());
  m.pool.run_tasks(segments.size(), [&](std::size_t k, int /*worker*/) {
    // Padding, at most half the gap to each neighbour so that no word is decoded twice.
    const speech::Segment& s = segments[k];
    const double before = k > 0 ? (s.start - segments[k - 1].end) / 2 : s.start;
    const double after = k + 1 < segments.size() ? (segments[k + 1].start - s.end) / 2 : result.duration - s.end;
    const double t0 = std::max(0.0, s.start - std::clamp(m.options.padding_s, 0.0, std::max(0.0, before)));
    const double t1 = std::min(result.duration, s.end + std::clamp(m.options.padding_s, 0.0, std::max(0.0, after)));
    const auto i0 = static_cast<std::size_t>(std::lround(t0 * kSampleRate));
    const auto i1 = std::min(samples.size(), static_cast<std::size_t>(std::lround(t1 * kSampleRate)));
    if (i1 <= i0) return;
    TranscribedUtterance& u = utterances[k];
    u.words = m.recognizer->recognize(samples.subspan(i0, i1 - i0), static_cast<double>(i0) / kSampleRate);
    if (u.words.empty()) return;
    u.start = std::min(s.start, u.words.front().start);
    u.end = std::max(s.end, u.words.back().end);
    double confidence = 0;
    for (const Word& w : u.words) {
      if (!u.text.empty()) u.text += ' ';
      u.text += w.text;
      confidence += w.confidence;
    }
    u.confidence = static_cast<float>(confidence / static_cast<double>(u.words.size()));
  });
  for (TranscribedUtterance& u : utterances)
    if (!u.words.empty()) result.utterances.push_back(std::move(u));
  return result;
}

}  // namespace sentio::asr
