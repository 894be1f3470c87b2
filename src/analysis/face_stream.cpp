// SPDX-License-Identifier: Apache-2.0
// FaceStream: frames -> face analysis (detection interval, landmark following) -> tracker -> observations;
// per-track summaries and the group view (frames, windows) kept up to date as frames arrive.
#include "sentio/analysis/face_stream.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include "sentio/analysis/summaries.hpp"
#include "sentio/core/affect.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision/face_tracker.hpp"
#include "sentio/vision/facial_cues.hpp"

namespace sentio::analysis {

namespace {

std::vector<std::string> core_labels() {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < vision::kExpressionCount; ++i)
    labels.emplace_back(vision::expression_name(static_cast<vision::Expression>(i)));
  return labels;
}

FaceCues to_cues(const vision::FacialCues& c) {
  FaceCues out;
  out.mouth_opening = c.mouth_opening;
  out.lip_corner_lift = c.lip_corner_lift;
  out.mouth_width = c.mouth_width;
  out.brow_right = c.brow_right;
  out.brow_left = c.brow_left;
  out.eye_right = c.eye_right;
  out.eye_left = c.eye_left;
  out.yaw_deg = c.pose.yaw;
  out.pitch_deg = c.pose.pitch;
  out.roll_deg = c.pose.roll;
  return out;
}

// Adds w * b to a (field by field).
void accumulate(FaceCues& a, const FaceCues& b, float w) {
  a.mouth_opening += w * b.mouth_opening;
  a.lip_corner_lift += w * b.lip_corner_lift;
  a.mouth_width += w * b.mouth_width;
  a.brow_right += w * b.brow_right;
  a.brow_left += w * b.brow_left;
  a.eye_right += w * b.eye_right;
  a.eye_left += w * b.eye_left;
  a.yaw_deg += w * b.yaw_deg;
  a.pitch_deg += w * b.pitch_deg;
  a.roll_deg += w * b.roll_deg;
}

void decide(FaceObservation& o, const std::vector<std::string>& labels) {
  const Decision d = analysis::decide(labels, o.probabilities);
  o.label = d.label;
  o.confidence = d.confidence;
  o.valence = d.valence;
  o.arousal = d.arousal;
}

// Mean probabilities, dominant label and valence/arousal of a set of observations.
GroupView aggregate(const std::vector<const FaceObservation*>& obs, const std::vector<std::string>& labels,
                    double start, double end, std::size_t frames) {
  GroupView g;
  g.start = start;
  g.end = end;
  g.distribution.assign(labels.size(), 0.0f);
  g.mean_faces = frames > 0 ? static_cast<double>(obs.size()) / static_cast<double>(frames) : 0.0;
  if (obs.empty()) return g;
  for (const FaceObservation* o : obs)
    for (std::size_t k = 0; k < labels.size(); ++k) g.distribution[k] += o->probabilities[k];
  for (float& p : g.distribution) p /= static_cast<float>(obs.size());
  const Decision d = analysis::decide(labels, g.distribution);
  g.dominant_label = d.label;
  g.mean_valence = d.valence;
  g.mean_arousal = d.arousal;
  return g;
}

void summarise_track(FaceTrackResult& t, const std::vector<std::string>& labels, bool count_blinks) {
  t.first_time = t.observations.front().time;
  t.last_time = t.observations.back().time;
  t.mean_probabilities.assign(labels.size(), 0.0f);
  FaceCues cues_sum;
  int n_cues = 0;
  for (const FaceObservation& o : t.observations) {
    for (std::size_t k = 0; k < labels.size(); ++k) t.mean_probabilities[k] += o.probabilities[k];
    if (o.cues) {
      accumulate(cues_sum, *o.cues, 1.0f);
      ++n_cues;
    }
    if (o.blink) ++t.blinks;
  }
  const auto n = static_cast<float>(t.observations.size());
  for (float& p : t.mean_probabilities) p /= n;
  const Decision d = analysis::decide(labels, t.mean_probabilities);
  t.dominant_label = d.label;
  t.mean_valence = d.valence;
  t.mean_arousal = d.arousal;
  if (n_cues > 0) {
    FaceCues mean;
    accumulate(mean, cues_sum, 1.0f / static_cast<float>(n_cues));
    t.mean_cues = mean;
  }
  if (!count_blinks) t.blinks = -1;
}

// Tracker settings for a sampling rate: IDs confirmed at the first detection (at a few frames per
// second, waiting for several hits would drop the first second of every face), a face may stay unseen
// for 2 s, and blink lengths scaled from frames at 25 fps.
vision::FaceTrackerOptions tracker_options(double fps) {
  vision::FaceTrackerOptions o;
  o.min_hits = 1;
  o.max_missed = std::max(2, static_cast<int>(std::lround(2.0 * fps)));
  o.blink.max_frames = std::max(1, static_cast<int>(std::lround(0.4 * fps)));
  // Smoothing weights are per frame; keep the time constant (~0.1 s at 25 fps) at lower rates.
  const double per_frame = 1.0 - std::pow(1.0 - 0.4, 25.0 / std::max(fps, 1e-3));
  o.smoothing = static_cast<float>(std::clamp(per_frame, 0.4, 1.0));
  return o;
}

// Seconds of video between detections when FaceAnalysisOptions::detect_interval is 0 (bench/faces_speed.md).
constexpr double kDetectEveryS = 0.4;


// Running sums of one group-view window.
struct WindowSums {
  std::vector<double> distribution;  // sum of the observations' probabilities
  std::size_t observations = 0, frames = 0;
};

}  // namespace

