// SPDX-License-Identifier: Apache-2.0
// CSV (RFC 4180), MELD-style CSV and plain-text transcript readers.
#include <algorithm>
#include <string>

#include "sentio/core/error.hpp"
#include "transcript_internal.hpp"

namespace sentio::text::detail {
namespace {

// Streaming RFC 4180 record reader over an LF-normalised document: fields separated by `delim`,
// double-quoted fields may hold delimiters, line breaks and "" for a quote. Characters after a closing
// quote are kept (lenient). An unterminated quote is an error naming the line where the field started.
class CsvReader {
 public:
  CsvReader(std::string_view doc, char delim, const ParseContext& ctx) : doc_(doc), delim_(delim), ctx_(ctx) {}

  // Reads the next record into `fields`; returns false at the end. `line` receives its first line (1-based).
  bool next(std::vector<std::string>& fields, std::size_t& line) {
    if (pos_ >= doc_.size()) return false;
    fields.clear();
    line = line_;
    std::string field;
    bool quoted = false;
    std::size_t quote_line = line_;
    while (pos_ < doc_.size()) {
      const char c = doc_[pos_++];
      if (quoted) {
        if (c == '"') {
          if (pos_ < doc_.size() && doc_[pos_] == '"') {
            field.push_back('"');
            ++pos_;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(c);
        }
        continue;
      }
      if (c == '"' && trim(field).empty()) {
        field.clear();
        quoted = true;
        quote_line = line_;
      } else if (c == delim_) {
        fields.push_back(std::move(field));
        field.clear();
      } else if (c == '\n') {
        ++line_;
        fields.push_back(std::move(field));
        return true;
      } else {
        field.push_back(c);
      }
    }
    if (quoted) {
      throw InputError(ctx_.name + ": line " + std::to_string(quote_line) + ": unterminated quoted CSV field");
    }
    fields.push_back(std::move(field));
    return true;
  }

 private:
  std::string_view doc_;
  char delim_;
  const ParseContext& ctx_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// The delimiter of the header line: the most frequent of , ; TAB outside quotes (comma on ties).
char detect_delimiter(std::string_view doc) {
  std::size_t counts[3] = {0, 0, 0};
  bool quoted = false;
  for (const char c : doc) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++counts[0];
    if (c == ';') ++counts[1];
    if (c == '\t') ++counts[2];
  }
  if (counts[1] > counts[0] && counts[1] >= counts[2]) return ';';
  if (counts[2] > counts[0] && counts[2] > counts[1]) return '\t';
  return ',';
}

int find_column(const std::vector<std::string>& names, std::initializer_list<std::string_view> aliases) {
  for (const std::string_view a : aliases) {
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (names[k] == a) return static_cast<int>(k);
    }
  }
  return -1;
}

struct Columns {
  int start = -1, end = -1, speaker = -1, text = -1, id = -1, dialogue = -1, utterance_no = -1;
  int scene = -1, season = -1, episode = -1;  // EmoryNLP's MELD-style CSV: Scene_ID instead of Dialogue_ID
  bool grouped = false;                       // rows belong to dialogues/scenes/episodes with their own clocks
};

Columns map_columns(const std::vector<std::string>& header, bool meld) {
  std::vector<std::string> names;
  names.reserve(header.size());
  for (const auto& h : header) names.push_back(lower_alnum(h));
  Columns c;
  if (meld) {
    c.text = find_column(names, {"utterance"});
    c.speaker = find_column(names, {"speaker"});
    c.start = find_column(names, {"starttime"});
    c.end = find_column(names, {"endtime"});
    c.dialogue = find_column(names, {"dialogueid"});
    c.scene = find_column(names, {"sceneid"});
    c.season = find_column(names, {"season"});
    c.episode = find_column(names, {"episode"});
    c.utterance_no = find_column(names, {"utteranceid"});
  } else {
    c.text = find_column(names, {"text", "utterance", "transcript", "sentence"});
    c.speaker = find_column(names, {"speaker", "speakername", "speakerid", "spk", "speakerlabel"});
    c.start = find_column(names, {"start", "starttime", "begin", "from", "startsec", "startseconds"});
    c.end = find_column(names, {"end", "endtime", "stop", "to", "endsec", "endseconds"});
    c.id = find_column(names, {"id", "uttid", "utteranceid", "segmentid"});
  }
  c.grouped = find_column(names, {"dialogueid", "dialogue", "sceneid", "conversationid", "episode"}) >= 0;
  return c;
}

std::string header_list(const std::vector<std::string>& header) {
  std::string s;
  for (std::size_t k = 0; k < header.size() && k < 20; ++k) {
    if (k > 0) s += ", ";
    s += "'" + std::string(trim(header[k])) + "'";
  }
  return s;
}

const std::string& field_at(const std::vector<std::string>& f, int k) {
  static const std::string empty;
  return k >= 0 && static_cast<std::size_t>(k) < f.size() ? f[static_cast<std::size_t>(k)] : empty;
}

double read_time(const std::string& value, std::string_view what, std::size_t line, const ParseContext& ctx) {
  if (trim(value).empty()) return -1;
  double t = -1;
  if (!parse_time_value(value, t)) {
    throw InputError(ctx.name + ": line " + std::to_string(line) + ": malformed " + std::string(what) + " time '" +
                     std::string(trim(value).substr(0, 40)) + "'");
  }
  return t;
}

}  // namespace

// EmoryNLP writes speakers as a Python list literal: "['Ross Geller']", "['A', 'B']" -> "A, B".
std::string unlist_speakers(std::string_view s) {
  s = trim(s);
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return std::string(s);
  std::string out;
  std::size_t i = 1;
  while (i + 1 < s.size()) {
    const char q = s[i];
    if (q != '\'' && q != '"') {
      ++i;
      continue;
    }
    const std::size_t close = s.find(q, i + 1);
    if (close == std::string_view::npos || close >= s.size() - 1) return std::string(s);
    if (!out.empty()) out += ", ";
    out += s.substr(i + 1, close - i - 1);
    i = close + 1;
  }
  return out.empty() ? std::string(s) : out;
}

namespace {

// Zero-padded number for EmoryNLP-style ids ("s01_e02_c03_u004").
std::string padded(std::string_view digits, std::size_t width) {
  std::string d(trim(digits));
  return d.size() >= width ? d : std::string(width - d.size(), '0') + d;
}

}  // namespace

std::vector<CsvRecord> read_csv_records(std::string_view doc, const ParseContext& ctx, char delim) {
  CsvReader reader(doc, delim != 0 ? delim : detect_delimiter(doc), ctx);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (reader.next(rec.fields, rec.line)) {
    if (rec.fields.size() == 1 && trim(rec.fields[0]).empty()) continue;
    out.push_back(std::move(rec));
    rec = CsvRecord{};
  }
  return out;
}

ParseResult parse_csv(std::string_view doc, const ParseContext& ctx, bool meld) {
  ParseResult r;
  CsvReader reader(doc, detect_delimiter(doc), ctx);
  std::vector<std::string> header;
  std::size_t line = 0;
  // The first non-empty record is the header.
  while (reader.next(header, line)) {
    if (!(header.size() == 1 && trim(header[0]).empty())) break;
  }
  const Columns c = map_columns(header, meld);
  r.sortable = !meld && !c.grouped;
  if (c.text < 0) {
    throw InputError(ctx.name + ": line " + std::to_string(line) + ": the CSV header has no " +
                     (meld ? "'Utterance'" : "'text'") + " column (found " + header_list(header) + ")");
  }
  const int needed = std::max({c.text, c.start, c.end, c.speaker});
  std::vector<std::string> f;
  while (reader.next(f, line)) {
    if (f.size() == 1 && trim(f[0]).empty()) continue;  // blank line
    if (static_cast<int>(f.size()) <= needed) {
      throw InputError(ctx.name + ": line " + std::to_string(line) + ": the row has " + std::to_string(f.size()) +
                       " field(s) but the header has " + std::to_string(header.size()));
    }
    Utterance u;
    u.text = clean_field(field_at(f, c.text), ctx.cp1252);
    u.speaker = clean_field(field_at(f, c.speaker), ctx.cp1252);
    u.start = read_time(field_at(f, c.start), "start", line, ctx);
    u.end = read_time(field_at(f, c.end), "end", line, ctx);
    if (meld) {
      u.speaker = clean_field(unlist_speakers(u.speaker), ctx.cp1252);
      const std::string d(trim(field_at(f, c.dialogue)));
      const std::string n(trim(field_at(f, c.utterance_no)));
      if (c.dialogue >= 0) {
        u.id = "dia" + d + "_utt" + n;  // MELD's clip naming
      } else if (c.scene >= 0) {        // EmoryNLP's utterance ids (its scene and utterance numbers)
        u.id = "s" + padded(field_at(f, c.season), 2) + "_e" + padded(field_at(f, c.episode), 2) + "_c" +
               padded(field_at(f, c.scene), 2) + "_u" + padded(n, 3);
      }
    } else {
      u.id = std::string(trim(field_at(f, c.id)));
    }
    r.utterances.push_back(std::move(u));
    r.where.push_back("row at line " + std::to_string(line));
  }
  return r;
}

ParseResult parse_plain(std::string_view doc, const ParseContext& ctx) {
  ParseResult r;
  r.sortable = false;
  const auto lines = split_lines(doc);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    std::string cleaned = clean_field(lines[k], ctx.cp1252);
    if (cleaned.empty()) continue;  // blank lines separate nothing and carry no text
    Utterance u;
    std::string_view speaker;
    std::string_view rest;
    if (ctx.speaker_prefixes && split_speaker_prefix(cleaned, speaker, rest)) {
      u.speaker = std::string(speaker);
      u.text = std::string(rest);
    } else {
      u.text = std::move(cleaned);
    }
    r.utterances.push_back(std::move(u));
    r.where.push_back("line " + std::to_string(k + 1));
  }
  return r;
}

}  // namespace sentio::text::detail
