// SPDX-License-Identifier: Apache-2.0
// Live-session studies of the speech chain (bench/online_diarization.sh, bench/vad_latency.sh).
// Prints Markdown to stdout.
//
//  sentio_bench_live clustering [--shared DIR] [--seed N] [--emotions a,b] [--per-recording]
//                               [--found F] [--doubt D] [--pool N]   (OnlineTuning, diarization/online_tuning.hpp)
//                               [--lookahead S] [--max-segment S]   (VAD options of the chain, else default)
//      Online speaker clustering (OnlineSpeakerClustering, pieces fed in time order) against the
//      offline cluster_speakers() on the same pieces of the diarization corpus (diarization_corpus.hpp):
//      agreement of the ids (best one-to-one mapping, time-weighted), DER of each, speaker counts.
//
//  sentio_bench_live vad-latency [--shared DIR] [--seed N] [--lookahead a,b,..] [--min-pause a,b,..]
//                                [--max-segment a,b,..] [--sets all|corpus,start,noise,ravdess,babble]
//      The voice-activity detector fed in 100-ms chunks: closing latency of every segment (time pushed
//      when take_segments() first returns it, minus the segment's end), segmentation quality against
//      the diarization corpus reference (as is, without its lead-in, with varying noise), the RAVDESS
//      VAD data test's reference and continuous babble, for every combination of noise_lookahead_s,
//      min_pause_s and max_segment_s (all other options default).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "diarization/online_tuning.hpp"
#include "diarization_corpus.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/speech/diarization.hpp"
#include "sentio/speech/diarization_error.hpp"
#include "sentio/speech/online_clustering.hpp"
#include "sentio/speech/segmenter.hpp"
#include "vad_truth.hpp"

