// SPDX-License-Identifier: Apache-2.0
// Lexicon features of the lexicon baseline.
//
// Valence follows the rules of VADER (C. J. Hutto and E. Gilbert, "VADER: A Parsimonious Rule-based Model
// for Sentiment Analysis of Social Media Text", ICWSM 2014), re-implemented from the paper's description
// with its published constants:
//  * tokens are white-space separated; a token is looked up as written (lower-cased: emoticons such as
//    ":)" are lexicon entries) and else with surrounding punctuation stripped;
//  * intensifiers ("very", "extremely", ...) among the 3 preceding tokens add +-0.293 to a hit's
//    magnitude, dampeners ("slightly", "somewhat", ...) subtract it; the farther ones count 0.95 and 0.9;
//  * a hit written in capitals inside mixed-case text gains +-0.733;
//  * a negation ("not", "never", "...n't", ...) among the 3 preceding tokens multiplies the hit by -0.74;
//  * hits before a "but" count half, after it 1.5 times;
//  * each '!' (up to 4) adds 0.292 to the magnitude of the sum, and 2+ '?' add 0.18 each (at most 0.96);
//  * compound = s / sqrt(s^2 + 15).
// AFINN scores are summed over single-word entries (its multi-word entries are not used) with the same
// negation rule. NRC EmoLex gives per-category hit rates, NRC VAD mean/max valence, arousal, dominance.
// The resulting ~30 numbers are standardised at training time and fed to the linear layer.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "model_internal.hpp"
#include "sentio/core/error.hpp"
#include "transcript_internal.hpp"

namespace sentio::text::detail {
namespace {

constexpr float kBoost = 0.293f;
constexpr float kCapsBoost = 0.733f;
constexpr float kNegation = -0.74f;
constexpr float kExclamation = 0.292f;
constexpr float kQuestion = 0.18f;
constexpr float kAlpha = 15.0f;

const std::set<std::string, std::less<>>& intensifiers() {
  static const std::set<std::string, std::less<>> s = {
      "absolutely", "amazingly", "awfully",   "completely", "considerably", "deeply",   "enormously", "entirely",
      "especially", "exceptionally", "extremely", "fully", "greatly",    "highly",       "hugely",   "incredibly",
      "intensely",  "majorly",   "more",      "most",       "particularly", "quite",    "really",     "remarkably",
      "so",         "substantially", "thoroughly", "totally", "tremendously", "unbelievably", "unusually", "utterly",
      "very",       "super",     "truly",     "seriously",  "damn",         "freaking", "fucking",    "too"};
  return s;
}
const std::set<std::string, std::less<>>& dampeners() {
  static const std::set<std::string, std::less<>> s = {
      "almost", "barely", "hardly",     "kinda",    "less",  "little", "marginally", "occasionally", "partly",
      "scarcely", "slightly", "somewhat", "sorta",  "bit",   "mildly", "rather",     "fairly"};
  return s;
}
bool is_negation(std::string_view w) {
  static const std::set<std::string, std::less<>> s = {
      "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "cannot", "without",
      "aint", "isnt", "dont", "doesnt", "didnt", "cant", "couldnt", "wont", "wouldnt", "shouldnt", "wasnt",
      "werent", "havent", "hasnt", "hadnt", "arent", "mustnt", "neednt", "darent", "nope", "nor", "rarely", "seldom"};
  if (s.count(w)) return true;
  return w.size() > 3 && w.substr(w.size() - 3) == "n't";
}

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw InputError(path + ": lexicon file not found");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be opened for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (trim(bytes).empty()) throw InputError(path + ": empty lexicon file");
  if (bytes.find('\0') != std::string::npos) throw InputError(path + ": binary file, not a lexicon");
  return bytes;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> f;
  for (;;) {
    const std::size_t t = line.find('\t');
    f.push_back(line.substr(0, t));
    if (t == std::string_view::npos) break;
    line = line.substr(t + 1);
  }
  return f;
}

std::string lower(std::string_view s) {
  std::string o(trim(s));
  for (char& c : o)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return o;
}

bool to_float(std::string_view s, float& v) {
  const std::string t(trim(s));
  if (t.empty()) return false;
  char* end = nullptr;
  v = std::strtof(t.c_str(), &end);
  return end == t.c_str() + t.size() && std::isfinite(v);
}

void load_one(Lexicons& lex, const std::string& kind, const std::string& path) {
  const std::string doc = read_file(path);
  std::size_t used = 0, line_no = 0;
  for (std::string_view line : split_lines(doc)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    const auto f = split_tabs(line);
    float v = 0;
    if (kind == "vader") {
      if (f.size() < 2 || !to_float(f[1], v)) throw InputError(path + ": line " + std::to_string(line_no) + ": not a VADER lexicon row (TOKEN<TAB>MEAN...)");
      lex.vader[lower(f[0])] = v;
    } else if (kind == "afinn") {
      if (f.size() < 2 || !to_float(f[1], v)) throw InputError(path + ": line " + std::to_string(line_no) + ": not an AFINN row (word<TAB>score)");
      const std::string w = lower(f[0]);
      if (w.find(' ') == std::string::npos) lex.afinn[w] = v;
    } else if (kind == "nrc-emolex") {
      if (f.size() < 3) throw InputError(path + ": line " + std::to_string(line_no) + ": not an EmoLex row (word<TAB>category<TAB>0|1)");
      const std::string cat = lower(f[1]);
      const auto it = std::find(std::begin(kEmolexCategories), std::end(kEmolexCategories), cat);
      if (it == std::end(kEmolexCategories)) throw InputError(path + ": line " + std::to_string(line_no) + ": unknown EmoLex category '" + cat + "'");
      if (trim(f[2]) == "1") lex.emolex[lower(f[0])] |= static_cast<std::uint16_t>(1u << (it - std::begin(kEmolexCategories)));
    } else {  // nrc-vad
      float a = 0, d = 0;
      if (f.size() < 4) throw InputError(path + ": line " + std::to_string(line_no) + ": not an NRC VAD row (word<TAB>V<TAB>A<TAB>D)");
      if (!to_float(f[1], v) || !to_float(f[2], a) || !to_float(f[3], d)) {
        if (line_no == 1) continue;  // header "Word Valence Arousal Dominance"
        throw InputError(path + ": line " + std::to_string(line_no) + ": malformed NRC VAD scores");
      }
      lex.vad[lower(f[0])] = {v, a, d};
    }
    ++used;
  }
  if (used == 0) throw InputError(path + ": no lexicon entries");
}

}  // namespace

