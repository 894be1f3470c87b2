// SPDX-License-Identifier: Apache-2.0
// Persons (persons.hpp): active-speaker evidence per segment and track, pooled per speaker, a one-to-one
// assignment of speakers to face tracks, names from the transcript.
#include "sentio/analysis/persons.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "sentio/core/error.hpp"

namespace sentio::analysis {

namespace {

constexpr double kEnergyRate = 50.0;     // SpeechSegment::energy_db frames per second
constexpr double kMouthActivity = 0.06;  // std of mouth_opening (ratio to the eye distance) of a talking mouth

struct Evidence {
  double score = 0;       // [0, 1]: how much this track looks like the voice of the segment
  double visible = 0;     // share of the frames analysed during the segment with this track
};

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = a.size();
  if (n < 3) return 0;
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 1e-12 && sbb > 1e-12 ? sab / std::sqrt(saa * sbb) : 0.0;
}

double stddev(const std::vector<double>& a) {
  if (a.size() < 2) return 0;
  double m = 0;
  for (double v : a) m += v;
  m /= static_cast<double>(a.size());
  double s = 0;
  for (double v : a) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(a.size()));
}

// The evidence of every visible track for one segment. Mouth movement (its spread over the segment) and
// its correlation with the voice's energy at the same instants; each track's movement is also compared with
// the most moving track's, since listeners' mouths move too, less.
std::map<int, Evidence> segment_evidence(const SpeechSegment& seg, const FacesResult& faces) {
  std::map<int, Evidence> out;
  std::map<int, double> activity, correlation;
  const double expected = std::max(1.0, (seg.end - seg.start) * std::max(faces.sampled_fps, 1e-9));
  for (const FaceTrackResult& t : faces.tracks) {
    std::vector<double> mouth, energy;
    std::size_t seen = 0;
    for (const FaceObservation& o : t.observations) {
      if (o.time < seg.start || o.time > seg.end) continue;
      ++seen;
      if (!o.cues) continue;
      mouth.push_back(o.cues->mouth_opening);
      const auto k = static_cast<std::size_t>(std::llround((o.time - seg.start) * kEnergyRate));
      energy.push_back(seg.energy_db.empty() ? 0.0 : seg.energy_db[std::min(k, seg.energy_db.size() - 1)]);
    }
    if (seen == 0) continue;
    out[t.id].visible = std::min(1.0, static_cast<double>(seen) / expected);
    activity[t.id] = stddev(mouth);
    correlation[t.id] = pearson(mouth, energy);
  }
  double most = 0;
  for (const auto& [id, a] : activity) most = std::max(most, a);
  for (auto& [id, e] : out) {
    const double moving = std::min(1.0, activity[id] / kMouthActivity);
    const double relative = most > 0 ? activity[id] / most : 0.0;
    const double follows = std::clamp(correlation[id], 0.0, 1.0);
    e.score = 0.45 * moving * relative + 0.35 * relative + 0.2 * follows;
  }
  return out;
}

// A transcript speaker name, as opposed to a label the speech part gave ("S1", "ch2").
bool is_name(const std::string& speaker) {
  if (speaker.empty()) return false;
  const bool s_label = speaker.size() >= 2 && speaker[0] == 'S' &&
                       std::all_of(speaker.begin() + 1, speaker.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool ch_label = speaker.size() >= 3 && speaker.rfind("ch", 0) == 0 &&
                        std::all_of(speaker.begin() + 2, speaker.end(), [](char c) { return c >= '0' && c <= '9'; });
  return !s_label && !ch_label;
}

double overlap(double a0, double a1, double b0, double b1) { return std::max(0.0, std::min(a1, b1) - std::max(a0, b0)); }

}  // namespace

