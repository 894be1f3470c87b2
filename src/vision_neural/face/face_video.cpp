// SPDX-License-Identifier: Apache-2.0
// FaceVideoAnalyzer: detection every N frames, landmark tracking in between.
//
// Method. On a detection frame the per-image pipeline runs unchanged (FaceAnalyzer::Impl::analyze), and
// for each face we record how its detector box sits relative to its mesh: in the eye-aligned frame
// (rotated by the mesh roll) the mesh's extent E = max(width, height) of its 468 points, the box width
// and height in units of E and the offset of the box centre from the mesh centre in units of E. On the
// next frames the box is rebuilt from the previous frame's mesh with those ratios, so the FaceMesh crop
// (1.5 x the box side, rotated by the roll) has the same framing as on a detection frame and the mesh
// sees inputs like the ones it gets after detection. A face whose presence falls below the threshold is
// lost, and that frame is analysed again with the detector. A shot cut (the frame's colour histogram far
// from the previous frame's) also makes a detection frame: after a cut the mesh of the previous shot's face
// would follow whoever now sits in the same place. Faces are described by the identity model (faceres)
// when needed (FaceVideoOptions::identity_interval): after a cut or a lost face, for a new face, when the
// description is old, and when the face no longer looks as it did when described (a fade from one person to
// another keeps the mesh on the face, so only its look tells); otherwise a face carries its last description.
#include "sentio/vision_neural/face_video.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "face/analyzer_impl.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision/face_tracker.hpp"

