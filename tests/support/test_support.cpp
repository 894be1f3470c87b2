// SPDX-License-Identifier: Apache-2.0
#include "test_support.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace sentio::test {
namespace fs = std::filesystem;

fs::path shared_dir() {
  if (const char* env = std::getenv("SENTIO_SHARED_DIR"); env && *env) return env;
  return SENTIO_SHARED_DIR;
}

fs::path shared_path(const std::string& rel) {
  fs::path p = shared_dir() / rel;
  std::error_code ec;
  return fs::exists(p, ec) ? p : fs::path{};
}

namespace {
struct TempRoot {
  fs::path path;
  TempRoot() {
    std::string tmpl = (fs::temp_directory_path() / "sentio-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempRoot() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
}  // namespace

fs::path temp_dir() {
  static TempRoot root;
  static int counter = 0;
  fs::path p = root.path / std::to_string(counter++);
  fs::create_directories(p);
  return p;
}

fs::path sentio_binary() { return fs::path(SENTIO_BINARY_DIR) / "sentio"; }

std::string sentio_cmd(const std::string& args) { return "'" + sentio_binary().string() + "' " + args; }

CommandResult run_command(const std::string& command) {
  CommandResult r;
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void synthesize_speech(const std::string& text, const fs::path& out) {
  fs::path raw = out;
  raw += ".espeak.wav";
  std::string cmd = "espeak-ng -w '" + raw.string() + "' \"" + text + "\" && sox '" + raw.string() +
                    "' -r 16000 -c 1 -b 16 '" + out.string() + "' && rm -f '" + raw.string() + "'";
  CommandResult r = run_command(cmd);
  if (r.status != 0) throw std::runtime_error("speech synthesis failed: " + r.output);
}

std::vector<short> load_pcm16_via_sox(const fs::path& path) {
  std::string cmd = "sox '" + path.string() + "' -t raw -e signed-integer -b 16 -c 1 - 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run sox");
  std::vector<short> out;
  std::array<short, 8192> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), sizeof(short), buf.size(), pipe)) > 0) out.insert(out.end(), buf.begin(), buf.begin() + n);
  if (pclose(pipe) != 0) throw std::runtime_error("sox failed on " + path.string());
  return out;
}

int CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

CsvTable read_opensmile_csv(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ';')) cells.push_back(cell);
    return cells;
  };
  CsvTable t;
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error("empty csv " + path.string());
  auto header = split(line);
  t.columns.assign(header.begin() + 1, header.end());
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto cells = split(line);
    std::vector<double> row;
    for (size_t i = 1; i < cells.size(); ++i) row.push_back(std::stod(cells[i]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

void write_wav_s16(const std::filesystem::path& path, int rate, int channels, const std::vector<std::int16_t>& interleaved) {
  std::ofstream f(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  const auto data_bytes = static_cast<std::uint32_t>(interleaved.size() * 2);
  f.write("RIFF", 4);
  u32(36 + data_bytes);
  f.write("WAVEfmt ", 8);
  u32(16);
  u16(1);  // PCM
  u16(static_cast<std::uint16_t>(channels));
  u32(static_cast<std::uint32_t>(rate));
  u32(static_cast<std::uint32_t>(rate * channels * 2));
  u16(static_cast<std::uint16_t>(channels * 2));
  u16(16);
  f.write("data", 4);
  u32(data_bytes);
  f.write(reinterpret_cast<const char*>(interleaved.data()), static_cast<std::streamsize>(data_bytes));
}

}  // namespace sentio::test
