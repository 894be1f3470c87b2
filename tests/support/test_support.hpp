// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers shared by the tests: where the shared corpora are, temporary folders, fixture audio.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sentio::test {

// ../shared (or SENTIO_SHARED_DIR from the environment). May not exist.
std::filesystem::path shared_dir();
// Returns shared_dir()/rel if it exists, otherwise an empty path.
std::filesystem::path shared_path(const std::string& rel);
// A fresh temporary folder, removed at process exit.
std::filesystem::path temp_dir();
// Path of the built `sentio` binary.
std::filesystem::path sentio_binary();
// A shell command line running the built `sentio` with `args` (already quoted as the shell needs).
std::string sentio_cmd(const std::string& args);
// Runs a shell command; returns its exit status and captures stdout+stderr.
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult run_command(const std::string& command);
// Synthesizes `text` with espeak-ng into a 16 kHz mono WAV at `out` (needs espeak-ng and sox).
void synthesize_speech(const std::string& text, const std::filesystem::path& out);
// Reads any audio file sox understands as 16-bit mono samples at its own rate (tests only; the
// product decodes with sentio::media). Throws std::runtime_error on failure.
std::vector<short> load_pcm16_via_sox(const std::filesystem::path& path);
// Writes a 16-bit PCM WAV (interleaved samples, `channels` per frame).
void write_wav_s16(const std::filesystem::path& path, int rate, int channels, const std::vector<std::int16_t>& interleaved);
// Reads a ';'-separated openSMILE CSV: header names and numeric rows (the quoted name column is dropped).
struct CsvTable {
  std::vector<std::string> columns;             // without "name"
  std::vector<std::vector<double>> rows;        // one per data row, same order as columns
  int column(const std::string& name) const;    // index or -1
};
CsvTable read_opensmile_csv(const std::filesystem::path& path);

}  // namespace sentio::test

// Skips the current test with a visible reason when a shared-data path is absent.
#define SENTIO_REQUIRE_SHARED(var, rel)                                            \
  const std::filesystem::path var = ::sentio::test::shared_path(rel);              \
  if (var.empty()) GTEST_SKIP() << "skipped: ../shared/" << (rel) << " not found"
