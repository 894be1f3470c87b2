// SPDX-License-Identifier: Apache-2.0
// Dataset label names (FER2013, CK+, AffectNet, core) onto the core expression labels, through the
// shared label table (sentio/core/labels.hpp).
#include "sentio/core/labels.hpp"
#include "sentio/vision/face_types.hpp"

namespace sentio::vision {

LabelMapping map_expression_label(std::string_view label) {
  const std::optional<LabelInfo> info = lookup_label(label);
  if (!info) return {LabelStatus::unknown, Expression::neutral};
  // A spelling of a core label.
  if (const std::optional<Emotion> e = emotion_from_name(info->name)) return {LabelStatus::supported, *e};
  // Face datasets read calm as its core equivalent, neutral (a calm face is a resting face). The other
  // extras with a core equivalent (boredom, powerful, GoEmotions' fine labels) stay unknown to faces:
  // their equivalent describes a feeling, not an expression a face dataset annotates.
  if (info->name == "calm") return {LabelStatus::supported, *info->core};
  // Known, but no core class exists for it (contempt).
  if (!info->core) return {LabelStatus::unsupported, Expression::neutral};
  return {LabelStatus::unknown, Expression::neutral};
}

}  // namespace sentio::vision
