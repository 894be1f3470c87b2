// SPDX-License-Identifier: Apache-2.0
// Labelled corpus readers (corpus.hpp): MELD/EmoryNLP CSV, EmoryNLP TSV, DailyDialog, GoEmotions, BRIGHTER,
// XED, CARER, generic CSV.
// Every file goes through decode_document() first (encodings, line ends, control characters), so the
// readers below only split records and map labels.
#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "sentio/core/error.hpp"
#include "sentio/core/labels.hpp"
#include "sentio/text/corpus.hpp"
#include "transcript_internal.hpp"

namespace sentio::text {
namespace {

namespace fs = std::filesystem;
using detail::clean_field;
using detail::trim;

constexpr std::uintmax_t kMaxCorpusBytes = std::uintmax_t{1} << 31;
constexpr std::size_t kProblemsKept = 20;

// GoEmotions' 28 labels in id order (google-research emotions.txt), used when labels.txt is absent.
constexpr std::array<std::string_view, 28> kGoEmotions28 = {
    "admiration", "amusement",   "anger",        "annoyance",      "approval", "caring",  "confusion",
    "curiosity",  "desire",      "disappointment", "disapproval",  "disgust",  "embarrassment", "excitement",
    "fear",       "gratitude",   "grief",        "joy",            "love",     "nervousness", "optimism",
    "pride",      "realization", "relief",       "remorse",        "sadness",  "surprise", "neutral"};

// DailyDialog emotion ids 0..6 (0 is "no emotion").
constexpr std::array<Emotion, 7> kDailyDialog = {Emotion::neutral, Emotion::anger,     Emotion::disgust,
                                                 Emotion::fear,    Emotion::happiness, Emotion::sadness,
                                                 Emotion::surprise};

std::string read_bytes(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw InputError(path + ": file not found");
  if (fs::is_directory(status)) throw InputError(path + ": is a directory, not a corpus file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxCorpusBytes) throw InputError(path + ": too large for a corpus file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be opened for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path + ": read error");
  if (trim(bytes).empty()) throw InputError(path + ": empty file");
  return bytes;
}

// Clean UTF-8 document (binary input throws InputError naming the file).
std::string read_document(const std::string& path) {
  std::vector<std::string> warnings;
  detail::ParseContext ctx{path, Cp1252Controls::typographic};
  std::string doc = detail::decode_document(read_bytes(path), ctx, warnings);
  if (trim(doc).empty()) throw InputError(path + ": no text after decoding");
  return doc;
}

std::string lower(std::string_view s) {
  std::string out(trim(s));
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool parse_int(std::string_view s, long& value) {
  s = trim(s);
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && p == s.data() + s.size();
}

class Builder {
 public:
  explicit Builder(std::string name) : name_(std::move(name)) {}

  void bad(std::size_t line, const std::string& cause) {
    ++corpus.bad_rows;
    if (corpus.problems.size() < kProblemsKept)
      corpus.problems.push_back(name_ + ": line " + std::to_string(line) + ": " + cause);
  }

  // Adds an item after cleaning; labels are already mapped. Returns false (and counts a bad row) when empty.
  bool add(std::size_t line, std::string_view text, std::vector<std::string> labels, std::string_view speaker,
           std::string dialogue, int order) {
    LabelledUtterance u;
    u.text = clean_field(text, Cp1252Controls::typographic);
    if (u.text.empty()) {
      bad(line, "empty text");
      return false;
    }
    std::vector<std::string> unique;
    for (auto& l : labels)
      if (!l.empty() && std::find(unique.begin(), unique.end(), l) == unique.end()) unique.push_back(std::move(l));
    if (unique.empty()) {
      bad(line, "no label");
      return false;
    }
    if (unique.size() > 1) corpus.multi_label = true;
    u.labels = std::move(unique);
    u.speaker = clean_field(speaker, Cp1252Controls::typographic);
    u.dialogue_id = std::move(dialogue);
    u.order = order;
    corpus.items.push_back(std::move(u));
    return true;
  }

  Corpus finish() {
    if (corpus.items.empty()) {
      std::string msg = name_ + ": no usable " + corpus.format + " rows";
      if (!corpus.problems.empty()) msg += " (first problem: " + corpus.problems.front() + ")";
      throw InputError(msg);
    }
    return std::move(corpus);
  }

  Corpus corpus;

 private:
  std::string name_;
};

int column(const std::vector<std::string>& names, std::initializer_list<std::string_view> aliases) {
  for (const auto a : aliases)
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == a) return static_cast<int>(k);
  return -1;
}

const std::string& field(const std::vector<std::string>& f, int k) {
  static const std::string empty;
  return k >= 0 && static_cast<std::size_t>(k) < f.size() ? f[static_cast<std::size_t>(k)] : empty;
}

// MELD *_sent_emo.csv and EmoryNLP's MELD-repository CSV.
Corpus read_meld(const std::string& path, const std::string& doc) {
  Builder b(path);
  b.corpus.format = "meld";
  const detail::ParseContext ctx{path, Cp1252Controls::typographic};
  const auto records = detail::read_csv_records(doc, ctx);
  if (records.empty()) throw InputError(path + ": no CSV header");
  std::vector<std::string> names;
  for (const auto& h : records[0].fields) names.push_back(detail::lower_alnum(h));
  const int text = column(names, {"utterance"}), emotion = column(names, {"emotion"});
  const int speaker = column(names, {"speaker"}), dia = column(names, {"dialogueid"}), scene = column(names, {"sceneid"});
  const int season = column(names, {"season"}), episode = column(names, {"episode"});
  const int utt = column(names, {"utteranceid"});
  if (text < 0 || emotion < 0) throw InputError(path + ": MELD-style CSV needs 'Utterance' and 'Emotion' columns");
  const bool emory = dia < 0 && scene >= 0;
  b.corpus.label_set = emory ? "emorynlp" : "core";
  const int needed = std::max(text, emotion);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (static_cast<int>(f.size()) <= needed) {
      b.bad(records[r].line, "too few fields (" + std::to_string(f.size()) + ")");
      continue;
    }
    std::string dialogue;
    if (dia >= 0) dialogue = std::string(trim(field(f, dia)));
    if (emory)
      dialogue = "s" + std::string(trim(field(f, season))) + "_e" + std::string(trim(field(f, episode))) + "_c" +
                 std::string(trim(field(f, scene)));
    long order = -1;
    if (!parse_int(field(f, utt), order)) order = -1;
    b.add(records[r].line, field(f, text), {canonical_label(field(f, emotion))},
          detail::unlist_speakers(field(f, speaker)), dialogue, static_cast<int>(order));
  }
  return b.finish();
}

// EmoryNLP TSV (CoMPM staging): speaker TAB utterance TAB emotion; blank line between scenes.
Corpus read_emorynlp_tsv(const std::string& path, const std::string& doc) {
  Builder b(path);
  b.corpus.format = "emorynlp";
  b.corpus.label_set = "emorynlp";
  const auto lines = detail::split_lines(doc);
  int scene = 0, order = 0;
  bool in_scene = false;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (trim(lines[k]).empty()) {
      if (in_scene) ++scene;
      in_scene = false;
      order = 0;
      continue;
    }
    in_scene = true;
    const std::string_view line = lines[k];
    const std::size_t t1 = line.find('\t');
    const std::size_t t2 = t1 == std::string_view::npos ? t1 : line.rfind('\t');
    if (t1 == std::string_view::npos || t2 == t1) {
      b.bad(k + 1, "expected speaker<TAB>utterance<TAB>emotion");
      continue;
    }
    b.add(k + 1, line.substr(t1 + 1, t2 - t1 - 1), {canonical_label(line.substr(t2 + 1))}, line.substr(0, t1),
          "scene" + std::to_string(scene), order++);
  }
  return b.finish();
}

