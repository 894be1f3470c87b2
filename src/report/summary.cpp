// SPDX-License-Identifier: Apache-2.0
// The overview's paragraph in plain English, from the document's summaries (persons or speakers, moments,
// faces, words). Only counts and labels the document states; no interpretation beyond them.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report_internal.hpp"
#include "sentio/core/labels.hpp"

namespace sentio::report::detail {

using nlohmann::json;

namespace {

std::string str(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double num(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_number() ? it->get<double>() : 0.0;
}

const json& arr(const json& o, const char* key) {
  static const json empty = json::array();
  const auto it = o.find(key);
  return it != o.end() && it->is_array() ? *it : empty;
}

const json& obj(const json& o, const char* key) {
  static const json empty = json::object();
  const auto it = o.find(key);
  return it != o.end() && it->is_object() ? *it : empty;
}

std::string duration_words(double s) {
  const long total = std::lround(s);
  if (total < 60) return std::to_string(total) + (total == 1 ? " second" : " seconds");
  const long h = total / 3600, m = total / 60 % 60, sec = total % 60;
  std::string out;
  if (h > 0) out += std::to_string(h) + (h == 1 ? " hour" : " hours");
  if (m > 0) out += (out.empty() ? "" : " ") + std::to_string(m) + (m == 1 ? " minute" : " minutes");
  if (h == 0 && sec > 0) out += " " + std::to_string(sec) + (sec == 1 ? " second" : " seconds");
  return out;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? (items.size() > 2 ? ", and " : " and ") : ", ";
    out += items[i];
  }
  return out;
}

// A label as a state in words ("happiness" -> "happy"); labels outside the core set as they are.
std::string state(const std::string& label) {
  const std::optional<Emotion> e = emotion_from_name(label);
  return e ? std::string(emotion_adjective(*e)) : label;
}

std::string count_of(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string summary_paragraph(const json& doc) {
  const json& input = obj(doc, "input");
  const double length = num(input, "duration_s");
  const json& speech = obj(doc, "speech");
  const json& faces = obj(doc, "faces");
  const json& text = obj(doc, "text");
  std::vector<std::string> parts;
  if (str(speech, "status") == "ok") parts.push_back("speech");
  if (str(faces, "status") == "ok") parts.push_back("faces");
  if (str(text, "status") == "ok") parts.push_back("words");
  std::string kind = str(input, "kind");
  if (kind.empty()) kind = "recording";
  std::string out = "This " + kind + (length > 0 ? " (" + duration_words(length) + ")" : std::string());
  out += parts.empty() ? " has no speech, faces or words that could be analysed." : " was analysed from its " +
                                                                                      join_list(parts) + ".";

  // Who: persons (schema /2), else speakers and face tracks.
  const json& persons = arr(doc, "persons");
  std::vector<std::string> who;
  for (const json& p : persons) {
    const std::string id = str(p, "id"), name = str(p, "name");
    std::string s = name.empty() ? id : name + " (" + id + ")";
    if (num(p, "speaking_s") > 0) s += " spoke for " + duration_words(num(p, "speaking_s"));
    else s += " did not speak";
    const std::string label = str(p, "dominant_label");
    if (!label.empty()) s += " and was mostly " + state(label);
    who.push_back(s);
  }
  if (!persons.empty()) {
    out += " " + count_of(persons.size(), "person", "persons") + ": " + join_list(who) + ".";
  } else {
    for (const json& sp : arr(speech, "speakers")) {
      std::string s = "speaker " + str(sp, "speaker") + " spoke for " + duration_words(num(sp, "speech_s"));
      if (!str(sp, "dominant_label").empty()) s += ", mostly " + state(str(sp, "dominant_label"));
      who.push_back(s);
    }
    if (!who.empty()) {
      std::string list = join_list(who);
      list[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(list[0])));
      out += " " + list + ".";
    }
  }
  const json& tracks = arr(faces, "tracks");
  if (!tracks.empty() && persons.empty()) {
    std::vector<std::string> face_words;
    for (const json& t : tracks)
      face_words.push_back("face " + std::to_string(t.value("id", 0)) + " mostly " + state(str(t, "dominant_label")));
    out += " " + count_of(tracks.size(), "face was", "faces were") + " tracked (" + join_list(face_words) + ").";
  } else if (!tracks.empty()) {
    out += " " + count_of(tracks.size(), "face was", "faces were") + " tracked.";
  }
  const json& utterances = arr(text, "utterances");
  if (!utterances.empty()) {
    std::map<std::string, int> by_label;
    for (const json& u : utterances) ++by_label[str(u, "label")];
    const auto top = std::max_element(by_label.begin(), by_label.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
    out += " The transcript has " + count_of(utterances.size(), "utterance", "utterances") + ", most often " +
           top->first + " (" + std::to_string(top->second) + ").";
  }

  // Moments: the commonest fused label, agreement, and the strongest non-neutral one.
  const json& moments = arr(doc, "moments");
  if (!moments.empty()) {
    std::map<std::string, int> by_label;
    int agree = 0, multi = 0;
    const json* strongest = nullptr;
    double best = -1;
    for (const json& m : moments) {
      const json& fused = obj(m, "fused");
      const std::string label = str(fused, "label");
      ++by_label[label];
      if (obj(m, "modalities").size() > 1) {
        ++multi;
        if (obj(m, "agreement").value("agree", false)) ++agree;
      }
      const double score = num(fused, "confidence");
      if (label != "neutral" && !label.empty() && score > best) {
        best = score;
        strongest = &m;
      }
    }
    const auto top = std::max_element(by_label.begin(), by_label.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
    out += " Across " + count_of(moments.size(), "moment", "moments") + " the fused emotion was most often " +
           top->first + " (" + std::to_string(top->second) + " of " + std::to_string(moments.size()) + ")";
    if (multi > 0)
      out += "; where several modalities were present they agreed in " + std::to_string(agree) + " of " +
             std::to_string(multi);
    out += ".";
    if (strongest != nullptr) {
      const json& m = *strongest;
      std::string person = str(m, "person");
      for (const json& p : persons)
        if (str(p, "id") == person && !str(p, "name").empty()) person = str(p, "name");
      char conf[16];
      std::snprintf(conf, sizeof conf, "%.2f", best);
      out += " The strongest non-neutral moment is at " + clock_time(num(m, "start")) +
             (person.empty() ? std::string() : " (" + person + ")") + ": " + str(obj(m, "fused"), "label") +
             " with confidence " + conf + ".";
    }
  }
  const json& warnings = arr(doc, "warnings");
  if (!warnings.empty())
    out += " The analysis reported " + count_of(warnings.size(), "warning", "warnings") + " (listed below).";
  return out;
}

}  // namespace sentio::report::detail
