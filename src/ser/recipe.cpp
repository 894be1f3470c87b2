// SPDX-License-Identifier: Apache-2.0
// The eGeMAPS models' training recipe from raw rows: normalisation, augmented copies, prior (linear_model.hpp).
#include <string>

#include "sentio/core/error.hpp"
#include "sentio/ser/augment.hpp"
#include "sentio/ser/linear_model.hpp"

namespace sentio::ser {

LinearModel train_on_raw(const Dataset& raw, const std::vector<std::size_t>& rows, const TrainOptions& options) {
  Dataset data = raw.originals();
  std::vector<std::size_t> train = rows;
  if (options.augment) {
    if (raw.augmented_source.empty())
      throw InputError("SER training with augmentation: the features of the augmented copies were not extracted");
    std::vector<bool> in_rows(raw.size(), false);
    for (std::size_t r : rows) in_rows[r] = true;
    const std::size_t d = raw.n_features;
    const auto& variants = augment_variants();
    for (std::size_t i = 0; i < raw.augmented_source.size(); ++i) {
      const std::size_t src = raw.augmented_source[i];
      if (!in_rows[src]) continue;
      train.push_back(data.size());
      data.x.insert(data.x.end(), raw.augmented_x.begin() + static_cast<std::ptrdiff_t>(i * d),
                    raw.augmented_x.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
      data.labels.push_back(raw.labels[src]);
      // A speaker of its own for the normalisation: the copies share their variant's shifted statistics.
      data.speakers.push_back(raw.speakers[src] + '\x1f' + variants[static_cast<std::size_t>(raw.augmented_variant[i])].name);
      data.paths.push_back(raw.paths[src]);
      data.corpora.push_back(raw.corpora[src]);
    }
  }
  normalise_per_speaker(data);
  LinearModel model = train_linear(data, train, options);
  model.n_train = rows.size();
  set_normalisation_prior(model, raw, rows);
  return model;
}

}  // namespace sentio::ser
