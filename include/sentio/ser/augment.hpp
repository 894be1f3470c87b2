// SPDX-License-Identifier: Apache-2.0
#pragma once
// Training-data augmentation for the eGeMAPS models (TrainOptions::augment): perturbed copies of a
// clip that keep its emotion but change what a speaker, a microphone or a channel would change. The
// copies are only ever trained on, never evaluated (docs/SER.md, "Augmentation").
#include <string>
#include <vector>

namespace sentio::ser {

struct AudioVariant {
  std::string name;      // e.g. "pitch-2"; recorded in the model file
  double semitones = 0;  // the whole spectrum (voice pitch and formants) shifted, the tempo kept
};

// The copies made of every training clip, in order: shifted by -6, -4, -2, +2, +4 and +6 semitones, a
// voice up to half an octave lower or higher from a larger or smaller vocal tract, at the same tempo.
// Chosen by leave-one-corpus-out UA, where the telephone band, speed changes, noise and reverberation
// did not add to it (bench/ser_trust.md).
const std::vector<AudioVariant>& augment_variants();

// `pcm` (mono, `sample_rate` Hz, > 0) perturbed as `variant` says, the same length, rounded to 16 bits.
std::vector<float> apply_variant(const std::vector<float>& pcm, int sample_rate, const AudioVariant& variant);

// The telephone band in place: 4th-order Butterworth high-pass at 300 Hz and low-pass at 3400 Hz
// (`sample_rate` > 6800 Hz; the log-mel CNN's augmentation).
void telephone_band(std::vector<float>& pcm, int sample_rate);

}  // namespace sentio::ser
