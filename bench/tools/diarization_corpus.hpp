// SPDX-License-Identifier: Apache-2.0
#pragma once
// Synthetic multi-speaker recordings for diarization benchmarks and data tests, assembled in memory
// from the shared RAVDESS and EmoDB clips (nothing is written to disk).
//
// A recording takes k speakers of one corpus (seeded choice), then a sequence of turns: each turn is
// a speaker other than the previous one saying 1 clip (60 %), 2 clips (30 %) or 3 clips (10 %) in a
// row. Every clip is trimmed to its loud extent (first to last sample whose 5-ms moving RMS is within
// kTrimRangeDb of the clip's loudest 5 ms: RAVDESS clips carry ~0.5-1 s of room noise around the
// sentence, EmoDB's are zero-padded) and preceded by a pause of uniform 0.2-1.5 s. The whole
// recording gets white noise at -60 dBFS so that pauses are not digital silence. Reference: one
// turn per trimmed clip.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <chrono>

#include "sentio/media/audio_decoder.hpp"
#include "sentio/speech/diarization.hpp"
#include "sentio/speech/diarization_error.hpp"
#include "sentio/speech/segmenter.hpp"

namespace sentio::bench {

// Table cells of the benchmark reports: a share as "12.3 %", a number with a printf format.
inline std::string pct(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", 100.0 * x);
  return b;
}

inline std::string num(double x, const char* fmt = "%.2f") {
  char b[32];
  std::snprintf(b, sizeof b, fmt, x);
  return b;
}

// The numbers of a comma-separated list ("1.0,0.4").
inline std::vector<double> parse_list(const std::string& list) {
  std::vector<double> out;
  for (std::size_t p = 0; p <= list.size();) {
    const std::size_t q = std::min(list.find(',', p), list.size());
    if (q > p) out.push_back(std::stod(list.substr(p, q - p)));
    p = q + 1;
  }
  return out;
}

// q-quantile (nearest rank) of v; NaN when empty.
inline double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
}

inline constexpr int kCorpusRate = 16000;
inline constexpr double kTrimRangeDb = 35.0;

struct Recording {
  std::string name;  // e.g. "ravdess-2spk-03"
  std::vector<float> audio;
  std::vector<speech::SpeakerTurn> reference;
  int n_speakers = 0;
  double duration_s() const { return static_cast<double>(audio.size()) / kCorpusRate; }
};

// speaker -> clip paths (sorted), from data/ser/<corpus>/manifest.csv (columns path, speaker, gender,
// emotion, ...); only clips whose emotion is in `emotions` when that is not empty.
inline std::map<std::string, std::vector<std::filesystem::path>> read_speakers(const std::filesystem::path& corpus_dir,
                                                                               const std::vector<std::string>& emotions = {}) {
  std::ifstream f(corpus_dir / "manifest.csv");
  if (!f) throw std::runtime_error("cannot read " + (corpus_dir / "manifest.csv").string());
  std::map<std::string, std::vector<std::filesystem::path>> out;
  std::string line;
  std::getline(f, line);  // header: path,speaker,...
  while (std::getline(f, line)) {
    std::istringstream row(line);
    std::string path, speaker, gender, emotion;
    if (!std::getline(row, path, ',') || !std::getline(row, speaker, ',') || !std::getline(row, gender, ',') ||
        !std::getline(row, emotion, ','))
      continue;
    if (emotions.empty() || std::find(emotions.begin(), emotions.end(), emotion) != emotions.end())
      out[speaker].push_back(corpus_dir / path);
  }
  for (auto& [s, v] : out) std::sort(v.begin(), v.end());
  return out;
}

// [first, end) samples of the loud extent of a clip (see the header comment); empty if all silent.
inline std::pair<std::size_t, std::size_t> loud_extent(const std::vector<float>& x) {
  const std::size_t w = kCorpusRate / 200;
  std::vector<double> ms(x.size(), 0.0);
  double acc = 0, peak = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    acc += static_cast<double>(x[i]) * x[i];
    if (i >= w) acc -= static_cast<double>(x[i - w]) * x[i - w];
    ms[i] = std::max(acc, 0.0) / static_cast<double>(w);
    peak = std::max(peak, ms[i]);
  }
  const double threshold = peak * std::pow(10.0, -kTrimRangeDb / 10.0);
  std::size_t first = x.size(), last = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (ms[i] > threshold && peak > 0) {
      first = std::min(first, i - std::min(i, w - 1));
      last = i + 1;
    }
  return first < last ? std::make_pair(first, last) : std::make_pair(std::size_t{0}, std::size_t{0});
}

