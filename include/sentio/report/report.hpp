// SPDX-License-Identifier: Apache-2.0
#pragma once
// The self-contained HTML report of one analysis result (docs/REPORT.md): one file with its styles,
// script and data inlined, charts drawn as SVG by the page itself, no network request when viewed.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace sentio::report {

struct ReportOptions {
  std::string media_path;   // the recording to play in the page ("" = none); linked by its path relative to
                            // the report's folder (write_report) or as given (render_report), never embedded
  bool thumbnails = true;   // one face thumbnail per track, cut from media_path when it is a video
  bool blur_faces = false;  // thumbnails pixelated beyond recognition (8 x 8 blocks)
  std::string title;        // page title; "" = "Sentio report: <input file name>"
  std::size_t max_points = 2000;  // longest series drawn (face observations, group windows); longer ones are
                                  // reduced to this many bucket means before embedding
};

// Renders the HTML page for one result document (JSON text of schema sentio.analysis/1 or /2).
// Throws InputError naming `source_name` when the text is not JSON, not a Sentio result, or of an unknown
// schema version. Other problems (media missing, thumbnails failing) become notes in the page.
// render_report links the media by options.media_path as given (a relative path is relative to the page).
std::string render_report(std::string_view result_json, std::string_view source_name, const ReportOptions& options);

// Reads RESULT.json, renders it (media linked relative to out's folder) and writes OUT atomically (a
// temporary name in the same folder, then rename): on any error nothing is written. Throws InputError naming
// the file for unreadable input, a bad document or an unwritable output.
void write_report(const std::filesystem::path& result, const std::filesystem::path& out, const ReportOptions& options);

}  // namespace sentio::report