namespace {

using sentio::bench::num;
using sentio::bench::parse_list;
using sentio::bench::quantile;
using sentio::bench::pct;

namespace fs = std::filesystem;
using sentio::bench::kCorpusRate;
using sentio::bench::Recording;
using sentio::speech::DiarizationErrorResult;
using sentio::speech::Segment;
using sentio::speech::SpeakerTurn;
using clock_type = std::chrono::steady_clock;

void accumulate(DiarizationErrorResult& into, const DiarizationErrorResult& e) {
  into.scored_s += e.scored_s;
  into.missed_s += e.missed_s;
  into.false_alarm_s += e.false_alarm_s;
  into.confusion_s += e.confusion_s;
}

// ---------------------------------------------------------------- online clustering

struct ClusteringTally {
  int recordings = 0, pieces = 0;
  int count_offline = 0, count_online = 0;  // recordings with the right speaker count (estimated)
  DiarizationErrorResult offline_est, online_est, offline_given, online_given;
  DiarizationErrorResult agree_est, agree_given;  // online vs offline ids (confusion = disagreement)
  double agree_pieces_est = 0, agree_pieces_given = 0;  // pieces with the mapped id
};

std::vector<int> online_labels(const std::vector<sentio::speech::SpeakerPiece>& pieces,
                               const sentio::speech::DiarizationOptions& options,
                               const sentio::speech::diarization::OnlineTuning& tuning, double& seconds) {
  const auto t0 = clock_type::now();
  sentio::speech::OnlineSpeakerClustering online(options, tuning);
  std::vector<int> labels;
  for (const auto& p : pieces) labels.push_back(online.add(p));
  seconds += std::chrono::duration<double>(clock_type::now() - t0).count();
  return labels;
}

// Pieces whose online id is the one mapped to their offline id, with the mapping of the DER (one to
// one, maximising agreement) over pieces counted one each: every piece becomes a 1-s turn.
int agreeing_pieces(const std::vector<int>& offline, const std::vector<int>& online) {
  std::vector<SpeakerTurn> a, b;
  for (std::size_t i = 0; i < offline.size(); ++i) {
    const auto t = static_cast<double>(i);
    a.push_back({t, t + 1, offline[i]});
    b.push_back({t, t + 1, online[i]});
  }
  const auto e = sentio::speech::diarization_error(a, b, 0.0);
  return static_cast<int>(std::lround(e.scored_s - e.confusion_s));
}

int count_of(const std::vector<int>& labels) {
  int n = 0;
  for (const int l : labels) n = std::max(n, l + 1);
  return n;
}

int run_clustering(const fs::path& shared, const sentio::bench::SetSpec& spec, bool per_recording,
                   const sentio::speech::diarization::OnlineTuning& tuning,
                   const sentio::speech::SegmenterOptions& vad_options) {
  const std::vector<Recording> set = sentio::bench::make_set(shared, spec);
  const sentio::speech::DiarizationOptions options;
  ClusteringTally groups[4];
  const char* group_names[4] = {"1 speaker", "2 speakers", "3-4 speakers", "all"};
  double online_s = 0;
  std::size_t n_pieces = 0;
  if (per_recording)
    std::cout << "| recording | speakers | pieces | count offline / online | DER offline / online (est.) | "
                 "agreement (est.) | DER offline / online (given) | agreement (given) |\n"
                 "|---|---|---|---|---|---|---|---|\n";
  for (const Recording& rec : set) {
    const auto run = sentio::bench::run_diarization(rec, options, true, false, vad_options);
    std::vector<int> off_est, off_given;
    for (const auto& t : run.estimated) off_est.push_back(t.speaker);
    for (const auto& t : run.given) off_given.push_back(t.speaker);
    sentio::speech::DiarizationOptions known = options;
    known.n_speakers = rec.n_speakers;
    const std::vector<int> on_est = online_labels(run.pieces, options, tuning, online_s);
    const std::vector<int> on_given = online_labels(run.pieces, known, tuning, online_s);
    n_pieces += run.pieces.size();
    const auto on_est_turns = sentio::bench::to_turns(run.pieces, on_est);
    const auto on_given_turns = sentio::bench::to_turns(run.pieces, on_given);
    const auto d_off_est = sentio::speech::diarization_error(rec.reference, run.estimated);
    const auto d_on_est = sentio::speech::diarization_error(rec.reference, on_est_turns);
    const auto d_off_given = sentio::speech::diarization_error(rec.reference, run.given);
    const auto d_on_given = sentio::speech::diarization_error(rec.reference, on_given_turns);
    // Offline ids as the reference of the online ids, no collar: confusion = time with other ids.
    const auto a_est = sentio::speech::diarization_error(run.estimated, on_est_turns, 0.0);
    const auto a_given = sentio::speech::diarization_error(run.given, on_given_turns, 0.0);
    const int g = rec.n_speakers == 1 ? 0 : (rec.n_speakers == 2 ? 1 : 2);
    for (const int k : {g, 3}) {
      ClusteringTally& t = groups[k];
      ++t.recordings;
      t.pieces += static_cast<int>(run.pieces.size());
      t.count_offline += count_of(off_est) == rec.n_speakers;
      t.count_online += count_of(on_est) == rec.n_speakers;
      accumulate(t.offline_est, d_off_est);
      accumulate(t.online_est, d_on_est);
      accumulate(t.offline_given, d_off_given);
      accumulate(t.online_given, d_on_given);
      accumulate(t.agree_est, a_est);
      accumulate(t.agree_given, a_given);
      t.agree_pieces_est += agreeing_pieces(off_est, on_est);
      t.agree_pieces_given += agreeing_pieces(off_given, on_given);
    }
    if (per_recording)
      std::cout << "| " << rec.name << " | " << rec.n_speakers << " | " << run.pieces.size() << " | " << count_of(off_est)
                << " / " << count_of(on_est) << " | " << pct(d_off_est.der()) << " / " << pct(d_on_est.der()) << " | "
                << pct(1.0 - a_est.der()) << " | " << pct(d_off_given.der()) << " / " << pct(d_on_given.der()) << " | "
                << pct(1.0 - a_given.der()) << " |\n";
  }
  if (per_recording) std::cout << "\n";
  std::cout << "Seed " << spec.seed << (spec.emotions.empty() ? ", all emotions" : ", clips of the listed emotions only")
            << ", default DiarizationOptions; online tuning: found_factor " << tuning.found_factor << ", doubt_factor "
            << tuning.doubt_factor << ", pool_size " << tuning.pool_size << "; VAD noise_lookahead_s "
            << vad_options.noise_lookahead_s << ", max_segment_s " << vad_options.max_segment_s << ".\n\n"
            << "| recordings | n | pieces | DER offline | DER online | agreement (time / pieces) | count right offline / online "
               "| DER offline, count given | DER online, count given | agreement, count given (time / pieces) |\n"
               "|---|---|---|---|---|---|---|---|---|---|\n";
  for (int k = 0; k < 4; ++k) {
    const ClusteringTally& t = groups[k];
    if (t.recordings == 0) continue;
    std::cout << "| " << group_names[k] << " | " << t.recordings << " | " << t.pieces << " | " << pct(t.offline_est.der())
              << " | " << pct(t.online_est.der()) << " | " << pct(1.0 - t.agree_est.der()) << " / "
              << pct(t.agree_pieces_est / t.pieces) << " | " << t.count_offline << " / " << t.count_online << " of "
              << t.recordings << " | " << pct(t.offline_given.der()) << " | " << pct(t.online_given.der()) << " | "
              << pct(1.0 - t.agree_given.der()) << " / " << pct(t.agree_pieces_given / t.pieces) << " |\n";
  }
  std::cout << "\nOnline clustering cost: " << num(1e6 * online_s / static_cast<double>(2 * n_pieces), "%.1f")
            << " us per piece (one thread, " << 2 * n_pieces << " add() calls).\n";
  return 0;
}

// ---------------------------------------------------------------- VAD closing latency

struct Timed {
  Segment segment;
  double reported_s = 0;  // samples pushed when take_segments() returned it / rate
  bool at_finish = false;  // returned by finish() (the stream ended inside or right after it)
};

// The detector fed in chunks of `chunk` samples, take_segments() after every push.
std::vector<Timed> stream(const std::vector<float>& audio, int rate, const sentio::speech::SegmenterOptions& o,
                          std::size_t chunk, std::vector<double>& push_seconds) {
  sentio::speech::VoiceActivityDetector vad(rate, o);
  std::vector<Timed> out;
  for (std::size_t i = 0; i < audio.size(); i += chunk) {
    const auto t0 = clock_type::now();
    vad.push(std::span<const float>(audio).subspan(i, std::min(chunk, audio.size() - i)));
    const auto segs = vad.take_segments();
    push_seconds.push_back(std::chrono::duration<double>(clock_type::now() - t0).count());
    for (const Segment& s : segs)
      out.push_back({s, static_cast<double>(vad.samples_pushed()) / rate, false});
  }
  for (const Segment& s : vad.finish()) out.push_back({s, static_cast<double>(audio.size()) / rate, true});
  return out;
}

// A recording with its reference speech turns (speaker ids ignored here).
struct VadCase {
  std::string name;
  std::vector<float> audio;
  int rate = kCorpusRate;
  std::vector<SpeakerTurn> reference;
};

// The RAVDESS concatenation of tests/speech/data_vad_ravdess.cpp (same clips, gaps and reference).
bool ravdess_concatenation(const fs::path& shared, VadCase& out) {
  const fs::path dir = shared / "data/ser/ravdess/audio";
  if (!fs::is_directory(dir)) return false;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.size() < 20) return false;
  out.name = "RAVDESS x20 (data test)";
  const std::size_t stride = files.size() / 20;
  for (std::size_t i = 0; i < 20; ++i) {
    const double gap_s = 0.5 + static_cast<double>((i * 37) % 100) / 100.0;
    out.audio.resize(out.audio.size() + static_cast<std::size_t>(gap_s * kCorpusRate), 0.0f);
    const std::vector<float> clip = sentio::media::decode_audio(files[i * stride + (i % 7)].string(), kCorpusRate);
    const auto [a, b] = sentio::test::loud_extent(clip, kCorpusRate, 30.0);
    out.reference.push_back({static_cast<double>(out.audio.size() + a) / kCorpusRate,
                             static_cast<double>(out.audio.size() + b) / kCorpusRate, 0});
    out.audio.insert(out.audio.end(), clip.begin(), clip.end());
  }
  out.audio.resize(out.audio.size() + kCorpusRate, 0.0f);
  return true;
}

