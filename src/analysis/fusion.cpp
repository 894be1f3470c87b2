// SPDX-License-Identifier: Apache-2.0
// Late fusion (fusion.hpp): calibrated log-linear pool, instance qualities, the model file, fitting.
#include "sentio/analysis/fusion.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/resources.hpp"

namespace sentio::analysis {

namespace {

using json = nlohmann::json;

constexpr const char* kFormat = "sentio.fusion";
constexpr int kVersion = 1;
constexpr double kFloor = 1e-6;  // probability floor before the log

double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

using Prior = std::array<double, kEmotionCount>;

// log softmax(log p / T - log prior) over the core labels (prior nullptr: no correction).
std::array<double, kEmotionCount> calibrated_log(const EmotionProbs& p, double temperature, const Prior* prior = nullptr) {
  std::array<double, kEmotionCount> l{};
  double mx = -std::numeric_limits<double>::infinity();
  for (std::size_t c = 0; c < kEmotionCount; ++c) {
    l[c] = std::log(std::max<double>(p[c], kFloor)) / temperature;
    if (prior) l[c] -= std::log(std::max((*prior)[c], kFloor));
    mx = std::max(mx, l[c]);
  }
  double sum = 0;
  for (double v : l) sum += std::exp(v - mx);
  const double lse = mx + std::log(sum);
  for (double& v : l) v -= lse;
  return l;
}

}  // namespace

const char* modality_name(Modality m) {
  switch (m) {
    case Modality::voice: return "voice";
    case Modality::face: return "face";
    case Modality::words: return "words";
  }
  return "?";
}

std::array<std::array<double, kEmotionCount>, kModalityCount> FusionModel::uniform_priors() {
  std::array<std::array<double, kEmotionCount>, kModalityCount> p{};
  for (auto& m : p) m.fill(1.0 / static_cast<double>(kEmotionCount));
  return p;
}

FusedCall FusionModel::fuse(const MomentEvidence& evidence) const {
  FusedCall out;
  double total = 0;
  std::size_t present = 0;
  for (std::size_t m = 0; m < kModalityCount; ++m)
    if (evidence[m]) {
      total += reliability[m] * std::max(1e-3, static_cast<double>(evidence[m]->quality));
      ++present;
    }
  SENTIO_ASSERT(total > 0);
  std::array<double, kEmotionCount> pooled{};
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    if (!evidence[m]) continue;
    const double w = reliability[m] * std::max(1e-3, static_cast<double>(evidence[m]->quality)) / total;
    out.weights[m] = static_cast<float>(w);
    const auto l = calibrated_log(evidence[m]->probabilities, temperature[m], present > 1 ? &prior[m] : nullptr);
    for (std::size_t c = 0; c < kEmotionCount; ++c) pooled[c] += w * l[c];
  }
  const double mx = *std::max_element(pooled.begin(), pooled.end());
  double sum = 0;
  for (double v : pooled) sum += std::exp(v - mx);
  for (std::size_t c = 0; c < kEmotionCount; ++c) out.probabilities[c] = static_cast<float>(std::exp(pooled[c] - mx) / sum);
  out.top = static_cast<std::size_t>(std::max_element(out.probabilities.begin(), out.probabilities.end()) -
                                     out.probabilities.begin());
  return out;
}

FusionModel FusionModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("fusion model '" + path + "': cannot open (missing or unreadable)");
  std::ostringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::exception& e) {
    throw InputError("fusion model '" + path + "': not valid JSON (truncated or corrupt?): " + e.what());
  }
  auto fail = [&](const std::string& what) { throw InputError("fusion model '" + path + "': " + what); };
  if (!j.is_object() || j.value("format", "") != kFormat) fail("not a Sentio fusion model (format sentio.fusion)");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != kVersion)
    fail("unsupported or missing version (this build reads version 1)");
  FusionModel m;
  for (std::size_t k = 0; k < kModalityCount; ++k) {
    const char* name = modality_name(static_cast<Modality>(k));
    if (!j.contains("modalities") || !j["modalities"].contains(name)) fail(std::string("missing modalities.") + name);
    const json& mj = j["modalities"][name];
    for (auto [key, dst] : {std::pair{"temperature", &m.temperature[k]}, std::pair{"reliability", &m.reliability[k]}}) {
      if (!mj.contains(key) || !mj[key].is_number()) fail(std::string("modalities.") + name + "." + key + " must be a number");
      *dst = mj[key].get<double>();
      if (!std::isfinite(*dst) || *dst <= 0)
        fail(std::string("modalities.") + name + "." + key + " must be finite and positive");
    }
    if (mj.contains("prior")) {
      const json& pj = mj["prior"];
      const std::string what = std::string("modalities.") + name + ".prior";
      if (!pj.is_array() || pj.size() != kEmotionCount) fail(what + " must be an array of 7 numbers (core label order)");
      double sum = 0;
      for (std::size_t c = 0; c < kEmotionCount; ++c) {
        if (!pj[c].is_number() || !std::isfinite(pj[c].get<double>()) || pj[c].get<double>() <= 0)
          fail(what + " must hold finite positive numbers");
        m.prior[k][c] = pj[c].get<double>();
        sum += m.prior[k][c];
      }
      for (double& v : m.prior[k]) v /= sum;
    }
  }
  m.description = j.value("description", "");
  return m;
}

