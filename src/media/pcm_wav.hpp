// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to sentio_media: the RIFF/WAVE header of plain PCM, parsed by us, and a reader for the
// commonest input of all, a 16-bit PCM WAV file, that needs no FFmpeg. StreamInput uses the header
// to hand a WAV on a pipe to FFmpeg's raw PCM demuxer; AudioDecoder reads a WAV file whose samples
// it can copy (no resampling, no mixing) with PcmWavFile, which gives bit-identical samples to
// FFmpeg's (s / 32768) without loading FFmpeg's libraries at all.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sentio::media::detail {

// A plain PCM WAV header.
struct PcmWav {
  std::string raw_format;       // FFmpeg raw demuxer: "u8", "s16le", "s24le", "s32le", "f32le", "f64le"
  int sample_rate = 0;
  int channels = 0;
  int frame_bytes = 0;          // bytes per sample frame (all channels)
  std::size_t data_offset = 0;  // first byte of the samples
  std::int64_t data_bytes = 0;  // declared size of the "data" chunk; 0 = unknown (read to the end)
};

// Largest header (all chunks before "data") that parse_pcm_wav looks through.
inline constexpr std::size_t kMaxWavHeaderBytes = 64 * 1024;

// Parses a RIFF/WAVE header of plain PCM (integer 8/16/24/32 bit or float 32/64 bit, also as
// WAVE_FORMAT_EXTENSIBLE; 1..kMaxChannels channels, 1..kMaxSampleRate Hz) whose chunks up to "data"
// fit in kMaxWavHeaderBytes. `bytes(n)` returns the input's first n bytes (n <= kMaxWavHeaderBytes),
// or nullptr when the input has fewer; it is called with growing n, so a stream is read no further
// than the header. Anything else (another codec, a damaged or unusual header): nullopt.
std::optional<PcmWav> parse_pcm_wav(const std::function<const std::uint8_t*(std::size_t)>& bytes);

// A regular file holding a 16-bit PCM WAV that declares a whole number of sample frames (at least one
// of them present), at kMinSampleRate..kMaxSampleRate, and which does not look like S/PDIF-wrapped
// AC-3/DTS (FFmpeg decodes those as the compressed stream): the file's header, else nullopt (an
// unreadable or unusual file goes to FFmpeg, whose messages explain it). A file shorter than its
// header declares is accepted: PcmWavFile reads what is there and warns.
std::optional<PcmWav> plain_s16_wav_file(const std::string& path);

// Reads the samples of such a file as float (s / 32768), all channels interleaved or one of them.
class PcmWavFile {
 public:
  // channel: an index < wav.channels, or kAllChannels (also for mono: a mono mix is the one channel).
  // Throws InputError naming `path` when the file cannot be opened.
  PcmWavFile(const std::string& path, const PcmWav& wav, int channel);
  ~PcmWavFile();
  PcmWavFile(const PcmWavFile&) = delete;
  PcmWavFile& operator=(const PcmWavFile&) = delete;

  // Fills `out` with up to out.size() samples (whole output frames); 0 at the end of the data.
  // A read error throws InputError naming the path; a file shorter than its header declares ends
  // early and leaves a warning ("input ended after X s of the Y s its header declares").
  std::size_t read(std::span<float> out);
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::string path_;
  PcmWav wav_;
  int channel_;
  int fd_ = -1;
  std::int64_t frames_left_;
  std::vector<std::int16_t> buffer_;
  std::vector<std::string> warnings_;
};

}  // namespace sentio::media::detail
