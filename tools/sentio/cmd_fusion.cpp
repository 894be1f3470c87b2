// SPDX-License-Identifier: Apache-2.0
// sentio train fusion --data MANIFEST [-o MODEL.json] [--evidence FILE] [--fps N] [-j N] [-q] [model options]
// sentio eval fusion --data MANIFEST [--model MODEL.json] [--evidence FILE] [--json] [--fps N] [-j N] [-q]
//
// Late fusion of voice, face and words (sentio/analysis/fusion.hpp) fitted and measured on aligned clips:
// each manifest row (path,transcript,label) is analysed through the public API (Engine + analyze_file) like
// `sentio analyze FILE --transcript T --speaker-mode single`, and clip_evidence() gives each modality's call.
// The command's code is torch-free (it runs in the command line, not the plugin); the library loads the
// sentio-torch plugin itself for the models that need it (the face backend, the speech CNN).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "sentio/analysis/fusion.hpp"
#include "sentio/core/csv.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/labels.hpp"
#include "sentio/core/metrics.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/sentio.hpp"

namespace sentio::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using analysis::FusionExample;
using analysis::FusionModel;
using analysis::kModalityCount;
using analysis::MomentEvidence;

struct FusionArgs {
  std::string data, output = "fusion.json", model, evidence, description;
  std::string speech_model, face_models, expression_model, text_model;
  double fps = 5.0;
  int jobs = 0;
  bool json = false, quiet = false;
};

// One manifest row: media and transcript resolved against the manifest's folder, the core label.
struct Row {
  std::size_t line = 0;  // 1-based line in the manifest
  std::string path, transcript;
  std::optional<std::size_t> label;
  std::string error;  // a problem of the row itself (bad label, empty path), or of its analysis
  MomentEvidence evidence;
};

std::uint64_t fnv1a(const std::string& s, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

struct Manifest {
  std::vector<Row> rows;
  std::uint64_t hash = 0;  // of the manifest's text (the evidence cache's key)
};

Manifest read_manifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("manifest '" + path + "': cannot open (missing or unreadable)");
  std::ostringstream ss;
  ss << in.rdbuf();
  Manifest m;
  m.hash = fnv1a(ss.str());
  std::istringstream lines(ss.str());
  std::string line;
  if (!std::getline(lines, line))
    throw InputError("manifest '" + path + "': empty (expected a header path,transcript,label)");
  if (line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
  const std::vector<std::string> header = split_csv_line(line);
  auto column = [&](const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    return std::nullopt;
  };
  const auto c_path = column("path"), c_label = column("label"), c_transcript = column("transcript");
  if (!c_path || !c_label)
    throw InputError("manifest '" + path +
                     "': the header must name the columns path and label (and optionally transcript)");
  const fs::path folder = fs::path(path).parent_path();
  auto resolve = [&](const std::string& p) {
    return fs::path(p).is_absolute() || folder.empty() ? p : (folder / p).string();
  };
  std::size_t number = 1;
  while (std::getline(lines, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::vector<std::string> f = split_csv_line(line);
    Row r;
    r.line = number;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (f.size() != header.size()) {
      r.error =
          where + "expected " + std::to_string(header.size()) + " fields, found " + std::to_string(f.size());
    } else if (f[*c_path].empty()) {
      r.error = where + "empty path";
    } else {
      r.path = resolve(f[*c_path]);
      if (c_transcript && !f[*c_transcript].empty()) r.transcript = resolve(f[*c_transcript]);
      const auto info = lookup_label(f[*c_label]);
      if (info && info->core)
        r.label = static_cast<std::size_t>(*info->core);
      else
        r.error = where + "label '" + f[*c_label] + "' " +
                  (info ? "has no core equivalent" : "is not a known emotion label (core/labels.hpp)");
    }
    m.rows.push_back(std::move(r));
  }
  if (m.rows.empty()) throw InputError("manifest '" + path + "': no rows");
  return m;
}

// ---- the evidence cache (JSON Lines: a header, then one line per manifest row) ----

std::string cache_key(const FusionArgs& a, std::uint64_t manifest_hash) {
  std::ostringstream k;
  k << std::hex << manifest_hash << std::dec << "|fps=" << a.fps << "|" << a.speech_model << "|"
    << a.face_models << "|" << a.expression_model << "|" << a.text_model;
  return k.str();
}

json evidence_json(const MomentEvidence& e) {
  json j = json::object();
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    if (!e[m]) continue;
    j[analysis::modality_name(static_cast<analysis::Modality>(m))] = {
        {"probabilities", std::vector<float>(e[m]->probabilities.begin(), e[m]->probabilities.end())},
        {"quality", e[m]->quality}};
  }
  return j;
}

MomentEvidence evidence_from_json(const json& j) {
  MomentEvidence e;
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    const char* name = analysis::modality_name(static_cast<analysis::Modality>(m));
    if (!j.contains(name)) continue;
    const std::vector<float> p = j[name].at("probabilities").get<std::vector<float>>();
    if (p.size() != kEmotionCount) throw json::other_error::create(501, "bad probabilities", nullptr);
    analysis::ModalityEvidence me;
    std::copy(p.begin(), p.end(), me.probabilities.begin());
    me.quality = j[name].at("quality").get<float>();
    e[m] = me;
  }
  return e;
}