PersonLinks link_persons(const SpeechResult* speech, const FacesResult* faces, const TextResult* text,
                         const PersonLinkOptions& options) {
  PersonLinks links;
  const std::size_t n_segments = speech ? speech->segments.size() : 0;
  links.segment_track.assign(n_segments, -1);
  links.segment_confidence.assign(n_segments, 0.0f);

  // Evidence per segment, pooled per (speaker, track) weighted by the segment's visible duration.
  std::vector<std::map<int, Evidence>> per_segment(n_segments);
  std::map<std::string, std::map<int, std::pair<double, double>>> pooled;  // speaker -> track -> (sum, weight)
  std::map<std::string, double> first_spoken;
  for (std::size_t s = 0; s < n_segments; ++s) {
    const SpeechSegment& seg = speech->segments[s];
    if (!first_spoken.count(seg.speaker)) first_spoken[seg.speaker] = seg.start;
    if (!faces) continue;
    per_segment[s] = segment_evidence(seg, *faces);
    for (const auto& [id, e] : per_segment[s]) {
      auto& [sum, weight] = pooled[seg.speaker][id];
      const double w = (seg.end - seg.start) * e.visible;
      sum += w * e.score;
      weight += w;
    }
  }
  // One-to-one assignment, strongest pooled evidence first.
  struct Pair {
    std::string speaker;
    int track;
    double score;
  };
  std::vector<Pair> pairs;
  for (const auto& [speaker, tracks] : pooled)
    for (const auto& [id, sw] : tracks)
      if (sw.second > 0) pairs.push_back({speaker, id, sw.first / sw.second});
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.score > b.score; });
  std::map<std::string, std::pair<int, double>> speaker_track;
  std::set<int> taken;
  for (const Pair& p : pairs) {
    if (p.score < options.min_link_confidence || speaker_track.count(p.speaker) || taken.count(p.track)) continue;
    speaker_track[p.speaker] = {p.track, p.score};
    taken.insert(p.track);
  }
  // Segments: the speaker's face when it is visible and the segment's own evidence does not point elsewhere.
  for (std::size_t s = 0; s < n_segments; ++s) {
    const SpeechSegment& seg = speech->segments[s];
    const auto it = speaker_track.find(seg.speaker);
    if (it == speaker_track.end()) continue;
    const auto e = per_segment[s].find(it->second.first);
    if (e == per_segment[s].end() || e->second.visible < options.min_visible_share) continue;
    double rival = 0;
    for (const auto& [id, other] : per_segment[s])
      if (id != it->second.first) rival = std::max(rival, other.score);
    if (rival > e->second.score + 0.25) continue;  // this segment's mouth belongs to someone else
    links.segment_track[s] = it->second.first;
    links.segment_confidence[s] = static_cast<float>(it->second.second * std::clamp(0.5 + e->second.score - rival, 0.0, 1.0));
  }
  // Names: each transcript name to the speaker its utterances overlap most.
  std::map<std::string, std::string> speaker_name;
  std::vector<std::string> names_in_order;
  if (text) {
    std::map<std::string, std::map<std::string, double>> name_overlap;
    for (const TextUtterance& u : text->utterances) {
      if (!is_name(u.speaker)) continue;
      if (std::find(names_in_order.begin(), names_in_order.end(), u.speaker) == names_in_order.end())
        names_in_order.push_back(u.speaker);
      if (u.start < 0) continue;
      for (std::size_t s = 0; s < n_segments; ++s)
        name_overlap[u.speaker][speech->segments[s].speaker] +=
            overlap(u.start, u.end, speech->segments[s].start, speech->segments[s].end);
    }
    std::vector<std::tuple<double, std::string, std::string>> candidates;  // overlap, name, speaker
    for (const auto& [name, by_speaker] : name_overlap)
      for (const auto& [speaker, t] : by_speaker)
        if (t > 0) candidates.emplace_back(t, name, speaker);
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    std::set<std::string> named;
    for (const auto& [t, name, speaker] : candidates) {
      if (speaker_name.count(speaker) || named.count(name)) continue;
      speaker_name[speaker] = name;
      named.insert(name);
    }
    if (n_segments > 0)
      for (const std::string& name : names_in_order)
        if (!named.count(name))
          links.warnings.push_back("transcript speaker '" + name + "' matches no voice (its times overlap no speech)");
  }
  // Persons by first appearance: speakers, faces of no speaker, names of no speaker.
  struct Entry {
    double first;
    Person person;
  };
  std::vector<Entry> entries;
  for (const auto& [speaker, first] : first_spoken) {
    Person p;
    p.speaker = speaker;
    if (const auto it = speaker_track.find(speaker); it != speaker_track.end()) {
      p.face_tracks.push_back(it->second.first);
      p.link_confidence = static_cast<float>(it->second.second);
    }
    if (const auto it = speaker_name.find(speaker); it != speaker_name.end()) p.name = it->second;
    entries.push_back({first, std::move(p)});
  }
  if (faces)
    for (const FaceTrackResult& t : faces->tracks)
      if (!taken.count(t.id)) {
        Person p;
        p.face_tracks.push_back(t.id);
        entries.push_back({t.first_time, std::move(p)});
      }
  std::set<std::string> named_speakers;
  for (const auto& [speaker, name] : speaker_name) named_speakers.insert(name);
  double order = 1e300;
  for (const std::string& name : names_in_order)
    if (!named_speakers.count(name)) {
      Person p;
      p.name = name;
      entries.push_back({order, std::move(p)});
      order = std::nextafter(order, 1e301);
    }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i].person.id = "P" + std::to_string(i + 1);
    links.persons.push_back(std::move(entries[i].person));
  }
  return links;
}

void apply_person_links(const PersonLinks& links, AnalysisResult& result) {
  result.persons = links.persons;
  std::map<std::string, std::string> by_speaker, by_name;
  std::map<int, std::string> by_track;
  for (const Person& p : links.persons) {
    if (!p.speaker.empty()) by_speaker[p.speaker] = p.id;
    if (!p.name.empty()) by_name[p.name] = p.id;
    for (int t : p.face_tracks) by_track[t] = p.id;
  }
  if (result.speech)
    for (std::size_t s = 0; s < result.speech->segments.size(); ++s) {
      SpeechSegment& seg = result.speech->segments[s];
      seg.face_track = s < links.segment_track.size() ? links.segment_track[s] : -1;
      const auto it = by_speaker.find(seg.speaker);
      seg.person = it != by_speaker.end() ? it->second : "";
    }
  if (result.faces)
    for (FaceTrackResult& t : result.faces->tracks) {
      const auto it = by_track.find(t.id);
      t.person = it != by_track.end() ? it->second : "";
    }
  if (result.text)
    for (TextUtterance& u : result.text->utterances) {
      if (const auto it = by_name.find(u.speaker); it != by_name.end())
        u.person = it->second;
      else if (const auto jt = by_speaker.find(u.speaker); jt != by_speaker.end())
        u.person = jt->second;
    }
  for (const std::string& w : links.warnings) result.warnings.push_back(w);
}

}  // namespace sentio::analysis