// DailyDialog: the dialogue text file and its emotion-id file.
Corpus read_dailydialog(const std::string& path) {
  const fs::path p(path);
  std::string name = p.filename().string();
  fs::path text_path = p, emo_path = p;
  if (name.rfind("dialogues_act_", 0) == 0) {
    throw InputError(path + ": this is DailyDialog's dialog-act file; give dialogues_<split>.txt");
  } else if (name.rfind("dialogues_emotion_", 0) == 0) {
    text_path = p.parent_path() / ("dialogues_" + name.substr(std::string("dialogues_emotion_").size()));
  } else if (name.rfind("dialogues_", 0) == 0) {
    emo_path = p.parent_path() / ("dialogues_emotion_" + name.substr(std::string("dialogues_").size()));
  } else {
    throw InputError(path + ": DailyDialog files are named dialogues_<split>.txt (with dialogues_emotion_<split>.txt)");
  }
  const std::string text_doc = read_document(text_path.string());
  const std::string emo_doc = read_document(emo_path.string());
  Builder b(text_path.string());
  b.corpus.format = "dailydialog";
  b.corpus.label_set = "core";
  const auto dialogues = detail::split_lines(text_doc);
  const auto emotions = detail::split_lines(emo_doc);
  std::size_t d_out = 0;
  for (std::size_t k = 0; k < dialogues.size(); ++k) {
    if (trim(dialogues[k]).empty()) continue;
    std::vector<std::string_view> utts;
    std::string_view rest = dialogues[k];
    for (;;) {
      const std::size_t e = rest.find("__eou__");
      const std::string_view u = trim(rest.substr(0, e));
      if (!u.empty()) utts.push_back(u);
      if (e == std::string_view::npos) break;
      rest = rest.substr(e + 7);
    }
    std::vector<std::string_view> ids;
    if (k < emotions.size()) {
      std::string_view e = emotions[k];
      while (!trim(e).empty()) {
        e = e.substr(e.find_first_not_of(" \t"));
        const std::size_t sp = e.find_first_of(" \t");
        ids.push_back(e.substr(0, sp));
        if (sp == std::string_view::npos) break;
        e = e.substr(sp);
      }
    }
    if (ids.size() != utts.size()) {
      // Upstream defect (train line 7852: 12 utterances, 11 labels): skip the whole dialogue.
      b.bad(k + 1, std::to_string(utts.size()) + " utterances but " + std::to_string(ids.size()) +
                       " emotion ids; dialogue skipped");
      continue;
    }
    const std::string dialogue = "dialogue" + std::to_string(d_out++);
    for (std::size_t u = 0; u < utts.size(); ++u) {
      long id = -1;
      if (!parse_int(ids[u], id) || id < 0 || id >= static_cast<long>(kDailyDialog.size())) {
        b.bad(k + 1, "emotion id '" + std::string(ids[u]) + "' is not 0..6");
        continue;
      }
      const Emotion e = kDailyDialog[static_cast<std::size_t>(id)];
      b.add(k + 1, utts[u], {std::string(emotion_name(e))}, u % 2 == 0 ? "A" : "B", dialogue, static_cast<int>(u));
    }
  }
  return b.finish();
}

