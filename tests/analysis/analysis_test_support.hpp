// SPDX-License-Identifier: Apache-2.0
#pragma once
// Fixtures for the analysis tests: synthesized conversations and a small deterministic emotion model.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "sentio/ser/emotion_model.hpp"
#include "test_support.hpp"

namespace sentio::test {

struct Turn {
  std::string voice;  // espeak-ng voice, e.g. "en-us" or "en-us+f3"
  int pitch = 50;     // espeak-ng pitch, 0-99
  std::string text;
};

// Speaks the turns one after the other with `pause_s` of silence after each, into a 16 kHz mono WAV.
inline void synthesize_conversation(const std::vector<Turn>& turns, double pause_s, const std::filesystem::path& out) {
  const std::filesystem::path dir = out.parent_path();
  std::string parts;
  const std::string pause = (dir / (out.stem().string() + ".pause.wav")).string();
  auto run = [](const std::string& cmd) {
    if (run_command(cmd).status != 0) throw std::runtime_error("fixture command failed: " + cmd);
  };
  run("sox -n -r 16000 -c 1 -b 16 '" + pause + "' trim 0 " + std::to_string(pause_s));
  for (std::size_t i = 0; i < turns.size(); ++i) {
    const std::string raw = (dir / (out.stem().string() + ".raw" + std::to_string(i) + ".wav")).string();
    const std::string wav = (dir / (out.stem().string() + ".turn" + std::to_string(i) + ".wav")).string();
    run("espeak-ng -v " + turns[i].voice + " -p " + std::to_string(turns[i].pitch) + " -s 150 -w '" + raw + "' \"" +
        turns[i].text + "\"");
    run("sox '" + raw + "' -r 16000 -c 1 -b 16 '" + wav + "'");
    parts += " '" + wav + "' '" + pause + "'";
  }
  run("sox" + parts + " '" + out.string() + "'");
}

// A transparent stand-in for a trained model, so the pipeline's wiring can be checked exactly:
// evidence = the utterance's RMS level; within a recording, utterances louder than the speaker's
// median are "anger" with probability 0.8, the others "neutral" with probability 0.8.
class LoudnessModel final : public ser::SpeechEmotionModel {
 public:
  const std::vector<std::string>& labels() const override { return labels_; }
  std::string kind() const override { return "test-loudness"; }
  ser::UtteranceEvidence analyse(std::span<const float> samples) const override {
    double energy = 0;
    for (float s : samples) energy += static_cast<double>(s) * s;
    return {{std::sqrt(energy / static_cast<double>(std::max<std::size_t>(1, samples.size())))}, {}};
  }
  std::vector<std::vector<float>> predict(std::span<const ser::UtteranceEvidence> evidence,
                                          std::span<const int> speaker) const override {
    std::vector<std::vector<float>> out;
    for (std::size_t i = 0; i < evidence.size(); ++i) {
      std::vector<double> own;
      for (std::size_t j = 0; j < evidence.size(); ++j)
        if (speaker[j] == speaker[i]) own.push_back(evidence[j].functionals[0]);
      std::sort(own.begin(), own.end());
      const bool loud = evidence[i].functionals[0] > own[own.size() / 2];
      out.push_back(loud ? std::vector<float>{0.2f, 0.8f} : std::vector<float>{0.8f, 0.2f});
    }
    return out;
  }

 private:
  std::vector<std::string> labels_ = {"neutral", "anger"};
};

}  // namespace sentio::test
