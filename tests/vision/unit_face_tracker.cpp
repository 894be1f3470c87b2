// SPDX-License-Identifier: Apache-2.0
// Face tracker on synthetic sequences: textured squares ("faces") drawn into RGB frames, detections with
// appearance descriptors computed from the drawn frames. Crossing paths, occlusions, entries, smoothing,
// the assignment solver and the appearance descriptor.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "sentio/vision/face_tracker.hpp"

namespace {

using namespace sentio::vision;

constexpr int kW = 480, kH = 240;

// A face: a square with a fixed 6x6 block texture (grey levels from its seed), at centre (cx, cy).
struct Sprite {
  float cx = 0, cy = 0, side = 60;
  unsigned seed = 1;
};

std::vector<std::uint8_t> render(const std::vector<Sprite>& sprites) {
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(kW * kH * 3), 128);
  for (const Sprite& s : sprites) {  // later sprites are drawn on top
    std::mt19937 rng(s.seed);
    std::uniform_int_distribution<int> level(20, 235);
    int tex[6][6];
    for (auto& row : tex)
      for (int& t : row) t = level(rng);
    const int x0 = static_cast<int>(std::lround(s.cx - s.side / 2)), y0 = static_cast<int>(std::lround(s.cy - s.side / 2));
    const int n = static_cast<int>(s.side);
    for (int y = std::max(0, y0); y < std::min(kH, y0 + n); ++y)
      for (int x = std::max(0, x0); x < std::min(kW, x0 + n); ++x) {
        const auto g = static_cast<std::uint8_t>(tex[(y - y0) * 6 / n][(x - x0) * 6 / n]);
        std::uint8_t* p = &rgb[static_cast<std::size_t>((y * kW + x) * 3)];
        p[0] = p[1] = p[2] = g;
      }
  }
  return rgb;
}

FaceBox box_of(const Sprite& s) { return {s.cx - s.side / 2, s.cy - s.side / 2, s.cx + s.side / 2, s.cy + s.side / 2}; }

// Detections of the visible sprites (in the given order) with descriptors from the rendered frame.
std::vector<TrackerDetection> detect(const std::vector<Sprite>& drawn, const std::vector<Sprite>& visible) {
  const auto rgb = render(drawn);
  std::vector<TrackerDetection> out;
  for (const Sprite& s : visible) {
    TrackerDetection d;
    d.box = box_of(s);
    d.expression = {1, 0, 0, 0, 0, 0, 0};
    d.appearance = appearance_descriptor(rgb.data(), kW, kH, d.box, 0.0f);
    out.push_back(std::move(d));
  }
  return out;
}

// ID of the track matched to detection `j` this frame (-1 if none or tentative).
int id_of(const std::vector<TrackedFace>& tracks, int j) {
  for (const TrackedFace& t : tracks)
    if (t.detection == j) return t.id;
  return -2;
}

float overlap(const Sprite& a, const Sprite& b) {
  const float w = std::max(0.0f, a.side - std::abs(a.cx - b.cx)), h = std::max(0.0f, a.side - std::abs(a.cy - b.cy));
  const float inter = w * h;
  return inter / (2 * a.side * a.side - inter);
}

TEST(AppearanceDescriptor, NormalisedAndDiscriminative) {
  const Sprite a{100, 100, 60, 1}, b{300, 100, 60, 2};
  const auto rgb = render({a, b});
  const auto da = appearance_descriptor(rgb.data(), kW, kH, box_of(a), 0.0f);
  const auto db = appearance_descriptor(rgb.data(), kW, kH, box_of(b), 0.0f);
  ASSERT_EQ(da.size(), static_cast<std::size_t>(kAppearanceSide * kAppearanceSide));
  EXPECT_NEAR(std::accumulate(da.begin(), da.end(), 0.0), 0.0, 1e-4);
  EXPECT_NEAR(std::inner_product(da.begin(), da.end(), da.begin(), 0.0), 1.0, 1e-4);
  EXPECT_NEAR(appearance_similarity(da, da), 1.0f, 1e-5);
  EXPECT_LT(appearance_similarity(da, db), 0.5f);
  // The same face elsewhere, larger, and with a slightly loose box: still similar.
  const Sprite a2{320, 130, 90, 1};
  const auto rgb2 = render({a2});
  FaceBox loose = box_of(a2);
  loose.x0 += 4;
  loose.x1 += 4;
  EXPECT_GT(appearance_similarity(da, appearance_descriptor(rgb2.data(), kW, kH, loose, 0.0f)), 0.8f);
  // A flat grey patch carries no appearance.
  const auto grey = render({});
  EXPECT_TRUE(appearance_descriptor(grey.data(), kW, kH, box_of(a), 0.0f).empty());
  EXPECT_EQ(appearance_similarity({}, da), 0.0f);
}

