// SPDX-License-Identifier: Apache-2.0
// read_transcript / parse_transcript: decoding, format choice, and the checks common to all formats
// (empty text, end before start, ordering, overlaps).
#include "sentio/text/transcript.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "sentio/core/error.hpp"
#include "transcript_internal.hpp"

namespace sentio::text {
namespace {

constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;  // 1 GiB: no transcript is larger

TranscriptFormat format_from_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (ext == ".srt") return TranscriptFormat::srt;
  if (ext == ".vtt" || ext == ".webvtt") return TranscriptFormat::webvtt;
  if (ext == ".json") return TranscriptFormat::json;
  if (ext == ".csv" || ext == ".tsv") return TranscriptFormat::csv;
  if (ext == ".txt") return TranscriptFormat::plain;
  return TranscriptFormat::automatic;
}

bool same_family(TranscriptFormat a, TranscriptFormat b) {
  const auto csvish = [](TranscriptFormat f) { return f == TranscriptFormat::csv || f == TranscriptFormat::meld_csv; };
  return a == b || (csvish(a) && csvish(b));
}

detail::ParseResult dispatch(std::string_view doc, TranscriptFormat format, const detail::ParseContext& ctx) {
  switch (format) {
    case TranscriptFormat::srt: return detail::parse_srt(doc, ctx);
    case TranscriptFormat::webvtt: return detail::parse_webvtt(doc, ctx);
    case TranscriptFormat::json: return detail::parse_json(doc, ctx);
    case TranscriptFormat::csv: return detail::parse_csv(doc, ctx, false);
    case TranscriptFormat::meld_csv: return detail::parse_csv(doc, ctx, true);
    case TranscriptFormat::plain: return detail::parse_plain(doc, ctx);
    case TranscriptFormat::automatic: break;
  }
  SENTIO_ASSERT(false);
  return {};
}

// Empty texts dropped, end >= start checked, unsorted starts sorted (stable), overlaps counted.
Transcript finish(detail::ParseResult r, TranscriptFormat format, const std::string& name) {
  Transcript t;
  t.format = std::string(format_name(format));
  t.warnings = std::move(r.warnings);
  std::size_t empty = 0;
  bool unsorted = false;
  bool all_starts_known = true;
  double prev_start = -1;
  t.utterances.reserve(r.utterances.size());
  for (std::size_t k = 0; k < r.utterances.size(); ++k) {
    Utterance& u = r.utterances[k];
    if (u.start >= 0 && u.end >= 0 && u.end < u.start) {
      throw InputError(name + ": " + r.where[k] + ": end " + detail::format_time(u.end) + " is before start " +
                       detail::format_time(u.start));
    }
    if (u.text.empty()) {
      ++empty;
      continue;
    }
    if (u.start < 0) all_starts_known = false;
    if (u.start >= 0 && prev_start >= 0 && u.start < prev_start) unsorted = true;
    if (u.start >= 0) prev_start = u.start;
    t.utterances.push_back(std::move(u));
  }
  if (t.utterances.empty()) {
    throw InputError(name + ": no utterances found (read as " + t.format + (empty > 0 ? ", all texts are empty)" : ")"));
  }
  if (empty > 0) t.warnings.push_back(name + ": " + std::to_string(empty) + " utterance(s) with empty text skipped");
  if (unsorted && r.sortable) {
    if (all_starts_known) {
      std::stable_sort(t.utterances.begin(), t.utterances.end(),
                       [](const Utterance& a, const Utterance& b) { return a.start < b.start; });
      t.warnings.push_back(name + ": start times are not in order; utterances sorted by start time");
    } else {
      t.warnings.push_back(name + ": start times are not in order (kept: some utterances have no start time)");
    }
  }
  std::size_t overlaps = 0;
  for (std::size_t k = 1; k < t.utterances.size(); ++k) {
    const Utterance& a = t.utterances[k - 1];
    const Utterance& b = t.utterances[k];
    if (r.sortable && a.end >= 0 && b.start >= 0 && b.start < a.end) ++overlaps;
  }
  if (overlaps > 0) {
    t.warnings.push_back(name + ": " + std::to_string(overlaps) + " utterance(s) overlap the previous one (kept)");
  }
  return t;
}

}  // namespace