// Continuous babble: three streams of RAVDESS clips (three speakers, each stream the clips back to
// back) mixed, ~2 min, -60 dBFS noise: "speech" without pauses (a television, a crowd), so the
// detector has to split it at max_segment_s. Reference: one turn over the whole mixture.
VadCase babble(const fs::path& shared, std::uint32_t seed) {
  const auto speakers = sentio::bench::read_speakers(shared / "data/ser/ravdess", {"neutral", "calm"});
  std::mt19937 rng(seed);
  VadCase out;
  out.name = "babble";
  const std::size_t lead = kCorpusRate / 2, length = 120 * static_cast<std::size_t>(kCorpusRate);
  out.audio.assign(lead + length + kCorpusRate / 2, 0.0f);
  for (int stream = 0; stream < 3; ++stream) {
    auto it = speakers.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng() % speakers.size()));
    const auto& clips = it->second;
    std::size_t at = lead;
    while (at < lead + length) {
      const std::vector<float> x = sentio::media::decode_audio(clips[rng() % clips.size()].string(), kCorpusRate);
      const auto [a, b] = sentio::bench::loud_extent(x);
      for (std::size_t i = a; i < b && at < lead + length; ++i, ++at) out.audio[at] += x[i] / 3.0f;
    }
  }
  out.reference.push_back({static_cast<double>(lead) / kCorpusRate, static_cast<double>(lead + length) / kCorpusRate, 0});
  std::normal_distribution<float> noise(0.0f, 0.001f);
  for (float& x : out.audio) x += noise(rng);
  return out;
}

