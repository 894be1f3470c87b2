// SPDX-License-Identifier: Apache-2.0
// Explanations (explain.hpp): measures per moment, baselines per person, cues, sentences.
#include "sentio/analysis/explain.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "sentio/core/error.hpp"
#include "sentio/core/labels.hpp"

namespace sentio::analysis {

namespace {

// One measured cue: its key ("voice.pitch"), unit, the smallest spread its baseline may have (so a very
// steady speaker does not turn tiny changes into large z), and the words for it.
struct CueInfo {
  const char* key;
  const char* modality;
  const char* name;
  const char* unit;        // printed after the difference ("" for none)
  double min_spread;
  const char* higher;      // phrase when above the baseline
  const char* lower;       // phrase when below it
};

constexpr std::array<CueInfo, 13> kCues = {{
    {"voice.loudness", "voice", "loudness", " dB", 2.0, "louder", "quieter"},
    {"voice.pitch", "voice", "pitch", " semitones", 1.0, "higher", "lower"},
    {"voice.speech_rate", "voice", "speech_rate", " syllables/s", 0.4, "faster", "slower"},
    {"voice.jitter", "voice", "jitter", "", 0.005, "shakier", "steadier"},
    {"voice.shimmer", "voice", "shimmer", " dB", 0.3, "rougher", "smoother"},
    {"voice.hnr", "voice", "hnr", " dB", 1.5, "clearer", "breathier"},
    {"face.smile", "face", "smile", "", 0.02, "smile more", "pull the lip corners down"},
    {"face.brow", "face", "brow", "", 0.02, "raise the brows", "lower the brows"},
    {"face.eye_openness", "face", "eye_openness", "", 0.02, "open the eyes wider", "narrow the eyes"},
    {"face.mouth_opening", "face", "mouth_opening", "", 0.03, "open the mouth wider", "keep the mouth closed"},
    {"face.head_yaw", "face", "head_yaw", " degrees", 5.0, "turn the head", "turn the head"},
    {"face.head_pitch", "face", "head_pitch", " degrees", 5.0, "raise the head", "lower the head"},
    {"face.blinks", "face", "blinks", "", 1.0, "blink more", "blink less"},
}};

const CueInfo* cue_info(const std::string& key) {
  for (const CueInfo& c : kCues)
    if (key == c.key) return &c;
  return nullptr;
}

std::string signed_value(double v, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.1f%s", v, unit);
  return buf;
}

// Words that turn a statement around.
bool is_negation(std::string w) {
  std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!w.empty() && std::ispunct(static_cast<unsigned char>(w.back()))) w.pop_back();
  static const std::array<const char*, 9> kWords = {"not", "no", "never", "nobody", "nothing", "neither", "nor",
                                                    "without", "none"};
  for (const char* n : kWords)
    if (w == n) return true;
  return w.size() > 3 && w.ends_with("n't");
}

// A moment's state in words; neutral reads "calm" in explanations ("Ana sounds calm").
std::string adjective(const std::string& label) {
  const std::optional<Emotion> e = emotion_from_name(label);
  return !e || *e == Emotion::neutral ? "calm" : std::string(emotion_adjective(*e));
}

std::string quoted(const std::string& text, std::size_t max_words) {
  std::string out;
  std::size_t words = 0, i = 0;
  while (i < text.size() && words < max_words) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t b = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > b) {
      out += (out.empty() ? "" : " ") + text.substr(b, i - b);
      ++words;
    }
  }
  if (i < text.size()) out += " ...";
  return "\"" + out + "\"";
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return out;
}

}  // namespace

void PersonBaselines::add(const std::string& person, const std::map<std::string, double>& measures) {
  for (const auto& [name, v] : measures) {
    if (!std::isfinite(v)) continue;
    Stat& s = stats_[person][name];
    s.n += 1;
    s.sum += v;
    s.sum2 += v * v;
  }
}

void PersonBaselines::remove(const std::string& person, const std::map<std::string, double>& measures) {
  for (const auto& [name, v] : measures) {
    if (!std::isfinite(v)) continue;
    Stat& s = stats_[person][name];
    s.n -= 1;
    s.sum -= v;
    s.sum2 -= v * v;
  }
}