namespace sentio::vision {

namespace {

// How the detector box relates to the mesh (see the method above).
struct BoxFit {
  float width = 1, height = 1;  // box width / height in units of the mesh extent
  float du = 0, dv = 0;         // box centre - mesh centre, eye-aligned frame, units of the mesh extent
};

struct MeshFrame {
  float uc = 0, vc = 0;  // mesh centre in the eye-aligned frame (rotated by -roll about the origin)
  float extent = 0;      // max(width, height) of the mesh there
  float c = 1, s = 0;    // cos, sin of the roll
};

MeshFrame mesh_frame(const FaceResult& f) {
  MeshFrame m;
  m.c = std::cos(f.roll);
  m.s = std::sin(f.roll);
  float u0 = 1e30f, u1 = -1e30f, v0 = 1e30f, v1 = -1e30f;
  for (const Point3& p : f.landmarks) {
    const float u = m.c * p.x + m.s * p.y;
    const float v = -m.s * p.x + m.c * p.y;
    u0 = std::min(u0, u), u1 = std::max(u1, u), v0 = std::min(v0, v), v1 = std::max(v1, v);
  }
  m.uc = 0.5f * (u0 + u1);
  m.vc = 0.5f * (v0 + v1);
  m.extent = std::max(u1 - u0, v1 - v0);
  return m;
}

BoxFit fit_box(const FaceResult& f) {
  const MeshFrame m = mesh_frame(f);
  BoxFit fit;
  if (!(m.extent > 0)) return fit;
  const float bx = 0.5f * (f.box.x0 + f.box.x1);
  const float by = 0.5f * (f.box.y0 + f.box.y1);
  const float bu = m.c * bx + m.s * by;
  const float bv = -m.s * bx + m.c * by;
  fit.width = f.box.width() / m.extent;
  fit.height = f.box.height() / m.extent;
  fit.du = (bu - m.uc) / m.extent;
  fit.dv = (bv - m.vc) / m.extent;
  return fit;
}

FaceBox box_from_mesh(const FaceResult& f, const BoxFit& fit) {
  const MeshFrame m = mesh_frame(f);
  const float u = m.uc + fit.du * m.extent;
  const float v = m.vc + fit.dv * m.extent;
  const float x = m.c * u - m.s * v;
  const float y = m.s * u + m.c * v;
  const float hw = 0.5f * fit.width * m.extent;
  const float hh = 0.5f * fit.height * m.extent;
  return {x - hw, y - hh, x + hw, y + hh};
}

Point2 mean2(const Point3& a, const Point3& b) { return {0.5f * (a.x + b.x), 0.5f * (a.y + b.y)}; }

// BlazeFace's six keypoints read from the mesh (canonical MediaPipe indices): eye centres as the mean of
// the eye corners (33/133, 263/362), nose tip 1, mouth centre 13/14, tragions 234 and 454.
void keypoints_from_mesh(FaceResult& f) {
  const auto& l = f.landmarks;
  f.keypoints[static_cast<int>(FaceKeypoint::right_eye)] = mean2(l[33], l[133]);
  f.keypoints[static_cast<int>(FaceKeypoint::left_eye)] = mean2(l[263], l[362]);
  f.keypoints[static_cast<int>(FaceKeypoint::nose)] = {l[1].x, l[1].y};
  f.keypoints[static_cast<int>(FaceKeypoint::mouth)] = mean2(l[13], l[14]);
  f.keypoints[static_cast<int>(FaceKeypoint::right_ear)] = {l[234].x, l[234].y};
  f.keypoints[static_cast<int>(FaceKeypoint::left_ear)] = {l[454].x, l[454].y};
}

float box_iou(const FaceBox& a, const FaceBox& b) {
  const float ix = std::max(0.0f, std::min(a.x1, b.x1) - std::max(a.x0, b.x0));
  const float iy = std::max(0.0f, std::min(a.y1, b.y1) - std::max(a.y0, b.y0));
  const float inter = ix * iy;
  const float uni = a.width() * a.height() + b.width() * b.height() - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

// Colour histogram of a frame for cut detection: 8 levels per channel of a 64 x 48 area-averaged thumbnail,
// normalised to sum 1.
using FrameHistogram = std::array<float, 512>;

FrameHistogram frame_histogram(const cv::Mat& rgb) {
  cv::Mat small;
  cv::resize(rgb, small, cv::Size(64, 48), 0, 0, cv::INTER_AREA);
  FrameHistogram h{};
  for (int y = 0; y < small.rows; ++y) {
    const auto* p = small.ptr<std::uint8_t>(y);
    for (int x = 0; x < small.cols; ++x, p += 3) h[static_cast<std::size_t>((p[0] >> 5) * 64 + (p[1] >> 5) * 8 + (p[2] >> 5))] += 1;
  }
  for (float& v : h) v /= static_cast<float>(small.rows * small.cols);
  return h;
}

float histogram_distance(const FrameHistogram& a, const FrameHistogram& b) {
  float d = 0;
  for (std::size_t k = 0; k < a.size(); ++k) d += std::fabs(a[k] - b[k]);
  return 0.5f * d;
}

}  // namespace

struct FaceVideoAnalyzer::Impl {
  const FaceAnalyzer::Impl& pipeline;
  FaceVideoOptions options;
  FaceVideoStats stats;
  struct Track {
    FaceResult face;  // last frame's result (landmarks, roll; box unclamped)
    BoxFit fit;
    int identity_age = 0;  // detection frames since `face.identity` was described
    std::vector<float> described_look;  // the face's appearance descriptor when it was described
  };
  std::vector<Track> tracks;
  int since_detection = 0;  // frames since the last detection frame
  bool force_detection = true;
  std::optional<FrameHistogram> last_histogram;  // of the previous frame, for cut detection

  Impl(const FaceAnalyzer::Impl& p, FaceVideoOptions o) : pipeline(p), options(o) {}

