// SPDX-License-Identifier: Apache-2.0
#include "frame_source.hpp"

#include <algorithm>
#include <cstdio>
#include <new>

#include "sentio/core/error.hpp"
#include "stream_input.hpp"

namespace sentio::media::detail {
namespace {

// Rule for damaged data. Like the ffmpeg CLI we tolerate a few bad packets (a glitch in a long
// recording should not cost the whole file), but we fail with a clear message instead of returning
// garbage or a silently shortened stream:
//  1. A packet the decoder rejects is skipped and counted; for video, a frame the decoder flags as
//     corrupt is dropped and counted too (VideoReader::skipped_frames()).
//  2. Too many: once at least kMinDamagedToJudge are counted, the stream fails when they exceed
//     kMaxDamagedShare{Audio,Video} of the packets read so far (checked as we go, so a thoroughly
//     broken file fails early).
//  3. Nothing decodes: at the end, damage was counted and not one good frame came out.
//  4. The container itself reports an error other than end of file (a damaged or cut index, an I/O
//     error): reading stops there and it fails, naming the time reached.
//  5. Audio only: the stream ends more than max(kTruncationMinS, kTruncationShare x declared) before
//     the duration its header declares (not a duration guessed from the bit rate). This is how a cut
//     FLAC, or MP3 with a Xing/LAME header, shows up: the decoder itself sees nothing wrong. (A cut
//     WAV or Ogg file cannot be told from a shorter one: FFmpeg derives their length from the file
//     size / last page, so they decode what is there, as with the ffmpeg CLI.)
//  6. When the container format was only guessed (probe score <= AVPROBE_SCORE_RETRY, FFmpeg's
//     "misdetection possible", typical of random bytes read as MP3), a single rejected packet means
//     the file is not media at all. (Not when the caller named the format: raw PCM is never probed.)
// Streams (stdin, pipes, FIFOs) deliver what arrived: a cut stream is normal there (the producer
// stopped or died), so once some data of the stream arrived, 4 and 5 become warnings and decoding
// ends with the audio that arrived; for a WAV, whose length FFmpeg ignores on a pipe, the "data"
// chunk's declared size counts, exactly (to kExactTruncationS). But:
//  7. A stream that ends before a single frame could be decoded fails ("nothing decodable arrived").
// Warnings (never fatal): 4 and 5 on streams, skipped packets (1, 2), and PCM bytes that do not make
// a whole sample frame at the end of the data (cut off before decoding).
constexpr std::int64_t kMinDamagedToJudge = 5;
constexpr double kMaxDamagedShareAudio = 0.10;
constexpr double kMaxDamagedShareVideo = 0.50;
constexpr double kTruncationMinS = 0.25;
constexpr double kTruncationShare = 0.05;
constexpr double kExactTruncationS = 0.001;

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace

FrameSource::FrameSource(const std::string& path, AVMediaType type, const ContainerOptions& options)
    : path_(path), type_(type), container_(open_container(path, options)), format_(container_.format.get()) {
  opened_ = open_best_stream(format_, type, path);
  packet_ = make_packet();
  format_guessed_ = options.input_format.empty() && format_->probe_score <= AVPROBE_SCORE_RETRY;
  const AVStream* st = opened_.stream;
  if (format_->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE && st->duration != AV_NOPTS_VALUE &&
      st->duration > 0) {
    declared_s_ = static_cast<double>(st->duration) * av_q2d(st->time_base);
  } else if (container_.wav_declared_s > 0) {
    declared_s_ = container_.wav_declared_s;
    declared_exact_ = true;
  }
  // Plain PCM (fixed bytes per sample, no packet structure): partial sample frames are cut off here,
  // where they can be counted, instead of by the decoder.
  const AVCodecParameters* par = st->codecpar;
  const int bits = ffmpeg().av_get_exact_bits_per_sample(par->codec_id);
  if (type == AVMEDIA_TYPE_AUDIO && par->codec_id >= AV_CODEC_ID_FIRST_AUDIO &&
      par->codec_id < AV_CODEC_ID_ADPCM_IMA_QT && bits > 0 && bits % 8 == 0)
    pcm_frame_bytes_ = bits / 8 * par->ch_layout.nb_channels;
}

std::string FrameSource::position_text() const {
  if (type_ == AVMEDIA_TYPE_AUDIO) return seconds_text(decoded_s_) + " of audio";
  return std::to_string(frames_) + " video frames";
}

std::string FrameSource::describe_damage() const {
  return std::to_string(damaged_) + " of " + std::to_string(packets_) + " packets damaged, last error: " +
         av_error_text(last_error_);
}

// FFmpeg refuses single allocations above its limit (av_max_alloc, 2 GiB) with ENOMEM; while demuxing or
// decoding that comes from damaged data declaring a huge packet or frame, so it is the input's fault.
void FrameSource::throw_too_much_memory() const {
  throw_input_error(path_, "damaged data after " + position_text() + ": it asks for more memory than allowed");
}

void FrameSource::note_damage(int err) {
  ++damaged_;
  last_error_ = err;
  const char* word = type_ == AVMEDIA_TYPE_AUDIO ? "audio" : "video";
  if (format_guessed_) throw_input_error(path_, "not a media file (format not recognised)");
  const double share = type_ == AVMEDIA_TYPE_AUDIO ? kMaxDamagedShareAudio : kMaxDamagedShareVideo;
  if (damaged_ >= kMinDamagedToJudge && static_cast<double>(damaged_) > share * static_cast<double>(packets_))
    throw_input_error(path_, std::string("corrupt ") + word + " data (" + describe_damage() + ")");
}

void FrameSource::feed_decoder() {
  AVCodecContext* codec = opened_.codec.get();
  int retries = 0;
  while (!demux_done_) {
    const int r = ffmpeg().av_read_frame(format_, packet_.get());
    if (r == AVERROR_EOF) {
      demux_done_ = true;
      break;
    }
    if (r == AVERROR(EAGAIN) && ++retries < 1000) continue;
    if (r == AVERROR(ENOMEM)) throw_too_much_memory();
    if (r < 0 && streaming() && packets_ > 0) {  // rule 4 on a stream: keep what arrived
      early_end_error_ = r;
      demux_done_ = true;
      break;
    }
    if (r < 0)
      throw_input_error(path_, std::string("damaged or truncated ") + format_->iformat->name + " data after " +
                                   position_text() + " (" + av_error_text(r) + ")");
    retries = 0;
    if (packet_->stream_index != opened_.index) {
      ffmpeg().av_packet_unref(packet_.get());
      continue;
    }
    ++packets_;
    // The demuxer already knows this one is bad. (Not for plain PCM: there the flag only means the
    // read came up short, e.g. the end of a WAV on a pipe, and every whole sample frame is good.)
    if ((packet_->flags & AV_PKT_FLAG_CORRUPT) && pcm_frame_bytes_ == 0) {
      ffmpeg().av_packet_unref(packet_.get());
      note_damage(AVERROR_INVALIDDATA);
      continue;
    }
    if (pcm_frame_bytes_ > 0 && !trim_partial_sample()) {
      ffmpeg().av_packet_unref(packet_.get());
      continue;
    }
    const int sent = ffmpeg().avcodec_send_packet(codec, packet_.get());
    ffmpeg().av_packet_unref(packet_.get());
    if (sent == 0) return;
    if (sent == AVERROR(ENOMEM)) throw_too_much_memory();
    note_damage(sent);  // rejected: skip it and read the next packet
  }
  if (!flush_sent_) {
    flush_sent_ = true;
    ffmpeg().avcodec_send_packet(codec, nullptr);  // enter draining mode; the decoder then returns its tail
  }
}

bool FrameSource::trim_partial_sample() {
  const int partial = packet_->size % pcm_frame_bytes_;
  if (partial == 0) return true;
  trailing_bytes_ += partial;
  packet_->size -= partial;
  return packet_->size > 0;
}

bool FrameSource::next(AVFrame* out) {
  if (ended_) return false;
  AVCodecContext* codec = opened_.codec.get();
  for (;;) {
    ffmpeg().av_frame_unref(out);
    const int r = ffmpeg().avcodec_receive_frame(codec, out);
    if (r == 0) {
      if (type_ == AVMEDIA_TYPE_VIDEO && ((out->flags & AV_FRAME_FLAG_CORRUPT) || out->decode_error_flags)) {
        note_damage(AVERROR_INVALIDDATA);
        continue;
      }
      if (type_ == AVMEDIA_TYPE_AUDIO && out->sample_rate > 0)
        decoded_s_ += static_cast<double>(out->nb_samples) / out->sample_rate;
      ++frames_;
      return true;
    }
    if (r == AVERROR(EAGAIN)) {
      if (flush_sent_) {  // a decoder must not ask for more input while draining; treat as its end
        check_end_of_stream();
        return false;
      }
      feed_decoder();
      continue;
    }
    if (r == AVERROR_EOF) {
      check_end_of_stream();
      return false;
    }
    if (r == AVERROR(ENOMEM)) throw_too_much_memory();
    note_damage(r);  // the decoder failed on a frame; it stays usable for the next one
  }
}

void FrameSource::check_end_of_stream() {
  ended_ = true;
  const char* word = type_ == AVMEDIA_TYPE_AUDIO ? "audio" : "video";
  const std::string quoted = "'" + path_ + "': ";
  if (frames_ == 0 && damaged_ > 0)
    throw_input_error(path_, std::string("corrupt ") + word + " data: nothing could be decoded (" +
                                 describe_damage() + ")");
  if (streaming() && frames_ == 0)  // rule 7
    throw_input_error(path_, std::string("the input ended before any ") + word + " could be decoded (" +
                                 std::to_string(container_.input->bytes_read()) + " bytes arrived" +
                                 (trailing_bytes_ > 0 ? ", less than one sample frame" : "") +
                                 (early_end_error_ != 0 ? ", then " + av_error_text(early_end_error_) : "") + ")");
  if (early_end_error_ != 0)
    warnings_.push_back(quoted + "input ended with an error after " + position_text() + " (" +
                        av_error_text(early_end_error_) + ")");
  if (type_ == AVMEDIA_TYPE_AUDIO && declared_s_ > 0) {  // rule 5
    const double tolerance =
        declared_exact_ ? kExactTruncationS : std::max(kTruncationMinS, kTruncationShare * declared_s_);
    if (declared_s_ - decoded_s_ > tolerance) {
      if (!streaming())
        throw_input_error(path_, "truncated or corrupt: only " + seconds_text(decoded_s_) +
                                     " of audio could be decoded, its header declares " + seconds_text(declared_s_));
      warnings_.push_back(quoted + "input ended after " + seconds_text(decoded_s_) + " of the " +
                          seconds_text(declared_s_) + " its header declares");
    }
  }
  if (trailing_bytes_ > 0)
    warnings_.push_back(quoted + "trailing " + std::to_string(trailing_bytes_) + " byte" +
                        (trailing_bytes_ == 1 ? "" : "s") + " (a partial sample) ignored");
  if (damaged_ > 0)
    warnings_.push_back(quoted + std::to_string(damaged_) + " damaged " + word + " packet" + (damaged_ == 1 ? "" : "s") +
                        " skipped (" + describe_damage() + ")");
}

}  // namespace sentio::media::detail
