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
  double speed = 1;      // played faster (> 1) or slower: tempo and spectrum change together, as a tape would
};

// The copies made of every training clip, in order: shifted by -6, -4, -2, +2, +4 and +6 semitones, a
// voice up to half an octave lower or higher from a larger or smaller vocal tract, at the same tempo; then
// played at 0.9 and 1.1 times the speed (speaking rate and pitch together). Chosen by leave-one-corpus-out
// UA, where the telephone band, noise and reverberation did not add to it (docs/SER.md, "Augmentation").
const std::vector<AudioVariant>& augment_variants();

// The variant names that earlier versions recorded in model files (all are names of augment_variants()).
const std::vector<std::string>& earlier_augmentation_names();

// `pcm` (mono, `sample_rate` Hz, > 0) perturbed as `variant` says, rounded to 16 bits: the same length
// for a pitch shift, length / speed for a speed change.
std::vector<float> apply_variant(const std::vector<float>& pcm, int sample_rate, const AudioVariant& variant);

// The telephone band in place: 4th-order Butterworth high-pass at 300 Hz and low-pass at 3400 Hz
// (`sample_rate` > 6800 Hz; the log-mel CNN's augmentation).
void telephone_band(std::vector<float>& pcm, int sample_rate);

}  // namespace sentio::ser
