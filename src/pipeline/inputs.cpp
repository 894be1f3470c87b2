// SPDX-License-Identifier: Apache-2.0
#include "sentio/pipeline/inputs.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>

namespace sentio::pipeline {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_list_file(const fs::path& p, bool txt_lists) {
  const std::string ext = lower(p.extension().string());
  return (txt_lists && ext == ".txt") || ext == ".lst";
}

// A FIFO, device or socket named as an input would be read until it ends (a FIFO without a writer waits
// forever); standard input is '-'.
bool is_special_file(const fs::path& p) {
  std::error_code ec;
  const fs::file_status st = fs::status(p, ec);
  return !ec && fs::exists(st) && !fs::is_regular_file(st) && !fs::is_directory(st);
}

void add_file(const std::string& path, ExpandedInputs& out) {
  if (is_special_file(path)) {
    out.problems.push_back({path, "'" + path + "': not a regular file (a FIFO, device or socket); give '-' to read "
                                  "standard input"});
    return;
  }
  out.files.push_back(path);
}

void add_directory(const fs::path& dir, bool include_images, ExpandedInputs& out) {
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string path = it->path().string();
    if (has_media_extension(path) || (include_images && media_kind_from_extension(path) == MediaKind::image))
      found.push_back(path);
  }
  if (ec) out.problems.push_back({dir.string(), "'" + dir.string() + "': cannot read directory: " + ec.message()});
  std::sort(found.begin(), found.end());
  if (found.empty() && !ec) out.problems.push_back({dir.string(), "'" + dir.string() + "': directory contains no media files"});
  out.files.insert(out.files.end(), found.begin(), found.end());
}

void add_list_file(const fs::path& list, ExpandedInputs& out) {
  std::ifstream in(list);
  if (!in) {
    out.problems.push_back({list.string(), "'" + list.string() + "': cannot open list file"});
    return;
  }
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    fs::path p = line.substr(first);
    if (p.is_relative()) p = list.parent_path() / p;
    add_file(p.lexically_normal().string(), out);
  }
}

}  // namespace

MediaKind media_kind_from_extension(const std::string& path) {
  static const std::array<const char*, 13> kAudio = {".wav", ".flac", ".mp3", ".ogg", ".opus", ".oga", ".m4a",
                                                     ".aac", ".wma", ".aif", ".aiff", ".amr", ".au"};
  static const std::array<const char*, 9> kVideo = {".mp4", ".mkv", ".webm", ".mpg", ".mpeg",
                                                    ".avi", ".mov", ".m4v", ".ts"};
  static const std::array<const char*, 10> kImage = {".jpg", ".jpeg", ".png", ".bmp", ".webp",
                                                     ".tif", ".tiff", ".pgm", ".ppm", ".pnm"};
  const std::string ext = lower(fs::path(path).extension().string());
  const auto in = [&](const auto& set) { return std::find(set.begin(), set.end(), ext) != set.end(); };
  if (in(kAudio)) return MediaKind::audio;
  if (in(kVideo)) return MediaKind::video;
  if (in(kImage)) return MediaKind::image;
  if (ext == ".srt" || ext == ".vtt") return MediaKind::subtitles;
  return MediaKind::other;
}

bool has_media_extension(const std::string& path) {
  const MediaKind kind = media_kind_from_extension(path);
  return kind == MediaKind::audio || kind == MediaKind::video;
}

std::string base_name_without_extension(const std::string& path) { return fs::path(path).stem().string(); }

ExpandedInputs expand_inputs(const std::vector<std::string>& args, bool include_images, bool txt_lists) {
  ExpandedInputs out;
  for (const std::string& a : args) {
    if (a.size() > 1 && a[0] == '@') {  // @FILE: always a list file, whatever its extension
      add_list_file(a.substr(1), out);
      continue;
    }
    const fs::path p(a);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      add_directory(p, include_images, out);
    } else if (fs::is_regular_file(p, ec) && is_list_file(p, txt_lists)) {
      add_list_file(p, out);
    } else {
      // Files (existing or not) go through; the decoder reports missing or unreadable ones per file.
      add_file(a, out);
    }
  }
  return out;
}

}  // namespace sentio::pipeline
