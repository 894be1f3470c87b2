// SPDX-License-Identifier: Apache-2.0
// Language codes, language identification and the multilingual model pack (language.hpp).
//
// Identification is the ordinary linear text model with languages as labels (hashed word and character
// n-grams separate scripts and spelling conventions well); over a transcript the per-utterance softmax
// outputs are averaged with the utterance length as weight, which is a soft majority vote in which a
// one-word "ok" cannot outvote a long sentence.
#include "sentio/text/language.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

#include "sentio/core/checksum.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/resources.hpp"

namespace sentio::text {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLanguageIdFile = "languages.stm";

// Lower case, '_' -> '-', surrounding blanks dropped.
std::string normalise(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '_') c = '-';
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Characters (UTF-8 code points) of a text: bytes that do not continue a sequence.
std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u; }));
}

}  // namespace

const std::vector<LanguageInfo>& known_languages() {
  // BRIGHTER's codes are mostly ISO 639-3; chn, esp, ptbr and ptmz are its own.
  static const std::vector<LanguageInfo> table = {
      {"afr", "Afrikaans", {"af"}},
      {"amh", "Amharic", {"am"}},
      {"arq", "Algerian Arabic", {"ar-dz"}},
      {"ary", "Moroccan Arabic", {"ar-ma"}},
      {"chn", "Chinese", {"zh", "zho", "chi", "cmn", "zh-cn", "zh-hans"}},
      {"deu", "German", {"de", "ger"}},
      {"eng", "English", {"en", "en-us", "en-gb"}},
      {"esp", "Spanish", {"es", "spa"}},
      {"hau", "Hausa", {"ha"}},
      {"hin", "Hindi", {"hi"}},
      {"ibo", "Igbo", {"ig"}},
      {"kin", "Kinyarwanda", {"rw"}},
      {"mar", "Marathi", {"mr"}},
      {"orm", "Oromo", {"om", "gaz"}},
      {"pcm", "Nigerian Pidgin", {"pidgin"}},
      {"ptbr", "Brazilian Portuguese", {"pt", "por", "pt-br"}},
      {"ptmz", "Mozambican Portuguese", {"pt-mz"}},
      {"ron", "Romanian", {"ro", "rum", "mo"}},
      {"rus", "Russian", {"ru"}},
      {"som", "Somali", {"so"}},
      {"sun", "Sundanese", {"su"}},
      {"swa", "Swahili", {"sw", "swh"}},
      {"swe", "Swedish", {"sv"}},
      {"tat", "Tatar", {"tt"}},
      {"tir", "Tigrinya", {"ti"}},
      {"ukr", "Ukrainian", {"uk"}},
      {"vmw", "Makhuwa", {"emakhuwa"}},
      {"yor", "Yoruba", {"yo"}},
  };
  return table;
}

std::string language_name(std::string_view code) {
  for (const auto& l : known_languages())
    if (l.code == code) return std::string(l.name);
  return "";
}

std::string resolve_language_code(std::string_view choice, const std::vector<std::string>& available) {
  const std::string c = normalise(choice);
  if (c == "auto") return c;
  std::string code;
  for (const auto& l : known_languages()) {
    if (c == l.code || c == normalise(l.name) ||
        std::find(l.aliases.begin(), l.aliases.end(), c) != l.aliases.end()) {
      code = std::string(l.code);
      break;
    }
  }
  std::vector<std::string> all;
  if (available.empty())
    for (const auto& l : known_languages()) all.emplace_back(l.code);
  const std::vector<std::string>& codes = available.empty() ? all : available;
  if (code.empty() || std::find(codes.begin(), codes.end(), code) == codes.end())
    throw InputError("unknown language '" + std::string(choice) + "' (available: auto, " + join(codes) + ")");
  return code;
}

RunningLanguageDetection::RunningLanguageDetection(const TextModel& language_id)
    : language_id_(&language_id), sum_(language_id.labels().size(), 0.0) {}

void RunningLanguageDetection::add(const std::string& text) {
  const std::size_t n = code_points(text);
  if (n == 0) return;
  const std::vector<float> p = language_id_->probabilities(text);
  const auto w = static_cast<double>(n);
  for (std::size_t c = 0; c < sum_.size(); ++c) sum_[c] += w * static_cast<double>(p[c]);
  total_ += w;
  ++n_texts_;
}

