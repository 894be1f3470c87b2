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

json probabilities_json(const std::array<double, kEmotionCount>& p) {
  json out = json::object();
  for (std::size_t i = 0; i < kEmotionCount; ++i) out[std::string(kEmotionNames[i])] = round4(p[i]);
  return out;
}

json reduce_observations(const std::vector<FaceSample>& obs, std::size_t max_points) {
  json out = json::array();
  if (obs.size() <= max_points) {
    for (const FaceSample& o : obs)
      out.push_back({{"time", o.time}, {"label", o.label}, {"confidence", round4(o.confidence)},
                     {"valence", round4(o.valence)}, {"arousal", round4(o.arousal)},
                     {"probabilities", probabilities_json(o.probabilities)}});
    return out;
  }
  for (const auto& [b, e] : buckets(obs.size(), max_points)) {
    const double n = static_cast<double>(e - b);
    double time = 0, valence = 0, arousal = 0;
    std::array<double, kEmotionCount> p{};
    for (std::size_t i = b; i < e; ++i) {
      time += obs[i].time;
      valence += obs[i].valence;
      arousal += obs[i].arousal;
      for (std::size_t k = 0; k < kEmotionCount; ++k) p[k] += obs[i].probabilities[k];
    }
    std::size_t best = 0;
    for (std::size_t k = 0; k < kEmotionCount; ++k) {
      p[k] /= n;
      if (p[k] > p[best]) best = k;
    }
    out.push_back({{"time", std::round(time / n * 1e3) / 1e3}, {"t0", obs[b].time}, {"t1", obs[e - 1].time},
                   {"probabilities", probabilities_json(p)}, {"label", std::string(kEmotionNames[best])},
                   {"confidence", round4(p[best])}, {"valence", round4(valence / n)}, {"arousal", round4(arousal / n)},
                   {"n", e - b}});
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

json drawing_view(const ParsedResult& result, std::size_t max_points) {
  SENTIO_ASSERT(max_points >= 1);
  const json& doc = result.doc;
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
    std::size_t index = 0;
    for (const json& t : list_of(f, "tracks")) {
      json r = pick(t, {"id", "first_time", "last_time", "observations_count", "person", "dominant_label",
                        "mean_valence", "mean_arousal", "mean_probabilities", "blinks"});
      static const std::vector<FaceSample> none;
      r["observations"] = reduce_observations(index < result.samples.size() ? result.samples[index] : none, max_points);
      ++index;
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