TEST(HungarianAssignment, MatchesBruteForce) {
  // Hand case: the greedy choice (0,0)=1 would force (1,1)=10; optimum is 2 + 3.
  EXPECT_EQ(hungarian_assignment({1, 2, 3, 10}, 2, 2), (std::vector<int>{1, 0}));
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0, 10);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t rows = 1 + trial % 4, cols = 1 + (trial / 4) % 4;
    std::vector<double> c(rows * cols);
    for (double& x : c) x = std::floor(u(rng));
    const auto got = hungarian_assignment(c, rows, cols);
    double got_cost = 0;
    std::vector<int> seen(cols, 0);
    int assigned = 0;
    for (std::size_t i = 0; i < rows; ++i)
      if (got[i] >= 0) {
        got_cost += c[i * cols + static_cast<std::size_t>(got[i])];
        ++seen[static_cast<std::size_t>(got[i])];
        ++assigned;
      }
    EXPECT_EQ(assigned, static_cast<int>(std::min(rows, cols)));
    for (int s : seen) EXPECT_LE(s, 1);
    // Brute force over permutations of the larger side.
    const std::size_t n = std::max(rows, cols);
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    double best = std::numeric_limits<double>::infinity();
    do {
      double s = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (i < rows && perm[i] < cols) s += c[i * cols + perm[i]];
      best = std::min(best, s);
    } while (std::next_permutation(perm.begin(), perm.end()));
    EXPECT_NEAR(got_cost, best, 1e-9) << rows << "x" << cols;
  }
}

// Two faces walk towards each other along the same row and pass; while they overlap, the one behind
// (a) is not detected. Both keep their IDs.
TEST(FaceTracker, CrossingPathsKeepIds) {
  FaceTracker tracker;
  int id_a = -1, id_b = -1;
  for (int f = 0; f < 36; ++f) {
    const Sprite a{60.0f + 10.0f * static_cast<float>(f), 120, 60, 3};
    const Sprite b{420.0f - 10.0f * static_cast<float>(f), 120, 60, 4};
    const bool a_hidden = overlap(a, b) > 0.3f;
    const auto dets = detect({a, b}, a_hidden ? std::vector<Sprite>{b} : std::vector<Sprite>{a, b});
    const auto& tracks = tracker.update(dets);
    if (f == 2) {
      id_a = id_of(tracks, 0);
      id_b = id_of(tracks, 1);
      ASSERT_GT(id_a, 0);
      ASSERT_GT(id_b, 0);
      ASSERT_NE(id_a, id_b);
    } else if (f > 2) {
      if (a_hidden) {
        EXPECT_EQ(id_of(tracks, 0), id_b) << "frame " << f;
      } else {
        EXPECT_EQ(id_of(tracks, 0), id_a) << "frame " << f;
        EXPECT_EQ(id_of(tracks, 1), id_b) << "frame " << f;
      }
    }
  }
  EXPECT_EQ(tracker.tracks().size(), 2u);
}

// Two faces approach, touch (boxes overlapping by a third) and walk back the way they came. Constant-
// velocity prediction alone expects them to continue and would swap the IDs; appearance keeps them.
std::vector<std::pair<int, int>> bounce_ids(const FaceTrackerOptions& options) {
  FaceTracker tracker(options);
  std::vector<std::pair<int, int>> ids;
  float xa = 150, xb = 330;
  float va = 20, vb = -20;
  for (int f = 0; f < 14; ++f) {
    const Sprite a{xa, 120, 60, 5}, b{xb, 120, 60, 6};
    const auto& tracks = tracker.update(detect({a, b}, {a, b}));
    ids.emplace_back(id_of(tracks, 0), id_of(tracks, 1));
    if (xb - xa <= 40) {
      va = -20;
      vb = 20;
    }
    xa += va;
    xb += vb;
  }
  return ids;
}

