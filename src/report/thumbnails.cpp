// SPDX-License-Identifier: Apache-2.0
// Face thumbnails: per track the observation with the largest box; its frame decoded (frames read in
// time order, so one pass over the video serves every track), the box cut with a margin, scaled to
// kThumbSize px on its longer side by area averaging, optionally pixelated, encoded as JPEG.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "report_internal.hpp"
#include "sentio/core/base64.hpp"
#include "sentio/media/image_encoder.hpp"
#include "sentio/media/video_reader.hpp"

namespace sentio::report::detail {

using nlohmann::json;

namespace {

constexpr int kThumbSize = 96;        // px, longer side
constexpr double kMargin = 0.25;      // of the box size, added on each side
constexpr int kBlurBlocks = 8;        // --blur-faces: the thumbnail becomes 8 x 8 flat blocks
constexpr int kJpegQuality = 80;

struct Target {
  int track = 0;
  double time = 0;
  double box[4] = {0, 0, 0, 0};  // x0 y0 x1 y1 in the analysed frame's pixels
};

struct Image {
  int w = 0, h = 0;
  std::vector<std::uint8_t> rgb;
};

// Area-average resampling of the region [x0,x1) x [y0,y1) of `frame` to w x h.
Image crop_scale(const media::VideoFrame& frame, int x0, int y0, int x1, int y1, int w, int h) {
  Image out{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3)};
  const double sx = static_cast<double>(x1 - x0) / w, sy = static_cast<double>(y1 - y0) / h;
  for (int oy = 0; oy < h; ++oy) {
    const int ya = y0 + static_cast<int>(oy * sy), yb = std::max(ya + 1, y0 + static_cast<int>((oy + 1) * sy));
    for (int ox = 0; ox < w; ++ox) {
      const int xa = x0 + static_cast<int>(ox * sx), xb = std::max(xa + 1, x0 + static_cast<int>((ox + 1) * sx));
      double acc[3] = {0, 0, 0};
      int n = 0;
      for (int y = ya; y < std::min(yb, frame.height); ++y)
        for (int x = xa; x < std::min(xb, frame.width); ++x) {
          const std::uint8_t* p = frame.rgb.data() + (static_cast<std::size_t>(y) * frame.width + x) * 3;
          for (int c = 0; c < 3; ++c) acc[c] += p[c];
          ++n;
        }
      std::uint8_t* q = out.rgb.data() + (static_cast<std::size_t>(oy) * w + ox) * 3;
      for (int c = 0; c < 3; ++c) q[c] = static_cast<std::uint8_t>(n > 0 ? std::lround(acc[c] / n) : 0);
    }
  }
  return out;
}

// Replaces each of kBlurBlocks x kBlurBlocks blocks by its mean colour.
void pixelate(Image& img) {
  for (int by = 0; by < kBlurBlocks; ++by)
    for (int bx = 0; bx < kBlurBlocks; ++bx) {
      const int x0 = bx * img.w / kBlurBlocks, x1 = (bx + 1) * img.w / kBlurBlocks;
      const int y0 = by * img.h / kBlurBlocks, y1 = (by + 1) * img.h / kBlurBlocks;
      double acc[3] = {0, 0, 0};
      const int n = std::max(1, (x1 - x0) * (y1 - y0));
      for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
          for (int c = 0; c < 3; ++c) acc[c] += img.rgb[(static_cast<std::size_t>(y) * img.w + x) * 3 + c];
      for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
          for (int c = 0; c < 3; ++c)
            img.rgb[(static_cast<std::size_t>(y) * img.w + x) * 3 + c] = static_cast<std::uint8_t>(std::lround(acc[c] / n));
    }
}

std::string thumbnail(const media::VideoFrame& frame, const Target& t, double scale, bool blur) {
  const double bw = (t.box[2] - t.box[0]) * scale, bh = (t.box[3] - t.box[1]) * scale;
  const double cx = (t.box[0] + t.box[2]) / 2 * scale, cy = (t.box[1] + t.box[3]) / 2 * scale;
  const double side = std::max(bw, bh) * (1 + 2 * kMargin);
  const int x0 = std::clamp(static_cast<int>(cx - side / 2), 0, frame.width - 1);
  const int y0 = std::clamp(static_cast<int>(cy - side / 2), 0, frame.height - 1);
  const int x1 = std::clamp(static_cast<int>(cx + side / 2), x0 + 1, frame.width);
  const int y1 = std::clamp(static_cast<int>(cy + side / 2), y0 + 1, frame.height);
  const int cw = x1 - x0, ch = y1 - y0;
  const int w = cw >= ch ? kThumbSize : std::max(1, kThumbSize * cw / ch);
  const int h = ch >= cw ? kThumbSize : std::max(1, kThumbSize * ch / cw);
  Image img = crop_scale(frame, x0, y0, x1, y1, w, h);
  if (blur) pixelate(img);
  const std::vector<std::uint8_t> jpeg = media::encode_jpeg(img.rgb, img.w, img.h, kJpegQuality);
  return "data:image/jpeg;base64," +
         base64_encode(std::string_view(reinterpret_cast<const char*>(jpeg.data()), jpeg.size()));
}

}  // namespace

std::map<int, std::string> face_thumbnails(const ParsedResult& result, const std::string& video, bool blur) {
  std::vector<Target> targets;
  const json& faces = result.doc.at("faces");
  std::size_t index = 0;
  for (const json& t : faces.at("tracks")) {
    Target best;
    double best_area = -1;
    if (index < result.samples.size())
      for (const FaceSample& o : result.samples[index]) {
        if (!o.has_box) continue;
        const auto& b = o.box;
        const double area = (b[2] - b[0]) * (b[3] - b[1]);
        if (area > best_area) {
          best_area = area;
          best.track = t.value("id", 0);
          best.time = o.time;
          std::copy(b.begin(), b.end(), best.box);
        }
      }
    ++index;
    if (best_area > 0) targets.push_back(best);
  }
  std::sort(targets.begin(), targets.end(), [](const Target& a, const Target& b) { return a.time < b.time; });
  std::map<int, std::string> out;
  if (targets.empty()) return out;

  const int analysed_w = faces.value("frame_width", 0);
  media::VideoReadOptions ro;
  ro.max_width = analysed_w;
  media::VideoReader reader(video, ro);
  media::VideoFrame frame, previous;
  std::size_t next = 0;
  bool have_previous = false;
  while (next < targets.size() && reader.next(frame)) {
    // The frame shown at the target time is the last one starting at or before it (with 1 ms slack
    // for the document's rounding).
    while (next < targets.size() && frame.time_s > targets[next].time + 1e-3) {
      const media::VideoFrame& f = have_previous ? previous : frame;
      const double scale = analysed_w > 0 ? static_cast<double>(f.width) / analysed_w : 1.0;
      out[targets[next].track] = thumbnail(f, targets[next], scale, blur);
      ++next;
    }
    std::swap(previous, frame);
    have_previous = true;
  }
  // Targets at or after the last frame: the last frame.
  for (; next < targets.size() && have_previous; ++next) {
    const double scale = analysed_w > 0 ? static_cast<double>(previous.width) / analysed_w : 1.0;
    out[targets[next].track] = thumbnail(previous, targets[next], scale, blur);
  }
  return out;
}

}  // namespace sentio::report::detail