  // `scheduled`: a periodic detection (not one made by a cut or a lost face), on which faces found where a
  // followed face was may keep its description.
  std::vector<FaceResult> detect_frame(const cv::Mat& rgb, bool scheduled) {
    ++stats.detection_frames;
    since_detection = 0;
    force_detection = false;
    std::vector<FaceResult> faces = pipeline.detector.detect(rgb, pipeline.options);
    pipeline.mesh_and_classify(rgb, faces, options.executor);
    std::vector<Track> found(faces.size());
    std::vector<std::vector<float>> looks(faces.size());
    if (pipeline.identity) {
      for (std::size_t i = 0; i < faces.size(); ++i)
        looks[i] = appearance_descriptor(rgb.data, rgb.cols, rgb.rows, faces[i].box, faces[i].roll);
      if (scheduled) carry_identities(faces, looks, found);
    }
    pipeline.describe(rgb, faces, options.executor);  // the faces without a description
    std::vector<Track> kept;
    for (std::size_t i = 0; i < faces.size(); ++i) {
      stats.descriptions += faces[i].identity_described ? 1 : 0;
      if (faces[i].presence < pipeline.options.presence_threshold) continue;
      Track& t = found[i];
      t.face = faces[i];
      t.fit = fit_box(faces[i]);
      if (faces[i].identity_described) t.described_look = std::move(looks[i]);
      kept.push_back(std::move(t));
    }
    tracks = std::move(kept);
    pipeline.finish(rgb, faces);
    return faces;
  }

  // Gives each face the description of the followed face it replaces (largest box IoU, at least 0.5) while
  // that description is young enough and the face still looks as it did when described; `found` receives
  // the carried descriptions' ages and looks.
  void carry_identities(std::vector<FaceResult>& faces, const std::vector<std::vector<float>>& looks,
                        std::vector<Track>& found) const {
    constexpr float kSameFaceIou = 0.5f;
    std::vector<char> taken(tracks.size(), 0);
    for (std::size_t i = 0; i < faces.size(); ++i) {
      int best = -1;
      float best_iou = kSameFaceIou;
      for (std::size_t k = 0; k < tracks.size(); ++k) {
        const float o = box_iou(faces[i].box, tracks[k].face.box);
        if (!taken[k] && o >= best_iou) best_iou = o, best = static_cast<int>(k);
      }
      if (best < 0) continue;
      const Track& t = tracks[static_cast<std::size_t>(best)];
      if (t.face.identity.empty() || t.identity_age + 1 >= options.identity_interval ||
          appearance_similarity(looks[i], t.described_look) < options.identity_appearance_similarity)
        continue;
      taken[static_cast<std::size_t>(best)] = 1;
      faces[i].identity = t.face.identity;
      found[i].identity_age = t.identity_age + 1;
      found[i].described_look = t.described_look;
    }
  }

  // Describes afresh each followed face (`faces[i]` follows tracks[i]) that no longer looks as it did when
  // it was described: a fade from one person to another, or someone stepping into the place.
  void refresh_identities(const cv::Mat& rgb, std::vector<FaceResult>& faces) {
    std::vector<std::vector<float>> looks(faces.size());
    bool any = false;
    for (std::size_t i = 0; i < faces.size(); ++i) {
      looks[i] = appearance_descriptor(rgb.data, rgb.cols, rgb.rows, faces[i].box, faces[i].roll);
      if (appearance_similarity(looks[i], tracks[i].described_look) < options.identity_appearance_similarity) {
        faces[i].identity.clear();
        any = true;
      }
    }
    if (!any) return;
    pipeline.describe(rgb, faces, options.executor);
    for (std::size_t i = 0; i < faces.size(); ++i) {
      if (!faces[i].identity_described) continue;
      ++stats.descriptions;
      tracks[i].face.identity = faces[i].identity;
      tracks[i].identity_age = 0;
      tracks[i].described_look = std::move(looks[i]);
    }
  }

