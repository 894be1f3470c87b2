// SPDX-License-Identifier: Apache-2.0
#pragma once
// Analysing a file (or standard input) through a Session, and what an input is.
//
// analyze_file() decodes the input and pushes it into a Session: the video's frames (at
// SessionOptions::fps), then its audio at the source's own rate and channel count, then the words of
// `transcript` if given — so a file's result is, by construction, that of a stream of the same media.
#include <functional>
#include <memory>
#include <string>

#include "sentio/analysis/result.hpp"
#include "sentio/engine/engine.hpp"
#include "sentio/engine/session.hpp"

namespace sentio {

// What an input is, from its extension: audio -> speech; video -> faces + speech (when it has an audio
// stream); image -> faces; subtitles (.srt, .vtt) and plain-text transcripts (.txt) -> words. Unknown extensions are treated as video (a
// file without a video stream then falls back to audio). "-" (standard input) is audio.
enum class InputKind { audio, video, image, transcript };
InputKind classify_input(const std::string& path);

// Progress of long work: the stage ("faces", "speech", "words") and how much of it is done, in seconds
// of media (total 0 when unknown, e.g. standard input).
struct ProgressUpdate {
  std::string stage;
  double done = 0, total = 0;
  bool finished = false;  // the stage is over
};
using ProgressCallback = std::function<void(const ProgressUpdate&)>;

inline constexpr double kDefaultMaxDurationS = 24 * 3600.0;

struct AnalyzeOptions {
  SessionOptions session;   // input_name / input_kind are set from the path
  std::string transcript;   // a transcript file of the recording (any format of text/transcript.hpp)
  bool transcript_only = false;  // the input itself is a transcript, whatever its extension
  bool speaker_prefixes = true;  // transcript lines "Name: text" name their speaker (text/transcript.hpp)
  // Standard input ("-"): a raw PCM format ("s16le", "s32le", "f32le"; "" = probe the stream: WAV or
  // anything FFmpeg can read from a pipe) with its rate and channel count.
  std::string input_format;
  int input_rate = 0, input_channels = 0;
  // Longest input accepted, in seconds (<= 0: no limit): a file whose container declares more is refused
  // before decoding, and decoding stops with an error once this much audio or video has been read (for
  // inputs that declare no duration or a wrong one, and standard input).
  double max_duration_s = kDefaultMaxDurationS;
  EventCallback on_event;    // each result as it becomes final
  ProgressCallback progress;
};

// Analyses one input. Throws InputError naming the file when nothing of it can be analysed (missing,
// empty, corrupt, no stream of the kind its name says); a video whose audio (or frames) cannot be read
// keeps the part that could be, with a warning. Standard input that ends early gives the result for what
// arrived, with a warning.
AnalysisResult analyze_file(std::shared_ptr<const Engine> engine, const std::string& path,
                            const AnalyzeOptions& options = {});

}  // namespace sentio
