// SPDX-License-Identifier: Apache-2.0
// Text-emotion model files (lexicon and hashed n-gram JSON models), then one prediction with the model.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/text/emotion_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sentio::fuzz::write_input(data, size, ".json");
  try {
    const auto model = sentio::text::load_text_model(path);
    (void)model->predict({"I cannot believe this, it is wonderful!", "no"}, 3);
  } catch (const sentio::InputError&) {
  }
  return 0;
}