TEST(FaceTracker, AppearanceKeepsIdsWhenMotionMisleads) {
  const auto with = bounce_ids({});
  ASSERT_GT(with[2].first, 0);
  for (std::size_t f = 2; f < with.size(); ++f) {
    EXPECT_EQ(with[f].first, with[2].first) << "frame " << f;
    EXPECT_EQ(with[f].second, with[2].second) << "frame " << f;
  }
  // Control: geometry only swaps them after the turn (this is what the appearance term prevents).
  FaceTrackerOptions geometry_only;
  geometry_only.w_appearance = 0.0f;
  const auto without = bounce_ids(geometry_only);
  bool swapped = false;
  for (std::size_t f = 2; f < without.size(); ++f) swapped |= without[f].first == with[2].second;
  EXPECT_TRUE(swapped);
}

TEST(FaceTracker, ShortOcclusionKeepsIdLongOneGetsANewId) {
  FaceTracker tracker;  // max_missed 25
  const Sprite a{200, 120, 70, 7};
  int id = -1;
  int frame = 0;
  const auto run = [&](int n, bool visible) {
    for (int i = 0; i < n; ++i, ++frame) {
      const auto& tracks = tracker.update(visible ? detect({a}, {a}) : std::vector<TrackerDetection>{});
      if (visible && i == n - 1) id = id_of(tracks, 0);
    }
  };
  run(10, true);
  const int first = id;
  EXPECT_EQ(first, 1);
  run(5, false);
  ASSERT_EQ(tracker.tracks().size(), 1u);
  EXPECT_EQ(tracker.tracks()[0].missed, 5);
  EXPECT_EQ(tracker.tracks()[0].detection, -1);
  run(1, true);
  EXPECT_EQ(id, first);  // back after 5 frames: same ID at once
  run(50, false);
  EXPECT_TRUE(tracker.tracks().empty());  // deleted after max_missed
  run(3, true);
  EXPECT_EQ(id, 2);  // a new track, confirmed after min_hits = 3
}

// A unit identity description along axis k (and a little of axis k + 1, so it is not a bare basis vector).
std::vector<float> identity_along(int k) {
  std::vector<float> v(8, 0.0f);
  v[static_cast<std::size_t>(k)] = 0.96f;
  v[static_cast<std::size_t>(k + 1) % 8] = 0.28f;
  return v;
}

std::vector<TrackerDetection> with_identity(std::vector<TrackerDetection> d, int k) {
  for (auto& x : d) x.identity = identity_along(k);
  return d;
}

TEST(FaceTracker, ACutToAnotherPersonInTheSamePlaceStartsANewTrack) {
  const Sprite a{200, 120, 70, 7};
  FaceTracker tracker;
  for (int i = 0; i < 5; ++i) tracker.update(with_identity(detect({a}, {a}), 0));
  EXPECT_EQ(id_of(tracker.tracks(), 0), 1);
  // Same place, same look, another identity carried over from an earlier frame: within a shot geometry
  // wins...
  FaceTracker within = tracker;
  auto carried = with_identity(detect({a}, {a}), 3);
  carried[0].identity_fresh = false;
  EXPECT_EQ(id_of(within.update(carried), 0), 1);
  // ...after a cut the identity gate keeps the new person out of the old track.
  EXPECT_EQ(id_of(tracker.update(with_identity(detect({a}, {a}), 3), true), 0), -1);  // tentative
  tracker.update(with_identity(detect({a}, {a}), 3));
  EXPECT_EQ(id_of(tracker.update(with_identity(detect({a}, {a}), 3)), 0), 2);
  EXPECT_EQ(tracker.tracks().size(), 1u);  // the cut ended the first person's track
  // The first person comes back after a cut: a new track, which gets the first ID back when confirmed.
  EXPECT_EQ(id_of(tracker.update(with_identity(detect({a}, {a}), 0), true), 0), -1);
  tracker.update(with_identity(detect({a}, {a}), 0));
  EXPECT_EQ(id_of(tracker.update(with_identity(detect({a}, {a}), 0)), 0), 1);
}