struct FaceStream::Impl {
  const vision::FaceModel& model;
  FaceAnalysisOptions options;
  bool image = false;
  std::vector<std::string> labels = core_labels();
  vision::FaceTracker tracker;
  std::unique_ptr<vision::FaceVideoStream> video;  // null for an image
  std::map<int, FaceTrackResult> tracks;
  std::vector<GroupView> group_frames;
  std::map<std::int64_t, WindowSums> windows;  // by window index
  std::int64_t frames = 0;
  std::int64_t last_slot = -1;
  int width = 0, height = 0;

  Impl(const vision::FaceModel& m, const FaceAnalysisOptions& o, bool still)
      : model(m), options(o), image(still), tracker(tracker_options(still ? 1.0 : o.fps)) {
    SENTIO_ASSERT(o.fps > 0);
    if (!image) {
      vision::FaceVideoOptions v;
      v.detect_interval = o.detect_interval > 0 ? o.detect_interval
                                                : std::max(1, static_cast<int>(std::lround(kDetectEveryS * o.fps)));
      v.executor = o.executor;
      video = model.open_video(v);
    }
  }

  // The tracker's inputs for the faces found in one frame.
  static std::vector<vision::TrackerDetection> detections(const std::uint8_t* rgb, int w, int h,
                                                          const std::vector<vision::FaceResult>& faces) {
    std::vector<vision::TrackerDetection> out;
    for (const vision::FaceResult& f : faces) {
      vision::TrackerDetection d;
      d.box = f.box;
      d.expression = f.expression;
      if (!f.landmarks.empty()) d.cues = vision::compute_facial_cues(f.landmarks);
      d.appearance = vision::appearance_descriptor(rgb, w, h, f.box, f.roll);
      d.identity = f.identity;
      d.identity_fresh = f.identity_described;
      out.push_back(std::move(d));
    }
    return out;
  }

