// SPDX-License-Identifier: Apache-2.0
// Speech-emotion model files (the linear model's JSON; other kinds by their extension need the plugin).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/ser/emotion_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sentio::fuzz::write_input(data, size, ".json");
  try {
    (void)sentio::ser::load_emotion_model(path);
  } catch (const sentio::InputError&) {
  }
  return 0;
}