// The recording as a live session that starts while someone speaks: the 0.5-s lead-in cut off.
VadCase without_lead_in(const VadCase& c) {
  VadCase out;
  out.name = c.name;
  const std::size_t cut = kCorpusRate / 2;
  out.audio.assign(c.audio.begin() + static_cast<std::ptrdiff_t>(std::min(cut, c.audio.size())), c.audio.end());
  for (SpeakerTurn t : c.reference) {
    t.start = std::max(0.0, t.start - 0.5);
    t.end -= 0.5;
    if (t.end > t.start) out.reference.push_back(t);
  }
  return out;
}

// The recording with extra white noise whose level steps every 3-8 s to a level drawn uniformly from
// -65..-35 dBFS RMS (50-ms ramps): a fan switching, a door opening, a car passing.
VadCase with_varying_noise(const VadCase& c, std::mt19937& rng) {
  VadCase out = c;
  std::uniform_real_distribution<double> hold(3.0, 8.0), level(-65.0, -35.0);
  std::normal_distribution<double> z(0.0, 1.0);
  const auto ramp = static_cast<std::size_t>(0.05 * kCorpusRate);
  double from = std::pow(10.0, level(rng) / 20.0), to = from;
  std::size_t next = 0, changed = 0;
  for (std::size_t i = 0; i < out.audio.size(); ++i) {
    if (i == next) {
      from = to;
      to = std::pow(10.0, level(rng) / 20.0);
      changed = i;
      next = i + static_cast<std::size_t>(hold(rng) * kCorpusRate);
    }
    const double w = std::min(1.0, static_cast<double>(i - changed) / static_cast<double>(ramp));
    out.audio[i] += static_cast<float>(((1 - w) * from + w * to) * z(rng));
  }
  return out;
}

struct LatencyTally {
  std::vector<double> latency;        // reported - segment end, segments closed while streaming
  std::vector<double> after_speech;   // reported - end of the last reference turn the segment overlaps
  std::vector<double> split_latency;  // the subset closed by a max_segment_s split (next starts at its end)
  std::vector<double> start_error, end_error;  // segment start/end minus the reference's (s, signed)
  int segments = 0, at_finish = 0;
  double first_turn_s = 0, first_turn_found_s = 0;  // the first reference turn of every recording
  int same_as_default = 0, default_segments = 0;     // default options' segments found with the same bounds
  DiarizationErrorResult vad;    // speaker-free DER terms, collar 0.25 s
  DiarizationErrorResult vad0;   // same, no collar
  double tp = 0, fp = 0, fn = 0;  // 10-ms frames (RAVDESS data test's measure)
};

