// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loads any speech-emotion model file Sentio writes (linear, neural or ensemble; the format is read
// from the file) as the SpeechEmotionModel that `sentio analyze` runs.
#include <memory>
#include <string>

#include "sentio/ser/emotion_model.hpp"

namespace sentio::ser {

// Throws sentio::InputError naming `path` when the file is missing, corrupt or of an unknown format.
std::unique_ptr<SpeechEmotionModel> load_emotion_model(const std::string& path);

// The model shipped with Sentio (models/ser/ in the source tree or the install prefix); InputError if absent.
std::string default_emotion_model_path();

}  // namespace sentio::ser