// GoEmotions TSV with labels.txt beside it.
Corpus read_goemotions(const std::string& path, const std::string& doc) {
  std::vector<std::string> names;
  const fs::path labels_path = fs::path(path).parent_path() / "labels.txt";
  std::error_code ec;
  if (fs::exists(labels_path, ec)) {
    const std::string labels_doc = read_document(labels_path.string());  // the views below point into it
    for (const auto l : detail::split_lines(labels_doc))
      if (!trim(l).empty()) names.push_back(lower(l));
  } else {
    for (const auto n : kGoEmotions28) names.emplace_back(n);
  }
  Builder b(path);
  b.corpus.format = "goemotions";
  b.corpus.multi_label = true;
  // The 28 original names stay as they are (GoEmotions "joy" is one of 28 fine classes, not Sentio's
  // happiness); the Ekman taxonomy is folded onto the core labels.
  const bool original = names.size() == kGoEmotions28.size();
  const bool ekman = names.size() == 7 && std::find(names.begin(), names.end(), "joy") != names.end();
  b.corpus.label_set = original ? "goemotions-28" : ekman ? "goemotions-ekman" : names.size() == 4 ? "goemotions-group" : "custom";
  const auto lines = detail::split_lines(doc);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const std::string_view line = lines[k];
    if (trim(line).empty()) continue;
    // Quotes are literal in GoEmotions (no CSV quoting): split on the last two TABs.
    const std::size_t t2 = line.rfind('\t');
    const std::size_t t1 = t2 == std::string_view::npos || t2 == 0 ? std::string_view::npos : line.rfind('\t', t2 - 1);
    if (t1 == std::string_view::npos) {
      b.bad(k + 1, "expected text<TAB>label ids<TAB>id");
      continue;
    }
    std::vector<std::string> labels;
    std::string_view ids = line.substr(t1 + 1, t2 - t1 - 1);
    bool ok = !trim(ids).empty();
    while (ok && !ids.empty()) {
      const std::size_t c = ids.find(',');
      long id = -1;
      if (!parse_int(ids.substr(0, c), id) || id < 0 || id >= static_cast<long>(names.size())) {
        ok = false;
        break;
      }
      const std::string& n = names[static_cast<std::size_t>(id)];
      labels.push_back(original ? n : canonical_label(n));
      if (c == std::string_view::npos) break;
      ids = ids.substr(c + 1);
    }
    if (!ok) {
      b.bad(k + 1, "label ids '" + std::string(trim(line.substr(t1 + 1, t2 - t1 - 1))) + "' are not in 0.." +
                       std::to_string(names.size() - 1));
      continue;
    }
    b.add(k + 1, line.substr(0, t1), std::move(labels), "", "", -1);
  }
  return b.finish();
}

