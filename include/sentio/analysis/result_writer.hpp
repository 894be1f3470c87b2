// SPDX-License-Identifier: Apache-2.0
#pragma once
// Serialisation of analysis results: JSON (schema sentio.analysis/2, docs/ANALYSIS.md) and CSV (one row
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
std::string moment_event(const Moment& moment);
std::string warning_event(const std::string& message);
std::string error_event(const std::string& message);
std::string result_event(const AnalysisResult& result, const std::string& generator);

// CSV tables. segments: header + one row per speech segment: file,start,end,speaker,channel,label,
// confidence,valence,arousal,vad_confidence,p_<label>... (a result without speech gives the header only).
// moments: header + one row per moment: file,start,end,person,modalities,voice,face,words,label,confidence,
// valence,arousal,agreement,compound,explanation,p_<core label>... (docs/ANALYSIS.md).
enum class CsvTable { segments, moments };
CsvTable parse_csv_table(const std::string& name);  // "segments", "moments"
std::string to_csv(const AnalysisResult& result, CsvTable table = CsvTable::segments);

}  // namespace sentio::analysis
