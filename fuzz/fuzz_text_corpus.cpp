// SPDX-License-Identifier: Apache-2.0
// Labelled text corpora (MELD/EmoryNLP CSV, EmoryNLP TSV, DailyDialog, GoEmotions, BRIGHTER, generic CSV):
// the first byte picks the format and file name, the rest is the file; a second part is the sibling file
// some formats read (DailyDialog's emotion ids, GoEmotions' labels.txt).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/text/corpus.hpp"

namespace {

struct Choice {
  sentio::text::CorpusFormat format;
  const char* name;     // the corpus file's name (automatic detection reads it)
  const char* sibling;  // the file the second part is written to ("" = none)
};

constexpr Choice kChoices[] = {
    {sentio::text::CorpusFormat::automatic, "train_sent_emo.csv", ""},
    {sentio::text::CorpusFormat::meld, "train_sent_emo.csv", ""},
    {sentio::text::CorpusFormat::emorynlp, "emorynlp_train.tsv", ""},
    {sentio::text::CorpusFormat::dailydialog, "dialogues_train.txt", "dialogues_emotion_train.txt"},
    {sentio::text::CorpusFormat::automatic, "dialogues_emotion_train.txt", "dialogues_train.txt"},
    {sentio::text::CorpusFormat::goemotions, "train.tsv", "labels.txt"},
    {sentio::text::CorpusFormat::brighter, "eng.csv", ""},
    {sentio::text::CorpusFormat::csv, "data.csv", ""},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Choice& choice = kChoices[data[0] % (sizeof kChoices / sizeof kChoices[0])];
  const auto parts = sentio::fuzz::split_parts(data + 1, size - 1, 2);
  const std::string path = sentio::fuzz::write_file(choice.name, parts[0]);
  std::string sibling;
  if (*choice.sibling != '\0') sibling = sentio::fuzz::write_file(choice.sibling, parts[1]);
  try {
    const auto corpus = sentio::text::read_corpus(path, choice.format);
    (void)sentio::text::label_counts(corpus);
  } catch (const sentio::InputError&) {
  }
  std::filesystem::remove(path);
  if (!sibling.empty()) std::filesystem::remove(sibling);
  return 0;
}
