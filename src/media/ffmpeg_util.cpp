// SPDX-License-Identifier: Apache-2.0
#include "ffmpeg_util.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <new>
#include <system_error>
#include <vector>

#include "sentio/core/error.hpp"
#include "stream_input.hpp"

namespace sentio::media::detail {
namespace {

// Only the local "file" protocol: a path is never interpreted as a URL (http:, concat:, ...), and a
// playlist inside a local file cannot make FFmpeg reach the network.
constexpr const char* kProtocolWhitelist = "file";

// Streams: bytes FFmpeg may read, and microseconds of media it may analyse, to find the stream
// parameters (defaults 5 MB / 5 s would hold back the first samples of a live source), and packets
// it may read while waiting for a first timestamp (default 50: raw PCM has none, so it would read
// 64 KiB). Probing the container format itself stops as soon as it is recognised.
constexpr const char* kStreamProbeSize = "65536";
constexpr const char* kStreamAnalyzeDuration = "500000";
constexpr const char* kStreamMaxTsProbe = "1";

// "file:" + path so that a file name with a colon ("take:1.wav") is not taken for a protocol.
std::string file_url(const std::string& path) { return "file:" + path; }

const char* media_type_word(AVMediaType type) {
  switch (type) {
    case AVMEDIA_TYPE_AUDIO: return "audio";
    case AVMEDIA_TYPE_VIDEO: return "video";
    default: return "media";
  }
}

// After avformat_open_input failed: tell a file whose format FFmpeg recognises from its content
// (not its name) but cannot parse (damaged, truncated) from a file that is not media at all.
std::string explain_unreadable(const std::string& path, int err) {
  const std::string url = file_url(path);
  AVDictionary* opts = nullptr;
  ffmpeg().av_dict_set(&opts, "protocol_whitelist", kProtocolWhitelist, 0);
  AVIOContext* pb = nullptr;
  const int opened = ffmpeg().avio_open2(&pb, url.c_str(), AVIO_FLAG_READ, nullptr, &opts);
  ffmpeg().av_dict_free(&opts);
  if (opened >= 0) {
    const AVInputFormat* guess = nullptr;
    const int score = ffmpeg().av_probe_input_buffer2(pb, &guess, "", nullptr, 0, 0);  // "": ignore the extension
    ffmpeg().avio_closep(&pb);
    if (score > AVPROBE_SCORE_RETRY && guess != nullptr)
      return std::string("damaged or truncated ") + guess->name + " file (" + av_error_text(err) + ")";
  }
  return "not a media file (format not recognised)";
}

// FFmpeg refuses allocations above its limit with ENOMEM while it opens an input: most often a damaged header
// declaring huge sizes, so an input error rather than the process running out of memory.
constexpr const char* kTooMuchMemory = "cannot be opened: it asks for more memory than allowed (a damaged header?)";

[[noreturn]] void throw_open_failure(const std::string& path, int err) {
  if (err == AVERROR(ENOENT)) throw_input_error(path, "file not found");
  if (err == AVERROR(EACCES) || err == AVERROR(EPERM)) throw_input_error(path, "permission denied");
  if (err == AVERROR(ENOMEM)) throw_input_error(path, kTooMuchMemory);
  if (err == AVERROR(EIO)) throw_input_error(path, "read error (" + av_error_text(err) + ")");
  throw_input_error(path, explain_unreadable(path, err));
}

// Picks a video stream that is not an attached cover picture (av_find_best_stream does not skip those).
int find_moving_video_stream(AVFormatContext* format, const AVCodec** decoder) {
  int best = ffmpeg().av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, decoder, 0);
  if (best < 0 || !(format->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC)) return best;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    const AVStream* st = format->streams[i];
    if (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO || (st->disposition & AV_DISPOSITION_ATTACHED_PIC)) continue;
    if (const AVCodec* dec = ffmpeg().avcodec_find_decoder(st->codecpar->codec_id)) {
      *decoder = dec;
      return static_cast<int>(i);
    }
  }
  return AVERROR_STREAM_NOT_FOUND;
}

}  // namespace

PacketPtr make_packet() {
  PacketPtr p(ffmpeg().av_packet_alloc());
  if (!p) throw std::bad_alloc();
  return p;
}

FramePtr make_frame() {
  FramePtr f(ffmpeg().av_frame_alloc());
  if (!f) throw std::bad_alloc();
  return f;
}

