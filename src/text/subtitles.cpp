// SPDX-License-Identifier: Apache-2.0
// SubRip (.srt) and WebVTT (.vtt) readers. Both are line-oriented: blocks separated by blank lines, each
// cue = [identifier] timing line "start --> end [settings]" + payload lines. The readers also accept a
// missing blank line before the next cue. Text blocks without a timing line after a cue are appended to
// that cue (with a warning) so no text is lost; before the first cue they are an error.
#include <string>

#include "sentio/core/error.hpp"
#include "transcript_internal.hpp"

namespace sentio::text::detail {
namespace {

bool is_blank(std::string_view line) { return trim(line).empty(); }

bool has_arrow(std::string_view line) { return line.find("-->") != std::string_view::npos; }

bool is_digits(std::string_view s) {
  s = trim(s);
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string line_ref(std::size_t index) { return "line " + std::to_string(index + 1); }

// Parses "start --> end [settings]" at lines[t]. Throws InputError naming the line.
void parse_timing(std::string_view line, std::size_t t, const ParseContext& ctx, Utterance& u) {
  const std::size_t arrow = line.find("-->");
  const std::string_view left = trim(line.substr(0, arrow));
  std::string_view right = trim(line.substr(arrow + 3));
  const std::size_t sp = right.find_first_of(" \t");  // WebVTT cue settings / SRT X1: coordinates
  if (sp != std::string_view::npos) right = right.substr(0, sp);
  if (!parse_clock_time(left, u.start) || !parse_clock_time(right, u.end)) {
    throw InputError(ctx.name + ": " + line_ref(t) + ": malformed timestamp in '" + std::string(trim(line)) +
                     "' (expected hh:mm:ss,mmm --> hh:mm:ss,mmm)");
  }
}

// SRT payload starting at `j`: ends at a blank line, at a timing line, or at a cue number directly
// followed by a timing line (a missing blank line between cues).
std::size_t srt_payload_end(const std::vector<std::string_view>& lines, std::size_t j) {
  while (j < lines.size() && !is_blank(lines[j]) && !has_arrow(lines[j]) &&
         !(is_digits(lines[j]) && j + 1 < lines.size() && has_arrow(lines[j + 1]))) {
    ++j;
  }
  return j;
}

void append_orphan(ParseResult& r, const std::vector<std::string_view>& lines, std::size_t from, std::size_t to,
                   const ParseContext& ctx) {
  std::string extra;
  for (std::size_t k = from; k < to; ++k) {
    extra += ' ';
    extra += strip_markup(lines[k], nullptr);
  }
  // last.text is already clean: clean only the new part (re-cleaning the whole cue for every orphan block
  // was quadratic in the number of blocks)
  Utterance& last = r.utterances.back();
  const std::string cleaned = clean_field(extra, ctx.cp1252);
  if (!cleaned.empty()) last.text += (last.text.empty() ? "" : " ") + cleaned;
}

// Orphan text blocks give one warning for the whole file (a file of 100,000 such blocks gave as many).
struct OrphanWarning {
  std::size_t count = 0;
  std::size_t first_line = 0;
  void add(std::size_t line) {
    if (count++ == 0) first_line = line;
  }
  void report(ParseResult& r, const ParseContext& ctx) const {
    if (count == 0) return;
    std::string w = ctx.name + ": " + line_ref(first_line) + ": text without a timing line appended to the previous cue";
    if (count > 1) w += " (" + std::to_string(count) + " such blocks)";
    r.warnings.push_back(std::move(w));
  }
};

// Appends the payload lines [first, end) of one cue as utterances with the cue's times: one per speaker,
// where a WebVTT <v Name> tag, or (unless ctx.speaker_prefixes is off) a line starting "Name: " by the
// plain-text rule of transcript.hpp, names the speaker ("Mark: I can't believe it" -> speaker Mark).
void append_cue(ParseResult& r, const Utterance& timing, const std::vector<std::string_view>& lines, std::size_t first,
                std::size_t end, const std::string& where, const ParseContext& ctx) {
  std::string speaker;
  std::string text;
  const auto flush = [&]() {
    Utterance u = timing;
    u.speaker = clean_field(speaker, ctx.cp1252);
    u.text = clean_field(text, ctx.cp1252);
    r.utterances.push_back(std::move(u));
    r.where.push_back(where);
    text.clear();
  };
  for (std::size_t k = first; k < end; ++k) {
    std::string voice = speaker;
    std::string line = strip_markup(lines[k], &voice);
    std::string_view name, rest;
    if (ctx.speaker_prefixes && voice == speaker && split_speaker_prefix(line, name, rest)) {
      voice = std::string(name);
      line = std::string(rest);
    }
    if (voice != speaker && !trim(text).empty()) flush();
    speaker = voice;
    text += ' ';
    text += line;
  }
  flush();  // also an empty cue: dropped later with the empty-text count
}

}  // namespace

ParseResult parse_srt(std::string_view doc, const ParseContext& ctx) {
  ParseResult r;
  OrphanWarning orphans;
  const auto lines = split_lines(doc);
  std::size_t i = 0;
  while (i < lines.size()) {
    if (is_blank(lines[i])) {
      ++i;
      continue;
    }
    Utterance u;
    std::size_t t = i;
    if (!has_arrow(lines[i])) {
      if (i + 1 < lines.size() && has_arrow(lines[i + 1])) {
        u.id = std::string(trim(lines[i]));
        t = i + 1;
      } else {
        const std::size_t end = srt_payload_end(lines, i);
        if (r.utterances.empty() || end == i) {
          throw InputError(ctx.name + ": " + line_ref(i) + ": expected a cue number or a timing line " +
                           "'hh:mm:ss,mmm --> hh:mm:ss,mmm', found '" + std::string(trim(lines[i]).substr(0, 60)) + "'");
        }
        append_orphan(r, lines, i, end, ctx);
        orphans.add(i);
        i = end;
        continue;
      }
    }
    parse_timing(lines[t], t, ctx, u);
    const std::size_t end = srt_payload_end(lines, t + 1);
    append_cue(r, u, lines, t + 1, end,
               "cue " + (u.id.empty() ? std::to_string(r.utterances.size() + 1) : u.id) + " (" + line_ref(t) + ")", ctx);
    i = end;
  }
  orphans.report(r, ctx);
  return r;
}

ParseResult parse_webvtt(std::string_view doc, const ParseContext& ctx) {
  ParseResult r;
  OrphanWarning orphans;
  const auto lines = split_lines(doc);
  if (lines.empty() || !starts_with_word(lines[0], "WEBVTT")) {
    throw InputError(ctx.name + ": line 1: missing the 'WEBVTT' header of a WebVTT file");
  }
  std::size_t i = 1;
  while (i < lines.size() && !is_blank(lines[i])) ++i;  // header block (metadata lines)
  while (i < lines.size()) {
    if (is_blank(lines[i])) {
      ++i;
      continue;
    }
    const std::string_view head = trim(lines[i]);
    if (!has_arrow(lines[i]) && (starts_with_word(head, "NOTE") || starts_with_word(head, "STYLE") ||
                                 starts_with_word(head, "REGION"))) {
      while (i < lines.size() && !is_blank(lines[i])) ++i;  // comment / style / region block
      continue;
    }
    std::string id;
    std::size_t t = i;
    if (!has_arrow(lines[i])) {
      if (i + 1 < lines.size() && has_arrow(lines[i + 1])) {
        id = std::string(head);
        t = i + 1;
      } else {
        std::size_t end = i;
        while (end < lines.size() && !is_blank(lines[end]) && !has_arrow(lines[end])) ++end;
        if (r.utterances.empty()) {
          throw InputError(ctx.name + ": " + line_ref(i) + ": expected a cue timing line " +
                           "'mm:ss.ttt --> mm:ss.ttt', found '" + std::string(head.substr(0, 60)) + "'");
        }
        append_orphan(r, lines, i, end, ctx);
        orphans.add(i);
        i = end;
        continue;
      }
    }
    Utterance timing;
    parse_timing(lines[t], t, ctx, timing);
    // Payload: until a blank line or a timing line (WebVTT 4.1: a cue's text cannot contain "-->").
    std::size_t end = t + 1;
    while (end < lines.size() && !is_blank(lines[end]) && !has_arrow(lines[end])) ++end;
    // A line directly before a timing line without a blank line is that cue's identifier.
    if (end < lines.size() && has_arrow(lines[end]) && end > t + 2) --end;
    const std::string where = "cue " + (id.empty() ? std::to_string(r.utterances.size() + 1) : id) + " (" + line_ref(t) + ")";
    timing.id = id;
    append_cue(r, timing, lines, t + 1, end, where, ctx);
    i = end;
  }
  orphans.report(r, ctx);
  return r;
}

}  // namespace sentio::text::detail
