// SPDX-License-Identifier: Apache-2.0
// Facial cues from FaceMesh landmarks (docs/FACES.md, "Facial cues"). Pure C++: no model, no OpenCV.
#include "sentio/vision/facial_cues.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "sentio/core/error.hpp"

namespace sentio::vision {

namespace {

struct Vec3 {
  double x = 0, y = 0, z = 0;
};
Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
Vec3 operator*(double s, Vec3 a) { return {s * a.x, s * a.y, s * a.z}; }
double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec3 cross(Vec3 a, Vec3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
double norm(Vec3 a) { return std::sqrt(dot(a, a)); }

constexpr double kDegPerRad = 180.0 / std::numbers::pi;

// Face-aligned orthonormal frame in image axes: X from the subject's right to left outer eye corner,
// Y down the face (forehead -> subnasale, made orthogonal to X, then tilted by the frontal-axis
// correction), Z = X x Y (away from the camera on a frontal face).
struct FaceFrame {
  Vec3 x_axis, y_axis, z_axis;
  double inter_ocular = 0;  // |263 - 33|, pixels
};

Vec3 at(const std::vector<Point3>& l, std::size_t i) { return {l[i].x, l[i].y, l[i].z}; }

void check_mesh(const std::vector<Point3>& landmarks) {
  if (landmarks.size() != mesh_index::kPointCount)
    throw InputError("facial cues: the landmark set has " + std::to_string(landmarks.size()) +
                     " points, expected the 468 FaceMesh points");
  for (const Point3& p : landmarks)
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z))
      throw InputError("facial cues: the landmark set holds a non-finite coordinate");
}

FaceFrame face_frame(const std::vector<Point3>& l) {
  using namespace mesh_index;
  FaceFrame f;
  const Vec3 across = at(l, left_eye_outer) - at(l, right_eye_outer);
  f.inter_ocular = norm(across);
  const Vec3 down = at(l, subnasale) - at(l, forehead_top);
  if (f.inter_ocular < 1e-6 || norm(down) < 1e-6)
    throw InputError("facial cues: degenerate landmark set (eye corners or midline points coincide)");
  f.x_axis = (1.0 / f.inter_ocular) * across;
  Vec3 y = down - dot(down, f.x_axis) * f.x_axis;
  const double ny = norm(y);
  if (ny < 1e-6) throw InputError("facial cues: degenerate landmark set (midline parallel to the eye line)");
  y = (1.0 / ny) * y;
  Vec3 z = cross(f.x_axis, y);
  // Rotate about X so that the reference axis of a frontal face maps to the image's vertical:
  // Y' = cos(c) Y + sin(c) Z, Z' = X x Y'.
  const double c = static_cast<double>(kFrontalAxisPitchDeg) / kDegPerRad;
  f.y_axis = std::cos(c) * y + std::sin(c) * z;
  f.z_axis = cross(f.x_axis, f.y_axis);
  return f;
}

HeadPose pose_of(const FaceFrame& f) {
  // R = [X Y Z] = Rz(roll) Ry(b) Rx(a): X = (cos r cos b, sin r cos b, -sin b), Y.z = cos b sin a,
  // Z.z = cos b cos a. yaw = -b, pitch = -a.
  HeadPose p;
  p.roll = static_cast<float>(std::atan2(f.x_axis.y, f.x_axis.x) * kDegPerRad);
  p.yaw = static_cast<float>(std::asin(std::clamp(f.x_axis.z, -1.0, 1.0)) * kDegPerRad);
  p.pitch = static_cast<float>(-std::atan2(f.y_axis.z, f.z_axis.z) * kDegPerRad);
  return p;
}

// Eye aspect ratio from six points (3D distances).
double eye_aspect_ratio(const std::vector<Point3>& l, std::size_t outer, std::size_t inner, std::size_t upper_a,
                        std::size_t upper_b, std::size_t lower_a, std::size_t lower_b) {
  const double width = norm(at(l, outer) - at(l, inner));
  if (width < 1e-9) return 0.0;
  return (norm(at(l, upper_a) - at(l, lower_a)) + norm(at(l, upper_b) - at(l, lower_b))) / (2.0 * width);
}

}  // namespace

HeadPose compute_head_pose(const std::vector<Point3>& landmarks) {
  check_mesh(landmarks);
  return pose_of(face_frame(landmarks));
}

