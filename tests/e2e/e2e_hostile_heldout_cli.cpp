// SPDX-License-Identifier: Apache-2.0
// End-to-end: a second, held-out set of hostile inputs (issue 16), of the same kinds as the first but none
// of its inputs: the fixes were made on the first set (e2e_hostile_cli, e2e_outputs_cli and the unit
// tests) and the fuzzers; this set checks that they generalise. Every case runs the real command with a
// 20-s deadline and must stay under 2 GiB of resident memory, must never say "internal error", and must
// end with the documented exit status and, for a failure, a line naming the input.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

using sentio::test::sentio_cmd;

constexpr double kDeadlineS = 20;
constexpr long kMaxRssKiB = 2L * 1024 * 1024;

struct Bounded {
  int status = -1;  // exit status; -1 when killed at the deadline or by a signal
  std::string output;
  double seconds = 0;
  long max_rss_kib = 0;
};

// Runs `command` (one program, through `sh -c exec`, so that the rusage is the program's own) with a
// deadline; stdout and stderr captured together.
Bounded run_bounded(const std::string& command) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    const std::string line = "exec " + command;
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  Bounded r;
  bool killed = false;
  char buf[4096];
  for (;;) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > kDeadlineS) {
      ::kill(-pid, SIGKILL);
      killed = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    if (r.output.size() < (8u << 20)) r.output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.max_rss_kib = ru.ru_maxrss;
  r.status = !killed && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// The common checks: in time, in memory, no internal error, the expected status, the input named.
void expect_handled(const Bounded& r, int status, const std::string& named = "") {
  EXPECT_LE(r.seconds, kDeadlineS) << r.output;
  EXPECT_LE(r.max_rss_kib, kMaxRssKiB) << r.output;
  EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output;
  EXPECT_EQ(r.status, status) << r.output;
  if (!named.empty()) {
    EXPECT_NE(r.output.find(named), std::string::npos) << "output should name " << named << ":\n" << r.output;
  }
}

std::string le32(std::uint32_t v) { return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; }
std::string le16(std::uint16_t v) { return {char(v), char(v >> 8)}; }

// A WAV header of `format` (1 PCM, 3 float) with `bits` per sample, declaring `rate` and `data_bytes`,
// followed by `payload` (which may be shorter than declared).
void write_wav(const fs::path& path, std::uint16_t format, std::uint16_t bits, std::uint32_t rate, std::uint32_t data_bytes,
               const std::string& payload) {
  const std::uint16_t block = bits / 8;
  std::ofstream out(path, std::ios::binary);
  out << "RIFF" << le32(36 + data_bytes) << "WAVEfmt " << le32(16) << le16(format) << le16(1) << le32(rate)
      << le32(rate * block) << le16(block) << le16(bits) << "data" << le32(data_bytes) << payload;
}

std::string pcm16_tone(std::size_t n, int rate) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i)
    s += le16(static_cast<std::uint16_t>(static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 200 * static_cast<double>(i) / rate))));
  return s;
}

bool face_models_present() {
  return fs::exists(fs::path(SENTIO_SOURCE_DIR) / ".cache" / "models" / "human" / "emotion.json");
}

}  // namespace

