// SPDX-License-Identifier: Apache-2.0
// Reading a result document. Small documents are parsed whole (they are embedded for download); large
// ones by a SAX handler that builds only what the report reads: face observations go straight into
// FaceSamples (no JSON objects), and the parts the page never shows are skipped without being built.
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "report_internal.hpp"
#include "sentio/core/error.hpp"

namespace sentio::report::detail {

using nlohmann::json;

namespace {

constexpr std::string_view kSchemaPrefix = "sentio.analysis/";

// The index of a core label in FaceSample::probabilities.
std::optional<std::size_t> label_index(std::string_view name) {
  const std::optional<Emotion> e = emotion_from_name(name);
  return e ? std::optional<std::size_t>(static_cast<std::size_t>(*e)) : std::nullopt;
}

double as_double(const json& v) { return v.is_number() ? v.get<double>() : 0.0; }

FaceSample sample_from(const json& o) {
  FaceSample s;
  s.time = as_double(o.value("time", json()));
  s.confidence = as_double(o.value("confidence", json()));
  s.valence = as_double(o.value("valence", json()));
  s.arousal = as_double(o.value("arousal", json()));
  if (o.contains("label") && o["label"].is_string()) s.label = o["label"].get<std::string>();
  if (o.contains("probabilities") && o["probabilities"].is_object())
    for (const auto& [k, v] : o["probabilities"].items())
      if (const auto i = label_index(k)) s.probabilities[*i] = as_double(v);
  if (o.contains("box") && o["box"].is_array() && o["box"].size() == 4) {
    for (std::size_t i = 0; i < 4; ++i) s.box[i] = as_double(o["box"][i]);
    s.has_box = true;
  }
  return s;
}

// Builds the DOM like nlohmann's own SAX DOM parser, except:
//  * faces.tracks[i].observations[j] become FaceSamples (fields time, label, confidence, valence,
//    arousal, probabilities, box; the rest, e.g. cues, skipped);
//  * faces.group.frames, and the probabilities/measures/mean_cues/sentiment_probabilities of segments,
//    tracks, utterances, moments and their modalities, are skipped (their text is read, nothing built).
// Object-key depths as in nlohmann's parser callback: 1 top level, 2 inside speech/faces/text, 3 inside
// faces.group and each moment, 4 inside each segment/track/utterance, 5 one level deeper.
class LeanHandler : public json::json_sax_t {
 public:
  LeanHandler(ParsedResult& out, bool keep_boxes) : out_(out), keep_boxes_(keep_boxes) {}