bool PersonBaselines::get(const std::string& person, const std::string& name, double& mean, double& spread) const {
  const auto p = stats_.find(person);
  if (p == stats_.end()) return false;
  const auto it = p->second.find(name);
  if (it == p->second.end() || it->second.n < 2 - 1e-9) return false;
  const Stat& s = it->second;
  mean = s.sum / s.n;
  const double variance = std::max(0.0, (s.sum2 - s.n * mean * mean) / (s.n - 1));  // sample variance
  spread = std::sqrt(variance * (1 + 1 / s.n));
  return true;
}

std::map<std::string, double> moment_measures(const Moment& moment, const AnalysisResult& result) {
  std::map<std::string, double> m;
  if (moment.segment >= 0 && result.speech) {
    const VoiceMeasures& v = result.speech->segments[static_cast<std::size_t>(moment.segment)].measures;
    m["voice.loudness"] = v.level_db;
    m["voice.pitch"] = v.pitch_st;
    m["voice.speech_rate"] = v.speech_rate;
    m["voice.jitter"] = v.jitter;
    m["voice.shimmer"] = v.shimmer_db;
    m["voice.hnr"] = v.hnr_db;
  }
  if (moment.face_track >= 0 && result.faces) {
    for (const FaceTrackResult& t : result.faces->tracks) {
      if (t.id != moment.face_track) continue;
      double smile = 0, brow = 0, eye = 0, mouth = 0, yaw = 0, pitch = 0;
      int n = 0, blinks = 0;
      for (const FaceObservation& o : t.observations) {
        if (o.time < moment.start || o.time > moment.end || !o.cues) continue;
        smile += o.cues->lip_corner_lift;
        brow += 0.5 * (o.cues->brow_left + o.cues->brow_right);
        eye += 0.5 * (o.cues->eye_left + o.cues->eye_right);
        mouth += o.cues->mouth_opening;
        yaw += o.cues->yaw_deg;
        pitch += o.cues->pitch_deg;
        blinks += o.blink ? 1 : 0;
        ++n;
      }
      if (n == 0) break;
      m["face.smile"] = smile / n;
      m["face.brow"] = brow / n;
      m["face.eye_openness"] = eye / n;
      m["face.mouth_opening"] = mouth / n;
      m["face.head_yaw"] = yaw / n;
      m["face.head_pitch"] = pitch / n;
      if (t.blinks >= 0) m["face.blinks"] = blinks;
      break;
    }
  }
  return m;
}

std::vector<Cue> moment_cues(const Moment& moment, const std::map<std::string, double>& measures,
                             const PersonBaselines& baselines, const AnalysisResult& result) {
  std::vector<Cue> cues;
  for (const auto& [key, value] : measures) {
    const CueInfo* info = cue_info(key);
    double mean = 0, spread = 0;
    if (!info || !std::isfinite(value) || !baselines.get(moment.person, key, mean, spread)) continue;
    const double z = (value - mean) / std::max(spread, info->min_spread);
    if (std::fabs(z) < kCueMinZ) continue;
    Cue c;
    c.modality = info->modality;
    c.name = info->name;
    c.value = value;
    c.baseline = mean;
    c.z = z;
    c.direction = z > 0 ? "higher" : "lower";
    c.text = std::string(z > 0 ? info->higher : info->lower) + " than usual";
    if (*info->unit != '\0') c.text += " (" + signed_value(value - mean, info->unit) + ")";
    cues.push_back(std::move(c));
  }
  std::stable_sort(cues.begin(), cues.end(), [](const Cue& a, const Cue& b) { return std::fabs(a.z) > std::fabs(b.z); });
  if (result.text) {
    for (int i : moment.utterances) {
      const TextUtterance& u = result.text->utterances[static_cast<std::size_t>(i)];
      for (std::size_t k = 0; k < u.drivers.size() && k < 2; ++k) {
        Cue c;
        c.modality = "words";
        c.name = "term";
        c.value = c.z = u.drivers[k].second;
        c.direction = u.label;
        c.text = "\"" + u.drivers[k].first + "\" points to " + u.label;
        cues.push_back(std::move(c));
      }
      std::size_t b = 0;
      while (b < u.text.size()) {
        const std::size_t e = std::min(u.text.find(' ', b), u.text.size());
        const std::string word = u.text.substr(b, e - b);
        if (is_negation(word)) {
          Cue c;
          c.modality = "words";
          c.name = "negation";
          c.value = 1;
          c.direction = "negated";
          c.text = "a negation (\"" + word + "\")";
          cues.push_back(std::move(c));
          break;
        }
        b = e + 1;
      }
    }
  }
  return cues;
}

