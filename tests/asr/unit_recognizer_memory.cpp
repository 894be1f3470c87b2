// SPDX-License-Identifier: Apache-2.0
// Resident memory of pocketsphinx decoders, for bench/asr_memory.sh (bench/asr_memory.md). Runs only
// when SENTIO_ASR_MEMORY is set to "<lm|grammar> <shared|independent>", one configuration per process:
//   shared:      one SpeechRecognizer, 1, 2 and 4 decoders loaded with preload();
//   independent: 1, 2 and 4 SpeechRecognizers of one decoder each (what the old design did: one
//                Recognizer per transcriber worker thread, per transcriber).
// Prints one line per step with the process's VmRSS, RssAnon, RssFile and Pss in MB.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "sentio/asr/recognizer.hpp"
#include "test_support.hpp"

using namespace sentio::asr;

namespace {

struct Memory {
  double rss = -1, anon = -1, file = -1, pss = -1;  // MB
};

// "Name:   1234 kB" fields of a /proc file, in MB (-1 when absent).
double proc_field_mb(const char* path, const std::string& name) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      std::istringstream fields(line.substr(name.size() + 1));
      double kb = -1;
      fields >> kb;
      return kb / 1024.0;
    }
  }
  return -1;
}

Memory memory_now() {
  Memory m;
  m.rss = proc_field_mb("/proc/self/status", "VmRSS");
  m.anon = proc_field_mb("/proc/self/status", "RssAnon");
  m.file = proc_field_mb("/proc/self/status", "RssFile");
  m.pss = proc_field_mb("/proc/self/smaps_rollup", "Pss");
  return m;
}

void print(const std::string& config, int n_decoders, const Memory& m) {
  std::printf("asr_memory %s decoders=%d rss_mb=%.1f anon_mb=%.1f file_mb=%.1f pss_mb=%.1f\n", config.c_str(), n_decoders,
              m.rss, m.anon, m.file, m.pss);
  std::fflush(stdout);
}

}  // namespace

TEST(SpeechRecognizerMemory, Report) {
  const char* env = std::getenv("SENTIO_ASR_MEMORY");
  if (!env || !*env) GTEST_SKIP() << "skipped: set SENTIO_ASR_MEMORY=\"<lm|grammar> <shared|independent>\" (bench/asr_memory.sh)";
  std::istringstream words(env);
  std::string search, layout;
  words >> search >> layout;
  ASSERT_TRUE(search == "lm" || search == "grammar") << env;
  ASSERT_TRUE(layout == "shared" || layout == "independent") << env;
  RecognizerOptions o;
  if (search == "grammar") o.grammar = std::string(SENTIO_SOURCE_DIR) + "/bench/asr/grid.jsgf";
  const std::string config = search + " " + layout;

  const Memory before = memory_now();
  ASSERT_GT(before.rss, 0) << "no VmRSS in /proc/self/status";
  print(config, 0, before);
  std::unique_ptr<SpeechRecognizer> shared;
  std::vector<std::unique_ptr<SpeechRecognizer>> independent;
  Memory previous = before;
  int previous_n = 0;
  for (const int n : {1, 2, 4}) {
    if (layout == "shared") {
      if (!shared) shared = std::make_unique<SpeechRecognizer>(o, 4);
      shared->preload(n);
      ASSERT_EQ(shared->decoders(), n);
    } else {
      while (static_cast<int>(independent.size()) < n) independent.push_back(std::make_unique<SpeechRecognizer>(o, 1));
    }
    const Memory now = memory_now();
    print(config, n, now);
    // Each decoder has its own dictionary, search and (with the LM) language model: measured ~90 MB with
    // the en-us LM and ~25 MB with a grammar (bench/asr_memory.md). The bounds catch a lost or a doubled copy.
    const double per_decoder = (now.anon - previous.anon) / (n - previous_n);
    EXPECT_GT(per_decoder, search == "lm" ? 60.0 : 15.0) << n << " decoders";
    EXPECT_LT(per_decoder, search == "lm" ? 130.0 : 40.0) << n << " decoders";
    previous = now;
    previous_n = n;
  }
}
