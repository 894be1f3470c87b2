// SPDX-License-Identifier: Apache-2.0
#pragma once
// Input pipeline of the neural SER model (see neural_model.hpp), torch-free.
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "sentio/features/log_mel.hpp"

namespace sentio::ser {

// [first, last) frames of `frames` (T x n_mels log-mel) whose energy (log-sum-exp over the bands) is
// within trim_db of the loudest frame: leading and trailing silence are dropped, pauses inside kept.
std::pair<std::size_t, std::size_t> voiced_frame_range(const std::vector<float>& frames, std::size_t n_mels, double trim_db);
// The samples covered by voiced_frame_range (the whole clip when it has no frame).
std::vector<float> trim_silence(features::LogMel& mel, std::span<const float> samples, double trim_db);
// In place: minus the mean of all values (frames x bands), divided by their standard deviation (1 if
// it is ~0). A scalar shift removes the recording gain (a gain is an additive constant in the log
// domain) but keeps the long-term spectral shape (tilt, formant regions), which carries arousal; a
// per-band mean subtraction would remove it.
void normalise_utterance(std::vector<float>& frames, std::size_t n_mels);
// log-mel -> trimmed -> normalised frames.
std::vector<float> neural_frontend(features::LogMel& mel, std::span<const float> samples, double trim_db);

}  // namespace sentio::ser
