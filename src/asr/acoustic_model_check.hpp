// SPDX-License-Identifier: Apache-2.0
#pragma once
// Structural checks of a Sphinx acoustic-model folder, run before pocketsphinx loads it.
//
// Why: pocketsphinx 5prealpha treats many damaged model files as fatal and ends the process (its
// E_FATAL: exit status 1) or crashes (a truncated binary model definition), instead of returning an
// error. Measured on copies of the en-us model with one file truncated, emptied or overwritten with
// random bytes: means, variances and transition_matrices with a bad header, a truncated
// transition_matrices, a bad or empty mdef, a bad or empty sendump all end the process; a truncated
// mdef crashes it; a truncated sendump loads and decodes to wrong words.
//
// Checked, per file pocketsphinx will read (mdef, means, variances, transition_matrices, and sendump
// or else mixture_weights): the header (magic, byte-order mark, declared dimensions), that the file
// size is what the dimensions say, and that the dimensions shared between files agree. Not checked:
// the values and the checksums (a damaged value with an intact size still ends the process inside
// pocketsphinx), and text-format model definitions beyond their version line.
#include <string>

namespace sentio::asr::detail {

// Throws sentio::InputError naming the file and what is wrong with it.
void check_acoustic_model(const std::string& folder);

}  // namespace sentio::asr::detail