// Fills the rows' evidence from the cache file when it was written for this manifest and these options.
bool load_cache(const std::string& file, const std::string& key, std::vector<Row>& rows) {
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  try {
    if (!std::getline(in, line) || json::parse(line).value("key", "") != key) return false;
    std::vector<Row> filled = rows;
    for (Row& r : filled) {
      if (!std::getline(in, line)) return false;
      const json j = json::parse(line);
      if (j.at("line").get<std::size_t>() != r.line) return false;
      if (r.error.empty()) {
        r.error = j.value("error", "");
        r.evidence = evidence_from_json(j.at("evidence"));
      }
    }
    rows = std::move(filled);
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

void save_cache(const std::string& file, const std::string& key, const std::vector<Row>& rows) {
  OutputFile output(file, false);
  std::ostream& out = output.stream();
  out << json{{"format", "sentio.fusion.evidence"}, {"key", key}}.dump() << "\n";
  for (const Row& r : rows) {
    json j = {{"line", r.line}, {"evidence", evidence_json(r.evidence)}};
    if (!r.error.empty()) j["error"] = r.error;
    out << j.dump() << "\n";
  }
  output.commit();
}

// ---- analysis of the rows ----

bool any_present(const MomentEvidence& e) {
  return std::any_of(e.begin(), e.end(), [](const auto& m) { return m.has_value(); });
}

// Analyses every row without an error (in parallel), then reports the bad rows on stderr, one line each.
// Returns the rows that have a label and evidence.
std::vector<FusionExample> analyse_rows(const FusionArgs& a, std::vector<Row>& rows, std::size_t& failed) {
  if (!(a.fps > 0)) throw InputError("--fps must be positive");
  if (a.jobs < 0) throw InputError("-j: expected 0 (all cores) or a positive count");
  const Manifest manifest = read_manifest(a.data);
  rows = manifest.rows;
  const std::string key = cache_key(a, manifest.hash);
  const bool cached = !a.evidence.empty() && load_cache(a.evidence, key, rows);
  if (cached && !a.quiet)
    std::fprintf(stderr, "sentio: evidence of %s read from %s\n", a.data.c_str(), a.evidence.c_str());
  if (!cached) {
    EngineOptions eo;
    eo.speech_model = a.speech_model;
    eo.face_models = a.face_models;
    eo.expression_model = a.expression_model;
    eo.text_model = a.text_model;
    const int workers =
        a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    eo.n_threads = workers;
    const std::shared_ptr<const Engine> engine = Engine::create(eo);
    // Models are loaded up front: a bad model file is one usage error, not a failure of every row.
    engine->preload(Modality::speech);
    engine->preload(Modality::faces);
    engine->preload(Modality::words);
    AnalyzeOptions base;
    base.session.speaker_mode = analysis::SpeakerMode::single;  // a clip is one person's utterance
    base.session.fps = a.fps;
    TerminalProgressBar bar("fusion", "clips", !a.quiet && stderr_is_terminal());
    bar.set_total(static_cast<double>(rows.size()));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < rows.size(); i = next++) {
        Row& r = rows[i];
        if (r.error.empty()) {
          const std::string where = a.data + ":" + std::to_string(r.line) + ": ";
          try {
            AnalyzeOptions o = base;
            o.transcript = r.transcript;
            const analysis::AnalysisResult result = analyze_file(engine, r.path, o);
            r.evidence = analysis::clip_evidence(result);
            if (!any_present(r.evidence)) r.error = where + r.path + ": no speech, face or words recognised";
          } catch (const std::exception& e) {
            r.error = where + e.what();
          }
        }
        bar.advance(1);
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < std::min<int>(workers, static_cast<int>(rows.size())); ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
    bar.finish();
    if (!a.evidence.empty()) save_cache(a.evidence, key, rows);
  }
  std::vector<FusionExample> examples;
  failed = 0;
  for (const Row& r : rows) {
    if (!r.error.empty()) {
      std::fprintf(stderr, "sentio: error: %s\n", r.error.c_str());
      ++failed;
    } else {
      examples.push_back({r.evidence, *r.label});
    }
  }
  return examples;
}

std::string counts_text(const std::vector<FusionExample>& ex) {
  std::array<std::size_t, kModalityCount> n{};
  for (const FusionExample& e : ex)
    for (std::size_t m = 0; m < kModalityCount; ++m) n[m] += e.evidence[m] ? 1 : 0;
  std::ostringstream s;
  s << ex.size() << " clips; voice " << n[0] << ", face " << n[1] << ", words " << n[2] << " present";
  return s.str();
}

// ---- metrics ----

struct Score {
  std::size_t n = 0;
  double accuracy = 0, macro_f1 = 0;
};

// Scores the calls `call(example)` (nullopt: the example is not counted).
template <class Call>
Score score(const std::vector<FusionExample>& ex, Call call) {
  ConfusionMatrix cm(kEmotionCount);
  for (const FusionExample& e : ex)
    if (const std::optional<std::size_t> c = call(e)) cm.add(e.label, *c);
  const ClassificationMetrics m = compute_metrics(cm);
  return {m.n, m.accuracy, m.macro_f1};
}

std::size_t argmax(const EmotionProbs& p) {
  return static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

bool complete(const MomentEvidence& e) {
  return std::all_of(e.begin(), e.end(), [](const auto& m) { return m.has_value(); });
}

json score_json(const Score& s) {
  return {{"n", s.n}, {"accuracy", s.accuracy}, {"macro_f1", s.macro_f1}};
}

int run_train(const FusionArgs& a) {
  std::vector<Row> rows;
  std::size_t failed = 0;
  const std::vector<FusionExample> examples = analyse_rows(a, rows, failed);
  if (examples.empty()) throw InputError("manifest '" + a.data + "': no row could be analysed");
  FusionModel model = analysis::fit_fusion(examples);
  model.description = !a.description.empty()
                          ? a.description
                          : "fitted by `sentio train fusion` on " + fs::path(a.data).filename().string() +
                                " (" + counts_text(examples) + ")";
  model.save(a.output);
  const Score fused =
      score(examples, [&](const FusionExample& e) { return std::optional(model.fuse(e.evidence).top); });
  std::fprintf(stderr, "sentio: fitted on %s\n", counts_text(examples).c_str());
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    std::string prior;
    for (double p : model.prior[m]) prior += (prior.empty() ? "" : " ") + std::to_string(p).substr(0, 5);
    std::fprintf(stderr, "sentio:   %-5s temperature %.3f  reliability %.3f  prior %s\n",
                 analysis::modality_name(static_cast<analysis::Modality>(m)), model.temperature[m],
                 model.reliability[m], prior.c_str());
  }
  std::fprintf(stderr, "sentio: fused training accuracy %.3f (macro-F1 %.3f); model written to %s\n",
               fused.accuracy, fused.macro_f1, a.output.c_str());
  if (failed > 0) {
    std::fprintf(stderr, "sentio: %zu row(s) failed, %zu analysed\n", failed, examples.size());
    return kExitInputFailed;
  }
  return kExitOk;
}

int run_eval(const FusionArgs& a) {
  const std::string model_path = a.model.empty() ? analysis::default_fusion_model_path() : a.model;
  const FusionModel model = FusionModel::load(model_path);
  std::vector<Row> rows;
  std::size_t failed = 0;
  const std::vector<FusionExample> ex = analyse_rows(a, rows, failed);
  if (ex.empty()) throw InputError("manifest '" + a.data + "': no row could be analysed");

  auto alone = [](std::size_t m) {
    return [m](const FusionExample& e) -> std::optional<std::size_t> {
      if (!e.evidence[m]) return std::nullopt;
      return argmax(e.evidence[m]->probabilities);
    };
  };
  auto fused_without = [&](std::optional<std::size_t> left_out, bool need_complete) {
    return [&model, left_out, need_complete](const FusionExample& e) -> std::optional<std::size_t> {
      if (need_complete && !complete(e.evidence)) return std::nullopt;
      MomentEvidence v = e.evidence;
      if (left_out) v[*left_out].reset();
      if (!any_present(v)) return std::nullopt;
      return model.fuse(v).top;
    };
  };
  json out;
  out["data"] = a.data;
  out["model"] = model_path;
  out["model_description"] = model.description;
  out["n"] = ex.size();
  out["failed"] = failed;
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    const char* name = analysis::modality_name(static_cast<analysis::Modality>(m));
    out["model_parameters"][name] = {{"temperature", model.temperature[m]},
                                     {"reliability", model.reliability[m]},
                                     {"prior", model.prior[m]}};
    out["alone"][name] = score_json(score(ex, alone(m)));
  }
  out["fused_any"] = score_json(score(ex, fused_without(std::nullopt, false)));
  // Rows with all three modalities: fused, each alone and fused without each on the same rows.
  std::vector<FusionExample> full;
  for (const FusionExample& e : ex)
    if (complete(e.evidence)) full.push_back(e);
  json& c = out["complete"];
  const Score fused = score(full, fused_without(std::nullopt, true));
  c["fused"] = score_json(fused);
  double best_single = 0, best_face_voice = 0;
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    const char* name = analysis::modality_name(static_cast<analysis::Modality>(m));
    const Score s = score(full, alone(m));
    c["alone"][name] = score_json(s);
    c["fused_without"][name] = score_json(score(full, fused_without(m, true)));
    best_single = std::max(best_single, s.accuracy);
    if (m != static_cast<std::size_t>(analysis::Modality::words))
      best_face_voice = std::max(best_face_voice, s.accuracy);
  }
  // One modality present: the fused call with only that modality vs the modality alone, on its rows.
  bool no_worse = true;
  for (std::size_t m = 0; m < kModalityCount; ++m) {
    const char* name = analysis::modality_name(static_cast<analysis::Modality>(m));
    auto only = [&model, m](const FusionExample& e) -> std::optional<std::size_t> {
      if (!e.evidence[m]) return std::nullopt;
      MomentEvidence v;
      v[m] = e.evidence[m];
      return model.fuse(v).top;
    };
    const Score f = score(ex, only), s = score(ex, alone(m));
    out["single_present"][name] = {{"fused", score_json(f)}, {"alone", score_json(s)}};
    no_worse = no_worse && f.accuracy + 1e-12 >= s.accuracy;
  }
  const double without_words =
      score(full, fused_without(static_cast<std::size_t>(analysis::Modality::words), true)).accuracy;
  out["targets"] = {{"fused_minus_best_single", fused.accuracy - best_single},
                    {"fused_without_words_minus_best_of_face_voice", without_words - best_face_voice},
                    {"single_present_no_worse", no_worse}};

  if (a.json) {
    std::cout << out.dump(2) << "\n";
  } else {
    auto line = [](const std::string& what, const json& s) {
      std::printf("  %-34s n %4zu  accuracy %.3f  macro-F1 %.3f\n", what.c_str(), s["n"].get<std::size_t>(),
                  s["accuracy"].get<double>(), s["macro_f1"].get<double>());
    };
    std::printf("fusion model %s\n  %s\n%zu clips analysed, %zu failed\n", model_path.c_str(),
                model.description.c_str(), ex.size(), failed);
    std::printf("each modality alone (rows where it is present):\n");
    for (const auto& [name, s] : out["alone"].items()) line(name, s);
    line("fused (whatever is present)", out["fused_any"]);
    std::printf("rows with all three modalities:\n");
    line("fused", c["fused"]);
    for (const auto& [name, s] : c["alone"].items()) line(name + " alone", s);
    for (const auto& [name, s] : c["fused_without"].items()) line("fused without " + name, s);
    std::printf("one modality present:\n");
    for (const auto& [name, s] : out["single_present"].items()) {
      line(name + ": fused", s["fused"]);
      line(name + ": alone", s["alone"]);
    }
    std::printf(
        "fused - best single: %+.3f; fused without words - better of face/voice: %+.3f; one present no "
        "worse than alone: %s\n",
        fused.accuracy - best_single, without_words - best_face_voice, no_worse ? "yes" : "no");
  }
  if (failed > 0) {
    std::fprintf(stderr, "sentio: %zu row(s) failed, %zu analysed\n", failed, ex.size());
    return kExitInputFailed;
  }
  return kExitOk;
}

