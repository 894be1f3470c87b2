// SPDX-License-Identifier: Apache-2.0
// Persons (persons.hpp): active-speaker evidence per segment and track (mouth movement against the face's
// resting movement, the other faces' and the voice's energy), each segment's face from its own clear
// evidence or else its speaker's linked face, a one-to-one assignment of speakers to face tracks (pooled
// evidence, else the faces of the speaker's clear segments), names from the transcript through the faces.
#include "sentio/analysis/persons.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "mouth_activity.hpp"
#include "sentio/core/error.hpp"

namespace sentio::analysis {

namespace {

using mouth::kActivityFloor;
using mouth::stddev;
using mouth::within;
using MouthSeries = mouth::Series;

// Constants chosen on the dev split of bench/active_speaker.sh (never on the reported test split).
constexpr double kEnergyRate = 50.0;         // SpeechSegment::energy_db frames per second
constexpr long kEnergyHalfWindow = 2;        // voice energy averaged over +-2 frames (100 ms) around a frame
constexpr double kBaselineQuantile = 0.1;    // a face's resting activity: this quantile over its windows
constexpr double kMinGap = 0.8;              // s: a pause between segments this long is a window of its own
constexpr std::size_t kMinFrames = 3;        // frames with cues a face needs in a window to be measured
constexpr double kOwnWeight = 1.0;           // weight of log2(activity / the face's resting activity)
constexpr double kRelativeWeight = 1.0;      // weight of log2(activity / the most active face's)
constexpr double kFollowWeight = 2.0;        // weight of the correlation of mouth opening and voice energy
constexpr double kDecisive = 0.5;            // a segment's own evidence names its face from this score ...
constexpr double kDecisiveMargin = 0.5;      // ... this far above the next face's
constexpr double kLinkScore = 1.0;           // pooled score of a speaker and a face at link confidence 0.5
constexpr double kRivalMargin = 0.0;         // a linked face is kept unless another scores this much higher

// One face's evidence during one speech segment.
struct Evidence {
  double score = 0;    // log2 units: > 0 speaks more than at rest and than the others, and follows the voice
  double visible = 0;  // share of the frames analysed during the segment with this face
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

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// The voice's energy (dB) at time t of the segment: the mean of the 20-ms frames within +-100 ms.
double energy_at(const SpeechSegment& seg, double t) {
  if (seg.energy_db.empty()) return 0;
  const auto n = static_cast<long>(seg.energy_db.size());
  const long k = std::clamp(static_cast<long>(std::llround((t - seg.start) * kEnergyRate)), 0L, n - 1);
  double sum = 0;
  long count = 0;
  for (long i = std::max(0L, k - kEnergyHalfWindow); i <= std::min(n - 1, k + kEnergyHalfWindow); ++i, ++count)
    sum += seg.energy_db[static_cast<std::size_t>(i)];
  return sum / static_cast<double>(count);
}

// Each face's resting mouth activity: a low quantile of its activity over the windows of the recording (the
// speech segments and the pauses between them), so that a face whose mouth is never still (a moustache, a
// moving head, landmark noise) needs more movement to count as speaking than a still one.
std::map<int, double> resting_activity(const std::map<int, MouthSeries>& mouths, const std::vector<SpeechSegment>& segments) {
  std::vector<std::pair<double, double>> windows;
  for (const SpeechSegment& s : segments) windows.emplace_back(s.start, s.end);
  std::sort(windows.begin(), windows.end());
  const std::size_t n_segments = windows.size();
  double previous_end = 0;
  for (std::size_t i = 0; i < n_segments; ++i) {
    if (windows[i].first - previous_end >= kMinGap) windows.emplace_back(previous_end, windows[i].first);
    previous_end = std::max(previous_end, windows[i].second);
  }
  std::map<int, double> out;
  for (const auto& [id, series] : mouths) {
    std::vector<double> activity;
    for (const auto& [a, b] : windows) {
      const MouthSeries w = within(series, a, b);
      if (w.opening.size() >= kMinFrames) activity.push_back(stddev(w.opening));
    }
    const double rest = mouth::low_quantile(std::move(activity), kBaselineQuantile);
    out[id] = rest;
  }
  return out;
}

// The evidence of every face measured during one segment: how much more its mouth moves than at rest, than
// the most moving face's, and how well it follows the voice's energy (listeners' mouths move too).
std::map<int, Evidence> segment_evidence(const SpeechSegment& seg, const FacesResult& faces,
                                         const std::map<int, MouthSeries>& mouths, const std::map<int, double>& rest,
                                         double min_visible_share) {
  const double expected = std::max(1.0, (seg.end - seg.start) * std::max(faces.sampled_fps, 1e-9));
  struct Measured {
    double visible, activity, follows;
  };
  std::map<int, Measured> measured;
  double most = kActivityFloor;
  for (const FaceTrackResult& t : faces.tracks) {
    std::size_t seen = 0;
    for (const FaceObservation& o : t.observations)
      if (o.time >= seg.start && o.time <= seg.end) ++seen;
    const double visible = std::min(1.0, static_cast<double>(seen) / expected);
    const auto m = mouths.find(t.id);
    if (m == mouths.end() || visible < min_visible_share) continue;
    const MouthSeries w = within(m->second, seg.start, seg.end);
    if (w.opening.size() < kMinFrames) continue;
    std::vector<double> energy;
    for (double time : w.time) energy.push_back(energy_at(seg, time));
    const double activity = std::max(kActivityFloor, stddev(w.opening));
    measured[t.id] = {visible, activity, pearson(w.opening, energy)};
    most = std::max(most, activity);
  }
  std::map<int, Evidence> out;
  for (const auto& [id, m] : measured) {
    const double own = std::log2(m.activity / rest.at(id));
    const double relative = std::log2(m.activity / most);
    out[id] = {kOwnWeight * own + kRelativeWeight * relative + kFollowWeight * m.follows, m.visible};
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
  std::map<int, MouthSeries> mouths;
  std::map<int, double> rest;
  if (faces && speech) {
    mouths = mouth::series_of(faces->tracks);
    rest = resting_activity(mouths, speech->segments);
  }
  for (std::size_t s = 0; s < n_segments; ++s) {
    const SpeechSegment& seg = speech->segments[s];
    if (!first_spoken.count(seg.speaker)) first_spoken[seg.speaker] = seg.start;
    if (!faces) continue;
    per_segment[s] = segment_evidence(seg, *faces, mouths, rest, options.min_visible_share);
    for (const auto& [id, e] : per_segment[s]) {
      auto& [sum, weight] = pooled[seg.speaker][id];
      const double w = (seg.end - seg.start) * e.visible;
      sum += w * e.score;
      weight += w;
    }
  }
  // One-to-one assignment, strongest pooled evidence first; the confidence of a link is a logistic of the
  // pooled score, 0.5 at kLinkScore.
  struct Pair {
    std::string speaker;
    int track;
    double confidence;
  };
  std::vector<Pair> pairs;
  for (const auto& [speaker, tracks] : pooled)
    for (const auto& [id, sw] : tracks)
      if (sw.second > 0) pairs.push_back({speaker, id, logistic(sw.first / sw.second - kLinkScore)});
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.confidence > b.confidence; });
  std::map<std::string, std::pair<int, double>> speaker_track;
  std::set<int> taken;
  for (const Pair& p : pairs) {
    if (p.confidence < options.min_link_confidence || speaker_track.count(p.speaker) || taken.count(p.track)) continue;
    speaker_track[p.speaker] = {p.track, p.confidence};
    taken.insert(p.track);
  }
  // Segments: the face the segment's own evidence names clearly (the speaker labels may merge two people
  // or split one); else the speaker's face when it is measured during the segment and no other face's
  // evidence is stronger; else none (an off-screen voice, or unclear).
  std::vector<bool> clear(n_segments, false);  // the segment's own evidence named its face
  for (std::size_t s = 0; s < n_segments; ++s) {
    const SpeechSegment& seg = speech->segments[s];
    int best = -1;
    double best_score = -1e300, second = -1e300;
    for (const auto& [id, e] : per_segment[s]) {
      if (e.score > best_score) {
        second = best_score;
        best_score = e.score;
        best = id;
      } else {
        second = std::max(second, e.score);
      }
    }
    if (best >= 0 && best_score >= kDecisive && best_score - second >= kDecisiveMargin) {
      links.segment_track[s] = best;
      links.segment_confidence[s] = static_cast<float>(logistic(std::min(best_score - second, 20.0)));
      clear[s] = true;
      continue;
    }
    const auto it = speaker_track.find(seg.speaker);
    if (it == speaker_track.end()) continue;
    const auto e = per_segment[s].find(it->second.first);
    if (e == per_segment[s].end()) continue;
    double rival = -1e300;
    for (const auto& [id, other] : per_segment[s])
      if (id != it->second.first) rival = std::max(rival, other.score);
    if (rival > e->second.score + kRivalMargin) continue;  // this segment's mouth belongs to someone else
    links.segment_track[s] = it->second.first;
    links.segment_confidence[s] =
        static_cast<float>(it->second.second * logistic(std::min(e->second.score - rival, 20.0)));
  }
  // A speaker the pooled evidence links to no face still gets the face that at least half of its clearly
  // decided time names, when that face is nobody else's (the person's face in persons; its unclear
  // segments keep none). Confidence: that share times the mean confidence of those segments.
  {
    std::map<std::string, std::map<int, std::pair<double, double>>> votes;  // speaker -> track -> (s, s*conf)
    std::map<std::string, double> decided;
    for (std::size_t s = 0; s < n_segments; ++s) {
      if (!clear[s]) continue;
      const SpeechSegment& seg = speech->segments[s];
      const double d = seg.end - seg.start;
      auto& [time, weighted] = votes[seg.speaker][links.segment_track[s]];
      time += d;
      weighted += d * links.segment_confidence[s];
      decided[seg.speaker] += d;
    }
    std::vector<std::tuple<double, std::string, int, double>> candidates;  // share, speaker, track, confidence
    for (const auto& [speaker, by_track] : votes)
      for (const auto& [track, tw] : by_track)
        if (decided[speaker] > 0 && tw.first > 0)
          candidates.emplace_back(tw.first / decided[speaker], speaker, track, tw.first / decided[speaker] * tw.second / tw.first);
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
    for (const auto& [share, speaker, track, confidence] : candidates) {
      if (share < 0.5 || speaker_track.count(speaker) || taken.count(track)) continue;
      speaker_track[speaker] = {track, confidence};
      taken.insert(track);
    }
  }
  // Names: each transcript name to the person whose speech its utterances overlap most, one to one. A
  // segment's speech is the person's who has its face (a face no speaker is linked to is a person of its
  // own), or its speaker's when it has none: speaker labels that merge two people still give each their
  // name through the faces.
  std::map<int, std::string> track_speaker;
  for (const auto& [speaker, tc] : speaker_track) track_speaker[tc.first] = speaker;
  std::map<std::string, std::string> speaker_name;
  std::map<int, std::string> track_name;
  std::vector<std::string> names_in_order;
  if (text) {
    // Key of a person: (speaker, -1) or ("", face track).
    using Key = std::pair<std::string, int>;
    std::map<std::string, std::map<Key, double>> name_overlap;
    for (const TextUtterance& u : text->utterances) {
      if (!is_name(u.speaker)) continue;
      if (std::find(names_in_order.begin(), names_in_order.end(), u.speaker) == names_in_order.end())
        names_in_order.push_back(u.speaker);
      if (u.start < 0) continue;
      for (std::size_t s = 0; s < n_segments; ++s) {
        const SpeechSegment& seg = speech->segments[s];
        const double o = overlap(u.start, u.end, seg.start, seg.end);
        if (o <= 0) continue;
        Key key{seg.speaker, -1};
        if (const int t = links.segment_track[s]; t >= 0) {
          const auto owner = track_speaker.find(t);
          key = owner != track_speaker.end() ? Key{owner->second, -1} : Key{"", t};
        }
        name_overlap[u.speaker][key] += o;
      }
    }
    std::vector<std::tuple<double, std::string, Key>> candidates;  // overlap, name, person
    for (const auto& [name, by_person] : name_overlap)
      for (const auto& [key, t] : by_person)
        if (t > 0) candidates.emplace_back(t, name, key);
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
    std::set<std::string> named;
    std::set<Key> has_name;
    for (const auto& [t, name, key] : candidates) {
      if (has_name.count(key) || named.count(name)) continue;
      if (key.second >= 0)
        track_name[key.second] = name;
      else
        speaker_name[key.first] = name;
      has_name.insert(key);
      named.insert(name);
    }
    if (n_segments > 0)
      for (const std::string& name : names_in_order) {
        if (named.count(name)) continue;
        if (name_overlap.count(name))
          links.warnings.push_back("transcript speaker '" + name +
                                   "' is not linked: the speech its times overlap is already another name's (voices "
                                   "and faces do not tell them apart)");
        else
          links.warnings.push_back("transcript speaker '" + name + "' matches no voice (its times overlap no speech)");
      }
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
        if (const auto it = track_name.find(t.id); it != track_name.end()) p.name = it->second;
        entries.push_back({t.first_time, std::move(p)});
      }
  std::set<std::string> named_speakers;
  for (const auto& [speaker, name] : speaker_name) named_speakers.insert(name);
  for (const auto& [track, name] : track_name) named_speakers.insert(name);
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
      // The person whose face speaks, else the speaker's (speaker labels may merge two visible people).
      const auto face = by_track.find(seg.face_track);
      const auto it = by_speaker.find(seg.speaker);
      seg.person = face != by_track.end() ? face->second : it != by_speaker.end() ? it->second : "";
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
