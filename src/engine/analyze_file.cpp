// SPDX-License-Identifier: Apache-2.0
// analyze_file: decode an input and push it into a Session.
#include "sentio/engine/analyze.hpp"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/media/frame_prefetch.hpp"
#include "sentio/media/video_reader.hpp"
#include "sentio/pipeline/inputs.hpp"
#include "sentio/text/transcript.hpp"
#include "sentio/vision/face_model.hpp"

namespace sentio {

namespace {

// Audio handed to the session per push: long blocks for files (the speech segments closed in a block are
// analysed in parallel), ~0.1 s for standard input (results come out as soon as the audio arrives).
constexpr double kFileBlockS = 30.0;
constexpr double kStreamBlockS = 0.1;
// Frames decoded ahead of the face analysis.
constexpr std::size_t kPrefetchFrames = 8;

// An input longer than --max-duration: fails the input at once (not caught as "faces/speech not analysed").
class TooLong : public InputError {
 public:
  using InputError::InputError;
};

// Throws TooLong when `seconds` (declared or decoded so far) exceeds the limit.
void check_duration(const std::string& path, const AnalyzeOptions& o, double seconds, bool declared) {
  if (o.max_duration_s <= 0 || !(seconds > o.max_duration_s)) return;
  const auto text = [](double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", s);
    std::string t = buf;
    if (t.ends_with(".0")) t.resize(t.size() - 2);
    return t;
  };
  throw TooLong("'" + path + "': " + (declared ? "declares " + text(seconds) + " s" : "goes on beyond the limit") +
                ", more than the maximum duration of " + text(o.max_duration_s) + " s (--max-duration)");
}

void report(const AnalyzeOptions& o, const char* stage, double done, double total, bool finished = false) {
  if (o.progress) o.progress({stage, done, total, finished});
}

void push_transcript(Session& session, const text::Transcript& t) {
  for (const std::string& w : t.warnings) session.warn(w);
  for (const text::Utterance& u : t.utterances) session.push_words(u);
}

// Frames of a video at the session's rate. Returns false (with `error`) when the file has no readable video.
bool push_video(Session& session, const std::string& path, const AnalyzeOptions& o, Executor& executor,
                Session::SourceInfo& source, std::string& error) {
  try {
    media::VideoReadOptions read;
    read.fps = o.session.fps;
    media::VideoReader reader(path, read);
    const media::VideoInfo& info = reader.info();
    source.frame_width = info.width;
    source.frame_height = info.height;
    source.duration_s = info.duration_s;
    check_duration(path, o, info.duration_s, true);
    std::optional<media::FramePrefetcher> prefetch;
    if (executor.concurrency() >= 2) prefetch.emplace(reader, kPrefetchFrames);
    media::VideoFrame frame;
    report(o, "faces", 0, info.duration_s);
    while (prefetch ? prefetch->next(frame) : reader.next(frame)) {
      check_duration(path, o, frame.time_s, false);
      session.push_frame(frame.rgb, frame.width, frame.height, frame.time_s);
      report(o, "faces", frame.time_s, info.duration_s);
    }
    source.frames_skipped = reader.skipped_frames();
    report(o, "faces", info.duration_s, info.duration_s, true);
    return true;
  } catch (const TooLong&) {
    throw;
  } catch (const InputError& e) {
    error = e.what();
    return false;
  }
}

// The audio of an input at its own rate and channel count. Returns false (with `error`) when the input has
// no decodable audio; a stream that breaks off after some audio keeps that audio, with a warning.
bool push_audio(Session& session, const std::string& path, const AnalyzeOptions& o, Session::SourceInfo& source,
                std::string& error) {
  std::optional<media::AudioDecoder> decoder;
  media::AudioDecodeOptions d;
  d.sample_rate = 0;  // the source's own
  d.channel = media::kAllChannels;
  d.input_format = o.input_format;
  d.raw_sample_rate = o.input_rate;
  d.raw_channels = o.input_channels;
  try {
    decoder.emplace(path, d);
  } catch (const InputError& e) {
    error = e.what();
    return false;
  }
  const media::AudioInfo& info = decoder->info();
  check_duration(path, o, info.duration_s, true);
  source.channels = info.source_channels;
  source.sample_rate = info.source_sample_rate;
  const bool live = path == "-" || path.starts_with("pipe:");
  const int channels = std::max(1, info.channels);
  const auto frames_per_block =
      static_cast<std::size_t>((live ? kStreamBlockS : kFileBlockS) * std::max(1, info.sample_rate));
  std::vector<float> block(frames_per_block * static_cast<std::size_t>(channels));
  double done = 0;
  report(o, "speech", 0, info.duration_s);
  try {
    for (;;) {
      const std::size_t n = decoder->read(block);
      if (n == 0) break;
      session.push_audio(std::span<const float>(block.data(), n), info.sample_rate, channels);
      done = session.audio_seconds();
      report(o, "speech", done, info.duration_s);
      check_duration(path, o, done, false);
    }
  } catch (const TooLong&) {
    throw;
  } catch (const InputError& e) {
    if (session.audio_seconds() <= 0) {
      error = e.what();
      return false;
    }
    session.warn("audio ends early (after " + std::to_string(session.audio_seconds()) + " s): " + e.what());
  }
  for (const std::string& w : decoder->warnings()) session.warn(w);
  report(o, "speech", done, done, true);
  return true;
}

text::TranscriptOptions transcript_options(const AnalyzeOptions& options) {
  text::TranscriptOptions t;
  t.speaker_prefixes = options.speaker_prefixes;
  return t;
}

}  // namespace

InputKind classify_input(const std::string& path) {
  if (path == "-" || path.starts_with("pipe:")) return InputKind::audio;
  if (std::filesystem::path(path).extension() == ".txt" || std::filesystem::path(path).extension() == ".TXT")
    return InputKind::transcript;  // a plain-text transcript (list files are *.lst or @FILE)
  switch (pipeline::media_kind_from_extension(path)) {
    case pipeline::MediaKind::subtitles: return InputKind::transcript;
    case pipeline::MediaKind::image: return InputKind::image;
    case pipeline::MediaKind::audio: return InputKind::audio;
    default: return InputKind::video;
  }
}

AnalysisResult analyze_file(std::shared_ptr<const Engine> engine, const std::string& path,
                            const AnalyzeOptions& options) {
  SENTIO_ASSERT(engine != nullptr);
  const InputKind kind = options.transcript_only ? InputKind::transcript : classify_input(path);
  SessionOptions so = options.session;
  so.input_name = path;
  if (kind == InputKind::transcript) {
    const text::Transcript t = text::read_transcript(path, transcript_options(options));
    so.input_kind = "transcript";
    so.transcribe = false;
    so.transcript_name = path;
    so.transcript_format = t.format;
    Session session(engine, so, options.on_event);
    push_transcript(session, t);
    return session.finish();
  }
  if (kind == InputKind::image) {
    so.input_kind = "image";
    so.transcribe = false;
    const vision::Image image = vision::load_image(path);
    std::vector<std::uint8_t> rgb = image.pixels;
    if (image.channels == 1) {
      rgb.resize(image.pixels.size() * 3);
      for (std::size_t i = 0; i < image.pixels.size(); ++i) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = image.pixels[i];
    }
    Session session(engine, so, options.on_event);
    try {
      session.push_image(rgb, image.width, image.height);
    } catch (const InputError& e) {
      throw with_context("'" + path + "'", e);
    }
    return session.finish();
  }
  // A transcript given with the recording replaces speech recognition; it is read before any decoding so
  // that a bad transcript fails the input at once.
  std::optional<text::Transcript> transcript;
  if (!options.transcript.empty()) {
    transcript = text::read_transcript(options.transcript, transcript_options(options));
    so.transcribe = false;
    so.transcript_name = options.transcript;
    so.transcript_format = transcript->format;
  }
  so.input_kind = kind == InputKind::video ? "video" : "audio";
  Session session(engine, so, options.on_event);
  Session::SourceInfo source;
  std::string faces_error, speech_error;
  const bool faces = kind == InputKind::video && push_video(session, path, options, engine->executor(), source, faces_error);
  const bool speech = push_audio(session, path, options, source, speech_error);
  if (!faces && !speech) throw InputError(!faces_error.empty() ? faces_error : speech_error);
  if (kind == InputKind::video && !faces) {
    source.kind = "audio";
    session.warn("faces not analysed: " + faces_error);
  }
  if (!speech) session.warn("speech not analysed: " + speech_error);
  session.set_source(source);
  if (transcript) push_transcript(session, *transcript);
  return session.finish();
}

}  // namespace sentio
