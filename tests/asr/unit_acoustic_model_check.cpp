// SPDX-License-Identifier: Apache-2.0
// Damaged acoustic-model files are InputErrors naming the file. Without the checks, pocketsphinx ends
// the process (or crashes) on every case below: a failure of these tests may end the test program.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "sentio/asr/recognizer.hpp"
#include "sentio/core/error.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace sentio::asr;

namespace {

enum class Damage { truncate_half, empty, random_bytes };

// A copy of the system's en-us acoustic model with `file` damaged.
fs::path damaged_model(const std::string& file, Damage damage) {
  const fs::path copy = sentio::test::temp_dir() / "en-us";
  fs::copy(fs::path(default_model_dir()) / "en-us", copy);
  const fs::path target = copy / file;
  const auto size = static_cast<std::size_t>(fs::file_size(target));
  switch (damage) {
    case Damage::truncate_half: fs::resize_file(target, size / 2); break;
    case Damage::empty: fs::resize_file(target, 0); break;
    case Damage::random_bytes: {
      std::mt19937 rng(12345);  // fixed: the same bytes on every run
      std::string bytes(size, '\0');
      for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
      std::ofstream(target, std::ios::binary | std::ios::trunc) << bytes;
      break;
    }
  }
  return copy;
}

// A grammar keeps the successful loads of the control case quick.
RecognizerOptions options_with(const fs::path& acoustic_model) {
  const fs::path grammar = sentio::test::temp_dir() / "yes_no.jsgf";
  std::ofstream(grammar) << "#JSGF V1.0;\ngrammar g;\npublic <s> = yes | no;\n";
  RecognizerOptions o;
  o.acoustic_model = acoustic_model.string();
  o.grammar = grammar.string();
  return o;
}

void expect_input_error_naming(const fs::path& model, const std::string& file) {
  try {
    SpeechRecognizer r(options_with(model), 1);
    ADD_FAILURE() << "no error for damaged " << file;
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find((model / file).string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("damaged acoustic model file"), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(AcousticModelCheck, IntactCopyLoads) {
  const fs::path copy = sentio::test::temp_dir() / "en-us";
  fs::copy(fs::path(default_model_dir()) / "en-us", copy);
  const SpeechRecognizer r(options_with(copy), 1);
  EXPECT_EQ(r.decoders(), 1);
}

TEST(AcousticModelCheck, DamagedGaussiansAndTransitionMatrices) {
  for (const char* file : {"means", "variances", "transition_matrices"}) {
    SCOPED_TRACE(file);
    expect_input_error_naming(damaged_model(file, Damage::truncate_half), file);
    expect_input_error_naming(damaged_model(file, Damage::empty), file);
    expect_input_error_naming(damaged_model(file, Damage::random_bytes), file);
  }
}

TEST(AcousticModelCheck, DamagedModelDefinitionAndSenoneDump) {
  for (const char* file : {"mdef", "sendump"}) {
    SCOPED_TRACE(file);
    expect_input_error_naming(damaged_model(file, Damage::truncate_half), file);
    expect_input_error_naming(damaged_model(file, Damage::empty), file);
    expect_input_error_naming(damaged_model(file, Damage::random_bytes), file);
  }
}

TEST(AcousticModelCheck, MissingMixtureWeights) {
  const fs::path copy = sentio::test::temp_dir() / "en-us";
  fs::copy(fs::path(default_model_dir()) / "en-us", copy);
  fs::remove(copy / "sendump");
  try {
    SpeechRecognizer r(options_with(copy), 1);
    FAIL() << "no error without mixture weights";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no mixture weights"), std::string::npos) << e.what();
  }
}
