// SPDX-License-Identifier: Apache-2.0
#pragma once
// Diarization error rate (NIST RT convention), for benchmarks and tests of speaker diarization:
//   DER = (missed speech + false alarm speech + speaker confusion) / scored reference speech,
// with the one-to-one mapping of hypothesis speakers to reference speakers that maximises their
// scored overlap (Hungarian algorithm), and a no-score collar of +-collar_s around every reference
// turn boundary. Overlapping speech is scored per speaker: missed = max(0, n_ref - n_hyp),
// false alarm = max(0, n_hyp - n_ref), confusion = min(n_ref, n_hyp) - n_correctly_mapped.
#include <span>

namespace sentio::speech {

struct SpeakerTurn {
  double start = 0;  // s
  double end = 0;    // s, >= start
  int speaker = 0;   // any non-negative id; ids of reference and hypothesis are unrelated
};

struct DiarizationErrorResult {
  double scored_s = 0;       // reference speech time outside the collars (speaker-weighted)
  double missed_s = 0;
  double false_alarm_s = 0;
  double confusion_s = 0;
  int reference_speakers = 0;
  int hypothesis_speakers = 0;
  double der() const { return scored_s > 0 ? (missed_s + false_alarm_s + confusion_s) / scored_s : 0.0; }
};

DiarizationErrorResult diarization_error(std::span<const SpeakerTurn> reference, std::span<const SpeakerTurn> hypothesis,
                                         double collar_s = 0.25);

}  // namespace sentio::speech