Lexicons load_lexicons(const std::vector<std::string>& specs) {
  Lexicons lex;
  std::vector<std::pair<std::string, std::string>> todo;
  for (const auto& s : specs) {
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos) throw InputError("--lexicon '" + s + "': expected KIND=PATH (vader, afinn, nrc-emolex, nrc-vad)");
    const std::string kind = lower(s.substr(0, eq));
    if (kind != "vader" && kind != "afinn" && kind != "nrc-emolex" && kind != "nrc-vad")
      throw InputError("--lexicon '" + s + "': unknown kind '" + kind + "' (vader, afinn, nrc-emolex, nrc-vad)");
    todo.emplace_back(kind, s.substr(eq + 1));
  }
  const bool has_vader = std::any_of(todo.begin(), todo.end(), [](const auto& p) { return p.first == "vader"; });
  const bool has_afinn = std::any_of(todo.begin(), todo.end(), [](const auto& p) { return p.first == "afinn"; });
  // Defaults: the permissively licensed lexicons of the shared data folder, when present.
  std::error_code ec;
  const std::string vader_default = "../shared/data/text/lexicon_vader/vader_lexicon.txt";
  const std::string afinn_default = "../shared/data/text/lexicon_afinn/AFINN-en-165.txt";
  if (!has_vader && std::filesystem::exists(vader_default, ec)) todo.emplace_back("vader", vader_default);
  if (!has_afinn && std::filesystem::exists(afinn_default, ec)) todo.emplace_back("afinn", afinn_default);
  if (std::none_of(todo.begin(), todo.end(), [](const auto& p) { return p.first == "vader" || p.first == "afinn"; }))
    throw InputError("the lexicon model needs a valence lexicon: give --lexicon vader=PATH (vader_lexicon.txt) "
                     "and/or --lexicon afinn=PATH (../shared/data/text/lexicon_* not found)");
  for (const auto& [kind, path] : todo) load_one(lex, kind, path);
  return lex;
}

