// SPDX-License-Identifier: Apache-2.0
#pragma once
// "Did you mean ...?" for a mistyped subcommand or long option, after CLI11 has rejected the command line.
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace sentio::cli {

// Levenshtein distance between a and b (insertions, deletions, substitutions; each costs 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest of `candidates` to `word` at distance 1..max_distance, or "" when there is none.
std::string closest(std::string_view word, const std::vector<std::string>& candidates, std::size_t max_distance = 2);

// Hints for the words of args (without the program name) that name no subcommand or option of `app`
// ("unknown command 'analyse'; did you mean 'analyze'?"), one line each.
std::vector<std::string> suggestions(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace sentio::cli
