// SPDX-License-Identifier: Apache-2.0
// The faces part of a stream (FaceStream) on a GRID clip: one track over every sampled frame, the same
// result with parallel faces (on a 2-thread executor) as with one thread, and the detection interval changes the
// observations only slightly. Needs the face models
// (.cache/models/human) and ../shared; skips without them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

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

}  // namespace