std::string av_error_text(int errnum) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> buf{};
  if (ffmpeg().av_strerror(errnum, buf.data(), buf.size()) < 0) return "error " + std::to_string(errnum);
  std::string text(buf.data());
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

void throw_input_error(const std::string& path, const std::string& cause) {
  throw InputError("'" + path + "': " + cause);
}

OpenedContainer::OpenedContainer() = default;
OpenedContainer::OpenedContainer(OpenedContainer&&) noexcept = default;
OpenedContainer& OpenedContainer::operator=(OpenedContainer&&) noexcept = default;
OpenedContainer::~OpenedContainer() {
  format.reset();  // before the StreamInput its pb points into
  input.reset();
}

namespace {

// Channel layout option for FFmpeg's raw PCM demuxers: mono and stereo by name, otherwise N channels
// in unspecified order.
std::string raw_layout_name(int channels) {
  if (channels == 1) return "mono";
  if (channels == 2) return "stereo";
  return std::to_string(channels) + " channels";
}

void check_regular_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) throw_input_error(path, "file not found");
  if (ec) throw_input_error(path, "cannot access the file (" + ec.message() + ")");
  if (fs::is_directory(status)) throw_input_error(path, "is a directory, not a media file");
  if (fs::is_regular_file(status)) {
    const auto size = fs::file_size(path, ec);
    if (!ec && size == 0) throw_input_error(path, "file is empty");
  }
}

// After avformat_open_input failed on a stream (which cannot be read again): guess its format from
// the bytes that arrived, as explain_unreadable does for files.
[[noreturn]] void throw_stream_open_failure(const std::string& path, const StreamInput& input, int err) {
  if (err == AVERROR(ENOMEM)) throw_input_error(path, kTooMuchMemory);
  if (input.bytes_read() == 0) throw_input_error(path, "no data arrived (the input is empty)");
  if (err != AVERROR_EOF && err != AVERROR_INVALIDDATA && err < 0 && err > -4096)  // an errno from read()
    throw_input_error(path, "read error (" + av_error_text(err) + ")");
  std::vector<std::uint8_t> padded(input.head().begin(), input.head().end());
  padded.resize(padded.size() + AVPROBE_PADDING_SIZE, 0);
  AVProbeData probe{};
  probe.filename = "";
  probe.buf = padded.data();
  probe.buf_size = static_cast<int>(input.head().size());
  int score = 0;
  const AVInputFormat* guess = ffmpeg().av_probe_input_format3(&probe, 1, &score);
  if (guess != nullptr && score > AVPROBE_SCORE_RETRY)
    throw_input_error(path, std::string("damaged or truncated ") + guess->name + " data (" + av_error_text(err) + ")");
  throw_input_error(path, "not media data (format not recognised)");
}

}  // namespace