void FusionModel::save(const std::string& path) const {
  json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["description"] = description;
  for (std::size_t k = 0; k < kModalityCount; ++k)
    j["modalities"][modality_name(static_cast<Modality>(k))] = {{"temperature", temperature[k]},
                                                                  {"reliability", reliability[k]},
                                                                  {"prior", prior[k]}};
  write_file_atomically(path, j.dump(2) + "\n");
}

std::string default_fusion_model_path() {
  if (auto p = find_shipped_file("models/fusion/default.json", "SENTIO_FUSION_MODEL")) return *p;
  throw InputError("no default fusion model found (looked for models/fusion/default.json next to libsentio and the "
                   "sentio binary, and in the install prefix; set SENTIO_FUSION_MODEL)");
}

float voice_quality(double duration_s, float vad_confidence) {
  // Short segments carry little evidence (full weight from 2 s); the detector's speech score stands for
  // the signal quality (noisy speech scores lower).
  const double length = clamp01(0.3 + 0.35 * duration_s);
  const double signal = clamp01(0.4 + 0.6 * static_cast<double>(vad_confidence));
  return static_cast<float>(length * signal);
}

float face_quality(float face_height_px, float yaw_deg, float pitch_deg, float seen_share) {
  // The expression model sees 64x64 crops: faces under ~40 px lose detail; turned heads lose the far side.
  const double size = clamp01((face_height_px - 20.0) / 60.0);
  const double pose = clamp01(1.0 - std::max(0.0, std::hypot(yaw_deg, pitch_deg) - 15.0) / 45.0);
  return static_cast<float>(std::max(0.05, size * pose * clamp01(0.25 + 0.75 * seen_share)));
}

float words_quality(std::size_t n_words, float recognition_confidence) {
  const double length = clamp01(0.4 + 0.15 * static_cast<double>(n_words));
  const double recognised = recognition_confidence < 0 ? 1.0 : clamp01(static_cast<double>(recognition_confidence));
  return static_cast<float>(std::max(0.05, length * recognised));
}

FusionModel fit_fusion(const std::vector<FusionExample>& examples) {
  FusionModel model;
  // Priors: each modality's mean call (floored, renormalised); uniform when the modality is never present.
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    Prior sum{};
    std::size_t n = 0;
    for (const FusionExample& e : examples) {
      if (!e.evidence[m]) continue;
      for (std::size_t c = 0; c < kEmotionCount; ++c) sum[c] += static_cast<double>(e.evidence[m]->probabilities[c]);
      ++n;
    }
    if (n == 0) continue;
    double total = 0;
    for (double& v : sum) total += (v = std::max(v / static_cast<double>(n), kFloor));
    for (std::size_t c = 0; c < kEmotionCount; ++c) model.prior[m][c] = sum[c] / total;
  }
  // Temperatures: each modality's mean NLL (with its prior correction, as in a pool) over the examples
  // where it is present, on a log-spaced grid 0.05 .. 20 (121 points); 1 when the modality is never present.
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    double best_t = 1.0, best_nll = std::numeric_limits<double>::infinity();
    for (int g = 0; g <= 120; ++g) {
      const double t = 0.05 * std::pow(400.0, g / 120.0);
      double nll = 0;
      std::size_t n = 0;
      for (const FusionExample& e : examples) {
        if (!e.evidence[m]) continue;
        nll -= calibrated_log(e.evidence[m]->probabilities, t, &model.prior[m])[e.label];
        ++n;
      }
      if (n > 0 && nll / static_cast<double>(n) < best_nll - 1e-12) {
        best_nll = nll / static_cast<double>(n);
        best_t = t;
      }
    }
    model.temperature[m] = best_t;
  }
  // Reliabilities (voice fixed at 1; only ratios matter): the face and words values on a log grid
  // 2^(k/2), k = -6..6, with the most correct fused calls over the examples and over their variants with
  // one modality left out (so the pairs are fitted too: moments often lack a modality); ties go to the
  // lowest NLL, then to the grid point nearest equal weights. A modality never present keeps 1.
  std::vector<MomentEvidence> variants;
  std::vector<std::size_t> labels;
  for (const FusionExample& e : examples) {
    std::size_t present = 0;
    for (const auto& m : e.evidence) present += m ? 1 : 0;
    if (present == 0) continue;
    variants.push_back(e.evidence);
    labels.push_back(e.label);
    if (present < 2) continue;
    for (std::size_t m = 0; m < kModalityCount; ++m) {
      if (!e.evidence[m]) continue;
      MomentEvidence v = e.evidence;
      v[m].reset();
      variants.push_back(v);
      labels.push_back(e.label);
    }
  }
  std::array<bool, kModalityCount> seen{};
  for (const MomentEvidence& v : variants)
    for (std::size_t m = 0; m < kModalityCount; ++m) seen[m] = seen[m] || v[m].has_value();
  std::vector<double> grid;
  for (int k = -6; k <= 6; ++k) grid.push_back(std::pow(2.0, k / 2.0));
  const std::vector<double> fixed = {1.0};
  std::size_t best_correct = 0;
  double best_nll = std::numeric_limits<double>::infinity(), best_spread = std::numeric_limits<double>::infinity();
  for (double rf : seen[1] ? grid : fixed)
    for (double rw : seen[2] ? grid : fixed) {
      FusionModel candidate = model;
      candidate.reliability = {1.0, rf, rw};
      std::size_t correct = 0;
      double nll = 0;
      for (std::size_t i = 0; i < variants.size(); ++i) {
        const FusedCall f = candidate.fuse(variants[i]);
        correct += f.top == labels[i] ? 1 : 0;
        nll -= std::log(std::max<double>(f.probabilities[labels[i]], kFloor));
      }
      const double spread = std::fabs(std::log(rf)) + std::fabs(std::log(rw));
      const bool better = correct > best_correct ||
                          (correct == best_correct && (nll < best_nll - 1e-9 ||
                                                       (std::fabs(nll - best_nll) <= 1e-9 && spread < best_spread)));
      if (better) {
        best_correct = correct;
        best_nll = nll;
        best_spread = spread;
        model.reliability = candidate.reliability;
      }
    }
  return model;
}

