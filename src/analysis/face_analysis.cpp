// SPDX-License-Identifier: Apache-2.0
#include "sentio/analysis/face_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "sentio/analysis/summaries.hpp"
#include "sentio/core/affect.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/video_reader.hpp"
#include "sentio/vision/face_video.hpp"
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

// One analysed frame: its faces as the tracker needs them.
struct FrameFaces {
  double time = 0;
  std::vector<vision::TrackerDetection> detections;
};

// The tracker's inputs for the faces found in one frame.
FrameFaces frame_faces(const media::VideoFrame& frame, const std::vector<vision::FaceResult>& faces) {
  FrameFaces out;
  out.time = frame.time_s;
  for (const vision::FaceResult& f : faces) {
    vision::TrackerDetection d;
    d.box = f.box;
    d.expression = f.expression;
    if (!f.landmarks.empty()) d.cues = vision::compute_facial_cues(f.landmarks);
    d.appearance = vision::appearance_descriptor(frame.rgb.data(), frame.width, frame.height, f.box, f.roll);
    out.detections.push_back(std::move(d));
  }
  return out;
}

FrameFaces analyse_frame(const vision::FaceAnalyzer& analyzer, const media::VideoFrame& frame) {
  return frame_faces(frame, analyzer.analyze_rgb(frame.rgb.data(), frame.width, frame.height));
}

// Decodes frames on a thread of its own, up to `capacity` frames ahead of the consumer; frame buffers are
// recycled, so memory stays at capacity + 1 frames whatever the video length. The threads hand over in
// bursts: the decoder, once the queue is full, sleeps until it has drained to half, and the consumer is
// woken only when it waits on an empty queue (on a loaded machine every wake-up costs a scheduling delay).
class FrameDecoder {
 public:
  FrameDecoder(media::VideoReader& reader, std::size_t capacity) : reader_(reader), capacity_(capacity) {
    thread_ = std::thread([this] { loop(); });
  }
  ~FrameDecoder() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    space_.notify_all();
    thread_.join();
  }
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  // Swaps the next frame into `frame` (whose buffer goes back to the decoder); false at the end.
  // Rethrows the decoder's exception.
  bool next(media::VideoFrame& frame) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (ready_.empty() && !done_) {
      consumer_waiting_ = true;
      space_.notify_all();  // a decoder asleep at the high-water mark cannot be: the queue is empty
      ready_cv_.wait(lock, [&] { return !ready_.empty() || done_; });
      consumer_waiting_ = false;
    }
    if (ready_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    std::swap(frame, ready_.front());
    free_.push_back(std::move(ready_.front()));
    ready_.pop_front();
    if (ready_.size() == capacity_ / 2) space_.notify_all();
    return true;
  }

 private:
  void loop() {
    try {
      for (;;) {
        media::VideoFrame frame;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          if (ready_.size() >= capacity_)
            space_.wait(lock, [&] { return stop_ || ready_.size() <= capacity_ / 2; });
          if (stop_) break;
          if (!free_.empty()) {
            frame = std::move(free_.back());
            free_.pop_back();
          }
        }
        const bool more = reader_.next(frame);  // decodes without the lock
        const std::lock_guard<std::mutex> lock(mutex_);
        if (!more) break;
        ready_.push_back(std::move(frame));
        if (consumer_waiting_) ready_cv_.notify_all();
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    ready_cv_.notify_all();
  }

  media::VideoReader& reader_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_cv_, space_;
  std::deque<media::VideoFrame> ready_;
  std::vector<media::VideoFrame> free_;
  bool done_ = false, stop_ = false, consumer_waiting_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// Collects tracked observations frame by frame.
class TrackCollector {
 public:
  TrackCollector(const vision::FaceTrackerOptions& options, std::vector<std::string> labels)
      : tracker_(options), labels_(std::move(labels)) {}

  void add_frame(const FrameFaces& frame) {
    const std::vector<vision::TrackedFace>& tracks = tracker_.update(frame.detections);
    std::vector<const FaceObservation*> in_frame;
    std::vector<std::pair<int, std::size_t>> added;
    for (const vision::TrackedFace& t : tracks) {
      if (!t.confirmed || t.detection < 0) continue;
      FaceObservation o;
      o.time = frame.time;
      o.frame = frames_;
      const vision::FaceBox& b = frame.detections[static_cast<std::size_t>(t.detection)].box;
      o.x0 = b.x0;
      o.y0 = b.y0;
      o.x1 = b.x1;
      o.y1 = b.y1;
      o.probabilities.assign(t.expression.begin(), t.expression.end());
      decide(o, labels_);
      if (t.cues) o.cues = to_cues(*t.cues);
      o.blink = t.blink;
      FaceTrackResult& track = tracks_[t.id];
      track.id = t.id;
      track.observations.push_back(std::move(o));
      added.emplace_back(t.id, track.observations.size() - 1);
    }
    for (const auto& [id, index] : added) in_frame.push_back(&tracks_[id].observations[index]);
    if (!in_frame.empty()) group_frames_.push_back(aggregate(in_frame, labels_, frame.time, frame.time, 1));
    frame_times_.push_back(frame.time);
    ++frames_;
  }

  FacesResult finish(double window_s, bool count_blinks) {
    FacesResult r;
    r.labels = labels_;
    r.frames_analysed = frames_;
    for (auto& [id, t] : tracks_) {
      summarise_track(t, labels_, count_blinks);
      r.tracks.push_back(std::move(t));
    }
    r.group_frames = std::move(group_frames_);
    if (frames_ > 0 && window_s > 0) {
      const double end = frame_times_.back();
      for (double w0 = 0; w0 <= end; w0 += window_s) {
        const double w1 = w0 + window_s;
        std::vector<const FaceObservation*> obs;
        for (const FaceTrackResult& t : r.tracks)
          for (const FaceObservation& o : t.observations)
            if (o.time >= w0 && o.time < w1) obs.push_back(&o);
        const auto frames = static_cast<std::size_t>(std::count_if(
            frame_times_.begin(), frame_times_.end(), [&](double t) { return t >= w0 && t < w1; }));
        if (frames > 0) r.group_windows.push_back(aggregate(obs, labels_, w0, w1, frames));
      }
    }
    if (r.tracks.empty()) r.status = "no_faces";
    return r;
  }

 private:
  vision::FaceTracker tracker_;
  std::vector<std::string> labels_;
  std::map<int, FaceTrackResult> tracks_;
  std::vector<GroupView> group_frames_;
  std::vector<double> frame_times_;
  std::int64_t frames_ = 0;
};

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

}  // namespace

