// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/model_card.hpp"

#include <filesystem>
#include <fstream>
#include <string_view>

namespace sentio {

namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

constexpr std::size_t kMaxFrontMatterLines = 64;  // a card's front matter is a few lines; stop looking after that

}  // namespace

std::string model_card_path(const std::string& model_path) {
  if (model_path.empty()) return {};
  std::error_code ec;
  const fs::path p(model_path);
  const fs::path dir = fs::is_directory(p, ec) ? p : p.parent_path();
  const fs::path card = (dir.empty() ? fs::path(".") : dir) / "MODEL_CARD.md";
  return fs::is_regular_file(card, ec) ? card.string() : std::string();
}

std::string model_card_licence_from_file(const std::string& card_path) {
  if (card_path.empty()) return {};
  std::ifstream in(card_path);
  std::string line;
  if (!in || !std::getline(in, line) || trim(line) != "---") return {};
  for (std::size_t n = 0; n < kMaxFrontMatterLines && std::getline(in, line); ++n) {
    const std::string_view l = trim(line);
    if (l == "---") break;
    for (const std::string_view key : {"licence:", "license:"}) {
      if (!l.starts_with(key)) continue;
      std::string_view value = trim(l.substr(key.size()));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
  }
  return {};
}

std::string model_licence(const std::string& model_path) {
  return model_card_licence_from_file(model_card_path(model_path));
}

}  // namespace sentio