namespace detail {

TranscriptFormat sniff_format(std::string_view doc) {
  const auto lines = split_lines(doc.substr(0, std::min<std::size_t>(doc.size(), 1 << 16)));
  std::size_t k = 0;
  while (k < lines.size() && trim(lines[k]).empty()) ++k;
  if (k == lines.size()) return TranscriptFormat::automatic;
  const std::string_view first = trim(lines[k]);
  if (starts_with_word(first, "WEBVTT")) return TranscriptFormat::webvtt;
  if (first[0] == '{') return TranscriptFormat::json;
  if (first[0] == '[') {  // a JSON array starts an object/array/string/number/']' next, "[Music] hi" does not
    const std::string_view rest = trim(doc.substr(doc.find('[') + 1, 256));
    if (rest.empty() || std::string_view("{[]\"-0123456789").find(rest[0]) != std::string_view::npos) {
      return TranscriptFormat::json;
    }
  }
  // SRT: the first or second line is a timing line whose start parses as a clock time.
  const auto is_timing = [](std::string_view line) {
    const std::size_t arrow = line.find("-->");
    double t = 0;
    return arrow != std::string_view::npos && parse_clock_time(line.substr(0, arrow), t);
  };
  if (is_timing(first) || (k + 1 < lines.size() && is_timing(lines[k + 1]))) return TranscriptFormat::srt;
  // CSV: a header line with a delimiter naming a text column.
  if (first.find_first_of(",;\t") != std::string_view::npos) {
    std::vector<std::string> names;
    std::size_t pos = 0;
    while (pos <= first.size()) {
      const std::size_t d = first.find_first_of(",;\t", pos);
      names.push_back(lower_alnum(first.substr(pos, d == std::string_view::npos ? std::string_view::npos : d - pos)));
      if (d == std::string_view::npos) break;
      pos = d + 1;
    }
    const auto has = [&](std::string_view n) { return std::find(names.begin(), names.end(), n) != names.end(); };
    if (has("utterance") && has("speaker") && (has("dialogueid") || has("sceneid")) && has("utteranceid") &&
        has("starttime")) {
      return TranscriptFormat::meld_csv;
    }
    if (has("text") || has("utterance") || has("transcript") || has("sentence")) return TranscriptFormat::csv;
  }
  return TranscriptFormat::automatic;
}

}  // namespace detail

std::string_view format_name(TranscriptFormat format) {
  switch (format) {
    case TranscriptFormat::automatic: return "auto";
    case TranscriptFormat::srt: return "srt";
    case TranscriptFormat::webvtt: return "webvtt";
    case TranscriptFormat::json: return "json";
    case TranscriptFormat::csv: return "csv";
    case TranscriptFormat::meld_csv: return "meld";
    case TranscriptFormat::plain: return "plain";
  }
  return "auto";
}

namespace {

Transcript parse_with_hint(std::string_view content, TranscriptFormat forced, TranscriptFormat hint,
                           const std::string& name, const TranscriptOptions& options) {
  detail::ParseContext ctx;
  ctx.name = name;
  ctx.cp1252 = options.cp1252_controls;
  ctx.speaker_prefixes = options.speaker_prefixes;
  std::vector<std::string> warnings;
  if (content.empty()) throw InputError(name + ": is empty (0 bytes)");
  const std::string doc = detail::decode_document(content, ctx, warnings);
  if (detail::trim(doc).empty()) throw InputError(name + ": is empty (only white space)");
  TranscriptFormat format = forced;
  if (format == TranscriptFormat::automatic) {
    const TranscriptFormat sniffed = detail::sniff_format(doc);
    if (sniffed != TranscriptFormat::automatic) {
      format = sniffed;
      if (hint != TranscriptFormat::automatic && hint != TranscriptFormat::plain && !same_family(hint, sniffed)) {
        warnings.push_back(name + ": the content is " + std::string(format_name(sniffed)) +
                           ", not what the file extension says; read as " + std::string(format_name(sniffed)));
      }
    } else {
      format = hint == TranscriptFormat::automatic ? TranscriptFormat::plain : hint;
    }
  }
  detail::ParseResult r = dispatch(doc, format, ctx);
  warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
  r.warnings = std::move(warnings);
  return finish(std::move(r), format, name);
}

}  // namespace

Transcript parse_transcript(std::string_view content, TranscriptFormat format, const std::string& name_for_errors,
                            const TranscriptOptions& options) {
  return parse_with_hint(content, format, TranscriptFormat::automatic, name_for_errors, options);
}

Transcript read_transcript(const std::string& path, const TranscriptOptions& options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw InputError(path + ": file not found");
  if (std::filesystem::is_directory(status)) throw InputError(path + ": is a directory, not a transcript file");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxFileBytes) {
    throw InputError(path + ": too large for a transcript (" + std::to_string(size) + " bytes)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be opened for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path + ": read error");
  return parse_with_hint(bytes, options.format, format_from_extension(path), path, options);
}

}  // namespace sentio::text
