// SPDX-License-Identifier: Apache-2.0
// Engine and Session benchmarks (issue 11; bench/engine_latency.sh, bench/engine_memory.sh; results in bench/engine_latency.md and bench/engine_memory.md).
// Prints Markdown to stdout. Recordings are conversations assembled in memory from the shared RAVDESS and
// EmoDB clips (diarization_corpus.hpp).
//
//  sentio_bench_engine latency [--shared DIR] [--seed N] [--lookahead a,b] [--max-segment a,b]
//                              [--path session|stream] [--sequential] [--events FILE] [--recordings N]
//                              [--set conversation|long-turns]
//      Live latency. Each recording is pushed in 100-ms chunks at real-time pace (chunk k, covering
//      [0.1 k, 0.1 (k + 1)) s, is pushed when the wall clock reaches 0.1 (k + 1) s after the recording's
//      start). Latency of a segment event = wall clock at the event - wall clock at which the chunk
//      holding the segment's last sample was pushed. One configuration per (look-ahead, max segment)
//      pair. Path "session": a Session on the engine (SessionOptions has max_segment_s but no look-ahead,
//      so only the library's default look-ahead); path "stream": the SpeechStream a Session runs
//      (analysis/speech_stream.hpp) with any SegmenterOptions, driven the same way (the Session adds
//      the identity resampler and the callback). Default path: session when the look-ahead is the
//      library's default, else stream. All configurations run at once, one thread each, each over all
//      recordings in a rotated order so that they do not close segments at the same moments
//      (--sequential: one after the other).
//
//      Sets: "conversation" (default): 6 conversations of 2-4 speakers, 2-4 min each (the diarization
//      corpus builder, 12 turns per speaker); "long-turns": 4 recordings of ~3 min whose turns are 4-8
//      clips of one speaker joined by 0-0.05-s gaps (segments of up to 15 s: turns longer than the
//      default max_segment_s, and many longer than 4 s).
//
//  sentio_bench_engine write-corpus DIR [--shared DIR] [--seed N] [--set conversation|long-turns]
//      Writes the latency recordings as raw float32 little-endian mono 16 kHz (DIR/NAME.f32) and a list
//      (DIR/list.tsv: name, seconds, speakers) for the command-line measurement (bench/engine_pace.py).
//
//  sentio_bench_engine long-stream [--shared DIR] [--hours H] [--sample-min M] [--chunk S]
//      One Session fed H hours of conversation (the latency recordings looped) in chunks of S seconds,
//      as fast as it takes them; every M minutes of audio: RSS, anonymous RSS, heap in use, segments so
//      far, wall time of the block. Then finish() and the same after it.
//
//  sentio_bench_engine sessions [--shared DIR] [--n 0,1,2,4,8] [--processes]
//      Memory of N concurrent sessions on one engine: one child process per N (engine created and
//      speech model loaded and warmed up first), N threads each pushing its own recording in 100-ms
//      chunks without pacing; memory with the engine alone, with all N sessions open (all audio pushed,
//      the threads' audio buffers freed, malloc_trim), and after finish(). --processes: N separate
//      processes with one engine and one session each, measured at the same point; sums of RSS and PSS.
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "diarization_corpus.hpp"
#include "sentio/analysis/speech_stream.hpp"
#include "sentio/engine/engine.hpp"
#include "sentio/engine/session.hpp"

