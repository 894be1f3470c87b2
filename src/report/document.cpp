// SPDX-License-Identifier: Apache-2.0
// Reading a result document and reducing it to what the page draws.
#include <algorithm>
#include <cmath>
#include <string>

#include "report_internal.hpp"
#include "sentio/core/error.hpp"

namespace sentio::report::detail {

using nlohmann::json;

namespace {

constexpr std::string_view kSchemaPrefix = "sentio.analysis/";

double round4(double v) { return std::round(v * 1e4) / 1e4; }

// Copies the listed fields of `from` that are present.
json pick(const json& from, std::initializer_list<const char*> keys) {
  json out = json::object();
  if (!from.is_object()) return out;
  for (const char* k : keys) {
    const auto it = from.find(k);
    if (it != from.end()) out[k] = *it;
  }
  return out;
}

// The array o[key], or an empty one (no copy).
const json& list_of(const json& o, const char* key) {
  static const json empty = json::array();
  const auto it = o.find(key);
  return it != o.end() && it->is_array() ? *it : empty;
}

double number_or(const json& j, const char* key, double fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

// Mean of each numeric key of the objects items[b..e)[key] (a probability map); missing keys count as 0.
json mean_map(const json& items, std::size_t b, std::size_t e, const char* key) {
  std::map<std::string, double> sums;
  std::vector<std::string> order;
  for (std::size_t i = b; i < e; ++i) {
    const auto it = items[i].find(key);
    if (it == items[i].end() || !it->is_object()) continue;
    for (const auto& [k, v] : it->items()) {
      if (!v.is_number()) continue;
      if (!sums.count(k)) order.push_back(k);
      sums[k] += v.get<double>();
    }
  }
  json out = json::object();
  const double n = static_cast<double>(e - b);
  for (const std::string& k : order) out[k] = round4(sums[k] / n);
  return out;
}

std::string argmax(const json& probabilities, double& best) {
  std::string label;
  best = -1;
  for (const auto& [k, v] : probabilities.items())
    if (v.is_number() && v.get<double>() > best) {
      best = v.get<double>();
      label = k;
    }
  return label;
}

double mean_of(const json& items, std::size_t b, std::size_t e, const char* key) {
  double s = 0;
  for (std::size_t i = b; i < e; ++i) s += number_or(items[i], key, 0);
  return round4(s / static_cast<double>(e - b));
}

json reduce_observations(const json& obs, std::size_t max_points) {
  json out = json::array();
  if (!obs.is_array()) return out;
  if (obs.size() <= max_points) {
    for (const json& o : obs) {
      json r = pick(o, {"time", "label", "confidence", "valence", "arousal", "probabilities"});
      out.push_back(std::move(r));
    }
    return out;
  }
  for (const auto& [b, e] : buckets(obs.size(), max_points)) {
    json r = json::object();
    r["time"] = std::round(mean_of(obs, b, e, "time") * 1e3) / 1e3;
    r["t0"] = number_or(obs[b], "time", 0);
    r["t1"] = number_or(obs[e - 1], "time", 0);
    r["probabilities"] = mean_map(obs, b, e, "probabilities");
    double best = 0;
    r["label"] = argmax(r["probabilities"], best);
    r["confidence"] = round4(std::max(best, 0.0));
    r["valence"] = mean_of(obs, b, e, "valence");
    r["arousal"] = mean_of(obs, b, e, "arousal");
    r["n"] = e - b;
    out.push_back(std::move(r));
  }
  return out;
}

json reduce_windows(const json& windows, std::size_t max_points) {
  if (!windows.is_array()) return json::array();
  if (windows.size() <= max_points) return windows;
  json out = json::array();
  for (const auto& [b, e] : buckets(windows.size(), max_points)) {
    json r = json::object();
    r["start"] = number_or(windows[b], "start", 0);
    r["end"] = number_or(windows[e - 1], "end", 0);
    r["mean_faces"] = mean_of(windows, b, e, "mean_faces");
    r["mean_valence"] = mean_of(windows, b, e, "mean_valence");
    r["mean_arousal"] = mean_of(windows, b, e, "mean_arousal");
    r["distribution"] = mean_map(windows, b, e, "distribution");
    double best = 0;
    r["dominant_label"] = argmax(r["distribution"], best);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> buckets(std::size_t n, std::size_t max_points) {
  SENTIO_ASSERT(max_points >= 1);
  const std::size_t k = std::min(n, max_points);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  out.reserve(k);
  for (std::size_t i = 0; i < k; ++i) out.emplace_back(i * n / k, (i + 1) * n / k);
  return out;
}

json parse_result(std::string_view text, std::string_view source, int& major, Keep keep) {
  const std::string name(source);
  // Depths of object keys: 1 top level, 3 faces.group's and each moment's, 4 each segment's, track's and
  // utterance's, 5 inside their objects (canonical, a moment's modality), 6 each face observation's.
  const json::parser_callback_t lean = [keep](int depth, json::parse_event_t event, json& parsed) {
    if (event != json::parse_event_t::key) return true;
    const std::string& key = parsed.get_ref<const std::string&>();
    switch (depth) {
      case 3: return key != "frames";
      case 4: return key != "probabilities" && key != "measures" && key != "mean_cues" && key != "sentiment_probabilities";
      case 5: return key != "probabilities";
      case 6: return key != "cues" && (keep == Keep::report || key != "box");
      default: return true;
    }
  };
  json doc = json::parse(text.begin(), text.end(), keep == Keep::all ? nullptr : lean, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw InputError(name + ": not a Sentio result (not valid JSON)");
  if (!doc.is_object() || !doc.contains("schema") || !doc["schema"].is_string())
    throw InputError(name + ": not a Sentio result (no \"schema\" field; expected a document of 'sentio analyze')");
  const std::string schema = doc["schema"].get<std::string>();
  if (!schema.starts_with(kSchemaPrefix))
    throw InputError(name + ": not a Sentio result (schema '" + schema + "', expected sentio.analysis/1 or /2)");
  const std::string version = schema.substr(kSchemaPrefix.size());
  if (version != "1" && version != "2")
    throw InputError(name + ": unknown schema version '" + schema + "' (this report reads sentio.analysis/1 and /2)");
  major = version == "1" ? 1 : 2;
  if (!doc.contains("input") || !doc["input"].is_object())
    throw InputError(name + ": not a Sentio result (no \"input\" object)");
  return doc;
}

json drawing_view(const json& doc, std::size_t max_points) {
  SENTIO_ASSERT(max_points >= 1);
  json v = pick(doc, {"schema", "generator", "input", "warnings", "persons"});
  if (doc.contains("speech") && doc["speech"].is_object()) {
    const json& s = doc["speech"];
    json vs = pick(s, {"status", "speaker_mode", "speakers", "timeline"});
    json segs = json::array();
    for (const json& seg : list_of(s, "segments")) {
      json r = pick(seg, {"start", "end", "speaker", "label", "confidence", "valence", "arousal", "person",
                          "face_track"});
      if (seg.contains("canonical") && seg["canonical"].is_object()) r["core"] = seg["canonical"].value("label", "");
      segs.push_back(std::move(r));
    }
    vs["segments"] = std::move(segs);
    v["speech"] = std::move(vs);
  }
  if (doc.contains("faces") && doc["faces"].is_object()) {
    const json& f = doc["faces"];
    json vf = pick(f, {"status", "sampled_fps", "frame_width", "frame_height", "frames_analysed"});
    json tracks = json::array();
    for (const json& t : list_of(f, "tracks")) {
      json r = pick(t, {"id", "first_time", "last_time", "observations_count", "person", "dominant_label",
                        "mean_valence", "mean_arousal", "mean_probabilities", "blinks"});
      r["observations"] = reduce_observations(list_of(t, "observations"), max_points);
      tracks.push_back(std::move(r));
    }
    vf["tracks"] = std::move(tracks);
    if (f.contains("group") && f["group"].is_object())
      vf["group"] = {{"windows", reduce_windows(list_of(f["group"], "windows"), max_points)}};
    v["faces"] = std::move(vf);
  }
  if (doc.contains("text") && doc["text"].is_object()) {
    const json& t = doc["text"];
    json vt = pick(t, {"status", "source", "transcript", "context"});
    json utts = json::array();
    for (const json& u : list_of(t, "utterances")) {
      json r = pick(u, {"start", "end", "speaker", "person", "text", "label", "confidence", "sentiment", "valence",
                        "arousal"});
      if (u.contains("canonical") && u["canonical"].is_object()) r["core"] = u["canonical"].value("label", "");
      json terms = json::array();
      for (const json& d : list_of(u, "drivers"))
        if (d.is_object() && d.contains("term") && d["term"].is_string()) terms.push_back(d["term"]);
      r["drivers"] = std::move(terms);
      utts.push_back(std::move(r));
    }
    vt["utterances"] = std::move(utts);
    v["text"] = std::move(vt);
  }
  if (doc.contains("moments") && doc["moments"].is_array()) {
    json moments = json::array();
    for (const json& m : doc["moments"]) {
      json r = pick(m, {"start", "end", "person", "agreement", "compound", "explanation", "face_track", "segment"});
      if (m.contains("fused") && m["fused"].is_object())
        r["fused"] = pick(m["fused"], {"label", "confidence", "valence", "arousal"});
      json mods = json::object();
      if (m.contains("modalities") && m["modalities"].is_object())
        for (const auto& [k, mod] : m["modalities"].items()) mods[k] = pick(mod, {"label", "confidence"});
      r["modalities"] = std::move(mods);
      json cues = json::array();
      for (const json& c : list_of(m, "cues")) {
        if (cues.size() == 3) break;
        cues.push_back(pick(c, {"modality", "name", "z", "text"}));
      }
      r["cues"] = std::move(cues);
      moments.push_back(std::move(r));
    }
    v["moments"] = std::move(moments);
  }
  return v;
}

}  // namespace sentio::report::detail
