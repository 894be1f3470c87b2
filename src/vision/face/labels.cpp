// SPDX-License-Identifier: Apache-2.0
// Core expression label names and the mapping of dataset label names (FER2013, CK+, core) onto them.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

#include "sentio/core/error.hpp"
#include "sentio/vision/face_analyzer.hpp"

namespace sentio::vision {

std::string_view expression_name(Expression e) {
  static constexpr std::array<std::string_view, kExpressionCount> kNames = {
      "neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"};
  const auto i = static_cast<std::size_t>(e);
  SENTIO_ASSERT(i < kNames.size());
  return kNames[i];
}

LabelMapping map_expression_label(std::string_view label) {
  std::string s(label);
  // trim and lower-case
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s.erase(0, start);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

  static const std::array<std::pair<std::string_view, Expression>, 16> kTable = {{
      {"neutral", Expression::neutral},     {"happiness", Expression::happiness}, {"happy", Expression::happiness},
      {"sadness", Expression::sadness},     {"sad", Expression::sadness},         {"anger", Expression::anger},
      {"angry", Expression::anger},         {"fear", Expression::fear},           {"fearful", Expression::fear},
      {"disgust", Expression::disgust},     {"disgusted", Expression::disgust},   {"surprise", Expression::surprise},
      {"surprised", Expression::surprise},  {"joy", Expression::happiness},       {"calm", Expression::neutral},
      {"neutrality", Expression::neutral},
  }};
  for (const auto& [name, e] : kTable)
    if (s == name) return {LabelStatus::supported, e};
  if (s == "contempt" || s == "contemptuous") return {LabelStatus::unsupported, Expression::neutral};
  return {LabelStatus::unknown, Expression::neutral};
}

}  // namespace sentio::vision