  std::vector<FaceEvent> push(const std::uint8_t* rgb, int w, int h, double t) {
    SENTIO_ASSERT(rgb != nullptr && w > 0 && h > 0);
    if (!image) {
      const std::int64_t slot = std::llround(t * options.fps);
      if (slot <= last_slot) return {};
      last_slot = slot;
    }
    width = w;
    height = h;
    const std::int64_t cuts_before = image ? 0 : video->stats().cuts;
    const std::vector<vision::TrackerDetection> dets =
        detections(rgb, w, h, image ? model.analyze_rgb(rgb, w, h) : video->next(rgb, w, h));
    const bool cut = !image && video->stats().cuts != cuts_before;
    const std::vector<vision::TrackedFace>& live = tracker.update(dets, cut);
    std::vector<FaceEvent> events;
    for (const vision::TrackedFace& tf : live) {
      if (!tf.confirmed || tf.detection < 0) continue;
      FaceObservation o;
      o.time = t;
      o.frame = frames;
      const vision::FaceBox& b = dets[static_cast<std::size_t>(tf.detection)].box;
      o.x0 = b.x0;
      o.y0 = b.y0;
      o.x1 = b.x1;
      o.y1 = b.y1;
      o.probabilities.assign(tf.expression.begin(), tf.expression.end());
      decide(o, labels);
      if (tf.cues) o.cues = to_cues(*tf.cues);
      o.blink = tf.blink;
      FaceTrackResult& track = tracks[tf.id];
      track.id = tf.id;
      track.observations.push_back(o);
      events.push_back({tf.id, std::move(o)});
    }
    std::vector<const FaceObservation*> in_frame;
    for (const FaceEvent& e : events) in_frame.push_back(&e.observation);
    if (!in_frame.empty()) group_frames.push_back(aggregate(in_frame, labels, t, t, 1));
    if (!image && options.window_s > 0) {
      WindowSums& w_sums = windows[static_cast<std::int64_t>(std::floor(t / options.window_s))];
      if (w_sums.distribution.empty()) w_sums.distribution.assign(labels.size(), 0.0);
      for (const FaceObservation* o : in_frame)
        for (std::size_t k = 0; k < labels.size(); ++k) w_sums.distribution[k] += o->probabilities[k];
      w_sums.observations += in_frame.size();
      ++w_sums.frames;
    }
    ++frames;
    return events;
  }

  FacesResult result() const {
    FacesResult r;
    r.labels = labels;
    r.frames_analysed = frames;
    r.sampled_fps = image ? 0.0 : options.fps;
    r.frame_width = width;
    r.frame_height = height;
    const bool count_blinks = !image && options.fps >= options.min_blink_fps;
    for (const auto& [id, t] : tracks) {
      FaceTrackResult track = t;
      summarise_track(track, labels, count_blinks);
      r.tracks.push_back(std::move(track));
    }
    r.group_frames = group_frames;
    for (const auto& [index, sums] : windows) {
      GroupView g;
      g.start = static_cast<double>(index) * options.window_s;
      g.end = g.start + options.window_s;
      g.mean_faces = static_cast<double>(sums.observations) / static_cast<double>(sums.frames);
      g.distribution.assign(labels.size(), 0.0f);
      if (sums.observations > 0) {
        for (std::size_t k = 0; k < labels.size(); ++k)
          g.distribution[k] = static_cast<float>(sums.distribution[k] / static_cast<double>(sums.observations));
        const Decision d = analysis::decide(labels, g.distribution);
        g.dominant_label = d.label;
        g.mean_valence = d.valence;
        g.mean_arousal = d.arousal;
      }
      r.group_windows.push_back(std::move(g));
    }
    if (r.tracks.empty()) r.status = "no_faces";
    return r;
  }
};

FaceStream::FaceStream(const vision::FaceModel& model, const FaceAnalysisOptions& options)
    : impl_(std::make_unique<Impl>(model, options, false)) {}
FaceStream::FaceStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FaceStream FaceStream::for_image(const vision::FaceModel& model) {
  return FaceStream(std::make_unique<Impl>(model, FaceAnalysisOptions{}, true));
}
FaceStream::~FaceStream() = default;
FaceStream::FaceStream(FaceStream&&) noexcept = default;
FaceStream& FaceStream::operator=(FaceStream&&) noexcept = default;

std::vector<FaceEvent> FaceStream::push(const std::uint8_t* rgb, int width, int height, double time_s) {
  return impl_->push(rgb, width, height, time_s);
}
FacesResult FaceStream::result() const { return impl_->result(); }
std::int64_t FaceStream::frames_analysed() const { return impl_->frames; }

std::vector<FaceTrackResult> FaceStream::tracks_between(double t0, double t1) const {
  std::vector<FaceTrackResult> out;
  for (const auto& [id, t] : impl_->tracks) {
    // Observations are in time order: walk back from the newest (a moment is recent).
    auto it = t.observations.end();
    while (it != t.observations.begin() && std::prev(it)->time >= t0) --it;
    FaceTrackResult slice;
    slice.id = id;
    for (; it != t.observations.end() && it->time <= t1; ++it) slice.observations.push_back(*it);
    if (!slice.observations.empty()) out.push_back(std::move(slice));
  }
  return out;
}

double FaceStream::sampled_fps() const { return impl_->image ? 0.0 : impl_->options.fps; }

}  // namespace sentio::analysis
