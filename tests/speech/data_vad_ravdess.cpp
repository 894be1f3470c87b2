// SPDX-License-Identifier: Apache-2.0
// Voice-activity detection on real speech: 20 RAVDESS clips (different actors, emotions and
// intensities) concatenated with known gaps of 0.5-1.5 s of digital silence; frame-level precision
// and recall of "speech" against the known utterance extents.
//
// Ground truth: RAVDESS clips carry ~0.5-1 s of room silence before and after the sentence. Within
// each clip the utterance extent is taken from the clean clip itself: from the first to the last
// sample whose 5-ms moving RMS is within 30 dB of the clip's loudest 5 ms (pauses inside the sentence
// count as speech, the leading/trailing room silence does not). A 10-ms frame is "speech" if its
// centre lies inside an extent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "sentio/media/audio_decoder.hpp"
#include "sentio/speech/segmenter.hpp"
#include "test_support.hpp"
#include "vad_truth.hpp"

namespace {

namespace fs = std::filesystem;
constexpr int kRate = 16000;

// [first, last + 1) samples of the utterance inside one clip (see the header comment).
std::pair<std::size_t, std::size_t> utterance_extent(const std::vector<float>& x) {
  return sentio::test::loud_extent(x, kRate, 30.0);
}

TEST(VadData, RavdessConcatenationFramePrecisionRecall) {
  SENTIO_REQUIRE_SHARED(dir, "data/ser/ravdess/audio");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 20u);

  std::vector<float> audio;
  std::vector<std::pair<double, double>> truth;  // seconds
  const std::size_t stride = files.size() / 20;
  for (std::size_t i = 0; i < 20; ++i) {
    const double gap_s = 0.5 + static_cast<double>((i * 37) % 100) / 100.0;  // 0.5 .. 1.49 s, known
    audio.resize(audio.size() + static_cast<std::size_t>(gap_s * kRate), 0.0f);
    // stride 72 over the sorted names walks through actors, emotions and intensities
    const std::vector<float> clip = sentio::media::decode_audio(files[i * stride + (i % 7)].string(), kRate);
    const auto [a, b] = utterance_extent(clip);
    ASSERT_LT(a, b);
    truth.emplace_back(static_cast<double>(audio.size() + a) / kRate, static_cast<double>(audio.size() + b) / kRate);
    audio.insert(audio.end(), clip.begin(), clip.end());
  }
  audio.resize(audio.size() + kRate, 0.0f);
  const double duration = static_cast<double>(audio.size()) / kRate;

  const auto t0 = std::chrono::steady_clock::now();
  const auto segs = sentio::speech::segment_speech(audio, kRate);
  const double cpu_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const auto n_frames = static_cast<std::size_t>(duration * 100);
  auto inside = [](const auto& spans, double t) {
    return std::any_of(spans.begin(), spans.end(), [t](const auto& s) { return t >= s.first && t < s.second; });
  };
  std::vector<std::pair<double, double>> pred;
  for (const auto& g : segs) pred.emplace_back(g.start, g.end);
  std::size_t tp = 0, fp = 0, fn = 0;
  for (std::size_t f = 0; f < n_frames; ++f) {
    const double t = (static_cast<double>(f) + 0.5) / 100.0;
    const bool is = inside(truth, t), said = inside(pred, t);
    tp += is && said;
    fp += !is && said;
    fn += is && !said;
  }
  const double precision = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
  const double recall = tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0.0;
  std::cout << "RAVDESS x20 (" << duration << " s): " << segs.size() << " segments for 20 utterances, frame precision "
            << precision << ", recall " << recall << ", " << duration / cpu_s << "x real time\n";
  // measured with the default options: precision 0.942, recall 0.972, 20 segments
  EXPECT_GE(precision, 0.90);
  EXPECT_GE(recall, 0.93);
  EXPECT_GE(segs.size(), 18u);
  EXPECT_LE(segs.size(), 24u);
}

}  // namespace