// A unit description at cosine `c` from identity_along(0), towards identity_along(3).
std::vector<float> identity_at(float c) {
  const std::vector<float> v = identity_along(0), w = identity_along(3);  // orthogonal unit vectors
  const float s = std::sqrt(1.0f - c * c);
  std::vector<float> out(v.size());
  for (std::size_t k = 0; k < v.size(); ++k) out[k] = c * v[k] + s * w[k];
  return out;
}

TEST(FaceTracker, SomeoneTakingThePlaceWithoutACutStartsANewTrack) {
  const Sprite a{200, 120, 70, 7};
  FaceTracker tracker;
  for (int i = 0; i < 5; ++i) tracker.update(with_identity(detect({a}, {a}), 0));
  ASSERT_EQ(id_of(tracker.tracks(), 0), 1);
  // A fresh description of the same person with another expression (0.7 >= min_identity_similarity_in_shot)
  // keeps the track, and does not move its description: 0.7 again still matches afterwards.
  for (int i = 0; i < 4; ++i) {
    auto d = detect({a}, {a});
    d[0].identity = identity_at(0.7f);
    EXPECT_EQ(id_of(tracker.update(d), 0), 1);
  }
  // A fresh description of someone else (0.3) in the same place, same look, no cut: the old track ends
  // and the newcomer gets a track of their own.
  auto other = detect({a}, {a});
  other[0].identity = identity_at(0.3f);
  EXPECT_EQ(id_of(tracker.update(other), 0), -1);  // tentative
  EXPECT_EQ(tracker.tracks().size(), 1u);           // the first person's track ended
  tracker.update(other);
  EXPECT_EQ(id_of(tracker.update(other), 0), 2);
}

TEST(FaceTracker, SomeoneElseNearAMissedFaceDoesNotEndItsTrack) {
  const Sprite a{200, 120, 70, 7}, beside{255, 120, 70, 9};  // within the centre gate, IoU < 0.3
  FaceTracker tracker;
  for (int i = 0; i < 5; ++i) tracker.update(with_identity(detect({a}, {a}), 0));
  ASSERT_EQ(id_of(tracker.tracks(), 0), 1);
  // A is not detected for a frame while someone else (a fresh, different description) stands beside.
  tracker.update(with_identity(detect({beside}, {beside}), 3));
  bool coasting = false;
  for (const TrackedFace& t : tracker.tracks()) coasting = coasting || (t.id == 1 && t.missed == 1);
  EXPECT_TRUE(coasting);
  EXPECT_EQ(id_of(tracker.update(with_identity(detect({a}, {a}), 0)), 0), 1);
}

TEST(FaceTracker, APersonReturningAfterTheirTrackEndedGetsTheirIdBack) {
  const Sprite a{200, 120, 70, 7}, b{300, 120, 70, 9};
  FaceTrackerOptions o;
  o.max_missed = 3;
  FaceTracker tracker(o);
  for (int i = 0; i < 4; ++i) tracker.update(with_identity(detect({a}, {a}), 0));
  for (int i = 0; i < 5; ++i) tracker.update({});  // track 1 ends
  ASSERT_TRUE(tracker.tracks().empty());
  for (int i = 0; i < 3; ++i) tracker.update(with_identity(detect({b}, {b}), 5));
  EXPECT_EQ(id_of(tracker.tracks(), 0), 2);  // someone else: a new ID
  for (int i = 0; i < 5; ++i) tracker.update({});
  int id = -1;
  for (int i = 0; i < 3; ++i) id = id_of(tracker.update(with_identity(detect({b}, {b}), 0)), 0);
  EXPECT_EQ(id, 1);  // the first person again (their description), wherever they appear
  for (int i = 0; i < 3; ++i) id = id_of(tracker.update(detect({a}, {a})), 0);
  EXPECT_NE(id, 1);  // without a description nobody is re-identified
}

