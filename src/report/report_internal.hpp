// SPDX-License-Identifier: Apache-2.0
#pragma once
// Pieces of the report, private to the module (tests reach them through the module's folder).
#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sentio/core/labels.hpp"

namespace sentio::report::detail {

using sentio::kEmotionCount;

// What parse_result keeps of the document.
enum class Keep {
  all,         // the whole document (it is embedded for download)
  report,      // what the page, the summary and the thumbnails read: per-frame group lists, facial cues,
               // acoustic measures and the probabilities of segments, utterances and moments' modalities
               // are skipped while parsing, face observations go straight into FaceSamples (a 60-minute
               // video's result: ~50-70 MB of JSON, most of it those)
  report_no_boxes  // as report, without the face boxes (no thumbnails)
};

// One face observation as the page and the thumbnails use it.
struct FaceSample {
  double time = 0, confidence = 0, valence = 0, arousal = 0;
  std::string label;
  std::array<double, kEmotionCount> probabilities{};  // in kEmotionNames order (faces.labels)
  std::array<double, 4> box{};                         // x0 y0 x1 y1, pixels of the analysed frame
  bool has_box = false;
};

struct ParsedResult {
  nlohmann::json doc;  // with Keep::report*, faces.tracks[].observations are absent (see samples)
  std::vector<std::vector<FaceSample>> samples;  // per faces.tracks[] index, in time order
  int major = 0;       // schema major version: 1 or 2
};

// Parses `text` and checks it is a Sentio analysis result (schema sentio.analysis/1 or /2). Throws
// InputError "<source>: <cause>" otherwise.
ParsedResult parse_result(std::string_view text, std::string_view source, Keep keep = Keep::all);

// The copy of the document the page draws from: only the fields it shows, scores rounded to 1e-4, every
// face track's observations and the group windows reduced to at most `max_points` bucket means (equal
// runs of consecutive items), the group's per-frame list dropped. Other lists are kept whole.
nlohmann::json drawing_view(const ParsedResult& result, std::size_t max_points);

// Bucket means: splits `n` items into min(n, max_points) runs of consecutive items of (almost) equal
// length; returns the [begin, end) index ranges. max_points >= 1.
std::vector<std::pair<std::size_t, std::size_t>> buckets(std::size_t n, std::size_t max_points);

// A plain-English paragraph summing the document up (length, who spoke how long and how they mostly
// felt, the moments, the strongest one).
std::string summary_paragraph(const nlohmann::json& doc);

// "m:ss" (or "h:mm:ss") of a time in seconds.
std::string clock_time(double seconds);

// Text for inclusion in HTML element content or a double-quoted attribute.
std::string escape_html(std::string_view text);
// JSON text for a <script type="application/json"> element: "</" becomes "<\/" and "<!--" "\u003c!--", so
// the element cannot be closed or commented out from inside a string (both are the same JSON).
std::string escape_script_json(std::string_view json);
// A relative path as a URL path: each segment percent-encoded (RFC 3986 unreserved characters kept).
std::string url_path(const std::string& generic_path);

// One data:image/jpeg URI per face track id, cut from `video` at the track's largest observed box.
// Throws InputError when the video cannot be read; tracks whose frame is never reached are left out.
std::map<int, std::string> face_thumbnails(const ParsedResult& result, const std::string& video, bool blur);

struct PageParts {
  std::string title;
  std::string summary;      // plain text
  std::string view_json;    // drawing_view, compact
  std::string result_json;  // the whole document for download, compact; "" when too large to embed
  std::string meta_json;    // report notes, media, thumbnails, sizes (report.js reads it)
  std::string media_source; // CSP media-src expression; "" = no media allowed
};
// Fills the template (assets/report.html) with the styles, script and parts; the CSP allows exactly
// the inline script and style of the page (by hash), data: images and the media.
std::string assemble_page(const PageParts& parts);

}  // namespace sentio::report::detail
