// SPDX-License-Identifier: Apache-2.0
// Sentio in a program: analyse one recording, print the result as JSON (schema sentio.analysis/2).
//   analyze_file MEDIA        e.g. talk.wav, interview.mp4, photo.jpg
// Build against an installed Sentio with CMakeLists.txt next to this file, or with pkg-config:
//   g++ -std=c++20 analyze_file.cpp $(pkg-config --cflags --libs sentio) -o analyze_file
// (for a prefix outside the loader's paths add -Wl,-rpath,$(pkg-config --variable=libdir sentio)).
#include <iostream>
#include <string>

#include "sentio/sentio.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " MEDIA\n";
    return 2;
  }
  try {
    sentio::EngineOptions options;  // the shipped models; see engine.hpp for others
    options.log = [](sentio::LogLevel level, const std::string& message) {
      std::cerr << (level == sentio::LogLevel::warning ? "warning: " : "") << message << '\n';
    };
    // An engine loads each model once, when a recording first needs it; share it between recordings.
    const auto engine = sentio::Engine::create(options);
    const sentio::AnalysisResult result = sentio::analyze_file(engine, argv[1]);
    std::cout << sentio::analysis::to_json(result, "analyze_file example");
  } catch (const sentio::InputError& e) {  // a missing or unreadable file, a model that cannot be loaded
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
