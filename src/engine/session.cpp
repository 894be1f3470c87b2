// SPDX-License-Identifier: Apache-2.0
// Session: pushes routed to the speech, faces and words streams; events as results become final; the
// complete result at finish().
#include "sentio/engine/session.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>

#include "sentio/analysis/explain.hpp"
#include "sentio/analysis/moments.hpp"
#include "sentio/analysis/persons.hpp"
#include "sentio/analysis/result_writer.hpp"
#include "sentio/analysis/speech_stream.hpp"
#include "sentio/analysis/visual_turns.hpp"
#include "sentio/analysis/words_stream.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/channels.hpp"
#include "sentio/media/resampler.hpp"

namespace sentio {

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

// A probability as written in messages ("0.35").
std::string probability(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", p);
  return buf;
}

void check_options(const SessionOptions& o) {
  if (o.speakers < 0) throw InputError("--speakers: expected 0 (estimate) or a positive count");
  if (o.speakers > 0 && o.speaker_mode != analysis::SpeakerMode::diarize)
    throw InputError("--speakers applies to --speaker-mode diarize only");
  if (!(o.min_segment_s > 0) || !(o.max_segment_s > o.min_segment_s))
    throw InputError("--min-segment/--max-segment: need 0 < min < max");
  if (!(o.fps > 0) || o.fps > 120) throw InputError("--fps: expected a rate in (0, 120] frames per second");
  if (o.detect_interval < 0) throw InputError("--detect-interval: expected 0 (automatic) or a positive frame count");
  if (!(o.window_s > 0)) throw InputError("--window: expected a positive length in seconds");
  if (!(o.min_confidence >= 0 && o.min_confidence <= 1)) throw InputError("--min-confidence: expected a probability in [0, 1]");
  if (!(o.min_emotion_s >= 0)) throw InputError("min_emotion_s: expected a length >= 0 seconds");
}

}  // namespace

struct Session::Impl {
  std::shared_ptr<const Engine> engine;
  SessionOptions options;
  EventCallback on_event;
  analysis::SpeechAnalysisOptions speech_options;
  analysis::FaceAnalysisOptions face_options;
  SourceInfo source;
  bool finished = false;
  std::vector<std::string> warnings;

  // audio
  int rate = 0, channels = 0;
  std::int64_t audio_frames = 0;  // pushed, per channel, at `rate`
  std::optional<media::Resampler> resampler;
  std::optional<analysis::SpeechStream> speech;
  std::vector<float> resampled;

  // faces
  std::optional<analysis::FaceStream> faces;
  bool image = false;
  double last_frame_time = -std::numeric_limits<double>::infinity();

  // words
  std::optional<analysis::WordsStream> words;
  bool words_given = false;

  // provisional moments: running baselines and person ids of the provisional speakers
  analysis::PersonBaselines baselines;
  std::map<std::string, std::string> provisional_person;

  Impl(std::shared_ptr<const Engine> e, SessionOptions o, EventCallback cb)
      : engine(std::move(e)), options(std::move(o)), on_event(std::move(cb)) {
    SENTIO_ASSERT(engine != nullptr);
    check_options(options);
    speech_options.speaker_mode = options.speaker_mode;
    speech_options.diarization.n_speakers = options.speakers;
    speech_options.segmenter.min_segment_s = options.min_segment_s;
    speech_options.segmenter.max_segment_s = options.max_segment_s;
    speech_options.min_confidence = options.min_confidence;
    speech_options.min_emotion_s = options.min_emotion_s;
    face_options.fps = options.fps;
    face_options.detect_interval = options.detect_interval;
    face_options.window_s = options.window_s;
    face_options.executor = &engine->executor();
  }

  void check_open(const char* what) const {
    if (finished) throw InputError(std::string("session: ") + what + " after finish()");
  }

  void emit(const Event& e) const {
    if (on_event) on_event(e);
  }

  void emit_segments(const std::vector<analysis::SpeechSegment>& segments) const {
    for (const analysis::SpeechSegment& s : segments) {
      Event e;
      e.type = Event::Type::segment;
      e.segment = &s;
      e.labels = &speech_labels();
      emit(e);
    }
  }

  const std::vector<std::string>& speech_labels() const { return engine->speech_model().labels(); }

  void emit_utterance(const analysis::TextUtterance& u, const analysis::WordsStream& from) const {
    Event e;
    e.type = Event::Type::utterance;
    e.utterance = &u;
    e.labels = &from.labels();
    e.multi_label = from.multi_label();
    e.context = from.context();
    emit(e);
  }

  // The words stream of recognised speech, made on the first recognised utterance.
  analysis::WordsStream& asr_words() {
    if (!words) {
      const asr::SpeechRecognizer& r = engine->recognizer();
      words.emplace(engine->text_models(), "asr", r.engine() + " " + r.model(), "asr");
    }
    return *words;
  }