// BRIGHTER emotion columns (SemEval-2025 Task 11); a header naming at least two of them next to `text`
// is a BRIGHTER file.
constexpr std::array<std::string_view, 6> kBrighterEmotions = {"anger", "disgust", "fear", "joy", "sadness",
                                                               "surprise"};

bool is_brighter_emotion(std::string_view name) {
  return std::find(kBrighterEmotions.begin(), kBrighterEmotions.end(), name) != kBrighterEmotions.end();
}

// BRIGHTER / SemEval-2025 Task 11: id,text,<emotion columns>. Track A/C cells are 0/1 (presence), track B
// cells 0-3 (intensity): an emotion is present when its cell is > 0. The data has no neutral column; a
// row with no emotion present is labelled "neutral" (the core label for "no emotion"), so the corpus
// keeps those rows and a model learns when nothing is expressed. A row with an empty emotion cell (the
// unlabelled track A English test file) or a cell outside 0..3 is skipped and counted.
Corpus read_brighter(const std::string& path, const std::string& doc) {
  Builder b(path);
  b.corpus.format = "brighter";
  b.corpus.label_set = "core";
  b.corpus.multi_label = true;
  const detail::ParseContext ctx{path, Cp1252Controls::typographic};
  const auto records = detail::read_csv_records(doc, ctx);
  if (records.empty()) throw InputError(path + ": no CSV header");
  std::vector<std::string> names;
  for (const auto& h : records[0].fields) names.push_back(detail::lower_alnum(h));
  const int text = column(names, {"text"});
  std::vector<std::pair<int, std::string>> emotions;  // column -> canonical label
  for (std::size_t k = 0; k < names.size(); ++k)
    if (is_brighter_emotion(names[k])) emotions.emplace_back(static_cast<int>(k), canonical_label(names[k]));
  if (text < 0 || emotions.empty())
    throw InputError(path + ": a BRIGHTER CSV needs a 'text' column and emotion columns (anger, disgust, fear, joy, "
                            "sadness, surprise)");
  int needed = text;
  for (const auto& e : emotions) needed = std::max(needed, e.first);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (static_cast<int>(f.size()) <= needed) {
      b.bad(records[r].line, "too few fields (" + std::to_string(f.size()) + ")");
      continue;
    }
    std::vector<std::string> labels;
    std::string problem;
    for (const auto& [k, label] : emotions) {
      const std::string_view cell = trim(field(f, k));
      long v = -1;
      if (cell.empty()) {
        problem = "empty label cell '" + names[static_cast<std::size_t>(k)] + "'";
        break;
      }
      if (!parse_int(cell, v) || v < 0 || v > 3) {
        problem = "label cell '" + names[static_cast<std::size_t>(k)] + "' is '" + std::string(cell) +
                  "', expected 0..3";
        break;
      }
      if (v > 0) labels.push_back(label);
    }
    if (!problem.empty()) {
      b.bad(records[r].line, problem);
      continue;
    }
    if (labels.empty()) labels.emplace_back("neutral");
    b.add(records[r].line, field(f, text), std::move(labels), "", "", -1);
  }
  Corpus c = b.finish();
  c.multi_label = true;  // a multi-label annotation even if no row of this file has two emotions
  return c;
}

// XED label ids (Ohman et al. 2020): Plutchik's eight in alphabetical order, 0 = neutral.
constexpr std::array<std::string_view, 9> kXed = {"neutral", "anger",   "anticipation", "disgust", "fear",
                                                  "joy",     "sadness", "surprise",     "trust"};

