// SPDX-License-Identifier: Apache-2.0
// The emotion label table; the mapping decisions and their reasons are in labels.hpp.
#include "sentio/core/labels.hpp"

#include <cctype>

#include "sentio/core/error.hpp"

namespace sentio {

namespace {

// Standard names: the core ones map to themselves; the extras and their core equivalents.
struct Standard {
  std::string_view name;
  std::optional<Emotion> core;
};
constexpr Standard kStandard[] = {
    {"calm", Emotion::neutral},
    {"boredom", Emotion::neutral},
    {"contempt", std::nullopt},
    {"powerful", Emotion::happiness},
    // GoEmotions' fine labels, core equivalents from its Ekman mapping
    {"admiration", Emotion::happiness},
    {"amusement", Emotion::happiness},
    {"approval", Emotion::happiness},
    {"caring", Emotion::happiness},
    {"desire", Emotion::happiness},
    {"excitement", Emotion::happiness},
    {"gratitude", Emotion::happiness},
    {"love", Emotion::happiness},
    {"optimism", Emotion::happiness},
    {"pride", Emotion::happiness},
    {"relief", Emotion::happiness},
    {"annoyance", Emotion::anger},
    {"disapproval", Emotion::anger},
    {"nervousness", Emotion::fear},
    {"disappointment", Emotion::sadness},
    {"embarrassment", Emotion::sadness},
    {"grief", Emotion::sadness},
    {"remorse", Emotion::sadness},
    {"confusion", Emotion::surprise},
    {"curiosity", Emotion::surprise},
    {"realization", Emotion::surprise},
};

constexpr LabelAlias kAliases[] = {
    // core labels
    {"neutral", "neutral"},
    {"neu", "neutral"},
    {"neutrality", "neutral"},
    {"no_emotion", "neutral"},
    {"noemotion", "neutral"},
    {"happiness", "happiness"},
    {"happy", "happiness"},
    {"hap", "happiness"},
    {"joy", "happiness"},
    {"joyful", "happiness"},
    {"sadness", "sadness"},
    {"sad", "sadness"},
    {"anger", "anger"},
    {"angry", "anger"},
    {"ang", "anger"},
    {"mad", "anger"},
    {"fear", "fear"},
    {"fearful", "fear"},
    {"fea", "fear"},
    {"scared", "fear"},
    {"afraid", "fear"},
    {"disgust", "disgust"},
    {"disgusted", "disgust"},
    {"dis", "disgust"},
    {"surprise", "surprise"},
    {"surprised", "surprise"},
    {"sur", "surprise"},
    // extras
    {"calm", "calm"},
    {"peaceful", "calm"},
    {"boredom", "boredom"},
    {"bored", "boredom"},
    {"contempt", "contempt"},
    {"contemptuous", "contempt"},
    {"powerful", "powerful"},
    {"admiration", "admiration"},
    {"amusement", "amusement"},
    {"approval", "approval"},
    {"caring", "caring"},
    {"desire", "desire"},
    {"excitement", "excitement"},
    {"gratitude", "gratitude"},
    {"love", "love"},
    {"optimism", "optimism"},
    {"pride", "pride"},
    {"relief", "relief"},
    {"annoyance", "annoyance"},
    {"disapproval", "disapproval"},
    {"nervousness", "nervousness"},
    {"disappointment", "disappointment"},
    {"embarrassment", "embarrassment"},
    {"grief", "grief"},
    {"remorse", "remorse"},
    {"confusion", "confusion"},
    {"curiosity", "curiosity"},
    {"realization", "realization"},
};

// Lower case, surrounding blanks dropped, inner ' ' and '-' as '_'.
std::string normalise(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == ' ' || c == '-') c = '_';
  }
  return out;
}

// The entry of a standard name (core or extra).
std::optional<LabelInfo> standard(std::string_view name) {
  if (const std::optional<Emotion> e = emotion_from_name(name)) return LabelInfo{emotion_name(*e), e};
  for (const Standard& s : kStandard)
    if (s.name == name) return LabelInfo{s.name, s.core};
  return std::nullopt;
}

}  // namespace

std::string_view emotion_name(Emotion e) {
  const auto i = static_cast<std::size_t>(e);
  SENTIO_ASSERT(i < kEmotionCount);
  return kEmotionNames[i];
}

const std::array<std::string_view, kEmotionCount>& emotion_names() { return kEmotionNames; }

std::string_view emotion_adjective(Emotion e) {
  static constexpr std::array<std::string_view, kEmotionCount> kAdjectives = {
      "neutral", "happy", "sad", "angry", "afraid", "disgusted", "surprised"};
  const auto i = static_cast<std::size_t>(e);
  SENTIO_ASSERT(i < kEmotionCount);
  return kAdjectives[i];
}

std::optional<Emotion> emotion_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kEmotionCount; ++i)
    if (kEmotionNames[i] == name) return static_cast<Emotion>(i);
  return std::nullopt;
}

std::optional<LabelInfo> lookup_label(std::string_view alias) {
  const std::string key = normalise(alias);
  if (key.empty()) return std::nullopt;
  for (const LabelAlias& a : kAliases)
    if (a.alias == key) return standard(a.name);
  return std::nullopt;
}

std::span<const LabelAlias> label_aliases() { return kAliases; }

CanonicalMap::CanonicalMap(std::span<const std::string> model_labels) {
  index_.reserve(model_labels.size());
  for (const std::string& l : model_labels) {
    const std::optional<LabelInfo> info = lookup_label(l);
    index_.push_back(info && info->core ? static_cast<int>(*info->core) : -1);
  }
}

int CanonicalMap::core_index(std::size_t label) const {
  SENTIO_ASSERT(label < index_.size());
  return index_[label];
}

std::optional<Emotion> CanonicalMap::core(std::size_t label) const {
  const int i = core_index(label);
  if (i < 0) return std::nullopt;
  return static_cast<Emotion>(i);
}

bool CanonicalMap::maps_any() const {
  for (const int i : index_)
    if (i >= 0) return true;
  return false;
}

EmotionProbs CanonicalMap::canonical(std::span<const float> probabilities) const {
  SENTIO_ASSERT(probabilities.size() == index_.size());
  EmotionProbs out{};
  float total = 0;
  for (std::size_t k = 0; k < index_.size(); ++k) {
    if (index_[k] < 0) continue;
    out[static_cast<std::size_t>(index_[k])] += probabilities[k];
    total += probabilities[k];
  }
  if (!(total > 0)) return EmotionProbs{};
  for (float& p : out) p /= total;
  return out;
}

}  // namespace sentio