  void handle(const analysis::SpeechUpdate& update) {
    emit_segments(update.segments);
    for (const asr::TranscribedUtterance& u : update.utterances) {
      if (u.text.empty()) continue;
      text::Utterance t;
      t.start = u.start;
      t.end = u.end;
      t.text = u.text;
      analysis::WordsStream& w = asr_words();
      emit_utterance(w.push(t, u.confidence), w);
    }
    if (on_event)
      for (const analysis::SpeechSegment& s : update.segments) emit_moment(s);
  }

  // The moment of a segment just made final, judged with what has arrived: the faces seen and the words
  // said during it, the person of its provisional speaker, cues against the running baselines.
  void emit_moment(const analysis::SpeechSegment& segment) {
    AnalysisResult now;
    now.speech = analysis::SpeechResult{};
    now.speech->segments = {segment};
    if (faces && !image) {
      now.faces = analysis::FacesResult{};
      now.faces->sampled_fps = faces->sampled_fps();
      now.faces->tracks = faces->tracks_between(segment.start, segment.end);
    }
    if (words) {
      now.text = analysis::TextResult{};
      now.text->utterances = words->utterances_between(segment.start, segment.end);
    }
    analysis::PersonLinks links = analysis::link_persons(&*now.speech, now.faces ? &*now.faces : nullptr, nullptr);
    const auto [it, fresh] = provisional_person.emplace(segment.speaker, "P" + std::to_string(provisional_person.size() + 1));
    for (analysis::Person& p : links.persons)
      if (p.speaker == segment.speaker) p.id = it->second;
    links.warnings.clear();
    analysis::apply_person_links(links, now);
    now.speech->segments[0].person = it->second;  // persons are known by provisional speaker while streaming
    analysis::MomentOptions mo;
    mo.window_s = 0;  // the segment's moment only
    analysis::build_moments(now, engine->fusion_model(), mo);
    for (analysis::Moment& m : now.moments) {
      if (m.segment != 0) continue;
      const std::map<std::string, double> measures = analysis::moment_measures(m, now);
      m.cues = analysis::moment_cues(m, measures, baselines, now);
      baselines.add(m.person, measures);
      std::string said;
      for (int u : m.utterances) said += (said.empty() ? "" : " ") + now.text->utterances[static_cast<std::size_t>(u)].text;
      m.explanation = analysis::explain_moment(m, m.person, said);
      Event e;
      e.type = Event::Type::moment;
      e.moment = &m;
      emit(e);
    }
  }

  void start_audio(int sample_rate, int n_channels) {
    if (sample_rate < 1 || sample_rate > media::kMaxSampleRate)
      throw InputError("audio: sample rate " + std::to_string(sample_rate) + " Hz is out of range (1 to " +
                       std::to_string(media::kMaxSampleRate) + " Hz)");
    if (n_channels < 1 || n_channels > media::kMaxChannels)
      throw InputError("audio: " + std::to_string(n_channels) + " channels is out of range (1 to " +
                       std::to_string(media::kMaxChannels) + ")");
    const bool per_channel = options.speaker_mode == analysis::SpeakerMode::channels;
    if (per_channel && n_channels < 2)
      throw InputError("per-channel speaker mode needs a recording with two or more channels (it has 1)");
    rate = sample_rate;
    channels = n_channels;
    resampler.emplace(sample_rate, n_channels, analysis::kSpeechRate, per_channel ? media::kAllChannels : media::kMixChannels);
    analysis::StreamRecognition recognition;
    if (options.transcribe) recognition.recognizer = &engine->recognizer();
    speech.emplace(engine->speech_model(), speech_options, per_channel ? n_channels : 1, engine->executor(),
                   recognition);
    // A segment spanning two visible people's turns is cut where the speaking face changes (from the faces
    // analysed by the time the segment closes: all of them for a file, whose frames come first).
    speech->set_segment_cutter([this](double start, double end) {
      if (!faces || image) return std::vector<double>{};
      const analysis::VisualTurnOptions turn_options;
      return analysis::visual_turn_cuts(faces->tracks_between(start - turn_options.context_s, end), start, end, turn_options);
    });
  }

  void push_audio(std::span<const float> samples, int sample_rate, int n_channels) {
    check_open("push_audio");
    if (rate == 0) {
      start_audio(sample_rate, n_channels);
    } else if (sample_rate != rate) {
      throw InputError("audio: sample rate changed mid-stream (" + std::to_string(rate) + " Hz, then " +
                       std::to_string(sample_rate) + " Hz)");
    } else if (n_channels != channels) {
      throw InputError("audio: channel count changed mid-stream (" + std::to_string(channels) + ", then " +
                       std::to_string(n_channels) + ")");
    }
    if (samples.size() % static_cast<std::size_t>(channels) != 0)
      throw InputError("audio: " + std::to_string(samples.size()) + " samples is not a whole number of " +
                       std::to_string(channels) + "-channel frames");
    resampled.clear();
    resampler->push(samples, resampled);
    audio_frames += static_cast<std::int64_t>(samples.size() / static_cast<std::size_t>(channels));
    handle(speech->push(resampled));
  }