void score_case(const VadCase& c, const std::vector<Timed>& timed, const std::vector<Segment>& by_default,
                double max_segment_s, LatencyTally& t) {
  t.default_segments += static_cast<int>(by_default.size());
  for (const Segment& d : by_default)
    t.same_as_default += std::any_of(timed.begin(), timed.end(), [&d](const Timed& x) {
      return x.segment.start == d.start && x.segment.end == d.end;
    });
  std::vector<SpeakerTurn> hyp;
  for (const Timed& s : timed) hyp.push_back({s.segment.start, s.segment.end, 0});
  std::vector<SpeakerTurn> ref = c.reference;
  for (auto& r : ref) r.speaker = 0;
  accumulate(t.vad, sentio::speech::diarization_error(ref, hyp, 0.25));
  accumulate(t.vad0, sentio::speech::diarization_error(ref, hyp, 0.0));
  if (!ref.empty()) {
    const SpeakerTurn& first = ref.front();
    t.first_turn_s += first.end - first.start;
    for (const auto& h : hyp) t.first_turn_found_s += std::max(0.0, std::min(h.end, first.end) - std::max(h.start, first.start));
  }
  for (std::size_t i = 0; i < timed.size(); ++i) {
    const Timed& s = timed[i];
    ++t.segments;
    // reference turns overlapping the segment
    double first_start = -1, last_end = -1;
    for (const auto& r : ref)
      if (r.end > s.segment.start && r.start < s.segment.end) {
        if (first_start < 0) first_start = r.start;
        last_end = std::max(last_end, r.end);
      }
    if (s.at_finish) {
      ++t.at_finish;
    } else {
      t.latency.push_back(s.reported_s - s.segment.end);
      if (last_end >= 0) t.after_speech.push_back(s.reported_s - last_end);
      // cut by max_segment_s: at least half that long, and the next segment goes on from its end
      const bool split = i + 1 < timed.size() && std::abs(timed[i + 1].segment.start - s.segment.end) < 1e-9 &&
                         s.segment.end - s.segment.start >= 0.5 * max_segment_s - 0.011;
      if (split) t.split_latency.push_back(s.reported_s - s.segment.end);
    }
    if (first_start >= 0) {
      t.start_error.push_back(s.segment.start - first_start);
      t.end_error.push_back(s.segment.end - last_end);
    }
  }
  const auto n_frames = static_cast<std::size_t>(static_cast<double>(c.audio.size()) / c.rate * 100);
  auto inside = [](const auto& spans, double x) {
    return std::any_of(spans.begin(), spans.end(), [x](const SpeakerTurn& s) { return x >= s.start && x < s.end; });
  };
  for (std::size_t f = 0; f < n_frames; ++f) {
    const double x = (static_cast<double>(f) + 0.5) / 100.0;
    const bool is = inside(ref, x), said = inside(hyp, x);
    t.tp += is && said;
    t.fp += !is && said;
    t.fn += is && !said;
  }
}

std::vector<double> absolute(std::vector<double> v) {
  for (double& x : v) x = std::abs(x);
  return v;
}

