// SPDX-License-Identifier: Apache-2.0
// Facial cues on hand-built landmark sets: a synthetic face template with the cue landmarks at known
// positions (inter-ocular distance 100 px), rotated, scaled and moved; expected values computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/vision/facial_cues.hpp"

namespace {

using namespace sentio::vision;
namespace mi = sentio::vision::mesh_index;

constexpr double kPi = std::numbers::pi;

// Frontal template in face coordinates (x to the subject's left, y down, z away from the camera),
// pixels. Unused points sit at the origin.
std::vector<Point3> face_template() {
  std::vector<Point3> l(mi::kPointCount, Point3{0, 0, 0});
  l[mi::right_eye_outer] = {-50, 0, 0};
  l[mi::right_eye_inner] = {-18, 1, 2};
  l[mi::left_eye_outer] = {50, 0, 0};
  l[mi::left_eye_inner] = {18, 1, 2};
  l[mi::right_eye_upper_a] = {-40, -5, -1};
  l[mi::right_eye_upper_b] = {-28, -5, -1};
  l[mi::right_eye_lower_a] = {-40, 5, -1};
  l[mi::right_eye_lower_b] = {-28, 5, -1};
  l[mi::right_eye_upper_mid] = {-34, -5, -1};
  l[mi::right_eye_lower_mid] = {-34, 5, -1};
  l[mi::left_eye_upper_a] = {40, -5, -1};
  l[mi::left_eye_upper_b] = {28, -5, -1};
  l[mi::left_eye_lower_a] = {40, 5, -1};
  l[mi::left_eye_lower_b] = {28, 5, -1};
  l[mi::left_eye_upper_mid] = {34, -5, -1};
  l[mi::left_eye_lower_mid] = {34, 5, -1};
  l[mi::right_brow] = {-34, -28, -8};
  l[mi::left_brow] = {34, -28, -8};
  // The forehead -> subnasale axis leans towards the camera at the bottom by the frontal-axis angle,
  // as FaceMesh's does on a frontal face, so this template has zero pose.
  const float lean = static_cast<float>(std::tan(kFrontalAxisPitchDeg * kPi / 180.0));
  l[mi::forehead_top] = {0, -70, -10};
  l[mi::subnasale] = {0, 50, -10 - 120 * lean};
  l[mi::nose_tip] = {0, 35, -30};
  l[mi::chin] = {0, 110, 0};
  l[mi::upper_lip_inner] = {0, 70, -12};
  l[mi::lower_lip_inner] = {0, 72, -12};
  l[mi::mouth_right] = {-27, 72, -5};
  l[mi::mouth_left] = {27, 72, -5};
  return l;
}

// p' = s * Rz(roll) Ry(-yaw) Rx(-pitch) p + t (degrees; the composition documented in facial_cues.hpp).
std::vector<Point3> pose_mesh(std::vector<Point3> l, double yaw, double pitch, double roll, double scale = 1.0,
                              double tx = 0, double ty = 0) {
  const double a = -pitch * kPi / 180, b = -yaw * kPi / 180, g = roll * kPi / 180;
  for (Point3& p : l) {
    double x = p.x, y = p.y, z = p.z;
    // Rx(a)
    double y1 = std::cos(a) * y - std::sin(a) * z, z1 = std::sin(a) * y + std::cos(a) * z;
    y = y1;
    z = z1;
    // Ry(b)
    double x2 = std::cos(b) * x + std::sin(b) * z, z2 = -std::sin(b) * x + std::cos(b) * z;
    x = x2;
    z = z2;
    // Rz(g)
    double x3 = std::cos(g) * x - std::sin(g) * y, y3 = std::sin(g) * x + std::cos(g) * y;
    p = {static_cast<float>(scale * x3 + tx), static_cast<float>(scale * y3 + ty), static_cast<float>(scale * z)};
  }
  return l;
}

TEST(FacialCues, TemplateValuesByHand) {
  const FacialCues c = compute_facial_cues(face_template());
  EXPECT_NEAR(c.inter_ocular_px, 100.0f, 1e-4);
  EXPECT_NEAR(c.mouth_opening, 0.02f, 1e-5);            // |72 - 70| / 100
  EXPECT_NEAR(c.lip_corner_lift, -0.01f, 1e-5);         // (71 - 72) / 100
  EXPECT_NEAR(c.mouth_width, 0.54f, 1e-5);              // 54 / 100
  EXPECT_NEAR(c.brow_right, 0.285f, 1e-5);              // (0.5 + 28) / 100
  EXPECT_NEAR(c.brow_left, 0.285f, 1e-5);
  const double ear = 20.0 / (2.0 * std::sqrt(32.0 * 32.0 + 1.0 + 4.0));  // (10 + 10) / (2 |33 - 133|)
  EXPECT_NEAR(c.eye_right, ear, 1e-5);
  EXPECT_NEAR(c.eye_left, ear, 1e-5);
  EXPECT_NEAR(c.pose.yaw, 0.0f, 1e-3);
  EXPECT_NEAR(c.pose.pitch, 0.0f, 1e-3);
  EXPECT_NEAR(c.pose.roll, 0.0f, 1e-3);
}

TEST(FacialCues, OpenMouthAndSmile) {
  const FacialCues neutral = compute_facial_cues(face_template());
  auto open = face_template();
  open[mi::lower_lip_inner].y = 102;  // jaw drop of 30 px
  const FacialCues o = compute_facial_cues(open);
  EXPECT_NEAR(o.mouth_opening, 0.32f, 1e-5);
  EXPECT_GT(o.mouth_opening, 10 * neutral.mouth_opening);

  auto smile = face_template();
  smile[mi::mouth_right] = {-32, 64, -4};
  smile[mi::mouth_left] = {32, 64, -4};
  const FacialCues s = compute_facial_cues(smile);
  EXPECT_NEAR(s.lip_corner_lift, 0.07f, 1e-5);  // (71 - 64) / 100
  EXPECT_NEAR(s.mouth_width, 0.64f, 1e-5);
  EXPECT_GT(s.lip_corner_lift, neutral.lip_corner_lift);

  auto brows = face_template();
  brows[mi::left_brow].y = -38;  // left brow raised by 10 px
  const FacialCues b = compute_facial_cues(brows);
  EXPECT_NEAR(b.brow_left, 0.385f, 1e-5);
  EXPECT_NEAR(b.brow_right, 0.285f, 1e-5);

  auto shut = face_template();
  for (std::size_t i : {mi::right_eye_upper_a, mi::right_eye_upper_b, mi::right_eye_lower_a, mi::right_eye_lower_b})
    shut[i].y = 0.5f;
  const FacialCues e = compute_facial_cues(shut);
  EXPECT_LT(e.eye_right, 0.01f);
  EXPECT_NEAR(e.eye_left, neutral.eye_left, 1e-6);
}

TEST(FacialCues, InnerBrowsByHandAndUnderPose) {
  auto l = face_template();
  l[mi::right_brow_inner] = {-15, -22, -6};
  l[mi::left_brow_inner] = {15, -22, -6};
  const InnerBrows b = compute_inner_brows(l);
  EXPECT_NEAR(b.raise_right, 0.23f, 1e-5);  // (1 + 22) / 100 along the face's vertical axis
  EXPECT_NEAR(b.raise_left, 0.23f, 1e-5);
  EXPECT_NEAR(b.gap, 0.30f, 1e-5);  // 30 / 100
  // Sadness-like: inner ends raised by 6 px; anger-like: lowered by 6 px and drawn 5 px closer each.
  auto sad = l;
  sad[mi::right_brow_inner].y = sad[mi::left_brow_inner].y = -28;
  EXPECT_NEAR(compute_inner_brows(sad).raise_left, 0.29f, 1e-5);
  auto frown = l;
  frown[mi::right_brow_inner] = {-10, -16, -6};
  frown[mi::left_brow_inner] = {10, -16, -6};
  const InnerBrows f = compute_inner_brows(frown);
  EXPECT_NEAR(f.raise_right, 0.17f, 1e-5);
  EXPECT_NEAR(f.gap, 0.20f, 1e-5);
  // Unchanged by roll, scale and position.
  const InnerBrows p = compute_inner_brows(pose_mesh(l, 0, 0, 18.0, 1.7, 120, 80));
  EXPECT_NEAR(p.raise_right, b.raise_right, 1e-4);
  EXPECT_NEAR(p.gap, b.gap, 1e-4);
  EXPECT_THROW(compute_inner_brows(std::vector<Point3>(10)), sentio::InputError);
}

TEST(FacialCues, RollRecoveredAndCuesInvariant) {
  const FacialCues ref = compute_facial_cues(face_template());
  for (double roll : {-40.0, -12.5, 7.0, 25.0}) {
    const FacialCues c = compute_facial_cues(pose_mesh(face_template(), 0, 0, roll, 2.5, 300, 200));
    EXPECT_NEAR(c.pose.roll, roll, 1e-2) << roll;
    EXPECT_NEAR(c.pose.yaw, 0.0, 1e-2) << roll;
    EXPECT_NEAR(c.pose.pitch, 0.0, 1e-2) << roll;
    EXPECT_NEAR(c.inter_ocular_px, 250.0f, 1e-2);
    // Normalised cues do not change with roll, scale or position.
    EXPECT_NEAR(c.mouth_opening, ref.mouth_opening, 1e-4);
    EXPECT_NEAR(c.lip_corner_lift, ref.lip_corner_lift, 1e-4);
    EXPECT_NEAR(c.brow_left, ref.brow_left, 1e-4);
    EXPECT_NEAR(c.eye_right, ref.eye_right, 1e-4);
  }
}

TEST(FacialCues, YawPitchAndCombinedPoses) {
  const FacialCues ref = compute_facial_cues(face_template());
  // Yaw > 0 turns the face to the image's right: the nose tip moves right of the eye midpoint.
  const auto turned = pose_mesh(face_template(), 30, 0, 0);
  EXPECT_GT(turned[mi::nose_tip].x, 0.0f);
  const struct {
    double yaw, pitch, roll;
  } poses[] = {{30, 0, 0}, {-45, 0, 0}, {0, 20, 0}, {0, -25, 0}, {25, -10, 8}, {-15, 15, -20}};
  for (const auto& p : poses) {
    const FacialCues c = compute_facial_cues(pose_mesh(face_template(), p.yaw, p.pitch, p.roll, 0.8, 50, 60));
    EXPECT_NEAR(c.pose.yaw, p.yaw, 1e-2) << p.yaw << " " << p.pitch << " " << p.roll;
    EXPECT_NEAR(c.pose.pitch, p.pitch, 1e-2) << p.yaw << " " << p.pitch << " " << p.roll;
    EXPECT_NEAR(c.pose.roll, p.roll, 1e-2) << p.yaw << " " << p.pitch << " " << p.roll;
    // 3D distances in the face frame: cues unchanged by the rotation.
    EXPECT_NEAR(c.mouth_width, ref.mouth_width, 1e-4);
    EXPECT_NEAR(c.lip_corner_lift, ref.lip_corner_lift, 1e-4);
    EXPECT_NEAR(c.brow_right, ref.brow_right, 1e-4);
  }
  const HeadPose hp = compute_head_pose(pose_mesh(face_template(), 20, 10, 5));
  EXPECT_NEAR(hp.yaw, 20.0f, 1e-2);
  EXPECT_NEAR(hp.pitch, 10.0f, 1e-2);
  EXPECT_NEAR(hp.roll, 5.0f, 1e-2);
}

TEST(FacialCues, BadMeshesThrow) {
  EXPECT_THROW(compute_facial_cues(std::vector<Point3>(10)), sentio::InputError);
  EXPECT_THROW(compute_facial_cues(std::vector<Point3>(mi::kPointCount)), sentio::InputError);  // all at one point
  auto nan_mesh = face_template();
  nan_mesh[5].x = std::nanf("");
  EXPECT_THROW(compute_facial_cues(nan_mesh), sentio::InputError);
}

TEST(BlinkDetector, ShortDipsAreBlinksLongOnesAreNot) {
  BlinkDetector d;
  int blink_frames = 0;
  std::vector<int> at;
  int frame = 0;
  const auto feed = [&](float ear, int n) {
    for (int i = 0; i < n; ++i, ++frame)
      if (d.push(ear)) {
        ++blink_frames;
        at.push_back(frame);
      }
  };
  feed(0.30f, 20);
  EXPECT_NEAR(d.baseline(), 0.30f, 1e-6);
  EXPECT_NEAR(d.threshold(), 0.225f, 1e-6);
  feed(0.10f, 3);  // frames 20-22 shut
  EXPECT_TRUE(d.closed());
  feed(0.30f, 10);  // reopens at frame 23
  feed(0.12f, 1);   // one-frame blink (frame 33), reopening at 34
  feed(0.30f, 10);
  feed(0.05f, 12);  // a 12-frame closure: not a blink
  feed(0.30f, 10);
  feed(0.10f, 8);   // 8 frames: still a blink (the longest accepted)
  feed(0.30f, 5);
  ASSERT_EQ(at.size(), 3u);
  EXPECT_EQ(at[0], 23);
  EXPECT_EQ(at[1], 34);
  EXPECT_EQ(at[2], 20 + 3 + 10 + 1 + 10 + 12 + 10 + 8);
  EXPECT_EQ(d.blinks(), 3);
  EXPECT_EQ(blink_frames, 3);
}

TEST(BlinkDetector, ThresholdAdaptsToThePerson) {
  // A narrow-eyed face (EAR 0.18 open, 0.09 shut): the fixed 0.2 rule of thumb would see one long
  // closure; the adaptive threshold (0.75 x baseline) sees the blink.
  BlinkDetector d;
  for (int i = 0; i < 30; ++i) d.push(0.18f + 0.005f * static_cast<float>(i % 3));
  EXPECT_NEAR(d.baseline(), 0.185f, 0.005f);
  bool seen = false;
  for (int i = 0; i < 2; ++i) seen |= d.push(0.09f);
  seen |= d.push(0.18f);
  EXPECT_TRUE(seen);
  EXPECT_EQ(d.blinks(), 1);
  // Non-finite values (frames without a mesh) are ignored.
  EXPECT_FALSE(d.push(std::nanf("")));
  d.reset();
  EXPECT_EQ(d.blinks(), 0);
}

}  // namespace
