// SPDX-License-Identifier: Apache-2.0
#pragma once
// Options of `sentio analyze` as the command line parses them.
#include <string>
#include <vector>

#include "model_args.hpp"
#include "sentio/analysis/speech_analysis.hpp"

namespace sentio::cli {

struct AnalyzeArgs {
  ModelArgs models;              // --speech-model ... --language, -j
  std::vector<std::string> inputs;
  std::string output;
  std::string format;            // "" = from the output's extension, json otherwise
  std::string table = "segments";  // CSV: segments or moments
  std::string speaker_mode = "diarize";
  int speakers = 0;              // 0 = estimate
  double min_segment_s = 0.3;
  double min_confidence = analysis::kDefaultMinConfidence;  // below: the segment is uncertain
  double max_segment_s = -1;  // < 0: 15 s for files, 4 s for standard input (live: a long turn is reported sooner)
  double fps = 5.0;              // video frames analysed per second
  double window_s = 2.0;         // group-view window
  int detect_interval = 0;       // face detection every N analysed frames; 0 = every 0.4 s of video
  std::string transcript;        // given transcript (one media input, or on its own)
  bool no_speaker_names = false; // "Name: text" transcript lines stay text
  bool transcribe = false;       // speech recognition for the words part
  std::string input_format;      // standard input: raw PCM format ("" = probe)
  int rate = 0, channels = 0;    // standard input: raw PCM rate and channels
  bool skip_existing = false;    // --skip-existing: resume a batch into -o DIR/
  double max_duration_s = 24 * 3600.0;  // longest input accepted (s); <= 0: no limit
  bool quiet = false;
  std::string report;            // --report: HTML report file (one input) or folder (several); "" = none
  std::string generator;         // "sentio <version>"
};

}  // namespace sentio::cli
