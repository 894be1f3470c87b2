// SPDX-License-Identifier: Apache-2.0
// training.json of `sentio train face`.
#include <nlohmann/json.hpp>

#include "sentio/vision_neural/face_training.hpp"

namespace sentio::vision {

std::string face_training_json(const FaceTrainOptions& o, const FaceTrainReport& r) {
  nlohmann::ordered_json j;
  j["model"] = "emotion";
  j["options"] = {{"manifest", o.manifest},
                  {"split", o.split},
                  {"base_model", o.base_model},
                  {"epochs", o.epochs},
                  {"learning_rate", o.learning_rate},
                  {"weight_decay", o.weight_decay},
                  {"label_smoothing", o.label_smoothing},
                  {"batch_size", o.batch_size},
                  {"seed", o.seed},
                  {"holdout_fraction", o.holdout_fraction},
                  {"augment", o.augment},
                  {"threads", o.threads},
                  {"max_images", o.max_images}};
  j["n_train"] = r.n_train;
  j["n_holdout"] = r.n_holdout;
  j["n_skipped"] = r.n_skipped;
  j["base_holdout_accuracy"] = r.base_holdout_accuracy;
  nlohmann::ordered_json epochs = nlohmann::ordered_json::array();
  for (const FaceTrainEpoch& e : r.epochs)
    epochs.push_back({{"epoch", e.epoch},
                      {"train_loss", e.train_loss},
                      {"train_accuracy", e.train_accuracy},
                      {"holdout_accuracy", e.holdout_accuracy},
                      {"holdout_loss", e.holdout_loss},
                      {"seconds", e.seconds}});
  j["epochs"] = epochs;
  j["chosen_epoch"] = r.chosen_epoch;
  j["seconds"] = r.seconds;
  return j.dump(1) + "\n";
}

}  // namespace sentio::vision
