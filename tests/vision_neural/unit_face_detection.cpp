// SPDX-License-Identifier: Apache-2.0
// BlazeFace post-processing on hand-made tensors: anchors, decoding, NMS.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "face/blazeface.hpp"

namespace {

using namespace sentio::vision::face;

TEST(FaceAnchors, BlazeFace256Layout) {
  const auto a = generate_anchors(kBlazeFace256Layers);
  ASSERT_EQ(a.size(), 896u);  // 16*16*2 + 8*8*6
  // First cell of the 16x16 grid, two anchors on the same centre.
  EXPECT_FLOAT_EQ(a[0].x, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[1].y, 0.5f / 16);
  // Cell (x=3, y=2): index (2*16 + 3)*2.
  EXPECT_FLOAT_EQ(a[(2 * 16 + 3) * 2].x, 3.5f / 16);
  EXPECT_FLOAT_EQ(a[(2 * 16 + 3) * 2].y, 2.5f / 16);
  // First anchor of the 8x8 layer, then the last one.
  EXPECT_FLOAT_EQ(a[512].x, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[517].y, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[895].x, 7.5f / 8);
  EXPECT_FLOAT_EQ(a[895].y, 7.5f / 8);
}

TEST(FaceDecode, BoxKeypointsAndScore) {
  const std::vector<Anchor> anchors = {{0.25f, 0.5f}, {0.75f, 0.5f}};
  std::vector<float> logits = {2.0f, -3.0f};  // sigmoid: 0.8808, 0.0474
  std::vector<float> regs(32, 0.0f);
  // anchor 0: centre shifted by (+8, -16) px of a 256 input, size 64 x 32 px, keypoint 0 at (+4, +4) px
  regs[0] = 8;
  regs[1] = -16;
  regs[2] = 64;
  regs[3] = 32;
  regs[4] = 4;
  regs[5] = 4;
  auto d = decode_detections(logits, regs, anchors, 256.0f, 0.5f);
  ASSERT_EQ(d.size(), 1u);
  const float cx = 0.25f + 8.0f / 256, cy = 0.5f - 16.0f / 256;
  EXPECT_NEAR(d[0].x0, cx - 32.0f / 256, 1e-6);
  EXPECT_NEAR(d[0].x1, cx + 32.0f / 256, 1e-6);
  EXPECT_NEAR(d[0].y0, cy - 16.0f / 256, 1e-6);
  EXPECT_NEAR(d[0].y1, cy + 16.0f / 256, 1e-6);
  EXPECT_NEAR(d[0].keypoints[0], 0.25f + 4.0f / 256, 1e-6);
  EXPECT_NEAR(d[0].keypoints[1], 0.5f + 4.0f / 256, 1e-6);
  EXPECT_NEAR(d[0].keypoints[2], 0.25f, 1e-6);  // zero regressor: at the anchor
  EXPECT_NEAR(d[0].score, 1.0f / (1.0f + std::exp(-2.0f)), 1e-6);
  // A threshold of 0.04 lets the second anchor through, but its box is degenerate (w = h = 0).
  EXPECT_EQ(decode_detections(logits, regs, anchors, 256.0f, 0.04f).size(), 1u);
  regs[16 + 2] = 10;
  regs[16 + 3] = 10;
  EXPECT_EQ(decode_detections(logits, regs, anchors, 256.0f, 0.04f).size(), 2u);
}

Detection box(float x0, float y0, float x1, float y1, float score) {
  Detection d;
  d.x0 = x0, d.y0 = y0, d.x1 = x1, d.y1 = y1, d.score = score;
  return d;
}

TEST(FaceNms, IoU) {
  // Two unit squares overlapping by half: inter 0.5, union 1.5.
  EXPECT_NEAR(iou(box(0, 0, 1, 1, 1), box(0.5f, 0, 1.5f, 1, 1)), 1.0f / 3.0f, 1e-6);
  EXPECT_EQ(iou(box(0, 0, 1, 1, 1), box(2, 2, 3, 3, 1)), 0.0f);
}

TEST(FaceNms, PlainKeepsBestOfEachCluster) {
  std::vector<Detection> c = {box(0, 0, 1, 1, 0.6f), box(0.05f, 0, 1.05f, 1, 0.9f), box(3, 3, 4, 4, 0.7f)};
  const auto k = non_max_suppression(c, 0.3f, false, 10);
  ASSERT_EQ(k.size(), 2u);
  EXPECT_FLOAT_EQ(k[0].score, 0.9f);
  EXPECT_FLOAT_EQ(k[0].x0, 0.05f);
  EXPECT_FLOAT_EQ(k[1].x0, 3.0f);
  EXPECT_EQ(non_max_suppression(c, 0.3f, false, 1).size(), 1u);
}

TEST(FaceNms, WeightedAveragesTheCluster) {
  // Scores 0.75 and 0.25 -> x0 = 0.75*0.1 + 0.25*0.0 = 0.075 (weights renormalised to sum 1).
  std::vector<Detection> c = {box(0.1f, 0, 1.1f, 1, 0.75f), box(0, 0, 1, 1, 0.25f)};
  const auto k = non_max_suppression(c, 0.3f, true, 10);
  ASSERT_EQ(k.size(), 1u);
  EXPECT_NEAR(k[0].x0, 0.075f, 1e-6);
  EXPECT_NEAR(k[0].x1, 1.075f, 1e-6);
  EXPECT_FLOAT_EQ(k[0].score, 0.75f);
}

}  // namespace
