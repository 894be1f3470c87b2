// SPDX-License-Identifier: Apache-2.0
// Moments: segments, uncovered utterances and silent face windows -> modality calls -> fused call,
// agreement, compound; the persons' summaries.
#include "sentio/analysis/moments.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "sentio/analysis/explain.hpp"
#include "sentio/core/affect.hpp"
#include "sentio/core/error.hpp"

namespace sentio::analysis {

namespace {

struct CompoundClass {
  const char* label;
  Emotion a, b;
};

// The seven compound classes of C-EXPR-DB (Kollias et al., ABAW 2023/2024).
constexpr std::array<CompoundClass, 7> kCompounds = {{
    {"fearfully surprised", Emotion::fear, Emotion::surprise},
    {"happily surprised", Emotion::happiness, Emotion::surprise},
    {"sadly surprised", Emotion::sadness, Emotion::surprise},
    {"disgustedly surprised", Emotion::disgust, Emotion::surprise},
    {"angrily surprised", Emotion::anger, Emotion::surprise},
    {"sadly fearful", Emotion::sadness, Emotion::fear},
    {"sadly angry", Emotion::sadness, Emotion::anger},
}};

std::vector<std::string> core_names() {
  std::vector<std::string> out;
  for (std::string_view n : kEmotionNames) out.emplace_back(n);
  return out;
}

EmotionProbs to_probs(const std::vector<float>& v) {
  EmotionProbs p{};
  for (std::size_t k = 0; k < kEmotionCount && k < v.size(); ++k) p[k] = v[k];
  return p;
}

ModalityCall call_of(const EmotionProbs& p, float quality) {
  ModalityCall c;
  c.probabilities.assign(p.begin(), p.end());
  const auto top = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
  c.label = std::string(kEmotionNames[top]);
  c.confidence = p[top];
  c.quality = quality;
  return c;
}

double overlap(double a0, double a1, double b0, double b1) { return std::max(0.0, std::min(a1, b1) - std::max(a0, b0)); }

// The expression of one track over [t0, t1]: mean probabilities of its observations there, and quality.
std::optional<ModalityEvidence> face_evidence(const FaceTrackResult& track, double t0, double t1, double fps) {
  EmotionProbs sum{};
  int n = 0;
  double height = 0, yaw = 0, pitch = 0;
  int posed = 0;
  for (const FaceObservation& o : track.observations) {
    if (o.time < t0 || o.time > t1) continue;
    for (std::size_t k = 0; k < kEmotionCount && k < o.probabilities.size(); ++k) sum[k] += o.probabilities[k];
    height += o.y1 - o.y0;
    if (o.cues) {
      yaw += std::fabs(o.cues->yaw_deg);
      pitch += std::fabs(o.cues->pitch_deg);
      ++posed;
    }
    ++n;
  }
  if (n == 0) return std::nullopt;
  ModalityEvidence e;
  for (float& p : sum) p /= static_cast<float>(n);
  e.probabilities = sum;
  const double expected = fps > 0 ? std::max(1.0, (t1 - t0) * fps) : 1.0;
  e.quality = face_quality(static_cast<float>(height / n), posed > 0 ? static_cast<float>(yaw / posed) : 0.0f,
                           posed > 0 ? static_cast<float>(pitch / posed) : 0.0f,
                           static_cast<float>(std::min(1.0, n / expected)));
  return e;
}

// The words' evidence of a moment: the overlap-weighted mean of its utterances' canonical calls.
std::optional<ModalityEvidence> words_evidence(const TextResult& text, const std::vector<int>& utterances,
                                               double t0, double t1) {
  EmotionProbs sum{};
  double total = 0, quality = 0;
  for (int i : utterances) {
    const TextUtterance& u = text.utterances[static_cast<std::size_t>(i)];
    if (u.canonical.probabilities.size() != kEmotionCount) continue;
    const double w = (u.start >= 0 && t0 >= 0) ? std::max(1e-3, overlap(u.start, u.end, t0, t1)) : 1.0;
    for (std::size_t k = 0; k < kEmotionCount; ++k) sum[k] += static_cast<float>(w * u.canonical.probabilities[k]);
    std::size_t words = 1;
    for (char c : u.text) words += c == ' ' ? 1 : 0;
    quality += w * words_quality(words, u.recognition_confidence);
    total += w;
  }
  if (total <= 0) return std::nullopt;
  ModalityEvidence e;
  for (float& p : sum) p = static_cast<float>(p / total);
  e.probabilities = sum;
  e.quality = static_cast<float>(quality / total);
  return e;
}

const FaceTrackResult* find_track(const FacesResult* faces, int id) {
  if (!faces || id < 0) return nullptr;
  for (const FaceTrackResult& t : faces->tracks)
    if (t.id == id) return &t;
  return nullptr;
}

void fuse(Moment& m, const MomentEvidence& evidence, const FusionModel& model) {
  static const std::vector<std::string> core = core_names();
  const FusedCall f = model.fuse(evidence);
  m.fused = call_of(f.probabilities, 1.0f);
  const Affect a = mean_affect(core, f.probabilities);
  m.valence = a.valence;
  m.arousal = a.arousal;
  const std::array<std::optional<ModalityCall>*, kModalityCount> calls = {&m.voice, &m.face, &m.words};
  for (std::size_t k = 0; k < kModalityCount; ++k) {
    if (!evidence[k]) continue;
    *calls[k] = call_of(evidence[k]->probabilities, evidence[k]->quality);
    if ((*calls[k])->label != m.fused.label) m.disagreeing.emplace_back(modality_name(static_cast<Modality>(k)));
  }
  m.agreement = m.disagreeing.empty();
  m.compound = compound_of(f.probabilities);
}

}  // namespace

std::optional<Compound> compound_of(const EmotionProbs& p) {
  std::array<std::size_t, kEmotionCount> order{};
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  const std::size_t first = order[0], second = order[1];
  if (p[second] < kCompoundMinShare) return std::nullopt;
  for (const CompoundClass& c : kCompounds) {
    const auto a = static_cast<std::size_t>(c.a), b = static_cast<std::size_t>(c.b);
    if ((a == first && b == second) || (a == second && b == first)) {
      Compound out;
      out.label = c.label;
      out.components = {std::string(kEmotionNames[a]), std::string(kEmotionNames[b])};
      out.score = 0.5f * p[a] + 0.5f * p[b];
      return out;
    }
  }
  return std::nullopt;
}

void build_moments(AnalysisResult& r, const FusionModel& model, const MomentOptions& options) {
  r.moments.clear();
  const SpeechResult* speech = r.speech ? &*r.speech : nullptr;
  const FacesResult* faces = r.faces ? &*r.faces : nullptr;
  const TextResult* text = r.text ? &*r.text : nullptr;
  const double fps = faces ? faces->sampled_fps : 0.0;
  const std::size_t n_segments = speech ? speech->segments.size() : 0;
  std::vector<std::vector<int>> segment_words(n_segments);
  std::vector<int> uncovered;
  if (text) {
    for (std::size_t i = 0; i < text->utterances.size(); ++i) {
      const TextUtterance& u = text->utterances[i];
      bool covered = false;
      if (u.start >= 0 && u.end > u.start)
        for (std::size_t s = 0; s < n_segments; ++s)
          if (overlap(u.start, u.end, speech->segments[s].start, speech->segments[s].end) > 0) {
            segment_words[s].push_back(static_cast<int>(i));
            covered = true;
          }
      if (!covered) uncovered.push_back(static_cast<int>(i));
    }
  }
  // Speech segments.
  for (std::size_t s = 0; s < n_segments; ++s) {
    const SpeechSegment& seg = speech->segments[s];
    Moment m;
    m.start = seg.start;
    m.end = seg.end;
    m.person = seg.person;
    m.segment = static_cast<int>(s);
    m.utterances = segment_words[s];
    m.face_track = seg.face_track;
    MomentEvidence e;
    if (seg.canonical.probabilities.size() == kEmotionCount)
      e[0] = ModalityEvidence{to_probs(seg.canonical.probabilities), voice_quality(seg.end - seg.start, seg.vad_confidence)};
    if (const FaceTrackResult* t = find_track(faces, seg.face_track)) e[1] = face_evidence(*t, seg.start, seg.end, fps);
    if (text) e[2] = words_evidence(*text, m.utterances, seg.start, seg.end);
    if (!e[0] && !e[1] && !e[2]) continue;
    fuse(m, e, model);
    m.uncertain = seg.uncertain && !e[1] && !e[2];
    r.moments.push_back(std::move(m));
  }
  // Utterances no segment covers (a transcript alone, or words where no speech was found).
  for (int i : uncovered) {
    const TextUtterance& u = text->utterances[static_cast<std::size_t>(i)];
    Moment m;
    m.start = u.start;
    m.end = u.end;
    m.person = u.person;
    m.utterances = {i};
    MomentEvidence e;
    e[2] = words_evidence(*text, m.utterances, u.start, u.end);
    if (!e[2]) continue;
    fuse(m, e, model);
    r.moments.push_back(std::move(m));
  }
  // Windows where faces are seen and nobody speaks (speech covers less than a quarter of the window): one
  // moment per visible track.
  if (faces && options.window_s > 0 && fps > 0) {
    for (const GroupView& w : faces->group_windows) {
      double spoken = 0;
      for (std::size_t s = 0; s < n_segments; ++s)
        spoken += overlap(w.start, w.end, speech->segments[s].start, speech->segments[s].end);
      if (spoken >= 0.25 * (w.end - w.start)) continue;
      for (const FaceTrackResult& t : faces->tracks) {
        MomentEvidence e;
        e[1] = face_evidence(t, w.start, w.end - 1e-9, fps);
        if (!e[1]) continue;
        Moment m;
        m.start = w.start;
        m.end = w.end;
        m.person = t.person;
        m.face_track = t.id;
        fuse(m, e, model);
        r.moments.push_back(std::move(m));
      }
    }
  }
  std::stable_sort(r.moments.begin(), r.moments.end(), [](const Moment& a, const Moment& b) {
    const bool ua = a.start < 0, ub = b.start < 0;
    if (ua != ub) return ub;  // timed first
    return !ua && a.start < b.start;
  });
  // Persons' summaries over their moments.
  for (Person& p : r.persons) {
    std::vector<double> sum(kEmotionCount, 0.0);
    double total = 0;
    std::map<std::string, int> labels, compounds;
    p.speaking_s = 0;
    p.uncertain_moments = 0;
    for (const Moment& m : r.moments) {
      if (m.person != p.id) continue;
      if (m.segment >= 0) p.speaking_s += m.end - m.start;
      if (m.uncertain) {
        ++p.uncertain_moments;
        continue;
      }
      const double w = m.start >= 0 ? std::max(1e-3, m.end - m.start) : 1.0;
      for (std::size_t k = 0; k < kEmotionCount; ++k) sum[k] += w * m.fused.probabilities[k];
      total += w;
      ++labels[m.fused.label];
      if (m.compound) ++compounds[m.compound->label];
    }
    p.label_counts.clear();
    for (std::string_view n : kEmotionNames)
      if (const auto it = labels.find(std::string(n)); it != labels.end()) p.label_counts.emplace_back(it->first, it->second);
    p.compound_counts.clear();
    for (const CompoundClass& c : kCompounds)
      if (const auto it = compounds.find(c.label); it != compounds.end()) p.compound_counts.emplace_back(it->first, it->second);
    p.mean_probabilities.clear();
    p.dominant_label.clear();
    p.mean_valence = p.mean_arousal = 0;
    if (total > 0) {
      for (double v : sum) p.mean_probabilities.push_back(static_cast<float>(v / total));
      const EmotionProbs mp = to_probs(p.mean_probabilities);
      const ModalityCall c = call_of(mp, 1.0f);
      p.dominant_label = c.label;
      const Affect a = mean_affect(core_names(), mp);
      p.mean_valence = a.valence;
      p.mean_arousal = a.arousal;
    }
  }
  explain_moments(r);
}

}  // namespace sentio::analysis
