// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reading the corpora of `sentio train text` / `sentio eval text` with their problems reported on stderr;
// shared by the command line (cmd_text.cpp) and the torch plugin (plugins/text_neural.cpp).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "sentio/text/corpus.hpp"

namespace sentio::cli {

// The first few problems of a corpus and the count of skipped rows, as warnings.
inline void print_problems(const text::Corpus& c) {
  constexpr std::size_t kShown = 5;
  for (std::size_t i = 0; i < c.problems.size() && i < kShown; ++i)
    std::fprintf(stderr, "sentio: warning: %s\n", c.problems[i].c_str());
  if (c.bad_rows > 0) std::fprintf(stderr, "sentio: warning: %zu bad row(s) skipped\n", c.bad_rows);
}

struct TrainingCorpora {
  text::Corpus train;
  std::optional<text::Corpus> dev;
};

// The training files (one corpus) and the optional development file ("" = none) in `format`.
inline TrainingCorpora read_training_corpora(const std::vector<std::string>& data, const std::string& dev,
                                             const std::string& format) {
  const text::CorpusFormat f = text::parse_corpus_format(format);
  TrainingCorpora c{text::read_corpora(data, f), std::nullopt};
  print_problems(c.train);
  if (!dev.empty()) {
    c.dev = text::read_corpus(dev, f);
    print_problems(*c.dev);
  }
  return c;
}

}  // namespace sentio::cli
