// SPDX-License-Identifier: Apache-2.0
// Diarization benchmark: DER of VAD + speaker-change detection + clustering on recordings assembled
// from RAVDESS and EmoDB clips (diarization_corpus.hpp), with the speaker count estimated and given,
// speaker-count accuracy and the cost per second of audio. Prints Markdown to stdout.
//
// Usage: sentio_bench_diarization [--shared DIR] [--seed N] [--change-penalty X] [--cluster-penalty X]
//                                 [--min-piece S] [--per-recording] [--oracle-segments]
//                                 [--emotions neutral,calm]   (draw clips of these emotions only)
//                                 [--scale N]   (N times as many recordings)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "diarization_corpus.hpp"
#include "sentio/speech/diarization.hpp"
#include "sentio/speech/diarization_error.hpp"

namespace {

using sentio::bench::num;
using sentio::bench::pct;

using sentio::bench::DiarizationRun;
using sentio::bench::Recording;
using sentio::speech::DiarizationErrorResult;

struct Tally {
  int recordings = 0, count_correct = 0;
  double audio_s = 0, abs_count_error = 0;
  DiarizationErrorResult est, given;
  void add(const DiarizationErrorResult& e, DiarizationErrorResult& into) {
    into.scored_s += e.scored_s;
    into.missed_s += e.missed_s;
    into.false_alarm_s += e.false_alarm_s;
    into.confusion_s += e.confusion_s;
  }
};

int usage() {
  std::cerr << "usage: sentio_bench_diarization [--shared DIR] [--seed N] [--change-penalty X] "
               "[--cluster-penalty X] [--min-piece S] [--per-recording] [--oracle-segments] [--emotions a,b] [--scale N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path shared = SENTIO_SHARED_DIR;
  if (const char* env = std::getenv("SENTIO_SHARED_DIR")) shared = env;
  sentio::bench::SetSpec spec;
  spec.ravdess[1] = 4, spec.ravdess[2] = 12, spec.ravdess[3] = 3, spec.ravdess[4] = 3;
  spec.emodb[1] = 2, spec.emodb[2] = 8, spec.emodb[3] = 2, spec.emodb[4] = 2;
  sentio::speech::DiarizationOptions options;
  bool per_recording = false, oracle = false;
  int scale = 1;  // recordings per kind x scale
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--shared" && has_value) shared = argv[++i];
    else if (a == "--seed" && has_value) spec.seed = static_cast<std::uint32_t>(std::stoul(argv[++i]));
    else if (a == "--change-penalty" && has_value) options.change_penalty = std::stod(argv[++i]);
    else if (a == "--cluster-penalty" && has_value) options.cluster_penalty = std::stod(argv[++i]);
    else if (a == "--min-piece" && has_value) options.min_piece_s = std::stod(argv[++i]);
    else if (a == "--per-recording") per_recording = true;
    else if (a == "--scale" && has_value) scale = std::stoi(argv[++i]);
    else if (a == "--emotions" && has_value) {
      std::string list = argv[++i];
      for (std::size_t p = 0; p <= list.size();) {
        const std::size_t q = std::min(list.find(',', p), list.size());
        if (q > p) spec.emotions.push_back(list.substr(p, q - p));
        p = q + 1;
      }
    }
    else if (a == "--oracle-segments") oracle = true;
    else return usage();
  }
  for (int k = 0; k < 5; ++k) {
    spec.ravdess[k] *= std::max(1, scale);
    spec.emodb[k] *= std::max(1, scale);
  }
  if (!std::filesystem::exists(shared / "data/ser/ravdess/manifest.csv")) {
    std::cerr << "no shared data at " << shared << " (use --shared DIR)\n";
    return 1;
  }

