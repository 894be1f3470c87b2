// SPDX-License-Identifier: Apache-2.0
// The sentio-torch plugin's one entry point (sentio/core/plugin.hpp): registers the libtorch models with
// the library's loaders and lists the plugin's commands.
#include <exception>

#include "plugins/plugin_commands.hpp"
#include "sentio/core/plugin.hpp"
#include "sentio/ser_neural/models.hpp"
#include "sentio/text_neural/neural_text_model.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"

namespace {

std::unique_ptr<sentio::vision::FaceModel> load_face_model(const sentio::vision::FaceModelOptions& options) {
  return std::make_unique<sentio::vision::FaceAnalyzer>(options);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void sentio_register_plugin(sentio::PluginRegistration* r) {
  using namespace sentio;
  torch_runtime::set_threads(1);
  ser::register_neural_model_formats();
  text_neural::register_text_model_format();
  vision::register_face_backend({&load_face_model, &vision::decode_image_file});
  r->abi_version = kPluginAbiVersion;
  r->commands = {
      {"eval-face", &cli::eval_face_command},
      {"train-face", &cli::train_face_command},
      {"train-face-cues", &cli::train_face_cues_command},
      {"train-ser", &cli::train_ser_command},
      {"eval-ser", &cli::eval_ser_command},
      {"train-text-neural", &cli::train_text_neural_command},
      {"eval-text-neural", &cli::eval_text_neural_command},
  };
}