FacialCues compute_facial_cues(const std::vector<Point3>& landmarks) {
  using namespace mesh_index;
  check_mesh(landmarks);
  const FaceFrame f = face_frame(landmarks);
  const double iod = f.inter_ocular;
  // Height along the face's vertical axis (down positive), pixels.
  const auto height = [&](Vec3 p) { return dot(p, f.y_axis); };

  FacialCues c;
  c.inter_ocular_px = static_cast<float>(iod);
  c.pose = pose_of(f);

  const Vec3 upper = at(landmarks, upper_lip_inner), lower = at(landmarks, lower_lip_inner);
  c.mouth_opening = static_cast<float>(norm(lower - upper) / iod);
  const Vec3 corner_r = at(landmarks, mouth_right), corner_l = at(landmarks, mouth_left);
  const double centre_h = height(0.5 * (upper + lower));
  const double corners_h = 0.5 * (height(corner_r) + height(corner_l));
  c.lip_corner_lift = static_cast<float>((centre_h - corners_h) / iod);
  c.mouth_width = static_cast<float>(norm(corner_l - corner_r) / iod);

  const double eye_r_h = height(0.5 * (at(landmarks, right_eye_outer) + at(landmarks, right_eye_inner)));
  const double eye_l_h = height(0.5 * (at(landmarks, left_eye_outer) + at(landmarks, left_eye_inner)));
  c.brow_right = static_cast<float>((eye_r_h - height(at(landmarks, right_brow))) / iod);
  c.brow_left = static_cast<float>((eye_l_h - height(at(landmarks, left_brow))) / iod);

  c.eye_right = static_cast<float>(eye_aspect_ratio(landmarks, right_eye_outer, right_eye_inner, right_eye_upper_a,
                                                    right_eye_upper_b, right_eye_lower_a, right_eye_lower_b));
  c.eye_left = static_cast<float>(eye_aspect_ratio(landmarks, left_eye_outer, left_eye_inner, left_eye_upper_a,
                                                   left_eye_upper_b, left_eye_lower_a, left_eye_lower_b));
  return c;
}

InnerBrows compute_inner_brows(const std::vector<Point3>& landmarks) {
  using namespace mesh_index;
  check_mesh(landmarks);
  const FaceFrame f = face_frame(landmarks);
  const auto height = [&](Vec3 p) { return dot(p, f.y_axis); };
  InnerBrows b;
  b.raise_right = static_cast<float>(
      (height(at(landmarks, right_eye_inner)) - height(at(landmarks, right_brow_inner))) / f.inter_ocular);
  b.raise_left = static_cast<float>(
      (height(at(landmarks, left_eye_inner)) - height(at(landmarks, left_brow_inner))) / f.inter_ocular);
  b.gap = static_cast<float>(norm(at(landmarks, left_brow_inner) - at(landmarks, right_brow_inner)) / f.inter_ocular);
  return b;
}

BlinkDetector::BlinkDetector(BlinkOptions options) : options_(options) {
  SENTIO_ASSERT(options_.min_frames >= 1 && options_.max_frames >= options_.min_frames);
  SENTIO_ASSERT(options_.threshold_ratio > 0.0f && options_.threshold_ratio < 1.0f);
  SENTIO_ASSERT(options_.baseline_alpha > 0.0f && options_.baseline_alpha <= 1.0f);
}

void BlinkDetector::reset() {
  baseline_ = 0;
  have_baseline_ = false;
  closed_run_ = 0;
  blinks_ = 0;
}

bool BlinkDetector::push(float ear) {
  if (!std::isfinite(ear)) return false;  // a frame without a usable mesh: no evidence either way
  if (!have_baseline_) {
    baseline_ = ear;
    have_baseline_ = true;
    return false;
  }
  if (ear < threshold()) {
    ++closed_run_;
    // Narrowed eyes for longer than a blink (squinting, a lower gaze): let the baseline follow, so
    // the threshold does not stay above the person's new open-eye level.
    if (closed_run_ > options_.max_frames) baseline_ += options_.baseline_alpha * (ear - baseline_);
    return false;
  }
  // Eye open: close any run, then adapt the open-eye baseline.
  const int run = closed_run_;
  closed_run_ = 0;
  baseline_ += options_.baseline_alpha * (ear - baseline_);
  if (run >= options_.min_frames && run <= options_.max_frames) {
    ++blinks_;
    return true;
  }
  return false;
}

}  // namespace sentio::vision