  bool null() override { return primitive(json(nullptr)); }
  bool boolean(bool v) override { return primitive(json(v)); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v), json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v), json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v, json(v)); }
  bool string(string_t& v) override {
    if (consumed()) return true;
    if (in_sample()) {
      if (sample_depth_ == 1 && key_ == "label") sample_.label = v;
      return true;
    }
    insert(json(std::move(v)));
    return true;
  }
  bool binary(binary_t&) override { return true; }

  bool start_object(std::size_t) override {
    if (enter_skipped()) return true;
    if (observations_) {  // an observation (depth 1) or an object inside one
      if (sample_depth_ == 0) sample_ = FaceSample();
      ++sample_depth_;
      keys_.push_back(key_);
      return true;
    }
    stack_.push_back(insert(json::object()));
    keys_.push_back(key_);
    if (is_track()) out_.samples.emplace_back();
    return true;
  }
  bool end_object() override {
    if (leave_skipped()) return true;
    keys_.pop_back();
    if (in_sample()) {
      if (--sample_depth_ == 0) out_.samples.back().push_back(std::move(sample_));
      return true;
    }
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (enter_skipped()) return true;
    if (observations_) {
      if (!in_sample()) return (skip_ = 1, true);  // not an observation object: ignored
      ++sample_depth_;
      box_index_ = 0;
      keys_.push_back(key_);
      return true;
    }
    if (key_ == "observations" && is_track()) {
      observations_ = true;
      keys_.push_back(key_);
      return true;
    }
    stack_.push_back(insert(json::array()));
    keys_.push_back(key_);
    return true;
  }
  bool end_array() override {
    if (leave_skipped()) return true;
    keys_.pop_back();
    if (in_sample()) {
      --sample_depth_;
      return true;
    }
    if (observations_) {  // the observations array ends
      observations_ = false;
      return true;
    }
    stack_.pop_back();
    return true;
  }
  bool key(string_t& k) override {
    if (skip_ > 0) return true;
    key_ = k;
    if (in_sample()) {
      if (sample_depth_ == 1) skip_next_ = !(k == "time" || k == "label" || k == "confidence" || k == "valence" ||
                                             k == "arousal" || k == "probabilities" || (keep_boxes_ && k == "box"));
      return true;
    }
    const std::size_t d = depth();
    skip_next_ = (d == 3 && k == "frames") ||
                 (d == 4 && (k == "probabilities" || k == "measures" || k == "mean_cues" ||
                             k == "sentiment_probabilities")) ||
                 (d == 5 && k == "probabilities");
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = "at byte " + std::to_string(position) + ": " + e.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  // Object-key depth of the keys of the innermost open container.
  std::size_t depth() const { return keys_.size(); }
  bool in_sample() const { return sample_depth_ > 0; }
  // The innermost open container is an element of faces.tracks (root, faces, tracks, the track).
  bool is_track() const {
    return stack_.size() == 4 && keys_.size() == 4 && keys_[1] == "faces" && keys_[2] == "tracks" &&
           stack_.back()->is_object();
  }
  bool enter_skipped() {
    if (skip_ > 0) return (++skip_, true);
    if (skip_next_) {
      skip_next_ = false;
      skip_ = 1;
      return true;
    }
    return false;
  }
  bool leave_skipped() {
    if (skip_ == 0) return false;
    --skip_;
    return true;
  }
  // True when the value just read is not to be built: inside a skipped container, skipped by its key, or
  // a stray value inside an observations array.
  bool consumed() {
    if (skip_ > 0) return true;
    if (skip_next_) return (skip_next_ = false, true);
    return observations_ && !in_sample();
  }
  bool number(double v, json&& j) {
    if (consumed()) return true;
    if (in_sample()) {
      if (sample_depth_ == 1) {
        if (key_ == "time") sample_.time = v;
        else if (key_ == "confidence") sample_.confidence = v;
        else if (key_ == "valence") sample_.valence = v;
        else if (key_ == "arousal") sample_.arousal = v;
      } else if (sample_depth_ == 2 && keys_.back() == "probabilities") {
        if (const auto i = label_index(key_)) sample_.probabilities[*i] = v;
      } else if (sample_depth_ == 2 && keys_.back() == "box" && box_index_ < 4) {
        sample_.box[box_index_++] = v;
        sample_.has_box = box_index_ == 4;
      }
      return true;
    }
    insert(std::move(j));
    return true;
  }
  bool primitive(json&& j) {
    if (consumed() || in_sample()) return true;
    insert(std::move(j));
    return true;
  }
  // Places a value in the innermost container (or as the root); returns where it is.
  json* insert(json&& v) {
    if (stack_.empty()) {
      out_.doc = std::move(v);
      return &out_.doc;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }

  ParsedResult& out_;
  bool keep_boxes_;
  std::vector<json*> stack_;        // open containers being built
  std::vector<std::string> keys_;   // the key under which each open container (built or not) was opened
  std::string key_;                 // the last key read
  std::size_t skip_ = 0;            // nesting inside a skipped container
  bool skip_next_ = false;          // the next value is skipped
  bool observations_ = false;       // inside a faces.tracks[i].observations array
  std::size_t sample_depth_ = 0;    // nesting inside one observation object (1 = its own keys)
  std::size_t box_index_ = 0;
  FaceSample sample_;
  std::string error_;
};

void check_schema(const json& doc, const std::string& name, int& major) {
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
}

}  // namespace

ParsedResult parse_result(std::string_view text, std::string_view source, Keep keep) {
  const std::string name(source);
  ParsedResult out;
  if (keep == Keep::all) {
    out.doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (out.doc.is_discarded()) throw InputError(name + ": not a Sentio result (not valid JSON)");
    check_schema(out.doc, name, out.major);
    const auto faces = out.doc.find("faces");
    if (faces != out.doc.end() && faces->is_object() && faces->contains("tracks") && (*faces)["tracks"].is_array())
      for (const json& t : (*faces)["tracks"]) {
        out.samples.emplace_back();
        if (t.is_object() && t.contains("observations") && t["observations"].is_array())
          for (const json& o : t["observations"])
            if (o.is_object()) out.samples.back().push_back(sample_from(o));
      }
    return out;
  }
  LeanHandler handler(out, keep == Keep::report);
  if (!json::sax_parse(text.begin(), text.end(), &handler, json::input_format_t::json, /*strict=*/true))
    throw InputError(name + ": not a Sentio result (not valid JSON " + handler.error() + ")");
  check_schema(out.doc, name, out.major);
  return out;
}

}  // namespace sentio::report::detail