// `line` without the TABs and spaces at its end (XED's neutral files pad lines with TABs).
std::string_view without_trailing_blanks(std::string_view line) {
  while (!line.empty() && (line.back() == '\t' || line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// The ids of an XED label field ("1", "8, 1", "1,4,7"); false when it is not such a list.
bool parse_xed_ids(std::string_view field, std::vector<std::string>& labels) {
  labels.clear();
  field = trim(field);
  if (field.empty() || field.find_first_not_of("0123456789, ") != std::string_view::npos) return false;
  while (!field.empty()) {
    const std::size_t c = field.find(',');
    long id = -1;
    if (!parse_int(field.substr(0, c), id) || id < 0 || id >= static_cast<long>(kXed.size())) return false;
    labels.push_back(canonical_label(kXed[static_cast<std::size_t>(id)]));
    if (c == std::string_view::npos) break;
    field = field.substr(c + 1);
  }
  return !labels.empty();
}

// XED (movie subtitles): annotated files hold "sentence<TAB>ids" (ids 1..8 comma-separated, 0 neutral); the
// neutral files neu_<lang>.txt hold "<number><TAB>sentence" (every line neutral). Both are read line by
// line without quoting (subtitles contain quotes); trailing TABs are ignored. Multi-label.
Corpus read_xed(const std::string& path, const std::string& doc) {
  Builder b(path);
  b.corpus.format = "xed";
  b.corpus.label_set = "xed";
  b.corpus.multi_label = true;
  const auto lines = detail::split_lines(doc);
  std::vector<std::string> labels;
  long number = 0;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const std::string_view line = without_trailing_blanks(lines[k]);
    if (trim(line).empty()) continue;
    const std::size_t t = line.rfind('\t');
    if (t == std::string_view::npos) {
      b.bad(k + 1, "expected sentence<TAB>label ids or number<TAB>sentence");
      continue;
    }
    const std::string_view head = line.substr(0, t), tail = line.substr(t + 1);
    if (parse_xed_ids(tail, labels)) {
      b.add(k + 1, head, labels, "", "", -1);
    } else if (parse_int(head, number)) {
      b.add(k + 1, tail, {std::string(emotion_name(Emotion::neutral))}, "", "", -1);
    } else {
      b.bad(k + 1, "label ids '" + std::string(trim(tail)) + "' are not in 0..8");
    }
  }
  Corpus c = b.finish();
  c.multi_label = true;  // a multi-label annotation even if no row of this file has two labels
  return c;
}

// CARER labels (Saravia et al. 2018, the dair-ai "emotion" splits).
constexpr std::array<std::string_view, 6> kCarer = {"sadness", "joy", "love", "anger", "fear", "surprise"};

bool is_carer_label(std::string_view label) { return std::find(kCarer.begin(), kCarer.end(), label) != kCarer.end(); }

// CARER: "text;label" per line (the text is pre-processed lower-case tweets; split on the last ';').
// joy -> happiness; love stays its own class. Single-label.
Corpus read_carer(const std::string& path, const std::string& doc) {
  Builder b(path);
  b.corpus.format = "carer";
  b.corpus.label_set = "carer";
  const auto lines = detail::split_lines(doc);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const std::string_view line = lines[k];
    if (trim(line).empty()) continue;
    const std::size_t s = line.rfind(';');
    const std::string label = s == std::string_view::npos ? std::string() : lower(line.substr(s + 1));
    if (!is_carer_label(label)) {
      b.bad(k + 1, "expected text;label with label sadness, joy, love, anger, fear or surprise");
      continue;
    }
    b.add(k + 1, line.substr(0, s), {canonical_label(label)}, "", "", -1);
  }
  return b.finish();
}

// Generic CSV: text, label (';'-separated), optional dialogue_id, speaker, utterance_id.
Corpus read_generic_csv(const std::string& path, const std::string& doc) {
  Builder b(path);
  b.corpus.format = "csv";
  b.corpus.label_set = "custom";
  const detail::ParseContext ctx{path, Cp1252Controls::typographic};
  const auto records = detail::read_csv_records(doc, ctx);
  if (records.empty()) throw InputError(path + ": no CSV header");
  std::vector<std::string> names;
  for (const auto& h : records[0].fields) names.push_back(detail::lower_alnum(h));
  const int text = column(names, {"text", "utterance", "sentence"});
  const int label = column(names, {"label", "labels", "emotion", "emotions"});
  const int dia = column(names, {"dialogueid", "dialogue", "conversationid"});
  const int speaker = column(names, {"speaker"}), utt = column(names, {"utteranceid"});
  if (text < 0 || label < 0)
    throw InputError(path + ": the CSV header needs 'text' and 'label' columns");
  const int needed = std::max(text, label);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (static_cast<int>(f.size()) <= needed) {
      b.bad(records[r].line, "too few fields (" + std::to_string(f.size()) + ")");
      continue;
    }
    std::vector<std::string> labels;
    std::string_view l = field(f, label);
    for (;;) {
      const std::size_t s = l.find(';');
      std::string c = canonical_label(l.substr(0, s));
      if (!c.empty()) labels.push_back(std::move(c));
      if (s == std::string_view::npos) break;
      l = l.substr(s + 1);
    }
    long order = -1;
    if (!parse_int(field(f, utt), order)) order = -1;
    b.add(records[r].line, field(f, text), std::move(labels), field(f, speaker), std::string(trim(field(f, dia))),
          static_cast<int>(order));
  }
  return b.finish();
}