MomentEvidence clip_evidence(const AnalysisResult& result) {
  MomentEvidence e;
  if (result.speech) {
    EmotionProbs sum{};
    double total = 0, quality = 0;
    for (const SpeechSegment& s : result.speech->segments) {
      if (s.canonical.probabilities.size() != kEmotionCount) continue;
      const double w = std::max(1e-3, s.end - s.start);
      for (std::size_t c = 0; c < kEmotionCount; ++c) sum[c] += static_cast<float>(w * s.canonical.probabilities[c]);
      quality += w * voice_quality(s.end - s.start, s.vad_confidence);
      total += w;
    }
    if (total > 0) {
      for (float& p : sum) p = static_cast<float>(p / total);
      e[0] = ModalityEvidence{sum, static_cast<float>(quality / total)};
    }
  }
  if (result.faces && !result.faces->tracks.empty()) {
    const FaceTrackResult* best = &result.faces->tracks.front();
    for (const FaceTrackResult& t : result.faces->tracks)
      if (t.observations.size() > best->observations.size()) best = &t;
    if (!best->observations.empty() && best->mean_probabilities.size() == kEmotionCount) {
      EmotionProbs p{};
      double height = 0;
      for (std::size_t c = 0; c < kEmotionCount; ++c) p[c] = best->mean_probabilities[c];
      for (const FaceObservation& o : best->observations) height += o.y1 - o.y0;
      const float yaw = best->mean_cues ? best->mean_cues->yaw_deg : 0.0f;
      const float pitch = best->mean_cues ? best->mean_cues->pitch_deg : 0.0f;
      const double frames = std::max<double>(1.0, static_cast<double>(result.faces->frames_analysed));
      e[1] = ModalityEvidence{p, face_quality(static_cast<float>(height / static_cast<double>(best->observations.size())),
                                              yaw, pitch, static_cast<float>(static_cast<double>(best->observations.size()) / frames))};
    }
  }
  if (result.text) {
    EmotionProbs sum{};
    double total = 0, quality = 0;
    for (const TextUtterance& u : result.text->utterances) {
      if (u.canonical.probabilities.size() != kEmotionCount) continue;
      for (std::size_t c = 0; c < kEmotionCount; ++c) sum[c] += u.canonical.probabilities[c];
      std::size_t words = 1;
      for (char ch : u.text) words += ch == ' ' ? 1 : 0;
      quality += words_quality(words, u.recognition_confidence);
      total += 1;
    }
    if (total > 0) {
      for (float& p : sum) p = static_cast<float>(p / total);
      e[2] = ModalityEvidence{sum, static_cast<float>(quality / total)};
    }
  }
  return e;
}

}  // namespace sentio::analysis