LanguageDetection RunningLanguageDetection::current() const {
  LanguageDetection d;
  d.n_texts = n_texts_;
  if (n_texts_ == 0) return d;
  const std::vector<std::string>& labels = language_id_->labels();
  for (std::size_t c = 0; c < labels.size(); ++c) d.scores.emplace_back(labels[c], static_cast<float>(sum_[c] / total_));
  std::stable_sort(d.scores.begin(), d.scores.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  d.code = d.scores.front().first;
  d.confidence = d.scores.front().second;
  return d;
}

LanguageDetection detect_language(const TextModel& language_id, const std::vector<std::string>& texts, int threads) {
  (void)threads;  // short texts: one model call each is faster than a pool
  RunningLanguageDetection running(language_id);
  for (const auto& t : texts) running.add(t);
  return running.current();
}

std::string multilingual_pack_dir() {
  if (const char* env = std::getenv("SENTIO_TEXT_MULTILINGUAL"); env != nullptr && *env != '\0') return env;
  if (auto p = find_shipped_file(std::string("models/text/multilingual/") + kLanguageIdFile, nullptr))
    return fs::path(*p).parent_path().string();
  throw InputError("no multilingual text models found (models/text/multilingual/ next to the sentio binary, in the "
                   "install prefix or the working folder; set SENTIO_TEXT_MULTILINGUAL or give the model file)");
}

struct LanguagePack::Impl {
  std::string dir;
  std::vector<std::string> codes;
  TextModel language_id;
  mutable std::mutex mutex;
  mutable std::map<std::string, std::unique_ptr<TextModel>, std::less<>> models;
  // The pack's SHA256SUMS (when it has one): every pack file is checked against it before loading.
  std::map<std::string, std::string> sums;
  std::string sums_path;

  void verify(const std::string& file) const {
    if (!sums.empty() && fs::path(file).parent_path() == fs::path(dir)) verify_sha256(file, sums, sums_path);
  }
};

LanguagePack::LanguagePack(const std::string& dir) : impl_(std::make_unique<Impl>()) {
  impl_->dir = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir + ": multilingual model folder not found");
  const fs::path id = fs::path(dir) / kLanguageIdFile;
  if (!fs::is_regular_file(id, ec))
    throw InputError(dir + ": multilingual model folder without its language-identification model " + kLanguageIdFile);
  if (const fs::path list = fs::path(dir) / "SHA256SUMS"; fs::is_regular_file(list, ec)) {
    impl_->sums = read_sha256sums(list.string());
    impl_->sums_path = list.string();
  }
  impl_->verify(id.string());
  impl_->language_id = TextModel::load(id.string());
  if (impl_->language_id.multi_label())
    throw InputError(id.string() + ": a language-identification model must be single-label (softmax)");
  for (const auto& l : known_languages()) {
    const std::string code(l.code);
    if (code == kEnglishCode || fs::is_regular_file(fs::path(dir) / (code + ".stm"), ec)) impl_->codes.push_back(code);
  }
}

LanguagePack::~LanguagePack() = default;
LanguagePack::LanguagePack(LanguagePack&&) noexcept = default;
LanguagePack& LanguagePack::operator=(LanguagePack&&) noexcept = default;

const std::string& LanguagePack::dir() const { return impl_->dir; }
const std::vector<std::string>& LanguagePack::codes() const { return impl_->codes; }
const TextModel& LanguagePack::language_id() const { return impl_->language_id; }

std::string LanguagePack::model_path(std::string_view code) const {
  if (std::find(impl_->codes.begin(), impl_->codes.end(), code) == impl_->codes.end())
    throw InputError(impl_->dir + ": no emotion model for language '" + std::string(code) +
                     "' (available: " + join(impl_->codes) + ")");
  if (code == kEnglishCode) return default_text_model_path();
  const std::string path = (fs::path(impl_->dir) / (std::string(code) + ".stm")).string();
  impl_->verify(path);
  return path;
}

const TextModel& LanguagePack::model(std::string_view code) const {
  const std::string path = model_path(code);
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  auto it = impl_->models.find(code);
  if (it == impl_->models.end()) {
    it = impl_->models.emplace(std::string(code), std::make_unique<TextModel>(TextModel::load(path))).first;
  }
  return *it->second;
}

LanguageDetection LanguagePack::detect(const std::vector<std::string>& texts, int threads) const {
  return detect_language(impl_->language_id, texts, threads);
}

LanguageChoice choose_language_model(const LanguagePack& pack, const std::vector<std::string>& texts, int threads) {
  return choose_detected_language(pack, pack.detect(texts, threads));
}

LanguageChoice choose_detected_language(const LanguagePack& pack, const LanguageDetection& detection) {
  LanguageChoice c;
  c.detection = detection;
  const auto& codes = pack.codes();
  const bool usable = !c.detection.code.empty() && c.detection.confidence >= kLanguageConfidenceFloor &&
                      std::find(codes.begin(), codes.end(), c.detection.code) != codes.end();
  c.code = usable ? c.detection.code : std::string(kEnglishCode);
  c.source = usable ? "detected" : "fallback";
  c.model_path = pack.model_path(c.code);
  return c;
}

LanguageChoice choose_language_model(std::string_view choice, const std::vector<std::string>& texts, int threads) {
  const std::string resolved = resolve_language_code(choice);  // all known codes: no pack needed yet
  if (resolved == kEnglishCode) return {std::string(kEnglishCode), "option", default_text_model_path(), {}};
  const LanguagePack pack(multilingual_pack_dir());
  if (resolved == "auto") return choose_language_model(pack, texts, threads);
  resolve_language_code(choice, pack.codes());  // known but without a model in this pack: list what is there
  return {resolved, "option", pack.model_path(resolved), {}};
}

}  // namespace sentio::text
