// SPDX-License-Identifier: Apache-2.0
#pragma once
// Speech-emotion corpora manifests (../shared/data/ser/*/manifest.csv):
//   path,speaker,gender,emotion,language,text_id
// with `path` relative to the manifest's folder (absolute paths are kept as they are).
//
// Label mapping (map_emotion_label): a label is looked up in Sentio's label table (core/labels.hpp) and
// kept when its standard name is one of the nine speech classes: the seven core labels, and the corpus
// extras calm (RAVDESS) and boredom (EmoDB), which stay classes of their own. So happy/hap/joy ->
// happiness, angry/ang/mad -> anger, fearful/fea/scared -> fear, neu -> neutral, bored -> boredom, and so
// on; the manifest reader also accepts the one-letter codes n, h, s, a, f, d (neutral, happiness,
// sadness, anger, fear, disgust), which the shared table leaves out. Anything else (contempt included)
// is an unknown label: the row is skipped and counted, never guessed.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sentio::ser {

// The canonical class order: the 7 core labels, then the extras (calm, boredom). Models list their
// classes in this order (restricted to the classes seen in training).
const std::vector<std::string>& canonical_labels();
// Canonical label for a raw corpus label (case-insensitive, surrounding blanks ignored), or nullopt.
std::optional<std::string> map_emotion_label(std::string_view raw);

struct ManifestItem {
  std::string path;     // resolved: absolute, or relative to the current directory
  std::string speaker;  // as written (corpora prefix it, e.g. "ravdess_01")
  std::string gender;
  std::string label;    // canonical label
  std::string language;
  std::string text_id;
  std::string corpus;   // name of the manifest's folder ("ravdess"), the group of leave-one-corpus-out
};

struct Manifest {
  std::vector<ManifestItem> items;                     // usable rows, in file order
  std::size_t n_missing_files = 0;                     // rows whose audio file does not exist
  std::map<std::string, std::size_t> unknown_labels;   // raw label -> rows skipped
  std::vector<std::string> problems;                   // one line per skipped row ("manifest:line: cause")
};

// Reads one manifest. Throws sentio::InputError when the file cannot be read, is empty, or lacks one of
// the columns path, speaker, emotion. Rows with missing files, unknown labels or too few fields are
// skipped and reported in the result (not thrown).
Manifest read_manifest(const std::string& manifest_path);
// Several manifests concatenated (items, counts and problems merged).
Manifest read_manifests(const std::vector<std::string>& manifest_paths);

// Which classes a model is trained on: every class of the data (all), or the 7 core labels (core), the
// corpus extras merged into them: calm (RAVDESS) -> neutral, boredom (EmoDB) -> neutral. The shipped
// default model is trained with core, so it never answers with a class that exists in one corpus only.
enum class ClassSet { all, core };
ClassSet parse_class_set(const std::string& name);  // "all" or "core"; InputError otherwise
// The core label an extra class is merged into ("calm" -> "neutral"); other labels unchanged.
std::string core_label(const std::string& label);
// Applies `set` to every item's label (core: core_label; all: unchanged).
void apply_class_set(Manifest& manifest, ClassSet set);

}  // namespace sentio::ser
