// SPDX-License-Identifier: Apache-2.0
// Feature extraction across files (thread pool), with the augmented copies of each clip on request.
#include <cmath>
#include <exception>

#include "sentio/core/error.hpp"
#include "sentio/core/thread_pool.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/ser/augment.hpp"
#include "sentio/ser/linear_model.hpp"

namespace sentio::ser {
namespace {

// The 88 functionals of one clip decoded at 16 kHz, and with `augment` those of each augmented copy
// after them (1 + augment_variants().size() rows). InputError naming `path` when one is not finite.
std::vector<double> clip_functionals(const std::vector<float>& pcm, const std::string& path, bool augment) {
  std::vector<double> out;
  const auto add = [&](const std::vector<float>& audio) {
    const features::EgemapsFunctionals f = features::egemaps_functionals(audio, features::kEgemapsSampleRate, 1);
    for (double v : f)
      if (!std::isfinite(v)) throw InputError("'" + path + "': non-finite eGeMAPS functional");
    out.insert(out.end(), f.begin(), f.end());
  };
  add(pcm);
  if (augment)
    for (const AudioVariant& v : augment_variants()) add(apply_variant(pcm, features::kEgemapsSampleRate, v));
  return out;
}

}  // namespace

void add_clip(Dataset& data, const ManifestItem& item, const std::vector<double>& functionals) {
  const std::size_t d = data.n_features;
  SENTIO_ASSERT(d > 0 && functionals.size() >= d && functionals.size() % d == 0);
  const std::size_t row = data.size();
  data.x.insert(data.x.end(), functionals.begin(), functionals.begin() + static_cast<std::ptrdiff_t>(d));
  data.labels.push_back(item.label);
  data.speakers.push_back(item.speaker);
  data.paths.push_back(item.path);
  data.corpora.push_back(item.corpus);
  for (std::size_t c = 1; c < functionals.size() / d; ++c) {
    data.augmented_x.insert(data.augmented_x.end(), functionals.begin() + static_cast<std::ptrdiff_t>(c * d),
                            functionals.begin() + static_cast<std::ptrdiff_t>((c + 1) * d));
    data.augmented_source.push_back(row);
    data.augmented_variant.push_back(static_cast<int>(c - 1));
  }
}

Dataset extract_egemaps(const Manifest& manifest, int n_threads, bool augment,
                        std::vector<std::vector<float>>* keep_audio) {
  SENTIO_ASSERT(n_threads >= 1);
  constexpr std::size_t kMinKeptSamples = features::kEgemapsSampleRate / 10;
  const std::size_t n = manifest.items.size();
  std::vector<std::vector<double>> rows(n);
  std::vector<std::vector<float>> audio(keep_audio ? n : 0);
  std::vector<std::string> errors(n);
  ThreadPool pool(n_threads);
  // One file per task; each extraction single-threaded (parallelism is across files).
  pool.run_tasks(n, [&](std::size_t i, int) {
    try {
      const std::string& path = manifest.items[i].path;
      std::vector<float> pcm = media::decode_audio(path, features::kEgemapsSampleRate);
      if (keep_audio && pcm.size() < kMinKeptSamples) throw InputError("'" + path + "': shorter than 0.1 s");
      rows[i] = clip_functionals(pcm, path, augment);
      if (keep_audio) audio[i] = std::move(pcm);
    } catch (const InputError& e) {
      errors[i] = e.what();
    }
  });
  Dataset data;
  data.n_features = features::kEgemapsFunctionalCount;
  for (std::size_t i = 0; i < n; ++i) {
    if (rows[i].empty()) {
      data.problems.push_back(errors[i]);
      continue;
    }
    add_clip(data, manifest.items[i], rows[i]);
    if (keep_audio) keep_audio->push_back(std::move(audio[i]));
  }
  return data;
}

}  // namespace sentio::ser
