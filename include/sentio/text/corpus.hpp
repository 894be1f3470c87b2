// SPDX-License-Identifier: Apache-2.0
#pragma once
// Labelled text corpora (issue 5, items 3-4): utterances with one or several emotion labels, the speaker
// and the dialogue they belong to, read from the formats of the public emotion corpora and from a generic
// CSV. Labels come out canonical (see canonical_label); docs/TEXT.md lists the formats and mappings.
//
// Formats (CorpusFormat::automatic picks one from the path and the first line):
//  * meld        MELD's *_sent_emo.csv (Utterance, Speaker, Emotion, Dialogue_ID, Utterance_ID, ...) and
//                EmoryNLP's CSV from the MELD repository (Scene_ID + Season + Episode instead of Dialogue_ID).
//  * emorynlp    EmoryNLP as TSV "speaker<TAB>utterance<TAB>Emotion", a blank line between scenes (the
//                CoMPM staging of the full train/dev/test split). Scenes become dialogues "scene<N>".
//  * dailydialog dialogues_<split>.txt (utterances separated by "__eou__") with its sibling
//                dialogues_emotion_<split>.txt (ids 0..6); either file may be given. Speakers alternate A/B.
//  * goemotions  TSV "text<TAB>ids<TAB>comment id", ids comma-separated into the labels.txt next to the
//                file (28 original names, the 7 Ekman names or the 4 sentiment groups). Multi-label.
//  * brighter    BRIGHTER / SemEval-2025 Task 11 CSV "id,text,<emotion columns>" (anger, disgust, fear, joy,
//                sadness, surprise; any subset, any case): cells 0/1 (presence) or 0-3 (intensity), present
//                when > 0; joy -> happiness; a row with no emotion present is "neutral". Multi-label. Rows
//                with an empty emotion cell are skipped and counted.
//  * xed         XED TSV "sentence<TAB>ids" (1 anger, 2 anticipation, 3 disgust, 4 fear, 5 joy, 6 sadness,
//                7 surprise, 8 trust; 0 neutral), or its neutral files "<number><TAB>sentence". Multi-label.
//  * carer       CARER "text;label" lines (sadness, joy, love, anger, fear, surprise). Single-label.
//  * csv         generic CSV: columns `text` and `label` (several labels separated by ';'), optional
//                `dialogue_id`, `speaker`, `utterance_id` (orders the dialogue when numeric).
// Bad rows (too few fields, empty text, no label, label id out of range) are skipped, counted and the
// first ones described in Corpus::problems. A missing, empty or binary file, or one without a single
// usable row, throws InputError naming it.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sentio/core/labels.hpp"

namespace sentio::text {

struct LabelledUtterance {
  std::string text;                 // cleaned UTF-8, never empty
  std::vector<std::string> labels;  // canonical label names, at least one, no duplicates
  std::string speaker;              // empty = unknown
  std::string dialogue_id;          // empty = not part of a dialogue
  int order = -1;                   // position within the dialogue (0-based); -1 = unknown
};

struct Corpus {
  std::vector<LabelledUtterance> items;
  std::string format;        // "meld", "emorynlp", "dailydialog", "goemotions", "brighter", "xed", "carer", "csv"
  std::string label_set;     // "core", "emorynlp", "goemotions-28", "goemotions-ekman", "goemotions-group", "xed",
                             // "carer", "custom"
  bool multi_label = false;  // some item has more than one label (always true for GoEmotions)
  std::size_t bad_rows = 0;
  std::vector<std::string> problems;  // the first bad rows, each "file: line N: cause"
};

enum class CorpusFormat { automatic, meld, emorynlp, dailydialog, goemotions, csv, brighter, xed, carer };

// "auto", "meld", "emorynlp", "dailydialog", "goemotions", "brighter", "xed", "carer", "csv" -> format;
// InputError otherwise.
CorpusFormat parse_corpus_format(std::string_view name);

// Reads one corpus file. Throws InputError (file named) for unreadable, empty, binary or unusable input.
Corpus read_corpus(const std::string& path, CorpusFormat format = CorpusFormat::automatic);

// Several files (e.g. two training sets) as one corpus; dialogue ids are prefixed with the file index
// when more than one file is given, so dialogues of different files never merge.
Corpus read_corpora(const std::vector<std::string>& paths, CorpusFormat format = CorpusFormat::automatic);

// Sentio's core labels (core/labels.hpp), the order the default text model uses.
inline constexpr const auto& kCoreLabels = sentio::kEmotionNames;

// Maps a corpus label to Sentio's name: lower-cased and trimmed, ' ' and '-' as '_', then every spelling
// the shared label table (core/labels.hpp) gives for a core label is folded onto it (joy/joyful/happy ->
// happiness, mad/angry -> anger, scared/afraid/fearful -> fear, sad -> sadness, disgusted -> disgust,
// surprised -> surprise, no_emotion -> neutral, ...), and "none" -> neutral (a text-corpus reading the
// shared table does not make). Any other label is kept under its lower-case name (EmoryNLP
// peaceful/powerful, GoEmotions-28 names such as admiration, calm, bored), even where the table gives it
// a core equivalent: the model's classes stay the corpus's classes.
std::string canonical_label(std::string_view raw);

// Label statistics: label -> number of items carrying it.
std::map<std::string, std::size_t> label_counts(const Corpus& corpus);

}  // namespace sentio::text