  void push_frame(std::span<const std::uint8_t> rgb, int width, int height, double time_s) {
    check_open("push_frame");
    if (image) throw InputError("session: push_frame after push_image (an image is the whole input)");
    if (width <= 0 || height <= 0 ||
        rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3)
      throw InputError("video frame: " + std::to_string(rgb.size()) + " bytes for " + std::to_string(width) + "x" +
                       std::to_string(height) + " RGB (expected width * height * 3)");
    if (!std::isfinite(time_s) || time_s < last_frame_time)
      throw InputError("video frame: time " + std::to_string(time_s) + " s goes backwards");
    last_frame_time = time_s;
    if (!faces) faces.emplace(engine->face_model(), face_options);
    emit_faces(faces->push(rgb.data(), width, height, time_s));
  }

  void push_image(std::span<const std::uint8_t> rgb, int width, int height) {
    check_open("push_image");
    if (faces) throw InputError("session: push_image on a session that already has frames");
    if (width <= 0 || height <= 0 ||
        rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3)
      throw InputError("image: " + std::to_string(rgb.size()) + " bytes for " + std::to_string(width) + "x" +
                       std::to_string(height) + " RGB (expected width * height * 3)");
    image = true;
    faces.emplace(analysis::FaceStream::for_image(engine->face_model()));
    emit_faces(faces->push(rgb.data(), width, height, 0.0));
  }

  void emit_faces(const std::vector<analysis::FaceEvent>& events) const {
    static const std::vector<std::string> kCore = [] {
      std::vector<std::string> l;
      for (std::size_t i = 0; i < vision::kExpressionCount; ++i)
        l.emplace_back(vision::expression_name(static_cast<vision::Expression>(i)));
      return l;
    }();
    for (const analysis::FaceEvent& f : events) {
      Event e;
      e.type = Event::Type::face;
      e.track = f.track;
      e.face = &f.observation;
      e.labels = &kCore;
      emit(e);
    }
  }

  void push_words(const text::Utterance& u) {
    check_open("push_words");
    if (options.transcribe)
      throw InputError("session: transcript words pushed to a session that recognises the speech (transcribe)");
    if (!words) words.emplace(engine->text_models(), "given", options.transcript_name, options.transcript_format);
    words_given = true;
    emit_utterance(words->push(u), *words);
  }

  void warn(const std::string& message) {
    warnings.push_back(message);
    Event e;
    e.type = Event::Type::warning;
    e.message = message;
    emit(e);
  }

  // A given transcript whose times do not fit the media (cut for another file, or an offset) still gives
  // its moments; the user is told. Utterances that start after the media ends, or none of them during speech.
  void check_transcript_times(const AnalysisResult& r) {
    const double end = r.input.duration_s;
    std::size_t timed = 0, after = 0, on_speech = 0;
    for (const analysis::TextUtterance& u : r.text->utterances) {
      if (u.start < 0) continue;
      ++timed;
      if (end > 0 && u.start > end + 1.0) ++after;
      if (r.speech)
        for (const analysis::SpeechSegment& g : r.speech->segments)
          if (std::min(u.end, g.end) > std::max(u.start, g.start)) {
            ++on_speech;
            break;
          }
    }
    if (after > 0)
      warn(std::to_string(after) + " of the transcript's " + std::to_string(timed) + " timed utterances start after the media ends (" +
           seconds(end) + "): its times may not belong to this media");
    else if (timed >= 3 && on_speech == 0 && r.speech && !r.speech->segments.empty())
      warn("none of the transcript's " + std::to_string(timed) + " timed utterances overlaps the speech found: its times may not belong to this media");
  }