// The format of a file from its name and first line.
CorpusFormat sniff(const std::string& path, std::string_view doc) {
  const std::string name = fs::path(path).filename().string();
  if (name.rfind("dialogues_", 0) == 0) return CorpusFormat::dailydialog;
  // The first line that is not blank (CARER's validation file starts with an empty line).
  std::string_view rest = doc;
  while (!rest.empty() && trim(rest.substr(0, rest.find('\n'))).empty() && rest.find('\n') != std::string_view::npos)
    rest.remove_prefix(rest.find('\n') + 1);
  std::string_view first = rest.substr(0, rest.find('\n'));
  const std::string header = detail::lower_alnum(first);
  std::size_t tabs = static_cast<std::size_t>(std::count(first.begin(), first.end(), '\t'));
  // XED: "sentence<TAB>ids" or the neutral files' "<number><TAB>sentence".
  if (tabs >= 1) {
    const std::string_view trimmed = without_trailing_blanks(first);
    const std::size_t t = trimmed.rfind('\t');
    std::vector<std::string> ids;
    long number = 0;
    if (t != std::string_view::npos &&
        ((tabs == 1 && parse_xed_ids(trimmed.substr(t + 1), ids)) || (parse_int(trimmed.substr(0, t), number) &&
                                                                      trimmed.find('\t') == t)))
      return CorpusFormat::xed;
  }
  // CARER: "text;label" with one of its six labels after the last ';' and no TAB.
  if (tabs == 0) {
    const std::size_t s = first.rfind(';');
    if (s != std::string_view::npos && is_carer_label(lower(first.substr(s + 1)))) return CorpusFormat::carer;
  }
  if (tabs >= 2) {
    const std::size_t t2 = first.rfind('\t');
    const std::size_t t1 = first.rfind('\t', t2 - 1);
    const std::string_view mid = first.substr(t1 + 1, t2 - t1 - 1);
    const bool ids = !mid.empty() && mid.find_first_not_of("0123456789,") == std::string_view::npos;
    if (ids) return CorpusFormat::goemotions;
    if (tabs == 2 && header.find("text") == std::string::npos) return CorpusFormat::emorynlp;
  }
  // CSV headers: MELD's has Utterance + Emotion (+ Dialogue_ID or Scene_ID).
  const detail::ParseContext ctx{path, Cp1252Controls::typographic};
  const auto records = detail::read_csv_records(first, ctx);
  if (!records.empty()) {
    std::vector<std::string> names;
    for (const auto& h : records[0].fields) names.push_back(detail::lower_alnum(h));
    const bool utterance = column(names, {"utterance"}) >= 0, emotion = column(names, {"emotion"}) >= 0;
    // BRIGHTER: id,text,<emotion columns> with no label column.
    const auto n_emotions = std::count_if(names.begin(), names.end(), [](const std::string& n) { return is_brighter_emotion(n); });
    if (column(names, {"text"}) >= 0 && n_emotions >= 2 && column(names, {"label", "labels", "emotion", "emotions"}) < 0)
      return CorpusFormat::brighter;
    if (utterance && emotion && (column(names, {"dialogueid"}) >= 0 || column(names, {"sceneid"}) >= 0))
      return CorpusFormat::meld;
    if (column(names, {"text", "utterance", "sentence"}) >= 0 &&
        column(names, {"label", "labels", "emotion", "emotions"}) >= 0)
      return CorpusFormat::csv;
  }
  throw InputError(path + ": unknown corpus format (expected MELD/EmoryNLP CSV or TSV, DailyDialog, GoEmotions TSV, "
                          "BRIGHTER CSV (id,text,<emotion columns>), XED TSV, CARER text;label lines, or a CSV with "
                          "'text' and 'label' columns; or give --format)");
}

}  // namespace