void add_common(CLI::App* s, FusionArgs& a) {
  s->add_option(
       "--data", a.data,
       "CSV manifest with the columns path,transcript,label (transcript may be empty or absent; paths "
       "relative to the manifest's folder; label: any emotion label of the core table, e.g. happy, joy, "
       "angry; calm -> neutral). Each row is one clip (video with speech and a face, audio, or image) "
       "analysed like 'sentio analyze PATH --transcript TRANSCRIPT --speaker-mode single'; bad rows are "
       "reported, one line each, and counted")
      ->required();
  s->add_option(
      "--evidence", a.evidence,
      "Evidence cache (JSON Lines): read when it was written for the same manifest text, --fps and "
      "model options, otherwise the rows are analysed and it is written (it does not notice a changed model "
      "file or media file: delete it then). Keep it outside the repository");
  s->add_option("--fps", a.fps, "Video frames analysed per second (faces)")->capture_default_str();
  s->add_option("--speech-model", a.speech_model,
                "Speech-emotion model (default: the shipped one, models/ser/)");
  s->add_option(
      "--face-models", a.face_models,
      "Folder with blazeface/facemesh/emotion .json+.bin (default: the models fetched by scripts/setup)");
  s->add_option("--expression-model", a.expression_model,
                "Expression model json used instead of the folder's");
  s->add_option("--text-model", a.text_model, "Text-emotion model (default: the shipped one, models/text/)");
  s->add_option("-j,--jobs", a.jobs, "Clips analysed in parallel (default: all cores)");
  s->add_flag("-q,--quiet", a.quiet, "No progress bar or messages (errors are still printed)");
}

}  // namespace

