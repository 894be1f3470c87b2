// SPDX-License-Identifier: Apache-2.0
// render_report / write_report: the document checked and reduced, the notes gathered, the page assembled.
#include "sentio/report/report.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_internal.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"

namespace sentio::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The whole document is embedded for download up to this size (compact JSON); above it the page offers
// the reduced copy it draws from, and says so (docs/REPORT.md: a 60-minute video's result is ~25 MB).
constexpr std::size_t kFullEmbedLimit = 2'500'000;

bool is_video_path(const std::string& path) {
  static const char* const kExt[] = {".mp4", ".mkv", ".webm", ".mov", ".avi", ".mpg", ".mpeg", ".m4v", ".ogv"};
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* e : kExt)
    if (ext == e) return true;
  return false;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// `link` is how the page refers to the media (relative to the page); `file` where it is on disk now.
std::string render(std::string_view text, std::string_view source, const ReportOptions& options,
                   const std::string& media_file, const std::string& media_link) {
  // Small documents are embedded whole for download; large ones only as the reduced copy, so their
  // parts the page never reads are not even built (parse time and memory: docs/REPORT.md).
  const bool embed_whole = text.size() <= 4 * kFullEmbedLimit;
  const bool boxes = options.thumbnails && !options.media_path.empty() && is_video_path(media_file);
  const detail::ParsedResult parsed = detail::parse_result(
      text, source, embed_whole ? detail::Keep::all : boxes ? detail::Keep::report : detail::Keep::report_no_boxes);
  const json& doc = parsed.doc;
  const int major = parsed.major;
  json meta = json::object();
  json notes = json::array();
  meta["schema_major"] = major;
  meta["max_points"] = options.max_points;

  const json view = detail::drawing_view(parsed, options.max_points);
  detail::PageParts parts;
  parts.view_json = dump(view);
  // Compact JSON is never longer than the text it was read from; serialising a document far above the
  // limit only to measure it would cost more than the rest of the report.
  const std::string full = embed_whole ? dump(doc) : std::string();
  meta["result_bytes"] = full.empty() ? text.size() : full.size();
  if (!full.empty() && full.size() <= kFullEmbedLimit) {
    parts.result_json = full;
    meta["download"] = "full";
  } else {
    meta["download"] = "reduced";
    notes.push_back("The full result (" + std::to_string(meta["result_bytes"].get<std::size_t>() / 1'000'000) +
                    " MB) is too large to embed; the download holds the reduced copy the charts are drawn from "
                    "(long series as bucket means). Keep the original JSON file for the complete data.");
  }

  const std::string input_path = doc["input"].value("path", std::string());
  std::string input_name = fs::path(input_path).filename().string();
  if (input_name.empty()) input_name = std::string(source);
  parts.title = options.title.empty() ? "Sentio report: " + input_name : options.title;
  parts.summary = detail::summary_paragraph(doc);

  json media = nullptr;
  if (!options.media_path.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(media_file, ec)) {
      notes.push_back("The recording '" + options.media_path + "' was not found, so the page has no player.");
    } else {
      media = {{"src", detail::url_path(fs::path(media_link).generic_string())},
               {"kind", is_video_path(media_file) ? "video" : "audio"},
               {"name", fs::path(media_file).filename().string()}};
      parts.media_source = "'self'";
    }
  }
  meta["media"] = media;

  json thumbs = json::object();
  const auto faces = doc.find("faces");
  const bool has_tracks = faces != doc.end() && faces->is_object() && faces->contains("tracks") &&
                          (*faces)["tracks"].is_array() && !(*faces)["tracks"].empty();
  if (options.thumbnails && has_tracks) {
    if (media.is_null() || media["kind"] != "video") {
      notes.push_back("No face thumbnails: they are cut from the video, given with --media.");
    } else {
      try {
        for (const auto& [id, uri] : detail::face_thumbnails(parsed, media_file, options.blur_faces))
          thumbs[std::to_string(id)] = uri;
      } catch (const std::exception& e) {
        notes.push_back(std::string("No face thumbnails: ") + e.what());
      }
    }
  }
  meta["thumbnails"] = std::move(thumbs);
  meta["blurred"] = options.blur_faces;
  meta["notes"] = std::move(notes);
  meta["summary"] = parts.summary;
  parts.meta_json = dump(meta);
  return detail::assemble_page(parts);
}

// The file's bytes, mapped read-only (a 60-minute result is 50-70 MB: no copy, no zero-filled buffer).
class FileText {
 public:
  explicit FileText(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      if (fd >= 0) ::close(fd);
      throw InputError(path.string() + ": cannot open for reading");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        throw InputError(path.string() + ": cannot be read (" + std::strerror(errno) + ")");
      }
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);
  }
  ~FileText() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  std::string_view view() const { return {data_ != nullptr ? data_ : "", size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace

std::string render_report(std::string_view result_json, std::string_view source_name, const ReportOptions& options) {
  return render(result_json, source_name, options, options.media_path, options.media_path);
}

void write_report(const fs::path& result, const fs::path& out, const ReportOptions& options) {
  const FileText text(result);
  std::string link;
  if (!options.media_path.empty()) {
    std::error_code ec;
    const fs::path folder = fs::absolute(out, ec).parent_path();
    const fs::path rel = fs::absolute(options.media_path, ec).lexically_relative(folder);
    link = rel.empty() ? fs::absolute(options.media_path).generic_string() : rel.generic_string();
  }
  const std::string html = render(text.view(), result.string(), options, options.media_path, link);

  // The page never replaces its own result document (or the media) and is written whole or not at all.
  const std::string target = out.string();
  std::vector<std::string> inputs{result.string()};
  if (!options.media_path.empty()) inputs.push_back(options.media_path);
  refuse_output_over_inputs(target, inputs);
  write_file_atomically(target, html);
}

}  // namespace sentio::report
