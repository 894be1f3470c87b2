// SPDX-License-Identifier: Apache-2.0
#pragma once
// Multilingual text emotion (issue 5, item 5): language codes, language identification and the
// multilingual model pack.
//
// The pack is a folder (models/text/multilingual/) holding a language-identification model
// `languages.stm` (a TextModel whose labels are language codes) and one emotion model `<code>.stm` per
// language, all plain sentio.text.model files trained on BRIGHTER (SemEval-2025 Task 11). English has no
// file in the pack: English is the shipped default model (models/text/default.stm), so choosing English
// never changes what Sentio did before. docs/TEXT.md ("Multilingual") has the codes and the method.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sentio/text/text_model.hpp"

namespace sentio::text {

// One language Sentio knows by name: its BRIGHTER code (the pack's file name), English name and the
// other codes it answers to (ISO 639-1, ISO 639-3/B, regional tags).
struct LanguageInfo {
  std::string_view code;
  std::string_view name;
  std::vector<std::string_view> aliases;
};

// The 28 BRIGHTER languages in code order.
const std::vector<LanguageInfo>& known_languages();

// The language code "English" resolves to; it maps to the default text model.
inline constexpr std::string_view kEnglishCode = "eng";

// A user's language choice -> BRIGHTER code. Case-insensitive; '_' and '-' are the same; accepts the
// code, an alias (en, de, es, pt, pt-br, zh, ru, sv, ...) or the English name. "auto" stays "auto".
// Unknown -> InputError "unknown language 'x' (available: ...)" listing `available` (all known codes
// when empty).
std::string resolve_language_code(std::string_view choice, const std::vector<std::string>& available = {});

// The English name of a BRIGHTER code ("" when unknown).
std::string language_name(std::string_view code);

// Language identification over several texts of one source (a transcript, a data file).
struct LanguageDetection {
  std::string code;        // the winning label of the language-ID model ("" when no text had a character)
  float confidence = 0;    // its length-weighted mean probability, 0..1
  std::size_t n_texts = 0; // texts that took part (non-empty)
  std::vector<std::pair<std::string, float>> scores;  // every label's weighted mean probability, best first
};

// Each text's language probabilities from `language_id` (softmax over its labels), averaged with weights
// equal to the text's length in characters (code points), so a long utterance counts more than "ok".
// The label with the largest average wins; its average is the confidence. Threads: `threads`.
LanguageDetection detect_language(const TextModel& language_id, const std::vector<std::string>& texts,
                                  int threads = 1);

// The same detection over texts that arrive one at a time (a live transcript): current() after adding
// texts equals detect_language() over them.
class RunningLanguageDetection {
 public:
  explicit RunningLanguageDetection(const TextModel& language_id);
  void add(const std::string& text);
  LanguageDetection current() const;

 private:
  const TextModel* language_id_;
  std::vector<double> sum_;
  double total_ = 0;
  std::size_t n_texts_ = 0;
};

// Below this detection confidence `--language auto` falls back to English (with a warning).
inline constexpr float kLanguageConfidenceFloor = 0.5f;

// The multilingual pack folder: $SENTIO_TEXT_MULTILINGUAL, else models/text/multilingual/ located like
// the default models (sentio/core/resources.hpp). InputError when it cannot be found.
std::string multilingual_pack_dir();

// An opened pack: the language-ID model loaded, emotion models loaded on first use and kept (safe to
// call from several threads).
class LanguagePack {
 public:
  // Reads `dir`/languages.stm and lists the `<code>.stm` files of known languages. InputError naming the
  // folder when it or its language-ID model is missing or invalid.
  explicit LanguagePack(const std::string& dir);
  ~LanguagePack();
  LanguagePack(LanguagePack&&) noexcept;
  LanguagePack& operator=(LanguagePack&&) noexcept;
  LanguagePack(const LanguagePack&) = delete;
  LanguagePack& operator=(const LanguagePack&) = delete;

  const std::string& dir() const;
  // Codes with an emotion model: the pack's files plus eng (the default model), sorted.
  const std::vector<std::string>& codes() const;
  const TextModel& language_id() const;
  // The emotion model file of a code in codes(): eng -> default_text_model_path(), else dir/<code>.stm,
  // checked against the pack's SHA256SUMS when it has one (as the language-ID model is on opening).
  // InputError listing codes() otherwise, or naming a file whose checksum differs.
  std::string model_path(std::string_view code) const;
  // The emotion model of a code (loaded once).
  const TextModel& model(std::string_view code) const;
  LanguageDetection detect(const std::vector<std::string>& texts, int threads = 1) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The emotion model a `--language` choice selects.
struct LanguageChoice {
  std::string code;        // the language whose model is used
  std::string source;      // "option" (a code was given), "detected", or "fallback" (detection below
                           // kLanguageConfidenceFloor or without text: English)
  std::string model_path;  // eng: the default text model; otherwise <pack>/<code>.stm
  LanguageDetection detection;  // "auto" only
};

// `choice` is a code or alias (resolve_language_code; English needs no pack) or "auto": the language of
// `texts` detected with the pack's language-ID model. InputError for unknown codes (listing the
// available ones), a missing pack or model.
LanguageChoice choose_language_model(std::string_view choice, const std::vector<std::string>& texts, int threads = 1);
// "auto" with an opened pack.
LanguageChoice choose_language_model(const LanguagePack& pack, const std::vector<std::string>& texts, int threads = 1);
// "auto" with an opened pack and a detection already made.
LanguageChoice choose_detected_language(const LanguagePack& pack, const LanguageDetection& detection);

}  // namespace sentio::text
