// SPDX-License-Identifier: Apache-2.0
// sentio analyze INPUT... [-o OUT] [--format json|csv] [--speech-model MODEL] [--speaker-mode M]
//                [--speakers N] [--min-segment S] [--max-segment S] [--fps N] [--detect-interval N] [--window S] [--face-models DIR] [--expression-model JSON]
//                [--transcript FILE] [--transcribe] [--text-model MODEL] [--language CODE|auto] [-j N] [-q]
// Parsed here, run in the torch plugin (plugins/analyze.cpp): the models need libtorch.
#include <memory>

#include "analyze_args.hpp"
#include "commands.hpp"
#include "plugin_loader.hpp"
#include "sentio/text/language.hpp"

namespace sentio::cli {

namespace {
using AnalyzeEntry = int (*)(const AnalyzeArgs*);
}  // namespace

Runner add_analyze_command(CLI::App& app) {
  auto args = std::make_shared<AnalyzeArgs>();
  args->generator = std::string("sentio ") + SENTIO_VERSION;
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Who felt what, when. Audio: speech segments with speaker, emotion probabilities, arousal and valence, an "
      "emotion timeline and a per-speaker summary. Video and images: every face tracked with its expression, "
      "valence/arousal and facial cues, per-track summaries and the group view (JSON schema sentio.analysis/1, "
      "docs/ANALYSIS.md).");
  cmd->add_option("inputs", args->inputs,
                  "Audio, video or image files, subtitles (.srt/.vtt), directories (searched recursively) or list "
                  "files (*.txt/*.lst)");
  cmd->add_option("-o,--output", args->output,
                  "Output: file (one input), folder (one document per input; required for several inputs), or '-' "
                  "/ omitted for standard output");
  cmd->add_option("--format", args->format, "json (default) or csv (one row per speech segment); default: csv if OUT ends in .csv");
  cmd->add_option("--speech-model", args->speech_model,
                  "Speech-emotion model from 'sentio train ser' (default: the shipped model, models/ser/)");
  cmd->add_option("--speaker-mode", args->speaker_mode,
                  "diarize: find the speakers of the mono mix; channels: one speaker per channel (stereo calls); "
                  "single: one speaker")
      ->capture_default_str();
  cmd->add_option("--speakers", args->speakers, "Number of speakers if known (diarize mode; 0 = estimate)")
      ->capture_default_str();
  cmd->add_option("--min-segment", args->min_segment_s, "Shortest speech segment kept (s)")->capture_default_str();
  cmd->add_option("--max-segment", args->max_segment_s, "Longer turns are split (s)")->capture_default_str();
  cmd->add_option("--fps", args->fps, "Video frames analysed per second (faces)")->capture_default_str();
  cmd->add_option("--detect-interval", args->detect_interval,
                  "Run the face detector every N analysed frames (between them faces are followed by their landmarks; "
                  "a lost face triggers detection); 1 = every frame, 0 = every 0.4 s of video")
      ->capture_default_str();
  cmd->add_option("--window", args->window_s, "Length of the group-view windows over all faces (s)")->capture_default_str();
  cmd->add_option("--face-models", args->face_models,
                  "Folder with blazeface/facemesh/emotion .json+.bin (default: the models fetched by scripts/setup)");
  cmd->add_option("--expression-model", args->expression_model,
                  "Expression model json (e.g. DIR/emotion.json written by 'sentio train face') used instead of the "
                  "face-model folder's emotion.json");
  cmd->add_option("--transcript", args->transcript,
                  "Transcript of the recording (SRT, WebVTT, JSON, CSV, MELD CSV or plain text, docs/TRANSCRIPTS.md): "
                  "adds the words part (text emotion per utterance). Without media inputs it is analysed on its own");
  cmd->add_flag("--transcribe", args->transcribe,
                "Recognise the speech (pocketsphinx, English) of recordings without --transcript and add the words "
                "part; slower (about 0.3 x real time per thread)");
  cmd->add_option("--text-model", args->text_model, "Text-emotion model from 'sentio train text' (default: models/text/); a context model (--context) also gives each utterance's call in the dialogue context; a neural model (--type neural) finds each call's driving words by leaving words out");
  cmd->add_option("--language", args->language,
                  "Language of the words part: a BRIGHTER code or alias (de, es, zh, pt, ru, sv, ...; en = the default "
                  "text model) selects that language's model from models/text/multilingual/; 'auto' detects it per "
                  "transcript (English below confidence 0.5, with a warning). --text-model wins");
  cmd->add_option("-j,--jobs", args->jobs, "Threads (default: all cores)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  return [args] {
    // An unknown language fails here, before the plugin (and libtorch) loads.
    if (!args->language.empty()) (void)text::resolve_language_code(args->language);
    auto entry = reinterpret_cast<AnalyzeEntry>(plugin_symbol("sentio-torch", "sentio_analyze"));
    return entry(args.get());
  };
}

}  // namespace sentio::cli
