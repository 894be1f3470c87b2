// SPDX-License-Identifier: Apache-2.0
// Transcript output: JSON (sentio.transcript/1, docs/TRANSCRIPTS.md), SRT, WebVTT, plain text.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "sentio/asr/transcriber.hpp"
#include "sentio/core/error.hpp"

namespace sentio::asr {
namespace {

// Times are written in milliseconds precision (the decoder's frames are 10 ms).
double ms(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

// "HH:MM:SS,mmm" (SRT) or "HH:MM:SS.mmm" (WebVTT).
std::string clock_time(double seconds, char separator) {
  const long long total_ms = std::llround(std::max(0.0, seconds) * 1000.0);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld:%02lld%c%03lld", total_ms / 3600000, total_ms / 60000 % 60,
                total_ms / 1000 % 60, separator, total_ms % 1000);
  return buffer;
}

nlohmann::ordered_json to_json(const TranscriptResult& t) {
  nlohmann::ordered_json j;
  j["schema"] = "sentio.transcript/1";
  j["source"] = "asr";
  j["engine"] = t.engine;
  j["model"] = t.model;
  j["grammar"] = t.grammar.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t.grammar);
  j["media"] = t.media;
  j["duration"] = ms(t.duration);
  nlohmann::ordered_json utterances = nlohmann::ordered_json::array();
  for (std::size_t k = 0; k < t.utterances.size(); ++k) {
    const TranscribedUtterance& u = t.utterances[k];
    nlohmann::ordered_json ju;
    ju["id"] = "u" + std::to_string(k + 1);
    ju["start"] = ms(u.start);
    ju["end"] = ms(u.end);
    ju["text"] = u.text;
    ju["confidence"] = std::round(u.confidence * 1000.0) / 1000.0;
    nlohmann::ordered_json words = nlohmann::ordered_json::array();
    for (const Word& w : u.words)
      words.push_back({{"text", w.text}, {"start", ms(w.start)}, {"end", ms(w.end)},
                       {"confidence", std::round(w.confidence * 1000.0) / 1000.0}});
    ju["words"] = std::move(words);
    utterances.push_back(std::move(ju));
  }
  j["utterances"] = std::move(utterances);
  return j;
}

}  // namespace

TranscriptFormat parse_transcript_format(const std::string& name) {
  if (name == "json") return TranscriptFormat::json;
  if (name == "srt") return TranscriptFormat::srt;
  if (name == "vtt" || name == "webvtt") return TranscriptFormat::vtt;
  if (name == "txt" || name == "text") return TranscriptFormat::txt;
  throw InputError("unknown transcript format '" + name + "' (expected json, srt, vtt or txt)");
}

const char* transcript_extension(TranscriptFormat format) {
  switch (format) {
    case TranscriptFormat::json: return "json";
    case TranscriptFormat::srt: return "srt";
    case TranscriptFormat::vtt: return "vtt";
    case TranscriptFormat::txt: return "txt";
  }
  return "txt";
}

void write_transcript(std::ostream& out, const TranscriptResult& t, TranscriptFormat format, bool compact) {
  switch (format) {
    case TranscriptFormat::json:
      out << to_json(t).dump(compact ? -1 : 2) << '\n';
      break;
    case TranscriptFormat::srt:
      for (std::size_t k = 0; k < t.utterances.size(); ++k) {
        const TranscribedUtterance& u = t.utterances[k];
        out << k + 1 << '\n' << clock_time(u.start, ',') << " --> " << clock_time(u.end, ',') << '\n' << u.text << "\n\n";
      }
      break;
    case TranscriptFormat::vtt:
      out << "WEBVTT\n\n";
      for (const TranscribedUtterance& u : t.utterances)
        out << clock_time(u.start, '.') << " --> " << clock_time(u.end, '.') << '\n' << u.text << "\n\n";
      break;
    case TranscriptFormat::txt:
      for (const TranscribedUtterance& u : t.utterances) out << u.text << '\n';
      break;
  }
}

}  // namespace sentio::asr
