// SPDX-License-Identifier: Apache-2.0
// Feature extraction across files (thread pool).
#include <cmath>
#include <exception>
#include <optional>

#include "sentio/core/error.hpp"
#include "sentio/core/thread_pool.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/ser/linear_model.hpp"

namespace sentio::ser {

Dataset extract_egemaps(const Manifest& manifest, int n_threads) {
  SENTIO_ASSERT(n_threads >= 1);
  const std::size_t n = manifest.items.size();
  constexpr std::size_t d = features::kEgemapsFunctionalCount;
  std::vector<std::optional<features::EgemapsFunctionals>> rows(n);
  std::vector<std::string> errors(n);
  ThreadPool pool(n_threads);
  // One file per task; each extraction single-threaded (parallelism is across files).
  pool.run_tasks(n, [&](std::size_t i, int) {
    try {
      const std::vector<float> pcm = media::decode_audio(manifest.items[i].path, features::kEgemapsSampleRate);
      const features::EgemapsFunctionals f = features::egemaps_functionals(pcm, features::kEgemapsSampleRate, 1);
      for (double v : f)
        if (!std::isfinite(v)) throw InputError("'" + manifest.items[i].path + "': non-finite eGeMAPS functional");
      rows[i] = f;
    } catch (const InputError& e) {
      errors[i] = e.what();
    }
  });
  Dataset data;
  data.n_features = d;
  for (std::size_t i = 0; i < n; ++i) {
    if (!rows[i]) {
      data.problems.push_back(errors[i]);
      continue;
    }
    data.x.insert(data.x.end(), rows[i]->begin(), rows[i]->end());
    data.labels.push_back(manifest.items[i].label);
    data.speakers.push_back(manifest.items[i].speaker);
    data.paths.push_back(manifest.items[i].path);
    data.corpora.push_back(manifest.items[i].corpus);
  }
  return data;
}

}  // namespace sentio::ser