// Declared sample rates just below the minimum and far above the maximum.
TEST(HostileHeldout, SampleRatesOutsideTheAcceptedRange) {
  const fs::path dir = sentio::test::temp_dir();
  write_wav(dir / "rate999.wav", 1, 16, 999, 4000, pcm16_tone(2000, 999));
  write_wav(dir / "rate2g.wav", 1, 16, 2'000'000'000u, 4000, pcm16_tone(2000, 16000));
  for (const char* name : {"rate999.wav", "rate2g.wav"}) {
    SCOPED_TRACE(name);
    expect_handled(run_bounded(sentio_cmd("analyze -q " + q(dir / name) + " -o " + q(dir / "out.json"))), 1, name);
    EXPECT_FALSE(fs::exists(dir / "out.json"));
  }
}

// 64-bit float samples with infinities and NaN: replaced by 0, counted in a warning, finite output.
TEST(HostileHeldout, NonFiniteDoubleSamples) {
  const fs::path dir = sentio::test::temp_dir();
  std::string payload;
  const int rate = 16000;
  for (int i = 0; i < rate * 2; ++i) {
    double v = 0.3 * std::sin(2 * M_PI * 180 * i / rate);
    if (i % 997 == 0) v = (i / 997) % 3 == 0 ? std::numeric_limits<double>::infinity()
                          : (i / 997) % 3 == 1 ? -std::numeric_limits<double>::infinity()
                                               : std::numeric_limits<double>::quiet_NaN();
    payload.append(reinterpret_cast<const char*>(&v), 8);
  }
  write_wav(dir / "f64.wav", 3, 64, rate, static_cast<std::uint32_t>(payload.size()), payload);
  const auto r = run_bounded(sentio_cmd("analyze -q " + q(dir / "f64.wav") + " -o " + q(dir / "f64.json")));
  expect_handled(r, 0);
  std::ifstream in(dir / "f64.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("nan"), std::string::npos);
  const auto j = nlohmann::json::parse(text);
  bool warned = false;
  for (const auto& w : j["warnings"]) warned |= w.get<std::string>().find("replaced by 0") != std::string::npos;
  EXPECT_TRUE(warned) << j["warnings"].dump();
}

// A header declaring 100 MB of samples over 3 KB of them: what is there is analysed, nothing more.
TEST(HostileHeldout, TruncatedWavDecodesWhatIsThere) {
  const fs::path dir = sentio::test::temp_dir();
  write_wav(dir / "cut.wav", 1, 16, 16000, 100'000'000u, pcm16_tone(1500, 16000));
  const auto r = run_bounded(sentio_cmd("analyze -q " + q(dir / "cut.wav") + " -o " + q(dir / "cut.json")));
  expect_handled(r, 0);
  const auto j = nlohmann::json::parse(std::ifstream(dir / "cut.json"));
  EXPECT_LT(j["input"]["duration_s"].get<double>(), 1.0);
}

// Transcripts built to make parsing quadratic: 3 MB of entities in one WebVTT cue, 60,000 SRT blocks
// without timing lines, and a JSON transcript whose times overflow a double.
TEST(HostileHeldout, TranscriptsOfPathologicalShape) {
  const fs::path dir = sentio::test::temp_dir();
  {
    std::ofstream vtt(dir / "entities.vtt");
    vtt << "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n";
    for (int i = 0; i < 300'000; ++i) vtt << "&lt;&amp;";
    vtt << " I am furious\n\n00:00:02.000 --> 00:00:03.000\nfine\n";
  }
  expect_handled(run_bounded(sentio_cmd("analyze -q " + q(dir / "entities.vtt") + " -o " + q(dir / "e.json"))), 0);
  {
    std::ofstream srt(dir / "untimed.srt");
    for (int i = 1; i <= 60'000; ++i) srt << i << "\nno timing line here " << i << "\n\n";
  }
  const auto untimed = run_bounded(sentio_cmd("analyze -q " + q(dir / "untimed.srt") + " -o " + q(dir / "u.json")));
  EXPECT_TRUE(untimed.status == 0 || untimed.status == 1) << untimed.output;
  expect_handled(untimed, untimed.status, untimed.status == 1 ? "untimed.srt" : "");
  std::ofstream(dir / "overflow.json") << R"({"utterances":[{"start":-1e999,"end":2e999,"text":"so happy"}]})";
  const auto overflow = run_bounded(sentio_cmd("analyze -q " + q(dir / "overflow.json") + " -o " + q(dir / "o.json")));
  expect_handled(overflow, 1, "overflow.json");
}

// A text model whose hashing asks for 2^60 buckets, and one whose bias overflows a double (edits of a
// valid tiny model, so that nothing else is wrong with them).
TEST(HostileHeldout, TextModelsWithImpossibleParameters) {
  const fs::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "words.txt") << "I am so angry with you.\n";
  std::ifstream in(fs::path(SENTIO_SOURCE_DIR) / "fuzz" / "corpus" / "text_model" / "tiny.stm", std::ios::binary);
  const std::string tiny((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto edited = [&](const std::string& from, const std::string& to) {
    std::string m = tiny;
    const auto at = m.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) m.replace(at, from.size(), to);
    return m;
  };
  std::ofstream(dir / "huge.stm", std::ios::binary) << edited("\"hash_bits\":8", "\"hash_bits\":60");
  std::ofstream(dir / "inf.stm", std::ios::binary) << edited("\"bias\":[", "\"bias\":[1e999,");
  std::ofstream(dir / "ok.stm", std::ios::binary) << tiny;
  const auto ok = run_bounded(sentio_cmd("analyze -q " + q(dir / "words.txt") + " --text-model " + q(dir / "ok.stm") +
                                         " -o " + q(dir / "w.json")));
  expect_handled(ok, 0);
  for (const char* model : {"huge.stm", "inf.stm"}) {
    SCOPED_TRACE(model);
    const auto r = run_bounded(sentio_cmd("analyze -q " + q(dir / "words.txt") + " --text-model " + q(dir / model) +
                                          " -o " + q(dir / "w.json")));
    expect_handled(r, 2, model);
  }
}

// A hard link and a relative path through a symlinked folder that both name the input: refused before
// anything is read or written, the input untouched.
TEST(HostileHeldout, OutputsThatAreTheInputByAnotherName) {
  const fs::path dir = sentio::test::temp_dir();
  write_wav(dir / "in.wav", 1, 16, 16000, 32000, pcm16_tone(16000, 16000));
  const auto before = fs::file_size(dir / "in.wav");
  fs::create_hard_link(dir / "in.wav", dir / "hard.json");
  fs::create_directory(dir / "real");
  fs::create_directory_symlink(dir, dir / "real" / "up");
  for (const std::string& out : {(dir / "hard.json").string(), (dir / "real" / "up" / "in.wav").string()}) {
    SCOPED_TRACE(out);
    const auto r = run_bounded(sentio_cmd("analyze -q " + q(dir / "in.wav") + " -o " + q(out)));
    expect_handled(r, 2);
    EXPECT_EQ(fs::file_size(dir / "in.wav"), before);
  }
  const auto features = run_bounded(sentio_cmd("features -q " + q(dir / "in.wav") + " -o " + q(dir / "hard.json")));
  expect_handled(features, 2);
  EXPECT_EQ(fs::file_size(dir / "in.wav"), before);
}

// A batch with a folder named like audio, an empty .mp4, a list of 20,000 missing files and one good
// file: the good one is written, each failure reported, exit status 1, all within the bounds.
TEST(HostileHeldout, CarelessBatch) {
  const fs::path dir = sentio::test::temp_dir();
  fs::create_directory(dir / "folder.wav");
  std::ofstream(dir / "empty.mp4").flush();
  {
    std::ofstream list(dir / "many.lst");
    for (int i = 0; i < 20'000; ++i) list << "missing/clip" << i << ".wav\n";
  }
  write_wav(dir / "good.wav", 1, 16, 16000, 32000, pcm16_tone(16000, 16000));
  fs::create_directory(dir / "out");
  const auto r = run_bounded(sentio_cmd("analyze -q " + q(dir / "folder.wav") + " " + q(dir / "empty.mp4") + " @" +
                                        (dir / "many.lst").string() + " " + q(dir / "good.wav") + " -o " + q(dir / "out") + "/"));
  expect_handled(r, 1, "empty.mp4");
  EXPECT_TRUE(fs::exists(dir / "out" / "good.json")) << r.output.substr(0, 4000);
  EXPECT_NE(r.output.find("folder.wav"), std::string::npos) << r.output.substr(0, 4000);  // each line names its input
  EXPECT_NE(r.output.find("clip19999.wav"), std::string::npos);
  EXPECT_NE(r.output.find("20002 input(s) failed, 1 analysed"), std::string::npos);
}

// Writing to a device that is always full: one error line, exit 1, no crash.
TEST(HostileHeldout, FullDeviceAsOutput) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "skipped: no /dev/full";
  const fs::path dir = sentio::test::temp_dir();
  write_wav(dir / "in.wav", 1, 16, 16000, 32000, pcm16_tone(16000, 16000));
  const auto r = run_bounded(sentio_cmd("features -q " + q(dir / "in.wav") + " -o /dev/full"));
  EXPECT_NE(r.status, 0) << r.output;
  expect_handled(r, r.status, "/dev/full");
  EXPECT_TRUE(fs::exists("/dev/full") && !fs::is_regular_file("/dev/full"));
}

// Documents the report refuses: nested 200,000 deep, and a number beyond double range where a time is.
TEST(HostileHeldout, ReportOfHostileDocuments) {
  const fs::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "deep.json") << std::string(200'000, '[') << std::string(200'000, ']');
  std::ofstream(dir / "big.json") << R"({"schema":"sentio.analysis/2","input":{"path":"x.wav","duration_s":1e999}})";
  for (const char* name : {"deep.json", "big.json"}) {
    SCOPED_TRACE(name);
    const auto r = run_bounded(sentio_cmd("report " + q(dir / name) + " -o " + q(dir / "r.html")));
    expect_handled(r, 2, name);
    EXPECT_FALSE(fs::exists(dir / "r.html"));
  }
}

// Mistyped commands and options, and values out of range: usage errors with a suggestion where one fits.
TEST(HostileHeldout, MistypedAndOutOfRangeOptions) {
  const auto train = run_bounded(sentio_cmd("trian ser"));
  expect_handled(train, 2, "train");
  const auto opt = run_bounded(sentio_cmd("analyze x.wav --speakres 2"));
  expect_handled(opt, 2, "--speakers");
  const auto negative = run_bounded(sentio_cmd("analyze x.wav --max-duration -5"));
  expect_handled(negative, 2, "--max-duration");
}

// Images and archives for the face plugin: a PNG declaring 65535x65535 pixels, and a face manifest whose
// tar member declares 64 GB in a pax header.
TEST(HostileHeldout, ImagesAndArchivesForFaces) {
  if (!face_models_present()) GTEST_SKIP() << "skipped: face models not found (run scripts/setup)";
  const fs::path dir = sentio::test::temp_dir();
  {
    std::ofstream png(dir / "wide.png", std::ios::binary);
    png << "\x89PNG\r\n\x1a\n" << std::string("\0\0\0\x0dIHDR", 8) << std::string("\0\0\xff\xff\0\0\xff\xff\x08\x02\0\0\0", 13)
        << std::string("\0\0\0\0", 4) << std::string(64, '\0');
  }
  const auto image = run_bounded(sentio_cmd("analyze -q " + q(dir / "wide.png") + " -o " + q(dir / "wide.json")));
  expect_handled(image, 1, "wide.png");
  // A ustar header preceded by a pax extended header whose `size` overrides the member's to 64 GB.
  const auto block = [](const std::string& name, char type, std::size_t size) {
    std::string h(512, '\0');
    h.replace(0, name.size(), name);
    h.replace(100, 7, "0000644");
    h.replace(108, 7, "0000000");
    h.replace(116, 7, "0000000");
    char octal[12];
    std::snprintf(octal, sizeof octal, "%011zo", size);
    h.replace(124, 11, octal);
    h.replace(136, 11, "00000000000");
    h[156] = type;
    h.replace(257, 6, std::string("ustar\0", 6));
    h.replace(263, 2, "00");
    h.replace(148, 8, "        ");
    unsigned sum = 0;
    for (const unsigned char c : h) sum += c;
    std::snprintf(octal, sizeof octal, "%06o", sum);
    h.replace(148, 7, std::string(octal, 6) + '\0');
    return h;
  };
  const std::string pax = "20 size=68719476736\n";
  std::string tar = block("PaxHeaders/a.png", 'x', pax.size()) + pax + std::string(512 - pax.size(), '\0') +
                    block("a.png", '0', 16) + std::string(512, 'x') + std::string(1024, '\0');
  std::ofstream(dir / "faces.tar", std::ios::binary) << tar;
  std::ofstream(dir / "m.csv") << "path,label\nfaces.tar:a.png,happy\n";
  const auto eval = run_bounded(sentio_cmd("eval face --data " + q(dir / "m.csv") + " -j 1"));
  EXPECT_TRUE(eval.status == 1 || eval.status == 2) << eval.output;
  expect_handled(eval, eval.status, "faces.tar");
}