TEST(FaceTracker, EnteringFaceGetsNewIdAfterMinHits) {
  FaceTracker tracker;
  const Sprite a{120, 120, 60, 8};
  for (int f = 0; f < 10; ++f) tracker.update(detect({a}, {a}));
  const Sprite b{380, 110, 64, 9};
  auto tracks = tracker.update(detect({a, b}, {a, b}));
  EXPECT_EQ(id_of(tracks, 0), 1);
  EXPECT_EQ(id_of(tracks, 1), -1);  // tentative
  tracks = tracker.update(detect({a, b}, {a, b}));
  EXPECT_EQ(id_of(tracks, 1), -1);
  tracks = tracker.update(detect({a, b}, {a, b}));
  EXPECT_EQ(id_of(tracks, 0), 1);
  EXPECT_EQ(id_of(tracks, 1), 2);
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0].id, 1);  // sorted by ID
  EXPECT_EQ(tracks[1].first_frame, 10);
  // A single spurious detection dies while tentative and consumes no ID.
  const Sprite ghost{300, 40, 40, 10};
  tracker.update(detect({a, b, ghost}, {a, b, ghost}));
  tracks = tracker.update(detect({a, b}, {a, b}));
  EXPECT_EQ(tracks.size(), 2u);
  for (int f = 0; f < 3; ++f) tracks = tracker.update(detect({a, b, ghost}, {a, b, ghost}));
  EXPECT_EQ(id_of(tracks, 2), 3);
}

TEST(FaceTracker, ExponentialSmoothing) {
  FaceTrackerOptions o;
  o.min_hits = 1;
  o.smoothing = 0.4f;
  FaceTracker tracker(o);
  TrackerDetection d;
  d.box = {100, 100, 160, 160};
  d.expression = {1, 0, 0, 0, 0, 0, 0};  // neutral
  FacialCues c;
  c.mouth_opening = 0.0f;
  c.pose.yaw = 10.0f;
  c.eye_left = c.eye_right = 0.3f;
  d.cues = c;
  auto tracks = tracker.update({d});
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].id, 1);
  EXPECT_FLOAT_EQ(tracks[0].expression[0], 1.0f);  // the first observation initialises
  d.expression = {0, 1, 0, 0, 0, 0, 0};            // happiness
  c.mouth_opening = 1.0f;
  c.pose.yaw = 0.0f;
  d.cues = c;
  tracks = tracker.update({d});
  EXPECT_NEAR(tracks[0].expression[1], 0.4f, 1e-6);  // 0 + 0.4 (1 - 0)
  EXPECT_NEAR(tracks[0].expression[0], 0.6f, 1e-6);
  EXPECT_EQ(tracks[0].top, Expression::neutral);
  ASSERT_TRUE(tracks[0].cues.has_value());
  EXPECT_NEAR(tracks[0].cues->mouth_opening, 0.4f, 1e-6);
  EXPECT_NEAR(tracks[0].cues->pose.yaw, 6.0f, 1e-5);  // 10 + 0.4 (0 - 10)
  tracks = tracker.update({d});
  EXPECT_NEAR(tracks[0].expression[1], 0.64f, 1e-6);  // 0.4 + 0.4 (1 - 0.4)
  EXPECT_NEAR(tracks[0].cues->mouth_opening, 0.64f, 1e-6);
  EXPECT_EQ(tracks[0].top, Expression::happiness);
  const Affect a = circumplex_affect(tracks[0].expression);
  EXPECT_FLOAT_EQ(tracks[0].valence, a.valence);
  float sum = 0;
  for (float p : tracks[0].expression) sum += p;
  EXPECT_NEAR(sum, 1.0f, 1e-6);
  // Blinks come from the raw eye openings, not the smoothed ones: a one-frame dip to 0.1 counts.
  for (int i = 0; i < 5; ++i) tracks = tracker.update({d});
  c.eye_left = c.eye_right = 0.1f;
  d.cues = c;
  tracks = tracker.update({d});
  EXPECT_FALSE(tracks[0].blink);
  c.eye_left = c.eye_right = 0.3f;
  d.cues = c;
  tracks = tracker.update({d});
  EXPECT_TRUE(tracks[0].blink);
  EXPECT_EQ(tracks[0].blinks, 1);
}

TEST(FaceTracker, Deterministic) {
  const auto run = [] {
    FaceTracker t;
    std::vector<int> ids;
    for (int f = 0; f < 20; ++f) {
      const Sprite a{100.0f + 8.0f * static_cast<float>(f), 120, 60, 12}, b{380.0f - 8.0f * static_cast<float>(f), 118, 60, 13};
      for (const TrackedFace& tr : t.update(detect({a, b}, {b, a}))) ids.push_back(tr.id * 10 + tr.detection);
    }
    return ids;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