namespace {

namespace fs = std::filesystem;
using sentio::bench::kCorpusRate;
using sentio::bench::num;
using sentio::bench::parse_list;
using sentio::bench::quantile;
using sentio::bench::Recording;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t kChunk = kCorpusRate / 10;  // 100 ms

std::string mpm(const std::vector<double>& v) {  // "median / p90 / max"
  if (v.empty()) return "-";
  return num(quantile(v, 0.5)) + " / " + num(quantile(v, 0.9)) + " / " + num(quantile(v, 1.0));
}

double seconds_since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

// ---------------------------------------------------------------- memory of this process

struct Memory {
  double rss = 0, anon = 0, hwm = 0, pss = 0, heap = 0;  // MiB
};

double kib_field(const std::string& file, const std::string& key) {
  std::ifstream f(file);
  std::string line;
  while (std::getline(f, line))
    if (line.compare(0, key.size(), key) == 0) return std::stod(line.substr(key.size()));
  return std::nan("");
}

Memory memory() {
  Memory m;
  m.rss = kib_field("/proc/self/status", "VmRSS:") / 1024;
  m.anon = kib_field("/proc/self/status", "RssAnon:") / 1024;
  m.hwm = kib_field("/proc/self/status", "VmHWM:") / 1024;
  m.pss = kib_field("/proc/self/smaps_rollup", "Pss:") / 1024;
  const struct mallinfo2 mi = mallinfo2();
  m.heap = static_cast<double>(mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);  // in use: arenas + mmapped
  return m;
}

// ---------------------------------------------------------------- recordings

// The latency set: 6 conversations of 2-4 speakers (RAVDESS and EmoDB, one of each per speaker count),
// 12 turns per speaker: 2-4 minutes each.
std::vector<Recording> latency_set(const fs::path& shared, std::uint32_t seed) {
  sentio::bench::SetSpec spec;
  spec.ravdess[2] = spec.ravdess[3] = spec.ravdess[4] = 1;
  spec.emodb[2] = spec.emodb[3] = spec.emodb[4] = 1;
  spec.turns_per_speaker = 12;
  spec.seed = seed;
  return sentio::bench::make_set(shared, spec);
}

// Long unbroken turns: `n_speakers` people (seeded choice), turns of 4-8 clips of one speaker joined by
// gaps of 0-0.05 s (the detector bridges most of them: segments of up to 15 s, some turns are still
// broken where a clip's edges are quiet),
// 0.4-1.2-s pauses between turns, until `minutes`; -60 dBFS white noise, 0.5-s lead-in and tail.
Recording long_turn_recording(const std::string& name,
                              const std::map<std::string, std::vector<fs::path>>& speakers, int n_speakers,
                              double minutes, std::mt19937& rng) {
  std::vector<std::string> pool;
  for (const auto& [s, clips] : speakers) pool.push_back(s);
  std::shuffle(pool.begin(), pool.end(), rng);
  pool.resize(static_cast<std::size_t>(n_speakers));
  Recording rec;
  rec.name = name;
  rec.n_speakers = n_speakers;
  std::uniform_real_distribution<double> gap(0.0, 0.05), pause(0.4, 1.2);
  rec.audio.assign(kCorpusRate / 2, 0.0f);
  int previous = -1;
  while (rec.duration_s() < minutes * 60) {
    int who = static_cast<int>(rng() % static_cast<unsigned>(n_speakers));
    while (who == previous) who = static_cast<int>(rng() % static_cast<unsigned>(n_speakers));
    previous = who;
    const int n_clips = 4 + static_cast<int>(rng() % 5u);
    const auto& clips = speakers.at(pool[static_cast<std::size_t>(who)]);
    for (int c = 0; c < n_clips; ++c) {
      const std::vector<float> x = sentio::media::decode_audio(clips[rng() % clips.size()].string(), kCorpusRate);
      const auto [a, b] = sentio::bench::loud_extent(x);
      if (a >= b) continue;
      if (rec.audio.size() > kCorpusRate / 2)
        rec.audio.resize(rec.audio.size() + static_cast<std::size_t>((c == 0 ? pause(rng) : gap(rng)) * kCorpusRate), 0.0f);
      const double start = rec.duration_s();
      rec.audio.insert(rec.audio.end(), x.begin() + static_cast<std::ptrdiff_t>(a), x.begin() + static_cast<std::ptrdiff_t>(b));
      rec.reference.push_back({start, rec.duration_s(), who});
    }
  }
  rec.audio.resize(rec.audio.size() + kCorpusRate / 2, 0.0f);
  std::normal_distribution<float> noise(0.0f, 0.001f);
  for (float& s : rec.audio) s += noise(rng);
  return rec;
}

// The long-turn set: 4 recordings of ~3 minutes, 2, 3, 2, 3 speakers (RAVDESS, RAVDESS, EmoDB, EmoDB).
std::vector<Recording> long_turn_set(const fs::path& shared, std::uint32_t seed) {
  const auto ravdess = sentio::bench::read_speakers(shared / "data/ser/ravdess");
  const auto emodb = sentio::bench::read_speakers(shared / "data/ser/emodb_2s");
  std::mt19937 rng(seed + 500);
  std::vector<Recording> out;
  out.push_back(long_turn_recording("ravdess-long-2spk", ravdess, 2, 3.0, rng));
  out.push_back(long_turn_recording("ravdess-long-3spk", ravdess, 3, 3.0, rng));
  out.push_back(long_turn_recording("emodb-long-2spk", emodb, 2, 3.0, rng));
  out.push_back(long_turn_recording("emodb-long-3spk", emodb, 3, 3.0, rng));
  return out;
}

std::vector<Recording> named_set(const fs::path& shared, std::uint32_t seed, const std::string& set) {
  if (set == "conversation") return latency_set(shared, seed);
  if (set == "long-turns") return long_turn_set(shared, seed);
  throw std::runtime_error("unknown set '" + set + "' (conversation, long-turns)");
}

std::shared_ptr<const sentio::Engine> ready_engine() {
  auto engine = sentio::Engine::create();
  engine->preload(sentio::Modality::speech);
  // First model calls allocate libtorch's per-thread state: make them before anything is measured.
  std::vector<float> noise(kCorpusRate, 0.0f);
  std::mt19937 rng(3);
  std::normal_distribution<float> z(0.0f, 0.05f);
  for (float& s : noise) s = z(rng);
  engine->executor().run(static_cast<std::size_t>(engine->executor().concurrency()),
                         [&](std::size_t) { (void)engine->speech_model().analyse(noise); });
  return engine;
}

// ---------------------------------------------------------------- latency

struct Config {
  double lookahead = 1.0, max_segment = 15.0;
  bool session = true;
  std::string name() const {
    return "look-ahead " + num(lookahead, "%.1f") + " s, max segment " + num(max_segment, "%g") + " s (" +
           (session ? "Session" : "SpeechStream") + ")";
  }
};

struct Emitted {
  double start = 0, end = 0;
  double wall = 0;       // s since the recording's start, when the event came
  std::size_t push = 0;  // index of the push that made it (pushes = chunks; finish = chunks.size())
};

struct Played {
  std::string recording;
  std::vector<Emitted> events;
  std::vector<double> push_wall;  // s since the recording's start, when chunk k was pushed
  double worst_push_s = 0;        // longest push() call
  double worst_late_s = 0;        // largest delay of a push behind its schedule (the pacing's own slip)
};

Played play(const std::shared_ptr<const sentio::Engine>& engine, const Recording& rec, const Config& c) {
  Played p;
  p.recording = rec.name;
  const std::size_t n_chunks = (rec.audio.size() + kChunk - 1) / kChunk;
  p.push_wall.reserve(n_chunks);
  std::size_t current = 0;
  clock_type::time_point t0;
  auto record = [&](const sentio::analysis::SpeechSegment& s) {
    p.events.push_back({s.start, s.end, seconds_since(t0), current});
  };
  std::optional<sentio::Session> session;
  std::optional<sentio::analysis::SpeechStream> stream;
  if (c.session) {
    sentio::SessionOptions o;
    o.max_segment_s = c.max_segment;
    session.emplace(engine, o, [&](const sentio::Event& e) {
      if (e.type == sentio::Event::Type::segment) record(*e.segment);
    });
  } else {
    sentio::analysis::SpeechAnalysisOptions o;
    o.segmenter.max_segment_s = c.max_segment;
    o.segmenter.noise_lookahead_s = c.lookahead;
    stream.emplace(engine->speech_model(), o, 1, engine->executor());
  }
  t0 = clock_type::now();
  for (std::size_t k = 0; k < n_chunks; ++k) {
    std::this_thread::sleep_until(t0 + std::chrono::microseconds(static_cast<long long>(k + 1) * 100000));
    current = k;
    const std::size_t a = k * kChunk, b = std::min(rec.audio.size(), a + kChunk);
    const std::span<const float> chunk(rec.audio.data() + a, b - a);
    const double before = seconds_since(t0);
    p.push_wall.push_back(before);
    p.worst_late_s = std::max(p.worst_late_s, before - 0.1 * static_cast<double>(k + 1));
    if (session) {
      session->push_audio(chunk, kCorpusRate, 1);
    } else {
      const sentio::analysis::SpeechUpdate u = stream->push(chunk);
      for (const auto& s : u.segments) record(s);
    }
    p.worst_push_s = std::max(p.worst_push_s, seconds_since(t0) - before);
  }
  current = n_chunks;
  if (session) {
    (void)session->finish();
  } else {
    for (const auto& s : stream->close().segments) record(s);
  }
  return p;
}

struct LatencyTally {
  std::vector<double> all, pause, cut, inner, realtime;
  int segments = 0, at_finish = 0;
  double worst_push_s = 0, worst_late_s = 0;
};

// Sorts the events of one played recording into: closed by a pause, cut at max_segment_s (a later event
// starts where it ends), inner pieces of a speech segment split at a speaker change (an event of the same
// push starts where it ends); latency against the push of the chunk holding the end sample.
void tally(const Played& p, LatencyTally& t, std::ostream* events_out, const std::string& config) {
  t.worst_push_s = std::max(t.worst_push_s, p.worst_push_s);
  t.worst_late_s = std::max(t.worst_late_s, p.worst_late_s);
  const std::size_t n_chunks = p.push_wall.size();
  for (const Emitted& e : p.events) {
    ++t.segments;
    if (e.push >= n_chunks) {
      ++t.at_finish;
      continue;
    }
    const auto last_sample = std::max<long long>(0, std::llround(e.end * kCorpusRate) - 1);
    const std::size_t chunk = std::min(n_chunks - 1, static_cast<std::size_t>(last_sample) / kChunk);
    const double latency = e.wall - p.push_wall[chunk];
    bool inner = false, cut = false;
    for (const Emitted& o : p.events) {
      if (std::abs(o.start - e.end) > 1e-6) continue;
      if (o.push == e.push) inner = true;
      else if (o.push > e.push) cut = true;
    }
    t.all.push_back(latency);
    t.realtime.push_back(e.wall - e.end);
    (inner ? t.inner : cut ? t.cut : t.pause).push_back(latency);
    // where the time went: the push that made the event came at `made` s (its schedule: 0.1 (push + 1))
    const double made = p.push_wall[e.push];
    if (events_out)
      *events_out << config << '\t' << p.recording << '\t' << num(e.start, "%.3f") << '\t' << num(e.end, "%.3f") << '\t'
                  << num(latency, "%.4f") << '\t' << (inner ? "inner" : cut ? "cut" : "pause") << '\t'
                  << num(0.1 * static_cast<double>(e.push + 1), "%.1f") << '\t'
                  << num(made - 0.1 * static_cast<double>(e.push + 1), "%.4f") << '\t' << num(e.wall - made, "%.4f") << '\n';
  }
}

int run_latency(const fs::path& shared, std::uint32_t seed, const std::vector<double>& lookaheads,
                const std::vector<double>& max_segments, const std::string& path, bool sequential,
                const std::string& events_file, std::size_t limit, const std::string& set) {
  std::vector<Recording> recs = named_set(shared, seed, set);
  if (limit > 0 && limit < recs.size()) recs.resize(limit);
  double audio_s = 0;
  for (const Recording& r : recs) audio_s += r.duration_s();
  const double default_lookahead = sentio::speech::SegmenterOptions{}.noise_lookahead_s;
  std::vector<Config> configs;
  for (const double ahead : lookaheads)
    for (const double max_segment : max_segments) {
      Config c;
      c.lookahead = ahead;
      c.max_segment = max_segment;
      c.session = path == "session" || (path.empty() && std::abs(ahead - default_lookahead) < 1e-9);
      if (c.session && std::abs(ahead - default_lookahead) > 1e-9) {
        std::cerr << "--path session: a Session has no look-ahead option (only " << default_lookahead << " s)\n";
        return 2;
      }
      configs.push_back(c);
    }
  const auto engine = ready_engine();
  std::vector<std::vector<Played>> played(configs.size());
  auto run_config = [&](std::size_t ci) {
    for (std::size_t j = 0; j < recs.size(); ++j)
      played[ci].push_back(play(engine, recs[(j + ci) % recs.size()], configs[ci]));
  };
  const auto t0 = clock_type::now();
  if (sequential) {
    for (std::size_t ci = 0; ci < configs.size(); ++ci) run_config(ci);
  } else {
    std::vector<std::thread> threads;
    for (std::size_t ci = 0; ci < configs.size(); ++ci) threads.emplace_back(run_config, ci);
    for (auto& th : threads) th.join();
  }
  const double wall = seconds_since(t0);

  std::optional<std::ofstream> events;
  if (!events_file.empty()) {
    events.emplace(events_file);
    *events << "config\trecording\tstart\tend\tlatency_s\tkind\tmade_by_chunk_ending_s\tpush_late_s\tpush_to_event_s\n";
  }
  std::cout << recs.size() << " recordings (";
  for (std::size_t i = 0; i < recs.size(); ++i)
    std::cout << (i ? ", " : "") << recs[i].name << " " << num(recs[i].duration_s() / 60, "%.1f") << " min";
  std::cout << "), " << num(audio_s / 60, "%.1f") << " min of audio per configuration; " << configs.size()
            << " configuration(s) " << (sequential ? "one after the other" : "at once") << ", " << num(wall / 60, "%.1f")
            << " min wall.\n\n"
            << "| configuration | segment events (at finish) | latency, all: median / p90 / max (s) | "
               "closed by a pause: n, median / p90 / max | cut at max segment: n, median / p90 / max | "
               "inner pieces (speaker-change split): n, median / p90 / max | event - segment end in stream time: "
               "median / max | longest push (s) | largest push delay behind schedule (s) |\n"
               "|---|---|---|---|---|---|---|---|---|\n";
  for (std::size_t ci = 0; ci < configs.size(); ++ci) {
    LatencyTally t;
    for (const Played& p : played[ci]) tally(p, t, events ? &*events : nullptr, configs[ci].name());
    std::cout << "| " << configs[ci].name() << " | " << t.segments << " (" << t.at_finish << ") | " << mpm(t.all)
              << " | " << t.pause.size() << ", " << mpm(t.pause) << " | " << t.cut.size() << ", " << mpm(t.cut) << " | "
              << t.inner.size() << ", " << mpm(t.inner) << " | " << num(quantile(t.realtime, 0.5)) << " / "
              << num(quantile(t.realtime, 1.0)) << " | " << num(t.worst_push_s, "%.3f") << " | " << num(t.worst_late_s, "%.3f")
              << " |\n";
  }
  return 0;
}

int write_corpus(const fs::path& shared, std::uint32_t seed, const fs::path& dir, const std::string& set) {
  fs::create_directories(dir);
  std::ofstream list(dir / "list.tsv");
  for (const Recording& r : named_set(shared, seed, set)) {
    std::ofstream f(dir / (r.name + ".f32"), std::ios::binary);
    f.write(reinterpret_cast<const char*>(r.audio.data()), static_cast<std::streamsize>(r.audio.size() * sizeof(float)));
    if (!f) throw std::runtime_error("cannot write " + (dir / (r.name + ".f32")).string());
    list << r.name << '\t' << num(r.duration_s(), "%.3f") << '\t' << r.n_speakers << '\n';
  }
  return 0;
}

// ---------------------------------------------------------------- one long stream

int run_long_stream(const fs::path& shared, double hours, double sample_min, double chunk_s) {
  const std::vector<Recording> recs = latency_set(shared, 1);
  double loop_s = 0;
  std::size_t loop_bytes = 0;
  for (const Recording& r : recs) {
    loop_s += r.duration_s();
    loop_bytes += r.audio.size() * sizeof(float);
  }
  const auto engine = ready_engine();
  malloc_trim(0);
  const Memory m0 = memory();
  std::size_t events = 0;
  sentio::Session session(engine, {}, [&](const sentio::Event& e) { events += e.type == sentio::Event::Type::segment; });
  const auto chunk = static_cast<std::size_t>(chunk_s * kCorpusRate);
  const auto total = static_cast<std::size_t>(hours * 3600 * kCorpusRate);
  const auto every = static_cast<std::size_t>(sample_min * 60 * kCorpusRate);
  std::cout << "Audio: the " << recs.size() << " latency recordings (" << num(loop_s / 60, "%.1f")
            << " min) looped; pushed in " << num(chunk_s, "%g") << "-s chunks as fast as the session takes them. The "
            << num(static_cast<double>(loop_bytes) / 1048576.0, "%.1f")
            << " MiB of loop audio the tool holds are in every RSS figure.\n\n"
            << "Engine loaded and warmed up, no session: RSS " << num(m0.rss, "%.1f") << " MiB, anonymous "
            << num(m0.anon, "%.1f") << " MiB, heap in use " << num(m0.heap, "%.1f") << " MiB.\n\n"
            << "| audio (min) | segment events | RSS (MiB) | anonymous RSS (MiB) | heap in use (MiB) | wall of the block (s) | "
               "x real time (block) | pushes that made segments final: median / max (ms) |\n|---|---|---|---|---|---|---|---|\n";
  std::size_t rec = 0, pos = 0, pushed = 0, next = every;
  auto block_t0 = clock_type::now();
  std::vector<float> buf;
  std::vector<double> closing_push_ms;  // pushes of the block that made segments final
  struct Row {
    double minutes, rss, anon, heap;
  };
  std::vector<Row> rows;
  const auto t_all = clock_type::now();
  while (pushed < total) {
    buf.clear();
    while (buf.size() < chunk) {
      const std::vector<float>& a = recs[rec].audio;
      const std::size_t take = std::min(chunk - buf.size(), a.size() - pos);
      buf.insert(buf.end(), a.begin() + static_cast<std::ptrdiff_t>(pos), a.begin() + static_cast<std::ptrdiff_t>(pos + take));
      pos += take;
      if (pos == a.size()) {
        pos = 0;
        rec = (rec + 1) % recs.size();
      }
    }
    const std::size_t events_before = events;
    const auto tp = clock_type::now();
    session.push_audio(buf, kCorpusRate, 1);
    if (events > events_before) closing_push_ms.push_back(1e3 * seconds_since(tp));
    pushed += buf.size();
    if (pushed >= next) {
      const double block = seconds_since(block_t0);
      const Memory m = memory();
      const double minutes = static_cast<double>(pushed) / kCorpusRate / 60;
      rows.push_back({minutes, m.rss, m.anon, m.heap});
      std::cout << "| " << num(minutes, "%.0f") << " | " << events << " | " << num(m.rss, "%.1f") << " | "
                << num(m.anon, "%.1f") << " | " << num(m.heap, "%.2f") << " | " << num(block, "%.2f") << " | "
                << num(sample_min * 60 / block, "%.0f") << " | " << num(quantile(closing_push_ms, 0.5), "%.1f") << " / "
                << num(quantile(closing_push_ms, 1.0), "%.1f") << " |\n"
                << std::flush;
      closing_push_ms.clear();
      next += every;
      block_t0 = clock_type::now();
    }
  }
  const double push_wall = seconds_since(t_all);
  const auto tf = clock_type::now();
  const sentio::AnalysisResult r = session.finish();
  const double finish_s = seconds_since(tf);
  const Memory mf = memory();
  // growth per hour: least squares over the samples from the first hour on (the start-up hour fills the
  // detector's buffers and the speaker models)
  auto slope = [&](double Row::*field) {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const Row& w : rows) {
      if (w.minutes < 60 - 1e-6) continue;
      const double x = w.minutes / 60, y = w.*field;
      n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    return n >= 2 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : std::nan("");
  };
  // What one piece of a segment keeps until finish() (speech_stream.cpp: Piece): its evidence and its
  // speaker embedding, plus the segment record.
  std::vector<float> probe(2 * kCorpusRate, 0.0f);
  std::mt19937 rng(5);
  std::normal_distribution<float> z(0.0f, 0.05f);
  for (float& x : probe) x = z(rng);
  const sentio::ser::UtteranceEvidence ev = engine->speech_model().analyse(probe);
  const std::size_t payload = ev.functionals.size() * sizeof(double) + ev.neural_logits.size() * sizeof(float) +
                              sentio::speech::speaker_embedding_size() * sizeof(float);
  std::cout << "\nPer piece kept until finish(): " << ev.functionals.size() << " functionals (double), "
            << ev.neural_logits.size() << " logits (float), a " << sentio::speech::speaker_embedding_size()
            << "-float speaker embedding: " << payload << " bytes of payload, plus vector and struct overhead.\n";
  std::cout << "\nPushing " << num(hours, "%g") << " h took " << num(push_wall, "%.1f") << " s ("
            << num(hours * 3600 / push_wall, "%.0f") << "x real time). finish() took " << num(finish_s, "%.2f")
            << " s; after it (result held: " << (r.speech ? r.speech->segments.size() : 0) << " segments, "
            << (r.speech ? r.speech->speakers.size() : 0) << " speakers): RSS " << num(mf.rss, "%.1f") << " MiB, anonymous "
            << num(mf.anon, "%.1f") << " MiB, heap in use " << num(mf.heap, "%.2f") << " MiB; peak RSS (VmHWM) "
            << num(mf.hwm, "%.1f") << " MiB.\n\n"
            << "Growth per hour of audio (least squares over the samples from 60 min on): RSS "
            << num(slope(&Row::rss), "%.2f") << " MiB/h, anonymous RSS " << num(slope(&Row::anon), "%.2f")
            << " MiB/h, heap in use " << num(slope(&Row::heap), "%.3f") << " MiB/h; segment events per hour: "
            << num(static_cast<double>(events) / hours, "%.0f") << ".\n";
  return 0;
}

// ---------------------------------------------------------------- N sessions on one engine

// Pushes `audio` into `session` in 100-ms chunks, no pacing.
void push_all(sentio::Session& session, const std::vector<float>& audio) {
  for (std::size_t a = 0; a < audio.size(); a += kChunk)
    session.push_audio(std::span<const float>(audio.data() + a, std::min(kChunk, audio.size() - a)), kCorpusRate, 1);
}

struct SessionsRow {
  int n = 0;
  double audio_min = 0;
  Memory engine, open, finished;
  double wall = 0;
};

// In a child process: an engine, then n sessions on n threads. Writes the row to `fd`.
SessionsRow sessions_in_process(const fs::path& shared, int n) {
  SessionsRow row;
  row.n = n;
  const auto engine = ready_engine();
  malloc_trim(0);
  row.engine = memory();
  std::vector<Recording> recs;
  if (n > 0) {
    sentio::bench::SetSpec spec;  // 8 conversations of 2-4 speakers, 2-4 min each
    spec.ravdess[2] = 2, spec.ravdess[3] = 1, spec.ravdess[4] = 1;
    spec.emodb[2] = 2, spec.emodb[3] = 1, spec.emodb[4] = 1;
    spec.turns_per_speaker = 12;
    spec.seed = 21;
    recs = sentio::bench::make_set(shared, spec);
  }
  std::vector<std::optional<sentio::Session>> sessions(static_cast<std::size_t>(n));
  std::vector<std::size_t> events(static_cast<std::size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    sessions[k].emplace(engine, sentio::SessionOptions{},
                        [&events, k](const sentio::Event& e) { events[k] += e.type == sentio::Event::Type::segment; });
    row.audio_min += recs[k % recs.size()].duration_s() / 60;
  }
  const auto t0 = clock_type::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      const auto k = static_cast<std::size_t>(i);
      push_all(*sessions[k], recs[k % recs.size()].audio);
    });
  for (auto& t : threads) t.join();
  row.wall = seconds_since(t0);
  recs.clear();
  recs.shrink_to_fit();
  malloc_trim(0);
  row.open = memory();
  std::vector<sentio::AnalysisResult> results;
  for (auto& s : sessions) results.push_back(s->finish());
  malloc_trim(0);
  row.finished = memory();
  return row;
}

