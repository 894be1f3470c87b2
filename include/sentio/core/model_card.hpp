// SPDX-License-Identifier: Apache-2.0
#pragma once
// The licence a model is published under, as its model card states it. Like the cards of model hubs, a
// card is a MODEL_CARD.md in the model's folder that may open with a YAML front matter block:
//   ---
//   licence: CC BY-NC-SA 4.0 (non-commercial), because it is trained on RAVDESS
//   ---
// (`license:` is accepted too). Sentio records this in every result document, so that a user sees the
// terms of each model that made the calls. A model without such a card (one you trained yourself) has no
// stated licence: its terms follow those of its training data.
#include <string>

namespace sentio {

// The card of a model: MODEL_CARD.md in the folder of `model_path`, or in `model_path` itself when it is
// a folder. "" when there is none.
std::string model_card_path(const std::string& model_path);

// The `licence:` value of a card's front matter (surrounding blanks and quotes removed), or "" when the
// card is missing, unreadable, has no front matter or no such key. Never throws.
std::string model_card_licence_from_file(const std::string& card_path);

// model_card_licence_from_file(model_card_path(model_path)).
std::string model_licence(const std::string& model_path);

}  // namespace sentio