  AnalysisResult finish() {
    check_open("finish");
    AnalysisResult r;
    r.input.path = options.input_name;
    r.input.kind = source.kind.empty() ? options.input_kind : source.kind;
    r.input.channels = source.channels > 0 ? source.channels : channels;
    r.input.source_sample_rate = source.sample_rate > 0 ? source.sample_rate : rate;
    r.input.duration_s = rate > 0 ? static_cast<double>(audio_frames) / rate : source.duration_s;
    // Warnings found along the way come first, in the order they were found.
    std::vector<std::string> found = std::move(warnings);
    warnings.clear();
    if (faces) {
      r.faces = faces->result();
      r.faces->frames_skipped = source.frames_skipped;
      if (r.faces->frame_width == 0) {
        r.faces->frame_width = source.frame_width;
        r.faces->frame_height = source.frame_height;
      }
      if (source.frames_skipped > 0) warn(std::to_string(source.frames_skipped) + " corrupt video frame(s) skipped");
    }
    if (speech) {
      resampled.clear();
      resampler->finish(resampled);
      handle(speech->push(resampled));
      handle(speech->close());
      r.speech = speech->result();
      r.speech->model_path = engine->speech_model_path();
      if (r.speech->status == "no_speech")
        warn("no speech found (silence, noise, or shorter than the minimum segment of " +
             seconds(options.min_segment_s) + ")");
      std::size_t short_segments = 0, uncertain = 0;
      for (const analysis::SpeechSegment& s : r.speech->segments) {
        short_segments += s.end - s.start < options.min_emotion_s ? 1 : 0;
        uncertain += s.uncertain ? 1 : 0;
      }
      if (short_segments > 0)
        warn(std::to_string(short_segments) + " speech segment(s) shorter than " + seconds(options.min_emotion_s) +
             ": too short for an emotion, marked uncertain");
      if (uncertain > 0 && uncertain == r.speech->segments.size())
        warn("every speech segment is uncertain (top probability below " + probability(options.min_confidence) +
             " or too short): no emotion is reported for the speech");
    }
    if (words) {
      r.text = words->result(r.speech ? &*r.speech : nullptr);
      if (r.text->model_path.empty()) r.text->model_path = engine->text_model_path();
    } else if (options.transcribe && r.speech && r.speech->status == "ok") {
      r.text = asr_words().result(&*r.speech);
      r.text->model_path = engine->text_model_path();
    }
    if (r.text) {
      if (r.text->language_source == "fallback" && r.text->status == "ok") {
        char line[160];
        std::snprintf(line, sizeof line,
                      "language of the words not recognised (best %s, confidence %.2f); English model used",
                      r.text->language_detected.empty() ? "none" : r.text->language_detected.c_str(),
                      static_cast<double>(r.text->language_confidence));
        warn(line);
      }
      if (r.text->status == "no_text")
        warn(r.text->source == "asr" ? "no words recognised" : "the transcript has no utterance");
      if (r.text->source == "given") check_transcript_times(r);
    }
    // One judgement per person and moment (moments come from whatever is present).
    const analysis::PersonLinks links =
        analysis::link_persons(r.speech ? &*r.speech : nullptr, r.faces ? &*r.faces : nullptr, r.text ? &*r.text : nullptr);
    for (const std::string& w : links.warnings) warn(w);
    analysis::PersonLinks applied = links;
    applied.warnings.clear();
    analysis::apply_person_links(applied, r);
    analysis::MomentOptions mo;
    mo.window_s = options.window_s;
    analysis::build_moments(r, engine->fusion_model(), mo);
    r.models = engine->models_used(r);
    found.insert(found.end(), warnings.begin(), warnings.end());
    r.warnings = std::move(found);
    finished = true;
    return r;
  }
};

Session::Session(std::shared_ptr<const Engine> engine, SessionOptions options, EventCallback on_event)
    : impl_(std::make_unique<Impl>(std::move(engine), std::move(options), std::move(on_event))) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

void Session::push_audio(std::span<const float> samples, int sample_rate, int channels) {
  impl_->push_audio(samples, sample_rate, channels);
}
void Session::push_frame(std::span<const std::uint8_t> rgb, int width, int height, double time_s) {
  impl_->push_frame(rgb, width, height, time_s);
}
void Session::push_image(std::span<const std::uint8_t> rgb, int width, int height) {
  impl_->push_image(rgb, width, height);
}
void Session::push_words(const text::Utterance& utterance) { impl_->push_words(utterance); }
void Session::warn(const std::string& message) {
  impl_->check_open("warn");
  impl_->warn(message);
}
void Session::set_source(const SourceInfo& info) { impl_->source = info; }
AnalysisResult Session::finish() { return impl_->finish(); }
double Session::audio_seconds() const {
  return impl_->rate > 0 ? static_cast<double>(impl_->audio_frames) / impl_->rate : 0.0;
}

std::string event_json(const Event& e) {
  switch (e.type) {
    case Event::Type::segment: return analysis::segment_event(*e.segment, *e.labels);
    case Event::Type::face: return analysis::face_event(e.track, *e.face, *e.labels);
    case Event::Type::utterance: return analysis::utterance_event(*e.utterance, *e.labels, e.multi_label, e.context);
    case Event::Type::moment: return analysis::moment_event(*e.moment);
    case Event::Type::warning: break;
  }
  return analysis::warning_event(e.message);
}

}  // namespace sentio
