// SPDX-License-Identifier: Apache-2.0
// The shipped default SER model on real clips: it loads, analyse() cost per second of audio on one
// thread, and it recognises RAVDESS clips (training data of the default model, so this checks the file,
// not generalisation; bench/ser_trust.md has the held-out-corpus figures).
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <cstdio>

#include "sentio/media/audio_decoder.hpp"
#include "sentio/ser/manifest.hpp"
#include "sentio/ser/emotion_model.hpp"
#include "sentio/ser_neural/models.hpp"
#include "test_support.hpp"

namespace {

// Neural and ensemble files are read by this test binary's own copy of sentio_ser_neural (not the plugin's).
const bool kFormatsRegistered = (sentio::ser::register_neural_model_formats(), true);

TEST(SerDefaultModel, LoadsRunsFastAndRecognisesRavdess) {
  SENTIO_REQUIRE_SHARED(path, "data/ser/ravdess/manifest.csv");
  sentio::ser::Manifest manifest = sentio::ser::read_manifest(path.string());
  sentio::ser::apply_class_set(manifest, sentio::ser::ClassSet::core);
  const auto model = sentio::ser::load_emotion_model(sentio::ser::default_emotion_model_path());
  // The shipped model (models/ser/MODEL_CARD.md): the MLP over eGeMAPS, the seven core labels, calibrated on
  // held-out corpora.
  ASSERT_EQ(model->kind(), "mlp");
  const auto* linear = dynamic_cast<const sentio::ser::LinearEmotionModel*>(model.get());
  ASSERT_NE(linear, nullptr);
  EXPECT_EQ(linear->model().hidden_units(), static_cast<std::size_t>(sentio::ser::kMlpHidden));
  EXPECT_EQ(model->labels().size(), 7u);
  EXPECT_GT(linear->model().output_temperature, 1.0);
  EXPECT_FALSE(linear->model().calibrated_on.empty());
  EXPECT_FALSE(linear->model().within_speaker_std.empty());
  std::vector<sentio::ser::UtteranceEvidence> ev;
  std::vector<int> spk;
  std::vector<std::string> truth;
  double audio_s = 0, analyse_s = 0, cpu_s = 0;
  for (std::size_t i = 0; i < manifest.items.size(); i += 36) {  // 40 clips, every speaker and class
    const auto pcm = sentio::media::decode_audio(manifest.items[i].path, 16000);
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    ev.push_back(model->analyse(pcm));
    cpu_s += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    analyse_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    audio_s += static_cast<double>(pcm.size()) / 16000;
    spk.push_back(0);
    truth.push_back(manifest.items[i].label);
  }
  const double ms_per_s = 1000 * analyse_s / audio_s;
  std::printf("analyse(): %.2f ms per second of audio (wall; CPU %.2f ms), one thread, %zu clips, %.1f s\n", ms_per_s,
              1000 * cpu_s / audio_s, ev.size(), audio_s);
  EXPECT_LT(ms_per_s, 25.0);  // loose: the machine is shared; speed figures are in bench/
  const auto p = model->predict(ev, spk);
  int right = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const auto best = static_cast<std::size_t>(std::max_element(p[i].begin(), p[i].end()) - p[i].begin());
    right += model->labels()[best] == truth[i];
  }
  EXPECT_GE(right, static_cast<int>(p.size()) / 2) << right << "/" << p.size();
}

}  // namespace