FacesResult analyze_faces_video(const std::string& path, const vision::FaceAnalyzer& analyzer,
                                const FaceAnalysisOptions& options, Progress& progress, MediaSummary& input) {
  SENTIO_ASSERT(options.fps > 0 && options.n_threads >= 1);
  media::VideoReadOptions read;
  read.fps = options.fps;
  media::VideoReader reader(path, read);
  const media::VideoInfo& info = reader.info();
  input.path = path;
  if (input.duration_s <= 0) input.duration_s = info.duration_s;
  progress.set_total(info.duration_s);

  TrackCollector collector(tracker_options(options.fps), core_labels());
  // Frames must reach the tracker in order and the interval mode carries state from frame to frame, so
  // frames are analysed one after the other; with n_threads >= 2 the faces of a frame are analysed in
  // parallel and a decoder thread works up to 8 frames ahead (decoding costs ~1.5 ms of a frame's 5-20 ms).
  vision::FaceVideoOptions video_options;
  video_options.detect_interval = options.detect_interval > 0
                                      ? options.detect_interval
                                      : std::max(1, static_cast<int>(std::lround(kDetectEveryS * options.fps)));
  video_options.n_threads = options.n_threads;
  vision::FaceVideoAnalyzer video(analyzer, video_options);
  std::optional<FrameDecoder> decoder;
  if (options.n_threads >= 2) decoder.emplace(reader, 8);
  media::VideoFrame frame;
  double done_s = 0;
  while (decoder ? decoder->next(frame) : reader.next(frame)) {
    collector.add_frame(frame_faces(frame, video.next(frame.rgb.data(), frame.width, frame.height)));
    if (frame.time_s > done_s) {
      progress.advance(frame.time_s - done_s);
      done_s = frame.time_s;
    }
  }
  decoder.reset();
  progress.finish();
  FacesResult r = collector.finish(options.window_s, options.fps >= options.min_blink_fps);
  r.sampled_fps = options.fps;
  r.frame_width = info.width;
  r.frame_height = info.height;
  r.frames_skipped = reader.skipped_frames();
  return r;
}

FacesResult analyze_faces_image(const std::string& path, const vision::FaceAnalyzer& analyzer, MediaSummary& input) {
  const vision::Image image = vision::load_image(path);
  input.path = path;
  TrackCollector collector(tracker_options(1.0), core_labels());
  media::VideoFrame frame;
  frame.width = image.width;
  frame.height = image.height;
  if (image.channels == 3) {
    frame.rgb = image.pixels;
  } else {
    frame.rgb.resize(image.pixels.size() * 3);
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
      frame.rgb[3 * i] = frame.rgb[3 * i + 1] = frame.rgb[3 * i + 2] = image.pixels[i];
  }
  collector.add_frame(analyse_frame(analyzer, frame));
  FacesResult r = collector.finish(0.0, false);
  r.frame_width = image.width;
  r.frame_height = image.height;
  return r;
}

}  // namespace sentio::analysis
