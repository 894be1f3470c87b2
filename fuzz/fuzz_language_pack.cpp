// SPDX-License-Identifier: Apache-2.0
// The multilingual text pack: a folder with the language-identification model `languages.stm`, its
// SHA256SUMS and a language's emotion model (`deu.stm`), from three parts of the input. The pack is opened,
// the language of two texts detected and the German model loaded (each file checked against the sums).
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/text/language.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = sentio::fuzz::split_parts(data, size, 3);
  const std::filesystem::path dir = sentio::fuzz::input_dir() / "pack";
  std::filesystem::create_directories(dir);
  sentio::fuzz::write_file("pack/languages.stm", parts[0]);
  sentio::fuzz::write_file("pack/SHA256SUMS", parts[1]);
  sentio::fuzz::write_file("pack/deu.stm", parts[2]);
  try {
    const sentio::text::LanguagePack pack(dir.string());
    (void)pack.detect({"Das ist ja wunderbar!", "I am so happy today"});
    (void)pack.model("deu");
  } catch (const sentio::InputError&) {
  }
  return 0;
}