// One recording of `n_speakers` speakers from `speakers` (a corpus), `n_turns` turns, all choices
// from `rng`.
inline Recording make_recording(const std::string& name,
                                const std::map<std::string, std::vector<std::filesystem::path>>& speakers,
                                int n_speakers, int n_turns, std::mt19937& rng) {
  std::vector<std::string> pool;
  for (const auto& [s, clips] : speakers) pool.push_back(s);
  std::shuffle(pool.begin(), pool.end(), rng);
  if (static_cast<int>(pool.size()) < n_speakers) throw std::runtime_error("not enough speakers for " + name);
  pool.resize(static_cast<std::size_t>(n_speakers));

  Recording rec;
  rec.name = name;
  rec.n_speakers = n_speakers;
  std::uniform_real_distribution<double> pause(0.2, 1.5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  rec.audio.assign(kCorpusRate / 2, 0.0f);  // 0.5 s lead-in
  int previous = -1;
  for (int turn = 0; turn < n_turns; ++turn) {
    int who = static_cast<int>(rng() % static_cast<unsigned>(n_speakers));
    if (n_speakers > 1)
      while (who == previous) who = static_cast<int>(rng() % static_cast<unsigned>(n_speakers));
    if (turn == 0) who = 0;  // deterministic first speaker id; the choice of people is random anyway
    previous = who;
    const double u = unit(rng);
    const int n_clips = u < 0.6 ? 1 : (u < 0.9 ? 2 : 3);
    const auto& clips = speakers.at(pool[static_cast<std::size_t>(who)]);
    for (int c = 0; c < n_clips; ++c) {
      const auto& path = clips[rng() % clips.size()];
      const std::vector<float> x = media::decode_audio(path.string(), kCorpusRate);
      const auto [a, b] = loud_extent(x);
      if (a >= b) continue;
      if (turn > 0 || c > 0) rec.audio.resize(rec.audio.size() + static_cast<std::size_t>(pause(rng) * kCorpusRate), 0.0f);
      const double start = static_cast<double>(rec.audio.size()) / kCorpusRate;
      rec.audio.insert(rec.audio.end(), x.begin() + static_cast<std::ptrdiff_t>(a), x.begin() + static_cast<std::ptrdiff_t>(b));
      rec.reference.push_back({start, static_cast<double>(rec.audio.size()) / kCorpusRate, who});
    }
  }
  rec.audio.resize(rec.audio.size() + kCorpusRate / 2, 0.0f);  // 0.5 s tail
  std::normal_distribution<float> noise(0.0f, 0.001f);          // -60 dBFS RMS
  for (float& s : rec.audio) s += noise(rng);
  return rec;
}

struct SetSpec {
  int ravdess[5] = {0, 0, 0, 0, 0};  // recordings with 0..4 speakers from RAVDESS (index = speakers)
  int emodb[5] = {0, 0, 0, 0, 0};    // same from EmoDB
  int turns_per_speaker = 6;         // turns = max(4, this x speakers)
  std::uint32_t seed = 1;
  std::vector<std::string> emotions;  // manifest emotion labels to draw clips from; empty = all
};

// All recordings of a set; `shared` is the shared-data root (holds data/ser/{ravdess,emodb_2s}).
inline std::vector<Recording> make_set(const std::filesystem::path& shared, const SetSpec& spec) {
  const auto ravdess = read_speakers(shared / "data/ser/ravdess", spec.emotions);
  const auto emodb = read_speakers(shared / "data/ser/emodb_2s", spec.emotions);
  std::mt19937 rng(spec.seed);
  std::vector<Recording> out;
  for (int corpus = 0; corpus < 2; ++corpus)
    for (int k = 1; k <= 4; ++k) {
      const int count = corpus == 0 ? spec.ravdess[k] : spec.emodb[k];
      for (int i = 0; i < count; ++i) {
        const std::string name = std::string(corpus == 0 ? "ravdess" : "emodb") + "-" + std::to_string(k) + "spk-" +
                                 (i < 9 ? "0" : "") + std::to_string(i + 1);
        out.push_back(make_recording(name, corpus == 0 ? ravdess : emodb, k,
                                     std::max(4, spec.turns_per_speaker * k), rng));
      }
    }
  return out;
}

// The `sentio analyze` chain on one recording: VAD (`vad_options`), speaker changes per segment, then
// clustering (once with `options`, once more with the true count when `with_true_count`).
struct DiarizationRun {
  std::vector<speech::SpeakerPiece> pieces;
  std::vector<speech::SpeakerTurn> estimated, given;  // hypothesis turns
  int estimated_speakers = 0;
  double vad_s = 0, split_s = 0, cluster_s = 0;  // CPU (wall, single thread) time of each phase
};

inline std::vector<speech::SpeakerTurn> to_turns(const std::vector<speech::SpeakerPiece>& pieces,
                                                 const std::vector<int>& labels) {
  std::vector<speech::SpeakerTurn> turns;
  for (std::size_t i = 0; i < pieces.size(); ++i)
    turns.push_back({pieces[i].segment.start, pieces[i].segment.end, labels[i]});
  return turns;
}

inline DiarizationRun run_diarization(const Recording& rec, const speech::DiarizationOptions& options,
                                      bool with_true_count, bool oracle_segments = false,
                                      const speech::SegmenterOptions& vad_options = {}) {
  using clock = std::chrono::steady_clock;
  auto seconds = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  DiarizationRun run;
  auto t0 = clock::now();
  std::vector<speech::Segment> segments;
  if (oracle_segments)
    for (const speech::SpeakerTurn& t : rec.reference) segments.push_back({t.start, t.end, 1.0f});
  else
    segments = speech::segment_speech(rec.audio, kCorpusRate, vad_options);
  auto t1 = clock::now();
  for (const speech::Segment& s : segments) {
    const auto a = static_cast<std::size_t>(std::lround(s.start * kCorpusRate));
    const auto b = std::min(rec.audio.size(), static_cast<std::size_t>(std::lround(s.end * kCorpusRate)));
    auto pieces = speech::split_speaker_changes(s, std::span<const float>(rec.audio).subspan(a, b - a), kCorpusRate, options);
    for (auto& p : pieces) run.pieces.push_back(std::move(p));
  }
  auto t2 = clock::now();
  const std::vector<int> labels = speech::cluster_speakers(run.pieces, options);
  auto t3 = clock::now();
  run.vad_s = seconds(t0, t1);
  run.split_s = seconds(t1, t2);
  run.cluster_s = seconds(t2, t3);
  run.estimated = to_turns(run.pieces, labels);
  for (const int l : labels) run.estimated_speakers = std::max(run.estimated_speakers, l + 1);
  if (with_true_count) {
    speech::DiarizationOptions known = options;
    known.n_speakers = rec.n_speakers;
    run.given = to_turns(run.pieces, speech::cluster_speakers(run.pieces, known));
  }
  return run;
}

}  // namespace sentio::bench