Runner add_train_fusion_command(CLI::App& train) {
  auto args = std::make_shared<FusionArgs>();
  CLI::App* s = train.add_subcommand(
      "fusion",
      "Fit the late fusion of voice, face and words (per-modality priors, temperatures and reliabilities, "
      "sentio/analysis/fusion.hpp) on aligned clips whose modalities carry the row's emotion.");
  add_common(s, *args);
  s->add_option("-o,--output", args->output, "Fusion model to write (JSON, format sentio.fusion)")
      ->capture_default_str();
  s->add_option(
      "--description", args->description,
      "The model's one-line description (default: 'fitted by sentio train fusion on MANIFEST (counts)')");
  return [args, s] {
    if (!s->parsed()) return kExitUsage;
    require_output_folder(args->output);
    refuse_output_over_inputs(args->output, std::span<const std::string>(&args->data, 1));
    if (!args->evidence.empty())
      refuse_output_over_inputs(args->evidence, std::span<const std::string>(&args->data, 1));
    return run_train(*args);
  };
}

Runner add_eval_fusion_command(CLI::App& eval) {
  auto args = std::make_shared<FusionArgs>();
  CLI::App* s = eval.add_subcommand(
      "fusion",
      "Fusion accuracy on aligned clips: each modality alone, fused, fused leaving each modality out, "
      "and fused vs alone when only one modality is present (accuracy and macro-F1).");
  add_common(s, *args);
  s->add_option(
      "--model", args->model,
      "Fusion model from 'sentio train fusion' (default: the shipped one, models/fusion/default.json)");
  s->add_flag("--json", args->json, "Print one JSON object instead of a table");
  return [args, s] {
    if (!s->parsed()) return kExitUsage;
    return run_eval(*args);
  };
}

}  // namespace sentio::cli