int run_vad_latency(const fs::path& shared, const sentio::bench::SetSpec& spec, const std::string& which,
                    const std::vector<double>& lookaheads, const std::vector<double>& pauses,
                    const std::vector<double>& max_segments) {
  struct Set {
    std::string key, title;
    std::vector<VadCase> cases;
  };
  auto wanted = [&](const std::string& key) { return which == "all" || which.find(key) != std::string::npos; };
  std::vector<VadCase> corpus;
  for (Recording& r : sentio::bench::make_set(shared, spec))
    corpus.push_back({r.name, std::move(r.audio), kCorpusRate, std::move(r.reference)});
  const std::string corpus_name = "diarization corpus (seed " + std::to_string(spec.seed) + ", " +
                                  (spec.emotions.empty() ? "all emotions" : "listed emotions") + ", 36 recordings)";
  std::vector<Set> sets;
  if (wanted("corpus")) sets.push_back({"corpus", "The " + corpus_name + ": -60 dBFS white noise, 0.5-s lead-in", corpus});
  if (wanted("start")) {
    Set set{"start", "Session starts in speech: the " + corpus_name + " without its 0.5-s lead-in", {}};
    for (const VadCase& c : corpus) set.cases.push_back(without_lead_in(c));
    sets.push_back(std::move(set));
  }
  if (wanted("noise")) {
    Set set{"noise", "Varying noise: the " + corpus_name + " plus white noise stepping between -65 and -35 dBFS every 3-8 s", {}};
    std::mt19937 rng(spec.seed + 1000);
    for (const VadCase& c : corpus) set.cases.push_back(with_varying_noise(c, rng));
    sets.push_back(std::move(set));
  }
  if (wanted("ravdess")) {
    Set set{"ravdess", "RAVDESS x20: the recording and reference of tests/speech/data_vad_ravdess.cpp (digital silence between clips)", {}};
    VadCase rav;
    if (ravdess_concatenation(shared, rav)) set.cases.push_back(std::move(rav));
    sets.push_back(std::move(set));
  }
  if (wanted("babble")) {
    Set set{"babble", "Continuous babble: 4 mixtures of three RAVDESS clip streams (no pauses, 2 min each)", {}};
    for (std::uint32_t k = 1; k <= 4; ++k) set.cases.push_back(babble(shared, spec.seed * 100 + k));
    sets.push_back(std::move(set));
  }

  const std::size_t chunk = kCorpusRate / 10;  // 100 ms
  std::vector<double> push_s;
  for (const Set& set : sets) {
    std::vector<std::vector<Segment>> by_default;  // segments with the default options, per recording
    for (const VadCase& c : set.cases) by_default.push_back(sentio::speech::segment_speech(c.audio, c.rate));
    double audio_s = 0;
    for (const auto& c : set.cases) audio_s += static_cast<double>(c.audio.size()) / c.rate;
    std::cout << "### " << set.title << "\n\n" << set.cases.size() << " recording(s), " << num(audio_s / 60.0, "%.1f")
              << " min of audio.\n\n"
              << "| noise_lookahead_s | min_pause_s | max_segment_s | segments (at finish) | closing latency median / p90 / max (s) | "
                 "after the reference end median / max (s) | split segments: n, max latency (s) | "
                 "missed / false alarm (collar 0.25 s) | missed / false alarm (no collar) | frame precision / recall | "
                 "start error median abs. (s) | end error median / median abs. (s) | first turn detected | "
                 "default's segments kept (same start and end) |\n"
                 "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const double max_segment : max_segments)
      for (const double pause : pauses)
        for (const double ahead : lookaheads) {
          sentio::speech::SegmenterOptions o;
          o.noise_lookahead_s = ahead;
          o.min_pause_s = pause;
          o.max_segment_s = max_segment;
          LatencyTally t;
          for (std::size_t k = 0; k < set.cases.size(); ++k) {
            const VadCase& c = set.cases[k];
            const std::vector<Timed> timed = stream(c.audio, c.rate, o, chunk, push_s);
            score_case(c, timed, by_default[k], max_segment, t);
          }
          const double precision = t.tp + t.fp > 0 ? t.tp / (t.tp + t.fp) : 0.0;
          const double recall = t.tp + t.fn > 0 ? t.tp / (t.tp + t.fn) : 0.0;
          std::cout << "| " << num(ahead, "%.1f") << " | " << num(pause, "%.2f") << " | " << num(max_segment, "%.0f") << " | "
                    << t.segments << " (" << t.at_finish << ") | " << num(quantile(t.latency, 0.5)) << " / "
                    << num(quantile(t.latency, 0.9)) << " / " << num(quantile(t.latency, 1.0)) << " | "
                    << num(quantile(t.after_speech, 0.5)) << " / " << num(quantile(t.after_speech, 1.0)) << " | "
                    << t.split_latency.size() << ", "
                    << (t.split_latency.empty() ? std::string("-") : num(quantile(t.split_latency, 1.0))) << " | "
                    << pct(t.vad.missed_s / t.vad.scored_s) << " / " << pct(t.vad.false_alarm_s / t.vad.scored_s) << " | "
                    << pct(t.vad0.missed_s / t.vad0.scored_s) << " / " << pct(t.vad0.false_alarm_s / t.vad0.scored_s)
                    << " | " << num(precision, "%.3f") << " / " << num(recall, "%.3f") << " | "
                    << num(quantile(absolute(t.start_error), 0.5)) << " | " << num(quantile(t.end_error, 0.5)) << " / "
                    << num(quantile(absolute(t.end_error), 0.5)) << " | " << pct(t.first_turn_found_s / t.first_turn_s)
                    << " | " << pct(static_cast<double>(t.same_as_default) / t.default_segments) << " |\n";
        }
    std::cout << "\n";
  }
  std::cout << "Detector cost per 100-ms push (push + take_segments, one thread, all rows above): median "
            << num(1e3 * quantile(push_s, 0.5), "%.3f") << " ms, p99.9 " << num(1e3 * quantile(push_s, 0.999), "%.3f")
            << " ms, max " << num(1e3 * quantile(push_s, 1.0), "%.3f") << " ms.\n";
  return 0;
}