std::vector<std::string> lexicon_feature_names() {
  std::vector<std::string> n = {"vader_pos",   "vader_neg",   "vader_compound", "vader_pos_rate", "vader_neg_rate",
                                "vader_max",   "vader_min",   "negated_hits",   "afinn_pos",      "afinn_neg",
                                "afinn_compound", "exclamations", "questions",  "caps_ratio",     "log_tokens",
                                "but"};
  for (const auto c : kEmolexCategories) n.push_back("emolex_" + std::string(c));
  for (const char* v : {"vad_valence", "vad_arousal", "vad_dominance", "vad_max_arousal", "vad_coverage"}) n.emplace_back(v);
  return n;
}

std::size_t lexicon_feature_count() {
  static const std::size_t n = lexicon_feature_names().size();
  return n;
}

std::vector<float> lexicon_features(const Lexicons& lex, std::string_view text,
                                    std::vector<std::pair<std::string, float>>* hits) {
  struct Tok {
    std::string word;   // lower-case, punctuation stripped
    std::string plain;  // lower-case as written
    bool caps = false;
  };
  std::vector<Tok> toks;
  bool any_lower = false, any_upper = false;
  std::size_t letters = 0, upper_letters = 0, excl = 0, quest = 0;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != '\n') ++j;
    if (j == i) break;
    const std::string_view raw = text.substr(i, j - i);
    i = j;
    Tok t;
    t.plain = lower(raw);
    std::size_t b = 0, e = raw.size();
    auto punct = [](char c) { return std::string_view("!?.,;:\"()[]{}*-_~").find(c) != std::string_view::npos; };
    while (b < e && punct(raw[b])) ++b;
    while (e > b && punct(raw[e - 1])) --e;
    const std::string_view core = raw.substr(b, e - b);
    t.word = lower(core);
    // U+2019 as apostrophe so "don’t" negates.
    for (std::size_t p; (p = t.word.find("\xE2\x80\x99")) != std::string::npos;) t.word.replace(p, 3, "'");
    bool has_alpha = false, all_up = true;
    for (const char c : core) {
      if (c >= 'a' && c <= 'z') {
        any_lower = true;
        all_up = false;
        has_alpha = true;
        ++letters;
      } else if (c >= 'A' && c <= 'Z') {
        any_upper = true;
        has_alpha = true;
        ++letters;
        ++upper_letters;
      }
    }
    t.caps = has_alpha && all_up && core.size() > 1;
    toks.push_back(std::move(t));
  }
  for (const char c : text) {
    if (c == '!') ++excl;
    if (c == '?') ++quest;
  }
  const bool mixed_case = any_lower && any_upper;

  std::vector<float> f(lexicon_feature_count(), 0.0f);
  // Scored hits with their position relative to the first "but".
  std::size_t but_at = toks.size();
  for (std::size_t k = 0; k < toks.size(); ++k)
    if (toks[k].word == "but") {
      but_at = k;
      break;
    }
  float pos = 0, neg = 0, vmax = 0, vmin = 0, afinn_pos = 0, afinn_neg = 0;
  std::size_t n_pos = 0, n_neg = 0, negated = 0;
  std::array<float, 10> emo{};
  float vad_v = 0, vad_a = 0, vad_d = 0, vad_amax = 0;
  std::size_t vad_n = 0;
  // Per-token word classes, looked up once: negation, intensifier (+1), dampener (-1).
  std::vector<char> is_neg(toks.size()), booster(toks.size());
  for (std::size_t k = 0; k < toks.size(); ++k) {
    is_neg[k] = is_negation(toks[k].word);
    booster[k] = intensifiers().count(toks[k].word) ? 1 : dampeners().count(toks[k].word) ? -1 : 0;
  }
  auto negated_at = [&](std::size_t k) {
    for (std::size_t d = 1; d <= 3 && d <= k; ++d)
      if (is_neg[k - d]) return true;
    return false;
  };
  for (std::size_t k = 0; k < toks.size(); ++k) {
    const Tok& t = toks[k];
    const bool neg_here = negated_at(k);
    // VADER valence.
    auto it = lex.vader.find(t.plain);
    if (it == lex.vader.end()) it = lex.vader.find(t.word);
    float v = 0;
    bool hit = false;
    if (it != lex.vader.end() && booster[k] <= 0) {
      v = it->second;
      hit = true;
      const float sign = v >= 0 ? 1.0f : -1.0f;
      if (t.caps && mixed_case) v += sign * kCapsBoost;
      for (std::size_t d = 1; d <= 3 && d <= k; ++d) {
        const float decay = d == 1 ? 1.0f : d == 2 ? 0.95f : 0.9f;
        v += static_cast<float>(booster[k - d]) * sign * kBoost * decay;
      }
      if (neg_here) {
        v *= kNegation;
        ++negated;
      }
      if (but_at < toks.size()) v *= k < but_at ? 0.5f : k > but_at ? 1.5f : 1.0f;
      if (v > 0) {
        pos += v;
        ++n_pos;
      } else if (v < 0) {
        neg += v;
        ++n_neg;
      }
      vmax = std::max(vmax, v);
      vmin = std::min(vmin, v);
    }
    const auto a = lex.afinn.find(t.word);
    if (a != lex.afinn.end()) {
      float s = a->second * (neg_here ? kNegation : 1.0f);
      (s > 0 ? afinn_pos : afinn_neg) += s;
      if (!hit) {
        v = s * 0.8f;  // AFINN -5..5 on VADER's -4..4 scale, for the explanation only
        hit = true;
      }
    }
    if (hit && hits) hits->emplace_back(t.word, v);
    const auto e = lex.emolex.find(t.word);
    if (e != lex.emolex.end())
      for (std::size_t c = 0; c < emo.size(); ++c)
        if (e->second & (1u << c)) emo[c] += 1;
    const auto vd = lex.vad.find(t.word);
    if (vd != lex.vad.end()) {
      vad_v += vd->second[0] - 0.5f;
      vad_a += vd->second[1] - 0.5f;
      vad_d += vd->second[2] - 0.5f;
      vad_amax = std::max(vad_amax, vd->second[1]);
      ++vad_n;
    }
  }
  float sum = pos + neg;
  if (sum != 0) {
    float emph = kExclamation * static_cast<float>(std::min<std::size_t>(excl, 4));
    if (quest > 1) emph += std::min(0.96f, kQuestion * static_cast<float>(quest));
    sum += sum > 0 ? emph : -emph;
  }
  const float n = std::max<float>(1.0f, static_cast<float>(toks.size()));
  const float asum = afinn_pos + afinn_neg;
  std::size_t k = 0;
  f[k++] = pos / 4.0f;
  f[k++] = neg / 4.0f;
  f[k++] = sum / std::sqrt(sum * sum + kAlpha);
  f[k++] = static_cast<float>(n_pos) / n;
  f[k++] = static_cast<float>(n_neg) / n;
  f[k++] = vmax / 4.0f;
  f[k++] = vmin / 4.0f;
  f[k++] = static_cast<float>(negated);
  f[k++] = afinn_pos / 5.0f;
  f[k++] = afinn_neg / 5.0f;
  f[k++] = asum / std::sqrt(asum * asum + kAlpha);
  f[k++] = static_cast<float>(std::min<std::size_t>(excl, 4));
  f[k++] = static_cast<float>(std::min<std::size_t>(quest, 4));
  f[k++] = letters > 0 ? static_cast<float>(upper_letters) / static_cast<float>(letters) : 0.0f;
  f[k++] = std::log1p(static_cast<float>(toks.size()));
  f[k++] = but_at < toks.size() ? 1.0f : 0.0f;
  for (const float c : emo) f[k++] = c / std::sqrt(n);
  f[k++] = vad_n ? vad_v / static_cast<float>(vad_n) : 0.0f;
  f[k++] = vad_n ? vad_a / static_cast<float>(vad_n) : 0.0f;
  f[k++] = vad_n ? vad_d / static_cast<float>(vad_n) : 0.0f;
  f[k++] = vad_amax;
  f[k++] = static_cast<float>(vad_n) / n;
  return f;
}

}  // namespace sentio::text::detail