// Runs `fn` in a child process and returns what it wrote (one line).
template <typename Fn>
std::string in_child(Fn fn) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    int status = 0;
    try {
      const std::string line = fn() + "\n";
      if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) status = 1;
    } catch (const std::exception& e) {
      std::cerr << "child: " << e.what() << "\n";
      status = 1;
    }
    close(fds[1]);
    _exit(status);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t got;
  while ((got = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(got));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("child process failed");
  return out;
}

std::string encode(const Memory& m) {
  std::ostringstream o;
  o << m.rss << ' ' << m.anon << ' ' << m.hwm << ' ' << m.pss << ' ' << m.heap;
  return o.str();
}
Memory decode(std::istream& in) {
  Memory m;
  in >> m.rss >> m.anon >> m.hwm >> m.pss >> m.heap;
  return m;
}

// n separate processes with one engine and one session each (recording i of the sessions set), measured
// when all have pushed their audio: sums of RSS, anonymous RSS and PSS.
struct ProcessesRow {
  int n = 0;
  Memory sum, engine_sum;
};

ProcessesRow separate_processes(const fs::path& shared, int n) {
  ProcessesRow row;
  row.n = n;
  struct Child {
    pid_t pid;
    int report, go;  // child -> parent, parent -> child
  };
  std::vector<Child> children;
  for (int i = 0; i < n; ++i) {
    int up[2], down[2];
    if (pipe(up) != 0 || pipe(down) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      close(up[0]);
      close(down[1]);
      for (const Child& c : children) close(c.report), close(c.go);
      int status = 0;
      try {
        const auto engine = ready_engine();
        malloc_trim(0);
        const Memory e = memory();
        sentio::bench::SetSpec spec;
        spec.ravdess[2] = 2, spec.ravdess[3] = 1, spec.ravdess[4] = 1;
        spec.emodb[2] = 2, spec.emodb[3] = 1, spec.emodb[4] = 1;
        spec.turns_per_speaker = 12;
        spec.seed = 21;
        std::vector<Recording> recs = sentio::bench::make_set(shared, spec);
        sentio::Session session(engine);
        push_all(session, recs[static_cast<std::size_t>(i) % recs.size()].audio);
        recs.clear();
        recs.shrink_to_fit();
        malloc_trim(0);
        const std::string line = encode(e) + " " + encode(memory()) + "\n";
        if (write(up[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) status = 1;
        char c;
        if (read(down[0], &c, 1) < 0) status = 1;  // wait until every process is measured
        (void)session.finish();
      } catch (const std::exception& ex) {
        std::cerr << "child: " << ex.what() << "\n";
        status = 1;
      }
      _exit(status);
    }
    close(up[1]);
    close(down[0]);
    children.push_back({pid, up[0], down[1]});
  }
  for (const Child& c : children) {
    std::string line;
    char buf[512];
    ssize_t got;
    while (line.find('\n') == std::string::npos && (got = read(c.report, buf, sizeof buf)) > 0)
      line.append(buf, static_cast<std::size_t>(got));
    std::istringstream in(line);
    const Memory e = decode(in), m = decode(in);
    row.engine_sum.rss += e.rss, row.engine_sum.anon += e.anon, row.engine_sum.pss += e.pss;
    row.sum.rss += m.rss, row.sum.anon += m.anon, row.sum.pss += m.pss, row.sum.hwm += m.hwm;
  }
  // PSS is read by each child for itself; a child that measured early shared fewer pages than it does
  // now: the parent re-reads every child's PSS while all of them are alive and waiting.
  row.sum.pss = 0;
  for (const Child& c : children) row.sum.pss += kib_field("/proc/" + std::to_string(c.pid) + "/smaps_rollup", "Pss:") / 1024;
  for (const Child& c : children) {
    const char go = 1;
    if (write(c.go, &go, 1) != 1) throw std::runtime_error("pipe write failed");
    close(c.go);
    close(c.report);
  }
  for (const Child& c : children) {
    int status = 0;
    waitpid(c.pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("child process failed");
  }
  return row;
}

int run_sessions(const fs::path& shared, const std::vector<double>& ns, bool processes) {
  std::cout << "One process per N: engine created, speech model loaded and warmed up; N threads each push their own "
               "recording (2-4 min, 2-4 speakers) in 100-ms chunks without pacing. \"Open\": all audio pushed, every "
               "session alive, the threads' audio buffers freed, malloc_trim(0). Differences are against the same "
               "process's engine-only figure.\n\n"
               "| sessions | audio (min, all sessions) | push wall (s) | engine only: RSS / anonymous (MiB) | N open: RSS / "
               "anonymous / heap in use (MiB) | open - engine: RSS / anonymous / heap (MiB) | after finish(), results "
               "held: RSS / anonymous (MiB) |\n|---|---|---|---|---|---|---|\n";
  std::vector<std::pair<double, double>> points;  // (n, anonymous delta)
  std::vector<std::pair<double, double>> rss_points;
  for (const double nd : ns) {
    const int n = static_cast<int>(nd);
    const std::string line = in_child([&] {
      const SessionsRow r = sessions_in_process(shared, n);
      std::ostringstream o;
      o << r.n << ' ' << r.audio_min << ' ' << r.wall << ' ' << encode(r.engine) << ' ' << encode(r.open) << ' '
        << encode(r.finished);
      return o.str();
    });
    std::istringstream in(line);
    SessionsRow r;
    in >> r.n >> r.audio_min >> r.wall;
    r.engine = decode(in);
    r.open = decode(in);
    r.finished = decode(in);
    points.push_back({static_cast<double>(n), r.open.anon - r.engine.anon});
    rss_points.push_back({static_cast<double>(n), r.open.rss - r.engine.rss});
    std::cout << "| " << n << " | " << num(r.audio_min, "%.1f") << " | " << num(r.wall, "%.1f") << " | "
              << num(r.engine.rss, "%.1f") << " / " << num(r.engine.anon, "%.1f") << " | " << num(r.open.rss, "%.1f")
              << " / " << num(r.open.anon, "%.1f") << " / " << num(r.open.heap, "%.1f") << " | "
              << num(r.open.rss - r.engine.rss, "%+.1f") << " / " << num(r.open.anon - r.engine.anon, "%+.1f") << " / "
              << num(r.open.heap - r.engine.heap, "%+.2f") << " | " << num(r.finished.rss, "%.1f") << " / "
              << num(r.finished.anon, "%.1f") << " |\n"
              << std::flush;
  }
  auto fit = [](const std::vector<std::pair<double, double>>& p) {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& [x, y] : p) n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
    return n >= 2 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : std::nan("");
  };
  std::cout << "\nPer session (least-squares slope over N): RSS " << num(fit(rss_points), "%.2f") << " MiB, anonymous RSS "
            << num(fit(points), "%.2f") << " MiB.\n";
  if (processes) {
    std::cout << "\nN separate processes, one engine and one session each, measured while all are alive with their "
                 "audio pushed (PSS: shared pages split between the processes that map them).\n\n"
                 "| processes | sum of RSS (MiB) | sum of anonymous RSS (MiB) | sum of PSS (MiB) | sum of engine-only RSS "
                 "(MiB) |\n|---|---|---|---|---|\n";
    for (const double nd : ns) {
      const int n = static_cast<int>(nd);
      if (n < 1) continue;
      const ProcessesRow r = separate_processes(shared, n);
      std::cout << "| " << n << " | " << num(r.sum.rss, "%.1f") << " | " << num(r.sum.anon, "%.1f") << " | "
                << num(r.sum.pss, "%.1f") << " | " << num(r.engine_sum.rss, "%.1f") << " |\n"
                << std::flush;
    }
  }
  return 0;
}

int usage() {
  std::cerr << "usage: sentio_bench_engine latency [--shared DIR] [--seed N] [--lookahead a,b] [--max-segment a,b] "
               "[--path session|stream] [--sequential] [--events FILE] [--recordings N] [--set conversation|long-turns]\n"
               "       sentio_bench_engine write-corpus DIR [--shared DIR] [--seed N] [--set conversation|long-turns]\n"
               "       sentio_bench_engine long-stream [--shared DIR] [--hours H] [--sample-min M] [--chunk S]\n"
               "       sentio_bench_engine sessions [--shared DIR] [--n 0,1,2,4,8] [--processes]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  fs::path shared = SENTIO_SHARED_DIR;
  if (const char* env = std::getenv("SENTIO_SHARED_DIR")) shared = env;
  std::uint32_t seed = 1;
  std::vector<double> lookaheads = {sentio::speech::SegmenterOptions{}.noise_lookahead_s}, max_segments = {15.0};
  std::vector<double> ns = {0, 1, 2, 4, 8};
  std::string path, events_file, dir, set = "conversation";
  bool sequential = false, processes = false;
  std::size_t limit = 0;
  double hours = 3, sample_min = 10, chunk_s = 0.1;
  int first = 2;
  if (mode == "write-corpus") {
    if (argc < 3) return usage();
    dir = argv[2];
    first = 3;
  }
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--shared" && has_value) shared = argv[++i];
    else if (a == "--seed" && has_value) seed = static_cast<std::uint32_t>(std::stoul(argv[++i]));
    else if (a == "--lookahead" && has_value) lookaheads = parse_list(argv[++i]);
    else if (a == "--max-segment" && has_value) max_segments = parse_list(argv[++i]);
    else if (a == "--path" && has_value) path = argv[++i];
    else if (a == "--sequential") sequential = true;
    else if (a == "--set" && has_value) set = argv[++i];
    else if (a == "--events" && has_value) events_file = argv[++i];
    else if (a == "--hours" && has_value) hours = std::stod(argv[++i]);
    else if (a == "--sample-min" && has_value) sample_min = std::stod(argv[++i]);
    else if (a == "--chunk" && has_value) chunk_s = std::stod(argv[++i]);
    else if (a == "--n" && has_value) ns = parse_list(argv[++i]);
    else if (a == "--processes") processes = true;
    else if (a == "--recordings" && has_value) limit = std::stoul(argv[++i]);
    else return usage();
  }
  if (!path.empty() && path != "session" && path != "stream") return usage();
  if (!fs::exists(shared / "data/ser/ravdess/manifest.csv")) {
    std::cerr << "no shared data at " << shared << " (use --shared DIR)\n";
    return 1;
  }
  try {
    if (mode == "latency") return run_latency(shared, seed, lookaheads, max_segments, path, sequential, events_file, limit, set);
    if (mode == "write-corpus") return write_corpus(shared, seed, dir, set);
    if (mode == "long-stream") return run_long_stream(shared, hours, sample_min, chunk_s);
    if (mode == "sessions") return run_sessions(shared, ns, processes);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return usage();
}