std::string explain_moment(const Moment& m, const std::string& who, const std::string& said) {
  const std::string how = m.voice ? "sounds" : m.face ? "looks" : "seems";
  std::vector<std::string> voice, face;
  for (const Cue& c : m.cues) {
    const CueInfo* info = cue_info(c.modality + "." + c.name);
    if (!info) continue;
    if (c.modality == "voice" && voice.size() < 2) {
      std::string part = std::string(std::fabs(c.z) >= kCueMuchZ ? "much " : "") + (c.z > 0 ? info->higher : info->lower);
      if (*info->unit != '\0') part += " (" + signed_value(c.value - c.baseline, info->unit) + ")";
      voice.push_back(part);
    } else if (c.modality == "face" && face.size() < 2) {
      face.push_back(c.z > 0 ? info->higher : info->lower);
    }
  }
  std::vector<std::string> reasons;
  if (!voice.empty()) reasons.push_back("their voice is " + join(voice) + " than usual");
  if (!face.empty()) reasons.push_back("they " + join(face));
  if (!said.empty()) reasons.push_back("they say " + quoted(said, 8));
  if (m.uncertain) return who + "'s voice is too unclear here for an emotion (most likely " + m.fused.label + ").";
  std::string out = who + " " + how + " " + (m.compound ? m.compound->label : adjective(m.fused.label));
  if (!reasons.empty()) out += ": " + join(reasons);
  out += ".";
  std::vector<std::string> present;
  if (m.voice) present.emplace_back("voice");
  if (m.face) present.emplace_back("face");
  if (m.words) present.emplace_back("words");
  if (present.size() < 2) return out;
  std::string s;
  if (m.agreement) {
    s = join(present) + " agree";
  } else {
    std::vector<std::string> differ;
    for (const std::string& d : m.disagreeing) {
      const std::optional<ModalityCall>& c = d == "voice" ? m.voice : d == "face" ? m.face : m.words;
      const std::string verb = d == "voice" ? "sounds" : d == "face" ? "looks" : "read as";
      differ.push_back("the " + d + " " + verb + " " + adjective(c->label));
    }
    s = "but " + join(differ);
  }
  s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return out + " " + s + ".";
}

void explain_moments(AnalysisResult& result) {
  std::vector<std::map<std::string, double>> measures;
  measures.reserve(result.moments.size());
  PersonBaselines baselines;
  for (const Moment& m : result.moments) {
    measures.push_back(moment_measures(m, result));
    baselines.add(m.person, measures.back());
  }
  std::map<std::string, std::string> names;
  for (const Person& p : result.persons) names[p.id] = p.name.empty() ? p.id : p.name;
  for (std::size_t i = 0; i < result.moments.size(); ++i) {
    Moment& m = result.moments[i];
    baselines.remove(m.person, measures[i]);  // leave-one-out
    m.cues = moment_cues(m, measures[i], baselines, result);
    baselines.add(m.person, measures[i]);
    const auto it = names.find(m.person);
    std::string said;
    if (result.text)
      for (int u : m.utterances) said += (said.empty() ? "" : " ") + result.text->utterances[static_cast<std::size_t>(u)].text;
    m.explanation = explain_moment(m, it != names.end() ? it->second : std::string("Someone"), said);
  }
}

}  // namespace sentio::analysis
