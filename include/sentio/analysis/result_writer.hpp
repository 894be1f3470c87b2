// SPDX-License-Identifier: Apache-2.0
#pragma once
// Serialisation of analysis results: JSON (schema sentio.analysis/1, docs/ANALYSIS.md) and CSV (one row
// per speech segment).
#include <string>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

// `generator` names the program that produced the document (e.g. "sentio 0.1.0").
std::string to_json(const AnalysisResult& result, const std::string& generator);

// Header + one row per speech segment: file,start,end,speaker,channel,label,confidence,valence,arousal,
// vad_confidence,p_<label>... . A result without speech gives the header only.
std::string to_csv(const AnalysisResult& result);

}  // namespace sentio::analysis