  // Faces from the previous frame's meshes; false when one was lost (the caller then detects).
  bool track_frame(const cv::Mat& rgb, std::vector<FaceResult>& faces) {
    faces.clear();
    for (const Track& t : tracks) {
      FaceResult f = t.face;
      f.box = box_from_mesh(t.face, t.fit);
      faces.push_back(std::move(f));
    }
    pipeline.mesh_and_classify(rgb, faces, options.executor);
    for (const FaceResult& f : faces)
      if (f.presence < pipeline.options.presence_threshold) return false;
    // Re-derive each box from the new mesh; merge faces that converged onto one.
    std::vector<bool> drop(faces.size(), false);
    for (std::size_t i = 0; i < faces.size(); ++i) {
      faces[i].box = box_from_mesh(faces[i], tracks[i].fit);
      keypoints_from_mesh(faces[i]);
    }
    for (std::size_t i = 0; i < faces.size(); ++i)
      for (std::size_t j = i + 1; j < faces.size(); ++j) {
        if (drop[i] || drop[j] || box_iou(faces[i].box, faces[j].box) <= options.duplicate_iou) continue;
        drop[faces[i].presence >= faces[j].presence ? j : i] = true;
      }
    std::vector<Track> kept;
    std::vector<FaceResult> out;
    for (std::size_t i = 0; i < faces.size(); ++i) {
      if (drop[i]) continue;
      faces[i].identity_described = false;  // carried over from the detection frame
      kept.push_back({faces[i], tracks[i].fit, tracks[i].identity_age, std::move(tracks[i].described_look)});
      out.push_back(std::move(faces[i]));
    }
    tracks = std::move(kept);
    faces = std::move(out);
    if (pipeline.identity) refresh_identities(rgb, faces);
    pipeline.finish(rgb, faces);
    stats.tracked_faces += static_cast<std::int64_t>(faces.size());
    ++since_detection;
    return true;
  }
};

FaceVideoAnalyzer::FaceVideoAnalyzer(const FaceAnalyzer& analyzer, FaceVideoOptions options)
    : impl_(std::make_unique<Impl>(*analyzer.impl_, options)) {
  SENTIO_ASSERT(options.detect_interval >= 1 && options.identity_interval >= 1);
}
FaceVideoAnalyzer::~FaceVideoAnalyzer() = default;
FaceVideoAnalyzer::FaceVideoAnalyzer(FaceVideoAnalyzer&&) noexcept = default;
FaceVideoAnalyzer& FaceVideoAnalyzer::operator=(FaceVideoAnalyzer&&) noexcept = default;

const FaceVideoStats& FaceVideoAnalyzer::stats() const { return impl_->stats; }
const FaceVideoOptions& FaceVideoAnalyzer::options() const { return impl_->options; }

void FaceVideoAnalyzer::reset() {
  impl_->tracks.clear();
  impl_->since_detection = 0;
  impl_->force_detection = true;
  impl_->last_histogram.reset();
}

std::vector<FaceResult> FaceVideoAnalyzer::next(const std::uint8_t* rgb, int width, int height) {
  SENTIO_ASSERT(rgb != nullptr && width > 0 && height > 0);
  Impl& m = *impl_;
  const cv::Mat image(height, width, CV_8UC3, const_cast<std::uint8_t*>(rgb));  // only read
  ++m.stats.frames;
  if (!m.pipeline.options.landmarks) {
    ++m.stats.detection_frames;
    std::vector<FaceResult> faces = m.pipeline.detector.detect(image, m.pipeline.options);
    m.pipeline.mesh_and_classify(image, faces, m.options.executor);
    m.pipeline.describe(image, faces, m.options.executor);
    for (const FaceResult& f : faces) m.stats.descriptions += f.identity_described ? 1 : 0;
    m.pipeline.finish(image, faces);
    return faces;
  }
  if (m.options.cut_threshold <= 1.0f) {
    const FrameHistogram h = frame_histogram(image);
    if (m.last_histogram && histogram_distance(*m.last_histogram, h) > m.options.cut_threshold) {
      ++m.stats.cuts;
      m.force_detection = true;
    }
    m.last_histogram = h;
  }
  const bool due = m.force_detection || m.since_detection + 1 >= m.options.detect_interval;
  if (due || m.tracks.empty()) {
    // With nothing to track, frames between detections have no faces by definition.
    if (due) return m.detect_frame(image, /*scheduled=*/!m.force_detection);
    ++m.since_detection;
    return {};
  }
  std::vector<FaceResult> faces;
  if (m.track_frame(image, faces)) return faces;
  ++m.stats.lost_redetections;
  return m.detect_frame(image, /*scheduled=*/false);
}

}  // namespace sentio::vision
