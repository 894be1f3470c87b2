// SPDX-License-Identifier: Apache-2.0
// SER manifest reader: CSV with a header row, comma-separated, optional double-quoted fields.
#include "sentio/ser/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <utility>

#include "sentio/core/error.hpp"
#include "sentio/core/labels.hpp"

namespace sentio::ser {

namespace fs = std::filesystem;

namespace {

std::string lower_trimmed(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trimmed(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Splits one CSV line; "..." fields may contain commas and "" for a quote.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(trimmed(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  fields.push_back(trimmed(cur));
  return fields;
}

}  // namespace

const std::vector<std::string>& canonical_labels() {
  static const std::vector<std::string> labels = [] {
    std::vector<std::string> l(emotion_names().begin(), emotion_names().end());
    l.emplace_back("calm");     // RAVDESS
    l.emplace_back("boredom");  // EmoDB
    return l;
  }();
  return labels;
}

std::optional<std::string> map_emotion_label(std::string_view raw) {
  const std::string key = lower_trimmed(raw);
  // One-letter codes are left out of the shared table (they differ between corpora, labels.hpp); SER
  // manifests have always accepted these six, so the reader keeps them.
  static constexpr std::pair<std::string_view, Emotion> kLetters[] = {
      {"n", Emotion::neutral}, {"h", Emotion::happiness}, {"s", Emotion::sadness},
      {"a", Emotion::anger},   {"f", Emotion::fear},      {"d", Emotion::disgust}};
  for (const auto& [letter, e] : kLetters)
    if (key == letter) return std::string(emotion_name(e));
  // Any spelling the shared table knows, as long as its standard name is a speech class: calm and boredom
  // stay classes of their own (the table's core equivalent is not applied here); labels outside the nine
  // classes (contempt, GoEmotions' fine labels, ...) are unknown to a speech manifest.
  const std::optional<LabelInfo> info = lookup_label(key);
  if (!info) return std::nullopt;
  const auto& labels = canonical_labels();
  if (std::find(labels.begin(), labels.end(), info->name) == labels.end()) return std::nullopt;
  return std::string(info->name);
}

Manifest read_manifest(const std::string& manifest_path) {
  std::ifstream in(manifest_path);
  if (!in) throw InputError("manifest '" + manifest_path + "': cannot open (missing or unreadable)");
  const fs::path base = fs::path(manifest_path).parent_path();
  std::error_code abs_ec;
  const std::string corpus = fs::absolute(fs::path(manifest_path), abs_ec).parent_path().filename().string();
  std::string line;
  if (!std::getline(in, line)) throw InputError("manifest '" + manifest_path + "': empty file");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // UTF-8 BOM
  const std::vector<std::string> header = split_csv(line);
  auto column = [&](const char* name, bool required) -> int {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (lower_trimmed(header[i]) == name) return static_cast<int>(i);
    if (required)
      throw InputError("manifest '" + manifest_path + "': no '" + name +
                       "' column in the header (expected path,speaker,gender,emotion,language,text_id)");
    return -1;
  };
  const int c_path = column("path", true), c_speaker = column("speaker", true), c_emotion = column("emotion", true);
  const int c_gender = column("gender", false), c_language = column("language", false),
            c_text = column("text_id", false);
  const int needed = std::max({c_path, c_speaker, c_emotion});

  Manifest m;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trimmed(line).empty()) continue;
    const std::vector<std::string> f = split_csv(line);
    const std::string where = manifest_path + ":" + std::to_string(line_no) + ": ";
    if (static_cast<int>(f.size()) <= needed) {
      m.problems.push_back(where + "too few fields, row skipped");
      continue;
    }
    auto field = [&](int c) { return c >= 0 && c < static_cast<int>(f.size()) ? f[static_cast<std::size_t>(c)] : ""; };
    const std::optional<std::string> label = map_emotion_label(f[static_cast<std::size_t>(c_emotion)]);
    if (!label) {
      ++m.unknown_labels[f[static_cast<std::size_t>(c_emotion)]];
      m.problems.push_back(where + "unknown emotion label '" + f[static_cast<std::size_t>(c_emotion)] +
                           "', row skipped");
      continue;
    }
    fs::path p = field(c_path);
    if (p.is_relative()) p = base / p;
    std::error_code ec;
    if (p.empty() || !fs::is_regular_file(p, ec)) {
      ++m.n_missing_files;
      m.problems.push_back(where + "audio file '" + p.string() + "' not found, row skipped");
      continue;
    }
    const std::string speaker = field(c_speaker);
    if (speaker.empty()) {
      m.problems.push_back(where + "empty speaker, row skipped");
      continue;
    }
    m.items.push_back(ManifestItem{p.string(), speaker, field(c_gender), *label, field(c_language), field(c_text),
                                   corpus});
  }
  return m;
}

Manifest read_manifests(const std::vector<std::string>& manifest_paths) {
  Manifest all;
  for (const auto& path : manifest_paths) {
    Manifest m = read_manifest(path);
    all.items.insert(all.items.end(), m.items.begin(), m.items.end());
    all.n_missing_files += m.n_missing_files;
    for (const auto& [k, v] : m.unknown_labels) all.unknown_labels[k] += v;
    all.problems.insert(all.problems.end(), m.problems.begin(), m.problems.end());
  }
  return all;
}

ClassSet parse_class_set(const std::string& name) {
  if (name == "all") return ClassSet::all;
  if (name == "core") return ClassSet::core;
  throw InputError("--classes '" + name + "': expected core or all");
}

std::string core_label(const std::string& label) {
  // Calm is low-arousal, neutral-valence speech; EmoDB's boredom is read as flat, disengaged speech. Both are
  // closest to neutral among the core labels (docs/SER.md).
  if (label == "calm" || label == "boredom") return "neutral";
  return label;
}

void apply_class_set(Manifest& manifest, ClassSet set) {
  if (set == ClassSet::all) return;
  for (ManifestItem& item : manifest.items) item.label = core_label(item.label);
}

}  // namespace sentio::ser
