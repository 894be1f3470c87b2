// SPDX-License-Identifier: Apache-2.0
#include "sentio/analysis/speech_analysis.hpp"

#include "sentio/core/error.hpp"

namespace sentio::analysis {

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

}  // namespace sentio::analysis
