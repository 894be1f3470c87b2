// SPDX-License-Identifier: Apache-2.0
// The faces part of a stream (FaceStream) on a GRID clip: one track over every sampled frame, the same
// result with parallel faces (on a 2-thread executor) as with one thread, and the detection interval changes the
// observations only slightly; a cross-fade from one person to another gives each a track. Needs the face models
// (.cache/models/human) and ../shared; skips without them.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sentio/analysis/face_stream.hpp"
#include "sentio/media/video_reader.hpp"
#include "sentio/vision/face_model.hpp"
#include "test_support.hpp"

namespace {

using namespace sentio;

const std::filesystem::path kModels = std::filesystem::path(SENTIO_SOURCE_DIR) / ".cache" / "models" / "human";

analysis::FacesResult run(const std::filesystem::path& video, const vision::FaceModel& analyzer, int threads,
                          int interval) {
  analysis::FaceAnalysisOptions o;
  o.fps = 25.0;
  const std::shared_ptr<Executor> pool = make_thread_pool(threads);
  o.executor = pool.get();
  o.detect_interval = interval;
  analysis::FaceStream stream(analyzer, o);
  media::VideoReadOptions read;
  read.fps = o.fps;
  media::VideoReader reader(video.string(), read);
  media::VideoFrame frame;
  while (reader.next(frame)) stream.push(frame.rgb.data(), frame.width, frame.height, frame.time_s);
  return stream.result();
}

TEST(FaceAnalysisData, ThreadsDoNotChangeTheResultAndIntervalStaysClose) {
  if (!std::filesystem::exists(kModels / "facemesh.json"))
    GTEST_SKIP() << "skipped: face models not found in " << kModels << " (run scripts/setup)";
  SENTIO_REQUIRE_SHARED(video, "data/video/grid/bbaf2n.mpg");
  vision::FaceModelOptions ao;
  ao.model_dir = kModels.string();
  const std::unique_ptr<vision::FaceModel> model = vision::load_face_model(ao);
  const vision::FaceModel& analyzer = *model;

  const auto one = run(video, analyzer, 1, 0);  // interval from the rate: 10 frames at 25 fps
  const auto two = run(video, analyzer, 2, 0);
  ASSERT_EQ(one.frames_analysed, 75);
  ASSERT_EQ(one.tracks.size(), 1u);
  ASSERT_EQ(one.tracks[0].observations.size(), 75u);
  ASSERT_EQ(two.frames_analysed, one.frames_analysed);
  ASSERT_EQ(two.tracks.size(), 1u);
  ASSERT_EQ(two.tracks[0].observations.size(), 75u);
  for (std::size_t i = 0; i < 75; ++i) {
    const auto& a = one.tracks[0].observations[i];
    const auto& b = two.tracks[0].observations[i];
    EXPECT_EQ(a.time, b.time);
    EXPECT_EQ(a.x0, b.x0);
    EXPECT_EQ(a.probabilities, b.probabilities);
  }

  // Detection on every frame: same single track; boxes within a few pixels on this still speaker.
  const auto every = run(video, analyzer, 1, 1);
  ASSERT_EQ(every.tracks.size(), 1u);
  ASSERT_EQ(every.tracks[0].observations.size(), 75u);
  double max_dx = 0;
  for (std::size_t i = 0; i < 75; ++i)
    max_dx = std::max<double>(max_dx, std::abs(every.tracks[0].observations[i].x0 - one.tracks[0].observations[i].x0));
  EXPECT_LT(max_dx, 8.0);
  EXPECT_EQ(every.tracks[0].dominant_label, one.tracks[0].dominant_label);
}

// All frames of a clip at 25 frames/s.
std::vector<media::VideoFrame> frames_of(const std::filesystem::path& video) {
  media::VideoReadOptions read;
  read.fps = 25.0;
  media::VideoReader reader(video.string(), read);
  std::vector<media::VideoFrame> out;
  media::VideoFrame frame;
  while (reader.next(frame)) out.push_back(frame);
  return out;
}

// A GRID speaker cross-fades into another in the same place, no cut (the picture changes a little on every
// frame): the mesh follows the face from one person into the other, and only a fresh identity description
// tells them apart. Returns the IDs of the tracks that hold both people.
std::vector<int> mixed_tracks_over_a_fade(const vision::FaceModel& model, const std::filesystem::path& first,
                                          const std::filesystem::path& second) {
  const auto a = frames_of(first), b = frames_of(second);
  constexpr std::size_t kBefore = 40, kFade = 12, kAfter = 35;  // 1.6 s, 0.48 s, 1.4 s at 25 fps
  EXPECT_GE(a.size(), kBefore + kFade);
  EXPECT_GE(b.size(), kFade + kAfter);
  if (a.empty() || b.empty() || a[0].width != b[0].width || a[0].height != b[0].height) {
    ADD_FAILURE() << "clips of different sizes: " << first << ", " << second;
    return {};
  }
  analysis::FaceAnalysisOptions o;
  o.fps = 25.0;
  analysis::FaceStream stream(model, o);
  double t = 0;
  for (std::size_t k = 0; k < kBefore + kFade + kAfter; ++k, t += 0.04) {
    const media::VideoFrame& fa = a[std::min(k, a.size() - 1)];
    const media::VideoFrame& fb = b[std::min(k < kBefore ? 0 : k - kBefore, b.size() - 1)];
    std::vector<std::uint8_t> rgb = fa.rgb;
    if (k >= kBefore) {
      const double w = std::min(1.0, static_cast<double>(k - kBefore + 1) / (kFade + 1));
      for (std::size_t i = 0; i < rgb.size(); ++i)
        rgb[i] = static_cast<std::uint8_t>(std::lround((1 - w) * fa.rgb[i] + w * fb.rgb[i]));
    }
    stream.push(rgb.data(), fa.width, fa.height, t);
  }
  const double fade_start = 0.04 * kBefore, fade_end = 0.04 * (kBefore + kFade);
  std::vector<int> mixed;
  for (const auto& track : stream.result().tracks) {
    bool before = false, after = false;
    for (const auto& obs : track.observations) {
      before = before || obs.time < fade_start;
      after = after || obs.time >= fade_end;
    }
    if (before && after) mixed.push_back(track.id);
  }
  return mixed;
}

TEST(FaceAnalysisData, ACrossFadeToAnotherPersonStartsANewTrack) {
  if (!std::filesystem::exists(kModels / "faceres.json"))
    GTEST_SKIP() << "skipped: face models not found in " << kModels << " (run scripts/setup)";
  SENTIO_REQUIRE_SHARED(grid, "data/video/grid");
  vision::FaceModelOptions ao;
  ao.model_dir = kModels.string();
  const std::unique_ptr<vision::FaceModel> model = vision::load_face_model(ao);
  const char* pairs[][2] = {{"bbaf2n", "lbbc2a"}, {"id2_vcd_swwp2s", "brbk7n"}, {"lbax4n", "sbia1a"},
                            {"swiz3n", "lwbsza"}, {"sbwe5n", "lrwp9a"}, {"brbk7n", "id2_vcd_swwp2s"}};
  for (const auto& p : pairs) {
    const auto mixed = mixed_tracks_over_a_fade(*model, grid / (std::string(p[0]) + ".mpg"), grid / (std::string(p[1]) + ".mpg"));
    EXPECT_TRUE(mixed.empty()) << p[0] << " -> " << p[1] << ": track " << (mixed.empty() ? 0 : mixed[0]) << " holds both people";
  }
}

}  // namespace
