// SPDX-License-Identifier: Apache-2.0
#include "suggest.hpp"

#include <algorithm>
#include <numeric>

namespace sentio::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates, std::size_t max_distance) {
  std::string best;
  std::size_t best_distance = max_distance + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d > 0 && d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

namespace {

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// Long option names ("--output") of `app` and of the apps above it.
std::vector<std::string> long_options(const CLI::App* app) {
  std::vector<std::string> names;
  for (; app != nullptr; app = app->get_parent())
    for (const CLI::Option* o : app->get_options())
      for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
  return names;
}

}  // namespace

std::vector<std::string> suggestions(const CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> hints;
  const CLI::App* current = &app;
  bool positionals_seen = false;  // after the first positional of a command, words are its inputs
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg.starts_with("--")) {
      const std::string name = arg.substr(0, arg.find('='));
      const std::vector<std::string> known = long_options(current);
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      const std::string best = closest(name, known);
      if (!best.empty()) hints.push_back("unknown option '" + name + "'; did you mean '" + best + "'?");
      continue;
    }
    if (arg.starts_with("-") || positionals_seen) continue;
    if (const CLI::App* sub = find_subcommand(*current, arg)) {
      current = sub;
      continue;
    }
    const std::vector<std::string> subs = subcommand_names(*current);
    if (!subs.empty() && current->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty()) {
      const std::string best = closest(arg, subs);
      if (!best.empty()) hints.push_back("unknown command '" + arg + "'; did you mean '" + best + "'?");
      break;
    }
    positionals_seen = true;
  }
  return hints;
}

}  // namespace sentio::cli