  const std::vector<Recording> set = sentio::bench::make_set(shared, spec);
  // Groups: 1 speaker, 2 speakers, 3-4 speakers, all.
  Tally groups[4];
  const char* group_names[4] = {"1 speaker", "2 speakers", "3-4 speakers", "all"};
  double vad_s = 0, split_s = 0, cluster_s = 0, audio_s = 0;
  std::size_t n_pieces = 0;
  if (per_recording)
    std::cout << "| recording | s | speakers | estimated | DER est. | DER given |\n|---|---|---|---|---|---|\n";
  for (const Recording& rec : set) {
    const DiarizationRun run = sentio::bench::run_diarization(rec, options, true, oracle);
    const auto est = sentio::speech::diarization_error(rec.reference, run.estimated);
    const auto given = sentio::speech::diarization_error(rec.reference, run.given);
    vad_s += run.vad_s;
    split_s += run.split_s;
    cluster_s += run.cluster_s;
    audio_s += rec.duration_s();
    n_pieces += run.pieces.size();
    const int g = rec.n_speakers == 1 ? 0 : (rec.n_speakers == 2 ? 1 : 2);
    for (const int k : {g, 3}) {
      Tally& t = groups[k];
      ++t.recordings;
      t.audio_s += rec.duration_s();
      t.count_correct += run.estimated_speakers == rec.n_speakers;
      t.abs_count_error += std::abs(run.estimated_speakers - rec.n_speakers);
      t.add(est, t.est);
      t.add(given, t.given);
    }
    if (per_recording)
      std::cout << "| " << rec.name << " | " << num(rec.duration_s(), "%.1f") << " | " << rec.n_speakers << " | "
                << run.estimated_speakers << " | " << pct(est.der()) << " | " << pct(given.der()) << " |\n";
  }
  if (per_recording) std::cout << "\n";
  // Scaling of the clustering: all pieces of the set as one long recording.
  std::vector<sentio::speech::SpeakerPiece> all_pieces;
  for (const Recording& rec : set) {
    const auto run = sentio::bench::run_diarization(rec, options, false, oracle);
    all_pieces.insert(all_pieces.end(), run.pieces.begin(), run.pieces.end());
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto all_labels = sentio::speech::cluster_speakers(all_pieces, options);
  const double long_cluster_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::cout << "Options: change_penalty " << options.change_penalty << ", cluster_penalty " << options.cluster_penalty
            << ", min_piece_s " << options.min_piece_s << ", seed " << spec.seed
            << (spec.emotions.empty() ? "" : ", clips of the listed emotions only")
            << (oracle ? ", oracle segments (reference clip spans instead of the VAD)" : "") << "\n\n";
  std::cout << "| recordings | n | audio (min) | DER, count estimated | (missed / false alarm / confusion) | "
               "DER, count given | count correct | mean abs. count error |\n"
               "|---|---|---|---|---|---|---|---|\n";
  for (int k = 0; k < 4; ++k) {
    const Tally& t = groups[k];
    if (t.recordings == 0) continue;
    const double s = t.est.scored_s;
    std::cout << "| " << group_names[k] << " | " << t.recordings << " | " << num(t.audio_s / 60.0, "%.1f") << " | "
              << pct(t.est.der()) << " | " << pct(t.est.missed_s / s) << " / " << pct(t.est.false_alarm_s / s) << " / "
              << pct(t.est.confusion_s / s) << " | " << pct(t.given.der()) << " | "
              << t.count_correct << " / " << t.recordings << " | " << num(t.abs_count_error / t.recordings) << " |\n";
  }
  std::cout << "\nCost (one thread, " << num(audio_s, "%.0f") << " s of audio, " << n_pieces
            << " pieces): VAD " << num(1e3 * vad_s / audio_s, "%.3f") << " ms/s, embeddings + change detection "
            << num(1e3 * split_s / audio_s, "%.3f") << " ms/s, clustering " << num(1e3 * cluster_s / audio_s, "%.3f")
            << " ms/s (milliseconds of one thread's wall time per second of audio).\n"
            << "Clustering all " << all_pieces.size() << " pieces of the set at once (as one " << num(audio_s / 60.0, "%.0f")
            << "-minute recording): " << num(long_cluster_s, "%.3f") << " s, "
            << num(1e3 * long_cluster_s / audio_s, "%.3f") << " ms per second of audio.\n";
  return 0;
}
