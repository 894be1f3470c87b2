// SPDX-License-Identifier: Apache-2.0
// JSON and CSV forms of an analysis result. Times are rounded to the millisecond and scores to 1e-4
// (more digits than any of them carries), which keeps the documents short and diff-able.
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sentio/analysis/result_writer.hpp"
#include "sentio/core/csv.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/labels.hpp"

namespace sentio::analysis {

namespace {

using nlohmann::ordered_json;

double time3(double t) { return std::round(t * 1000.0) / 1000.0; }
double score4(double x) { return std::round(x * 10000.0) / 10000.0; }

template <typename T>
ordered_json by_label(const std::vector<std::string>& labels, const std::vector<T>& values, double (*round)(double)) {
  ordered_json o = ordered_json::object();
  for (std::size_t k = 0; k < labels.size(); ++k) o[labels[k]] = round(static_cast<double>(values[k]));
  return o;
}

// The call in the seven core labels: {"label": ..., "probabilities": {core label: p}}.
ordered_json canonical_json(const CanonicalCall& c) {
  std::vector<std::string> core;
  for (std::string_view name : kEmotionNames) core.emplace_back(name);
  return {{"label", c.label}, {"probabilities", by_label(core, c.probabilities, score4)}};
}

ordered_json segment_json(const SpeechSegment& seg, const std::vector<std::string>& labels) {
  ordered_json o;
  o["start"] = time3(seg.start);
  o["end"] = time3(seg.end);
  o["speaker"] = seg.speaker;
  if (seg.channel >= 0) o["channel"] = seg.channel;
  o["label"] = seg.label;
  o["confidence"] = score4(seg.confidence);
  o["uncertain"] = seg.uncertain;
  o["valence"] = score4(seg.valence);
  o["arousal"] = score4(seg.arousal);
  o["vad_confidence"] = score4(seg.vad_confidence);
  o["probabilities"] = by_label(labels, seg.probabilities, score4);
  if (!seg.canonical.label.empty()) o["canonical"] = canonical_json(seg.canonical);
  o["face_track"] = seg.face_track >= 0 ? ordered_json(seg.face_track) : ordered_json(nullptr);
  o["person"] = seg.person.empty() ? ordered_json(nullptr) : ordered_json(seg.person);
  const VoiceMeasures& v = seg.measures;
  const auto measure = [](float x) { return std::isfinite(x) ? ordered_json(score4(static_cast<double>(x))) : ordered_json(nullptr); };
  o["measures"] = {{"pitch_st", measure(v.pitch_st)},     {"level_db", measure(v.level_db)},
                   {"loudness", measure(v.loudness)},     {"speech_rate", measure(v.speech_rate)},
                   {"jitter", measure(v.jitter)},         {"shimmer_db", measure(v.shimmer_db)},
                   {"hnr_db", measure(v.hnr_db)}};
  return o;
}

// Where every valence/arousal of the document comes from: the probability-weighted mean of one circumplex
// point per class (core/affect.hpp), not a trained regressor.
constexpr const char* kValenceArousalSource = "circumplex-mapping";

ordered_json speech_json(const SpeechResult& s) {
  ordered_json j;
  j["status"] = s.status;
  j["speaker_mode"] = s.speaker_mode;
  j["model"] = {{"path", s.model_path}, {"kind", s.model_kind}};
  j["labels"] = s.labels;
  j["valence_arousal_source"] = kValenceArousalSource;
  ordered_json segments = ordered_json::array();
  for (const SpeechSegment& seg : s.segments) segments.push_back(segment_json(seg, s.labels));
  j["segments"] = std::move(segments);
  ordered_json timeline = ordered_json::array();
  for (const TimelineEntry& e : s.timeline) {
    timeline.push_back({{"start", time3(e.start)},
                        {"end", time3(e.end)},
                        {"speaker", e.speaker},
                        {"label", e.label},
                        {"mean_confidence", score4(e.mean_confidence)},
                        {"first_segment", e.first_segment},
                        {"last_segment", e.last_segment}});
  }
  j["timeline"] = std::move(timeline);
  ordered_json speakers = ordered_json::array();
  for (const SpeakerSummary& sp : s.speakers) {
    ordered_json o;
    o["speaker"] = sp.speaker;
    o["segments"] = sp.n_segments;
    o["speech_s"] = time3(sp.speech_s);
    o["uncertain_segments"] = sp.n_uncertain;
    o["uncertain_s"] = time3(sp.uncertain_s);
    o["dominant_label"] = sp.dominant_label.empty() ? ordered_json(nullptr) : ordered_json(sp.dominant_label);
    o["mean_valence"] = score4(sp.mean_valence);
    o["mean_arousal"] = score4(sp.mean_arousal);
    o["mean_probabilities"] = by_label(s.labels, sp.mean_probabilities, score4);
    o["label_seconds"] = by_label(s.labels, sp.label_seconds, time3);
    speakers.push_back(std::move(o));
  }
  j["speakers"] = std::move(speakers);
  return j;
}

ordered_json cues_json(const FaceCues& c) {
  return {{"mouth_opening", score4(c.mouth_opening)}, {"lip_corner_lift", score4(c.lip_corner_lift)},
          {"mouth_width", score4(c.mouth_width)},     {"brow_right", score4(c.brow_right)},
          {"brow_left", score4(c.brow_left)},         {"eye_right", score4(c.eye_right)},
          {"eye_left", score4(c.eye_left)},           {"yaw_deg", std::round(c.yaw_deg * 10.0) / 10.0},
          {"pitch_deg", std::round(c.pitch_deg * 10.0) / 10.0}, {"roll_deg", std::round(c.roll_deg * 10.0) / 10.0}};
}

double pixel1(double x) { return std::round(x * 10.0) / 10.0; }

ordered_json observation_json(const FaceObservation& o, const std::vector<std::string>& labels) {
  ordered_json oj;
  oj["time"] = time3(o.time);
  oj["frame"] = o.frame;
  oj["box"] = {pixel1(o.x0), pixel1(o.y0), pixel1(o.x1), pixel1(o.y1)};
  oj["label"] = o.label;
  oj["confidence"] = score4(o.confidence);
  oj["valence"] = score4(o.valence);
  oj["arousal"] = score4(o.arousal);
  oj["probabilities"] = by_label(labels, o.probabilities, score4);
  oj["cues"] = o.cues ? cues_json(*o.cues) : ordered_json(nullptr);
  if (o.blink) oj["blink"] = true;
  return oj;
}

ordered_json group_json(const GroupView& g, const std::vector<std::string>& labels, bool window) {
  ordered_json o;
  if (window) {
    o["start"] = time3(g.start);
    o["end"] = time3(g.end);
    o["mean_faces"] = score4(g.mean_faces);
  } else {
    o["time"] = time3(g.start);
    o["faces"] = std::lround(g.mean_faces);
  }
  o["dominant_label"] = g.dominant_label;
  o["mean_valence"] = score4(g.mean_valence);
  o["mean_arousal"] = score4(g.mean_arousal);
  o["distribution"] = by_label(labels, g.distribution, score4);
  return o;
}

ordered_json faces_json(const FacesResult& f) {
  ordered_json j;
  j["status"] = f.status;
  j["labels"] = f.labels;
  j["valence_arousal_source"] = kValenceArousalSource;
  j["sampled_fps"] = f.sampled_fps;
  j["frame_width"] = f.frame_width;
  j["frame_height"] = f.frame_height;
  j["frames_analysed"] = f.frames_analysed;
  j["frames_skipped"] = f.frames_skipped;
  ordered_json tracks = ordered_json::array();
  for (const FaceTrackResult& t : f.tracks) {
    ordered_json tj;
    tj["id"] = t.id;
    tj["person"] = t.person.empty() ? ordered_json(nullptr) : ordered_json(t.person);
    tj["first_time"] = time3(t.first_time);
    tj["last_time"] = time3(t.last_time);
    tj["observations_count"] = t.observations.size();
    tj["dominant_label"] = t.dominant_label;
    tj["mean_valence"] = score4(t.mean_valence);
    tj["mean_arousal"] = score4(t.mean_arousal);
    tj["mean_probabilities"] = by_label(f.labels, t.mean_probabilities, score4);
    tj["mean_cues"] = t.mean_cues ? cues_json(*t.mean_cues) : ordered_json(nullptr);
    tj["blinks"] = t.blinks >= 0 ? ordered_json(t.blinks) : ordered_json(nullptr);
    ordered_json obs = ordered_json::array();
    for (const FaceObservation& o : t.observations) obs.push_back(observation_json(o, f.labels));
    tj["observations"] = std::move(obs);
    tracks.push_back(std::move(tj));
  }
  j["tracks"] = std::move(tracks);
  ordered_json frames = ordered_json::array();
  for (const GroupView& g : f.group_frames) frames.push_back(group_json(g, f.labels, false));
  ordered_json windows = ordered_json::array();
  for (const GroupView& g : f.group_windows) windows.push_back(group_json(g, f.labels, true));
  j["group"] = {{"frames", std::move(frames)}, {"windows", std::move(windows)}};
  return j;
}

ordered_json utterance_json(const TextUtterance& u, const std::vector<std::string>& labels, bool multi_label,
                            bool context) {
  ordered_json o;
  o["start"] = u.start >= 0 ? ordered_json(time3(u.start)) : ordered_json(nullptr);
  o["end"] = u.end >= 0 ? ordered_json(time3(u.end)) : ordered_json(nullptr);
  o["speaker"] = u.speaker.empty() ? ordered_json(nullptr) : ordered_json(u.speaker);
  o["person"] = u.person.empty() ? ordered_json(nullptr) : ordered_json(u.person);
  if (u.recognition_confidence >= 0) o["recognition_confidence"] = score4(u.recognition_confidence);
  if (!u.id.empty()) o["id"] = u.id;
  o["text"] = u.text;
  o["label"] = u.label;
  o["confidence"] = score4(u.confidence);
  if (multi_label) o["active_labels"] = u.active_labels;
  o["sentiment"] = u.sentiment;
  o["sentiment_probabilities"] = {
      {"negative", score4(u.negative)}, {"neutral", score4(u.neutral)}, {"positive", score4(u.positive)}};
  o["valence"] = score4(u.valence);
  o["arousal"] = score4(u.arousal);
  o["probabilities"] = by_label(labels, u.probabilities, score4);
  if (!u.canonical.label.empty()) o["canonical"] = canonical_json(u.canonical);
  ordered_json drivers = ordered_json::array();
  for (const auto& [term, weight] : u.drivers) drivers.push_back({{"term", term}, {"weight", score4(weight)}});
  o["drivers"] = std::move(drivers);
  if (context)
    o["no_context"] = {{"label", u.label_no_context},
                       {"confidence", score4(u.confidence_no_context)},
                       {"probabilities", by_label(labels, u.probabilities_no_context, score4)}};
  return o;
}

ordered_json call_json(const ModalityCall& c, bool with_quality) {
  static const std::vector<std::string> core = [] {
    std::vector<std::string> v;
    for (std::string_view n : kEmotionNames) v.emplace_back(n);
    return v;
  }();
  ordered_json o;
  o["label"] = c.label;
  o["confidence"] = score4(c.confidence);
  if (with_quality) o["quality"] = score4(c.quality);
  o["probabilities"] = by_label(core, c.probabilities, score4);
  return o;
}

ordered_json moment_json(const Moment& m) {
  ordered_json o;
  o["start"] = m.start >= 0 ? ordered_json(time3(m.start)) : ordered_json(nullptr);
  o["end"] = m.end >= 0 ? ordered_json(time3(m.end)) : ordered_json(nullptr);
  o["person"] = m.person.empty() ? ordered_json(nullptr) : ordered_json(m.person);
  ordered_json modalities = ordered_json::object();
  if (m.voice) modalities["voice"] = call_json(*m.voice, true);
  if (m.face) modalities["face"] = call_json(*m.face, true);
  if (m.words) modalities["words"] = call_json(*m.words, true);
  o["modalities"] = std::move(modalities);
  ordered_json fused = call_json(m.fused, false);
  fused["valence"] = score4(m.valence);
  fused["arousal"] = score4(m.arousal);
  o["fused"] = std::move(fused);
  o["uncertain"] = m.uncertain;
  o["agreement"] = {{"agree", m.agreement}, {"disagreeing", m.disagreeing}};
  if (m.compound)
    o["compound"] = {{"label", m.compound->label},
                     {"components", {m.compound->components.first, m.compound->components.second}},
                     {"score", score4(m.compound->score)}};
  else
    o["compound"] = nullptr;
  ordered_json cues = ordered_json::array();
  for (const Cue& c : m.cues)
    cues.push_back({{"modality", c.modality}, {"name", c.name}, {"value", score4(c.value)},
                    {"baseline", score4(c.baseline)}, {"z", score4(c.z)}, {"direction", c.direction}, {"text", c.text}});
  o["cues"] = std::move(cues);
  o["explanation"] = m.explanation;
  o["segment"] = m.segment >= 0 ? ordered_json(m.segment) : ordered_json(nullptr);
  o["utterances"] = m.utterances;
  o["face_track"] = m.face_track >= 0 ? ordered_json(m.face_track) : ordered_json(nullptr);
  return o;
}

ordered_json person_json(const Person& p) {
  static const std::vector<std::string> core = [] {
    std::vector<std::string> v;
    for (std::string_view n : kEmotionNames) v.emplace_back(n);
    return v;
  }();
  ordered_json o;
  o["id"] = p.id;
  o["speaker"] = p.speaker.empty() ? ordered_json(nullptr) : ordered_json(p.speaker);
  o["face_tracks"] = p.face_tracks;
  o["name"] = p.name.empty() ? ordered_json(nullptr) : ordered_json(p.name);
  o["link_confidence"] = score4(p.link_confidence);
  o["speaking_s"] = time3(p.speaking_s);
  o["uncertain_moments"] = p.uncertain_moments;
  o["dominant_label"] = p.dominant_label.empty() ? ordered_json(nullptr) : ordered_json(p.dominant_label);
  o["mean_valence"] = score4(p.mean_valence);
  o["mean_arousal"] = score4(p.mean_arousal);
  o["mean_probabilities"] =
      p.mean_probabilities.empty() ? ordered_json::object() : by_label(core, p.mean_probabilities, score4);
  ordered_json labels = ordered_json::object(), compounds = ordered_json::object();
  for (const auto& [l, n] : p.label_counts) labels[l] = n;
  for (const auto& [l, n] : p.compound_counts) compounds[l] = n;
  o["moments_by_label"] = std::move(labels);
  o["compounds"] = std::move(compounds);
  return o;
}

ordered_json text_json(const TextResult& t) {
  ordered_json j;
  j["status"] = t.status;
  j["source"] = t.source;
  j["transcript"] = t.transcript;
  j["transcript_format"] = t.transcript_format;
  j["model"] = {{"path", t.model_path}, {"description", t.model_description}};
  j["labels"] = t.labels;
  j["valence_arousal_source"] = kValenceArousalSource;
  j["multi_label"] = t.multi_label;
  j["context"] = t.context;
  if (!t.language.empty()) {
    ordered_json l;
    l["code"] = t.language;
    l["source"] = t.language_source;
    if (t.language_confidence >= 0) {
      l["detected"] = t.language_detected.empty() ? ordered_json(nullptr) : ordered_json(t.language_detected);
      l["confidence"] = score4(t.language_confidence);
    }
    j["language"] = std::move(l);
  }
  ordered_json utterances = ordered_json::array();
  for (const TextUtterance& u : t.utterances) utterances.push_back(utterance_json(u, t.labels, t.multi_label, t.context));
  j["utterances"] = std::move(utterances);
  return j;
}

std::string number(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

ordered_json document(const AnalysisResult& result, const std::string& generator) {
  ordered_json j;
  j["schema"] = kAnalysisSchema;
  j["generator"] = generator;
  j["input"] = {{"path", result.input.path},
                {"kind", result.input.kind},
                {"duration_s", time3(result.input.duration_s)},
                {"channels", result.input.channels},
                {"source_sample_rate", result.input.source_sample_rate}};
  ordered_json models = ordered_json::array();
  for (const ModelUse& m : result.models)
    models.push_back({{"part", m.part}, {"path", m.path},
                      {"licence", m.licence.empty() ? ordered_json(nullptr) : ordered_json(m.licence)}});
  j["models"] = std::move(models);
  if (result.speech) j["speech"] = speech_json(*result.speech);
  if (result.faces) j["faces"] = faces_json(*result.faces);
  if (result.text) j["text"] = text_json(*result.text);
  ordered_json persons = ordered_json::array();
  for (const Person& p : result.persons) persons.push_back(person_json(p));
  j["persons"] = std::move(persons);
  ordered_json moments = ordered_json::array();
  for (const Moment& m : result.moments) moments.push_back(moment_json(m));
  j["moments"] = std::move(moments);
  j["warnings"] = result.warnings;
  return j;
}

// One line of JSON: {"type": type, ...fields} (fields: an object).
std::string event_line(const char* type, const ordered_json& fields) {
  const std::string head = std::string("{\"type\":") + ordered_json(type).dump();
  const std::string rest = fields.dump();  // "{...}"
  return rest.size() <= 2 ? head + "}" : head + "," + rest.substr(1);
}

}  // namespace

CsvTable parse_csv_table(const std::string& name) {
  if (name == "segments") return CsvTable::segments;
  if (name == "moments") return CsvTable::moments;
  throw InputError("unknown CSV table '" + name + "' (expected segments or moments)");
}

namespace {

std::string moments_csv(const AnalysisResult& result) {
  std::ostringstream out;
  out << "file,start,end,person,modalities,voice,face,words,label,confidence,valence,arousal,agreement,compound,"
         "explanation,uncertain";
  for (std::string_view label : kEmotionNames) out << ",p_" << label;
  out << "\n";
  for (const Moment& m : result.moments) {
    std::string modalities;
    for (const auto* c : {&m.voice, &m.face, &m.words}) {
      const char* name = c == &m.voice ? "voice" : c == &m.face ? "face" : "words";
      if (*c) modalities += (modalities.empty() ? "" : "+") + std::string(name);
    }
    out << csv_field(result.input.path) << ',' << (m.start >= 0 ? number(m.start, 3) : "") << ','
        << (m.end >= 0 ? number(m.end, 3) : "") << ',' << csv_field(m.person) << ',' << modalities << ','
        << (m.voice ? m.voice->label : "") << ',' << (m.face ? m.face->label : "") << ','
        << (m.words ? m.words->label : "") << ',' << m.fused.label << ',' << number(m.fused.confidence, 4) << ','
        << number(m.valence, 4) << ',' << number(m.arousal, 4) << ',' << (m.agreement ? "yes" : "no") << ','
        << (m.compound ? m.compound->label : "") << ',' << csv_field(m.explanation) << ','
        << (m.uncertain ? "true" : "false");
    for (float p : m.fused.probabilities) out << ',' << number(p, 4);
    out << "\n";
  }
  return out.str();
}

}  // namespace

std::string to_json(const AnalysisResult& result, const std::string& generator) {
  return document(result, generator).dump(2) + "\n";
}

std::string segment_event(const SpeechSegment& segment, const std::vector<std::string>& labels) {
  return event_line("segment", segment_json(segment, labels));
}

std::string face_event(int track, const FaceObservation& observation, const std::vector<std::string>& labels) {
  const std::string observation_fields = observation_json(observation, labels).dump();
  return std::string("{\"type\":\"face\",\"track\":") + std::to_string(track) + "," + observation_fields.substr(1);
}

std::string utterance_event(const TextUtterance& utterance, const std::vector<std::string>& labels, bool multi_label,
                            bool context) {
  return event_line("utterance", utterance_json(utterance, labels, multi_label, context));
}

std::string moment_event(const Moment& moment) { return event_line("moment", moment_json(moment)); }

std::string warning_event(const std::string& message) {
  ordered_json fields;
  fields["message"] = message;
  return event_line("warning", fields);
}

std::string error_event(const std::string& message) {
  ordered_json fields;
  fields["message"] = message;
  return event_line("error", fields);
}

std::string result_event(const AnalysisResult& result, const std::string& generator) {
  return event_line("result", document(result, generator));
}

std::string to_csv(const AnalysisResult& result, CsvTable table) {
  if (table == CsvTable::moments) return moments_csv(result);
  std::ostringstream out;
  out << "file,start,end,speaker,channel,label,confidence,valence,arousal,vad_confidence,uncertain";
  if (result.speech)
    for (const std::string& label : result.speech->labels) out << ",p_" << label;
  out << "\n";
  if (!result.speech) return out.str();
  for (const SpeechSegment& s : result.speech->segments) {
    out << csv_field(result.input.path) << ',' << number(s.start, 3) << ',' << number(s.end, 3) << ','
        << csv_field(s.speaker) << ',' << (s.channel >= 0 ? std::to_string(s.channel) : std::string()) << ','
        << s.label << ',' << number(s.confidence, 4) << ',' << number(s.valence, 4) << ',' << number(s.arousal, 4)
        << ',' << number(s.vad_confidence, 4) << ',' << (s.uncertain ? "true" : "false");
    for (float p : s.probabilities) out << ',' << number(p, 4);
    out << "\n";
  }
  return out.str();
}

}  // namespace sentio::analysis
