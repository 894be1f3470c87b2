// SPDX-License-Identifier: Apache-2.0
#pragma once
// Fixtures of the engine tests: a synthetic conversation (no speech synthesiser needed) and one engine
// per test binary on the shipped models.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <numbers>
#include <vector>

#include "sentio/engine/engine.hpp"
#include "test_support.hpp"

namespace sentio::test {

// Turns of two synthetic voices (harmonic tones with a moving pitch and a syllable rhythm: what the
// voice-activity detector takes for speech), A B A B A, 2.4 s each with 0.9 s of near-silence between,
// at `rate` Hz in `channels` identical channels (or, with `split`, voice A on channel 0 and B on 1).
inline std::vector<float> voiced_conversation(int rate, int channels, bool split = false) {
  const double turn_s = 2.4, pause_s = 0.9;
  const int turns = 5;
  const auto per_turn = static_cast<std::size_t>((turn_s + pause_s) * rate);
  std::vector<float> out(per_turn * turns * static_cast<std::size_t>(channels), 0.0f);
  std::uint32_t noise = 12345;
  for (int k = 0; k < turns; ++k) {
    const bool a = k % 2 == 0;
    const double f0 = a ? 115.0 : 225.0;
    const double shape = a ? 0.55 : 0.8;  // spectral tilt: harmonic h has amplitude shape^h
    double phase = 0;
    for (std::size_t i = 0; i < per_turn; ++i) {
      const double t = static_cast<double>(i) / rate;
      double v = 0;
      if (t < turn_s) {
        const double f = f0 * (1.0 + 0.06 * std::sin(2 * std::numbers::pi * 0.7 * t + k));
        phase += 2 * std::numbers::pi * f / rate;
        const double syllables = 0.55 + 0.45 * std::sin(2 * std::numbers::pi * 3.8 * t);
        const double edge = std::min({1.0, t / 0.05, (turn_s - t) / 0.05});
        for (int h = 1; h <= 12; ++h) v += std::pow(shape, h) * std::sin(h * phase);
        v *= 0.25 * syllables * edge;
      }
      noise = noise * 1664525u + 1013904223u;
      v += 0.0005 * (static_cast<double>(noise >> 8) / 16777216.0 - 0.5);
      const std::size_t frame = static_cast<std::size_t>(k) * per_turn + i;
      for (int c = 0; c < channels; ++c) {
        const bool silent = split && (c == 0) != a && c <= 1;
        out[frame * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
            static_cast<float>(silent ? 0.0005 * std::sin(0.001 * static_cast<double>(i)) : v);
      }
    }
  }
  return out;
}

inline std::filesystem::path write_wav(const std::filesystem::path& path, const std::vector<float>& samples, int rate,
                                       int channels) {
  std::vector<std::int16_t> pcm(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i)
    pcm[i] = static_cast<std::int16_t>(std::lround(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
  write_wav_s16(path, rate, channels, pcm);
  return path;
}

// One engine on the shipped models, two threads, shared by the tests of a binary.
inline std::shared_ptr<const Engine> shared_engine() {
  static const std::shared_ptr<const Engine> engine = [] {
    EngineOptions o;
    o.n_threads = 2;
    return Engine::create(o);
  }();
  return engine;
}

}  // namespace sentio::test
