// SPDX-License-Identifier: Apache-2.0
// Face tracker (docs/FACES.md, "Tracking"): gated geometry + appearance costs, Hungarian assignment,
// tentative -> confirmed -> missed -> deleted life cycle, exponential smoothing per track.
#include "sentio/vision/face_tracker.hpp"

#include <algorithm>
#include <cmath>

#include "sentio/core/error.hpp"

namespace sentio::vision {

namespace {

// Cost of pairs the gates rule out (kept finite for the assignment, rejected afterwards).
constexpr double kForbidden = 1e6;
// While a track is missed its velocity decays by this factor per frame, so a lost face does not drift far.
constexpr float kMissedVelocityDecay = 0.8f;
// A track's identity is the mean of at most this many descriptions (later ones still move it, by 1/cap).
constexpr int kIdentityCount = 50;
// Ended tracks remembered for re-identification.
constexpr std::size_t kMaxEnded = 64;
// A detection refused by identity that overlaps a track's predicted box this much has taken its place.
constexpr float kTakenPlaceIou = 0.3f;


float iou(const FaceBox& a, const FaceBox& b) {
  const float w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const float h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (w <= 0.0f || h <= 0.0f) return 0.0f;
  const float inter = w * h;
  const float uni = a.width() * a.height() + b.width() * b.height() - inter;
  return uni > 0.0f ? inter / uni : 0.0f;
}

float ema(float old_value, float new_value, float alpha) { return old_value + alpha * (new_value - old_value); }

FacialCues ema(const FacialCues& o, const FacialCues& n, float a) {
  FacialCues r;
  r.mouth_opening = ema(o.mouth_opening, n.mouth_opening, a);
  r.lip_corner_lift = ema(o.lip_corner_lift, n.lip_corner_lift, a);
  r.mouth_width = ema(o.mouth_width, n.mouth_width, a);
  r.brow_right = ema(o.brow_right, n.brow_right, a);
  r.brow_left = ema(o.brow_left, n.brow_left, a);
  r.eye_right = ema(o.eye_right, n.eye_right, a);
  r.eye_left = ema(o.eye_left, n.eye_left, a);
  r.pose.yaw = ema(o.pose.yaw, n.pose.yaw, a);
  r.pose.pitch = ema(o.pose.pitch, n.pose.pitch, a);
  r.pose.roll = ema(o.pose.roll, n.pose.roll, a);
  r.inter_ocular_px = ema(o.inter_ocular_px, n.inter_ocular_px, a);
  return r;
}

void normalise(std::vector<float>& v) {
  double e = 0;
  for (float x : v) e += static_cast<double>(x) * x;
  if (e <= 0) return;
  const float k = static_cast<float>(1.0 / std::sqrt(e));
  for (float& x : v) x *= k;
}

void set_expression(TrackedFace& t, const ExpressionProbs& p) {
  t.expression = p;
  t.top = static_cast<Expression>(std::max_element(p.begin(), p.end()) - p.begin());
  const Affect a = circumplex_affect(p);
  t.valence = a.valence;
  t.arousal = a.arousal;
}

}  // namespace

FaceTracker::FaceTracker(FaceTrackerOptions options) : options_(options) {
  SENTIO_ASSERT(options_.min_hits >= 1 && options_.max_missed >= 0);
  SENTIO_ASSERT(options_.smoothing > 0.0f && options_.smoothing <= 1.0f);
  SENTIO_ASSERT(options_.appearance_smoothing > 0.0f && options_.appearance_smoothing <= 1.0f);
  SENTIO_ASSERT(options_.velocity_smoothing >= 0.0f && options_.velocity_smoothing <= 1.0f);
  SENTIO_ASSERT(options_.max_centre_distance >= 0.0f && options_.max_cost > 0.0f);
}

void FaceTracker::reset() {
  states_.clear();
  tracks_.clear();
  frame_ = 0;
  next_serial_ = 0;
  next_id_ = 1;
  ended_.clear();
}

FaceBox FaceTracker::predicted_box(const State& s) const {
  FaceBox b = s.view.box;
  b.x0 += s.vx;
  b.x1 += s.vx;
  b.y0 += s.vy;
  b.y1 += s.vy;
  return b;
}

void FaceTracker::observe(State& s, const TrackerDetection& d, int index) {
  TrackedFace& t = s.view;
  const float a = options_.smoothing;
  if (t.hits == 0) {
    set_expression(t, d.expression);
    t.cues = d.cues;
    s.appearance = d.appearance;
  } else {
    // Velocity from the centre displacement since the last detection, per frame.
    const auto frames = static_cast<float>(std::max<std::int64_t>(1, frame_ - t.last_seen_frame));
    const float dx = 0.5f * (d.box.x0 + d.box.x1) - s.seen_cx;
    const float dy = 0.5f * (d.box.y0 + d.box.y1) - s.seen_cy;
    s.vx = ema(s.vx, dx / frames, options_.velocity_smoothing);
    s.vy = ema(s.vy, dy / frames, options_.velocity_smoothing);
    ExpressionProbs p;
    for (std::size_t k = 0; k < kExpressionCount; ++k) p[k] = ema(t.expression[k], d.expression[k], a);
    set_expression(t, p);
    if (d.cues) t.cues = t.cues ? ema(*t.cues, *d.cues, a) : *d.cues;
    if (!d.appearance.empty()) {
      if (s.appearance.size() != d.appearance.size()) {
        s.appearance = d.appearance;
      } else {
        for (std::size_t k = 0; k < s.appearance.size(); ++k)
          s.appearance[k] = ema(s.appearance[k], d.appearance[k], options_.appearance_smoothing);
        normalise(s.appearance);
      }
    }
  }
  // The track's description learns from fresh descriptions that are clearly its person's (a face half
  // way through a fade from one person to another matches but would drag the mean towards the other).
  const auto learns = [&] {
    return s.identity.empty() ||
           (d.identity_fresh && appearance_similarity(s.identity, d.identity) >= options_.min_identity_similarity);
  };
  if (!d.identity.empty() && learns()) {
    if (s.identity.size() != d.identity.size()) {
      s.identity = d.identity;
      s.identity_count = 1;
    } else {
      const int n = std::min(s.identity_count, kIdentityCount - 1);
      const auto old_weight = static_cast<float>(n), new_weight = 1.0f / static_cast<float>(n + 1);
      for (std::size_t k = 0; k < s.identity.size(); ++k)
        s.identity[k] = (s.identity[k] * old_weight + d.identity[k]) * new_weight;
      normalise(s.identity);
      s.identity_count = n + 1;
    }
  }
  t.box = d.box;
  s.seen_cx = 0.5f * (d.box.x0 + d.box.x1);
  s.seen_cy = 0.5f * (d.box.y0 + d.box.y1);
  t.detection = index;
  ++t.hits;
  t.missed = 0;
  t.last_seen_frame = frame_;
  t.blink = d.cues ? s.blink.push(0.5f * (d.cues->eye_left + d.cues->eye_right)) : false;
  t.blinks = s.blink.blinks();
  if (!t.confirmed && t.hits >= options_.min_hits) {
    t.confirmed = true;
    s.needs_id = true;
  }
}

int FaceTracker::new_id(const State& s, std::vector<State>& live) {
  if (s.identity.empty()) return next_id_++;
  float best = options_.reid_similarity;
  int ended = -1;
  State* missing = nullptr;
  for (std::size_t k = 0; k < ended_.size(); ++k) {
    const float c = appearance_similarity(s.identity, ended_[k].identity);
    if (c >= best) best = c, ended = static_cast<int>(k);
  }
  for (State& o : live) {
    if (&o == &s || !o.view.confirmed || o.needs_id || o.taken_over || o.view.missed == 0) continue;
    const float c = appearance_similarity(s.identity, o.identity);
    if (c >= best) best = c, missing = &o, ended = -1;
  }
  if (missing) {
    missing->taken_over = true;
    return missing->view.id;
  }
  if (ended >= 0) {
    const int id = ended_[static_cast<std::size_t>(ended)].id;
    ended_.erase(ended_.begin() + ended);
    return id;
  }
  return next_id_++;
}

const std::vector<TrackedFace>& FaceTracker::update(const std::vector<TrackerDetection>& detections, bool cut) {
  const std::size_t nt = states_.size(), nd = detections.size();
  // Cost matrix tracks x detections.
  std::vector<double> cost(nt * nd, kForbidden);
  for (State& s : states_) s.identity_refused = false;
  for (std::size_t i = 0; i < nt; ++i) {
    const FaceBox p = predicted_box(states_[i]);
    for (std::size_t j = 0; j < nd; ++j) {
      const FaceBox& b = detections[j].box;
      const float overlap = iou(p, b);
      const float dx = 0.5f * ((p.x0 + p.x1) - (b.x0 + b.x1)), dy = 0.5f * ((p.y0 + p.y1) - (b.y0 + b.y1));
      const float gate = options_.max_centre_distance * 0.25f * (p.width() + p.height() + b.width() + b.height());
      const float dist = std::sqrt(dx * dx + dy * dy);
      if (overlap < options_.min_iou && !(dist <= gate)) continue;
      const auto& known = states_[i].identity;
      const TrackerDetection& dj = detections[j];
      if (!known.empty() && !dj.identity.empty() && (cut || dj.identity_fresh)) {
        const float bar = cut ? options_.min_identity_similarity : options_.min_identity_similarity_in_shot;
        if (appearance_similarity(known, dj.identity) < bar) {
          // Another person: in the track's place (not merely near it), the track's person has left.
          if (overlap >= kTakenPlaceIou) states_[i].identity_refused = true;
          continue;
        }
      }
      float app = 0.5f;  // neutral when a descriptor is missing
      if (!states_[i].appearance.empty() && !detections[j].appearance.empty())
        app = 0.5f * (1.0f - appearance_similarity(states_[i].appearance, detections[j].appearance));
      const float centre_term = gate > 0.0f ? std::min(1.0f, dist / gate) : 1.0f;
      const float c = options_.w_iou * (1.0f - overlap) + options_.w_centre * centre_term + options_.w_appearance * app;
      if (c <= options_.max_cost) cost[i * nd + j] = c;
    }
  }
  const std::vector<int> match = hungarian_assignment(cost, nt, nd);

  std::vector<char> detection_used(nd, 0);
  std::vector<State> kept;
  kept.reserve(nt + nd);
  for (std::size_t i = 0; i < nt; ++i) {
    State& s = states_[i];
    const int j = match[i];
    if (j >= 0 && cost[i * nd + static_cast<std::size_t>(j)] < kForbidden) {
      detection_used[static_cast<std::size_t>(j)] = 1;
      observe(s, detections[static_cast<std::size_t>(j)], j);
      kept.push_back(std::move(s));
      continue;
    }
    // Missed: tentative tracks die at once, confirmed ones coast on their prediction.
    TrackedFace& t = s.view;
    ++t.missed;
    t.detection = -1;
    t.blink = false;
    if (!t.confirmed) continue;
    // After a cut a track not seen in the new shot's first frame belongs to the previous shot: it ends
    // (and can be re-identified later) instead of competing for whoever now sits in its place; so does a
    // track whose place someone else took.
    if (t.missed > options_.max_missed || cut || s.identity_refused) {
      if (!s.identity.empty()) {
        if (ended_.size() == kMaxEnded) ended_.erase(ended_.begin());
        ended_.push_back({t.id, std::move(s.identity)});
      }
      continue;
    }
    t.box = predicted_box(s);
    s.vx *= kMissedVelocityDecay;
    s.vy *= kMissedVelocityDecay;
    kept.push_back(std::move(s));
  }
  for (std::size_t j = 0; j < nd; ++j) {
    if (detection_used[j]) continue;
    State s{.view = {}, .appearance = {}, .identity = {}, .blink = BlinkDetector(options_.blink), .serial = next_serial_++};
    s.view.first_frame = frame_;
    observe(s, detections[j], static_cast<int>(j));
    kept.push_back(std::move(s));
  }
  for (State& s : kept)
    if (s.needs_id) {
      s.view.id = new_id(s, kept);
      s.needs_id = false;
    }
  std::erase_if(kept, [](const State& s) { return s.taken_over; });
  std::sort(kept.begin(), kept.end(), [](const State& a, const State& b) {
    const bool ca = a.view.confirmed, cb = b.view.confirmed;
    if (ca != cb) return ca;
    return ca ? a.view.id < b.view.id : a.serial < b.serial;
  });
  states_ = std::move(kept);
  ++frame_;
  tracks_.clear();
  for (const State& s : states_) tracks_.push_back(s.view);
  return tracks_;
}

}  // namespace sentio::vision