OpenedContainer open_container(const std::string& path, const ContainerOptions& options) {
  OpenedContainer out;
  const bool stream = StreamInput::is_stream(path);
  if (stream)
    out.input = std::make_unique<StreamInput>(path);
  else
    check_regular_path(path);

  AVDictionary* opts = nullptr;
  ffmpeg().av_dict_set(&opts, "protocol_whitelist", kProtocolWhitelist, 0);
  const AVInputFormat* forced = nullptr;
  if (!options.input_format.empty()) {
    forced = ffmpeg().av_find_input_format(options.input_format.c_str());
    SENTIO_ASSERT(forced != nullptr);  // callers pass a validated raw format name
    ffmpeg().av_dict_set_int(&opts, "sample_rate", options.raw_sample_rate, 0);
    ffmpeg().av_dict_set(&opts, "ch_layout", raw_layout_name(options.raw_channels).c_str(), 0);
  }
  AVFormatContext* raw = ffmpeg().avformat_alloc_context();
  if (!raw) {
    ffmpeg().av_dict_free(&opts);
    throw std::bad_alloc();
  }
  std::string url = file_url(path);
  if (stream && forced == nullptr) {
    if (const auto wav = out.input->sniff_pcm_wav()) {
      forced = ffmpeg().av_find_input_format(wav->raw_format.c_str());
      SENTIO_ASSERT(forced != nullptr);
      ffmpeg().av_dict_set_int(&opts, "sample_rate", wav->sample_rate, 0);
      ffmpeg().av_dict_set(&opts, "ch_layout", raw_layout_name(wav->channels).c_str(), 0);
      out.name = "wav";
      if (wav->data_bytes > 0)
        out.wav_declared_s = static_cast<double>(wav->data_bytes / wav->frame_bytes) / wav->sample_rate;
    }
  }
  if (stream) {
    raw->pb = out.input->io();
    raw->flags |= AVFMT_FLAG_CUSTOM_IO;
    url = "";  // no file name: its extension must not steer probing
    ffmpeg().av_dict_set(&opts, "probesize", kStreamProbeSize, 0);
    ffmpeg().av_dict_set(&opts, "analyzeduration", kStreamAnalyzeDuration, 0);
    ffmpeg().av_dict_set(&opts, "max_ts_probe", kStreamMaxTsProbe, 0);
  }
  const int opened = ffmpeg().avformat_open_input(&raw, url.c_str(), forced, &opts);
  ffmpeg().av_dict_free(&opts);
  if (opened < 0) {  // FFmpeg frees `raw` itself on failure
    if (stream) throw_stream_open_failure(path, *out.input, opened);
    throw_open_failure(path, opened);
  }
  out.format.reset(raw);
  if (out.name.empty()) out.name = out.format->iformat->name;
  // FFmpeg's "tty" demuxer renders any .txt/.nfo/... file as ANSI-art video; for us it is text.
  if (std::string(out.format->iformat->name) == "tty") throw_input_error(path, "is a text file, not a media file");

  const int found = ffmpeg().avformat_find_stream_info(out.format.get(), nullptr);
  if (found == AVERROR(ENOMEM)) throw_input_error(path, kTooMuchMemory);
  if (found < 0)
    throw_input_error(path, std::string("damaged ") + out.format->iformat->name +
                                (stream ? " data" : " file") + ": cannot read its stream information (" +
                                av_error_text(found) + ")");
  return out;
}

OpenedStream open_best_stream(AVFormatContext* format, AVMediaType type, const std::string& path) {
  const std::string word = media_type_word(type);
  const AVCodec* decoder = nullptr;
  const int index = type == AVMEDIA_TYPE_VIDEO ? find_moving_video_stream(format, &decoder)
                                               : ffmpeg().av_find_best_stream(format, type, -1, -1, &decoder, 0);
  if (index == AVERROR_DECODER_NOT_FOUND) {
    std::string codec = "unknown";
    for (unsigned i = 0; i < format->nb_streams; ++i)
      if (format->streams[i]->codecpar->codec_type == type) {
        codec = ffmpeg().avcodec_get_name(format->streams[i]->codecpar->codec_id);
        break;
      }
    throw_input_error(path, word + " codec '" + codec + "' is not supported by this FFmpeg build");
  }
  if (index < 0 || decoder == nullptr) throw_input_error(path, "has no " + word + " stream");

  OpenedStream out;
  out.index = index;
  out.stream = format->streams[index];
  for (unsigned i = 0; i < format->nb_streams; ++i)
    if (static_cast<int>(i) != index) format->streams[i]->discard = AVDISCARD_ALL;

  out.codec.reset(ffmpeg().avcodec_alloc_context3(decoder));
  if (!out.codec) throw std::bad_alloc();
  const std::string codec_name = ffmpeg().avcodec_get_name(out.stream->codecpar->codec_id);
  int r = ffmpeg().avcodec_parameters_to_context(out.codec.get(), out.stream->codecpar);
  if (r >= 0) {
    out.codec->pkt_timebase = out.stream->time_base;
    out.codec->thread_count = 1;  // threads are the caller's business (pipeline-level parallelism)
    r = ffmpeg().avcodec_open2(out.codec.get(), decoder, nullptr);
  }
  if (r == AVERROR(ENOMEM)) throw_input_error(path, kTooMuchMemory);
  if (r < 0)
    throw_input_error(path, "cannot decode its " + word + " stream (codec " + codec_name + ": " + av_error_text(r) + ")");
  return out;
}

double stream_duration_s(const AVFormatContext* format, const AVStream* stream) {
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0)
    return static_cast<double>(stream->duration) * av_q2d(stream->time_base);
  if (format->duration != AV_NOPTS_VALUE && format->duration > 0)
    return static_cast<double>(format->duration) / AV_TIME_BASE;
  return 0.0;
}

}  // namespace sentio::media::detail
