// SPDX-License-Identifier: Apache-2.0
#pragma once
// Interpretable facial cues from the 468 FaceMesh landmarks (docs/FACES.md, "Facial cues"): mouth
// opening, lip-corner pull, brow raise, eye opening (eye aspect ratio), head pose, and a blink
// detector over time. All distances are measured in 3D (x, y, z of the mesh, pixel scale) inside a
// face-aligned frame, so they do not change with head roll and change little with yaw and pitch;
// lengths are normalised by the outer inter-ocular distance, which makes them independent of the
// face's size in the image.
#include <cstddef>
#include <vector>

#include "sentio/vision/face_types.hpp"

namespace sentio::vision {

// MediaPipe FaceMesh canonical landmark indices used by the cues. "right"/"left" are the subject's:
// the subject's right eye appears on the image's left in a frontal view.
namespace mesh_index {
inline constexpr std::size_t kPointCount = 468;
inline constexpr std::size_t forehead_top = 10;     // top of the forehead on the midline
inline constexpr std::size_t subnasale = 2;         // base of the nose on the midline (rigid, above the lip)
inline constexpr std::size_t nose_tip = 1;
inline constexpr std::size_t chin = 152;            // bottom of the chin (moves with the jaw)
inline constexpr std::size_t upper_lip_inner = 13;  // midline, inner edge of the upper lip
inline constexpr std::size_t lower_lip_inner = 14;  // midline, inner edge of the lower lip
inline constexpr std::size_t mouth_right = 61;      // right lip corner
inline constexpr std::size_t mouth_left = 291;      // left lip corner
// Eyes: outer corner, inner corner, two upper-lid points, two lower-lid points (the 6 points of the
// eye aspect ratio: p1 = outer, p4 = inner, p2/p3 upper, p6/p5 lower), and the mid upper/lower lid.
inline constexpr std::size_t right_eye_outer = 33;
inline constexpr std::size_t right_eye_inner = 133;
inline constexpr std::size_t right_eye_upper_a = 160;
inline constexpr std::size_t right_eye_upper_b = 158;
inline constexpr std::size_t right_eye_lower_a = 144;
inline constexpr std::size_t right_eye_lower_b = 153;
inline constexpr std::size_t right_eye_upper_mid = 159;
inline constexpr std::size_t right_eye_lower_mid = 145;
inline constexpr std::size_t left_eye_outer = 263;
inline constexpr std::size_t left_eye_inner = 362;
inline constexpr std::size_t left_eye_upper_a = 387;
inline constexpr std::size_t left_eye_upper_b = 385;
inline constexpr std::size_t left_eye_lower_a = 373;
inline constexpr std::size_t left_eye_lower_b = 380;
inline constexpr std::size_t left_eye_upper_mid = 386;
inline constexpr std::size_t left_eye_lower_mid = 374;
// Brows: the upper edge of each brow above the middle of the eye.
inline constexpr std::size_t right_brow = 105;
inline constexpr std::size_t left_brow = 334;
// The inner ends of the brows' upper edges.
inline constexpr std::size_t right_brow_inner = 107;
inline constexpr std::size_t left_brow_inner = 336;
}  // namespace mesh_index

// Head pose in degrees, composed as R = Rz(roll) * Ry(-yaw) * Rx(-pitch) in image axes (x right, y down,
// z away from the camera). yaw > 0: the face turns towards the image's right (the subject's left);
// pitch > 0: chin up; roll > 0: clockwise on screen (same sign as FaceResult::roll).
struct HeadPose {
  float yaw = 0, pitch = 0, roll = 0;
};

struct FacialCues {
  // Inner-lip gap (13-14) / inter-ocular distance. ~0 closed, ~0.3-0.6 wide open.
  float mouth_opening = 0;
  // Lip-corner lift: height of the lip centre (midpoint of 13, 14) minus the mean height of the lip
  // corners (61, 291), along the face's vertical axis, / inter-ocular distance. > 0: corners above the
  // centre (smile); < 0: corners pulled down.
  float lip_corner_lift = 0;
  // Lip-corner distance (61-291) / inter-ocular distance. Grows with a smile (~0.55 neutral).
  float mouth_width = 0;
  // Brow height above the eye (brow point minus the midpoint of the eye corners, along the face's
  // vertical axis) / inter-ocular distance, per eye. Grows when the brow is raised.
  float brow_right = 0, brow_left = 0;
  // Eye aspect ratio (Soukupova & Cech 2016): (|p2-p6| + |p3-p5|) / (2 |p1-p4|). ~0.25-0.35 open, < 0.15 shut.
  float eye_right = 0, eye_left = 0;
  HeadPose pose;
  // Outer inter-ocular distance (33-263, 3D), pixels: the normaliser.
  float inter_ocular_px = 0;
};

// Cues of one face. Throws InputError when `landmarks` does not hold 468 points or the eye corners
// coincide (degenerate mesh).
FacialCues compute_facial_cues(const std::vector<Point3>& landmarks);
// The inner ends of the brows, which move in sadness, fear and anger (FACS AU1 raises them, AU4 lowers
// them and draws them together), in the same face frame and units as FacialCues.
struct InnerBrows {
  // Height of the inner brow point (107 or 336) above the eye's inner corner (133 or 362), / inter-ocular.
  float raise_right = 0, raise_left = 0;
  // Distance between the two inner brow points / inter-ocular distance (smaller when drawn together).
  float gap = 0;
};
InnerBrows compute_inner_brows(const std::vector<Point3>& landmarks);

// Head pose alone (same method as in compute_facial_cues).
HeadPose compute_head_pose(const std::vector<Point3>& landmarks);

// The pitch of the reference face axis (forehead_top -> subnasale) on frontal faces, degrees: the line
// leans this much towards the camera at the bottom on faces looking at the camera: the median over the
// FaceMesh outputs of the 11 GRID speakers (frontal recordings; 33 frames, per-speaker medians 0.5 to 11
// degrees, so expect a few degrees of person-dependent bias; docs/FACES.md). compute_head_pose removes it.
inline constexpr float kFrontalAxisPitchDeg = 3.5f;

struct BlinkOptions {
  // A blink is a run of min_frames..max_frames frames whose eye aspect ratio is below threshold_ratio x
  // the open-eye baseline; longer runs are eye closures, not blinks. Counts are in frames and the
  // defaults suit 25-30 frames/s (a blink lasts ~100-400 ms); at lower rates scale max_frames down, and
  // below ~10 frames/s most blinks fall between samples.
  int min_frames = 1;
  int max_frames = 8;
  float threshold_ratio = 0.75f;
  // Baseline: exponential moving average of the EAR over open-eye frames (and over frames of closures
  // longer than max_frames), weight of the new frame. The first frame initialises it.
  float baseline_alpha = 0.05f;
};

// Blink detection over a frame sequence of one face (mean EAR of both eyes per frame).
class BlinkDetector {
 public:
  explicit BlinkDetector(BlinkOptions options = {});
  // Feeds the next frame's EAR. Returns true when a blink ended at this frame (the eye reopened after
  // 1..max_frames closed frames).
  bool push(float ear);
  bool closed() const { return closed_run_ > 0; }
  int blinks() const { return blinks_; }
  float baseline() const { return baseline_; }
  float threshold() const { return options_.threshold_ratio * baseline_; }
  void reset();

 private:
  BlinkOptions options_;
  float baseline_ = 0;
  bool have_baseline_ = false;
  int closed_run_ = 0;
  int blinks_ = 0;
};

}  // namespace sentio::vision
