// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sentio's one emotion label space, shared by every modality.
//
// The core space is the seven labels of Emotion (Ekman's six basic emotions plus neutral), in this order
// everywhere (probability arrays, confusion matrices, model outputs). Corpora and models label their data
// in other words; the alias table below says what each of those words means: its standard name (a core
// name, or an extra label that has no core class of its own) and the core label it stands for, if any.
// Modules keep their own class lists (the speech models keep calm and boredom as classes, text models keep
// a corpus's own labels); the table only says what a label means in the core space.
//
// Spellings are matched case-insensitively, ignoring surrounding blanks, with ' ' and '-' read as '_'
// ("No Emotion" = "no-emotion" = "no_emotion").
//
// Mapping decisions (standard name <- spellings: core equivalent; reason):
//   neutral   <- neutral, neu, neutrality, no_emotion, noemotion: neutral
//                (neu: IEMOCAP/CREMA-D code; no_emotion: DailyDialog's name for its class 0)
//   happiness <- happiness, happy, hap, joy, joyful: happiness
//                (MELD, BRIGHTER and GoEmotions' Ekman set call Ekman's happiness "joy"; EmoryNLP "Joyful";
//                FER2013/RAVDESS "happy")
//   sadness   <- sadness, sad: sadness
//   anger     <- anger, angry, ang, mad: anger                (EmoryNLP "Mad")
//   fear      <- fear, fearful, fea, scared, afraid: fear     (EmoryNLP "Scared", RAVDESS "fearful")
//   disgust   <- disgust, disgusted, dis: disgust
//   surprise  <- surprise, surprised, sur: surprise
//   calm      <- calm, peaceful: neutral
//                RAVDESS's calm is a low-arousal, mildly positive reading of the same neutral sentences;
//                the core space has no category for contentment, and calm is closest to neutral (it is
//                what the default speech model's calm class adds to neutral). EmoryNLP's Peaceful (the
//                feeling-wheel family content/relaxed/serene) is the same state, so it shares the entry
//                (and calm's circumplex point, core/affect.hpp).
//   boredom   <- boredom, bored: neutral
//                EmoDB's low-arousal boredom has no Ekman category; it is not a loss (sadness), and
//                folding EmoDB's large boredom class into sadness would inflate sadness. Neutral is the
//                nearest core label for the default speech model.
//   contempt  <- contempt, contemptuous: none
//                CK+ and AffectNet label it, no Sentio model predicts it; putting it under disgust or
//                anger would be a guess, so it has no core equivalent (face evaluation skips it).
//   powerful  <- powerful: happiness
//                EmoryNLP's Powerful (proud, confident, hopeful, appreciated) is positive; GoEmotions'
//                Ekman mapping puts pride and optimism under joy, and the same reasoning applies.
//   GoEmotions' fine labels keep their own names, with the core equivalent of GoEmotions' Ekman mapping
//   (Demszky et al., "GoEmotions", ACL 2020, the ekman_mapping of the dataset release):
//     happiness <- admiration, amusement, approval, caring, desire, excitement, gratitude, love, optimism,
//                  pride, relief (and joy, above)
//     anger     <- annoyance, disapproval        fear     <- nervousness
//     sadness   <- disappointment, embarrassment, grief, remorse
//     surprise  <- confusion, curiosity, realization
// Deliberately not in the table:
//   * one-letter codes: they differ between corpora (SAVEE writes sa/su for sadness/surprise; EmoDB's
//     German initials have A = Angst = fear and F = Freude = happiness). The SER manifest reader keeps
//     its own n/h/s/a/f/d codes.
//   * "none": text corpora use it for "no emotion", but AffectNet's None means "none of the eight
//     expressions". The text corpus reader keeps none -> neutral itself.
//   * GoEmotions' sentiment groups (positive, negative, ambiguous): polarities, not emotions.
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sentio {

// The core labels, in this order everywhere.
enum class Emotion : int { neutral = 0, happiness, sadness, anger, fear, disgust, surprise };
inline constexpr std::size_t kEmotionCount = 7;
inline constexpr std::array<std::string_view, kEmotionCount> kEmotionNames = {
    "neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"};
// Probabilities over the core labels, indexed by static_cast<std::size_t>(Emotion).
using EmotionProbs = std::array<float, kEmotionCount>;

std::string_view emotion_name(Emotion e);  // "neutral", "happiness", ...
const std::array<std::string_view, kEmotionCount>& emotion_names();
// The Emotion whose name is exactly `name` (a core standard name, lower case), or nullopt. Spellings such
// as "Happy" or "joy" are not names: resolve them with lookup_label first.
std::optional<Emotion> emotion_from_name(std::string_view name);
// How a person in that state is described in plain English: "neutral", "happy", "sad", "angry", "afraid",
// "disgusted", "surprised".
std::string_view emotion_adjective(Emotion e);

// What a label means: its standard name and its core equivalent (nullopt: none).
struct LabelInfo {
  std::string_view name;
  std::optional<Emotion> core;
};
// The table entry of a spelling (matched as described above), or nullopt for a name the table lacks.
std::optional<LabelInfo> lookup_label(std::string_view alias);

// One row of the alias table: a spelling (lower case, '_' for blanks) and the standard name it means.
struct LabelAlias {
  std::string_view alias;
  std::string_view name;
};
// Every row of the table (for documentation and tests), grouped by standard name, each group starting
// with the name itself: the core names in Emotion order, then the extras.
std::span<const LabelAlias> label_aliases();

// A model's labels mapped into the core space.
class CanonicalMap {
 public:
  CanonicalMap() = default;
  // Each model label is looked up in the alias table; labels without a core equivalent, and unknown
  // labels, map to none.
  explicit CanonicalMap(std::span<const std::string> model_labels);

  std::size_t size() const { return index_.size(); }  // number of model labels
  // Core index of model label `label` (static_cast<int>(Emotion)), -1 when it has no core equivalent.
  int core_index(std::size_t label) const;
  std::optional<Emotion> core(std::size_t label) const;
  const std::vector<int>& core_indices() const { return index_; }
  bool maps_any() const;  // some model label has a core equivalent

  // Core probabilities from model probabilities (size() values): each core label gets the sum of the
  // probabilities of the model labels mapped to it, divided by the total probability of all mapped model
  // labels (so the result sums to 1). All zero when that total is not positive (nothing maps, or the
  // mapped labels have no mass).
  EmotionProbs canonical(std::span<const float> probabilities) const;

 private:
  std::vector<int> index_;
};

}  // namespace sentio
