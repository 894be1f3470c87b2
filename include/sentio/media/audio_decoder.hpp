// SPDX-License-Identifier: Apache-2.0
#pragma once
// Decodes the audio of any file or stream FFmpeg's libraries can read to float PCM, streamed in
// bounded chunks (memory does not grow with input length): at a requested rate or the input's own,
// as the mix of all channels (default), one chosen channel (e.g. one speaker per channel of a stereo
// call) or all channels interleaved. Inputs: a file path; "-" for standard input; "pipe:N" for an
// inherited file descriptor N; FIFOs and character devices by path; raw PCM when its format is named.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sentio/media/channels.hpp"

namespace sentio::media {

struct AudioInfo {
  std::string path;
  std::string container;      // e.g. "wav", "flac", "mov,mp4,m4a,3gp,3g2,mj2", "s16le" (raw)
  std::string codec;          // e.g. "pcm_s16le", "flac", "aac"
  int source_sample_rate = 0;
  int source_channels = 0;
  double duration_s = 0;      // declared by the container or header; 0 if unknown (e.g. a live stream)
  int sample_rate = 0;        // the output rate
  int channels = 1;           // the output channel count: 1, or the input's for kAllChannels
};

// How to decode. The defaults of the members after `channel` mean "probe the input".
struct AudioDecodeOptions {
  // Output rate in Hz (1..kMaxSampleRate), or 0 for the input's own: the rate of the first decoded
  // frame. In that native mode the first frame also fixes the output layout (kAllChannels); later
  // frames in another rate or layout (chained Ogg, an AAC reconfiguration) are converted to it, so the
  // output format never changes mid-stream.
  int sample_rate = 0;
  // kMixChannels (the mean of all channels), a channel index (InputError when the input has fewer
  // channels), or kAllChannels (every channel, interleaved). With kAllChannels, a later frame with
  // another layout is mapped to the first one's: position by position for the same channel count,
  // the mean into a mono output, a mono frame copied to every channel, else libswresample's default
  // remix.
  int channel = kMixChannels;
  // "" = detect the container. Raw PCM, little-endian interleaved: "s16le", "s32le", "f32le", "f64le"
  // or "u8"; then raw_sample_rate (kMinSampleRate..kMaxSampleRate Hz) and raw_channels (1..kMaxChannels) are
  // required. Anything else, or raw_* without a raw format, is an InputError.
  std::string input_format;
  int raw_sample_rate = 0;
  int raw_channels = 0;
};

// Errors: every failure throws sentio::InputError whose message names the input ('path', or '-' for
// standard input) and the cause (missing file, empty file or input, not media, no audio stream,
// corrupt or truncated data, bad options). Only a stream that ends before any audio could be decoded
// fails for being short: a cut stream (standard input, pipe, FIFO) gives the audio that arrived and a
// warning, and so does a 16-bit PCM WAV file shorter than its header declares (its samples are intact).
// A 16-bit PCM WAV file read at its own rate (mono, one channel or all) is decoded without FFmpeg,
// bit-identically.
//
// Streams: the container is recognised from its first bytes and the stream information read with a
// small probe (64 KiB / 0.5 s) so that a live source (e.g. `ffmpeg -f pulse -i default -f wav - |`)
// starts quickly, and read() returns as soon as the requested span is filled: it waits for at most
// one demuxer packet beyond it (1024 sample frames for a WAV or raw PCM, 64 ms at 16 kHz), never
// reads seconds ahead. (A PCM WAV on a stream is read as raw PCM after its header, whose declared
// data size then bounds the input; S/PDIF-wrapped AC-3/DTS in a WAV is not detected on a stream.
// Formats whose FFmpeg parser looks ahead, e.g. FLAC, or Ogg with its pages, can wait about a second
// of data before the first samples.)
class AudioDecoder {
 public:
  // Legacy form, unchanged output (eGeMAPS parity depends on it): mono mix or one channel at
  // `sample_rate` Hz (> 0); also accepts kAllChannels.
  AudioDecoder(const std::string& path, int sample_rate, int channel = kMixChannels);
  // In native mode (sample_rate 0) or with kAllChannels the first frame is decoded here, to fill
  // info().sample_rate and info().channels (on a stream, this waits for the first audio). An input
  // without any audio frame reports the rate and channels its header declares.
  AudioDecoder(const std::string& path, const AudioDecodeOptions& options);
  ~AudioDecoder();
  AudioDecoder(AudioDecoder&&) noexcept;
  AudioDecoder& operator=(AudioDecoder&&) noexcept;
  AudioDecoder(const AudioDecoder&) = delete;
  AudioDecoder& operator=(const AudioDecoder&) = delete;

  const AudioInfo& info() const;
  // Fills `out` with up to out.size() samples (float in [-1, 1)) and returns how many were written;
  // 0 means end of stream (or an empty `out`). With info().channels == C > 1 (kAllChannels) the
  // samples are interleaved frame by frame, and read() fills whole frames only: it returns a multiple
  // of C and needs out.size() >= C (or 0; asserted).
  std::size_t read(std::span<float> out);
  // Non-fatal findings, one line each, starting with the quoted input: a stream that ended before the
  // length its header declares or with a read error, trailing bytes that make no whole sample frame,
  // damaged packets that were skipped, and the number of NaN or infinite samples of a float input (read()
  // gives 0 for them). Complete once read() has returned 0; some may appear earlier.
  const std::vector<std::string>& warnings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: the whole file at once (mono mix or one channel at `sample_rate` Hz).
std::vector<float> decode_audio(const std::string& path, int sample_rate, int channel = kMixChannels);

// Raw PCM formats AudioDecodeOptions::input_format accepts, in the order error messages list them.
const std::vector<std::string>& raw_audio_formats();

}  // namespace sentio::media
