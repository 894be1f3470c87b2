// SPDX-License-Identifier: Apache-2.0
#include "sentio/analysis/text_analysis.hpp"

#include <algorithm>

#include "sentio/analysis/words_stream.hpp"

namespace sentio::analysis {

TextResult analyze_transcript(const text::Transcript& transcript, const TextModels& models, const std::string& source,
                              const std::string& transcript_name, std::size_t n_explain) {
  WordsStream words(models, source, transcript_name, source == "asr" ? "asr" : transcript.format, n_explain);
  for (const text::Utterance& u : transcript.utterances) words.push(u);
  return words.result(nullptr);
}

text::Transcript to_transcript(const asr::TranscriptResult& recognized) {
  text::Transcript t;
  t.format = "asr";
  for (const asr::TranscribedUtterance& u : recognized.utterances) {
    if (u.text.empty()) continue;
    text::Utterance out;
    out.start = u.start;
    out.end = u.end;
    out.text = u.text;
    t.utterances.push_back(std::move(out));
  }
  return t;
}

void attribute_speakers(text::Transcript& transcript, const SpeechResult& speech) {
  for (text::Utterance& u : transcript.utterances) {
    if (!u.speaker.empty() || u.start < 0 || u.end <= u.start) continue;
    double best = 0;
    for (const SpeechSegment& s : speech.segments) {
      const double overlap = std::min(u.end, s.end) - std::max(u.start, s.start);
      if (overlap > best) {
        best = overlap;
        u.speaker = s.speaker;
      }
    }
  }
}

}  // namespace sentio::analysis
