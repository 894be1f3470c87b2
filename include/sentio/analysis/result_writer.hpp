// SPDX-License-Identifier: Apache-2.0
#pragma once
// Serialisation of analysis results: JSON (schema sentio.analysis/1, docs/ANALYSIS.md) and CSV (one row
// per speech segment).
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

// `generator` names the program that produced the document (e.g. "sentio 0.1.0").
std::string to_json(const AnalysisResult& result, const std::string& generator);

// JSON Lines events of a stream (docs/ANALYSIS.md, "Streaming"): one object per line (no newline here),
// {"type": "segment" | "face" | "utterance" | "warning" | "error" | "result", ...}, with the same fields as
// the item in the document; a face also has "track", and "result" carries the whole document.
std::string segment_event(const SpeechSegment& segment, const std::vector<std::string>& labels);
std::string face_event(int track, const FaceObservation& observation, const std::vector<std::string>& labels);
std::string utterance_event(const TextUtterance& utterance, const std::vector<std::string>& labels, bool multi_label,
                            bool context);
std::string warning_event(const std::string& message);
std::string error_event(const std::string& message);
std::string result_event(const AnalysisResult& result, const std::string& generator);

// Header + one row per speech segment: file,start,end,speaker,channel,label,confidence,valence,arousal,
// vad_confidence,p_<label>... . A result without speech gives the header only.
std::string to_csv(const AnalysisResult& result);

}  // namespace sentio::analysis
