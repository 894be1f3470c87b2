// SPDX-License-Identifier: Apache-2.0
// Language codes, detection and the multilingual pack (language.hpp) on a tiny language-ID model trained
// here on three invented "languages" with disjoint syllable inventories, named with real codes so the
// pack logic (which lists only known codes) can be exercised.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sentio/core/checksum.hpp"
#include "sentio/core/error.hpp"
#include "sentio/text/language.hpp"
#include "test_support.hpp"

namespace sentio::text {
namespace {

namespace fs = std::filesystem;

std::string error_of(std::string_view choice, const std::vector<std::string>& available = {}) {
  try {
    (void)resolve_language_code(choice, available);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LanguageCodes, CodesAliasesAndNamesResolve) {
  EXPECT_EQ(resolve_language_code("deu"), "deu");
  EXPECT_EQ(resolve_language_code("de"), "deu");
  EXPECT_EQ(resolve_language_code("GER"), "deu");
  EXPECT_EQ(resolve_language_code(" German "), "deu");
  EXPECT_EQ(resolve_language_code("en"), "eng");
  EXPECT_EQ(resolve_language_code("en_GB"), "eng");
  EXPECT_EQ(resolve_language_code("es"), "esp");
  EXPECT_EQ(resolve_language_code("spa"), "esp");
  EXPECT_EQ(resolve_language_code("pt"), "ptbr");
  EXPECT_EQ(resolve_language_code("pt-MZ"), "ptmz");
  EXPECT_EQ(resolve_language_code("zh"), "chn");
  EXPECT_EQ(resolve_language_code("zho"), "chn");
  EXPECT_EQ(resolve_language_code("ru"), "rus");
  EXPECT_EQ(resolve_language_code("sv"), "swe");
  EXPECT_EQ(resolve_language_code("sw"), "swa");
  EXPECT_EQ(resolve_language_code("uk"), "ukr");
  EXPECT_EQ(resolve_language_code("AUTO"), "auto");
  EXPECT_EQ(known_languages().size(), 28u);
  EXPECT_EQ(language_name("tir"), "Tigrinya");
  EXPECT_EQ(language_name("xx"), "");
  // Every alias names exactly one language.
  std::vector<std::string> seen;
  for (const auto& l : known_languages()) {
    seen.emplace_back(l.code);
    for (const auto a : l.aliases) seen.emplace_back(a);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
}

TEST(LanguageCodes, UnknownListsAvailable) {
  const std::string all = error_of("xx");
  EXPECT_NE(all.find("unknown language 'xx' (available: auto, afr, amh,"), std::string::npos) << all;
  EXPECT_NE(all.find("yor)"), std::string::npos) << all;
  // Known but not available: the message lists only what is there.
  EXPECT_EQ(error_of("de", {"eng", "swe"}), "unknown language 'de' (available: auto, eng, swe)");
  EXPECT_EQ(resolve_language_code("sv", {"eng", "swe"}), "swe");
  EXPECT_EQ(error_of(""), "unknown language '' (available: auto, afr, amh, arq, ary, chn, deu, eng, esp, hau, hin, "
                          "ibo, kin, mar, orm, pcm, ptbr, ptmz, ron, rus, som, sun, swa, swe, tat, tir, ukr, vmw, yor)");
}

// Sentences of an invented language: words made of its own syllables, chosen by a small LCG.
std::string sentence(const std::vector<std::string>& syllables, std::uint32_t& state, int words) {
  std::string s;
  for (int w = 0; w < words; ++w) {
    if (w) s += ' ';
    for (int k = 0; k < 2 + static_cast<int>(state % 2); ++k) {
      state = state * 1664525u + 1013904223u;
      s += syllables[(state >> 16) % syllables.size()];
    }
  }
  return s;
}

const std::vector<std::vector<std::string>>& inventories() {
  static const std::vector<std::vector<std::string>> v = {
      {"ka", "lo", "mi", "tu", "re"}, {"sch", "ei", "ung", "ach", "ter"}, {"ör", "äl", "ys", "kv", "ån"}};
  return v;
}
const std::vector<std::string> kCodes = {"swe", "deu", "tat"};  // labels of the three inventories

TextModel tiny_language_id() {
  Corpus c;
  c.format = "csv";
  std::uint32_t state = 7;
  for (int i = 0; i < 60; ++i)
    for (std::size_t l = 0; l < kCodes.size(); ++l)
      c.items.push_back({sentence(inventories()[l], state, 4), {kCodes[l]}, "", "", -1});
  TextTrainOptions o;
  o.hash_bits = 12;
  o.epochs = 5;
  return TextModel::train(c, nullptr, o);
}

TEST(LanguageDetection, LengthWeightedVote) {
  const TextModel id = tiny_language_id();
  std::uint32_t state = 12345;
  const std::string long_deu = sentence(inventories()[1], state, 12);
  const std::string short_swe1 = sentence(inventories()[0], state, 1), short_swe2 = sentence(inventories()[0], state, 1);
  // Each alone is recognised.
  EXPECT_EQ(detect_language(id, {long_deu}).code, "deu");
  EXPECT_EQ(detect_language(id, {short_swe1}).code, "swe");
  // Two short "swe" utterances are outvoted by one long "deu" utterance (weights = characters).
  const LanguageDetection d = detect_language(id, {short_swe1, long_deu, "", short_swe2}, 2);
  EXPECT_EQ(d.code, "deu");
  EXPECT_EQ(d.n_texts, 3u);  // the empty text does not vote
  ASSERT_EQ(d.scores.size(), 3u);
  EXPECT_EQ(d.scores[0].first, "deu");
  EXPECT_FLOAT_EQ(d.scores[0].second, d.confidence);
  EXPECT_GT(d.confidence, 0.5f);
  EXPECT_LT(d.confidence, 1.0f);
  float total = 0;
  for (const auto& [code, s] : d.scores) total += s;
  EXPECT_NEAR(total, 1.0f, 1e-4f);  // weighted means of softmax outputs
  // Nothing to detect.
  const LanguageDetection none = detect_language(id, {"", ""});
  EXPECT_EQ(none.code, "");
  EXPECT_EQ(none.n_texts, 0u);
  EXPECT_EQ(none.confidence, 0.0f);
}

TEST(LanguagePack, ListsModelsDetectsAndFallsBack) {
  const fs::path dir = test::temp_dir() / "pack";
  fs::create_directories(dir);
  try {
    LanguagePack missing(dir.string());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("without its language-identification model languages.stm"), std::string::npos)
        << e.what();
  }
  const TextModel id = tiny_language_id();
  id.save((dir / "languages.stm").string());
  id.save((dir / "deu.stm").string());  // any model file will do as deu's "emotion model" here
  id.save((dir / "xx.stm").string());   // not a known code: ignored
  const LanguagePack pack(dir.string());
  EXPECT_EQ(pack.codes(), (std::vector<std::string>{"deu", "eng"}));
  EXPECT_EQ(pack.model_path("deu"), (dir / "deu.stm").string());
  EXPECT_EQ(&pack.model("deu"), &pack.model("deu"));  // loaded once
  EXPECT_EQ(pack.model("deu").labels(), id.labels());
  try {
    (void)pack.model_path("swe");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no emotion model for language 'swe' (available: deu, eng)"), std::string::npos)
        << e.what();
  }
  // English is the default model; point it somewhere known.
  ::setenv("SENTIO_TEXT_MODEL", "/nonexistent/default.stm", 1);
  std::uint32_t state = 99;
  const LanguageChoice de = choose_language_model(pack, {sentence(inventories()[1], state, 8)});
  EXPECT_EQ(de.code, "deu");
  EXPECT_EQ(de.source, "detected");
  EXPECT_EQ(de.model_path, (dir / "deu.stm").string());
  EXPECT_GE(de.detection.confidence, kLanguageConfidenceFloor);
  // Detected "swe" has no model in this pack, and no text at all detects nothing: English.
  const LanguageChoice sv = choose_language_model(pack, {sentence(inventories()[0], state, 8)});
  EXPECT_EQ(sv.detection.code, "swe");
  EXPECT_EQ(sv.code, "eng");
  EXPECT_EQ(sv.source, "fallback");
  EXPECT_EQ(sv.model_path, "/nonexistent/default.stm");
  const LanguageChoice empty = choose_language_model(pack, {});
  EXPECT_EQ(empty.code, "eng");
  EXPECT_EQ(empty.source, "fallback");
  // A fixed choice by code: English needs no pack.
  const LanguageChoice en = choose_language_model("en", {});
  EXPECT_EQ(en.code, "eng");
  EXPECT_EQ(en.source, "option");
  EXPECT_EQ(en.model_path, "/nonexistent/default.stm");
  ::setenv("SENTIO_TEXT_MULTILINGUAL", dir.string().c_str(), 1);
  EXPECT_EQ(multilingual_pack_dir(), dir.string());
  EXPECT_EQ(choose_language_model("de", {}).model_path, (dir / "deu.stm").string());
  EXPECT_THROW((void)choose_language_model("ru", {}), InputError);  // known, but not in this pack
  ::unsetenv("SENTIO_TEXT_MULTILINGUAL");
  ::unsetenv("SENTIO_TEXT_MODEL");
}

TEST(LanguagePack, FilesAreCheckedAgainstThePacksChecksums) {
  const fs::path dir = test::temp_dir() / "pack_sums";
  fs::create_directories(dir);
  const TextModel id = tiny_language_id();
  id.save((dir / "languages.stm").string());
  id.save((dir / "deu.stm").string());
  std::ofstream(dir / "SHA256SUMS") << sha256_file((dir / "languages.stm").string()) << "  languages.stm\n"
                                    << sha256_file((dir / "deu.stm").string()) << "  deu.stm\n";
  {
    const LanguagePack pack(dir.string());
    EXPECT_EQ(pack.model_path("deu"), (dir / "deu.stm").string());
  }
  std::ofstream(dir / "deu.stm", std::ios::app) << "x";  // altered after the list was written
  const LanguagePack pack(dir.string());                  // the language-ID model is intact
  try {
    (void)pack.model("deu");
    FAIL() << "expected a checksum mismatch";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("deu.stm': checksum mismatch"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sentio::text