CorpusFormat parse_corpus_format(std::string_view name) {
  const std::string n = lower(name);
  if (n == "auto" || n.empty()) return CorpusFormat::automatic;
  if (n == "meld") return CorpusFormat::meld;
  if (n == "emorynlp" || n == "emory") return CorpusFormat::emorynlp;
  if (n == "dailydialog") return CorpusFormat::dailydialog;
  if (n == "goemotions") return CorpusFormat::goemotions;
  if (n == "csv") return CorpusFormat::csv;
  if (n == "brighter" || n == "semeval2025") return CorpusFormat::brighter;
  if (n == "xed") return CorpusFormat::xed;
  if (n == "carer") return CorpusFormat::carer;
  throw InputError("unknown corpus format '" + std::string(name) +
                   "' (expected auto, meld, emorynlp, dailydialog, goemotions, brighter, xed, carer or csv)");
}

std::string canonical_label(std::string_view raw) {
  std::string l = lower(raw);
  for (char& c : l)
    if (c == ' ' || c == '-') c = '_';
  // Text corpora write "none" for "no emotion"; the shared table leaves it out (AffectNet's None means
  // "another expression"), so the text reader keeps this reading itself.
  if (l == "none") return std::string(emotion_name(Emotion::neutral));
  // Spellings of a core label fold onto it. Every other label keeps its own name, even when the table
  // knows a standard name or a core equivalent for it (EmoryNLP peaceful/powerful, GoEmotions' fine
  // labels, bored, calm): a text model's classes are the corpus's own classes.
  if (const std::optional<LabelInfo> info = lookup_label(l); info && emotion_from_name(info->name))
    return std::string(info->name);
  return l;
}

Corpus read_corpus(const std::string& path, CorpusFormat format) {
  if (format == CorpusFormat::dailydialog) return read_dailydialog(path);
  const std::string name = fs::path(path).filename().string();
  if (format == CorpusFormat::automatic && name.rfind("dialogues_", 0) == 0) return read_dailydialog(path);
  const std::string doc = read_document(path);
  if (format == CorpusFormat::automatic) format = sniff(path, doc);
  switch (format) {
    case CorpusFormat::meld: return read_meld(path, doc);
    case CorpusFormat::emorynlp: return read_emorynlp_tsv(path, doc);
    case CorpusFormat::goemotions: return read_goemotions(path, doc);
    case CorpusFormat::csv: return read_generic_csv(path, doc);
    case CorpusFormat::brighter: return read_brighter(path, doc);
    case CorpusFormat::xed: return read_xed(path, doc);
    case CorpusFormat::carer: return read_carer(path, doc);
    case CorpusFormat::dailydialog: return read_dailydialog(path);
    case CorpusFormat::automatic: break;
  }
  throw InputError(path + ": unknown corpus format");
}

Corpus read_corpora(const std::vector<std::string>& paths, CorpusFormat format) {
  if (paths.empty()) throw InputError("no corpus file given");
  if (paths.size() == 1) return read_corpus(paths[0], format);
  Corpus all;
  for (std::size_t k = 0; k < paths.size(); ++k) {
    Corpus c = read_corpus(paths[k], format);
    if (k == 0) {
      all.format = c.format;
      all.label_set = c.label_set;
    } else {
      if (all.format != c.format) all.format = "mixed";
      if (all.label_set != c.label_set) all.label_set = "mixed";
    }
    all.multi_label = all.multi_label || c.multi_label;
    all.bad_rows += c.bad_rows;
    for (auto& p : c.problems)
      if (all.problems.size() < kProblemsKept) all.problems.push_back(std::move(p));
    for (auto& u : c.items) {
      if (!u.dialogue_id.empty()) u.dialogue_id = std::to_string(k) + ":" + u.dialogue_id;
      all.items.push_back(std::move(u));
    }
  }
  return all;
}

std::map<std::string, std::size_t> label_counts(const Corpus& corpus) {
  std::map<std::string, std::size_t> counts;
  for (const auto& u : corpus.items)
    for (const auto& l : u.labels) ++counts[l];
  return counts;
}

}  // namespace sentio::text