int usage() {
  std::cerr << "usage: sentio_bench_live clustering [--shared DIR] [--seed N] [--emotions a,b] [--per-recording] "
               "[--found F] [--doubt D] [--pool N] [--lookahead S] [--min-pause S] [--max-segment S]\n"
               "       sentio_bench_live vad-latency [--shared DIR] [--seed N] [--emotions a,b] [--lookahead a,b,..] "
               "[--min-pause a,b,..] [--max-segment a,b,..] [--sets all|corpus,start,noise,ravdess,babble]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  fs::path shared = SENTIO_SHARED_DIR;
  if (const char* env = std::getenv("SENTIO_SHARED_DIR")) shared = env;
  sentio::bench::SetSpec spec;  // the diarization benchmark's set (bench/diarization.md)
  spec.ravdess[1] = 4, spec.ravdess[2] = 12, spec.ravdess[3] = 3, spec.ravdess[4] = 3;
  spec.emodb[1] = 2, spec.emodb[2] = 8, spec.emodb[3] = 2, spec.emodb[4] = 2;
  bool per_recording = false;
  std::vector<double> lookaheads = {1.0}, pauses = {0.25}, max_segments = {15.0};
  std::string which = "all";
  sentio::speech::diarization::OnlineTuning tuning;
  sentio::speech::SegmenterOptions vad_options;  // clustering mode
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--shared" && has_value) shared = argv[++i];
    else if (a == "--seed" && has_value) spec.seed = static_cast<std::uint32_t>(std::stoul(argv[++i]));
    else if (a == "--per-recording") per_recording = true;
    else if (a == "--found" && has_value) tuning.found_factor = std::stod(argv[++i]);
    else if (a == "--doubt" && has_value) tuning.doubt_factor = std::stod(argv[++i]);
    else if (a == "--pool" && has_value) tuning.pool_size = std::stoi(argv[++i]);
    else if (a == "--lookahead" && has_value) {
      lookaheads = parse_list(argv[++i]);
      vad_options.noise_lookahead_s = lookaheads.front();
    } else if (a == "--min-pause" && has_value) {
      pauses = parse_list(argv[++i]);
      vad_options.min_pause_s = pauses.front();
    } else if (a == "--max-segment" && has_value) {
      max_segments = parse_list(argv[++i]);
      vad_options.max_segment_s = max_segments.front();
    }
    else if (a == "--sets" && has_value) which = argv[++i];
    else if (a == "--emotions" && has_value) {
      const std::string list = argv[++i];
      for (std::size_t p = 0; p <= list.size();) {
        const std::size_t q = std::min(list.find(',', p), list.size());
        if (q > p) spec.emotions.push_back(list.substr(p, q - p));
        p = q + 1;
      }
    } else return usage();
  }
  if (!fs::exists(shared / "data/ser/ravdess/manifest.csv")) {
    std::cerr << "no shared data at " << shared << " (use --shared DIR)\n";
    return 1;
  }
  if (mode == "clustering") return run_clustering(shared, spec, per_recording, tuning, vad_options);
  if (mode == "vad-latency") return run_vad_latency(shared, spec, which, lookaheads, pauses, max_segments);
  return usage();
}
